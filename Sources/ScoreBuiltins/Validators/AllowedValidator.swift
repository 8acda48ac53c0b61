import ScoreCore

/// `type: allowed` — a categorical column's value must be one of a listed set (compared as text).
public struct AllowedValidator: RowValidator {
    /// The registry entry (`type: allowed`).
    public static let plugin = PluginRegistry.Validator(
        spec: PluginSpec(
            kind: .validator, type: "allowed",
            summary: "Rejects rows whose value is not in the column's allowed set (exact, case-sensitive text; nulls pass)",
            fields: [
                ConfigField("columns", .map(.list(.string)), required: true,
                            doc: "Column → allowed values, e.g. { region: [north, south] }."),
            ],
            example: "{ type: allowed, columns: { region: [north, south, east, west] } }"),
        make: { config, _ in AllowedValidator(config: config) })

    /// The quarantine's `rule` for rows this validator rejects.
    public let rule = "allowed"
    let config: ConfigSection
    let domains: [Domain]

    /// One column's allowed values as bytes, grouped by length: a row's check compares bytes
    /// with the few values of its length and allocates nothing.
    struct Domain: Sendable {
        let column: String
        let values: [String]
        let byLength: [Int: [[UInt8]]]

        init(column: String, values: [String]) {
            self.column = column
            self.values = values
            byLength = Dictionary(grouping: values.map { Array($0.utf8) }, by: \.count)
        }

        func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
            guard let candidates = byLength[bytes.count] else { return false }
            return candidates.contains { c in c.withUnsafeBytes { $0.elementsEqual(bytes) } }
        }
    }

    init(config: ConfigSection) {
        self.config = config
        domains = (config.map("columns") ?? []).map { entry in
            Domain(column: entry.key, values: entry.value.listValue?.compactMap(\.stringValue) ?? [])
        }
    }

    /// None: values are compared as text, whatever the column's type.
    public var numericColumns: [String] { [] }

    /// - Throws: `JobSpecError` at `columns` when a listed column is not in the input.
    public func check(schema: Schema) throws {
        for d in domains { try ValidatorSupport.requireColumn(d.column, in: schema, config: config, key: "columns") }
    }

    /// Rejects non-null values outside their column's set; string cells are compared as bytes, without allocating.
    public func validate(_ batch: Batch, verdicts: inout RowVerdicts) {
        for d in domains {
            guard let column = batch.column(named: d.column) else { continue }
            for r in 0 ..< batch.rowCount where !column.isNull(r) {
                let ok: Bool
                if case .string(let strings) = column.data {
                    ok = strings.withBytes(r) { d.contains($0) }
                } else {
                    var text = column.text(at: r) ?? ""
                    ok = text.withUTF8 { d.contains(UnsafeRawBufferPointer($0)) }
                }
                if !ok {
                    verdicts.reject(r, rule: rule,
                                    reason: "\(d.column)='\(column.text(at: r) ?? "")' is not one of: \(ValidatorSupport.list(d.values))")
                }
            }
        }
    }
}
