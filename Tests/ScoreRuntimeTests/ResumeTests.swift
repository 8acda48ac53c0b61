import Foundation
import Testing
@testable import ScoreRuntime
import BatchScoreTestKit

/// Kill a real `batchscore run` (SIGKILL at exact points, via `BATCHSCORE_FAULT`), resume it, and
/// compare the outputs byte for byte with an uninterrupted run; stop one with SIGTERM / SIGINT.
@Suite struct ResumeTests {
    struct Outcome {
        var status: Int32
        var killedBy: Int32?
        var stderr: String
    }

    let cli = CLITests()

    /// A dirty input: parse errors, out-of-range values, nulls the model rejects, and quoted
    /// fields holding commas and line breaks (so record boundaries and lines are not trivial).
    static func makeJob(_ dir: TempDir, rows: Int, batchRows: String = "500", workers: Int = 2,
                        checkpointSecs: String = "0") throws {
        var csv = "id,a,b,note\n"
        for i in 1 ... rows {
            let a = i % 97 == 0 ? "x" : "\(i % 17)"
            let b = i % 131 == 0 ? "" : "\(Double(i % 13) * 0.25)"
            let note = i % 50 == 0 ? "\"line one\nline two, \"\"quoted\"\"\"" : "n\(i)"
            csv += "\(i),\(a),\(b),\(note)\n"
        }
        try dir.write("data.csv", csv)
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            name: resumable
            reader: { type: csv, path: data.csv }
            validate:
              - { type: range, columns: { a: [0, 15] } }
            model: { path: model.json }
            writer: { type: csv, path: out/pred.csv }
            runtime: { batch_rows: \(batchRows), workers: \(workers), checkpoint_secs: \(checkpointSecs) }
            """)
    }

    func run(_ dir: TempDir, _ extra: [String] = [], fault: String? = nil) throws -> Outcome {
        let r = try EngineTests.cli(["run", dir.path + "/job.yaml", "--progress", "none"] + extra, fault: fault)
        return Outcome(status: r.status, killedBy: r.killedBy, stderr: r.stderr)
    }

    /// The outputs of an uninterrupted run of the same job.
    func reference(rows: Int, batchRows: String = "500", workers: Int = 2) throws -> (String, String) {
        let dir = try TempDir()
        try Self.makeJob(dir, rows: rows, batchRows: batchRows, workers: workers)
        let r = try run(dir)
        #expect(r.status == 0, "\(r.stderr)")
        return (try dir.read("out/pred.csv"), try dir.read("out/pred.rejected.csv"))
    }

    func expectNoLeftovers(_ dir: TempDir) {
        #expect(!dir.exists("out/.pred.csv.batchscore-tmp"))
        #expect(!dir.exists("out/.pred.rejected.csv.batchscore-tmp"))
        #expect(!dir.exists("out/.pred.csv.batchscore-checkpoint"))
    }

    @Test(arguments: ["read:9", "read:0", "mid-batch:7", "after-checkpoint:3", "mid-batch:0", "before-renames", "between-renames"])
    func killedRunResumesToTheSameBytes(fault: String) throws {
        let rows = 6000
        let (output, quarantine) = try reference(rows: rows)
        #expect(quarantine.split(separator: "\n").count > 100)

        let dir = try TempDir()
        try Self.makeJob(dir, rows: rows)
        let killed = try run(dir, fault: fault)
        #expect(killed.killedBy == SIGKILL, "\(fault): \(killed.status) \(killed.stderr)")
        #expect(!dir.exists("out/pred.csv"), "nothing is published before the renames")
        #expect(dir.exists("out/pred.rejected.csv") == (fault == "between-renames"))

        let resumed = try run(dir, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        if fault != "mid-batch:0" && fault != "read:0" {
            #expect(resumed.stderr.contains("resuming from the checkpoint"), "\(resumed.stderr)")
        }
        #expect(try dir.read("out/pred.csv") == output)
        #expect(try dir.read("out/pred.rejected.csv") == quarantine)
        expectNoLeftovers(dir)
    }

    @Test func resumingTwiceAfterTwoKillsStillGivesTheSameBytes() throws {
        let rows = 6000
        let (output, quarantine) = try reference(rows: rows)
        let dir = try TempDir()
        try Self.makeJob(dir, rows: rows)
        #expect(try run(dir, fault: "mid-batch:3").killedBy == SIGKILL)
        // The resumed run counts batches from 0 again: it is killed 2 batches after the resume point.
        #expect(try run(dir, ["--resume"], fault: "mid-batch:2").killedBy == SIGKILL)
        let last = try run(dir, ["--resume"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(try dir.read("out/pred.csv") == output)
        #expect(try dir.read("out/pred.rejected.csv") == quarantine)
        expectNoLeftovers(dir)
    }

    @Test func killAtARandomMomentResumesToTheSameBytes() throws {
        let rows = 40000
        let (output, quarantine) = try reference(rows: rows)
        let dir = try TempDir()
        try Self.makeJob(dir, rows: rows)
        for delay in [0.05, 0.2] {
            let p = Process()
            p.executableURL = CLITests.executable
            p.arguments = ["run", dir.path + "/job.yaml", "--progress", "none"] + (delay > 0.1 ? ["--resume"] : [])
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let resumed = try run(dir, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try dir.read("out/pred.csv") == output)
        #expect(try dir.read("out/pred.rejected.csv") == quarantine)
        expectNoLeftovers(dir)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func signalStopsGracefullyWithACheckpoint(signal: Int32) throws {
        let rows = 400_000
        let (output, quarantine) = try reference(rows: rows)
        let dir = try TempDir()
        try Self.makeJob(dir, rows: rows)
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = ["run", dir.path + "/job.yaml", "--progress", "none"]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        // Wait for the first checkpoint: the job is then streaming.
        let deadline = Date().addingTimeInterval(30)
        while !dir.exists("out/.pred.csv.batchscore-checkpoint") && p.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.002)
        }
        kill(p.processIdentifier, signal)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus == 0 {
            Issue.record("the job finished before the signal arrived; make the input larger")
            return
        }
        #expect(p.terminationReason == .exit, "a stop is an exit, not a death by signal")
        #expect(p.terminationStatus == 128 + signal, "\(stderr)")
        #expect(stderr.contains("--resume"), "\(stderr)")
        #expect(dir.exists("out/.pred.csv.batchscore-checkpoint"))
        #expect(!dir.exists("out/pred.csv"))

        let resumed = try run(dir, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try dir.read("out/pred.csv") == output)
        #expect(try dir.read("out/pred.rejected.csv") == quarantine)
        expectNoLeftovers(dir)
    }

    @Test func resumeRefusesAChangedInputModelOrSpec() throws {
        let dir = try TempDir()
        try Self.makeJob(dir, rows: 3000)
        #expect(try run(dir, fault: "mid-batch:2").killedBy == SIGKILL)

        let original = try dir.read("data.csv")
        try dir.write("data.csv", original + "3001,1,0.5,n\n")
        var r = try run(dir, ["--resume"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot resume: the input") && r.stderr.contains("changed size"), "\(r.stderr)")
        try dir.write("data.csv", original)

        let model = try dir.read("model.json")
        try dir.write("model.json", model.replacingOccurrences(of: "\"intercept\": [0]", with: "\"intercept\": [0.5]"))
        r = try run(dir, ["--resume"])
        #expect(r.stderr.contains("the model file changed"), "\(r.stderr)")
        try dir.write("model.json", model)

        r = try run(dir, ["--resume", "--set", "validate.0.columns.a=[0, 14]"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("the job spec changed"), "\(r.stderr)")
        // Nothing was touched by the refusals: the checkpoint still resumes.
        #expect(dir.exists("out/.pred.csv.batchscore-checkpoint"))
    }

    @Test func resumeWithoutACheckpointStartsOverAndSaysSo() throws {
        let (output, _) = try reference(rows: 1000)
        let dir = try TempDir()
        try Self.makeJob(dir, rows: 1000)
        let r = try run(dir, ["--resume"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("no checkpoint for this job; starting from the beginning"), "\(r.stderr)")
        #expect(try dir.read("out/pred.csv") == output)
    }

    @Test func aFreshRunDiscardsAStaleCheckpoint() throws {
        let (output, quarantine) = try reference(rows: 3000)
        let dir = try TempDir()
        try Self.makeJob(dir, rows: 3000)
        #expect(try run(dir, fault: "mid-batch:2").killedBy == SIGKILL)
        #expect(dir.exists("out/.pred.csv.batchscore-tmp"))
        let r = try run(dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("discarded the checkpoint"), "\(r.stderr)")
        #expect(try dir.read("out/pred.csv") == output)
        #expect(try dir.read("out/pred.rejected.csv") == quarantine)
        expectNoLeftovers(dir)
    }

    @Test func aSecondRunOnTheSameOutputsIsRefused() throws {
        let dir = try TempDir()
        try Self.makeJob(dir, rows: 100)
        var lock: OutputLock? = try OutputLock(output: dir.path + "/out/pred.csv")
        let r = try run(dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("another batchscore run is writing"), "\(r.stderr)")
        #expect(!dir.exists("out/pred.csv"))
        #expect(lock != nil)
        lock = nil  // released: the next run may write
        let again = try run(dir)
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// Output order is input order, and the bytes are the same, whatever the workers and batch size.
    @Test func outputBytesDoNotDependOnWorkersOrBatchSize() throws {
        let rows = 5000
        let (output, quarantine) = try reference(rows: rows, batchRows: "500", workers: 1)
        let ids = parseCSV(output).dropFirst().map { Int($0[0])! }
        #expect(ids == ids.sorted() && ids.count > 4000, "rows come out in input order")
        for (workers, batch) in [(2, "7"), (4, "100"), (3, "auto"), (8, "4096")] {
            let (o, q) = try reference(rows: rows, batchRows: batch, workers: workers)
            #expect(o == output, "workers \(workers), batch_rows \(batch)")
            #expect(q == quarantine, "workers \(workers), batch_rows \(batch)")
        }
    }
}
