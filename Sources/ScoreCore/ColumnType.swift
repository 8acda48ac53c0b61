/// The value type of a column. Every column in a `Batch` has exactly one.
public enum ColumnType: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case float64
    case int64
    case string
    case bool

    /// Whether values of this type can feed a model or a numeric validator.
    public var isNumeric: Bool { self == .float64 || self == .int64 }

    /// The name as written in job specs (`float64`, `int64`, `string`, `bool`).
    public var description: String { rawValue }
}
