import Foundation
import ScoreCore
import ScoreJobSpec
import Testing
@testable import ScoreRuntime
import BatchScoreTestKit

/// JSON Lines jobs end to end, and `path: "-"` / `batchscore pipe` with real pipes.
@Suite struct PipeTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with stdin read from `stdinFile` (a real file descriptor, not a string).
    func run(_ arguments: [String], stdinFile: String?, in directory: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = try stdinFile.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
        try p.run()
        // Drain stderr concurrently so a chatty child cannot block on a full pipe.
        let errData = ErrBox()
        let reader = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errData.done { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }

    final class ErrBox: @unchecked Sendable {  // written by one thread, read after `done` by another
        private let lock = NSLock()
        private var value = Data()
        private var finished = false
        var data: Data {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue; finished = true } }
        }
        var done: Bool { lock.withLock { finished } }
    }

    @Test func jsonlToJSONLJob() throws {
        let dir = try TempDir()
        try dir.write("model.json", smallModel)
        try dir.write("data.jsonl", """
            {"id": 1, "a": 1, "b": 0.5, "tag": "x\\ty"}
            {"id": 2, "a": "x", "b": 1}

            {"id": 3, "a": 3, "b": {"nested": 1}}
            not json
            {"id": 5, "a": 3, "b": 1, "ignored": [1, 2]}
            """)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: jsonl, path: data.jsonl, infer_rows: 1, columns: { id: int64 } }
            model: { path: model.json }
            writer: { type: jsonl, path: out/pred.jsonl }
            """)
        let plan = try makePlan(dir)
        let summary = try JobRunner(plan: plan, logger: quietLogger).run()
        #expect(summary.rowsRead == 5 && summary.rowsWritten == 2 && summary.rowsQuarantined == 3)
        let lines = try dir.read("out/pred.jsonl").split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix(#"{"id":1,"a":1,"b":0.5,"tag":"x\ty","prediction":1,"confidence":0."#))
        #expect(lines[1].hasPrefix(#"{"id":5,"a":3,"b":1,"tag":null,"prediction":1,"#))
        for line in lines { _ = try JSONParser.parse(String(line)) }
        let rejected = parseCSV(try dir.read("out/pred.rejected.csv"))
        #expect(rejected.dropFirst().map { "\($0[1]) \($0[2])/\($0[3])" } == ["2 parse/type", "4 parse/nested", "5 parse/json"])
        #expect(rejected[3][5] == "not json")
    }

    @Test func csvThroughARealPipe() throws {
        let dir = try TempDir()
        try dir.write("model.json", smallModel)
        var input = "id,a,b\n"
        for i in 0 ..< 20_000 { input += i == 7 ? "\(i),oops,1\n" : "\(i),\(i % 5),\(Double(i % 3) / 2)\n" }
        try dir.write("in.csv", input)
        try dir.write("job.yaml", """
            version: 1
            name: piped
            reader: { type: csv, path: not-read.csv }
            model: { path: model.json }
            writer: { type: csv, path: out/pred.csv }
            runtime: { batch_rows: 1000 }
            """)
        let r = try run(["pipe", "--job", dir.path + "/job.yaml", "--progress", "none"], stdinFile: dir.path + "/in.csv")
        #expect(r.status == 0, "\(r.stderr)")
        let rows = parseCSV(r.stdout)
        #expect(rows.first == ["id", "a", "b", "prediction", "confidence"])
        #expect(rows.count == 1 + 19_999)
        #expect(rows[1][0] == "0" && rows.last?[0] == "19999")
        // Only predictions on stdout; the summary and logs on stderr.
        #expect(!r.stdout.contains("job piped"))
        #expect(r.stderr.contains("job piped: succeeded"), "\(r.stderr)")
        #expect(r.stderr.contains("input=<stdin>"))
        #expect(r.stderr.contains("→ <stdout>"))
        // The quarantine lands where the job's own writer.path puts it, and names stdin.
        #expect(!dir.exists("out/pred.csv"))
        #expect(try dir.read("out/pred.rejected.csv").contains("<stdin>,9,parse,type,"))
    }

    @Test func pipeExitCodesAreRunsOnes() throws {
        let dir = try TempDir()
        try dir.write("model.json", smallModel)
        try dir.write("in.jsonl", "{\"a\": 1, \"b\": 1}\n{\"a\": \"x\", \"b\": 1}\n")
        try dir.write("job.yaml", """
            version: 1
            reader: { type: jsonl, path: in.jsonl }
            model: { path: model.json }
            writer: { type: jsonl, path: out/p.jsonl }
            runtime: { max_rejected: 0 }
            """)
        let r = try run(["pipe", "--job", dir.path + "/job.yaml", "--progress", "none"], stdinFile: dir.path + "/in.jsonl")
        #expect(r.status == 3, "\(r.stderr)")
        let bad = try run(["pipe", "--job", dir.path + "/job.yaml", "--set", "runtime.bogus=1"], stdinFile: nil)
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty)
    }

    @Test func quarantineOnStdoutIsASpecError() throws {
        let dir = try TempDir()
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: "-" }
            model: { path: model.json }
            writer: { type: csv, path: "-" }
            quarantine: { path: "-" }
            """)
        #expect(throws: JobSpecError.self) { _ = try makePlan(dir) }
        let r = try run(["validate", dir.path + "/job.yaml"], stdinFile: nil)
        #expect(r.status == 2)
        #expect(r.stderr.contains("job.yaml:5:21: quarantine.path: the quarantine cannot be stdout ('-')"), "\(r.stderr)")
    }

    @Test func runWithStdoutWriterKeepsTheSummaryOffStdout() throws {
        let dir = try TempDir()
        try dir.write("model.json", smallModel)
        try dir.write("in.csv", "a,b\n1,1\n")
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: "-" }
            model: { path: model.json }
            writer: { type: jsonl, path: "-" }
            """)
        let r = try run(["run", dir.path + "/job.yaml", "--progress", "none"], stdinFile: dir.path + "/in.csv")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix(#"{"a":1,"b":1,"prediction":1,"#), "\(r.stdout)")
        #expect(r.stdout.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("rows written     1"))
        #expect(dir.exists("rejected.csv"))
    }
}
