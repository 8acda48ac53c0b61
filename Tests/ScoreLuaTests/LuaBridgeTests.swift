import Testing
import ScoreCore
@testable import ScoreLua

/// The hook forms and the typed bridge.
@Suite struct LuaBridgeTests {
    @Test func perRowFeaturesComputeDeclaredOutputs() throws {
        let (out, verdicts) = try runFeatures("""
            function features(row, params)
              return { doubled = row.income * params.k, label = row.region .. "!", big = row.id + 1, flag = not row.vip }
            end
            """, outputs: [("doubled", .float64), ("label", .string), ("big", .int64), ("flag", .bool)],
            params: [("k", .int(2))])
        // Row 1's income is null: `nil * 2` is an error, so the row is rejected with the script's line.
        #expect(verdicts.keptRows() == [0, 2, 3])
        #expect(verdicts.rules[1] == "hook_error")
        #expect(verdicts.reasons[1]?.contains("hook.lua:2:") == true)
        #expect(verdicts.reasons[1]?.contains("income") == true)
        #expect(out.column(named: "doubled")?.data == .float64([1, 0, 4001, 6001]))
        #expect(out.column(named: "label")?.text(at: 2) == "!")
        // An int64 above 2^53 survives the trip into Lua and back exactly.
        #expect(out.column(named: "big")?.data == .int64([9_007_199_254_740_994, 0, 9_007_199_254_740_996, 9_007_199_254_740_997]))
        #expect(out.column(named: "flag")?.data == .bool([false, false, false, true]))
        #expect(out.column(named: "income") != nil)  // inputs stay
    }

