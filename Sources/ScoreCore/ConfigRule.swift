/// A rule across the fields of one section, declared with the fields (`PluginSpec.rules`) so the
/// spec check enforces it — `batchscore validate` reports it at the section's `file:line:col` —
/// and a factory reading the section relies on the same declaration instead of re-listing it.
public enum ConfigRule: Sendable, Equatable {
    /// Exactly one of these keys is given.
    case exactlyOne([String])

    /// What is wrong when a section holds the keys `present`, or nil when the rule holds.
    public func violation(present: Set<String>) -> String? {
        switch self {
        case .exactlyOne(let keys):
            let given = keys.filter(present.contains)
            if given.count == 1 { return nil }
            let names = keys.map { "`\($0)`" }
            let list = names.count == 2 ? "\(names[0]) or \(names[1])" : names.joined(separator: ", ")
            if given.isEmpty { return "give one of \(list)" }
            return "give only one of \(list), not " + (given.count == 2 ? "both" : given.map { "`\($0)`" }.joined(separator: ", "))
        }
    }

    /// The violation in `section`, counting keys whose value is not null.
    public func violation(in section: ConfigSection) -> String? {
        violation(present: Set(section.order.filter { section[$0] != nil && section[$0] != .null }))
    }
}
