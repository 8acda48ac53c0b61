/// UTF-8 strings stored back to back in one byte buffer with an offsets array
/// (Arrow's layout): no `String` allocation per cell, and writers copy bytes straight out.
public struct StringColumn: Sendable, Equatable {
    /// The concatenated UTF-8 bytes of every value.
    public private(set) var bytes: [UInt8]
    /// `offsets[i] ..< offsets[i + 1]` is value `i`; `offsets.count == count + 1`.
    public private(set) var offsets: [Int]

    /// An empty column.
    public init() {
        bytes = []
        offsets = [0]
    }

    /// A column holding `values`, in order.
    /// Values already laid out back to back: `offsets` has one more entry than there are values,
    /// starts at 0 and never decreases, and ends at `bytes.count`.
    public init(bytes: [UInt8], offsets: [Int]) {
        precondition(offsets.first == 0 && offsets.last == bytes.count, "offsets do not frame the bytes")
        self.bytes = bytes
        self.offsets = offsets
    }

    public init<S: Sequence>(_ values: S) where S.Element == String {
        self.init()
        for v in values { append(v) }
    }

    /// The number of values.
    public var count: Int { offsets.count - 1 }

    /// Reserves room for `rows` values totalling `byteCount` bytes.
    public mutating func reserveCapacity(rows: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(rows + 1)
        bytes.reserveCapacity(byteCount)
    }

    /// Appends `value`'s UTF-8 bytes as one value.
    public mutating func append(_ value: String) {
        var v = value
        v.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends `value` as one value; the bytes are copied and assumed to be UTF-8.
    public mutating func append(bytes value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// Appends the bytes of a value produced piecewise with `appendByte`; call `endValue` after.
    @inline(__always)
    public mutating func appendByte(_ b: UInt8) { bytes.append(b) }

    /// Ends the value begun by `appendByte` calls.
    @inline(__always)
    public mutating func endValue() { offsets.append(bytes.count) }

    /// An empty value (used for null slots, whose bytes are never read).
    public mutating func appendEmpty() { offsets.append(bytes.count) }

    /// Value `i` as a `String` (allocates; invalid UTF-8 shown as U+FFFD).
    public subscript(i: Int) -> String {
        String(decoding: bytes[offsets[i] ..< offsets[i + 1]], as: UTF8.self)
    }

    /// Calls `body` with the bytes of value `i`.
    @inline(__always)
    public func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[offsets[i] ..< offsets[i + 1]]))
        }
    }

    /// The values at `indices`, in that order.
    public func gather(_ indices: [Int]) -> StringColumn {
        var out = StringColumn()
        out.reserveCapacity(rows: indices.count, bytes: bytes.count)
        bytes.withUnsafeBytes { raw in
            for i in indices {
                out.append(bytes: UnsafeRawBufferPointer(rebasing: raw[offsets[i] ..< offsets[i + 1]]))
            }
        }
        return out
    }
}
