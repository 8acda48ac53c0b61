import ScoreCore

/// Expands `${VAR}`, `${VAR:-default}` and `$$` in every scalar value from a given environment
/// (never the process's own, so loading stays a pure function of its inputs). Keys are left
/// literal: they appear in key paths, and key paths are printed.
///
/// Separately, it records the value of every variable a `${…}` refers to anywhere (keys, values an
/// override replaces, overrides themselves), so the runtime can scrub a value wherever it turns up,
/// even inside a longer string derived from it.
struct EnvironmentExpansion {
    /// The result of expanding one scalar's text.
    enum Result: Equatable {
        case unchanged
        /// `usedVariable` is true when any `${…}` was replaced (the value is then a secret).
        case expanded(String, usedVariable: Bool)
        case failed([Problem])
    }

    struct Problem: Equatable {
        var message: String
        var hint: String?
    }

    let environment: [String: String]
    private(set) var errors: [JobSpecError] = []
    /// Values of set variables substituted so far (or that would be, in keys and replaced text),
    /// without repeats or empty strings, in the order first met.
    private(set) var substitutedValues: [String] = []

    init(environment: [String: String]) { self.environment = environment }

    /// Records the variables that each text refers to, without expanding anything (keys, raw
    /// document scalars an override or merge key may drop, override paths).
    mutating func recordReferences(in texts: some Sequence<String>) {
        for text in texts where text.contains("${") {
            var found: [String] = []
            _ = Self.expand(text, environment: environment, substituted: &found)
            remember(found)
        }
    }

    private mutating func remember(_ values: [String]) {
        for v in values where !v.isEmpty && !substitutedValues.contains(v) { substitutedValues.append(v) }
    }

    /// Expands every scalar value under `node`, marking those that used a variable as secret.
    mutating func expand(_ node: inout YAMLNode, keyPath: String) {
        switch node.content {
        case .scalar(let text, let style):
            var found: [String] = []
            let result = Self.expand(text, environment: environment, substituted: &found)
            remember(found)
            switch result {
            case .unchanged:
                break
            case .expanded(let value, let usedVariable):
                node.content = .scalar(value, style)
                if usedVariable {
                    node.isSecret = true
                    node.writtenText = text
                }
            case .failed(let problems):
                node.isInvalid = true
                for p in problems { errors.append(JobSpecError(at: node.location, keyPath, p.message, hint: p.hint)) }
            }
        case .sequence(var items):
            for i in items.indices { expand(&items[i], keyPath: keyPath.appendingIndex(i)) }
            node.content = .sequence(items)
        case .mapping(var pairs):
            for i in pairs.indices { expand(&pairs[i].value, keyPath: keyPath.appendingKey(pairs[i].keyText)) }
            node.content = .mapping(pairs)
        }
    }

    /// Expands one scalar's text. Problems never quote a variable's value.
    static func expand(_ text: String, environment: [String: String]) -> Result {
        var ignored: [String] = []
        return expand(text, environment: environment, substituted: &ignored)
    }

    /// Same, appending to `substituted` the value of each set variable it refers to (not defaults:
    /// those are written in the job file).
    static func expand(_ text: String, environment: [String: String], substituted: inout [String]) -> Result {
        guard text.contains("$") else { return .unchanged }
        let chars = Array(text)
        var out = ""
        var usedVariable = false
        var problems: [Problem] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "$", i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            if chars[i + 1] == "$" {
                out.append("$")
                i += 2
                continue
            }
            guard chars[i + 1] == "{" else {
                out.append(c)
                i += 1
                continue
            }
            guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                problems.append(Problem(message: "unterminated '${' in value", hint: "write '$$' for a literal '$'"))
                break
            }
            let body = String(chars[(i + 2) ..< close])
            let name: String
            var fallback: String?
            if let range = body.range(of: ":-") {
                name = String(body[..<range.lowerBound])
                fallback = String(body[range.upperBound...])
            } else {
                name = body
            }
            usedVariable = true
            if !isVariableName(name) {
                problems.append(Problem(message: "invalid variable reference '${\(body)}'",
                                        hint: "use ${NAME} or ${NAME:-default}; write '$$' for a literal '$'"))
            } else if let value = environment[name] {
                substituted.append(value)
                out += value
            } else if let fallback {
                out += fallback
            } else {
                problems.append(Problem(message: "environment variable '\(name)' is not set",
                                        hint: "set it, or give a default: ${\(name):-value}"))
            }
            i = close + 1
        }
        if !problems.isEmpty { return .failed(problems) }
        return out == text && !usedVariable ? .unchanged : .expanded(out, usedVariable: usedVariable)
    }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0" ... "9").contains($0))) }
    }
}
