import ScoreCore

/// How one flat Parquet column becomes a ScoreCore column: its natural `ColumnType`, from the
/// physical type and the logical (or deprecated converted) annotation.
///
/// - INT32 / INT64, signed or unsigned 8–64 bit integers → int64 (UINT_64 → float64: it may not fit).
/// - DATE → int64 days since 1970-01-01; TIME and TIMESTAMP → int64 in their unit.
/// - FLOAT / DOUBLE → float64; BOOLEAN → bool.
/// - DECIMAL on INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY → float64 (unscaled value / 10^scale).
/// - BYTE_ARRAY with STRING, ENUM or JSON → string; unannotated BYTE_ARRAY → string holding the raw
///   bytes (many writers, Impala and Hive among them, store text that way); BSON → refused.
/// - INT96, FLOAT16, UUID, INTERVAL, unannotated FIXED_LEN_BYTE_ARRAY and unknown logical types → refused.
public struct ParquetColumnMapping: Sendable, Equatable {
    /// How the physical values are turned into the natural column.
    enum Conversion: Sendable, Equatable {
        case bool
        case int32
        case uint32
        case int64
        case uint64AsDouble
        case float
        case double
        case decimal(scale: Int)
        case text
    }

    /// The column in the file.
    public let column: ParquetColumn
    /// The type the column has in a batch, before any `columns` override.
    public let naturalType: ColumnType
    /// A short description for messages: `INT64 (TIMESTAMP micros)`, `BYTE_ARRAY (STRING)`.
    public let parquetType: String
    let conversion: Conversion

    /// The mapping of `column`.
    ///
    /// - Throws: `ParquetError` (unsupported) naming the column and the type it cannot read.
    public init(_ column: ParquetColumn, file: String) throws(ParquetError) {
        self.column = column
        let e = column.element
        let physical = column.type
        func refuse(_ what: String) -> ParquetError {
            ParquetError(file: file, .unsupported, "column '\(column.name)': \(what) is not supported")
        }
        var annotation = ""
        var conversion: Conversion
        var natural: ColumnType
        switch physical {
        case .boolean: (conversion, natural) = (.bool, .bool)
        case .int32: (conversion, natural) = (.int32, .int64)
        case .int64: (conversion, natural) = (.int64, .int64)
        case .float: (conversion, natural) = (.float, .float64)
        case .double: (conversion, natural) = (.double, .float64)
        case .byteArray: (conversion, natural) = (.text, .string)
        case .int96: throw refuse("physical type INT96 (legacy Impala/Spark timestamps)")
        case .fixedLenByteArray: (conversion, natural) = (.text, .string)
        }
        let logical = e.logicalType ?? Self.logical(fromConverted: e.convertedType, scale: e.scale, precision: e.precision)
        switch logical {
        case nil:
            if physical == .fixedLenByteArray { throw refuse("FIXED_LEN_BYTE_ARRAY without a logical type") }
            if e.convertedType == 21 { throw refuse("INTERVAL") }
            if let c = e.convertedType, ![17, 18].contains(c) { throw refuse("converted type \(c)") }
        case .string?, .enumeration?, .json?:
            guard physical == .byteArray else { throw refuse("\(logical!) on \(physical)") }
            annotation = logical == .string ? "STRING" : logical == .json ? "JSON" : "ENUM"
        case .decimal(let scale, let precision)?:
            guard physical != .boolean, physical != .float, physical != .double else { throw refuse("DECIMAL on \(physical)") }
            guard scale >= 0, scale <= 76 else { throw refuse("DECIMAL scale \(scale)") }
            (conversion, natural) = (.decimal(scale: Int(scale)), .float64)
            annotation = "DECIMAL(\(precision), \(scale))"
        case .date?:
            guard physical == .int32 else { throw refuse("DATE on \(physical)") }
            annotation = "DATE"
        case .time(_, let unit)?, .timestamp(_, let unit)?:
            guard physical == .int32 || physical == .int64 else { throw refuse("TIME/TIMESTAMP on \(physical)") }
            if case .time = logical! { annotation = "TIME \(unit)" } else { annotation = "TIMESTAMP \(unit)" }
        case .integer(let bits, let signed)?:
            guard physical == .int32 || physical == .int64 else { throw refuse("INTEGER on \(physical)") }
            annotation = "\(signed ? "" : "U")INT\(bits)"
            if !signed && physical == .int32 { conversion = .uint32 }
            if !signed && physical == .int64 { (conversion, natural) = (.uint64AsDouble, .float64) }
        case .float16?: throw refuse("FLOAT16")
        case .uuid?: throw refuse("UUID")
        case .bson?: throw refuse("BSON")
        case .null?: throw refuse("the NULL logical type")
        case .map?, .list?: throw refuse("a MAP or LIST annotation on a flat column")
        case .other(let id)?: throw refuse("logical type \(id) (unknown to this reader)")
        }
        self.conversion = conversion
        self.naturalType = natural
        self.parquetType = annotation.isEmpty ? "\(physical)" : "\(physical) (\(annotation))"
    }

