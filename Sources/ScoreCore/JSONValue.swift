/// A parsed JSON value. Numbers keep their exact double (correctly rounded, unlike Linux
/// Foundation's JSONSerialization) and whether they were written as integers.
public indirect enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in Int64.
    case int(Int64)
    /// Any other number, as the nearest finite double.
    case double(Double)
    /// A string, escapes decoded.
    case string(String)
    /// A list, in order.
    case array([JSONValue])
    /// Keys in document order (duplicates are rejected by the parser).
    case object([(key: String, value: JSONValue)])

    /// Hand-written because `.object`'s tuples are not `Equatable`; an int never equals a double.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The member `key` of an object; nil when absent or when this is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// Ints widen to doubles.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// The text of a `.string`, else nil.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The items of an `.array`, else nil.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    /// A short description of the value's kind for error messages.
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string(let s): "the string \"\(s.prefix(40))\""
        case .array: "a list"
        case .object: "an object"
        }
    }
}
