/// Why a checked value does not fit a declared field, as the spec checker words it.
public struct ConfigMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: Equatable, Sendable {
        case type(expected: String, got: String)
        case below(String), above(String)
        case notFinite
    }
    private let reason: Reason

    /// The value has another type than `expected`.
    public static func type(expected: ConfigType, got value: ConfigValue) -> ConfigMismatch {
        .init(reason: .type(expected: expected.description, got: value.summary))
    }

    /// "expected integer, got string "big"", "must be at least 1".
    public var description: String {
        switch reason {
        case .type(let expected, let got): "expected \(expected), got \(got)"
        case .below(let min): "must be at least \(min)"
        case .above(let max): "must be at most \(max)"
        case .notFinite: "must be a finite number"
        }
    }

    /// The same mismatch with the value left out of the message (it came from `${VAR}`).
    public var redacted: ConfigMismatch {
        if case .type(let expected, _) = reason { return .init(reason: .type(expected: expected, got: "<redacted>")) }
        return self
    }

    var isTypeMismatch: Bool { if case .type = reason { true } else { false } }

    static func below(_ min: Double) -> ConfigMismatch { .init(reason: .below(ConfigField.boundText(min))) }
    static func above(_ max: Double) -> ConfigMismatch { .init(reason: .above(ConfigField.boundText(max))) }
    static let notFinite = ConfigMismatch(reason: .notFinite)
}

extension ConfigField {
    /// `value` (already a `ConfigValue`, such as a Lua plugin's param read from a free-form `params:` mapping)
    /// as this field holds it — integers widen to numbers, counts read as integers — or why it does not fit.
    /// Null fits every field that is not required: it means "no value".
    public func conform(_ value: ConfigValue) -> Result<ConfigValue, ConfigMismatch> {
        if value == .null, !required { return .success(.null) }
        return conform(value, to: type)
    }

    private func conform(_ value: ConfigValue, to type: ConfigType) -> Result<ConfigValue, ConfigMismatch> {
        let mismatch = Result<ConfigValue, ConfigMismatch>.failure(.type(expected: type, got: value))
        switch (type, value) {
        case (.any, _): return .success(value)
        case (.nullable, .null): return .success(.null)
        case (.nullable(let inner), _):
            // A wrong type names the whole declaration ("integer or null"), as the spec checker does.
            let result = conform(value, to: inner)
            if case .failure(let m) = result, m.isTypeMismatch { return mismatch }
            return result
        case (.either(let a, let b), _):
            if case .success(let v) = conform(value, to: a) { return .success(v) }
            if case .success(let v) = conform(value, to: b) { return .success(v) }
            return mismatch
        case (.string, .string), (.path, .string): return .success(value)
        case (.choice(let words), .string(let s)): return words.contains(s) ? .success(value) : mismatch
        case (.columnType, .string(let s)): return ColumnType(rawValue: s) != nil ? .success(value) : mismatch
        case (.bool, .bool): return .success(value)
        case (.int, .int(let i)), (.int, .count(let i)): return bounded(Double(i), .int(i))
        case (.float, .int(let i)), (.float, .count(let i)): return bounded(Double(i), .float(Double(i)))
        case (.float, .float(let d)):
            guard d.isFinite else { return .failure(.notFinite) }
            return bounded(d, value)
        case (.countOrPercent, .count(let i)), (.countOrPercent, .int(let i)): return bounded(Double(i), .count(i))
        case (.countOrPercent, .percent): return .success(value)
        case (.list(let element), .list(let items)):
            var out: [ConfigValue] = []
            for item in items {
                switch conform(item, to: element) {
                case .success(let v): out.append(v)
                case .failure(let m): return .failure(m)
                }
            }
            return .success(.list(out))
        case (.map(let element), .map(let pairs)):
            var out: [(key: String, value: ConfigValue)] = []
            for pair in pairs {
                switch conform(pair.value, to: element) {
                case .success(let v): out.append((pair.key, v))
                case .failure(let m): return .failure(m)
                }
            }
            return .success(.map(out))
        default: return mismatch
        }
    }

    private func bounded(_ number: Double, _ value: ConfigValue) -> Result<ConfigValue, ConfigMismatch> {
        if let minimum, !(number >= minimum) { return .failure(.below(minimum)) }
        if let maximum, !(number <= maximum) { return .failure(.above(maximum)) }
        return .success(value)
    }

    /// A bound as the checker prints it: `1`, `0.5`.
    public static func boundText(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : NumberFormatting.shortest(d)
    }
}

extension ConfigValue {
    /// `string "abc"`, `integer 5`, `list` — how a wrong value is named in a message.
    public var summary: String {
        switch self {
        case .null: "null"
        case .string(let s): "string \"\(s.count <= 60 ? s : String(s.prefix(57)) + "...")\""
        case .int(let i), .count(let i): "integer \(i)"
        case .float: "number \(self)"
        case .bool(let b): "boolean \(b)"
        case .percent: "percent \(self)"
        case .list: "list"
        case .map, .section: "mapping"
        }
    }
}
