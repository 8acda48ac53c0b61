/// A checked config value: what the job spec decoder produces from YAML for a declared field.
public indirect enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
    /// A count (`.count`) or a fraction of rows read (`.percent` holds 0...100).
    case count(Int)
    case percent(Double)
    case list([ConfigValue])
    /// Keys in document order.
    case map([(key: String, value: ConfigValue)])
    case section(ConfigSection)

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

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var intValue: Int? { if case .int(let i) = self { i } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// Ints widen to doubles.
    public var doubleValue: Double? {
        switch self {
        case .float(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }
    public var listValue: [ConfigValue]? { if case .list(let l) = self { l } else { nil } }
    public var mapValue: [(key: String, value: ConfigValue)]? { if case .map(let m) = self { m } else { nil } }
    public var sectionValue: ConfigSection? { if case .section(let s) = self { s } else { nil } }
}

/// A checked mapping of declared fields (a plugin's config or a job section) with the
/// location of each value, so errors found later (a missing file) still point into the YAML.
public struct ConfigSection: Sendable, Equatable, CustomStringConvertible {
    public struct Entry: Sendable, Equatable {
        public var value: ConfigValue
        /// Where the value stands in the job file; nil for defaults.
        public var location: SourceLocation?
        /// True when the value came (wholly or partly) from `${VAR}`: never print it.
        public var isSecret: Bool

        public init(value: ConfigValue, location: SourceLocation?, isSecret: Bool = false) {
            self.value = value
            self.location = location
            self.isSecret = isSecret
        }
    }

    /// The key path of the section in the job (`reader`, `validate[2]`, `runtime.retry`).
    public var keyPath: String
    public var location: SourceLocation?
    public private(set) var entries: [String: Entry]
    /// Keys in the order the plugin declares them.
    public private(set) var order: [String]

    public init(keyPath: String, location: SourceLocation?, entries: [(String, Entry)] = []) {
        self.keyPath = keyPath
        self.location = location
        self.entries = [:]
        self.order = []
        for (k, e) in entries { set(k, e) }
    }

    public mutating func set(_ key: String, _ entry: Entry) {
        if entries[key] == nil { order.append(key) }
        entries[key] = entry
    }

    public subscript(key: String) -> ConfigValue? {
        guard let v = entries[key]?.value, v != .null else { return nil }
        return v
    }

    public func location(of key: String) -> SourceLocation? { entries[key]?.location ?? location }
    public func keyPath(of key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }
    public func isSecret(_ key: String) -> Bool { entries[key]?.isSecret ?? false }

    public func string(_ key: String) -> String? { self[key]?.stringValue }
    public func int(_ key: String) -> Int? { self[key]?.intValue }
    public func double(_ key: String) -> Double? { self[key]?.doubleValue }
    public func bool(_ key: String) -> Bool? { self[key]?.boolValue }
    public func list(_ key: String) -> [ConfigValue]? { self[key]?.listValue }
    public func strings(_ key: String) -> [String]? { self[key]?.listValue?.compactMap(\.stringValue) }
    public func map(_ key: String) -> [(key: String, value: ConfigValue)]? { self[key]?.mapValue }
    public func section(_ key: String) -> ConfigSection? { self[key]?.sectionValue }

    /// The value for display: secrets (values from `${VAR}`) are redacted.
    public func display(_ key: String) -> String {
        guard let e = entries[key] else { return "" }
        return e.isSecret ? "<redacted>" : e.value.description
    }

    public var description: String {
        "{" + order.map { "\($0): \(display($0))" }.joined(separator: ", ") + "}"
    }
}