    /// The logical type a deprecated converted type stands for, when it matters here.
    private static func logical(fromConverted c: Int32?, scale: Int32?, precision: Int32?) -> ParquetLogicalType? {
        switch c {
        case 0?: .string
        case 4?: .enumeration
        case 5?: .decimal(scale: scale ?? 0, precision: precision ?? 0)
        case 6?: .date
        case 7?: .time(isAdjustedToUTC: true, unit: .millis)
        case 8?: .time(isAdjustedToUTC: true, unit: .micros)
        case 9?: .timestamp(isAdjustedToUTC: true, unit: .millis)
        case 10?: .timestamp(isAdjustedToUTC: true, unit: .micros)
        case 11?: .integer(bitWidth: 8, isSigned: false)
        case 12?: .integer(bitWidth: 16, isSigned: false)
        case 13?: .integer(bitWidth: 32, isSigned: false)
        case 14?: .integer(bitWidth: 64, isSigned: false)
        case 15?: .integer(bitWidth: 8, isSigned: true)
        case 16?: .integer(bitWidth: 16, isSigned: true)
        case 19?: .json
        case 20?: .bson
        case 1?: .map
        case 2?: .map
        case 3?: .list
        default: nil
        }
    }

    /// Whether a column of this mapping can be delivered as `type`: its own type, int64 → float64,
    /// or anything → string (rendered as text).
    public func canConvert(to type: ColumnType) -> Bool {
        type == naturalType || type == .string || (naturalType == .int64 && type == .float64)
    }

    /// The decoded chunk as a column of `type` (one of those `canConvert(to:)` accepts).
    func makeColumn(_ data: ParquetColumnData, as type: ColumnType) throws(ParquetError) -> Column {
        let natural = try naturalData(data)
        var nulls: NullBitmap?
        if let validity = data.validity {
            var bitmap = NullBitmap()
            bitmap.reserveCapacity(validity.count)
            for present in validity { bitmap.append(isNull: !present) }
            nulls = bitmap
        }
        var column = Column(name: column.name, data: natural, nulls: nulls)
        if type != naturalType { column = Self.convert(column, to: type) }
        return column
    }

