import Foundation
import Testing
import ScoreCore
@testable import ScoreLua

/// Finalizers and to-be-closed variables (issue 11, item 3). Lua runs `__gc` with debug hooks off, so
/// no instruction budget can stop a loop in one; the sandbox refuses `__gc` where a table would get it.
/// These finalizers are harmless ones, so a regression fails here instead of hanging the test process
/// in `lua_close` (the looping ones run in child processes: LuaFinalizerCLITests).
@Suite struct FinalizerTests {
    static let refusal = "__gc finalizers are not allowed in the sandbox"

    @Test(arguments: [
        "setmetatable({}, { __gc = function() end })",
        // Lua marks a table when its metatable has any non-nil __gc; a placeholder swapped for a
        // function afterwards would still be called.
        "local mt = { __gc = false }; setmetatable({}, mt); mt.__gc = function() end",
        "load('setmetatable({}, { __gc = function() end })')()",
    ])
    func aFinalizerInAHookRejectsTheRowNamingIt(code: String) throws {
        let (_, verdicts) = try runFeatures("function features(row) \(code); return { x = 1 } end", outputs: [("x", .float64)],
                                            batch: sampleBatch(rows: 2))
        #expect(verdicts.rejectedCount == 2)
        #expect(verdicts.rules[0] == "hook_error")
        #expect(verdicts.reasons[0]?.contains(":1: setmetatable: \(Self.refusal)") == true, "\(verdicts.reasons)")
    }

    @Test func aFinalizerInAValidatorRejectsTheRow() throws {
        let verdicts = try runValidate("function validate(row) setmetatable({}, { __gc = print }); return true end",
                                       batch: sampleBatch(rows: 1))
        #expect(verdicts.reasons[0]?.contains(Self.refusal) == true)
    }

    @Test func aFinalizerAtTheTopLevelIsALoadError() {
        #expect {
            _ = try LuaFeatureStep(definition("keep = setmetatable({}, { __gc = function() end })\nfunction features(r) return {} end"))
        } throws: { error in
            guard let e = error as? HookError else { return false }
            return e.hook == "load" && e.message.contains("hook.lua:1: setmetatable: \(Self.refusal)")
        }
    }

    @Test func aFinalizerInInitIsAnInitError() {
        #expect {
            _ = try LuaValidator(definition("""
                function init(p) keep = setmetatable({}, { __gc = function() end }) end
                function validate(r) return true end
                """))
        } throws: { error in
            guard let e = error as? HookError else { return false }
            return e.hook == "init" && e.message.contains(Self.refusal)
        }
    }

    @Test func otherMetatablesStillWork() throws {
        let (out, verdicts) = try runFeatures("""
            local Point = { __index = { norm = function(p) return math.sqrt(p.x * p.x + p.y * p.y) end } }
            function features(row)
              local p = setmetatable({ x = 3, y = 4 }, Point)
              assert(getmetatable(p) == Point)
              assert(setmetatable(p, nil) == p and getmetatable(p) == nil)
              local ok, why = pcall(setmetatable, row, {})
              assert(not ok and why:find("protected metatable"), why)
              local ok2, why2 = pcall(setmetatable, 1, {})
              assert(not ok2 and why2:find("table expected"), why2)
              return { x = setmetatable({ x = 3, y = 4 }, Point):norm() }
            end
            """, outputs: [("x", .float64)], batch: sampleBatch(rows: 1))
        #expect(verdicts.rejectedCount == 0, "\(verdicts.reasons)")
        #expect(out.column(named: "x")?.data == .float64([5]))
    }

    // `__close` runs as ordinary code, with the count hook on: a loop in one spends the budget.

    static let loopingClose = "local guard <close> = setmetatable({}, { __close = function() while true do end end })"

    @Test func aLoopingCloseInAHookSpendsTheRowsBudget() throws {
        let start = Date()
        let (_, verdicts) = try runFeatures("function features(row) \(Self.loopingClose); return { x = 1 } end",
                                            outputs: [("x", .float64)], batch: sampleBatch(rows: 3), instructions: 100_000)
        #expect(verdicts.rejectedCount == 3)
        #expect(verdicts.rules[0] == "instruction_budget")
        // The same while unwinding an error: the budget still stops the close.
        let (_, unwinding) = try runFeatures("function features(row) \(Self.loopingClose); error('boom') end",
                                             outputs: [("x", .float64)], batch: sampleBatch(rows: 2), instructions: 100_000)
        #expect(unwinding.rejectedCount == 2)
        #expect(unwinding.rules[0] == "instruction_budget", "\(unwinding.reasons)")
        let batch = try runFeatures("function features_batch(cols, n) \(Self.loopingClose); return {} end",
                                    outputs: [("x", .float64)], batch: sampleBatch(rows: 2), instructions: 100_000).1
        #expect(batch.rules[0] == "instruction_budget")
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test func aLoopingCloseAtLoadOrInInitIsABudgetError() {
        #expect {
            _ = try LuaFeatureStep(definition("do \(Self.loopingClose) end\nfunction features(r) return {} end"))
        } throws: { error in
            (error as? HookError)?.message.contains("loading the script exceeded the instruction budget") == true
        }
        #expect {
            _ = try LuaFeatureStep(definition("function init(p) \(Self.loopingClose) end\nfunction features(r) return {} end",
                                              instructions: 1000))
        } throws: { error in
            guard let e = error as? HookError else { return false }
            return e.hook == "init" && e.message.contains("instruction budget was exceeded")
        }
    }
}
