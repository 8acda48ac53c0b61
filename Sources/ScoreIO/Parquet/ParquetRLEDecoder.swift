/// Decodes the RLE / bit-packed hybrid that Parquet uses for levels, dictionary indices and RLE booleans.
///
/// Runs are expanded only up to the number of values asked for, so a corrupt run length cannot make
/// the decoder allocate or loop beyond what the caller's (checked) count allows.
struct ParquetRLEDecoder {
    private let bytes: [UInt8]
    private var position: Int
    private let end: Int
    private let bitWidth: Int

    /// Decodes `bytes[range]` with values of `bitWidth` bits (0...32).
    init(_ bytes: [UInt8], range: Range<Int>, bitWidth: Int) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.bitWidth = bitWidth
    }

    private mutating func varint() throws(ThriftDecodingError) -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < end else { throw ThriftDecodingError(message: "RLE run header truncated") }
            let b = bytes[position]
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw ThriftDecodingError(message: "RLE run header overflows") }
        }
    }

    /// Calls `run(value, repeat)` for each run until `count` values have been produced.
    ///
    /// - Throws: when the data ends before `count` values.
    mutating func decode(count: Int, _ run: (UInt32, Int) throws(ThriftDecodingError) -> Void) throws(ThriftDecodingError) {
        var produced = 0
        let valueBytes = (bitWidth + 7) / 8
        while produced < count {
            let header = try varint()
            if header & 1 == 0 {
                let length = header >> 1
                guard length > 0 else { throw ThriftDecodingError(message: "empty RLE run") }
                guard end - position >= valueBytes else { throw ThriftDecodingError(message: "RLE run value truncated") }
                var value: UInt32 = 0
                for i in 0 ..< valueBytes { value |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
                position += valueBytes
                let n = Int(min(length, UInt64(count - produced)))
                try run(value, n)
                produced += n
            } else {
                // Some writers end a page with a short final group, so only the bytes for the values
                // actually wanted must be present; the run consumes at most what is left.
                let groups = header >> 1
                guard groups > 0 else { throw ThriftDecodingError(message: "empty bit-packed run") }
                let available = end - position
                let wanted = groups > UInt64(count - produced) / 8 + 1 ? count - produced : min(Int(groups) * 8, count - produced)
                guard (wanted * bitWidth + 7) / 8 <= available else {
                    throw ThriftDecodingError(message: "bit-packed run of \(wanted) values exceeds the \(available) bytes left")
                }
                let runBytes = groups > UInt64(available) ? available : min(Int(groups) * bitWidth, available)
                let n = wanted
                var bitPosition = 0
                let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
                for _ in 0 ..< n {
                    var value: UInt64 = 0
                    if bitWidth > 0 {
                        let byte = position + bitPosition / 8
                        let shift = UInt64(bitPosition % 8)
                        // Up to 32 + 7 bits span at most 5 bytes; gather them (within the run) and shift.
                        var window: UInt64 = 0
                        let last = min(byte + 5, end)
                        for i in byte ..< last { window |= UInt64(bytes[i]) << (8 * UInt64(i - byte)) }
                        value = (window >> shift) & mask
                    }
                    try run(UInt32(value), 1)
                    bitPosition += bitWidth
                }
                position += runBytes
                produced += n
            }
        }
    }
}
