import ScoreCore

/// `{param}` placeholders in a plugin's column names (`"{as}": float64`), filled from a step's params.
public enum Placeholders {
    /// The param names a template uses, or why it is malformed (an unclosed or empty `{}`).
    public static func names(in template: String) -> Result<[String], PlaceholderError> {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{" else { return .failure(.unopened) }
            guard let close = rest[open...].firstIndex(of: "}") else { return .failure(.unclosed) }
            let name = String(rest[rest.index(after: open) ..< close])
            guard !name.isEmpty, !name.contains("{") else { return .failure(.emptyOrNested) }
            names.append(name)
            rest = rest[rest.index(after: close)...]
        }
        return .success(names)
    }

    /// The template with each `{name}` replaced by `value(name)`; nil when a value is missing.
    public static func fill(_ template: String, _ value: (String) -> String?) -> String? {
        guard case .success = names(in: template) else { return nil }
        // One pass, so a value that itself holds braces is never filled again.
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            guard let v = value(String(rest[rest.index(after: open) ..< close])) else { return nil }
            out += v
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

/// Why a column-name template is malformed.
public struct PlaceholderError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: String { case unopened = "'}' without '{'", unclosed = "'{' without '}'", emptyOrNested = "an empty or nested '{}'" }
    private let reason: Reason

    /// A `}` with no `{` before it.
    public static let unopened = PlaceholderError(reason: .unopened)
    /// A `{` with no `}` after it.
    public static let unclosed = PlaceholderError(reason: .unclosed)
    /// `{}`, or a `{` inside a placeholder.
    public static let emptyOrNested = PlaceholderError(reason: .emptyOrNested)

    /// The problem, as a phrase.
    public var description: String { reason.rawValue }
}
