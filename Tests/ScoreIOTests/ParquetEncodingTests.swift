import Testing
@testable import ScoreIO

/// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT against byte
/// sequences worked out by hand from the Parquet encodings spec, a test-side encoder, and corrupt input.
struct ParquetEncodingTests {
    // MARK: DELTA_BINARY_PACKED

    @Test func deltaBinaryPackedConstantStep() throws {
        // 1, 2, 3, 4, 5: block 128, 4 miniblocks, 5 values, first 1; min delta 1 and every bit width 0.
        let bytes: [UInt8] = [0x80, 0x01, 0x04, 0x05, 0x02, /* block */ 0x02, 0, 0, 0, 0]
        let (values, end) = try ParquetDeltaDecoder.binaryPacked(bytes, range: 0 ..< bytes.count, count: 5)
        #expect(values == [1, 2, 3, 4, 5])
        #expect(end == bytes.count)
    }

    @Test func deltaBinaryPackedNegativeDeltas() throws {
        // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min -2, relative 0 0 0 3 3 3 3 at 2 bits.
        let bytes: [UInt8] = [0x80, 0x01, 0x04, 0x08, 0x0E, /* block */ 0x03, 2, 0, 0, 0,
                              0xC0, 0x3F, 0, 0, 0, 0, 0, 0, /* trailing byte not part of it */ 0xAA]
        let (values, end) = try ParquetDeltaDecoder.binaryPacked(bytes, range: 0 ..< bytes.count, count: 8)
        #expect(values == [7, 5, 3, 1, 2, 3, 4, 5])
        #expect(end == bytes.count - 1)
    }

