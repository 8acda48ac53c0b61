/// A Parquet physical type: how values are stored on disk.
public enum ParquetPhysicalType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

    /// The spec's name (`FIXED_LEN_BYTE_ARRAY`).
    public var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

/// Whether a field is required, optional (nullable) or repeated.
public enum ParquetRepetition: Int32, Sendable, CustomStringConvertible {
    case required = 0, optional = 1, repeated = 2, vector = 3

    /// The spec's name (`OPTIONAL`).
    public var description: String {
        switch self {
        case .required: "REQUIRED"
        case .optional: "OPTIONAL"
        case .repeated: "REPEATED"
        case .vector: "VECTOR"
        }
    }
}

/// A value encoding. Kept open (a raw value) so an encoding we cannot decode can still be named in an error.
public struct ParquetEncoding: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Thrift enum value.
    public var rawValue: Int32
    /// Wraps a Thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Values stored back to back.
    public static let plain = Self(rawValue: 0)
    /// The deprecated name of dictionary encoding.
    public static let plainDictionary = Self(rawValue: 2)
    /// The RLE / bit-packed hybrid.
    public static let rle = Self(rawValue: 3)
    /// The deprecated bit-packed level encoding.
    public static let bitPacked = Self(rawValue: 4)
    /// Delta encoding for integers.
    public static let deltaBinaryPacked = Self(rawValue: 5)
    /// Delta-encoded lengths followed by the bytes.
    public static let deltaLengthByteArray = Self(rawValue: 6)
    /// Incremental (prefix) byte-array encoding.
    public static let deltaByteArray = Self(rawValue: 7)
    /// Dictionary indices in the RLE / bit-packed hybrid.
    public static let rleDictionary = Self(rawValue: 8)
    /// Bytes of fixed-width values split into streams.
    public static let byteStreamSplit = Self(rawValue: 9)

    /// The spec's name (`RLE_DICTIONARY`), or `encoding 42` for one we do not know.
    public var description: String {
        switch rawValue {
        case 0: "PLAIN"
        case 2: "PLAIN_DICTIONARY"
        case 3: "RLE"
        case 4: "BIT_PACKED"
        case 5: "DELTA_BINARY_PACKED"
        case 6: "DELTA_LENGTH_BYTE_ARRAY"
        case 7: "DELTA_BYTE_ARRAY"
        case 8: "RLE_DICTIONARY"
        case 9: "BYTE_STREAM_SPLIT"
        default: "encoding \(rawValue)"
        }
    }
}

/// A page compression codec, kept open so an unknown one can be named in an error.
public struct ParquetCodec: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Thrift enum value.
    public var rawValue: Int32
    /// Wraps a Thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// No compression.
    public static let uncompressed = Self(rawValue: 0)
    /// Snappy (raw, unframed).
    public static let snappy = Self(rawValue: 1)
    /// Gzip members.
    public static let gzip = Self(rawValue: 2)
    /// Zstandard frames.
    public static let zstd = Self(rawValue: 6)
    /// LZ4 block format without framing.
    public static let lz4Raw = Self(rawValue: 7)

    /// The spec's name (`LZ4_RAW`), or `codec 42`.
    public var description: String {
        switch rawValue {
        case 0: "UNCOMPRESSED"
        case 1: "SNAPPY"
        case 2: "GZIP"
        case 3: "LZO"
        case 4: "BROTLI"
        case 5: "LZ4 (deprecated; framing varies by writer)"
        case 6: "ZSTD"
        case 7: "LZ4_RAW"
        default: "codec \(rawValue)"
        }
    }
}

/// A time unit of a TIME or TIMESTAMP logical type.
public enum ParquetTimeUnit: Sendable, Equatable {
    case millis, micros, nanos
}

/// A logical type annotation: what a physical value means.
public enum ParquetLogicalType: Sendable, Equatable {
    case string, map, list, enumeration, date, json, bson, uuid, float16, null
    case decimal(scale: Int32, precision: Int32)
    case time(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
    case timestamp(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
    case integer(bitWidth: Int8, isSigned: Bool)
    /// A logical type this reader does not know (its union field id), such as VARIANT or GEOMETRY.
    case other(id: Int16)
}
