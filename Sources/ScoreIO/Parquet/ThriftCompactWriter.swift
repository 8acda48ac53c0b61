/// Writes Thrift compact-protocol values into a byte buffer, as Parquet stores its footer and page headers.
///
/// Fields are written in increasing id order within a struct (the delta encoding of field ids
/// relies on it); `beginStruct` / `endStruct` keep the last id of each open struct on a stack.
struct ThriftCompactWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []
    /// The last field id written in each open struct, innermost last.
    private var lastIDs: [Int16] = [0]

    init() {}

    // MARK: Scalars

    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func writeZigzag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    private mutating func writeBinaryValue(_ value: some Collection<UInt8>) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    // MARK: Fields

    private mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
        let last = lastIDs[lastIDs.count - 1]
        let delta = id - last
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeZigzag(Int64(id))
        }
        lastIDs[lastIDs.count - 1] = id
    }

    mutating func writeI32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        writeZigzag(Int64(value))
    }

    mutating func writeI64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        writeZigzag(value)
    }

    mutating func writeBool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func writeBinary(_ id: Int16, _ value: some Collection<UInt8>) {
        fieldHeader(id, .binary)
        writeBinaryValue(value)
    }

    mutating func writeString(_ id: Int16, _ value: String) {
        writeBinary(id, Array(value.utf8))
    }

    /// Opens a struct-valued field; end it with `endStruct`.
    mutating func beginStruct(_ id: Int16) {
        fieldHeader(id, .structure)
        lastIDs.append(0)
    }

    /// Opens a struct that is an element of a list; end it with `endStruct`.
    mutating func beginStructElement() {
        lastIDs.append(0)
    }

    /// Writes the stop byte of the innermost open struct.
    mutating func endStruct() {
        bytes.append(0)
        lastIDs.removeLast()
    }

    /// Starts a list field of `count` elements of `elementType`; write the elements next.
    mutating func beginList(_ id: Int16, of elementType: ThriftType, count: Int) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    /// A list<i32> field (Parquet enums).
    mutating func writeI32List(_ id: Int16, _ values: [Int32]) {
        beginList(id, of: .i32, count: values.count)
        for v in values { writeZigzag(Int64(v)) }
    }

    /// A list<string> field.
    mutating func writeStringList(_ id: Int16, _ values: [String]) {
        beginList(id, of: .binary, count: values.count)
        for v in values { writeBinaryValue(Array(v.utf8)) }
    }
}
