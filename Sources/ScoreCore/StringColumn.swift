/// UTF-8 strings stored back to back in one byte buffer with an offsets array
/// (Arrow's layout): no `String` allocation per cell, and writers copy bytes straight out.
public struct StringColumn: Sendable, Equatable {
    /// The concatenated UTF-8 bytes of every value.
    public private(set) var bytes: [UInt8]
    /// `offsets[i] ..< offsets[i + 1]` is value `i`; `offsets.count == count + 1`.
    public private(set) var offsets: [Int]

    public init() {
        bytes = []
        offsets = [0]
    }

    public init<S: Sequence>(_ values: S) where S.Element == String {
        self.init()
        for v in values { append(v) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func reserveCapacity(rows: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(rows + 1)
        bytes.reserveCapacity(byteCount)
    }

    public mutating func append(_ value: String) {
        var v = value
        v.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func append(bytes value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// Appends the bytes of a value produced piecewise with `appendByte`; call `endValue` after.
    @inline(__always)
    public mutating func appendByte(_ b: UInt8) { bytes.append(b) }

    @inline(__always)
    public mutating func endValue() { offsets.append(bytes.count) }

    /// An empty value (used for null slots, whose bytes are never read).
    public mutating func appendEmpty() { offsets.append(bytes.count) }

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