    @Test func deltaBinaryPacked64BitWidthAndWrapping() throws {
        // 0, Int64.max, -1: deltas Int64.max and Int64.min (wrapped), min delta Int64.min, bit width 64.
        // One miniblock of 128; the writer's padding is cut short, only the 2 deltas' 16 bytes are there.
        var bytes: [UInt8] = [0x80, 0x01, 0x01, 0x03, 0x00]
        bytes += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]  // zigzag(Int64.min) = UInt64.max
        bytes += [64] + [UInt8](repeating: 0xFF, count: 8) + [UInt8](repeating: 0, count: 8)
        let (values, _) = try ParquetDeltaDecoder.binaryPacked(bytes, range: 0 ..< bytes.count, count: 3)
        #expect(values == [0, .max, -1])
        // INT32 columns refuse widths over 32.
        #expect(throws: ThriftDecodingError.self) {
            _ = try ParquetDeltaDecoder.binaryPacked(bytes, range: 0 ..< bytes.count, count: 3, maxBitWidth: 32)
        }
    }

    @Test(arguments: [1, 2, 31, 32, 33, 127, 128, 129, 1000, 5000])
    func deltaBinaryPackedRoundTrip(count: Int) throws {
        var seed: UInt64 = UInt64(count)
        var values: [Int64] = []
        for i in 0 ..< count {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            // Stretches of small steps, large jumps and full-range values, so miniblock widths vary.
            switch (i / 100) % 3 {
            case 0: values.append((values.last ?? 0) &+ Int64(seed >> 60))
            case 1: values.append(Int64(bitPattern: seed >> 20) - (1 << 42))
            default: values.append(Int64(bitPattern: seed))
            }
        }
        let bytes = DeltaEncoder.encode(values, blockSize: 128, miniblocks: 4) + [0x55]
        let (decoded, end) = try ParquetDeltaDecoder.binaryPacked(bytes, range: 0 ..< bytes.count, count: count)
        #expect(decoded == values)
        #expect(end == bytes.count - 1)
        // Fewer values than stored may be asked for; more may not.
        #expect(try ParquetDeltaDecoder.binaryPacked(bytes, range: 0 ..< bytes.count, count: count / 2).values == Array(values.prefix(count / 2)))
        #expect(throws: ThriftDecodingError.self) { _ = try ParquetDeltaDecoder.binaryPacked(bytes, range: 0 ..< bytes.count, count: count + 1) }
    }

    @Test func deltaBinaryPackedCorruptInput() {
        let cases: [(String, [UInt8], Int)] = [
            ("empty", [], 1),
            ("header truncated", [0x80, 0x01, 0x04], 1),
            ("block size not a multiple of 128", [0x64, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0], 5),
            ("miniblocks of 16 values", [0x80, 0x01, 0x08, 0x05, 0x02, 0x02, 0, 0, 0, 0, 0, 0, 0, 0], 5),
            ("zero miniblocks", [0x80, 0x01, 0x00, 0x05, 0x02], 5),
            ("bit width 65", [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 65, 0, 0, 0] + [UInt8](repeating: 0, count: 300), 5),
            ("miniblock truncated", [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0], 8),
            ("bit widths truncated", [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0], 5),
            ("fewer values than wanted", [0x80, 0x01, 0x04, 0x02, 0x02, 0x02, 0, 0, 0, 0], 5),
            ("varint overflow", [0x80, 0x01, 0x04, 0x05] + [UInt8](repeating: 0xFF, count: 11), 5),
            ("huge block", [0x80, 0x80, 0x80, 0x80, 0x10, 0x01, 0x05, 0x02], 5),
        ]
        for (name, bytes, count) in cases {
            #expect(throws: ThriftDecodingError.self, "\(name)") {
                _ = try ParquetDeltaDecoder.binaryPacked(bytes, range: 0 ..< bytes.count, count: count)
            }
        }
    }

    // MARK: DELTA_LENGTH_BYTE_ARRAY

    static let helloLengths: [UInt8] = [0x80, 0x01, 0x04, 0x04, 0x0A, /* block */ 0x00, 1, 0, 0, 0, 0x02, 0, 0, 0]

    @Test func deltaLengthByteArray() throws {
        // "Hello" "World" "Foobar" "ABCDEF": lengths 5 5 6 6 (first 5, relative deltas 0 1 0 at 1 bit).
        let bytes = Self.helloLengths + Array("HelloWorldFoobarABCDEF".utf8)
        var out = ParquetByteArrays()
        out.append(Array("kept".utf8))
        let end = try ParquetDeltaDecoder.lengthByteArray(bytes, range: 0 ..< bytes.count, count: 4, into: &out)
        #expect(end == bytes.count)
        #expect((0 ..< out.count).map { String(decoding: out[$0], as: UTF8.self) } == ["kept", "Hello", "World", "Foobar", "ABCDEF"])
        // The bytes end early: an error.
        var short = ParquetByteArrays()
        #expect(throws: ThriftDecodingError.self) {
            try ParquetDeltaDecoder.lengthByteArray(bytes, range: 0 ..< bytes.count - 1, count: 4, into: &short)
        }
        // A negative length.
        let negative = [0x80, 0x01, 0x04, 0x01, 0x01] as [UInt8]  // one value, first length zigzag(-1)
        #expect(throws: ThriftDecodingError.self) {
            try ParquetDeltaDecoder.lengthByteArray(negative, range: 0 ..< negative.count, count: 1, into: &short)
        }
    }

    // MARK: DELTA_BYTE_ARRAY

    static let axisPrefixes: [UInt8] = [0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 3, 0, 0, 0, 0x44, 0x01] + [UInt8](repeating: 0, count: 10)
    static let axisSuffixLengths: [UInt8] = [0x80, 0x01, 0x04, 0x04, 0x08, 0x03, 3, 0, 0, 0, 0x70, 0x00] + [UInt8](repeating: 0, count: 10)

    @Test func deltaByteArray() throws {
        // "axis" "axle" "babble" "babyhood": prefixes 0 2 0 3, suffixes "axis" "le" "babble" "yhood".
        let bytes = Self.axisPrefixes + Self.axisSuffixLengths + Array("axislebabbleyhood".utf8)
        var out = ParquetByteArrays()
        try ParquetDeltaDecoder.byteArray(bytes, range: 0 ..< bytes.count, count: 4, maxOutputBytes: 1 << 20, into: &out)
        #expect((0 ..< out.count).map { String(decoding: out[$0], as: UTF8.self) } == ["axis", "axle", "babble", "babyhood"])
        // Output bigger than allowed.
        var capped = ParquetByteArrays()
        #expect(throws: ThriftDecodingError.self) {
            try ParquetDeltaDecoder.byteArray(bytes, range: 0 ..< bytes.count, count: 4, maxOutputBytes: 10, into: &capped)
        }
        // FIXED_LEN_BYTE_ARRAY values must all have the column's width.
        #expect(throws: ThriftDecodingError.self) {
            try ParquetDeltaDecoder.byteArray(bytes, range: 0 ..< bytes.count, count: 4, width: 4, maxOutputBytes: 1 << 20, into: &capped)
        }
        // A first prefix longer than the (empty) previous value.
        var bad = bytes
        bad[4] = 0x02  // first prefix zigzag(1)
        #expect(throws: ThriftDecodingError.self) {
            try ParquetDeltaDecoder.byteArray(bad, range: 0 ..< bad.count, count: 4, maxOutputBytes: 1 << 20, into: &capped)
        }
        // Truncated suffix bytes.
        #expect(throws: ThriftDecodingError.self) {
            try ParquetDeltaDecoder.byteArray(bytes, range: 0 ..< bytes.count - 2, count: 4, maxOutputBytes: 1 << 20, into: &capped)
        }
    }

    @Test func deltaByteArrayFixedLength() throws {
        // "abcd" "abce" "abzz": prefixes 0 3 2 (first 0, deltas 3 -1: min -1, relative 4 0 at 3 bits),
        // suffix lengths 4 1 2 (first 4, deltas -3 1: min -3, relative 0 4 at 3 bits).
        let prefixes: [UInt8] = [0x80, 0x01, 0x04, 0x03, 0x00, 0x01, 3, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let lengths: [UInt8] = [0x80, 0x01, 0x04, 0x03, 0x08, 0x05, 3, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let bytes = prefixes + lengths + Array("abcdezz".utf8)
        var out = ParquetByteArrays()
        try ParquetDeltaDecoder.byteArray(bytes, range: 0 ..< bytes.count, count: 3, width: 4, maxOutputBytes: 1 << 20, into: &out)
        #expect((0 ..< out.count).map { String(decoding: out[$0], as: UTF8.self) } == ["abcd", "abce", "abzz"])
    }

    // MARK: BYTE_STREAM_SPLIT

    @Test func byteStreamSplit() throws {
        // 1.0f = 00 00 80 3F and 2.0f = 00 00 00 40, split into four streams of two bytes.
        let bytes: [UInt8] = [0xEE, 0, 0, 0, 0, 0x80, 0, 0x3F, 0x40]
        let plain = try ParquetDeltaDecoder.byteStreamSplit(bytes, range: 1 ..< bytes.count, count: 2, width: 4)
        #expect(plain == [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
        var floats = ParquetValues.float([])
        try ParquetPlainDecoder.decode(plain, range: 0 ..< plain.count, count: 2, into: &floats)
        #expect(floats == .float([1, 2]))
        // Doubles, INT64 and FIXED_LEN_BYTE_ARRAY(3) use the same layout with other widths.
        let values: [Double] = [1.5, -2.25, .pi]
        let le = values.flatMap { v in (0 ..< 8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt64($0))) } }
        let split = (0 ..< 8).flatMap { k in (0 ..< 3).map { le[$0 * 8 + k] } }
        #expect(try ParquetDeltaDecoder.byteStreamSplit(split, range: 0 ..< split.count, count: 3, width: 8) == le)
        #expect(try ParquetDeltaDecoder.byteStreamSplit([1, 4, 2, 5, 3, 6], range: 0 ..< 6, count: 2, width: 3) == [1, 2, 3, 4, 5, 6])
        // A length that is not a whole number of values, too few values, or a zero width.
        #expect(throws: ThriftDecodingError.self) { _ = try ParquetDeltaDecoder.byteStreamSplit(bytes, range: 0 ..< bytes.count, count: 2, width: 4) }
        #expect(throws: ThriftDecodingError.self) { _ = try ParquetDeltaDecoder.byteStreamSplit(bytes, range: 1 ..< bytes.count, count: 3, width: 4) }
        #expect(throws: ThriftDecodingError.self) { _ = try ParquetDeltaDecoder.byteStreamSplit(bytes, range: 1 ..< bytes.count, count: 2, width: 0) }
    }
}

