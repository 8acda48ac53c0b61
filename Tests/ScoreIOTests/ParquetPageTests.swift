import Testing
@testable import ScoreIO
import BatchScoreTestKit

/// Writes Thrift compact-protocol bytes, so tests can build Parquet files the corpus lacks
/// (an UNCOMPRESSED data page v2, for one).
struct ThriftCompactWriter {
    var bytes: [UInt8] = []
    private var lastIDs: [Int16] = [0]

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    private static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    mutating func field(_ id: Int16, _ type: UInt8) {
        let delta = id - lastIDs[lastIDs.count - 1]
        if (1 ... 15).contains(delta) { bytes.append(UInt8(delta) << 4 | type) } else { bytes.append(type); varint(Self.zigzag(Int64(id))) }
        lastIDs[lastIDs.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ v: Int32) { field(id, 5); varint(Self.zigzag(Int64(v))) }
    mutating func i64(_ id: Int16, _ v: Int64) { field(id, 6); varint(Self.zigzag(v)) }
    mutating func bool(_ id: Int16, _ v: Bool) { field(id, v ? 1 : 2) }
    mutating func binary(_ id: Int16, _ s: String) { field(id, 8); rawBinary(s) }
    mutating func rawBinary(_ s: String) { varint(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
    mutating func list(_ id: Int16, _ elementType: UInt8, count: Int) {
        field(id, 9)
        if count < 15 { bytes.append(UInt8(count) << 4 | elementType) } else { bytes.append(0xF0 | elementType); varint(UInt64(count)) }
    }
    /// Opens a struct: as field `id`, or as a list element when `id` is nil.
    mutating func begin(_ id: Int16? = nil) {
        if let id { field(id, 12) }
        lastIDs.append(0)
    }
    mutating func end() { bytes.append(0); lastIDs.removeLast() }
}

@Suite struct ParquetPageTests {
    /// One optional string column, 5 rows ("a", "bc", null, "bc", "a"): a PLAIN dictionary page, then an
    /// UNCOMPRESSED data page v2 with RLE definition levels and RLE_DICTIONARY indices.
    static func dictionaryV2File() -> [UInt8] {
        var file = Array("PAR1".utf8)
        let dictionaryBody: [UInt8] = [1, 0, 0, 0, 0x61, 2, 0, 0, 0, 0x62, 0x63]
        var h = ThriftCompactWriter()
        h.i32(1, 2); h.i32(2, Int32(dictionaryBody.count)); h.i32(3, Int32(dictionaryBody.count))
        h.begin(7); h.i32(1, 2); h.i32(2, 0); h.end()
        h.end()
        let dictionaryOffset = file.count
        file += h.bytes + dictionaryBody

        // Levels [1, 1, 0, 1, 1]: one bit-packed group. Indices [0, 1, 1, 0] at bit width 1.
        let levels: [UInt8] = [0x03, 0b0001_1011]
        let values: [UInt8] = [0x01, 0x03, 0b0000_0110]
        var d = ThriftCompactWriter()
        d.i32(1, 3); d.i32(2, Int32(levels.count + values.count)); d.i32(3, Int32(levels.count + values.count))
        d.begin(8); d.i32(1, 5); d.i32(2, 1); d.i32(3, 5); d.i32(4, 8); d.i32(5, Int32(levels.count)); d.i32(6, 0); d.bool(7, false); d.end()
        d.end()
        let dataOffset = file.count
        file += d.bytes + levels + values
        let chunkSize = Int64(file.count - dictionaryOffset)

        var m = ThriftCompactWriter()
        m.i32(1, 2)
        m.list(2, 12, count: 2)
        m.begin(); m.binary(4, "schema"); m.i32(5, 1); m.end()
        m.begin(); m.i32(1, 6); m.i32(3, 1); m.binary(4, "s"); m.i32(6, 0); m.end()
        m.i64(3, 5)
        m.list(4, 12, count: 1)
        m.begin()
        m.list(1, 12, count: 1)
        m.begin(); m.i64(2, Int64(dataOffset))
        m.begin(3)
        m.i32(1, 6); m.list(2, 5, count: 2); m.varint(0); m.varint(16)
        m.list(3, 8, count: 1); m.rawBinary("s")
        m.i32(4, 0); m.i64(5, 5); m.i64(6, chunkSize); m.i64(7, chunkSize); m.i64(9, Int64(dataOffset)); m.i64(11, Int64(dictionaryOffset))
        m.end()
        m.end()
        m.i64(2, chunkSize); m.i64(3, 5)
        m.end()
        m.end()
        let n = UInt32(m.bytes.count)
        file += m.bytes + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + Array("PAR1".utf8)
        return file
    }

    @Test func decodesDictionaryPageAndDataPageV2WithNulls() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("v2.parquet", Self.dictionaryV2File())
        let file = try ParquetFile(path: path, name: "v2.parquet")
        #expect(file.metadata.numRows == 5)
        let columns = try file.metadata.flatColumns(file: "v2.parquet")
        #expect(columns.map(\.name) == ["s"])
        #expect(columns[0].maxDefinitionLevel == 1)
        let meta = try #require(file.metadata.rowGroups.first?.columns.first?.metaData)
        #expect(meta.encodings == [.plain, .rleDictionary])
        let data = try ParquetColumnChunkReader(file: file, column: columns[0]).read(rowGroup: 0)
        #expect(data.rowCount == 5)
        #expect(data.validity == [true, true, false, true, true])
        guard case .byteArray(let strings) = data.values else { Issue.record("not byte arrays: \(data.values)"); return }
        #expect((0 ..< strings.count).map { String(decoding: strings[$0], as: UTF8.self) } == ["a", "bc", "bc", "a"])
    }

    @Test func refusesMissingMagicAndBadFooterLengthByName() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let good = Self.dictionaryV2File()
        var badTail = good
        badTail[badTail.count - 1] = 0x32
        var longFooter = good
        longFooter[longFooter.count - 5] = 0x7F
        for (name, bytes, expected) in [("tail.parquet", badTail, "missing PAR1 magic at the end"),
                                        ("long.parquet", longFooter, "footer length"),
                                        ("short.parquet", Array(good.prefix(8)), "too short to be Parquet")] {
            let path = try folder.write(name, bytes)
            do {
                _ = try ParquetFile(path: path, name: name)
                Issue.record("\(name) opened")
            } catch {
                #expect(error.description.hasPrefix("\(name): "))
                #expect(error.message.contains(expected), "\(error)")
            }
        }
    }
}
