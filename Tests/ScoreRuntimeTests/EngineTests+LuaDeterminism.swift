import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

/// Lua hooks give the same rows whatever the workers and the batch size.
extension EngineTests {
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
}
