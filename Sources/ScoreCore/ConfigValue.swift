/// A checked config value: what the job spec decoder produces from YAML for a declared field.
public indirect enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    /// An explicit null (only where the field's type is `nullable`).
    case null
    /// Text; also paths, choices and column type names.
    case string(String)
    /// A whole number.
    case int(Int)
    /// A finite number.
    case float(Double)
    /// A boolean.
    case bool(Bool)
    /// A count (`.count`) or a fraction of rows read (`.percent` holds 0...100).
    case count(Int)
    /// A percent of rows read (0...100), written `1%`.
    case percent(Double)
    /// The items of a list, in order.
    case list([ConfigValue])
    /// Keys in document order.
    case map([(key: String, value: ConfigValue)])
    /// A nested section with declared fields.
    case section(ConfigSection)

    /// Hand-written because `.map`'s tuples are not `Equatable`; NaN equals NaN so equality stays reflexive.
    public static func == (a: ConfigValue, b: ConfigValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.string(let x), .string(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.float(let x), .float(let y)): x == y || (x.isNaN && y.isNaN)
        case (.bool(let x), .bool(let y)): x == y
        case (.count(let x), .count(let y)): x == y
        case (.percent(let x), .percent(let y)): x == y
        case (.list(let x), .list(let y)): x == y
        case (.map(let x), .map(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.section(let x), .section(let y)): x == y
        default: false
        }
    }

    /// The value as plain text for messages; it does not redact secrets (see `ConfigSection.display`).
    public var description: String {
        switch self {
        case .null: "null"
        case .string(let s): s
        case .int(let i): String(i)
        case .float(let d): NumberFormatting.shortest(d)
        case .bool(let b): String(b)
        case .count(let c): String(c)
        case .percent(let p): "\(NumberFormatting.shortest(p))%"
        case .list(let l): "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): "{" + m.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .section(let s): s.description
        }
    }

    /// The text of a `.string`, else nil.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The number of an `.int`, else nil.
    public var intValue: Int? { if case .int(let i) = self { i } else { nil } }
    /// The flag of a `.bool`, else nil.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// Ints widen to doubles.
    public var doubleValue: Double? {
        switch self {
        case .float(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }
    /// The items of a `.list`, else nil.
    public var listValue: [ConfigValue]? { if case .list(let l) = self { l } else { nil } }
    /// The pairs of a `.map` in document order, else nil.
    public var mapValue: [(key: String, value: ConfigValue)]? { if case .map(let m) = self { m } else { nil } }
    /// The section of a `.section`, else nil.
    public var sectionValue: ConfigSection? { if case .section(let s) = self { s } else { nil } }
}

/// A checked mapping of declared fields (a plugin's config or a job section) with the
/// location of each value, so errors found later (a missing file) still point into the YAML.
public struct ConfigSection: Sendable, Equatable, CustomStringConvertible {
    /// One checked value with where it came from.
    public struct Entry: Sendable, Equatable {
        /// The checked value (a default when the key was absent).
        public var value: ConfigValue
        /// Where the value stands in the job file; nil for defaults.
        public var location: SourceLocation?
        /// True when the value came (wholly or partly) from `${VAR}`: never print it.
        public var isSecret: Bool
        /// For a mapping value with free-form keys (a Lua step's `params`), where each key and its value stand,
        /// so a check made later (against a plugin's manifest) points at the one key that is wrong.
        public var members: [String: MemberLocation]

        /// Creates an entry.
        public init(value: ConfigValue, location: SourceLocation?, isSecret: Bool = false,
                    members: [String: MemberLocation] = [:]) {
            self.value = value
            self.location = location
            self.isSecret = isSecret
            self.members = members
        }
    }

    /// Where one key of a mapping value and its value stand in the job file.
    public struct MemberLocation: Sendable, Equatable {
        /// The key's place (for an unknown key).
        public var key: SourceLocation
        /// The value's place (for a value of the wrong type).
        public var value: SourceLocation
        /// True when the value came from `${VAR}`: an error about it must not print it.
        public var isSecret: Bool

        /// Creates the pair.
        public init(key: SourceLocation, value: SourceLocation, isSecret: Bool = false) {
            self.key = key
            self.value = value
            self.isSecret = isSecret
        }
    }

    /// The key path of the section in the job (`reader`, `validate[2]`, `runtime.retry`).
    public var keyPath: String
    /// Where the section starts; the fallback location for keys that have none.
    public var location: SourceLocation?
    /// The values by key, defaults included.
    public private(set) var entries: [String: Entry]
    /// Keys in the order the plugin declares them.
    public private(set) var order: [String]

    /// Creates a section; `entries` keep the order given.
    public init(keyPath: String, location: SourceLocation?, entries: [(String, Entry)] = []) {
        self.keyPath = keyPath
        self.location = location
        self.entries = [:]
        self.order = []
        for (k, e) in entries { set(k, e) }
    }

    /// Sets `key`, keeping its first position in `order` when it is replaced.
    public mutating func set(_ key: String, _ entry: Entry) {
        if entries[key] == nil { order.append(key) }
        entries[key] = entry
    }

    /// The value of `key`; nil when absent or null, so optional fields read the same either way.
    public subscript(key: String) -> ConfigValue? {
        guard let v = entries[key]?.value, v != .null else { return nil }
        return v
    }

    /// Where `key`'s value stands, or the section's location for defaults.
    public func location(of key: String) -> SourceLocation? { entries[key]?.location ?? location }
    /// The full key path of `key` (`reader.path`) for error messages.
    public func keyPath(of key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }
    /// Whether `key`'s value came from `${VAR}` and must not be printed.
    public func isSecret(_ key: String) -> Bool { entries[key]?.isSecret ?? false }

    /// `key`'s text, or nil when absent or not a string.
    public func string(_ key: String) -> String? { self[key]?.stringValue }
    /// `key`'s integer, or nil when absent or not an int.
    public func int(_ key: String) -> Int? { self[key]?.intValue }
    /// `key`'s number (ints widen), or nil when absent or not numeric.
    public func double(_ key: String) -> Double? { self[key]?.doubleValue }
    /// `key`'s flag, or nil when absent or not a bool.
    public func bool(_ key: String) -> Bool? { self[key]?.boolValue }
    /// `key`'s items, or nil when absent or not a list.
    public func list(_ key: String) -> [ConfigValue]? { self[key]?.listValue }
    /// `key`'s string items (others skipped), or nil when absent or not a list.
    public func strings(_ key: String) -> [String]? { self[key]?.listValue?.compactMap(\.stringValue) }
    /// `key`'s pairs in document order, or nil when absent or not a map.
    public func map(_ key: String) -> [(key: String, value: ConfigValue)]? { self[key]?.mapValue }
    /// `key`'s nested section, or nil when absent or not a section.
    public func section(_ key: String) -> ConfigSection? { self[key]?.sectionValue }

    /// The value for display: secrets (values from `${VAR}`) are redacted.
    public func display(_ key: String) -> String {
        guard let e = entries[key] else { return "" }
        return e.isSecret ? "<redacted>" : e.value.description
    }

    /// The section as `{key: value, ...}` in declared order, secrets redacted.
    public var description: String {
        "{" + order.map { "\($0): \(display($0))" }.joined(separator: ", ") + "}"
    }
}
