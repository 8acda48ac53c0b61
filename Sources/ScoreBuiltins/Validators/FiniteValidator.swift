import ScoreCore

/// `type: finite` — rejects rows holding NaN or ±infinity in float columns.
public struct FiniteValidator: RowValidator {
    /// The registry entry (`type: finite`).
    public static let plugin = PluginRegistry.Validator(
        spec: PluginSpec(
            kind: .validator, type: "finite",
            summary: "Rejects rows with NaN or ±infinity (including overflowing numbers like 1e400)",
            fields: [
                ConfigField("columns", .list(.string),
                            doc: "Columns to check; by default every float64 column of the input."),
            ],
            example: "{ type: finite, columns: [income] }"),
        make: { config, _ in FiniteValidator(config: config) })

    /// The quarantine's `rule` for rows this validator rejects.
    public let rule = "finite"
    let config: ConfigSection
    let columns: [String]?

    init(config: ConfigSection) {
        self.config = config
        columns = config.strings("columns")
    }

    /// The listed columns, so the reader parses them as numbers; none when checking every float column.
    public var numericColumns: [String] { columns ?? [] }

    /// - Throws: `JobSpecError` at `columns` when a listed column is missing or not numeric.
    public func check(schema: Schema) throws {
        for c in columns ?? [] { try ValidatorSupport.requireNumeric(c, in: schema, config: config, key: "columns") }
    }

    /// Rejects rows with a NaN or infinite value in a checked float64 column (int columns cannot hold one).
    public func validate(_ batch: Batch, verdicts: inout RowVerdicts) {
        for column in batch.columns where columns?.contains(column.name) ?? true {
            guard case .float64(let values) = column.data else { continue }
            values.withUnsafeBufferPointer { v in
                for r in 0 ..< v.count where !v[r].isFinite && !column.isNull(r) {
                    let what = v[r].isNaN ? "NaN" : (v[r] > 0 ? "+infinity" : "-infinity")
                    verdicts.reject(r, rule: rule, reason: "\(column.name) is \(what)")
                }
            }
        }
    }
}
