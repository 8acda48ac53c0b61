/// The wire types of the Thrift compact protocol (the low nibble of a field header or list header).
enum ThriftType: UInt8, Sendable, CustomStringConvertible {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, structure = 12, uuid = 13

    var description: String {
        switch self {
        case .stop: "stop"
        case .boolTrue, .boolFalse: "bool"
        case .byte: "i8"
        case .i16: "i16"
        case .i32: "i32"
        case .i64: "i64"
        case .double: "double"
        case .binary: "binary"
        case .list: "list"
        case .set: "set"
        case .map: "map"
        case .structure: "struct"
        case .uuid: "uuid"
        }
    }
}

/// Why a Thrift message could not be read; the Parquet layer adds the file and the structure being read.
struct ThriftDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, as a phrase (`truncated at byte 17`).
    var message: String
    /// Set when the input is valid but uses a feature the reader does not implement.
    var isUnsupported = false
    var description: String { message }
}

/// Reads Thrift compact-protocol values from a byte buffer, as Parquet stores its footer and page headers.
///
/// Every read is bounds-checked, nesting is limited to `maxDepth`, and no allocation is sized from a
/// length before the bytes for it are known to be there: corrupt input gives a `ThriftDecodingError`.
struct ThriftCompactReader {
    private let bytes: [UInt8]
    /// The next byte to read.
    private(set) var position: Int
    private let end: Int
    private let maxDepth: Int
    private var depth = 0

    /// Reads `bytes[range]` (the whole buffer by default).
    init(_ bytes: [UInt8], range: Range<Int>? = nil, maxDepth: Int = 64) {
        self.bytes = bytes
        let r = range ?? 0 ..< bytes.count
        self.position = r.lowerBound
        self.end = r.upperBound
        self.maxDepth = maxDepth
    }

    /// Bytes left to read.
    var remaining: Int { end - position }

    private func fail(_ what: String) -> ThriftDecodingError {
        ThriftDecodingError(message: "\(what) at byte \(position)")
    }

    // MARK: Scalars

