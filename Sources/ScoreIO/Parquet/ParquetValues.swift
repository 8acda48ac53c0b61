/// Variable- or fixed-length byte strings stored back to back, with `count + 1` offsets into `bytes`.
public struct ParquetByteArrays: Sendable, Equatable {
    /// The concatenated values.
    public var bytes: [UInt8] = []
    /// Start of each value in `bytes`, plus the end of the last one.
    public var offsets: [Int] = [0]

    /// Number of values.
    public var count: Int { offsets.count - 1 }

    /// The bytes of value `i`.
    public subscript(i: Int) -> ArraySlice<UInt8> { bytes[offsets[i] ..< offsets[i + 1]] }

    /// Appends one value.
    mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }
}

/// Decoded values of one column, without nulls, in the column's physical type.
public enum ParquetValues: Sendable, Equatable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case float([Float])
    case double([Double])
    case byteArray(ParquetByteArrays)
    case fixedLenByteArray(width: Int, ParquetByteArrays)

    /// An empty list of values of `type`.
    static func empty(_ type: ParquetPhysicalType, width: Int) -> ParquetValues {
        switch type {
        case .boolean: .boolean([])
        case .int32: .int32([])
        case .int64, .int96: .int64([])
        case .float: .float([])
        case .double: .double([])
        case .byteArray: .byteArray(ParquetByteArrays())
        case .fixedLenByteArray: .fixedLenByteArray(width: width, ParquetByteArrays())
        }
    }

    /// Number of values.
    public var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .byteArray(let v): v.count
        case .fixedLenByteArray(_, let v): v.count
        }
    }
}

/// One column chunk, decoded: its non-null values and, for a nullable column, which rows have one.
public struct ParquetColumnData: Sendable, Equatable {
    /// The non-null values, in row order.
    public var values: ParquetValues
    /// For an optional column, one flag per row: true where the row has a value. Nil for a required column.
    public var validity: [Bool]?
    /// Rows in the chunk (values plus nulls).
    public var rowCount: Int
}
