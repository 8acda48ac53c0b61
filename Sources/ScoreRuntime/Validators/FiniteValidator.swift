import ScoreCore

/// `type: finite` — rejects rows holding NaN or ±infinity in float columns.
public struct FiniteValidator: RowValidator {
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

    public let rule = "finite"
    let config: ConfigSection
    let columns: [String]?

    init(config: ConfigSection) {
        self.config = config
        columns = config.strings("columns")
    }

    public var numericColumns: [String] { columns ?? [] }

    public func check(schema: Schema) throws {
        for c in columns ?? [] { try ValidatorSupport.requireNumeric(c, in: schema, config: config, key: "columns") }
    }

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
