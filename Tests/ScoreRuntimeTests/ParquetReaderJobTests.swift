import Foundation
import ScoreCore
import Testing
@testable import ScoreRuntime
import BatchScoreTestKit

/// A job reading a Parquet file of parquet-testing (in place) end to end.
enum ParquetJobCorpus {
    /// alltypes_plain.parquet (UNCOMPRESSED, 8 rows) of ../shared/conformance/parquet-testing.
    static let plain: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("shared/conformance/parquet-testing/data/alltypes_plain.parquet").path
    }()

    static var isPresent: Bool { FileManager.default.fileExists(atPath: plain) }
}

@Suite(.enabled(if: ParquetJobCorpus.isPresent, "parquet-testing not found at ../shared/conformance/parquet-testing"))
struct ParquetReaderJobTests {
    static let plain = ParquetJobCorpus.plain

    /// A logistic model on two of alltypes_plain's columns.
    static let model = """
        {"format": "batchscore-model", "format_version": 1, "kind": "logistic_regression", "features": ["int_col", "double_col"],
         "preprocessing": [{"type": "standardize", "mean": [0, 0], "scale": [1, 10]}],
         "classes": [0, 1], "coefficients": [[1, -1]], "intercept": [0]}
        """

    func job(_ dir: TempDir, reader: String) throws {
        try dir.write("model.json", Self.model)
        try dir.write("job.yaml", """
            version: 1
            name: parquet
            reader: \(reader)
            model: { path: model.json }
            writer: { type: csv, path: out/pred.csv }
            """)
    }

    @Test func aParquetFileIsScoredToCSV() throws {
        let dir = try TempDir()
        try job(dir, reader: "{ type: parquet, path: '\(Self.plain)', select: [id, int_col, double_col] }")
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        let rows = parseCSV(try dir.read("out/pred.csv"))
        #expect(rows.count == 9, "\(rows)")
        #expect(rows.first?.starts(with: ["id", "int_col", "double_col"]) == true, "\(rows.first ?? [])")
        #expect(rows.dropFirst().map { $0[0] } == ["4", "5", "6", "7", "2", "3", "0", "1"])
        _ = summary
    }

    @Test func specProblemsPointAtTheReader() throws {
        let dir = try TempDir()
        try job(dir, reader: "{ type: parquet, path: nope.parquet }")
        #expect { _ = try makePlan(dir) } throws: { error in
            guard let e = error as? JobSpecError else { return false }
            return e.keyPath == "reader.path" && e.location?.line == 3
        }
        try job(dir, reader: "{ type: parquet, path: '\(Self.plain)', select: [id, string_col, double_col], columns: { } }")
        try dir.write("model.json", Self.model.replacingOccurrences(of: "\"int_col\"", with: "\"string_col\""))
        #expect { _ = try makePlan(dir) } throws: { error in
            guard let e = error as? JobSpecError else { return false }
            return e.keyPath == "reader" && e.message.contains("'string_col' as a number, but it is BYTE_ARRAY")
        }
        try job(dir, reader: "{ type: parquet, path: '\(Self.plain)' }")
        try dir.write("model.json", Self.model)
        #expect { _ = try makePlan(dir) } throws: { error in
            guard let e = error as? JobSpecError else { return false }
            return e.keyPath == "reader" && e.description.contains("INT96") && e.hint?.contains("select") == true
        }
    }
}
