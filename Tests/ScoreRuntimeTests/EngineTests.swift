import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime

/// The parallel engine: results that must not depend on the worker count or the batch size
/// (Lua hooks included), failures inside a worker, the error budget with several workers, resume
/// with other writers and with streams, and the engine's parts (`Pipeline`, `BatchSizer`) alone.
@Suite struct EngineTests {
    // MARK: - Fixtures

    /// `id,a,b,note` rows: `a` is not a number every 97th row (a parse rejection), `b` is null every
    /// 131st (the model rejects it), and every 50th note is quoted with a line break inside, so
    /// input lines are not row numbers. Returns the CSV and each id's input line (`lines[id]`).
    static func data(rows: Int) -> (csv: String, lines: [Int]) {
        var csv = "id,a,b,note\n"
        var lines = [0]
        var line = 2
        for i in 1 ... rows {
            let a = i % 97 == 0 ? "x" : "\(i % 17)"
            let b = i % 131 == 0 ? "" : "\(Double(i % 13) * 0.25)"
            let multiline = i % 50 == 0
            let note = multiline ? "\"line one\nline two, \"\"quoted\"\"\"" : "n\(i)"
            csv += "\(i),\(a),\(b),\(note)\n"
            lines.append(line)
            line += multiline ? 2 : 1
        }
        return (csv, lines)
    }

