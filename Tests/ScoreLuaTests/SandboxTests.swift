import Foundation
import Testing
import ScoreCore
@testable import ScoreLua
import BatchScoreTestKit

/// Every escape we know of is closed, and every budget holds: a hook can reject its row, never
/// reach the machine, hang the job, or take the process down.
@Suite struct SandboxTests {
    /// Runs `body` as a validator and returns row 0's reason (nil when accepted).
    func reason(_ body: String, instructions: Int = 1_000_000, memory: Int = 64 << 20, root: String? = nil) throws -> String? {
        let verdicts = try runValidate("function validate(row, params)\n\(body)\nend",
                                       batch: sampleBatch(rows: 1), instructions: instructions, memory: memory, root: root)
        return verdicts.reasons[0]
    }

    @Test(arguments: [
        ("return io.open('/etc/passwd') ~= nil", "global 'io'"),
        ("return os.execute('true')", "field 'execute'"),
        ("return os.getenv('HOME')", "field 'getenv'"),
        ("return require('os')", "require 'os'"),
        ("return require('../../etc/passwd')", "module names"),
        ("return dofile('/etc/passwd')", "global 'dofile'"),
        ("return loadfile('/etc/passwd')", "global 'loadfile'"),
        ("return debug.getinfo(1)", "global 'debug'"),
        ("return package.loaded", "global 'package'"),
        ("return rawset(_G, 'x', 1)", "global 'rawset'"),
        ("return collectgarbage('stop')", "not allowed in the sandbox"),
        ("return string.dump(function() end)", "field 'dump'"),
    ])
    func escapesAreClosed(body: String, expected: String) throws {
        let why = try reason(body)
        #expect(why?.contains(expected) == true, "\(body) → \(why ?? "accepted")")
    }

    @Test func bytecodeCannotBeLoaded() throws {
        // A binary chunk starts with ESC 'Lua'; load refuses it even when the mode asks for it.
        let why = try reason(#"return load("\27Lua\84\0", "x", "b")"#)
        #expect(why?.contains("binary chunks are not allowed") == true)
        let text = try reason(#"local f = load("return 1 + 1"); return f() == 2"#)
        #expect(text == nil)
        // load'ed text runs in the sandbox too.
        let inner = try reason(#"return load("return io")() ~= nil"#)
        #expect(inner?.contains("rejected") == true)
    }

    @Test func runawayLoopsHitTheInstructionBudget() throws {
        let start = Date()
        let why = try reason("while true do end", instructions: 100_000)
        #expect(why?.contains("instruction budget of 100000 exceeded") == true)
        // pcall cannot swallow the budget: once spent, every instruction raises again.
        let stubborn = try reason("while true do pcall(function() while true do end end) end", instructions: 100_000)
        #expect(stubborn?.contains("instruction budget") == true)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func memoryBombsHitTheCap() throws {
        let why = try reason("local s = string.rep('x', 1 << 30); return #s > 0", memory: 32 << 20)
        #expect(why?.contains("memory limit of 32 MiB exceeded") == true)
        let tables = try reason("local t = {} for i = 1, 1e9 do t[i] = {i} end return true", instructions: 1 << 40, memory: 32 << 20)
        #expect(tables?.contains("memory limit") == true)
        let doubling = try reason("local s = 'x' while true do s = s .. s end", memory: 32 << 20)
        #expect(doubling?.contains("memory limit") == true)
    }

    @Test func theStateStaysUsableAfterAnOverrun() throws {
        let validator = try LuaValidator(definition("""
            function validate(row)
              if row.id % 2 == 1 then local s = string.rep('x', 1 << 30) end
              return true
            end
            """, memory: 32 << 20))
        var verdicts = RowVerdicts(rowCount: 4)
        try validator.validate(sampleBatch(), verdicts: &verdicts)
        // ids are odd, even, odd, even.
        #expect(verdicts.keptRows() == [1, 3])
    }

    @Test func globalsAreFrozenAfterInit() throws {
        let why = try reason("counter = (counter or 0) + 1\nreturn true")
        #expect(why?.contains("assignment to global 'counter'") == true)
        let libs = try reason("math.floor = nil\nreturn true")
        #expect(libs?.contains("read-only") == true)
        let env = try reason("setmetatable(_G, nil)\nreturn true")
        #expect(env?.contains("protected metatable") == true)
        let row = try reason("row.id = 1\nreturn true")
        #expect(row?.contains("read-only") == true)
    }

    @Test func sharedStringMetatableCannotBeChanged() throws {
        let why = try reason("getmetatable('').__index = {}\nreturn true")
        #expect(why?.contains("index a boolean") == true || why?.contains("attempt to index") == true)
        #expect(try reason("return ('abc'):upper() == 'ABC'") == nil)
    }

    @Test func collectgarbageCountIsAllowed() throws {
        #expect(try reason("return collectgarbage('count') > 0") == nil)
    }

    @Test func requireLoadsOnlyFromThePluginFolder() throws {
        let dir = try TempDir()
        let folder = dir.path
        try dir.write("lib/util.lua", "return { twice = function(x) return 2 * x end }")
        #expect(try reason("local u = require('lib.util'); return u.twice(21) == 42", root: folder) == nil)
        #expect(try reason("return require('lib.missing')", root: folder)?.contains("no file") == true)
        #expect(try reason("return require('lib.util')")?.contains("no module folder") == true)
    }

    @Test func printGoesNowhereHarmful() throws {
        #expect(try reason("print('debug', 1, nil)\nreturn true") == nil)
    }
}
