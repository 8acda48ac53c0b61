import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

/// The writer's column statistics, read straight from the footer (our reader does not decode them).
struct ParquetWriterStatisticsTests {
    struct Stats: Equatable {
        var nullCount: Int64?
        var min: [UInt8]?
        var max: [UInt8]?
    }

    /// Each column chunk's statistics, row group by row group.
    static func statistics(_ path: String) throws -> [[Stats]] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let length = Int(UInt32(bytes[bytes.count - 8]) | UInt32(bytes[bytes.count - 7]) << 8
            | UInt32(bytes[bytes.count - 6]) << 16 | UInt32(bytes[bytes.count - 5]) << 24)
        var r = ThriftCompactReader(bytes, range: bytes.count - 8 - length ..< bytes.count - 8)
        var groups: [[Stats]] = []
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            guard id == 4 else { return try r.skip(type) }
            groups = try r.readList(of: .structure) { (r) throws(ThriftDecodingError) in
                var chunks: [Stats] = []
                try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
                    guard id == 1 else { return try r.skip(type) }
                    chunks = try r.readList(of: .structure) { (r) throws(ThriftDecodingError) in
                        var stats = Stats()
                        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
                            guard id == 3 else { return try r.skip(type) }
                            try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
                                guard id == 12 else { return try r.skip(type) }
                                try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
                                    switch id {
                                    case 3: stats.nullCount = try r.readI64()
                                    case 5: stats.max = try r.readBinary()
                                    case 6: stats.min = try r.readBinary()
                                    default: try r.skip(type)
                                    }
                                }
                            }
                        }
                        return stats
                    }
                }
                return chunks
            }
        }
        return groups
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    @Test func minMaxAndNullCountPerChunk() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        var nulls = NullBitmap()
        for i in 0 ..< 6 { nulls.append(isNull: i == 2) }
        let batch = Batch(columns: [
            Column(name: "i", data: .int64([5, -3, 99, 7, 0, 2]), nulls: nulls),
            Column(name: "d", data: .float64([0.5, .nan, -2.5, 0, 3, 1])),
            Column(name: "b", data: .bool([true, true, true, true, true, true])),
            Column(name: "s", data: .string(StringColumn(["pear", "apple", "zoo", "Zed", "", "é"]))),
        ], origins: RowOrigins(lines: Array(0 ..< 6)))
        try ParquetRoundTrip.write([batch], to: folder.file("s.parquet"), schema: batch.schema)
        let stats = try Self.statistics(folder.file("s.parquet"))
        #expect(stats.count == 1)
        #expect(stats[0][0] == Stats(nullCount: 1, min: Self.le(Int64(-3)), max: Self.le(Int64(7))))
        #expect(stats[0][1] == Stats(nullCount: 0, min: Self.le((-2.5).bitPattern), max: Self.le((3.0).bitPattern)))
        #expect(stats[0][2] == Stats(nullCount: 0, min: [1], max: [1]))
        #expect(stats[0][3] == Stats(nullCount: 0, min: [], max: Array("é".utf8)))
    }

    @Test func anAllNullChunkHasANullCountOnly() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        var nulls = NullBitmap()
        for _ in 0 ..< 3 { nulls.append(isNull: true) }
        let batch = Batch(columns: [Column(name: "i", data: .int64([1, 2, 3]), nulls: nulls)],
                          origins: RowOrigins(lines: [0, 1, 2]))
        try ParquetRoundTrip.write([batch], to: folder.file("n.parquet"), schema: batch.schema)
        #expect(try Self.statistics(folder.file("n.parquet")) == [[Stats(nullCount: 3, min: nil, max: nil)]])
    }
}
