import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

/// The reader takes a batch's rows page by page: batches that start and end inside pages, across
/// page and row-group boundaries, with nulls and dictionary strings, read what one big batch reads.
@Suite struct ParquetPageCursorTests {
    @Test func batchesAcrossPagesReadLikeOneBatch() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let rows = 2500
        var nulls = NullBitmap(count: 0)
        for r in 0 ..< rows { nulls.append(isNull: r % 7 == 3) }
        var origins = RowOrigins()
        for r in 0 ..< rows { origins.append(line: r + 1, record: "") }
        let batch = Batch(columns: [
            Column(name: "id", data: .int64((0 ..< rows).map { Int64($0) })),
            Column(name: "x", data: .float64((0 ..< rows).map { Double($0) / 3 }), nulls: nulls),
            Column(name: "s", data: .string(StringColumn((0 ..< rows).map { ["a", "bb", "ccc"][$0 % 3] })), nulls: nulls),
            Column(name: "b", data: .bool((0 ..< rows).map { $0 % 2 == 0 })),
        ], origins: origins)
        let path = folder.file("p.parquet")
        // Pages of 97 rows in row groups of 1000: no batch size below lines up with them.
        let writer = try ParquetWriter(path: path, schema: batch.schema,
                                       options: .init(rowGroupRows: 1000, pageRows: 97))
        try writer.write(batch)
        try writer.commit()

        func read(_ maxRows: Int) throws -> [[String?]] {
            let reader = try ParquetReader(path: path)
            var out: [[String?]] = []
            while let r = try reader.next(maxRows: maxRows) {
                #expect(r.batch.rowCount <= maxRows)
                for i in 0 ..< r.batch.rowCount { out.append(r.batch.columns.map { $0.text(at: i) }) }
            }
            return out
        }
        let whole = try read(1 << 20)
        #expect(whole.count == rows)
        #expect(whole[3] == ["3", nil, nil, "false"])
        #expect(whole[2499] == ["2499", "833.0", "a", "false"])
        for maxRows in [1, 13, 96, 97, 98, 333, 1001] {
            #expect(try read(maxRows) == whole, "maxRows \(maxRows)")
        }
    }
}
