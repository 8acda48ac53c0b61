import Foundation
import Testing
import ScoreCore
@testable import ScoreLua

/// The holes a second review found, each closed: no crash, no hang, no state leaking between rows.
@Suite struct SandboxReviewTests {
    func reason(_ body: String, params: [(key: String, value: ConfigValue)] = [], instructions: Int = 1_000_000) throws -> String? {
        try runValidate("function validate(row, params)\n\(body)\nend", batch: sampleBatch(rows: 1), params: params,
                        instructions: instructions).reasons[0]
    }

    @Test func aColumnarHookMayDeclareManyOutputs() throws {
        let names = (0 ..< 300).map { "o\($0)" }
        let source = "function features_batch(cols, n)\n local out = {}\n for _, k in ipairs(params_names) do out[k] = {} for i = 1, n do out[k][i] = i end end\n return out\nend"
            .replacingOccurrences(of: "params_names", with: "{" + names.map { "'\($0)'" }.joined(separator: ",") + "}")
        let (out, verdicts) = try runFeatures(source, outputs: names.map { ($0, .float64) })
        #expect(verdicts.rejectedCount == 0)
        #expect(out.column(named: "o299")?.data == .float64([1, 2, 3, 4]))
    }

    @Test func deeplyNestedParamsAreRefusedNotACrash() {
        var value = ConfigValue.int(1)
        for _ in 0 ..< 50 { value = .list([value]) }
        #expect {
            _ = try LuaValidator(definition("function validate() return true end", params: [("a", value)]))
        } throws: { "\($0)".contains("nested too deeply") }
    }

    @Test func nestedParamsAreReadOnlyToo() throws {
        let params: [(key: String, value: ConfigValue)] = [("cfg", .map([("k", .int(1))]))]
        #expect(try reason("params.cfg.k = 2\nreturn true", params: params)?.contains("read-only") == true)
        #expect(try reason("return params.cfg.k == 1", params: params) == nil)
        let list: [(key: String, value: ConfigValue)] = [("edges", .list([.int(1), .int(2), .int(3)]))]
        #expect(try reason("local n = 0 for _, e in ipairs(params.edges) do n = n + e end\nreturn #params.edges == 3 and n == 6", params: list) == nil)
    }

    @Test func pairsNeverHandsOutTheRealTable() throws {
        #expect(try reason("local _, real = pairs(math)\nreturn real == nil") == nil)
        #expect(try reason("local n = 0 for k, v in pairs(math) do n = n + 1 end\nreturn n > 10") == nil)
        #expect(try reason("local n = 0 for k in pairs(params) do n = n + 1 end\nreturn n == 1", params: [("x", .int(1))]) == nil)
    }

    @Test func anXpcallHandlerCannotEscapeTheBudget() throws {
        let start = Date()
        let why = try reason("xpcall(function() while true do end end, function() while true do end end)\nreturn true",
                             instructions: 100_000)
        #expect(why?.contains("instruction budget") == true)
        #expect(Date().timeIntervalSince(start) < 5)
        // A handler still runs after an ordinary error.
        #expect(try reason("local ok, v = xpcall(function() error('x') end, function(e) return 'handled' end)\nreturn not ok and v == 'handled'") == nil)
    }

    @Test func patternBombsAreStoppedQuickly() throws {
        // The sandbox's matcher charges its steps to the instruction budget (PatternMatcherTests).
        let start = Date()
        let why = try reason("return string.find(string.rep('a', 3000), '.-.-.-b') == nil")
        #expect(why?.contains("instruction budget") == true)
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(try reason("return ('  hi  '):match('^%s*(.-)%s*$') == 'hi'") == nil)
        #expect(try reason("return select(2, string.gsub(string.rep('ab', 10000), 'a', 'x')) == 10000") == nil)
        #expect(try reason("return string.find(string.rep('a', 50000) .. '--?--', '--?--', 1, true) == 50001") == nil)
    }

    @Test func forcedCollectionsCostNothing() throws {
        #expect(try reason("for i = 1, 1000 do collectgarbage() end\nreturn collectgarbage('count') > 0") == nil)
    }

    @Test func hugeStringOutputsAreRejected() throws {
        let (_, verdicts) = try runFeatures("function features(row) return { s = string.rep('x', 2 * 1024 * 1024) } end",
                                            outputs: [("s", .string)])
        #expect(verdicts.reasons[0]?.contains("over the 1 MiB limit") == true)
    }
}
