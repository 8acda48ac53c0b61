import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

/// Helpers shared by the Parquet writer tests: write batches, read them back with our reader.
enum ParquetRoundTrip {
    static let schema = Schema([.init(name: "id", type: .int64), .init(name: "score", type: .float64),
                                .init(name: "flag", type: .bool), .init(name: "name", type: .string)])

    /// `rows` rows of every type; row `i` has nulls in a pattern per column.
    static func batch(rows: Range<Int>, names: (Int) -> String = { ["a", "", "b", "héllo", "a"][$0 % 5] }) -> Batch {
        var ids: [Int64] = [], scores: [Double] = [], flags: [Bool] = []
        var strings = StringColumn()
        var idNulls = NullBitmap(), scoreNulls = NullBitmap(), flagNulls = NullBitmap(), nameNulls = NullBitmap()
        for i in rows {
            ids.append(Int64(i) * (i % 2 == 0 ? 1 : -1_000_000_007)); idNulls.append(isNull: i % 7 == 3)
            scores.append(Double(i) / 3); scoreNulls.append(isNull: i % 5 == 1)
            flags.append(i % 3 == 0); flagNulls.append(isNull: i % 4 == 2)
            strings.append(names(i)); nameNulls.append(isNull: i % 6 == 5)
        }
        return Batch(columns: [Column(name: "id", data: .int64(ids), nulls: idNulls),
                               Column(name: "score", data: .float64(scores), nulls: scoreNulls),
                               Column(name: "flag", data: .bool(flags), nulls: flagNulls),
                               Column(name: "name", data: .string(strings), nulls: nameNulls)],
                     origins: RowOrigins(lines: Array(rows)))
    }

    static func write(_ batches: [Batch], to path: String, schema: Schema = schema,
                      options: ParquetWriter.Options = .init()) throws {
        let writer = try ParquetWriter(path: path, schema: schema, options: options)
        for b in batches { try writer.write(b) }
        try writer.commit()
    }

    /// Every row of the file as text cells (nil for null), in schema order.
    static func readAll(_ path: String) throws -> (schema: Schema, rows: [[String?]]) {
        let reader = try ParquetReader(path: path)
        var rows: [[String?]] = []
        while let r = try reader.next(maxRows: 1000) {
            for i in 0 ..< r.batch.rowCount { rows.append(r.batch.columns.map { $0.isNull(i) ? nil : $0.text(at: i) }) }
        }
        return (reader.schema, rows)
    }

    static func expected(_ batches: [Batch]) -> [[String?]] {
        batches.flatMap { b in (0 ..< b.rowCount).map { i in b.columns.map { $0.isNull(i) ? nil : $0.text(at: i) } } }
    }
}

extension RowOrigins {
    init(lines: [Int]) {
        self.init()
        for l in lines { append(line: l + 1, record: "") }
    }
}

