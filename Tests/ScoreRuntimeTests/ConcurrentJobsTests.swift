import Foundation
import Synchronization
import Testing
import ScoreCore
import ScoreJobSpec
@testable import ScoreRuntime
import ScoreBuiltins
import BatchScoreTestKit

/// Many jobs in one process through the library API (`ScoringJob`): four jobs with different
/// readers, writers and models, run at once on one shared two-core budget, give the bytes of four
/// sequential CLI runs; cancelling one leaves the others untouched, and the cancelled one resumes
/// to the same bytes.
@Suite struct ConcurrentJobsTests {
    static let zoo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ScoreModelsTests/Fixtures/zoo")

    /// A job of the set: its folder name and the files its outputs are compared on.
    struct Job {
        var name: String
        var outputs: [String]
    }

    static let jobs = [
        // CSV → CSV, gradient-boosted trees (XGBoost), a range validator rejecting some rows;
        // small batches with a checkpoint after each, so a cancellation lands mid-run.
        Job(name: "trees", outputs: ["out/pred.csv", "out/rejected.csv"]),
        // JSON Lines → JSON Lines, an MLP.
        Job(name: "mlp", outputs: ["out/pred.jsonl", "out/rejected.csv"]),
        // Parquet → Parquet, logistic regression.
        Job(name: "parquet", outputs: ["out/pred.parquet", "out/rejected.csv"]),
        // CSV → CSV, a Lua feature hook and a softmax model.
        Job(name: "lua", outputs: ["out/pred.csv", "out/rejected.csv"]),
    ]

    /// `text`'s header and `copies` copies of its rows.
    static func repeated(_ file: String, copies: Int) throws -> String {
        let lines = try String(contentsOf: zoo.appendingPathComponent(file), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true)
        let body = lines.dropFirst().joined(separator: "\n") + "\n"
        return lines[0] + "\n" + String(repeating: body, count: copies)
    }

    /// Writes the four jobs under `root` (one folder each), their inputs included.
    static func makeJobs(_ root: TempDir, parquetInput: Data) throws {
        let model = { (file: String) in try String(contentsOf: zoo.appendingPathComponent(file), encoding: .utf8) }

        try root.write("trees/data.csv", try repeated("breast_cancer.input.csv", copies: 60))
        try root.write("trees/model.json", try model("breast_cancer.xgboost.json"))
        try root.write("trees/job.yaml", """
            version: 1
            name: trees
            reader: { type: csv, path: data.csv }
            validate: [{ type: range, columns: { mean_radius: [0, 20] } }]
            model: { path: model.json }
            writer: { type: csv, path: out/pred.csv }
            quarantine: { path: out/rejected.csv }
            runtime: { workers: 2, batch_rows: 97, checkpoint_secs: 0 }
            """)

        // JSON Lines from the diabetes CSV: one object per row.
        let rows = try repeated("diabetes.input.csv", copies: 30).split(separator: "\n").map { $0.split(separator: ",") }
        let names = rows[0]
        var jsonl = ""
        for (i, row) in rows.dropFirst().enumerated() {
            // Every 50th row has a text age: a parse rejection in the quarantine.
            let cells = zip(names, row).map { name, value in "\"\(name)\": \(name == "age" && i % 50 == 7 ? "\"n/a\"" : String(value))" }
            jsonl += "{" + cells.joined(separator: ", ") + "}\n"
        }
        try root.write("mlp/data.jsonl", jsonl)
        try root.write("mlp/model.json", try model("diabetes.mlp.json"))
        try root.write("mlp/job.yaml", """
            version: 1
            name: mlp
            reader: { type: jsonl, path: data.jsonl }
            model: { path: model.json }
            writer: { type: jsonl, path: out/pred.jsonl }
            quarantine: { path: out/rejected.csv }
            runtime: { workers: 2, batch_rows: 500 }
            """)

        try FileManager.default.createDirectory(atPath: root.path + "/parquet", withIntermediateDirectories: true)
        try parquetInput.write(to: URL(fileURLWithPath: root.path + "/parquet/data.parquet"))
        try root.write("parquet/model.json", try model("breast_cancer.logistic.json"))
        try root.write("parquet/job.yaml", """
            version: 1
            name: parquet
            reader: { type: parquet, path: data.parquet }
            validate: [{ type: range, columns: { mean_texture: [0, 30] } }]
            model: { path: model.json }
            output: { passthrough: [mean_radius, mean_texture], probabilities: true }
            writer: { type: parquet, path: out/pred.parquet, row_group_rows: 4000 }
            quarantine: { path: out/rejected.csv }
            runtime: { workers: 2, batch_rows: 1000 }
            """)

        try root.write("lua/data.csv", try repeated("wine.input.csv", copies: 80))
        try root.write("lua/model.json", try model("wine.softmax.json"))
        try root.write("lua/ratio.lua", """
            function features(row, params)
              if row.hue < 0.6 then return nil, "hue below 0.6" end
              return { alcohol_per_hue = row.alcohol / row.hue }
            end
            """)
        try root.write("lua/job.yaml", """
            version: 1
            name: lua
            reader: { type: csv, path: data.csv }
            features:
              - { type: lua, script: ratio.lua, inputs: { alcohol: float64, hue: float64 }, outputs: { alcohol_per_hue: float64 } }
            model: { path: model.json }
            output: { probabilities: true }
            writer: { type: csv, path: out/pred.csv }
            quarantine: { path: out/rejected.csv }
            runtime: { workers: 2, batch_rows: 300 }
            """)
    }

