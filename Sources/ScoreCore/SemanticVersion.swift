/// A plugin version, `MAJOR.MINOR.PATCH` (semver without pre-release or build tags, which plugins
/// shared through folders and git tags do not need).
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Incremented for changes that break jobs using the plugin.
    public var major: Int
    /// Incremented for compatible additions.
    public var minor: Int
    /// Incremented for fixes.
    public var patch: Int

    /// Creates a version.
    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `MAJOR.MINOR.PATCH` (digits only, no leading zeros); nil otherwise.
    public init?(_ text: String) {
        guard let parts = Self.numbers(text), parts.count == 3 else { return nil }
        self.init(parts[0], parts[1], parts[2])
    }

    /// One to three dot-separated numbers (`1`, `1.2`, `1.2.3`), as requirements write them.
    static func numbers(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1 ... 3).contains(parts.count) else { return nil }
        var out: [Int] = []
        for part in parts {
            // Leading zeros are ambiguous in semver ("01"); digits only, so "+1" or " 1" are refused.
            guard !part.isEmpty, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  part == "0" || part.first != "0", let n = Int(part) else { return nil }
            out.append(n)
        }
        return out
    }

    /// Orders by major, then minor, then patch.
    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    /// `1.2.3`.
    public var description: String { "\(major).\(minor).\(patch)" }
}
