/// Decodes PLAIN-encoded values and appends them to a `ParquetValues`.
///
/// Every count is checked against the bytes present before anything is reserved.
enum ParquetPlainDecoder {
    /// Appends `count` values read from `bytes[range]` to `values`; returns the bytes consumed.
    @discardableResult
    static func decode(_ bytes: [UInt8], range: Range<Int>, count: Int,
                       into values: inout ParquetValues) throws(ThriftDecodingError) -> Int {
        let available = range.count
        func need(_ n: Int, _ width: Int) throws(ThriftDecodingError) {
            guard n <= available / max(width, 1) else {
                throw ThriftDecodingError(message: "page holds \(available) bytes, too few for \(n) values of \(width) bytes")
            }
        }
        let start = range.lowerBound
        switch values {
        case .boolean(var v):
            guard count <= available * 8 else { throw ThriftDecodingError(message: "page too short for \(count) booleans") }
            values = .int32([])  // release the payload so `v` is uniquely referenced
            v.reserveCapacity(v.count + count)
            for i in 0 ..< count { v.append(bytes[start + i / 8] >> UInt8(i % 8) & 1 == 1) }
            values = .boolean(v)
            return (count + 7) / 8
        case .int32(var v):
            try need(count, 4)
            values = .boolean([])
            appendFixed(bytes, start, count, &v, Int32.self)
            values = .int32(v)
            return count * 4
        case .int64(var v):
            try need(count, 8)
            values = .boolean([])
            appendFixed(bytes, start, count, &v, Int64.self)
            values = .int64(v)
            return count * 8
        case .float(var v):
            try need(count, 4)
            values = .boolean([])
            var bits: [UInt32] = []
            appendFixed(bytes, start, count, &bits, UInt32.self)
            v.append(contentsOf: bits.lazy.map(Float.init(bitPattern:)))
            values = .float(v)
            return count * 4
        case .double(var v):
            try need(count, 8)
            values = .boolean([])
            var bits: [UInt64] = []
            appendFixed(bytes, start, count, &bits, UInt64.self)
            v.append(contentsOf: bits.lazy.map(Double.init(bitPattern:)))
            values = .double(v)
            return count * 8
        case .byteArray(var v):
            try need(count, 4)
            values = .boolean([])
            var p = start
            for _ in 0 ..< count {
                guard range.upperBound - p >= 4 else { throw ThriftDecodingError(message: "byte array length truncated") }
                let n = Int(UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
                p += 4
                guard n <= range.upperBound - p else { throw ThriftDecodingError(message: "byte array of \(n) bytes exceeds the page") }
                v.append(bytes[p ..< p + n])
                p += n
            }
            values = .byteArray(v)
            return p - start
        case .fixedLenByteArray(let width, var v):
            guard width > 0 else { throw ThriftDecodingError(message: "FIXED_LEN_BYTE_ARRAY without a positive type_length") }
            try need(count, width)
            values = .boolean([])
            v.bytes.append(contentsOf: bytes[start ..< start + count * width])
            var offset = v.offsets.last!
            v.offsets.reserveCapacity(v.offsets.count + count)
            for _ in 0 ..< count { offset += width; v.offsets.append(offset) }
            values = .fixedLenByteArray(width: width, v)
            return count * width
        }
    }

    /// Little-endian fixed-width integers; the caller has checked `count * size` bytes are there.
    private static func appendFixed<T: FixedWidthInteger>(_ bytes: [UInt8], _ start: Int, _ count: Int,
                                                         _ out: inout [T], _: T.Type) {
        let size = MemoryLayout<T>.size
        out.reserveCapacity(out.count + count)
        bytes.withUnsafeBytes { raw in
            for i in 0 ..< count {
                out.append(T(littleEndian: raw.loadUnaligned(fromByteOffset: start + i * size, as: T.self)))
            }
        }
    }
}
