import Foundation
import Testing
import ScoreCore
@testable import ScoreRuntime
import BatchScoreTestKit

/// Issue 11, item 10, in real jobs: a Lua features hook's NaN or ±infinity used to be written into
/// the predictions. Now the row goes to the quarantine (stage `features`, rule `non_finite`), unless
/// the step sets `allow_nonfinite: true`. The hook's `ratio` is not a model feature, so nothing but
/// the hook's check stands between it and the output.
@Suite struct LuaNonFiniteJobTests {
    static let perRow = "function features(row) return { ratio = row.a / row.b } end"
    static let columnar = """
        function features_batch(cols, n)
          local out = {}
          for i = 1, n do out[i] = cols.a[i] / cols.b[i] end
          return { ratio = out }
        end
        """

    /// Rows: a finite ratio, 0 / 0 (NaN), 1 / 0 (+inf), -1 / 0 (-inf), another finite one.
    func job(_ dir: TempDir, script: String, stepExtra: String = "") throws {
        try dir.write("data.csv", "id,a,b\n1,1,2\n2,0,0\n3,1,0\n4,-1,0\n5,3,4\n")
        try dir.write("model.json", smallModel)
        try dir.write("hook.lua", script)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            features:
              - { type: lua, script: hook.lua, inputs: { a: float64, b: float64 }, outputs: { ratio: float64 }\(stepExtra) }
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            """)
    }

    @Test(arguments: [(perRow, "features"), (columnar, "features_batch")])
    func nonFiniteOutputsAreQuarantinedNotWritten(script: String, hook: String) throws {
        let dir = try TempDir()
        try job(dir, script: script)
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.rowsRead == 5)
        #expect(summary.rowsWritten == 2)
        #expect(summary.rowsQuarantined == 3)
        #expect(summary.rowsRead == summary.rowsWritten + summary.rowsQuarantined)
        #expect(summary.quarantinedByRule == ["features/non_finite": 3])
        let q = parseCSV(try dir.read("out.rejected.csv"))
        try #require(q.count == 4, "\(q)")
        #expect(q[1][1] == "3" && q[1][2] == "features" && q[1][3] == "non_finite")
        #expect(q[1][4].hasPrefix("hook.lua (\(hook)): output 'ratio' is NaN; "), "\(q[1][4])")
        #expect(q[2][4].contains("output 'ratio' is +infinity"))
        #expect(q[3][4].contains("output 'ratio' is -infinity"))
        #expect(q[3][4].contains("allow_nonfinite: true"))
        let out = try dir.read("out.csv")
        #expect(!out.contains("nan") && !out.contains("inf"), "\(out)")
        #expect(parseCSV(out).map { $0[0] } == ["id", "1", "5"])
    }

    @Test(arguments: [perRow, columnar])
    func allowNonFiniteWritesThem(script: String) throws {
        let dir = try TempDir()
        try job(dir, script: script, stepExtra: ", allow_nonfinite: true")
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.rowsWritten == 5)
        #expect(summary.rowsQuarantined == 0)
        let out = parseCSV(try dir.read("out.csv"))
        let ratio = try #require(out[0].firstIndex(of: "ratio"), "\(out[0])")
        #expect(out.dropFirst().map { $0[ratio] } == ["0.5", "nan", "inf", "-inf", "0.75"])
    }

    @Test func theKeyIsCheckedLikeTheOthers() throws {
        let dir = try TempDir()
        func specError() -> String? {
            do { _ = try makePlan(dir); return nil } catch { return "\(error)" }
        }
        try job(dir, script: Self.perRow, stepExtra: ", allow_nonfinite: sometimes")
        #expect(specError()?.contains("features[0].allow_nonfinite: expected boolean") == true, "\(specError() ?? "accepted")")
        // Validators have no outputs: the key is unknown there.
        try dir.write("rules.lua", "function validate(row) return true end")
        try dir.write("job.yaml", try dir.read("job.yaml").replacingOccurrences(
            of: "features:\n  - { type: lua, script: hook.lua, inputs: { a: float64, b: float64 }, outputs: { ratio: float64 }, allow_nonfinite: sometimes }",
            with: "validate:\n  - { type: lua, script: rules.lua, allow_nonfinite: true }"))
        #expect(specError()?.contains("validate[0].allow_nonfinite: unknown key") == true, "\(specError() ?? "accepted")")
    }
}
