import Foundation
import ScoreCore
import Testing
@testable import ScoreIO

/// A fresh temporary folder for one test; the test removes it with `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/scoreio-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    func contents(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: file(name))), as: UTF8.self)
    }

    func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

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
