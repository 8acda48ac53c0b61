import ScoreCore
import ScoreJobSpec

/// Replaces values that came from `${VAR}` with `<redacted>` in text bound for people or logs:
/// the last line of defence, so a secret that reached an error message (a path inside an I/O
/// error, say) is still never shown.
public struct Redactor: Sendable {
    /// Longest first, so a value containing another is replaced whole.
    let secrets: [String]

    /// Values shorter than this are left alone: scrubbing every "1" would garble messages and a
    /// value that short carries nothing worth hiding.
    static let minimumLength = 4

    /// A redactor for `secrets`; values shorter than `minimumLength` are ignored.
    public init(secrets: [String]) {
        self.secrets = Set(secrets.filter { $0.count >= Self.minimumLength }).sorted { $0.count > $1.count }
    }

    /// A redactor for every value in `spec` that came from `${VAR}`.
    public init(spec: JobSpec) { self.init(secrets: spec.secretValues) }

    /// A redactor that changes nothing (before a spec is loaded).
    public static let none = Redactor(secrets: [])

    /// `text` with every secret replaced by `<redacted>`.
    public func callAsFunction(_ text: String) -> String {
        var t = text
        for s in secrets where t.contains(s) { t = t.replacingOccurrences(of: s, with: "<redacted>") }
        return t
    }
}

import Foundation
