import Testing
@testable import ScoreIO

@Suite struct ParquetThriftTests {
    /// A struct { 1: i32 = -3, 2: bool = true, 5: string "hi", 300: i64 = 1 (long-form id), 301: list<i32> [1, 2] }.
    private let sample: [UInt8] = [
        0x15, 0x05,              // field 1 (delta 1), i32, zigzag(-3) = 5
        0x11,                    // field 2 (delta 1), bool true
        0x38, 0x02, 0x68, 0x69,  // field 5 (delta 3), binary "hi"
        0x06, 0xD8, 0x04, 0x02,  // long form: type i64, id zigzag(300) = 600, value zigzag(1) = 2
        0x19, 0x25, 0x02, 0x04,  // field 301 (delta 1 from 300), list of 2 i32: 1, 2
        0x00,
    ]

    @Test func readsFieldsWithDeltaAndLongFormIDs() throws {
        var r = ThriftCompactReader(sample)
        var seen: [Int16: String] = [:]
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            switch type {
            case .i32: seen[id] = "\(try r.readI32())"
            case .boolTrue, .boolFalse: seen[id] = "\(try r.boolValue(fieldType: type))"
            case .binary: seen[id] = try r.readString()
            case .i64: seen[id] = "\(try r.readI64())"
            case .list: seen[id] = "\(try r.readList(of: .i32) { (r) throws(ThriftDecodingError) in try r.readI32() })"
            default: try r.skip(type)
            }
        }
        #expect(seen == [1: "-3", 2: "true", 5: "hi", 300: "1", 301: "[1, 2]"])
        #expect(r.remaining == 0)
    }

    @Test func skipsUnknownFieldsOfEveryType() throws {
        let bytes: [UInt8] = [
            0x13, 0x7F,                                      // 1: byte
            0x14, 0x02,                                      // 2: i16
            0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,              // 3: double 1.0
            0x1D] + [UInt8](repeating: 7, count: 16) + [      // 4: uuid
            0x1A, 0x11, 0x01,                                // 5: set<bool> [true]
            0x1B, 0x01, 0x85, 0x00, 0x03,                    // 6: map<binary, i32> {"": -2}
            0x1C, 0x15, 0x02, 0x1C, 0x00, 0x00,              // 7: struct { 1: i32, 2: struct {} }
            0x15, 0x54,                                      // 8: i32 = 42
            0x00,
        ]
        var r = ThriftCompactReader(bytes)
        var value: Int32?
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            if id == 8 { value = try r.readI32() } else { try r.skip(type) }
        }
        #expect(value == 42)
        #expect(r.remaining == 0)
    }

    @Test func corruptInputThrowsInsteadOfTrapping() {
        let cases: [[UInt8]] = [
            [],                                  // nothing
            [0x15],                              // i32 field without a value
            [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], // binary of 4 GiB
            [0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], // list of 4 billion i32
            [0x1B, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x55], // map of 4 billion entries
            [0x1E, 0x00],                        // type 14 is no compact type
            [0x15] + [UInt8](repeating: 0xFF, count: 11), // varint over 10 bytes
            [0x05, 0xFF, 0xFF, 0x7F, 0x00],      // long-form id out of i16 range
            [UInt8](repeating: 0x1C, count: 10_000), // structs nested 10,000 deep
        ]
        for bytes in cases {
            var r = ThriftCompactReader(bytes)
            #expect(throws: ThriftDecodingError.self, "\(bytes.prefix(8))") {
                try r.readStruct { (r, _, type) throws(ThriftDecodingError) in try r.skip(type) }
            }
        }
    }

    @Test func rleHybridDecodesRunsAndBitPackedGroups() throws {
        // RLE run of 3 × 5 (width 3), then one bit-packed group of 8 values 0...7 (3 bits each).
        let bytes: [UInt8] = [0x06, 0x05, 0x03, 0x88, 0xC6, 0xFA]
        var d = ParquetRLEDecoder(bytes, range: 0 ..< bytes.count, bitWidth: 3)
        var out: [UInt32] = []
        try d.decode(count: 11) { (v, n) throws(ThriftDecodingError) in out += repeatElement(v, count: n) }
        #expect(out == [5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7])
        var short = ParquetRLEDecoder(bytes, range: 0 ..< 4, bitWidth: 3)
        #expect(throws: ThriftDecodingError.self) {
            try short.decode(count: 11) { (_, _) throws(ThriftDecodingError) in }
        }
    }
}
