/// The encoders the Parquet writer needs: the RLE / bit-packed hybrid (definition levels and
/// dictionary indices), bit-packed booleans, and PLAIN values.
enum ParquetEncoder {
    /// Appends `values` (each below `1 << bitWidth`) in the RLE / bit-packed hybrid, without a length prefix.
    ///
    /// A run of 8 or more equal values becomes an RLE run; anything else goes out in bit-packed groups
    /// of 8 (the last group padded with zeros, which the reader ignores as it knows the value count).
    static func appendHybrid(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, to out: inout [UInt8]) {
        let n = values.count
        let valueBytes = (bitWidth + 7) / 8
        var i = 0
        func runLength(at start: Int) -> Int {
            var j = start + 1
            while j < n && values[j] == values[start] { j += 1 }
            return j - start
        }
        while i < n {
            let run = runLength(at: i)
            if run >= 8 {
                appendVarint(UInt64(run) << 1, to: &out)
                var v = values[i]
                for _ in 0 ..< valueBytes {
                    out.append(UInt8(truncatingIfNeeded: v))
                    v >>= 8
                }
                i += run
                continue
            }
            // Bit-packed groups of 8 until a long run starts at a group boundary (or the end).
            var end = i
            repeat { end += 8 } while end < n && runLength(at: end) < 8
            let groups = (end - i) / 8
            appendVarint(UInt64(groups) << 1 | 1, to: &out)
            var buffer: UInt64 = 0
            var bits = 0
            for k in i ..< end {
                let v = k < n ? UInt64(values[k]) : 0
                buffer |= v << UInt64(bits)
                bits += bitWidth
                while bits >= 8 {
                    out.append(UInt8(truncatingIfNeeded: buffer))
                    buffer >>= 8
                    bits -= 8
                }
            }
            // 8 values of any width fill whole bytes, so nothing is left over.
            i = min(end, n)
        }
    }

    /// The bit width needed for values up to `maxValue` (0 for 0).
    static func bitWidth(for maxValue: Int) -> Int {
        maxValue == 0 ? 0 : Int.bitWidth - maxValue.leadingZeroBitCount
    }

    /// An unsigned LEB128 varint.
    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Appends `value` little-endian.
    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Booleans PLAIN: bit-packed, least significant bit first, the last byte padded with zeros.
    static func appendPlainBooleans(_ values: ArraySlice<Bool>, to out: inout [UInt8]) {
        var byte: UInt8 = 0
        var bit = 0
        for v in values {
            if v { byte |= 1 << UInt8(bit) }
            bit += 1
            if bit == 8 {
                out.append(byte)
                byte = 0
                bit = 0
            }
        }
        if bit > 0 { out.append(byte) }
    }
}
