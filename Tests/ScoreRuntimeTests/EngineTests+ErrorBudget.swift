import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

/// The error budget with several workers.
extension EngineTests {
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
}