    mutating func readByte() throws(ThriftDecodingError) -> UInt8 {
        guard position < end else { throw fail("truncated") }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    mutating func readVarint() throws(ThriftDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            if shift == 63 && b > 1 { throw fail("varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw fail("varint longer than 10 bytes") }
        }
    }

    private static func unzigzag(_ n: UInt64) -> Int64 {
        Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1)))
    }

    mutating func readI64() throws(ThriftDecodingError) -> Int64 {
        Self.unzigzag(try readVarint())
    }

    mutating func readI32() throws(ThriftDecodingError) -> Int32 {
        let v = try readI64()
        guard let r = Int32(exactly: v) else { throw fail("i32 value \(v) out of range") }
        return r
    }

    mutating func readI16() throws(ThriftDecodingError) -> Int16 {
        let v = try readI64()
        guard let r = Int16(exactly: v) else { throw fail("i16 value \(v) out of range") }
        return r
    }

    mutating func readDouble() throws(ThriftDecodingError) -> Double {
        guard remaining >= 8 else { throw fail("truncated double") }
        var bits: UInt64 = 0
        for i in 0 ..< 8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// A length-prefixed byte string; the length is checked against the bytes left before copying.
    mutating func readBinary() throws(ThriftDecodingError) -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(remaining) else { throw fail("binary length \(length) exceeds the \(remaining) bytes left") }
        let n = Int(length)
        defer { position += n }
        return Array(bytes[position ..< position + n])
    }

    /// A binary value as UTF-8 text (invalid sequences become U+FFFD).
    mutating func readString() throws(ThriftDecodingError) -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }

    /// A bool field's value, which the compact protocol keeps in the field header's type nibble.
    func boolValue(fieldType: ThriftType) throws(ThriftDecodingError) -> Bool {
        switch fieldType {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw fail("expected a bool field, found \(fieldType)")
        }
    }

    /// A bool element of a list or set: one byte, 1 for true (some writers use 0 rather than 2 for false).
    mutating func readBoolElement() throws(ThriftDecodingError) -> Bool {
        switch try readByte() {
        case 1: return true
        case 0, 2: return false
        case let b: throw fail("invalid bool byte \(b)")
        }
    }

    // MARK: Containers

    private mutating func readType(_ nibble: UInt8) throws(ThriftDecodingError) -> ThriftType {
        guard let t = ThriftType(rawValue: nibble), t != .stop else { throw fail("unknown compact type \(nibble)") }
        return t
    }

    /// A list or set header. The count is at most the bytes left, since every element takes at least one.
    mutating func readListHeader() throws(ThriftDecodingError) -> (count: Int, elementType: ThriftType) {
        let header = try readByte()
        var count = UInt64(header >> 4)
        if count == 15 { count = try readVarint() }
        let type = try readType(header & 0x0F)
        guard count <= UInt64(remaining) else { throw fail("list of \(count) elements exceeds the \(remaining) bytes left") }
        return (Int(count), type)
    }

    /// Reads a list whose elements `element` reads, after checking they have the type `expected`.
    mutating func readList<T>(of expected: ThriftType,
                              _ element: (inout ThriftCompactReader) throws(ThriftDecodingError) -> T)
        throws(ThriftDecodingError) -> [T]
    {
        let (count, type) = try readListHeader()
        guard Self.sameType(type, expected) else { throw fail("expected list<\(expected)>, found list<\(type)>") }
        var result: [T] = []
        result.reserveCapacity(count)  // safe: count <= bytes left
        for _ in 0 ..< count { result.append(try element(&self)) }
        return result
    }

    private static func sameType(_ a: ThriftType, _ b: ThriftType) -> Bool {
        a == b || (a == .boolFalse && b == .boolTrue) || (a == .boolTrue && b == .boolFalse)
    }

    /// Reads one struct: `field` is called with each field's id and wire type and must consume the value
    /// (calling `skip(_:)` for fields it does not know). Field ids use the protocol's delta encoding.
    mutating func readStruct(
        _ field: (inout ThriftCompactReader, _ id: Int16, _ type: ThriftType) throws(ThriftDecodingError) -> Void
    ) throws(ThriftDecodingError) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth else { throw fail("structures nested deeper than \(maxDepth)") }
        var lastID: Int16 = 0
        while true {
            let header = try readByte()
            if header == 0 { return }
            let type = try readType(header & 0x0F)
            let delta = Int16(header >> 4)
            let id: Int16
            if delta == 0 {
                id = try readI16()
            } else {
                let (sum, overflow) = lastID.addingReportingOverflow(delta)
                guard !overflow else { throw fail("field id overflows i16") }
                id = sum
            }
            lastID = id
            let before = position
            try field(&self, id, type)
            // A bool field carries its value in the header, so it alone may consume nothing.
            if position == before && type != .boolTrue && type != .boolFalse {
                throw fail("field \(id) of type \(type) was not consumed")
            }
        }
    }

    /// Throws unless a field's wire type is `expected`; used before reading a known field.
    func expect(_ type: ThriftType, _ expected: ThriftType, field: String) throws(ThriftDecodingError) {
        guard Self.sameType(type, expected) else { throw fail("field \(field) has type \(type), expected \(expected)") }
    }

    /// Skips one value of `type`, whatever it holds, within the depth limit.
    mutating func skip(_ type: ThriftType) throws(ThriftDecodingError) {
        switch type {
        case .stop: throw fail("unexpected stop")
        case .boolTrue, .boolFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: try advance(8)
        case .binary:
            let length = try readVarint()
            guard length <= UInt64(remaining) else { throw fail("binary length \(length) exceeds the \(remaining) bytes left") }
            position += Int(length)
        case .uuid: try advance(16)
        case .list, .set:
            let (count, element) = try readListHeader()
            try nested { (r) throws(ThriftDecodingError) in
                for _ in 0 ..< count {
                    if element == .boolTrue || element == .boolFalse { _ = try r.readByte() } else { try r.skip(element) }
                }
            }
        case .map:
            let count = try readVarint()
            guard count > 0 else { return }
            guard count <= UInt64(remaining) / 2 else { throw fail("map of \(count) entries exceeds the \(remaining) bytes left") }
            let kv = try readByte()
            let key = try readType(kv >> 4), value = try readType(kv & 0x0F)
            try nested { (r) throws(ThriftDecodingError) in
                for _ in 0 ..< count {
                    for t in [key, value] {
                        if t == .boolTrue || t == .boolFalse { _ = try r.readByte() } else { try r.skip(t) }
                    }
                }
            }
        case .structure:
            try readStruct { (r, _, t) throws(ThriftDecodingError) in try r.skip(t) }
        }
    }

    private mutating func nested(_ body: (inout ThriftCompactReader) throws(ThriftDecodingError) -> Void) throws(ThriftDecodingError) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth else { throw fail("containers nested deeper than \(maxDepth)") }
        try body(&self)
    }

    private mutating func advance(_ n: Int) throws(ThriftDecodingError) {
        guard remaining >= n else { throw fail("truncated") }
        position += n
    }
}