struct ParquetWriterTests {
    @Test(arguments: [ParquetCodec.snappy, .zstd, .gzip, .uncompressed])
    func everyCodecRoundTripsAllTypesAndNulls(codec: ParquetCodec) throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let batches = [ParquetRoundTrip.batch(rows: 0 ..< 1000), ParquetRoundTrip.batch(rows: 1000 ..< 1500)]
        try ParquetRoundTrip.write(batches, to: folder.file("out.parquet"), options: .init(codec: codec, rowGroupRows: 600, pageRows: 100))
        let file = try ParquetFile(path: folder.file("out.parquet"))
        #expect(file.metadata.rowGroups.map(\.numRows) == [600, 600, 300])
        #expect(file.metadata.numRows == 1500)
        #expect(file.metadata.createdBy == "batchscore")
        #expect(file.metadata.rowGroups[0].columns.allSatisfy { $0.metaData?.codec == codec })
        let (schema, rows) = try ParquetRoundTrip.readAll(folder.file("out.parquet"))
        #expect(schema == ParquetRoundTrip.schema)
        #expect(rows == ParquetRoundTrip.expected(batches))
        #expect(try folder.entries() == ["out.parquet"])
    }

    @Test func stringsAreDictionaryEncodedWithLogicalTypeString() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        try ParquetRoundTrip.write([ParquetRoundTrip.batch(rows: 0 ..< 200)], to: folder.file("d.parquet"))
        let file = try ParquetFile(path: folder.file("d.parquet"))
        let name = try #require(file.metadata.schema.last)
        #expect(name.logicalType == .string && name.convertedType == 0 && name.repetition == .optional)
        let meta = try #require(file.metadata.rowGroups[0].columns[3].metaData)
        #expect(meta.encodings.contains(.rleDictionary))
        #expect(meta.dictionaryPageOffset != nil && meta.dictionaryPageOffset! < meta.dataPageOffset)
        #expect(file.metadata.schema[0].numChildren == 4)
    }

    @Test func dictionaryFallsBackToPlainWhenItOutgrowsItsLimit() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let batches = [ParquetRoundTrip.batch(rows: 0 ..< 3000, names: { i in i < 1500 ? "k\(i % 10)" : "unique-\(i)" })]
        try ParquetRoundTrip.write(batches, to: folder.file("f.parquet"),
                                   options: .init(rowGroupRows: 1500, pageRows: 400, maxDictionaryEntries: 100))
        let file = try ParquetFile(path: folder.file("f.parquet"))
        let first = try #require(file.metadata.rowGroups[0].columns[3].metaData)
        let second = try #require(file.metadata.rowGroups[1].columns[3].metaData)
        #expect(first.encodings.contains(.rleDictionary) && first.dictionaryPageOffset != nil)
        #expect(!second.encodings.contains(.rleDictionary) && second.dictionaryPageOffset == nil)
        #expect(try ParquetRoundTrip.readAll(folder.file("f.parquet")).rows == ParquetRoundTrip.expected(batches))
    }

    @Test func allNullColumnsEmptyStringsAndExtremes() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        var allNull = NullBitmap()
        for _ in 0 ..< 20 { allNull.append(isNull: true) }
        let batch = Batch(columns: [
            Column(name: "i", data: .int64((0 ..< 20).map { $0 % 2 == 0 ? Int64.min : Int64.max })),
            Column(name: "d", data: .float64((0 ..< 20).map { [-0.0, .infinity, -.infinity, 1e-300][$0 % 4] })),
            Column(name: "s", data: .string(StringColumn((0 ..< 20).map { _ in "" }))),
            Column(name: "n", data: .string(StringColumn((0 ..< 20).map { _ in "x" })), nulls: allNull),
        ], origins: RowOrigins(lines: Array(0 ..< 20)))
        try ParquetRoundTrip.write([batch], to: folder.file("e.parquet"), schema: batch.schema)
        #expect(try ParquetRoundTrip.readAll(folder.file("e.parquet")).rows == ParquetRoundTrip.expected([batch]))
    }

    @Test func noRowsGivesAValidEmptyFile() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        try ParquetRoundTrip.write([], to: folder.file("empty.parquet"))
        let file = try ParquetFile(path: folder.file("empty.parquet"))
        #expect(file.metadata.numRows == 0 && file.metadata.rowGroups.isEmpty)
        #expect(try ParquetRoundTrip.readAll(folder.file("empty.parquet")).rows.isEmpty)
    }

    @Test func abortLeavesNothingAndTheTargetUntouched() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        try folder.write("keep.parquet", "old")
        let writer = try ParquetWriter(path: folder.file("keep.parquet"), schema: ParquetRoundTrip.schema)
        try writer.write(ParquetRoundTrip.batch(rows: 0 ..< 10))
        writer.abort()
        #expect(try folder.entries() == ["keep.parquet"])
        #expect(try folder.read("keep.parquet") == "old")
    }

    @Test func aMissingOrMistypedColumnIsAnOutputError() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let writer = try ParquetWriter(path: folder.file("x.parquet"),
                                       schema: Schema([.init(name: "id", type: .string)]))
        defer { writer.abort() }
        #expect(throws: OutputError.self) { try writer.write(ParquetRoundTrip.batch(rows: 0 ..< 3)) }
        let other = try ParquetWriter(path: folder.file("y.parquet"), schema: Schema([.init(name: "zz", type: .int64)]))
        defer { other.abort() }
        #expect(throws: OutputError.self) { try other.write(ParquetRoundTrip.batch(rows: 0 ..< 3)) }
    }
}
