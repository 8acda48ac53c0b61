/// The typed values of one column, each kind in one contiguous array.
public enum ColumnData: Sendable, Equatable {
    /// 64-bit floats.
    case float64([Double])
    /// 64-bit signed integers.
    case int64([Int64])
    /// UTF-8 text, packed in one buffer.
    case string(StringColumn)
    /// Booleans.
    case bool([Bool])

    /// The column type these values have.
    public var type: ColumnType {
        switch self {
        case .float64: .float64
        case .int64: .int64
        case .string: .string
        case .bool: .bool
        }
    }

    /// The number of values (null slots included).
    public var count: Int {
        switch self {
        case .float64(let v): v.count
        case .int64(let v): v.count
        case .string(let v): v.count
        case .bool(let v): v.count
        }
    }
}

/// A named, typed column of a `Batch` with its nulls.
public struct Column: Sendable, Equatable {
    /// The column's name, as in the input header or the job spec.
    public var name: String
    /// The values; a null row holds a placeholder, so check `isNull` before reading it.
    public var data: ColumnData {
        didSet { sourceText = nil }
    }
    /// Null rows; `nil` when the column has none (the common case, checked once per batch).
    public var nulls: NullBitmap? {
        didSet { sourceText = nil }
    }
    /// The text each value was parsed from, when the column came from a text format (a CSV's
    /// numeric columns). A CSV writer writes it instead of reformatting the value, so input
    /// columns pass through byte for byte (`1.50` stays `1.50`) and formatting costs nothing.
    /// Dropped whenever `data` or `nulls` change; `gather` keeps it in step.
    public var sourceText: SourceText?

    /// Creates a column; a bitmap with no nulls is dropped so `nulls == nil` stays the fast path.
    public init(name: String, data: ColumnData, nulls: NullBitmap? = nil) {
        self.name = name
        self.data = data
        self.nulls = (nulls?.nullCount ?? 0) > 0 ? nulls : nil
    }

    /// The type of the values.
    public var type: ColumnType { data.type }
    /// The number of rows.
    public var count: Int { data.count }

    /// Whether `row` is null.
    @inline(__always)
    public func isNull(_ row: Int) -> Bool { nulls?.isNull(row) ?? false }

    /// The value at `row` as a double, for numeric columns; nil for null or non-numeric.
    public func double(at row: Int) -> Double? {
        if isNull(row) { return nil }
        switch data {
        case .float64(let v): return v[row]
        case .int64(let v): return Double(v[row])
        default: return nil
        }
    }

    /// The value at `row` rendered as text (for messages and tests; writers format bytes directly).
    public func text(at row: Int) -> String? {
        if isNull(row) { return nil }
        switch data {
        case .float64(let v): return NumberFormatting.shortest(v[row])
        case .int64(let v): return String(v[row])
        case .string(let v): return v[row]
        case .bool(let v): return v[row] ? "true" : "false"
        }
    }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int]) -> Column {
        let data: ColumnData
        switch self.data {
        case .float64(let v): data = .float64(indices.map { v[$0] })
        case .int64(let v): data = .int64(indices.map { v[$0] })
        case .string(let v): data = .string(v.gather(indices))
        case .bool(let v): data = .bool(indices.map { v[$0] })
        }
        var gathered = Column(name: name, data: data, nulls: nulls?.gather(indices))
        gathered.sourceText = sourceText?.gather(indices)
        return gathered
    }

    /// Columns are equal when their names, values and nulls are; `sourceText` is a formatting
    /// shortcut, not part of the value.
    public static func == (a: Column, b: Column) -> Bool {
        a.name == b.name && a.data == b.data && a.nulls == b.nulls
    }
}