    /// Values spread to one slot per row (nulls get a placeholder), in the natural type.
    private func naturalData(_ data: ParquetColumnData) throws(ParquetError) -> ColumnData {
        let validity = data.validity
        func spread<T>(_ values: [T], _ placeholder: T) -> [T] {
            guard let validity else { return values }
            var out: [T] = []
            out.reserveCapacity(validity.count)
            var next = 0
            for present in validity {
                if present { out.append(values[next]); next += 1 } else { out.append(placeholder) }
            }
            return out
        }
        switch (conversion, data.values) {
        case (.bool, .boolean(let v)): return .bool(spread(v, false))
        case (.int32, .int32(let v)): return .int64(spread(v.map { Int64($0) }, 0))
        case (.uint32, .int32(let v)): return .int64(spread(v.map { Int64(UInt32(bitPattern: $0)) }, 0))
        case (.int64, .int64(let v)): return .int64(spread(v, 0))
        case (.uint64AsDouble, .int64(let v)): return .float64(spread(v.map { Double(UInt64(bitPattern: $0)) }, 0))
        case (.float, .float(let v)): return .float64(spread(v.map { Double($0) }, 0))
        case (.double, .double(let v)): return .float64(spread(v, 0))
        case (.decimal(let scale), .int32(let v)): return .float64(spread(v.map { Self.scaled(Double($0), scale) }, 0))
        case (.decimal(let scale), .int64(let v)): return .float64(spread(v.map { Self.scaled(Double($0), scale) }, 0))
        case (.decimal(let scale), .byteArray(let v)), (.decimal(let scale), .fixedLenByteArray(_, let v)):
            return .float64(spread((0 ..< v.count).map { Self.scaled(Self.bigEndianSigned(v[$0]), scale) }, 0))
        case (.text, .byteArray(let v)):
            guard let validity else { return .string(StringColumn(bytes: v.bytes, offsets: v.offsets)) }
            var offsets: [Int] = []
            offsets.reserveCapacity(validity.count + 1)
            offsets.append(0)
            var next = 1
            for present in validity {
                if present { offsets.append(v.offsets[next]); next += 1 } else { offsets.append(offsets[offsets.count - 1]) }
            }
            return .string(StringColumn(bytes: v.bytes, offsets: offsets))
        default:
            throw ParquetError(file: "", .corrupt, "column '\(column.name)': decoded values do not match its type \(parquetType)")
        }
    }

    /// `unscaled / 10^scale`, correctly rounded whenever both are exact doubles.
    private static func scaled(_ unscaled: Double, _ scale: Int) -> Double {
        scale == 0 ? unscaled : scale <= 22 ? unscaled / powersOfTen[scale] : unscaled / pow10(scale)
    }

    private static let powersOfTen: [Double] = (0 ... 22).map { pow10($0) }

    private static func pow10(_ n: Int) -> Double {
        var p = 1.0
        for _ in 0 ..< n { p *= 10 }
        return p
    }

    /// A big-endian two's-complement integer of any width, as a double.
    private static func bigEndianSigned(_ bytes: ArraySlice<UInt8>) -> Double {
        guard let first = bytes.first else { return 0 }
        if bytes.count <= 8 {
            var v: Int64 = first & 0x80 != 0 ? -1 : 0
            for b in bytes { v = v << 8 | Int64(b) }
            return Double(v)
        }
        let negative = first & 0x80 != 0
        // Magnitude of a negative value: invert the bytes and add one, exactly, before converting.
        var magnitude = Array(bytes)
        if negative {
            for i in magnitude.indices { magnitude[i] = ~magnitude[i] }
            var i = magnitude.count - 1
            while i >= 0 {
                magnitude[i] &+= 1
                if magnitude[i] != 0 { break }
                i -= 1
            }
        }
        var value = 0.0
        for b in magnitude { value = value * 256 + Double(b) }
        return negative ? -value : value
    }

    /// `column` as `type`: int64 → float64, or any type → string.
    static func convert(_ column: Column, to type: ColumnType) -> Column {
        let data: ColumnData
        switch (column.data, type) {
        case (.int64(let v), .float64): data = .float64(v.map { Double($0) })
        case (_, .string):
            var s = StringColumn()
            for r in 0 ..< column.count { s.append(column.text(at: r) ?? "") }
            data = .string(s)
        default: return column
        }
        return Column(name: column.name, data: data, nulls: column.nulls)
    }
}