    /// Writes `data.csv`, `model.json` and a `job.yaml` with `body` between the reader and the writer.
    static func job(_ dir: TempDir, rows: Int = 2000, csv: String? = nil, body: String = "",
                    writer: String = "{ type: csv, path: out/pred.csv }", runtime: String) throws {
        try dir.write("data.csv", csv ?? data(rows: rows).csv)
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            name: engine
            reader: { type: csv, path: data.csv }
            \(body)
            model: { path: model.json }
            writer: \(writer)
            runtime: \(runtime)
            """)
    }

    /// Runs `body` on a thread of its own and waits at most `seconds` for it: a hang becomes a
    /// failed expectation instead of a test run that never ends.
    static func finishes(within seconds: Double, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        return done.wait(timeout: .now() + seconds) == .success
    }

    /// Every file under `dir` (relative paths, hidden ones included), sorted.
    static func files(_ dir: TempDir) -> [String] {
        let e = FileManager.default.enumerator(atPath: dir.path)
        var out: [String] = []
        while let f = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.path + "/" + f, isDirectory: &isDir), !isDir.boolValue { out.append(f) }
        }
        return out.sorted()
    }

    /// A value one thread sets and another reads.
    final class Box<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: T?
        var value: T? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    // MARK: - CLI

    struct Outcome {
        var status: Int32
        var killedBy: Int32?
        var stdout: String
        var stderr: String
    }

    /// Runs `batchscore ARGS` with stdin from `stdinFile` (or nothing), draining stdout and stderr
    /// concurrently, with `BATCHSCORE_FAULT` set to `fault`.
    static func cli(_ arguments: [String], stdinFile: String? = nil, fault: String? = nil) throws -> Outcome {
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BATCHSCORE_FAULT"] = fault
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = try stdinFile.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
        try p.run()
        let errBox = Box<Data>()
        let errDone = DispatchSemaphore(value: 0)
        let drain = Thread {
            errBox.value = err.fileHandleForReading.readDataToEndOfFile()
            errDone.signal()
        }
        drain.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        errDone.wait()
        let killed = p.terminationReason == .uncaughtSignal ? p.terminationStatus : nil
        return Outcome(status: p.terminationStatus, killedBy: killed, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: errBox.value ?? Data(), as: UTF8.self))
    }

    static func run(_ dir: TempDir, _ extra: [String] = [], fault: String? = nil) throws -> Outcome {
        try cli(["run", dir.path + "/job.yaml", "--progress", "none"] + extra, fault: fault)
    }

    // MARK: - 1. Lua hooks give the same rows whatever the workers and batch size

    /// (workers, batch_rows) pairs every determinism test runs; the first is the reference.
    static let splits: [(workers: Int, batch: Int)] = [(1, 1000), (1, 7), (4, 7), (4, 1000)]

    /// Runs the job in `dir` in-process with `workers` and `batch_rows` overridden; returns the summary.
    static func runJob(_ dir: TempDir, workers: Int, batch: Int, extra: [String] = []) throws -> JobSummary {
        let plan = try makePlan(dir, overrides: ["runtime.workers=\(workers)", "runtime.batch_rows=\(batch)"] + extra)
        #expect(plan.workers == workers)
        return try JobRunner(plan: plan, logger: quietLogger).run()
    }

    static let randomHook = """
        -- Three draws per row, of both kinds, from the row-seeded generator.
        function features(row, params)
          local u = math.random()
          local k = math.random(1, 1000000)
          local j = math.random(1000)
          return { u = u, k = k, j = j }
        end
        """

    @Test func perRowMathRandomIsTheSameWhateverTheWorkersAndBatchSize() throws {
        var reference: (out: String, rejected: String)?
        for (workers, batch) in Self.splits {
            let dir = try TempDir()
            try dir.write("fe.lua", Self.randomHook)
            try Self.job(dir, body: "features: [{ type: lua, script: fe.lua, outputs: { u: float64, k: int64, j: int64 } }]",
                         runtime: "{ workers: 1 }")
            let summary = try Self.runJob(dir, workers: workers, batch: batch)
            #expect(summary.rowsRead == 2000)
            let out = try dir.read("out/pred.csv"), rejected = try dir.read("out/pred.rejected.csv")
            if let reference {
                #expect(out == reference.out, "workers \(workers), batch_rows \(batch): hook output differs")
                #expect(rejected == reference.rejected, "workers \(workers), batch_rows \(batch)")
            } else {
                reference = (out, rejected)
                // The draws are real: the columns exist, vary from row to row, and stay in range.
                let table = parseCSV(out)
                #expect(table[0] == ["id", "a", "b", "note", "u", "k", "j", "prediction", "confidence"])
                let u = table.dropFirst().map { Double($0[4])! }, k = table.dropFirst().map { Int($0[5])! }
                #expect(u.allSatisfy { $0 >= 0 && $0 < 1 } && k.allSatisfy { (1 ... 1_000_000).contains($0) })
                #expect(Set(u).count > u.count * 99 / 100 && Set(k).count > k.count * 95 / 100)
            }
        }
        // And they come from runtime.seed: another seed, other numbers (same rows).
        let dir = try TempDir()
        try dir.write("fe.lua", Self.randomHook)
        try Self.job(dir, body: "features: [{ type: lua, script: fe.lua, outputs: { u: float64, k: int64, j: int64 } }]",
                     runtime: "{ workers: 1 }")
        _ = try Self.runJob(dir, workers: 4, batch: 7, extra: ["runtime.seed=12345"])
        let reseeded = parseCSV(try dir.read("out/pred.csv")), original = parseCSV(reference?.out ?? "")
        #expect(reseeded.map { $0[0] } == original.map { $0[0] })
        #expect(zip(reseeded.dropFirst(), original.dropFirst()).filter { $0.0[4] == $0.1[4] }.count < 10,
                "runtime.seed does not reach math.random")
    }

    /// A hook that keeps a count in a global *variable* is refused by the frozen globals on the rows
    /// where it assigns it; which rows those are depends only on the rows, so the outputs are the
    /// same bytes whatever the split.
    @Test func aHookAssigningAGlobalCounterIsRefusedTheSameWayWhateverTheSplit() throws {
        let hook = """
            calls = 0
            function features(row, params)
              if row.id % 3 == 0 then calls = calls + 1 end
              return { twice = row.id * 2 }
            end
            """
        var reference: (out: String, rejected: String)?
        for (workers, batch) in Self.splits {
            let dir = try TempDir()
            try dir.write("fe.lua", hook)
            try Self.job(dir, body: "features: [{ type: lua, script: fe.lua, inputs: { id: int64 }, outputs: { twice: int64 } }]",
                         runtime: "{ workers: 1 }")
            let summary = try Self.runJob(dir, workers: workers, batch: batch)
            let out = try dir.read("out/pred.csv"), rejected = try dir.read("out/pred.rejected.csv")
            if let reference {
                #expect(out == reference.out, "workers \(workers), batch_rows \(batch)")
                #expect(rejected == reference.rejected, "workers \(workers), batch_rows \(batch)")
                continue
            }
            reference = (out, rejected)
            let hookErrors = parseCSV(rejected).dropFirst().filter { $0[3] == "hook_error" }
            #expect(summary.quarantinedByRule["features/hook_error"] == hookErrors.count)
            #expect(hookErrors.count > 600)
            for row in hookErrors {
                #expect(Int(row[5].prefix { $0 != "," })! % 3 == 0)
                #expect(row[4].contains("assignment to global 'calls'"), "\(row[4])")
            }
            let written = parseCSV(out).dropFirst()
            #expect(written.allSatisfy { Int($0[0])! % 3 != 0 && Int($0[4]) == 2 * Int($0[0])! })
        }
    }

    /// A counter kept in a *table* made before the freeze escapes it (the README asks hooks to treat
    /// such tables as read-only, it does not enforce it). What the engine does guarantee: one Lua
    /// state per worker, never shared, each fed its units in input order. So with one worker the
    /// count runs 1...n whatever the batch size, and with four each state counts its own rows 1...k.
    @Test func aCounterInAGlobalTableIsPerWorkerState() throws {
        let hook = """
            state = { n = 0 }
            function features(row, params)
              state.n = state.n + 1
              return { seen = state.n }
            end
            """
        // No null b here: every row that reaches the hook is written, so every count is visible.
        var csv = "id,a,b\n"
        for i in 1 ... 2000 { csv += "\(i),\(i % 97 == 0 ? "x" : "\(i % 17)"),\(Double(i % 13) * 0.25)\n" }
        func seen(workers: Int, batch: Int) throws -> (ids: [Int], seen: [Int]) {
            let dir = try TempDir()
            try dir.write("fe.lua", hook)
            try Self.job(dir, csv: csv, body: "features: [{ type: lua, script: fe.lua, outputs: { seen: int64 } }]",
                         runtime: "{ workers: 1 }")
            let summary = try Self.runJob(dir, workers: workers, batch: batch)
            #expect(summary.quarantinedByRule == ["parse/type": 20])
            let table = parseCSV(try dir.read("out/pred.csv"))
            #expect(table[0][3] == "seen")
            return (table.dropFirst().map { Int($0[0])! }, table.dropFirst().map { Int($0[3])! })
        }
        // Rows reaching the hook: all but the parse rejections (a = "x" every 97th id).
        let hooked = 2000 - 20
        let one = try seen(workers: 1, batch: 7)
        let oneBig = try seen(workers: 1, batch: 1000)
        #expect(one.seen == Array(1 ... hooked))
        #expect(oneBig.seen == one.seen)

        let four = try seen(workers: 4, batch: 7)
        #expect(four.ids == one.ids, "rows are written in input order")
        // Each state's counts are 1...k (no lost or shared increments): a value v > 1 appears at
        // most as often as v - 1, 1 appears once per state used (1 to 4).
        var histogram: [Int: Int] = [:]
        for v in four.seen { histogram[v, default: 0] += 1 }
        let ones = histogram[1] ?? 0
        #expect((1 ... 4).contains(ones), "\(ones) states")
        #expect(four.seen.count == hooked)
        for (v, n) in histogram where v > 1 {
            #expect(n <= histogram[v - 1] ?? 0, "value \(v) seen \(n) times, \(v - 1) only \(histogram[v - 1] ?? 0)")
        }
    }

    // MARK: - 2. An error inside a worker

    @Test(arguments: [(failingId: 1733, workers: 3, batch: 16), (failingId: 1, workers: 3, batch: 16),
                      (failingId: 2000, workers: 3, batch: 5), (failingId: 911, workers: 4, batch: 1)])
    func aHookFailureMidStreamFailsTheJobAndLeavesNothing(failingId: Int, workers: Int, batch: Int) throws {
        let dir = try TempDir()
        let (csv, lines) = Self.data(rows: 2000)
        try dir.write("fe.lua", """
            function features(row, params)
              if row.id == \(failingId) then error("boom on id " .. row.id) end
              return { twice = row.id * 2 }
            end
            """)
        try Self.job(dir, csv: csv,
                     body: "features: [{ type: lua, script: fe.lua, on_error: fail, inputs: { id: int64 }, outputs: { twice: int64 } }]",
                     runtime: "{ workers: \(workers), batch_rows: \(batch), checkpoint_secs: 0 }")
        let plan = HandOver(value: try makePlan(dir))
        let result = Box<Result<JobSummary, any Error>>()
        let finished = Self.finishes(within: 30) {
            result.value = Result { try JobRunner(plan: plan.value, logger: quietLogger).run() }
        }
        try #require(finished, "the job hung after a worker failed")
        switch result.value {
        case .success?, nil:
            Issue.record("expected the job to fail")
        case .failure(let error)?:
            let failure = try #require(error as? JobFailure, "\(error)")
            let message = "\(failure.error)"
            #expect(message.contains("boom on id \(failingId)") && message.contains("fe.lua:2:"), "\(message)")
            #expect(message.contains("input line \(lines[failingId])"), "\(message)")
            #expect(failure.summary.status == .failed)
            #expect(failure.summary.rowsRead < failingId, "the failing row's batch is not counted")
        }
        // No output, quarantine, checkpoint, temporary file or lock: only the inputs.
        #expect(Self.files(dir) == ["data.csv", "fe.lua", "job.yaml", "model.json"])
    }

    /// The same through the CLI: exit 1, the line named, nothing left behind (the process's lock
    /// file included).
    @Test func aValidatorFailureInAWorkerExitsOneWithTheLine() throws {
        let dir = try TempDir()
        let (csv, lines) = Self.data(rows: 3000)
        try dir.write("rules.lua", """
            function validate(row, params)
              if row.id == 2777 then return 1 + nil end
              return true
            end
            """)
        try Self.job(dir, csv: csv, body: "validate: [{ type: lua, script: rules.lua, on_error: fail, inputs: { id: int64 } }]",
                     runtime: "{ workers: 3, batch_rows: 10, checkpoint_secs: 0 }")
        let r = try Self.run(dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("input line \(lines[2777])") && r.stderr.contains("rules.lua:2:"), "\(r.stderr)")
        #expect(Self.files(dir) == ["data.csv", "job.yaml", "model.json", "rules.lua"])
    }

    /// A reader error (an unclosed quote deep in the file) while workers are busy and checkpoints
    /// are being recorded: the job fails naming the line, and nothing is left behind.
    @Test func aReaderErrorMidStreamWithCheckpointsLeavesNothing() throws {
        let dir = try TempDir()
        var (csv, lines) = Self.data(rows: 3000)
        csv += "3001,1,\"0.5\n3002,1,0.5,n\n"
        let line = lines[3000] + 2  // row 3000 spans two lines
        try Self.job(dir, csv: csv, runtime: "{ workers: 3, batch_rows: 40, checkpoint_secs: 0 }")
        let plan = HandOver(value: try makePlan(dir))
        let result = Box<Result<JobSummary, any Error>>()
        try #require(Self.finishes(within: 30) {
            result.value = Result { try JobRunner(plan: plan.value, logger: quietLogger).run() }
        }, "the job hung after a reader error")
        guard case .failure(let error as JobFailure)? = result.value else {
            Issue.record("expected a JobFailure, got \(String(describing: result.value))")
            return
        }
        #expect("\(error.error)".contains(":\(line):") || "\(error.error)".contains("line \(line)"), "\(error.error)")
        #expect(Self.files(dir) == ["data.csv", "job.yaml", "model.json"])
    }

    // MARK: - 3. The error budget with several workers

    /// Every 10th row has `a` out of range: 5 rejections per 50-row batch, so a budget of 22 is
    /// exceeded by the 5th batch (250 rows read, 25 rejected) whatever the worker count.
    @Test(arguments: [1, 4])
    func anExceededBudgetCommitsTheQuarantineOnly(workers: Int) throws {
        let dir = try TempDir()
        var csv = "id,a,b\n"
        for i in 1 ... 5000 { csv += "\(i),\(i % 10 == 0 ? 99 : i % 7),0.5\n" }
        try Self.job(dir, csv: csv, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     runtime: "{ workers: \(workers), batch_rows: 50, max_rejected: 22, checkpoint_secs: 0 }")
        do {
            _ = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
            Issue.record("expected the error budget to stop the job")
        } catch let failure as JobFailure {
            let budget = try #require(failure.error as? ErrorBudgetExceeded, "\(failure.error)")
            let s = failure.summary
            #expect(s.status == .failed)
            #expect(s.rowsRead == 250 && s.rowsQuarantined == 25 && s.rowsWritten == 225)
            #expect(s.rowsRead == s.rowsWritten + s.rowsQuarantined)
            #expect(s.quarantinedByRule == ["validate/range": 25])
            #expect(budget.rejected == s.rowsQuarantined && budget.read == s.rowsRead)
            let q = parseCSV(try dir.read("out/pred.rejected.csv"))
            #expect(q.count == 1 + s.rowsQuarantined)
            #expect(q.dropFirst().map { Int($0[1])! } == (1 ... 25).map { 1 + 10 * $0 }, "the rejected rows' lines, in order")
        }
        #expect(Self.files(dir) == ["data.csv", "job.yaml", "model.json", "out/pred.rejected.csv"])
    }

    @Test func anExceededBudgetExitsThreeThroughTheCLI() throws {
        let dir = try TempDir()
        var csv = "id,a,b\n"
        for i in 1 ... 5000 { csv += "\(i),\(i % 10 == 0 ? 99 : i % 7),0.5\n" }
        try Self.job(dir, csv: csv, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     runtime: "{ workers: 3, batch_rows: 64, max_rejected: 5%, checkpoint_secs: 0 }")
        let r = try Self.run(dir)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(Self.files(dir) == ["data.csv", "job.yaml", "model.json", "out/pred.rejected.csv"])
        // 10% of the first batch is already over 5%: the first batch's rejections, and only them.
        #expect(parseCSV(try dir.read("out/pred.rejected.csv")).count == 1 + 6)
    }

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

    // MARK: - 7. Streams cannot resume

    @Test func stdinInputWithResumeSaysSoAndStartsOver() throws {
        let dir = try TempDir()
        try Self.job(dir, rows: 3000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     runtime: "{ workers: 2, batch_rows: 100, checkpoint_secs: 0 }")
        let reference = try Self.run(dir)
        #expect(reference.status == 0, "\(reference.stderr)")
        let output = try dir.read("out/pred.csv"), quarantine = try dir.read("out/pred.rejected.csv")

        let piped = try TempDir()
        try piped.write("model.json", smallModel)
        try piped.write("job.yaml", (try dir.read("job.yaml")).replacingOccurrences(of: "path: data.csv", with: #"path: "-""#))
        let r = try Self.cli(["run", piped.path + "/job.yaml", "--progress", "none", "--resume"], stdinFile: dir.path + "/data.csv")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("this job cannot resume (its input is stdin or its output stdout); starting from the beginning"),
                "\(r.stderr)")
        #expect(try piped.read("out/pred.csv") == output)
        // The quarantine names its source as the job gives it ("-"), the rest is the same.
        let q = parseCSV(try piped.read("out/pred.rejected.csv")), expectedQ = parseCSV(quarantine)
        #expect(q.map { Array($0.dropFirst()) } == expectedQ.map { Array($0.dropFirst()) })
        #expect(Self.files(piped) == ["job.yaml", "model.json", "out/pred.csv", "out/pred.rejected.csv"])
    }

    @Test func stdoutOutputWithResumeSaysSoAndStartsOver() throws {
        let dir = try TempDir()
        try Self.job(dir, rows: 3000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     runtime: "{ workers: 2, batch_rows: 100, checkpoint_secs: 0 }")
        let reference = try Self.run(dir)
        #expect(reference.status == 0, "\(reference.stderr)")
        let output = try dir.read("out/pred.csv")

        let streamed = try TempDir()
        try Self.job(streamed, rows: 3000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     writer: #"{ type: csv, path: "-" }"#, runtime: "{ workers: 2, batch_rows: 100, checkpoint_secs: 0 }")
        // A killed earlier run must not matter either.
        let killed = try Self.run(streamed, fault: "mid-batch:3")
        #expect(killed.killedBy == SIGKILL)
        let r = try Self.run(streamed, ["--resume"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("this job cannot resume (its input is stdin or its output stdout); starting from the beginning"),
                "\(r.stderr)")
        #expect(r.stdout == output)
        #expect(try streamed.read("rejected.csv") == (try dir.read("out/pred.rejected.csv")))
        #expect(Self.files(streamed) == ["data.csv", "job.yaml", "model.json", "rejected.csv"])
    }
}

// MARK: - 5. BatchSizer

extension EngineTests {
    @Suite struct BatchSizerTests {
        static func isPowerOfTwo(_ n: Int) -> Bool { n > 0 && n & (n - 1) == 0 }

        @Test func aFixedSizeStaysFixed() {
            for fixed in [1, 7, 1000, 100_000] {
                let sizer = BatchSizer(fixed: fixed, inFlight: 8)
                #expect(!sizer.isAdaptive)
                let observations: [(seconds: Double, bytes: Int)] = [(10.0, 1 << 30), (1e-9, 1), (0.005, 4096)]
                for (seconds, bytes) in observations {
                    sizer.observe(rows: fixed, seconds: seconds, bytes: bytes)
                    #expect(sizer.rows == fixed)
                }
            }
        }

        // The range and the start, whatever their values (they are tuned): powers of two, in order.
        static let floor = BatchSizer.rowRange.lowerBound, ceiling = BatchSizer.rowRange.upperBound

        @Test func theRangeAndTheStartArePowersOfTwo() {
            #expect(Self.isPowerOfTwo(Self.floor) && Self.isPowerOfTwo(Self.ceiling) && Self.floor < Self.ceiling)
            #expect(Self.isPowerOfTwo(BatchSizer.initialRows) && BatchSizer.rowRange.contains(BatchSizer.initialRows))
        }

        @Test func autoStartsAtTheInitialSizeAndMovesTowardTheTimeTarget() {
            let slow = BatchSizer(fixed: nil, inFlight: 4)
            #expect(slow.isAdaptive && slow.rows == BatchSizer.initialRows)
            // 1 ms per row: 5 ms is 5 rows, below the range: the floor.
            for _ in 0 ..< 3 { slow.observe(rows: slow.rows, seconds: Double(slow.rows) * 1e-3, bytes: slow.rows * 100) }
            #expect(slow.rows == Self.floor)

            // 50 ns per row: 5 ms is 100,000 rows, above the range: it climbs to the ceiling.
            let fast = BatchSizer(fixed: nil, inFlight: 4)
            var sizes: [Int] = []
            for _ in 0 ..< 20 {
                fast.observe(rows: fast.rows, seconds: Double(fast.rows) * 50e-9, bytes: fast.rows * 10)
                sizes.append(fast.rows)
            }
            #expect(sizes.last == Self.ceiling)
            #expect(sizes == sizes.sorted(), "it moves one way toward the target: \(sizes)")

            // About 0.3 µs per row: 5 ms is ~16,700 rows, so 16384, and it settles there; then the
            // rows get 10 times slower (~1,670 rows): it comes down to 2048 (or the floor).
            let middle = BatchSizer(fixed: nil, inFlight: 4)
            for _ in 0 ..< 20 { middle.observe(rows: middle.rows, seconds: Double(middle.rows) * 0.3e-6, bytes: middle.rows * 10) }
            #expect(middle.rows == 16384)
            for _ in 0 ..< 40 { middle.observe(rows: middle.rows, seconds: Double(middle.rows) * 3e-6, bytes: middle.rows * 10) }
            #expect(middle.rows == max(2048, Self.floor))

            // An empty batch tells nothing.
            let empty = BatchSizer(fixed: nil, inFlight: 4)
            empty.observe(rows: 0, seconds: 1, bytes: 0)
            #expect(empty.rows == BatchSizer.initialRows)
        }

        @Test func sizesArePowersOfTwoInTheRange() {
            var seconds = 1e-10
            while seconds < 1 {
                var bytes = 0.0
                while bytes < 1e8 {
                    for inFlight in [1, 2, 8, 64] {
                        let n = BatchSizer.size(secondsPerRow: seconds, bytesPerRow: bytes, inFlight: inFlight)
                        #expect(Self.isPowerOfTwo(n) && BatchSizer.rowRange.contains(n),
                                "size(\(seconds), \(bytes), \(inFlight)) = \(n)")
                    }
                    bytes = bytes == 0 ? 1 : bytes * 3.7
                }
                seconds *= 2.9
            }
            #expect(BatchSizer.size(secondsPerRow: 0, bytesPerRow: 0, inFlight: 4) == Self.ceiling)
            #expect(BatchSizer.size(secondsPerRow: 1, bytesPerRow: 1e9, inFlight: 4) == Self.floor, "the floor wins over everything")
        }

        @Test func theMemoryCapLowersTheSize() {
            // Fast rows want the ceiling; 1 KiB rows × 8 in flight allow 4096 in 32 MiB.
            #expect(BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: 1024, inFlight: 8) == max(4096, Self.floor))
            #expect(BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: 256, inFlight: 8) == 16384)
            #expect(BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: 256, inFlight: 2) == min(65536, Self.ceiling))
            // Through observe: 4 KiB rows, 8 in flight (1024 rows fit) pull a fast job down.
            let sizer = BatchSizer(fixed: nil, inFlight: 8)
            for _ in 0 ..< 10 { sizer.observe(rows: sizer.rows, seconds: Double(sizer.rows) * 1e-9, bytes: sizer.rows * 4096) }
            #expect(sizer.rows == max(1024, Self.floor))
        }

        /// Whenever the memory budget allows at least the floor, the chosen size keeps the batches in
        /// flight within it ("while in-flight batches stay under 32 MiB together"; `size` says it rounds
        /// "without exceeding the memory cap's floor").
        @Test
        func theChosenSizeNeverExceedsTheMemoryCap() {
            // Fast rows (the time target wants the ceiling), 4600 bytes each, one batch in flight: the
            // cap is 7294 rows, so 4096 is the largest power of two within it; 8192 is 37.7 MB.
            #expect(BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: 4600, inFlight: 1) == 4096)
            for inFlight in [1, 2, 4, 8, 16] {
                var bytes = 1.0
                while bytes < 1e5 {
                    let cap = Double(BatchSizer.memoryBudget) / (Double(inFlight) * bytes)
                    if cap >= Double(BatchSizer.rowRange.lowerBound) {
                        let n = BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: bytes, inFlight: inFlight)
                        if Double(n) * bytes * Double(inFlight) > Double(BatchSizer.memoryBudget) {
                            Issue.record("\(n) rows × \(bytes) B × \(inFlight) in flight > 32 MiB (cap \(Int(cap)) rows)")
                            break
                        }
                    }
                    bytes *= 1.13
                }
            }
        }
    }
}

// MARK: - 6. Pipeline

extension EngineTests {
    @Suite struct PipelineTests {
        struct Injected: Error, Equatable { var tag: String }

        static func unit(_ i: Int) -> ReadUnit {
            ReadUnit(end: InputPosition(byteOffset: Int64(i), line: i)) { throw Injected(tag: "not parsed in these tests") }
        }

        /// A scored unit whose `rowsRead` is `i`, to see which one came out.
        static func scored(_ i: Int) -> BatchScorer.Scored {
            .init(rowsRead: i, encoded: EncodedBatch(rows: 0, bytes: []), rejections: [], end: nil, footprint: 0, seconds: 0)
        }

        /// Starts `body` on a thread; the semaphore is signalled when it returns.
        static func start(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
            let done = DispatchSemaphore(value: 0)
            Thread {
                body()
                done.signal()
            }.start()
            return done
        }

        @Test func outcomesComeOutInSequenceOrderWhateverOrderWorkersFinish() throws {
            let p = Pipeline(capacity: 8)
            for i in 0 ..< 8 { p.submit(Self.unit(i)) }
            p.finishSource()
            var work: [(seq: Int, unit: ReadUnit)] = []
            while let w = p.nextWork() { work.append(w) }
            #expect(work.map(\.seq) == Array(0 ..< 8))
            #expect(work.map { $0.unit.end?.line } == Array(0 ..< 8))
            // Finish 7, 6, ..., 1 first; take(0) must wait for 0 and not hand out another.
            for w in work.reversed().dropLast() { p.complete(w.seq, .success(Self.scored(w.seq))) }
            let first = Box<Int>()
            let tookFirst = Self.start { first.value = try? p.take(0)?.get().rowsRead }
            #expect(tookFirst.wait(timeout: .now() + 0.2) == .timedOut, "take(0) returned before unit 0 was done")
            p.complete(0, .success(Self.scored(0)))
            #expect(tookFirst.wait(timeout: .now() + 5) == .success)
            #expect(first.value == 0)
            for seq in 1 ..< 8 { #expect(try p.take(seq)?.get().rowsRead == seq) }
            #expect(p.take(8) == nil, "after the last unit")
        }

        @Test func concurrentWorkersFinishingAtRandomStillYieldInputOrder() throws {
            let p = Pipeline(capacity: 6)
            let total = 400
            let reader = Self.start {
                var i = 0
                while i < total && p.waitForRoom() {
                    p.submit(Self.unit(i))
                    i += 1
                }
                p.finishSource()
            }
            var workers: [DispatchSemaphore] = []
            for _ in 0 ..< 4 {
                workers.append(Self.start {
                    while let w = p.nextWork() {
                        usleep(UInt32.random(in: 0 ... 800))
                        p.complete(w.seq, .success(Self.scored(w.seq)))
                    }
                })
            }
            var seen: [Int] = []
            var seq = 0
            while let outcome = p.take(seq) {
                seen.append(try outcome.get().rowsRead)
                seq += 1
            }
            #expect(seen == Array(0 ..< total))
            #expect(reader.wait(timeout: .now() + 5) == .success)
            for w in workers { #expect(w.wait(timeout: .now() + 5) == .success) }
        }

        @Test func theReaderWaitsForRoom() {
            let p = Pipeline(capacity: 2)
            #expect(p.capacity == 2)
            p.submit(Self.unit(0))
            p.submit(Self.unit(1))
            let room = Box<Bool>()
            let waited = Self.start { room.value = p.waitForRoom() }
            #expect(waited.wait(timeout: .now() + 0.2) == .timedOut, "two units in flight: no room")
            // Scored but not yet taken still counts.
            let w = p.nextWork()!
            p.complete(w.seq, .success(Self.scored(w.seq)))
            #expect(waited.wait(timeout: .now() + 0.2) == .timedOut, "a scored unit not yet taken still holds room")
            _ = p.take(0)
            #expect(waited.wait(timeout: .now() + 5) == .success)
            #expect(room.value == true)
        }

        @Test func cancelWakesABlockedTakeNextWorkAndWaitForRoom() {
            let p = Pipeline(capacity: 1)
            p.submit(Self.unit(0))
            #expect(p.nextWork()?.seq == 0)  // in flight, queue empty, source open: everyone must wait
            let room = Box<Bool>(), work = Box<Int>(), taken = Box<Int>()
            room.value = true
            work.value = -2
            taken.value = -2
            let a = Self.start { room.value = p.waitForRoom() }
            let b = Self.start { work.value = p.nextWork()?.seq ?? -1 }
            let c = Self.start { taken.value = (try? p.take(0)?.get().rowsRead) ?? -1 }
            Thread.sleep(forTimeInterval: 0.2)
            for s in [a, b, c] { #expect(s.wait(timeout: .now()) == .timedOut, "returned before cancel") }
            p.cancel()
            for s in [a, b, c] { #expect(s.wait(timeout: .now() + 5) == .success, "cancel did not wake a waiter") }
            #expect(room.value == false && work.value == -1 && taken.value == -1)
            // After a cancel nothing waits any more.
            #expect(p.waitForRoom() == false && p.nextWork() == nil && p.take(0) == nil)
        }

        @Test func aSourceFailureComesAfterTheEarlierUnits() throws {
            let p = Pipeline(capacity: 8)
            p.submit(Self.unit(0))
            p.submit(Self.unit(1))
            p.fail(Injected(tag: "disk on fire"))
            // Units queued before the failure are still handed out, then no more.
            let w0 = p.nextWork(), w1 = p.nextWork()
            #expect(w0?.seq == 0 && w1?.seq == 1)
            #expect(p.nextWork() == nil)
            // The failure waits behind the units before it, even when they finish late.
            let failure = Box<String>()
            let sawFailure = Self.start {
                guard case .failure(let e)? = p.take(2) else { return }
                failure.value = (e as? Injected)?.tag
            }
            #expect(sawFailure.wait(timeout: .now() + 0.2) == .success, "take(2) only waits for its own seq")
            #expect(failure.value == "disk on fire")
            p.complete(1, .success(Self.scored(1)))
            p.complete(0, .success(Self.scored(0)))
            #expect(try p.take(0)?.get().rowsRead == 0)
            #expect(try p.take(1)?.get().rowsRead == 1)
            #expect(p.take(3) == nil)
        }

        @Test func theSinkMeetsTheFailureAfterTheEarlierUnitsInOrder() throws {
            // As the runner uses it: take(0), take(1), ... in order; the failure is the third outcome.
            let p = Pipeline(capacity: 4)
            let reader = Self.start {
                for i in 0 ..< 2 {
                    _ = p.waitForRoom()
                    p.submit(Self.unit(i))
                }
                p.fail(Injected(tag: "read error"))
            }
            let worker = Self.start {
                while let w = p.nextWork() {
                    usleep(20_000)
                    p.complete(w.seq, .success(Self.scored(w.seq)))
                }
            }
            var outcomes: [String] = []
            var seq = 0
            while let o = p.take(seq) {
                switch o {
                case .success(let s): outcomes.append("unit \(s.rowsRead)")
                case .failure(let e): outcomes.append("error \((e as? Injected)?.tag ?? "?")")
                }
                seq += 1
            }
            #expect(outcomes == ["unit 0", "unit 1", "error read error"])
            #expect(reader.wait(timeout: .now() + 5) == .success && worker.wait(timeout: .now() + 5) == .success)
        }
    }
}
