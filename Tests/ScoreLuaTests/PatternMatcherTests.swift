import Testing
import CLuaBridge
import ScoreCore
@testable import ScoreLua

/// The sandbox's own pattern matcher: the same results and errors as stock Lua 5.4, and a
/// runaway match stopped by the instruction budget.
@Suite struct PatternMatcherTests {
    /// Runs `chunk` in the sandbox (or, `stock`, in a plain Lua state); its result or error as text.
    func evaluate(_ chunk: String, stock: Bool, budget: Int64 = 4_000_000_000) -> (failed: Bool, text: String) {
        var out = bs_buffer(data: nil, length: 0, capacity: 0)
        defer { bs_buffer_free(&out) }
        let bytes = Array(chunk.utf8)
        var failed: Int32
        if stock {
            failed = bs_eval_stock(bytes.map { CChar(bitPattern: $0) }, bytes.count, &out)
        } else {
            var err = [CChar](repeating: 0, count: 256)
            let s = bs_open(256 << 20, 42, &err, err.count)!
            defer { bs_close(s) }
            failed = bs_eval(s, bytes.map { CChar(bitPattern: $0) }, bytes.count, budget, &out)
        }
        let text = out.data.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: out.length), as: UTF8.self) } ?? ""
        return (failed != 0, text)
    }

    /// Lua that runs every case and returns one line per case: the results or the error.
    static let harness = #"""
    local out = {}
    local function show(...)
      local t = table.pack(...)
      for i = 1, t.n do t[i] = type(t[i]) == "string" and string.format("%q", t[i]) or tostring(t[i]) end
      return table.concat(t, " ", 1, t.n)
    end
    local function gm(s, p, init)
      local t = {}
      for a, b, c in string.gmatch(s, p, init) do
        t[#t + 1] = show(a, b, c)
        if #t > 200 then break end
      end
      return table.concat(t, "|")
    end
    local function case(name, f, ...)
      out[#out + 1] = name .. " => " .. show(pcall(f, ...))
    end
    local repls = {
      "<%0>", "%1-%2", "%%", "x%", "%a", "%9", "", "[%1]",
      { a = "A", b = true, ab = false, ["("] = "P" }, { a = {} },
      function(a, b) return a and (a .. "!") end, function() return false end, function() return {} end,
      5, 2.5, nil, true,
    }
    local patterns = {
      "", "a", ".", "a*", "a+", "a-", "a?", "^a", "a$", "^$", "^a*$", "(a)", "(a*)(b)", "()", "()a()",
      "(a)%1", "(%w+)%s*=%s*(%w+)", "%d+", "%D+", "%a+", "%A", "%c", "%g+", "%l+", "%u+", "%p", "%P+",
      "%s+", "%S+", "%w+", "%W", "%x+", "%X", "[abc]", "[^abc]+", "[a-c]+", "[%d%s]+", "[^%w]", "[]]", "[^]]",
      "[a-]", "[-a]", "[%]]", "[a%-z]", "%bxy", "%b()", "%b((", "%f[%w]%w+", "%f[%W]", "%f[a]", "%f[^a]",
      ".-b", ".-", ".*", ".*b", "a.-a", "(.-)%s*$", "^(.-)%s*$", "%s*$", "x*$", "(h)(e)(l)(l)(o)", "((a)(b))",
      "(a(b)c)%2", "[%a_][%w_]*", "%.", "%%", "%", "%z", "[a", "[", "[^", "(a", "a)", ")", "%1", "(%1)", "(a)%2",
      "%f", "%fa", "%b", "%ba", "(()a)", "a%", "^", "$", "$a", "a$b", "^^", "[%", "[a-%%]", "[%a-z]", "\0", "a\0b",
      "(a?)(a?)", "a-$", "b*", "(x*)", "%", "[^%s]", "[.]", "[*+?]+", "(()())", ".?.?.?", "[b-a]",
    }
    local subjects = {
      "", "a", "aaa", "abc", "aab", "bba", "hello world", "  hi  ", "key = value", "x(a(b)c)y", "xay", "a.b%c",
      "THE (quick) fox", "a\0b", "  ", "abab", "((()))", "]", "x-y", "\n\t ", "12ab34", "a\200b",
    }
    for _, p in ipairs(patterns) do
      for _, s in ipairs(subjects) do
        local tag = string.format("%q %q", p, s)
        case("find " .. tag, string.find, s, p)
        case("match " .. tag, string.match, s, p)
        case("gmatch " .. tag, gm, s, p)
        case("gsub " .. tag, string.gsub, s, p, "<%0>")
      end
    end
    -- init arguments, including negative ones and beyond either end.
    for _, init in ipairs({ -100, -3, -1, 0, 1, 2, 3, 4, 5, 6, 50 }) do
      for _, p in ipairs({ "a", "", "b+", "^a", "()", "a*" }) do
        local tag = string.format("%q %d", p, init)
        case("find init " .. tag, string.find, "aabab", p, init)
        case("match init " .. tag, string.match, "aabab", p, init)
        case("gmatch init " .. tag, gm, "aabab", p, init)
        case("plain init " .. tag, string.find, "a.b*a(b", p, init, true)
      end
    end
    for _, p in ipairs({ ".", "*", "(", "%", "a(b", "b*a", "", "[" }) do
      case("plain " .. p, string.find, "a.b*a(b%[", p, 1, true)
    end
    -- replacements and max-n.
    for i, r in pairs(repls) do
      for _, p in ipairs({ "a", "(a)(b)", "", "()", "(a)", "%w+", "^a", "x*" }) do
        for _, n in ipairs({ -1, 0, 1, 2, 100 }) do
          case(string.format("gsub repl %d %q %d", i, p, n), string.gsub, "ab a(b) aab", p, r, n)
        end
        case(string.format("gsub repl %d %q", i, p), string.gsub, "ab a(b) aab", p, r)
      end
    end
    case("gsub no repl", string.gsub, "abc", "b")
    case("gsub bad n", string.gsub, "abc", "b", "x", "many")
    case("find no pattern", string.find, "abc")
    case("find number subject", string.find, 12345, 3)
    case("match method", function() return ("key=val"):match("(%w+)=(%w+)") end)
    case("find method", function() return ("  x"):find("%S") end)
    case("gsub method", function() return ("hello"):gsub("l", "L") end)
    case("gmatch method", function() local t = {} for w in ("one two"):gmatch("%a+") do t[#t+1] = w end return table.concat(t, ",") end)
    -- Limits: captures and recursion depth.
    case("too many captures", string.find, ("a"):rep(40), ("(a)"):rep(40))
    case("32 captures", string.match, ("a"):rep(32), ("(a)"):rep(32))
    case("too complex", string.find, ("a"):rep(300), ("a?"):rep(300))
    case("199 levels", string.find, ("a"):rep(199), ("a?"):rep(199))
    case("deep captures", string.find, ("a"):rep(100), ("(a*)"):rep(30))
    case("backref long", string.find, ("ab"):rep(50) .. ("ab"):rep(50), "^(" .. ("ab"):rep(50) .. ")%1$")
    -- Random patterns and subjects from a small alphabet, with a fixed seed (a plain LCG, the
    -- same in both states: math.random is seeded per job in the sandbox).
    local seed = 20261207
    local function rand(n)
      seed = (seed * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff
      return (seed >> 33) % n + 1
    end
    local palphabet = { "a", "b", ".", "%a", "%d", "[ab]", "[^a]", "*", "+", "-", "?", "(", ")", "^", "$", "%1", "%b()", "%f[a]", "()", "1", "%" }
    local salphabet = { "a", "b", "1", "(", ")", " " }
    for i = 1, 600 do
      local p, s = {}, {}
      for _ = 1, rand(6) do p[#p + 1] = palphabet[rand(#palphabet)] end
      for _ = 1, rand(12) - 1 do s[#s + 1] = salphabet[rand(#salphabet)] end
      p, s = table.concat(p), table.concat(s)
      local init = rand(9) - 4
      local tag = string.format("random %d %q %q %d", i, p, s, init)
      case("find " .. tag, string.find, s, p, init)
      case("match " .. tag, string.match, s, p, init)
      case("gmatch " .. tag, gm, s, p, init)
      case("gsub " .. tag, string.gsub, s, p, "[%0]", rand(4) - 1)
    end
    return table.concat(out, "\n")
    """#

    @Test func matchesStockLuaExactly() throws {
        let stock = evaluate(Self.harness, stock: true)
        let ours = evaluate(Self.harness, stock: false)
        #expect(!stock.failed, "\(stock.text)")
        #expect(!ours.failed, "\(ours.text)")
        let a = stock.text.split(separator: "\n", omittingEmptySubsequences: false)
        let b = ours.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(a.count == b.count)
        #expect(a.count > 5000, "the harness ran \(a.count) cases")
        var mismatches = 0
        for (x, y) in zip(a, b) where x != y {
            mismatches += 1
            if mismatches <= 20 { Issue.record("stock: \(x)\nours:  \(y)") }
        }
        #expect(mismatches == 0)
        // Every error the brief names is among the cases, so the comparison covered it.
        for message in ["malformed pattern (ends with '%')", "invalid capture index %1", "invalid pattern capture",
                        "missing '[' after '%f' in pattern", "unfinished capture", "pattern too complex",
                        "invalid replacement value (a table)", "invalid use of '%' in replacement string",
                        "malformed pattern (missing ']')", "missing arguments to '%b'", "too many captures"] {
            #expect(stock.text.contains(message), "no case raised \(message)")
        }
    }

    /// Runs `body` as a validator over one row whose `region` is `region`; row 0's reason.
    func reason(_ body: String, region: String = "north", instructions: Int = 1_000_000) throws -> String? {
        var origins = RowOrigins()
        origins.append(line: 2, record: "row 0")
        let batch = Batch(columns: [Column(name: "region", data: .string(StringColumn([region])))], origins: origins)
        let verdicts = try runValidate("function validate(row, params)\n\(body)\nend", batch: batch, instructions: instructions)
        return verdicts.reasons[0]
    }

    @Test(arguments: [
        "return string.find(('a'):rep(120000), '.*b') == nil",
        "return select(2, string.gsub(('a'):rep(1 << 20), '.-x', '')) == 0",
        "return ('a'):rep(1 << 20):find('%w+%d') == nil",
        "return ('('):rep(1 << 20):find('%b()') == nil",
        "return ('a'):rep(1 << 20):match('(.-)b') == nil",
        "for w in ('a'):rep(1 << 20):gmatch('a-b') do end return true",
        "return string.find(string.rep('a', 3000), '.-.-.-b') == nil",
        // pcall cannot swallow the budget: once spent, the next match raises again.
        "pcall(string.find, ('a'):rep(120000), '.*b') return string.find(('a'):rep(1000), '.*b') == nil",
    ])
    func runawayMatchesHitTheBudget(body: String) throws {
        let why = try reason(body)
        #expect(why?.contains("instruction budget of 1000000 exceeded") == true, "\(body) → \(why ?? "accepted")")
    }

    @Test func trailingWhitespaceOnAHugeFieldIsStopped() throws {
        // 100 KB of spaces and nothing else: `%s+` runs to the end at the first position and `$`
        // holds, so the match finishes (~10^5 steps, within the budget) and finds position 1.
        let spaces = String(repeating: " ", count: 100_000)
        #expect(try reason("return row.region:find('%s+$') == 1", region: spaces) == nil)
        // The same spaces before a last non-space byte: every start scans to the end and backs off,
        // ~5·10^9 steps in all (the 53 s row); the budget stops it.
        let why = try reason("return row.region:find('%s+$') == nil", region: spaces + "x")
        #expect(why?.contains("instruction budget of 1000000 exceeded") == true, "\(why ?? "accepted")")
    }

    @Test func ordinaryMatchesFitSmallBudgets() throws {
        #expect(try reason("return ('  hi  '):match('^%s*(.-)%s*$') == 'hi'", instructions: 1000) == nil)
        #expect(try reason("return select(2, string.gsub(string.rep('ab', 10000), 'a', 'x')) == 10000") == nil)
        #expect(try reason("return string.find(string.rep('a', 50000) .. '--?--', '--?--', 1, true) == 50001") == nil)
        #expect(try reason("return row.region:find('^n') == 1 and row.region:gsub('o', '0') == 'n0rth'") == nil)
    }
}
