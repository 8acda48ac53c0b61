import ScoreCore

/// How a scalar was written. Only plain scalars are resolved to null, bool, int or float;
/// quoted and block scalars are always strings.
enum ScalarStyle: Sendable, Equatable {
    case plain
    case quoted
    case block
}

/// One node of a job document, owned by Swift: libyaml's document is freed as soon as it is
/// copied, and aliases and merge keys are already expanded, so every later pass (overrides,
/// `${VAR}`, checking) walks a plain tree.
struct YAMLNode: Sendable {
    enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    var content: Content
    var location: SourceLocation
    /// True when the scalar's text came from `${VAR}`: it must never be printed.
    var isSecret = false
    /// The text as written before `${VAR}` expansion; safe to print in place of a secret.
    var writtenText: String?
    /// An error was already reported for this node; checking skips it so one mistake gives one message.
    var isInvalid = false

    init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// A plain `null` scalar, used where a key is created without a value.
    static func null(at location: SourceLocation) -> YAMLNode { YAMLNode(.scalar("", .plain), at: location) }

    var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The core-schema meaning of a scalar; nil for collections.
    var resolved: ResolvedScalar? {
        guard case .scalar(let text, let style) = content else { return nil }
        return ScalarResolution.resolve(text, style: style)
    }

    var isNull: Bool { resolved == .null }

    /// True when this node or anything inside it came from `${VAR}`.
    var containsSecret: Bool {
        if isSecret { return true }
        switch content {
        case .scalar: return false
        case .sequence(let items): return items.contains { $0.containsSecret }
        case .mapping(let pairs): return pairs.contains { $0.value.containsSecret }
        }
    }

    /// The value's kind and text for messages (`string "abc"`, `integer 5`, `list`); secrets are redacted.
    var summary: String {
        switch content {
        case .sequence: return "list"
        case .mapping: return "mapping"
        case .scalar:
            let kind: String
            var text: String
            switch resolved ?? .null {
            case .null: return isSecret ? "null (from \(writtenText ?? "${…}"))" : "null"
            case .bool(let b): kind = "boolean"; text = String(b)
            case .int(let i): kind = "integer"; text = String(i)
            case .float(let d): kind = "number"; text = NumberFormatting.shortest(d)
            case .string(let s): kind = "string"; text = "\"\(Self.truncated(s))\""
            }
            if isSecret { text = "<redacted> (from \(writtenText ?? "${…}"))" }
            return "\(kind) \(text)"
        }
    }

    /// The scalar's text quoted for a message, or `<redacted>` for a secret.
    var quotedText: String {
        isSecret ? "<redacted>" : "'\(Self.truncated(scalarText ?? ""))'"
    }

    private static func truncated(_ s: String) -> String {
        s.count <= 60 ? s : String(s.prefix(57)) + "..."
    }
}

/// A mapping entry; `keyText` is the key scalar's text (keys are literal, never `${VAR}`-expanded).
struct YAMLPair: Sendable {
    var key: YAMLNode
    var value: YAMLNode
    var keyText: String
}

extension String {
    /// `parent.child`, or `child` at the top level.
    func appendingKey(_ key: String) -> String { isEmpty ? key : "\(self).\(key)" }
    /// `parent[3]`.
    func appendingIndex(_ index: Int) -> String { "\(self)[\(index)]" }
}
