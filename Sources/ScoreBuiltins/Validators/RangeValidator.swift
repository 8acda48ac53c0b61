import ScoreCore

/// `type: range` — per-column inclusive bounds; `null` leaves a side open.
public struct RangeValidator: RowValidator {
    /// The registry entry (`type: range`).
    public static let plugin = PluginRegistry.Validator(
        spec: PluginSpec(
            kind: .validator, type: "range",
            summary: "Rejects rows whose value lies outside [min, max] (inclusive; null leaves a side open; NaN is outside)",
            fields: [
                ConfigField("columns", .map(.list(.nullable(.float))), required: true,
                            doc: "Column → [min, max], e.g. { age: [18, 120], income: [0, null] }."),
            ],
            example: "{ type: range, columns: { age: [18, 120], income: [0, null] } }"),
        make: { config, _ in try RangeValidator(config: config) })

    /// The quarantine's `rule` for rows this validator rejects.
    public let rule = "range"
    let config: ConfigSection
    let bounds: [(column: String, min: Double?, max: Double?)]

    init(config: ConfigSection) throws {
        self.config = config
        var bounds: [(String, Double?, Double?)] = []
        for entry in config.map("columns") ?? [] {
            let pair = entry.value.listValue ?? []
            guard pair.count == 2 else {
                throw JobSpecError(at: config.location(of: "columns"), config.keyPath(of: "columns") + ".\(entry.key)",
                                   "expected [min, max], got \(pair.count) value(s)", hint: "use null for an open side")
            }
            let lo = pair[0].doubleValue, hi = pair[1].doubleValue
            if let lo, let hi, lo > hi {
                throw JobSpecError(at: config.location(of: "columns"), config.keyPath(of: "columns") + ".\(entry.key)",
                                   "min \(NumberFormatting.shortest(lo)) is greater than max \(NumberFormatting.shortest(hi))")
            }
            bounds.append((entry.key, lo, hi))
        }
        self.bounds = bounds
    }

    /// Every bounded column, so the reader parses them as numbers.
    public var numericColumns: [String] { bounds.map(\.column) }

    /// - Throws: `JobSpecError` at `columns` when a bounded column is missing or not numeric.
    public func check(schema: Schema) throws {
        for b in bounds { try ValidatorSupport.requireNumeric(b.column, in: schema, config: config, key: "columns") }
    }

    /// Rejects values outside their bounds; NaN fails both comparisons so it is rejected, nulls pass.
    public func validate(_ batch: Batch, verdicts: inout RowVerdicts) {
        for b in bounds {
            guard let column = batch.column(named: b.column) else { continue }
            let lo = b.min ?? -.infinity, hi = b.max ?? .infinity
            for r in 0 ..< batch.rowCount {
                guard let v = column.double(at: r) else { continue }
                if !(v >= lo && v <= hi) {
                    let text = column.text(at: r) ?? ""
                    let reason = v < lo ? "\(b.column)=\(text) is below the minimum \(NumberFormatting.shortest(lo))"
                        : v > hi ? "\(b.column)=\(text) is above the maximum \(NumberFormatting.shortest(hi))"
                        : "\(b.column)=\(text) is not within [\(b.min.map(NumberFormatting.shortest) ?? "-inf"), \(b.max.map(NumberFormatting.shortest) ?? "inf")]"
                    verdicts.reject(r, rule: rule, reason: reason)
                }
            }
        }
    }
}
