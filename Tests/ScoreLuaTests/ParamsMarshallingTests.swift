import Testing
import ScoreCore
@testable import ScoreLua

/// Params reach Lua through the bridge's encoding, built into tables in C inside a protected call.
/// Swift used to push them with lua_* calls outside any protected call, where running out of the
/// state's memory (a script may fill it to the cap when it loads) aborted the process.
@Suite struct ParamsMarshallingTests {
    @Test func paramsArriveWithTheirTypes() throws {
        let params: [(key: String, value: ConfigValue)] = [
            ("big", .int(9_007_199_254_740_993)), ("neg", .int(-7)), ("rows", .count(3)), ("x", .float(-0.25)),
            ("pct", .percent(12.5)), ("on", .bool(true)), ("off", .bool(false)), ("name", .string("naïve \u{0}end")),
            ("gone", .null), ("list", .list([.int(1), .null, .string("three")])),
            ("nested", .map([("deep", .map([("k", .float(1e300))])), ("empty", .map([]))])),
            ("été", .string("key in UTF-8")),
        ]
        let (out, verdicts) = try runFeatures("""
            function features(row, p)
              assert(math.type(p.big) == "integer" and p.big == 9007199254740993, "big")
              assert(p.neg == -7 and math.type(p.rows) == "integer" and p.rows == 3, "ints")
              assert(math.type(p.x) == "float" and p.x == -0.25 and p.pct == 12.5, "floats")
              assert(p.on == true and p.off == false, "bools")
              assert(p.name == "naïve \\0end" and #p.name == 11, "string")
              assert(p.gone == nil, "null")
              assert(#p.list == 1 or #p.list == 3, "list length")
              assert(p.list[1] == 1 and p.list[2] == nil and p.list[3] == "three", "list")
              assert(p.nested.deep.k == 1e300 and next(p.nested.empty) == nil, "nested")
              assert(p["été"] == "key in UTF-8", "utf-8 key")
              assert(not pcall(function() p.nested.deep.k = 1 end), "read-only")
              return { ok = 1 }
            end
            """, outputs: [("ok", .float64)], batch: sampleBatch(rows: 1), params: params)
        #expect(verdicts.rejectedCount == 0, "\(verdicts.reasons)")
        #expect(out.column(named: "ok")?.data == .float64([1]))
    }

    @Test func paramsThatDoNotFitNextToTheScriptAreAnErrorNotAnAbort() {
        // The script keeps its state at the memory cap; building the params then runs out.
        let source = """
            function features(row, params) return { c = KEEP and 1 } end
            local function fill() while true do KEEP = { KEEP } end end
            for round = 1, 50 do pcall(fill) end
            """
        let params: [(key: String, value: ConfigValue)] = (0 ..< 500).map { ("v\($0)", .string(String(repeating: "y", count: 200))) }
        #expect {
            _ = try LuaFeatureStep(definition(source, outputs: [("c", .float64)], params: params, memory: 16 << 20))
        } throws: { error in
            guard let e = error as? HookError else { return false }
            return e.hook == "init" && e.message.contains("params do not fit in the memory limit of 16 MiB")
        }
    }
}
