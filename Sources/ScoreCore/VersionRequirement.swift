/// Which plugin versions a job accepts, as written after `@` in `plugin: ratio@^1.2`:
/// `^1.2` (compatible: same major, at least 1.2.0; for 0.x, same minor), `~1.2.3` (same minor,
/// at least the patch), `1.2.3` (exactly), `>=1.0`, or `*` (any; also what a bare name means).
public struct VersionRequirement: Sendable, Equatable, CustomStringConvertible {
    enum Operator: String, Sendable {
        case any = "*"
        case caret = "^"
        case tilde = "~"
        case exact = ""
        case atLeast = ">="
    }

    let op: Operator
    /// The version written, with missing parts as zero.
    let base: SemanticVersion
    /// How many parts were written (`^1` is 1, `^1.2` is 2): `^1` and `~1` accept any 1.x.
    let parts: Int

    /// Any version.
    public static let any = VersionRequirement(op: .any, base: SemanticVersion(0, 0, 0), parts: 0)

    /// Parses a requirement; nil when it is not one of the accepted forms. An exact version must
    /// have all three parts (`1.2` alone is ambiguous: say `^1.2` or `~1.2`).
    public init?(_ text: String) {
        let text = text.trimmingEdges(" ")
        if text == "*" || text.isEmpty {
            self = .any
            return
        }
        let op: Operator
        var rest = Substring(text)
        if rest.hasPrefix(">=") { op = .atLeast; rest = rest.dropFirst(2) }
        else if rest.hasPrefix("^") { op = .caret; rest = rest.dropFirst() }
        else if rest.hasPrefix("~") { op = .tilde; rest = rest.dropFirst() }
        else { op = .exact }
        guard let numbers = SemanticVersion.numbers(String(rest.trimmingEdges(" "))),
              op != .exact || numbers.count == 3 else { return nil }
        let padded = numbers + Array(repeating: 0, count: 3 - numbers.count)
        self.init(op: op, base: SemanticVersion(padded[0], padded[1], padded[2]), parts: numbers.count)
    }

    private init(op: Operator, base: SemanticVersion, parts: Int) {
        self.op = op
        self.base = base
        self.parts = parts
    }

    /// Whether `version` satisfies the requirement.
    public func isSatisfied(by version: SemanticVersion) -> Bool {
        switch op {
        case .any: return true
        case .exact: return version == base
        case .atLeast: return version >= base
        case .tilde:
            // ~1 is any 1.x; ~1.2 and ~1.2.3 stay within 1.2.
            guard version >= base, version.major == base.major else { return false }
            return parts == 1 || version.minor == base.minor
        case .caret:
            // Semver's rule: the leftmost non-zero part may not change (^0.2 stays within 0.2).
            guard version >= base, version.major == base.major else { return false }
            if base.major > 0 || parts == 1 { return true }
            if base.minor > 0 || parts == 2 { return version.minor == base.minor }
            return version.minor == base.minor && version.patch == base.patch
        }
    }

    /// As written, normalised: `^1.2`, `~1.2.3`, `1.2.3`, `>=1.0`, `*`.
    public var description: String {
        op == .any ? "*" : op.rawValue + [base.major, base.minor, base.patch].prefix(parts).map(String.init).joined(separator: ".")
    }
}

extension StringProtocol {
    /// Without leading and trailing `character`s (ScoreCore does not import Foundation).
    func trimmingEdges(_ character: Character) -> String {
        var s = Substring(self)
        while s.first == character { s = s.dropFirst() }
        while s.last == character { s = s.dropLast() }
        return String(s)
    }
}
