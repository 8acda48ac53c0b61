import ScoreCore

/// `type: schema` — required columns, column types, and columns that must never be null.
public struct SchemaValidator: RowValidator {
    public static let plugin = PluginRegistry.Validator(
        spec: PluginSpec(
            kind: .validator, type: "schema",
            summary: "Required columns (checked against the header), column types, and columns that must not be null",
            fields: [
                ConfigField("required", .list(.string), default: .list([]),
                            doc: "Columns the input must have (a missing one stops the job before any row is read)."),
                ConfigField("types", .map(.columnType),
                            doc: "Expected column types; numeric ones are parsed as numbers, int64 values must be whole."),
                ConfigField("not_null", .list(.string), default: .list([]),
                            doc: "Columns that must have a value in every row (a null rejects the row)."),
            ],
            example: "{ type: schema, required: [id, age], types: { age: int64 }, not_null: [id] }"),
        make: { config, _ in SchemaValidator(config: config) })

    public let rule = "schema"
    let config: ConfigSection
    let required: [String]
    let types: [(String, ColumnType)]
    let notNull: [String]

    init(config: ConfigSection) {
        self.config = config
        required = config.strings("required") ?? []
        types = (config.map("types") ?? []).compactMap { entry in
            entry.value.stringValue.flatMap(ColumnType.init(rawValue:)).map { (entry.key, $0) }
        }
        notNull = config.strings("not_null") ?? []
    }

    public var numericColumns: [String] { types.filter { $0.1.isNumeric }.map(\.0) }

    public func check(schema: Schema) throws {
        for c in required { try ValidatorSupport.requireColumn(c, in: schema, config: config, key: "required") }
        for c in notNull { try ValidatorSupport.requireColumn(c, in: schema, config: config, key: "not_null") }
        for (c, type) in types {
            try ValidatorSupport.requireColumn(c, in: schema, config: config, key: "types")
            let actual = schema.field(c)!.type
            // int64 may be held as float64 (numeric columns are parsed as float64); each row is checked.
            let compatible = actual == type || (type == .int64 && actual == .float64) || type == .string
            if !compatible {
                throw JobSpecError(at: config.location(of: "types"), config.keyPath(of: "types"),
                                   "column '\(c)' is read as \(actual), the schema expects \(type)",
                                   hint: "declare it under reader.columns")
            }
        }
    }

    public func validate(_ batch: Batch, verdicts: inout RowVerdicts) {
        for name in notNull {
            guard let column = batch.column(named: name), let nulls = column.nulls else { continue }
            for r in 0 ..< batch.rowCount where nulls.isNull(r) {
                verdicts.reject(r, rule: rule, reason: "\(name) is empty (not_null)")
            }
        }
        for (name, type) in types where type == .int64 {
            guard let column = batch.column(named: name), case .float64(let values) = column.data else { continue }
            for r in 0 ..< batch.rowCount where !column.isNull(r) {
                let v = values[r]
                if v.rounded(.towardZero) != v || abs(v) > 9.007199254740992e15 {
                    verdicts.reject(r, rule: rule, reason: "\(name)=\(NumberFormatting.shortest(v)) is not a whole number (int64)")
                }
            }
        }
    }
}
