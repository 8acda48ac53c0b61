import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

/// Resume with the jsonl writer; the parquet writer with several workers; Parquet input.
extension EngineTests {
    // MARK: - 4. Resume with the jsonl writer; the parquet writer with several workers

    static func outcomeOfUninterrupted(_ configure: (TempDir) throws -> Void, files: [String]) throws -> [Data] {
        let dir = try TempDir()
        try configure(dir)
        let r = try run(dir)
        #expect(r.status == 0, "\(r.stderr)")
        return try files.map { try Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + $0)) }
    }

    @Test(arguments: [(fault: "mid-batch:7", workers: 2), (fault: "mid-batch:0", workers: 3),
                      (fault: "after-checkpoint:4", workers: 4)])
    func jsonlOutputResumesToTheSameBytes(fault: String, workers: Int) throws {
        let configure: (TempDir) throws -> Void = { dir in
            try Self.job(dir, rows: 6000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                         writer: "{ type: jsonl, path: out/pred.jsonl }",
                         runtime: "{ workers: \(workers), batch_rows: 500, checkpoint_secs: 0 }")
        }
        let names = ["out/pred.jsonl", "out/pred.rejected.csv"]
        let reference = try Self.outcomeOfUninterrupted(configure, files: names)
        #expect(String(decoding: reference[0], as: UTF8.self).hasPrefix(#"{"id":"1","a":1,"b":0.25,"note":"n1","prediction":"#))

        let dir = try TempDir()
        try configure(dir)
        let killed = try Self.run(dir, fault: fault)
        #expect(killed.killedBy == SIGKILL, "\(killed.status) \(killed.stderr)")
        #expect(!dir.exists("out/pred.jsonl"))
        #expect(dir.exists("out/.pred.jsonl.batchscore-checkpoint") == (fault != "mid-batch:0"))
        let resumed = try Self.run(dir, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        if fault != "mid-batch:0" {
            #expect(resumed.stderr.contains("resuming from the checkpoint"), "\(resumed.stderr)")
        }
        for (name, expected) in zip(names, reference) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + name)) == expected, "\(name) differs")
        }
        #expect(Self.files(dir) == ["data.csv", "job.yaml", "model.json"] + names)
    }

    @Test func parquetOutputRunsWithTwoWorkersAndStartsOverOnResume() throws {
        let configure: (TempDir) throws -> Void = { dir in
            try Self.job(dir, rows: 6000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                         writer: "{ type: parquet, path: out/pred.parquet, row_group_rows: 1000 }",
                         runtime: "{ workers: 2, batch_rows: 300, checkpoint_secs: 0 }")
        }
        let names = ["out/pred.parquet", "out/pred.rejected.csv"]
        let reference = try Self.outcomeOfUninterrupted(configure, files: names)

        let dir = try TempDir()
        try configure(dir)
        let killed = try Self.run(dir, fault: "mid-batch:9")
        #expect(killed.killedBy == SIGKILL, "\(killed.status) \(killed.stderr)")
        #expect(!dir.exists("out/pred.parquet"))
        #expect(!dir.exists("out/.pred.parquet.batchscore-checkpoint"), "the parquet writer has no checkpoints")
        let resumed = try Self.run(dir, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("starting from the beginning"), "\(resumed.stderr)")
        #expect(!resumed.stderr.contains("resuming from the checkpoint"), "\(resumed.stderr)")
        for (name, expected) in zip(names, reference) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + name)) == expected, "\(name) differs")
        }
        #expect(Self.files(dir) == ["data.csv", "job.yaml", "model.json"] + names)

        // And the file holds the right rows: the same as a CSV output of the same job, in order.
        let csvDir = try TempDir()
        try Self.job(csvDir, rows: 6000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     runtime: "{ workers: 1, batch_rows: 1000 }")
        _ = try JobRunner(plan: try makePlan(csvDir), logger: quietLogger).run()
        let expected = parseCSV(try csvDir.read("out/pred.csv"))
        let reader = try ParquetReader(path: dir.path + "/out/pred.parquet")
        #expect(reader.schema.fields.map(\.name) == expected[0])
        var rows: [[String]] = []
        while let read = try reader.next(maxRows: 4096) {
            for r in 0 ..< read.batch.rowCount { rows.append(read.batch.columns.map { $0.text(at: r) ?? "" }) }
        }
        #expect(rows.count == expected.count - 1)
        #expect(rows.map { $0[0] } == expected.dropFirst().map { $0[0] }, "ids in input order")
        #expect(rows.map { $0[4] } == expected.dropFirst().map { $0[4] }, "predictions")
    }

    /// An input the reader cannot seek in (Parquet: a resume skips the checkpoint's records) with
    /// several workers: a killed run resumes to the same bytes.
    @Test
    func parquetInputResumesBySkippingRecords() throws {
        // The input: a Parquet file written by a job (id, a, b, note, prediction, confidence).
        let source = try TempDir()
        try Self.job(source, rows: 6000, writer: "{ type: parquet, path: data.parquet, row_group_rows: 700 }",
                     runtime: "{ workers: 2, batch_rows: 1000 }")
        _ = try JobRunner(plan: try makePlan(source), logger: quietLogger).run()
        let parquet = try Data(contentsOf: URL(fileURLWithPath: source.path + "/data.parquet"))

        let configure: (TempDir) throws -> Void = { dir in
            try parquet.write(to: URL(fileURLWithPath: dir.path + "/data.parquet"))
            try dir.write("model.json", smallModel)
            try dir.write("job.yaml", """
                version: 1
                reader: { type: parquet, path: data.parquet, select: [id, a, b] }
                validate: [{ type: range, columns: { a: [0, 5] } }]
                model: { path: model.json }
                writer: { type: csv, path: out/pred.csv }
                runtime: { workers: 3, batch_rows: 256, checkpoint_secs: 0 }
                """)
        }
        let names = ["out/pred.csv", "out/pred.rejected.csv"]
        let reference = try Self.outcomeOfUninterrupted(configure, files: names)
        #expect(parseCSV(String(decoding: reference[0], as: UTF8.self)).count > 2000)

        let dir = try TempDir()
        try configure(dir)
        let killed = try Self.run(dir, fault: "mid-batch:11")
        #expect(killed.killedBy == SIGKILL, "\(killed.status) \(killed.stderr)")
        #expect(dir.exists("out/.pred.csv.batchscore-checkpoint"), "11 batches done with checkpoint_secs 0, yet no checkpoint")
        let resumed = try Self.run(dir, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming from the checkpoint"), "\(resumed.stderr)")
        #expect(!resumed.stderr.contains("stdin"), "\(resumed.stderr)")
        for (name, expected) in zip(names, reference) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + name)) == expected, "\(name) differs")
        }
        #expect(Self.files(dir) == ["data.parquet", "job.yaml", "model.json"] + names)
    }
}
