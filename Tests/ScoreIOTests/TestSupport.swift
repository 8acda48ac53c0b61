import Foundation
import ScoreCore
import Testing
@testable import ScoreIO

/// Everything a reader yields, drained.
struct Drained {
    var schema: Schema
    var rows: [[String?]] = []
    var lines: [Int] = []
    var records: [String] = []
    var rejections: [Rejection] = []
    var batches = 0
    var rowsRead = 0
}

func drain(_ reader: CSVReader, maxRows: Int = 8192) throws -> Drained {
    var out = Drained(schema: reader.schema)
    while let result = try reader.next(maxRows: maxRows) {
        out.batches += 1
        out.rowsRead += result.rowsRead
        #expect(result.batch.rowCount <= maxRows)
        for r in 0 ..< result.batch.rowCount {
            out.rows.append(result.batch.columns.map { $0.text(at: r) })
            out.lines.append(result.batch.origins.lines[r])
            out.records.append(result.batch.origins.record(r))
        }
        out.rejections += result.rejections
    }
    return out
}

func allStrings(_ names: [String]) -> CSVReader.Options {
    CSVReader.Options(columns: names.map { ($0, ColumnType.string) })
}
