import Foundation
import Testing
import ScoreCore
@testable import ScoreRuntime
import BatchScoreTestKit

/// A dirty input end to end: every row is either written or quarantined with its line and reason.
@Suite struct DirtyCorpusTests {
    static let csv = #"""
        id,a,b,region
        1,1,0.5,north
        2,,0.5,north
        3,NaN,1,south
        4,inf,1,south
        5,abc,1,east
        6,500,1,east
        7,3,1,"north, east
        zone"
        8,3,1
        9,3,1,west,extra
        10,3,-1e400,west
        11,5,2,"quoted ""name"""
        12,2,1.5,mars
        13,7,-3,west

        14,1,1,north
        """#

    func runJob(extraYAML: String = "") throws -> (TempDir, JobSummary) {
        let dir = try TempDir()
        try dir.write("data.csv", Self.csv)
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            validate:
              - { type: finite }
              - { type: range, columns: { a: [0, 100] } }
              - { type: allowed, columns: { region: [north, south, east, west, "north, east\\nzone", "quoted \\"name\\""] } }
            model: { path: model.json }
            writer: { type: csv, path: out/pred.csv }
            quarantine: { path: out/rejected.csv }
            \(extraYAML)
            """)
        let plan = try makePlan(dir)
        return (dir, try JobRunner(plan: plan, logger: quietLogger).run())
    }

    @Test func everyRowIsWrittenOrQuarantinedWithLineAndReason() throws {
        let (dir, summary) = try runJob()
        #expect(summary.rowsRead == 14)
        #expect(summary.rowsRead == summary.rowsWritten + summary.rowsQuarantined)

        let out = parseCSV(try dir.read("out/pred.csv"))
        #expect(out[0] == ["id", "a", "b", "region", "prediction", "confidence"])
        #expect(out.dropFirst().map { $0[0] } == ["1", "7", "11", "13", "14"])
        #expect(out.count - 1 == summary.rowsWritten)
        // The quoted field with a comma and a newline survives the round trip.
        #expect(out[2][3] == "north, east\nzone")
        #expect(out[3][3] == "quoted \"name\"")

        let q = parseCSV(try dir.read("out/rejected.csv"))
        #expect(q[0] == ["source", "line", "stage", "rule", "reason", "record"])
        let rows = Array(q.dropFirst())
        #expect(rows.count == summary.rowsQuarantined)
        let byLine = Dictionary(uniqueKeysWithValues: rows.map { (Int($0[1])!, $0) })
        func expectRow(_ line: Int, _ stage: String, _ rule: String, _ reason: String, _ record: String) {
            guard let r = byLine[line] else { Issue.record("line \(line) not quarantined"); return }
            #expect(r[0] == "data.csv")
            #expect(r[2] == stage && r[3] == rule, "line \(line): \(r)")
            #expect(r[4].contains(reason), "line \(line): \(r[4])")
            #expect(r[5] == record)
        }
        expectRow(3, "model", "missing_value", "missing value", "2,,0.5,north")
        expectRow(4, "validate", "finite", "a is NaN", "3,NaN,1,south")
        expectRow(5, "validate", "finite", "a is +infinity", "4,inf,1,south")
        expectRow(6, "parse", "type", "'abc'", "5,abc,1,east")
        expectRow(7, "validate", "range", "above the maximum 100", "6,500,1,east")
        expectRow(10, "parse", "field_count", "found 3", "8,3,1")
        expectRow(11, "parse", "field_count", "found 5", "9,3,1,west,extra")
        expectRow(12, "validate", "finite", "b is -infinity", "10,3,-1e400,west")
        expectRow(14, "validate", "allowed", "region='mars'", "12,2,1.5,mars")
        // Quarantine rows come in input order.
        #expect(rows.map { Int($0[1])! } == rows.map { Int($0[1])! }.sorted())
        #expect(summary.quarantinedByRule["parse/field_count"] == 2)
    }

    @Test func predictionsFollowTheModel() throws {
        let (dir, _) = try runJob()
        let out = parseCSV(try dir.read("out/pred.csv"))
        // Row id 1: z = (1-1)/2 + 0.5 = 0.5 → class 1, confidence expit(0.5).
        #expect(out[1][4] == "1")
        #expect(Double(out[1][5])! == 1 / (1 + exp(-0.5)))
        // Row id 13: z = (7-1)/2 - 3 = 0 → class 0 (predict is z > 0), confidence 0.5.
        #expect(out[4][4] == "0" && out[4][5] == "0.5")
    }

    @Test func errorBudgetFailsTheJobButKeepsTheQuarantine() throws {
        do {
            _ = try runJob(extraYAML: "runtime: { max_rejected: 3 }")
            Issue.record("the job should have failed")
        } catch let failure as JobFailure {
            #expect(failure.error is ErrorBudgetExceeded)
            #expect(ExitStatus.code(for: failure.error) == 3)
            #expect("\(failure.error)".contains("9 of 14 rows rejected"))
            #expect(failure.summary.status == .failed)
        }
    }

    @Test func outputIsNotCommittedWhenTheBudgetIsExceeded() throws {
        let dir = try TempDir()
        try dir.write("data.csv", Self.csv)
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            model: { path: model.json }
            writer: { type: csv, path: pred.csv }
            runtime: { max_rejected: 10% }
            """)
        #expect(throws: JobFailure.self) { _ = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run() }
        #expect(!dir.exists("pred.csv"))
        // The default quarantine path sits beside the output and explains the failure.
        #expect(dir.exists("pred.rejected.csv"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func smallBatchesGiveTheSameBytes() throws {
        let (one, _) = try runJob()
        let (many, _) = try runJob(extraYAML: "runtime: { batch_rows: 2 }")
        #expect(try one.read("out/pred.csv") == many.read("out/pred.csv"))
        #expect(try one.read("out/rejected.csv") == many.read("out/rejected.csv"))
    }
}
