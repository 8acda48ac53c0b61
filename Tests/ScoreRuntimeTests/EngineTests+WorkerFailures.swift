import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

/// An error inside a worker fails the job, names the line and leaves nothing behind.
extension EngineTests {
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
}
