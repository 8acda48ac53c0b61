import ScoreCore

/// `type: schema` — required columns, column types, and columns that must never be null.
/// Types are enforced where the data is parsed: the reader reads a typed column as that type, so
/// a cell that is not one (`45.5` in an int64 column) rejects its row at the `parse` stage.
public struct SchemaValidator: RowValidator {
    /// The registry entry (`type: schema`).
    public static let plugin = PluginRegistry.Validator(
        spec: PluginSpec(
            kind: .validator, type: "schema",
            summary: "Required columns (checked against the header), column types, and columns that must not be null",
            fields: [
                ConfigField("required", .list(.string), default: .list([]),
                            doc: "Columns the input must have (a missing one stops the job before any row is read)."),
                ConfigField("types", .map(.columnType),
                            doc: "Column types the input is read as; a cell that is not of its column's type rejects the row."),
                ConfigField("not_null", .list(.string), default: .list([]),
                            doc: "Columns that must have a value in every row (a null rejects the row)."),
            ],
            example: "{ type: schema, required: [id, age], types: { age: int64 }, not_null: [id] }"),
        make: { config, _ in SchemaValidator(config: config) })

    /// The quarantine's `rule` for rows this validator rejects.
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

    /// None: `types` reaches the reader through `requiredTypes` instead.
    public var numericColumns: [String] { [] }

    /// `types`, so the reader parses those columns as exactly that type.
    public var requiredTypes: [String: ColumnType] {
        Dictionary(types, uniquingKeysWith: { _, last in last })
    }

    /// - Throws: `JobSpecError` when a `required`, `not_null` or `types` column is missing, or the
    /// input reads a `types` column as another type.
    public func check(schema: Schema) throws {
        for c in required { try ValidatorSupport.requireColumn(c, in: schema, config: config, key: "required") }
        for c in notNull { try ValidatorSupport.requireColumn(c, in: schema, config: config, key: "not_null") }
        for (c, type) in types {
            try ValidatorSupport.requireColumn(c, in: schema, config: config, key: "types")
            let actual = schema.field(c)!.type
            if actual != type {
                throw JobSpecError(at: config.location(of: "types"), config.keyPath(of: "types") + ".\(c)",
                                   "the input reads column '\(c)' as \(actual), the schema expects \(type)",
                                   hint: "reader.columns declares it as \(actual); make the two agree")
            }
        }
    }

    /// Rejects rows with a null in a `not_null` column; types were already enforced when parsing.
    public func validate(_ batch: Batch, verdicts: inout RowVerdicts) {
        for name in notNull {
            guard let column = batch.column(named: name), let nulls = column.nulls else { continue }
            for r in 0 ..< batch.rowCount where nulls.isNull(r) {
                verdicts.reject(r, rule: rule, reason: "\(name) is empty (not_null)")
            }
        }
    }
}