    @Test func columnarFeaturesAreUsedWhenDefined() throws {
        let source = """
            function features(row, params) error("the columnar form should be used") end
            function features_batch(cols, n, params)
              local out = {}
              for i = 1, n do out[i] = cols.id[i] * 2 end
              return { twice = out }
            end
            """
        let (out, verdicts) = try runFeatures(source, outputs: [("twice", .int64)])
        #expect(verdicts.rejectedCount == 0)
        #expect(out.column(named: "twice")?.data == .int64([18_014_398_509_481_986, 18_014_398_509_481_988,
                                                              18_014_398_509_481_990, 18_014_398_509_481_992]))
    }

    @Test func columnarFeaturesCanRejectSingleRows() throws {
        let (out, verdicts) = try runFeatures("""
            function features_batch(cols, n)
              local y, errors = {}, {}
              for i = 1, n do
                if cols.income[i] == nil then errors[i] = "income is missing" else y[i] = cols.income[i] * 2 end
              end
              return { y = y }, errors
            end
            """, outputs: [("y", .float64)])
        #expect(verdicts.reasons == [1: "test-hook (features_batch): income is missing"])
        #expect(out.column(named: "y")?.data == .float64([1, 0, 4001, 6001]))
    }

    @Test func typesAreCheckedOnTheWayBack() throws {
        let (_, verdicts) = try runFeatures("""
            function features(row)
              if row.id % 4 == 1 then return { x = "text" } end
              if row.id % 4 == 2 then return {} end
              if row.id % 4 == 3 then return { x = 1.5 } end
              return { x = 7 }
            end
            """, outputs: [("x", .int64)])
        // ids are 9007199254740993 + r, so id % 4 == 1, 2, 3, 0 for rows 0...3.
        #expect(verdicts.reasons[0] == "test-hook (features): output 'x' is a string, expected int64")
        #expect(verdicts.reasons[1] == "test-hook (features): output 'x' is missing (nil)")
        #expect(verdicts.reasons[2] == "test-hook (features): output 'x' is a float, expected int64")
        #expect(verdicts.rules[0] == "hook_output")
        #expect(verdicts.keptRows() == [3])
    }

    @Test func nullsArriveAsNilAndTypesSurvive() throws {
        let (out, _) = try runFeatures("""
            function features(row)
              return { kinds = math.type(row.id) .. "," .. tostring(math.type(row.income)) .. "," .. type(row.region) .. "," .. type(row.vip) .. "," .. type(row.nope) }
            end
            """, outputs: [("kinds", .string)])
        #expect(out.column(named: "kinds")?.text(at: 0) == "integer,float,string,boolean,nil")
        #expect(out.column(named: "kinds")?.text(at: 1) == "integer,nil,string,boolean,nil")
    }

    /// Columns a hook has read are served from a table behind the row on later rows: a null there
    /// still reads as nil, a value never leaks from one row into the next, the row stays read-only
    /// for them too, and columns read on some rows only still arrive on the rows that read them.
    @Test func columnsReadBeforeStayExactAndReadOnly() throws {
        let script = """
            function features(row, params)
              local income = row.income            -- null on row 1: nil, then values again
              local label = row.id % 2 == 0 and row.region or "odd"
              if row.id % 4 == 3 then row.income = 1 end  -- a write to a column read before
              return { income_or_minus = income or -1, label = label, raw = rawget(row, "income") == nil }
            end
            """
        let (out, verdicts) = try runFeatures(script, outputs: [("income_or_minus", .float64), ("label", .string), ("raw", .bool)],
                                              batch: sampleBatch(rows: 8))
        // ids are 9007199254740993 + i: rows 2 and 6 write to the row and are rejected (their
        // outputs are placeholders); odd rows have even ids and read `region`.
        #expect(verdicts.rules == [2: "hook_error", 6: "hook_error"])
        #expect(verdicts.reasons[2]?.contains("read-only") == true, "\(verdicts.reasons)")
        let kept = verdicts.keptRows()
        let incomes = try #require(out.column(named: "income_or_minus")).gather(kept)
        #expect(incomes.data == .float64([0.5, -1, 3000.5, 4000.5, 5000.5, 7000.5]))
        #expect(out.column(named: "label")?.gather(kept).data == .string(StringColumn(["odd", "south", "east", "odd", "south", "east"])))
        #expect(out.column(named: "raw")?.gather(kept).data == .bool([true, true, true, true, true, true]))
    }

    @Test func validatorsReturnTrueOrAReason() throws {
        let verdicts = try runValidate("""
            function validate(row, params)
              if row.region == "" then return false, "region is empty" end
              if row.region == params.banned then return false end
              return true
            end
            """, params: [("banned", .string("east"))])
        #expect(verdicts.reasons == [2: "region is empty", 3: "rejected by validate (no reason given)"])
        #expect(verdicts.rules[2] == "test-hook")
    }

    @Test func columnarValidatorsReturnVerdictArrays() throws {
        let verdicts = try runValidate("""
            function validate_batch(cols, n)
              local v = {}
              for i = 1, n do v[i] = cols.vip[i] or ("not vip: " .. cols.region[i]) end
              return v
            end
            """)
        #expect(verdicts.reasons == [1: "not vip: south", 3: "not vip: east"])
    }

    @Test func wrongShapesAreHookErrors() throws {
        let v1 = try runValidate("function validate(row) return nil end")
        #expect(v1.reasons[0]?.contains("validate must return true, or false and a reason; got nil") == true)
        let (_, v2) = try runFeatures("function features(row) return 3 end", outputs: [("x", .float64)])
        #expect(v2.reasons[0]?.contains("features must return a table of outputs, got an integer") == true)
        let v3 = try runValidate("function validate_batch(cols, n) return {true} end")
        #expect(v3.reasons[1]?.contains("validate_batch verdict 2 is nil") == true)
    }

    @Test func onErrorFailStopsWithScriptLineAndInputLine() throws {
        #expect {
            _ = try runFeatures("function features(row)\n  return { x = row.income + 1 }\nend", outputs: [("x", .float64)], onError: .fail)
        } throws: { error in
            let text = "\(error)"
            return text.contains("hook.lua:2:") && text.contains("input line 3") && text.contains("features")
        }
    }

    @Test func syntaxErrorsNameTheScriptLine() {
        #expect {
            _ = try LuaFeatureStep(definition("function features(row)\n  return {\nend", outputs: [("x", .float64)]))
        } throws: { error in
            guard let e = error as? HookError else { return false }
            return e.message.hasPrefix("hook.lua:3:") && e.hook == "load" && e.category == .invalidSpec
        }
    }

    @Test func aFailingInitIsAnErrorNotACrash() {
        #expect {
            _ = try LuaFeatureStep(definition("function init(p) error('edges must ascend') end\nfunction features(r) return {} end"))
        } throws: { error in
            guard let e = error as? HookError else { return false }
            return e.hook == "init" && e.message.contains("hook.lua:1: edges must ascend")
        }
    }

    @Test func initRunsOnceWithParams() throws {
        let (out, _) = try runFeatures("""
            local scale
            function init(params) scale = params.scale * 10 end
            function features(row) return { y = scale } end
            """, outputs: [("y", .float64)], params: [("scale", .float(1.5))])
        #expect(out.column(named: "y")?.data == .float64([15, 15, 15, 15]))
    }

    @Test func randomIsSeededPerRowLine() throws {
        let source = "function features(row) return { r = math.random(1, 1000000) } end"
        let (a, _) = try runFeatures(source, outputs: [("r", .int64)])
        let (b, _) = try runFeatures(source, outputs: [("r", .int64)], batch: sampleBatch().gather([2, 3]))
        guard case .int64(let x) = a.column(named: "r")!.data, case .int64(let y) = b.column(named: "r")!.data else {
            Issue.record("not int64")
            return
        }
        // The same row (same input line) draws the same number whatever batch it is in.
        #expect(Array(x[2...]) == y)
        #expect(Set(x).count == 4)
    }
}
