/// Decoders for DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
///
/// Every length, count and bit width is checked against the bytes left before it is used; the only
/// allocations are sized by the caller's (already capped) value count or by bytes actually present.
enum ParquetDeltaDecoder {
    /// DELTA_BINARY_PACKED: decodes `count` integers from `bytes[range]`, with wrapping arithmetic
    /// (callers of INT32 columns truncate, which wraps modulo 2³² as the spec requires).
    ///
    /// - Parameter maxBitWidth: 32 for INT32 columns, 64 for INT64 ones.
    /// - Returns: the values and the index just past the last byte used.
    static func binaryPacked(_ bytes: [UInt8], range: Range<Int>, count: Int,
                             maxBitWidth: Int = 64) throws(ThriftDecodingError) -> (values: [Int64], end: Int) {
        var p = range.lowerBound
        let end = range.upperBound
        func varint() throws(ThriftDecodingError) -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard p < end else { throw ThriftDecodingError(message: "DELTA_BINARY_PACKED header truncated") }
                let b = bytes[p]
                p += 1
                guard shift < 64, shift < 63 || b & 0x7E == 0 else { throw ThriftDecodingError(message: "DELTA_BINARY_PACKED varint overflows") }
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        func zigzag() throws(ThriftDecodingError) -> Int64 {
            let v = try varint()
            return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
        }
        let blockSize = try varint(), miniblocks = try varint(), total = try varint()
        var value = try zigzag()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 24, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0 else {
            throw ThriftDecodingError(message: "DELTA_BINARY_PACKED block of \(blockSize) values in \(miniblocks) miniblocks is invalid")
        }
        guard total >= UInt64(count) else {
            throw ThriftDecodingError(message: "DELTA_BINARY_PACKED holds \(total) values where \(count) are expected")
        }
        let perMiniblock = Int(blockSize / miniblocks), miniblockCount = Int(miniblocks)
        var values: [Int64] = []
        guard count > 0 else { return (values, p) }
        values.reserveCapacity(count)
        values.append(value)
        var widths = [Int](repeating: 0, count: miniblockCount)
        while values.count < count {
            let minDelta = try zigzag()
            guard end - p >= miniblockCount else { throw ThriftDecodingError(message: "DELTA_BINARY_PACKED bit widths truncated") }
            for i in 0 ..< miniblockCount {
                widths[i] = Int(bytes[p + i])
            }
            p += miniblockCount
            for width in widths where values.count < count {
                let n = min(perMiniblock, count - values.count)
                guard width <= maxBitWidth else {
                    throw ThriftDecodingError(message: "DELTA_BINARY_PACKED miniblock bit width \(width) over \(maxBitWidth)")
                }
                // The last miniblock is padded to full size by writers; only the values wanted must be present.
                let full = perMiniblock * width / 8
                guard (n * width + 7) / 8 <= end - p else {
                    throw ThriftDecodingError(message: "DELTA_BINARY_PACKED miniblock truncated")
                }
                let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
                var bit = 0
                for _ in 0 ..< n {
                    var delta: UInt64 = 0
                    if width > 0 {
                        var got = 0, at = bit
                        while got < width {
                            let shift = at & 7
                            delta |= UInt64(bytes[p + at >> 3] >> UInt8(shift)) << UInt64(got)
                            let taken = 8 - shift
                            got += taken
                            at += taken
                        }
                        delta &= mask
                    }
                    value = value &+ minDelta &+ Int64(bitPattern: delta)
                    values.append(value)
                    bit += width
                }
                p += min(full, end - p)
            }
        }
        return (values, p)
    }

    /// DELTA_LENGTH_BYTE_ARRAY: delta-packed lengths, then the bytes back to back. Appends to `out`.
    @discardableResult
    static func lengthByteArray(_ bytes: [UInt8], range: Range<Int>, count: Int,
                                into out: inout ParquetByteArrays) throws(ThriftDecodingError) -> Int {
        let (lengths, start) = try binaryPacked(bytes, range: range, count: count, maxBitWidth: 32)
        var p = start
        for length in lengths {
            guard length >= 0, length <= Int64(range.upperBound - p) else {
                throw ThriftDecodingError(message: "DELTA_LENGTH_BYTE_ARRAY value of \(length) bytes exceeds the page")
            }
            out.append(bytes[p ..< p + Int(length)])
            p += Int(length)
        }
        return p
    }

    /// DELTA_BYTE_ARRAY: delta-packed prefix lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY; each
    /// value is the first `prefix` bytes of the previous value followed by its suffix. Appends to `out`;
    /// `width`, when set, is the FIXED_LEN_BYTE_ARRAY length every value must have.
    static func byteArray(_ bytes: [UInt8], range: Range<Int>, count: Int, width: Int? = nil, maxOutputBytes: Int,
                          into out: inout ParquetByteArrays) throws(ThriftDecodingError) {
        let (prefixes, suffixStart) = try binaryPacked(bytes, range: range, count: count, maxBitWidth: 32)
        var suffixes = ParquetByteArrays()
        try lengthByteArray(bytes, range: suffixStart ..< range.upperBound, count: count, into: &suffixes)
        var previous: [UInt8] = []  // the previous value of this page
        var total = 0
        for i in 0 ..< count {
            let prefix = prefixes[i]
            guard prefix >= 0, prefix <= Int64(previous.count) else {
                throw ThriftDecodingError(message: "DELTA_BYTE_ARRAY prefix of \(prefix) bytes is longer than the previous value")
            }
            let suffix = suffixes[i]
            let length = Int(prefix) + suffix.count
            if let width, length != width {
                throw ThriftDecodingError(message: "DELTA_BYTE_ARRAY value of \(length) bytes in a FIXED_LEN_BYTE_ARRAY(\(width)) column")
            }
            total += length
            guard total <= maxOutputBytes else {
                throw ThriftDecodingError(message: "DELTA_BYTE_ARRAY page expands to over \(maxOutputBytes) bytes")
            }
            previous.removeSubrange(Int(prefix)...)
            previous.append(contentsOf: suffix)
            out.append(previous)
        }
    }

    /// BYTE_STREAM_SPLIT: byte `k` of value `i` is at `k * stride + i`, with `stride` the stream length.
    /// Returns the values' bytes reassembled back to back (little-endian values, as PLAIN has them).
    static func byteStreamSplit(_ bytes: [UInt8], range: Range<Int>, count: Int, width: Int) throws(ThriftDecodingError) -> [UInt8] {
        guard width > 0, range.count % width == 0, range.count / width >= count else {
            throw ThriftDecodingError(message: "BYTE_STREAM_SPLIT data of \(range.count) bytes does not hold \(count) values of \(width) bytes")
        }
        let stride = range.count / width
        var out = [UInt8](repeating: 0, count: count * width)
        out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { b in
                for k in 0 ..< width {
                    let stream = range.lowerBound + k * stride
                    for i in 0 ..< count { o[i * width + k] = b[stream + i] }
                }
            }
        }
        return out
    }
}
