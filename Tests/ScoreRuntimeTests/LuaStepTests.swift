import Foundation
import Testing
import ScoreCore
import ScoreLua
@testable import ScoreRuntime
import BatchScoreTestKit

/// `lua` steps inside real jobs: hooks feed the model, reject rows, and fail cleanly.
@Suite struct LuaStepTests {
    /// A model on `a` and a feature `c` that a hook computes.
    static let modelOnHookFeature = """
        {"format": "batchscore-model", "format_version": 1, "kind": "logistic_regression", "features": ["a", "c"],
         "classes": [0, 1], "coefficients": [[1, 1]], "intercept": [0]}
        """

    func job(_ dir: TempDir, hooks: String, csv: String = "id,a,b\n1,1,2\n2,3,0\n3,x,1\n4,-5,1\n") throws {
        try dir.write("data.csv", csv)
        try dir.write("model.json", Self.modelOnHookFeature)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            \(hooks)
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            """)
    }

    /// A columnar hook sees whole batches, so `batch_rows: auto` keeps them at a fixed size (runs
    /// and resumes cut alike); per-row hooks leave it adaptive; a number always wins.
    @Test func columnarHooksFixTheAutoBatchSize() throws {
        let dir = try TempDir()
        try dir.write("rows.lua", "function features(row) return { c = row.b } end")
        try dir.write("cols.lua", "function features_batch(cols, n) return { c = cols.b } end")
        let step = { (script: String) in "features:\n  - { type: lua, script: \(script), inputs: { b: float64 }, outputs: { c: float64 } }" }
        try job(dir, hooks: step("rows.lua"))
        #expect(try makePlan(dir).batchRows == nil)
        try job(dir, hooks: step("cols.lua"))
        #expect(try makePlan(dir).batchRows == 8192)
        #expect(try makePlan(dir, overrides: ["runtime.batch_rows=100"]).batchRows == 100)
    }

    @Test func scriptFeaturesFeedTheModelAndValidatorsReject() throws {
        let dir = try TempDir()
        try dir.write("fe.lua", """
            function features(row, params)
              return { c = row.b * params.k }
            end
            """)
        try dir.write("rules.lua", """
            function validate(row)
              if row.a < 0 then return false, "a is negative" end
              return true
            end
            """)
        try job(dir, hooks: """
            validate:
              - { type: lua, script: rules.lua }
            features:
              - { type: lua, script: fe.lua, inputs: { b: float64 }, outputs: { c: float64 }, params: { k: 2 } }
            """)
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.rowsRead == 4 && summary.rowsWritten == 2)
        #expect(summary.quarantinedByRule == ["parse/type": 1, "validate/rules.lua": 1])
        let out = parseCSV(try dir.read("out.csv"))
        #expect(out[0] == ["id", "a", "b", "c", "prediction", "confidence"])
        #expect(out[1][3] == "4" && out[2][3] == "0")
        let q = parseCSV(try dir.read("out.rejected.csv"))
        #expect(q[2][3] == "rules.lua" && q[2][4] == "a is negative")
    }

    @Test func hookErrorsQuarantineWithScriptLineOrFailTheJob() throws {
        let dir = try TempDir()
        try dir.write("fe.lua", "function features(row)\n  return { c = 10 // row.b }\nend")
        try job(dir, hooks: "features: [{ type: lua, script: fe.lua, inputs: { b: int64 }, outputs: { c: float64 } }]",
                csv: "id,a,b\n1,1,2\n2,3,0\n")
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.quarantinedByRule == ["features/hook_error": 1])
        let q = parseCSV(try dir.read("out.rejected.csv"))
        #expect(q[1][1] == "3" && q[1][4].contains("fe.lua:2:") && q[1][4].contains("attempt to divide by zero"))

        let failing = try TempDir()
        try failing.write("fe.lua", "function features(row)\n  return { c = 10 // row.b }\nend")
        try job(failing, hooks: "features: [{ type: lua, script: fe.lua, on_error: fail, inputs: { b: int64 }, outputs: { c: float64 } }]",
                csv: "id,a,b\n1,1,2\n2,3,0\n")
        do {
            _ = try JobRunner(plan: try makePlan(failing), logger: quietLogger).run()
            Issue.record("expected the job to fail")
        } catch let failure as JobFailure {
            #expect("\(failure.error)".contains("fe.lua:2:") && "\(failure.error)".contains("input line 3"))
            #expect(!failing.exists("out.csv"))
        }
    }

    @Test func aRunawayHookTripsTheErrorBudgetFast() throws {
        let dir = try TempDir()
        try dir.write("loop.lua", "function validate(row) while true do end end")
        var csv = "id,a,b\n"
        for i in 0 ..< 50 { csv += "\(i),1,1\n" }
        try job(dir, hooks: """
            validate: [{ type: lua, script: loop.lua, instructions_per_row: 10000 }]
            features: [{ type: lua, script: fe.lua, outputs: { c: float64 } }]
            runtime: { max_rejected: 5, batch_rows: 10 }
            """, csv: csv)
        try dir.write("fe.lua", "function features(row) return { c = 1 } end")
        do {
            _ = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
            Issue.record("expected the error budget to stop the job")
        } catch let failure as JobFailure {
            #expect(failure.error is ErrorBudgetExceeded)
            #expect(failure.summary.rowsRead == 10)
            #expect(failure.summary.quarantinedByRule == ["validate/instruction_budget": 10])
        }
    }

    @Test func specProblemsAreReportedBeforeAnyRow() throws {
        let dir = try TempDir()
        try dir.write("bad.lua", "function features(row)\n  return {\nend")
        try job(dir, hooks: "features: [{ type: lua, script: bad.lua, outputs: { c: float64 } }]")
        #expect {
            _ = try makePlan(dir)
        } throws: { error in
            guard let e = error as? HookError else { return false }
            return e.message.hasPrefix("bad.lua:3:") && ExitStatus.code(for: e) == 2
        }
        try job(dir, hooks: "features: [{ type: lua, script: missing.lua, outputs: { c: float64 } }]")
        #expect { _ = try makePlan(dir) } throws: { "\($0)".contains("script not found") }
        try job(dir, hooks: "features: [{ type: lua, script: bad.lua }]")
        #expect { _ = try makePlan(dir) } throws: { "\($0)".contains("declares its output columns") }
        // `script` or `plugin` is a declared rule: the spec check reports it where the step is.
        try job(dir, hooks: "features: [{ type: lua, script: bad.lua, plugin: ratio, outputs: { c: float64 } }]")
        #expect { _ = try makePlan(dir) } throws: { "\($0)".contains("job.yaml:") && "\($0)".contains("give only one of `script` or `plugin`, not both") }
        try job(dir, hooks: "features: [{ type: lua, outputs: { c: float64 } }]")
        #expect { _ = try makePlan(dir) } throws: { "\($0)".contains("features[0]") && "\($0)".contains("give one of `script` or `plugin`") }
    }

    @Test func hookOutputsMustCoverTheModelsFeatures() throws {
        let dir = try TempDir()
        try dir.write("fe.lua", "function features(row) return { d = 1 } end")
        try job(dir, hooks: "features: [{ type: lua, script: fe.lua, outputs: { d: float64 } }]")
        #expect { _ = try makePlan(dir) } throws: { "\($0)".contains("the model needs column 'c'") }
    }
}