    /// The Parquet input of the `parquet` job: the breast-cancer rows (×20) written by a CLI run
    /// (every input column passes through to the output).
    static func makeParquetInput() throws -> Data {
        let dir = try TempDir()
        try dir.write("data.csv", try repeated("breast_cancer.input.csv", copies: 20))
        try dir.write("model.json", try String(contentsOf: zoo.appendingPathComponent("breast_cancer.logistic.json"), encoding: .utf8))
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            model: { path: model.json }
            writer: { type: parquet, path: data.parquet }
            """)
        let r = try EngineTests.cli(["run", dir.path + "/job.yaml", "--progress", "none"])
        try #require(r.status == 0, "\(r.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: dir.path + "/data.parquet"))
    }

    /// The four jobs run one after the other by the CLI: the reference bytes.
    static func reference() throws -> (dir: TempDir, parquetInput: Data) {
        let input = try makeParquetInput()
        let dir = try TempDir()
        try makeJobs(dir, parquetInput: input)
        for job in jobs {
            let r = try EngineTests.cli(["run", dir.path + "/\(job.name)/job.yaml", "--progress", "none"])
            try #require(r.status == 0, "\(job.name): \(r.stderr)")
        }
        return (dir, input)
    }

    static func load(_ dir: TempDir, _ job: Job) throws -> JobSpec {
        try JobSpecLoader.load(path: dir.path + "/\(job.name)/job.yaml", registry: BuiltinPlugins.registry, environment: [:])
    }

    static func expectSameOutputs(_ job: Job, _ dir: TempDir, as reference: TempDir) throws {
        for file in job.outputs {
            let got = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/\(job.name)/" + file))
            let want = try Data(contentsOf: URL(fileURLWithPath: reference.path + "/\(job.name)/" + file))
            #expect(got == want, "\(job.name)/\(file): \(got.count) bytes, the CLI wrote \(want.count)")
        }
    }

    @Test func fourJobsAtOnceGiveTheBytesOfFourSequentialCLIRuns() async throws {
        let (reference, parquetInput) = try Self.reference()
        let dir = try TempDir()
        try Self.makeJobs(dir, parquetInput: parquetInput)
        // Two cores for four jobs asking for two workers each: they get what is free, at least one.
        let cores = CPUBudget(cores: 2)
        var options = JobOptions()
        options.cores = cores
        let scoringJobs = try Self.jobs.map { try ScoringJob(spec: try Self.load(dir, $0), options: options) }
        let summaries = try await withThrowingTaskGroup(of: (Int, JobSummary).self) { group in
            for (i, job) in scoringJobs.enumerated() { group.addTask { (i, try await job.run()) } }
            var all: [Int: JobSummary] = [:]
            for try await (i, summary) in group { all[i] = summary }
            return all
        }
        #expect(cores.available == 2, "every job gave its cores back")
        for (i, job) in Self.jobs.enumerated() {
            let summary = try #require(summaries[i])
            #expect(summary.status == .succeeded)
            #expect(summary.rowsRead == summary.rowsWritten + summary.rowsQuarantined)
            #expect(summary.rowsQuarantined > 0, "\(job.name): the comparison covers a quarantine with rows")
            #expect(scoringJobs[i].progress.phase == .succeeded)
            #expect(scoringJobs[i].progress.rowsRead == summary.rowsRead)
            try Self.expectSameOutputs(job, dir, as: reference)
        }
    }

    /// A long-lived process (the job service) runs job after job on one budget: each must find every
    /// core free again, not just as many "available" (a core left lent would still count there).
    @Test func jobAfterJobOnOneBudgetFindsEveryCoreFree() async throws {
        let (_, parquetInput) = try Self.reference()
        let dir = try TempDir()
        try Self.makeJobs(dir, parquetInput: parquetInput)
        let cores = CPUBudget(cores: 2)
        var options = JobOptions()
        options.cores = cores
        for round in 0 ..< 3 {
            for job in Self.jobs {
                try? FileManager.default.removeItem(atPath: dir.path + "/\(job.name)/out")
                _ = try await ScoringJob(spec: try Self.load(dir, job), options: options).run()
                let granted = cores.reserve(upTo: 2)
                cores.release(granted)
                #expect(granted == 2, "round \(round), after \(job.name): only \(granted) of 2 cores could be reserved")
                #expect(cores.borrow(upTo: 2) == 2)
                cores.giveBack(2)
            }
        }
    }

    @Test func cancellingOneJobLeavesTheOthersAndItResumesToTheSameBytes() async throws {
        let (reference, parquetInput) = try Self.reference()
        let dir = try TempDir()
        try Self.makeJobs(dir, parquetInput: parquetInput)
        var options = JobOptions()
        options.cores = CPUBudget(cores: 2)
        let target = 0  // `trees`: 34,140 rows in batches of 97, a checkpoint after each
        let total = try Self.repeated("breast_cancer.input.csv", copies: 60).split(separator: "\n").count - 1

        // The target cancels itself from its progress callback once a fifth of its rows are in: a
        // point mid-run that does not depend on timing.
        let holder = EngineTests.Box<ScoringJob>()
        var targetOptions = options
        targetOptions.onProgress = { progress in
            if progress.rowsRead >= total / 5 { holder.value?.cancel() }
        }
        let scoringJobs = try Self.jobs.enumerated().map { i, job in
            try ScoringJob(spec: try Self.load(dir, job), options: i == target ? targetOptions : options)
        }
        holder.value = scoringJobs[target]
        let results = await withTaskGroup(of: (Int, Result<JobSummary, any Error>).self) { group in
            for (i, job) in scoringJobs.enumerated() {
                group.addTask { (i, await Result { try await job.run() }) }
            }
            var all: [Int: Result<JobSummary, any Error>] = [:]
            for await (i, result) in group { all[i] = result }
            return all
        }
        for (i, job) in Self.jobs.enumerated() where i != target {
            let summary = try #require(try results[i]?.get())
            #expect(summary.status == .succeeded)
            try Self.expectSameOutputs(job, dir, as: reference)
        }

        guard case .failure(let error)? = results[target], let failure = error as? JobFailure else {
            Issue.record("the cancelled job did not fail as cancelled: \(String(describing: results[target]))")
            return
        }
        #expect(failure.summary.status == .cancelled)
        let stopped = try #require(failure.error as? JobStopped, "\(failure.error)")
        #expect(stopped.reason == .cancelled && stopped.resumable)
        #expect(failure.summary.rowsRead >= total / 5 && failure.summary.rowsRead < total, "stopped mid-run: \(failure.summary.rowsRead) of \(total)")
        #expect(scoringJobs[target].progress.phase == .cancelled)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/trees/out/pred.csv"), "nothing committed")

        var resume = options
        resume.resume = true
        let resumed = try await ScoringJob(spec: try Self.load(dir, Self.jobs[target]), options: resume).run()
        #expect(resumed.status == .succeeded && resumed.rowsRead == total)
        try Self.expectSameOutputs(Self.jobs[target], dir, as: reference)
    }

    @Test func aJobRunsOnceAndTheTaskCancellationStopsIt() async throws {
        let (_, parquetInput) = try Self.reference()
        let dir = try TempDir()
        try Self.makeJobs(dir, parquetInput: parquetInput)
        // The awaiting task is cancelled from the job's first progress report while streaming: the
        // job then stops as cancelled (the holder is set long before the last of ~350 batches).
        let holder = EngineTests.Box<Task<JobSummary, any Error>>()
        var options = JobOptions()
        options.onProgress = { progress in
            if progress.phase == .running && progress.rowsRead > 0 { holder.value?.cancel() }
        }
        let job = try ScoringJob(spec: try Self.load(dir, Self.jobs[0]), options: options)
        let task = Task { try await job.run() }
        holder.value = task
        do {
            _ = try await task.value
            Issue.record("the job finished although its task was cancelled")
        } catch let failure as JobFailure {
            #expect(failure.summary.status == .cancelled, "\(failure.error)")
        }
        await #expect(throws: ScoringJobError.self) { _ = try await job.run() }
    }
}

extension ConcurrentJobsTests {
    /// `cancel()` stops its own job only, even when the caller handed several jobs one token; that
    /// token, cancelled, stops all of them. A job cancelled before it starts stops at row 0.
    @Test func aCancelStopsOnlyItsJobEvenWithASharedToken() async throws {
        let (_, parquetInput) = try Self.reference()
        let dir = try TempDir()
        try Self.makeJobs(dir, parquetInput: parquetInput)
        let shared = StopToken()
        var options = JobOptions()
        options.stop = shared
        let first = try await ScoringJob.make(spec: try Self.load(dir, Self.jobs[1]), options: options)
        let second = try await ScoringJob.make(spec: try Self.load(dir, Self.jobs[3]), options: options)
        first.cancel()
        await #expect { _ = try await first.run() } throws: { ($0 as? JobFailure)?.summary.status == .cancelled }
        #expect(first.progress.rowsRead == 0)
        #expect(try await second.run().status == .succeeded, "the other job kept running")

        let third = try await ScoringJob.make(spec: try Self.load(dir, Self.jobs[0]), options: options)
        shared.cancel()
        await #expect { _ = try await third.run() } throws: { ($0 as? JobFailure)?.summary.status == .cancelled }
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing call.
    init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension ConcurrentJobsTests {
    @Test func faultPointsParseAKillOrAHold() {
        #expect(FaultPoints.fromEnvironment([:]) == .none)
        #expect(FaultPoints.fromEnvironment(["BATCHSCORE_FAULT": "read"]) == FaultPoints(name: "read"))
        #expect(FaultPoints.fromEnvironment(["BATCHSCORE_FAULT": "after-checkpoint:20"]) == FaultPoints(name: "after-checkpoint", index: 20))
        #expect(FaultPoints.fromEnvironment(["BATCHSCORE_FAULT": "after-checkpoint:3:hold"])
                == FaultPoints(name: "after-checkpoint", index: 3, action: .hold))
        #expect(FaultPoints.fromEnvironment(["BATCHSCORE_FAULT": "after-checkpoint:hold"])
                == FaultPoints(name: "after-checkpoint", index: nil, action: .hold))
    }

    /// A job held at a checkpoint reads nothing more until it is cancelled, then stops there
    /// resumable, and its resume ends with the uninterrupted bytes: what the service tests use to
    /// interrupt a running job without racing it to its end.
    @Test func aHeldJobWaitsForItsCancelAndResumes() async throws {
        let (reference, parquetInput) = try Self.reference()
        let dir = try TempDir()
        try Self.makeJobs(dir, parquetInput: parquetInput)
        var options = JobOptions()
        options.faults = FaultPoints(name: "after-checkpoint", index: 5, action: .hold)
        let seen = Mutex(0)
        options.onProgress = { progress in seen.withLock { $0 = max($0, progress.rowsRead) } }
        let job = try ScoringJob(spec: try Self.load(dir, Self.jobs[0]), options: options)
        let task = Task { try await job.run() }
        let deadline = Date().addingTimeInterval(120)
        while seen.withLock({ $0 }) < 6 * 97, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let held = seen.withLock { $0 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(seen.withLock { $0 } == held, "the job went on reading while held")
        job.cancel()
        do {
            _ = try await task.value
            Issue.record("a held job finished")
        } catch let failure as JobFailure {
            let stopped = try #require(failure.error as? JobStopped, "\(failure.error)")
            #expect(stopped.reason == .cancelled && stopped.resumable)
            #expect(failure.summary.rowsRead >= 6 * 97 && failure.summary.rowsRead < 34_140, "\(failure.summary.rowsRead)")
        }
        var resume = JobOptions()
        resume.resume = true
        let resumed = try await ScoringJob(spec: try Self.load(dir, Self.jobs[0]), options: resume).run()
        #expect(resumed.status == .succeeded && resumed.rowsRead == 34_140)
        try Self.expectSameOutputs(Self.jobs[0], dir, as: reference)
    }
}
