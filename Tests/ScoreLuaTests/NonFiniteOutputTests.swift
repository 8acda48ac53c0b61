import Testing
import ScoreCore
@testable import ScoreLua

/// Issue 11, item 10: a NaN or ±infinity in a float64 output rejects its row (`non_finite`) unless
/// the step allows it, in both the per-row and the columnar form.
@Suite struct NonFiniteOutputTests {
    /// Rows 0..3 of the sample batch give 1.5, NaN, +inf, -inf (row 1's income is null).
    static let perRow = """
        local values = { 1.5, 0 / 0, 1 / 0, -1 / 0 }
        function features(row) return { ratio = values[(row.id - 9007199254740993) + 1], label = "x" } end
        """
    static let columnar = """
        function features_batch(cols, n)
          return { ratio = { 1.5, 0 / 0, math.huge, -math.huge }, label = { "x", "x", "x", "x" } }
        end
        """
    static let outputs: [(String, ColumnType)] = [("ratio", .float64), ("label", .string)]

    func run(_ source: String, allow: Bool = false, onError: HookDefinition.OnError = .quarantine) throws -> (Batch, RowVerdicts) {
        var d = definition(source, outputs: Self.outputs, onError: onError)
        d.allowNonFinite = allow
        let step = try LuaFeatureStep(d)
        let batch = sampleBatch(rows: 4)
        var verdicts = RowVerdicts(rowCount: batch.rowCount)
        return (try step.apply(batch, verdicts: &verdicts), verdicts)
    }

    @Test(arguments: [(perRow, "features"), (columnar, "features_batch")])
    func nonFiniteOutputsRejectTheirRows(source: String, hook: String) throws {
        let (_, verdicts) = try run(source)
        #expect(verdicts.rejectedCount == 3)
        #expect(!verdicts.isRejected(0))
        #expect(verdicts.rules == [1: "non_finite", 2: "non_finite", 3: "non_finite"])
        let tail = "; outputs must be finite numbers (give the step allow_nonfinite: true to keep NaN and infinities)"
        #expect(verdicts.reasons[1] == "test-hook (\(hook)): output 'ratio' is NaN" + tail)
        #expect(verdicts.reasons[2] == "test-hook (\(hook)): output 'ratio' is +infinity" + tail)
        #expect(verdicts.reasons[3] == "test-hook (\(hook)): output 'ratio' is -infinity" + tail)
    }

    @Test(arguments: [perRow, columnar])
    func aRowLevelRejectionEvenWithOnErrorFail(source: String) throws {
        // The row's data is the problem, not the script: like the model's non_finite, never a job failure.
        let (_, verdicts) = try run(source, onError: .fail)
        #expect(verdicts.rejectedCount == 3)
    }

    @Test(arguments: [perRow, columnar])
    func allowNonFinitePassesThemThrough(source: String) throws {
        let (out, verdicts) = try run(source, allow: true)
        #expect(verdicts.rejectedCount == 0)
        guard case .float64(let v)? = out.column(named: "ratio")?.data else {
            Issue.record("no float64 ratio column")
            return
        }
        #expect(v[0] == 1.5 && v[1].isNaN && v[2] == .infinity && v[3] == -.infinity)
    }

    @Test func finiteExtremesAndIntegersPass() throws {
        let (out, verdicts) = try runFeatures("""
            function features(row) return { big = 1.7976931348623157e308, tiny = -5e-324, int = math.maxinteger } end
            """, outputs: [("big", .float64), ("tiny", .float64), ("int", .float64)], batch: sampleBatch(rows: 1))
        #expect(verdicts.rejectedCount == 0, "\(verdicts.reasons)")
        #expect(out.column(named: "big")?.data == .float64([.greatestFiniteMagnitude]))
    }
}