/// A straightforward DELTA_BINARY_PACKED encoder for the round-trip test (wrapping 64-bit arithmetic).
enum DeltaEncoder {
    static func varint(_ v: UInt64, into out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    static func encode(_ values: [Int64], blockSize: Int, miniblocks: Int) -> [UInt8] {
        var out: [UInt8] = []
        varint(UInt64(blockSize), into: &out)
        varint(UInt64(miniblocks), into: &out)
        varint(UInt64(values.count), into: &out)
        varint(zigzag(values.first ?? 0), into: &out)
        let deltas = zip(values.dropFirst(), values).map { $0 &- $1 }
        let perMiniblock = blockSize / miniblocks
        var start = 0
        while start < deltas.count {
            let block = Array(deltas[start ..< min(start + blockSize, deltas.count)])
            let minDelta = block.min()!
            varint(zigzag(minDelta), into: &out)
            var bodies: [UInt8] = [], widths: [UInt8] = []
            for m in 0 ..< miniblocks {
                let lo = m * perMiniblock
                guard lo < block.count else { widths.append(0); continue }
                let relative = block[lo ..< min(lo + perMiniblock, block.count)].map { UInt64(bitPattern: $0 &- minDelta) }
                let width = relative.map { 64 - $0.leadingZeroBitCount }.max()!
                widths.append(UInt8(width))
                var bits = [UInt8](repeating: 0, count: perMiniblock * width / 8)
                for (i, r) in relative.enumerated() {
                    for b in 0 ..< width where r >> UInt64(b) & 1 == 1 {
                        let at = i * width + b
                        bits[at / 8] |= 1 << UInt8(at % 8)
                    }
                }
                bodies += bits
            }
            out += widths + bodies
            start += blockSize
        }
        return out
    }
}
