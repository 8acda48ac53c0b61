import Foundation
import ScoreCore
import ScoreIO
import ScoreJobSpec
import ScoreModels
import ScoreLua
import ScoreRuntime
import ScoreBuiltins

/// The fuzz harness bodies, shared by the libFuzzer binaries (fuzz/harness/*.swift, built by
/// fuzz/run.sh) and the corpus replay test (Tests/ScoreFuzzTargetsTests). Each takes one input's
/// bytes; thrown errors are swallowed (an error is a fine answer to garbage), a crash or a trap is
/// the finding. Work is bounded by the input: readers stop at the end of the data, the Lua hook
/// has an instruction and memory budget.
public enum FuzzTargets {
    /// The target names, as fuzz/run.sh and the fuzz/corpus/ folders spell them.
    public static let names = ["csv", "jsonl", "spec", "parquet", "model-native", "model-xgboost", "model-lightgbm", "lua", "postgres-url"]

    /// Runs the named target on `data`; false for an unknown name.
    @discardableResult
    public static func run(_ name: String, _ data: [UInt8]) -> Bool {
        switch name {
        case "csv": csv(data)
        case "jsonl": jsonl(data)
        case "spec": spec(data)
        case "parquet": parquet(data)
        case "model-native": modelNative(data)
        case "model-xgboost": modelXGBoost(data)
        case "model-lightgbm": modelLightGBM(data)
        case "lua": lua(data)
        case "postgres-url": postgresURL(data)
        default: return false
        }
        return true
    }

    // MARK: - PostgreSQL connection strings

    /// A `url:` as a job gives it, parsed (libpq's PQconninfoParse and our own scan of the
    /// userinfo, through `redacted`) and shown for messages: it must never trap. Nothing connects.
    public static func postgresURL(_ data: [UInt8]) {
        let url = String(decoding: data.prefix(4096).filter { $0 != 0 }, as: UTF8.self)
        _ = PostgresURL.redacted(url)
    }

    // MARK: - Readers (through a temp file: the readers read file descriptors)

    /// Writes `data` to a fresh file in /tmp that is unlinked at once, and hands the body a path that
    /// reopens it (`/proc/self/fd/N`): nothing is left behind, even when the process dies mid-input
    /// (libFuzzer ends a campaign with `_exit`, which skips atexit handlers).
    private static func withTempFile(_ data: [UInt8], suffix: String, _ body: (String) throws -> Void) {
        var template = Array("/tmp/batchscore-fuzz-\(getpid())-XXXXXX\(suffix)".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        guard fd >= 0 else { return }
        unlink(String(cString: template))
        defer { close(fd) }
        var off = 0
        data.withUnsafeBytes { raw in
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        try? body("/proc/self/fd/\(fd)")
    }

    /// Drains a reader; the loop is bounded (each call consumes input or ends it).
    private static func drain(_ next: (Int) throws -> ReadResult?) throws {
        var calls = 0
        while let result = try next(7) {
            _ = result.batch.rowCount
            calls += 1
            if calls > 1_000_000 { fatalError("reader did not reach the end of a finite input") }
        }
    }

    /// The first byte picks the options (delimiter, header, declared types); the rest is the file.
    public static func csv(_ data: [UInt8]) {
        let flags = data.first ?? 0
        var options = CSVReader.Options()
        options.delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")][Int(flags & 3)]
        options.header = flags & 4 == 0
        if flags & 8 != 0 { options.columns = [("a", .int64), ("b", .float64), ("c", .string), ("d", .bool)] }
        options.inferRows = flags & 16 != 0 ? 1 : 1000
        if flags & 32 != 0 { options.maxRecordBytes = 64 }
        let requirements = flags & 64 != 0 ? ReaderRequirements(numericColumns: ["a", "b"]) : ReaderRequirements()
        withTempFile(Array(data.dropFirst()), suffix: ".csv") { path in
            let reader = try CSVReader(path: path, sourceName: "fuzz.csv", options: options, requirements: requirements)
            try drain { try reader.next(maxRows: $0) }
        }
    }

    /// The first byte picks the options; the rest is the file.
    public static func jsonl(_ data: [UInt8]) {
        let flags = data.first ?? 0
        var options = JSONLReader.Options()
        if flags & 1 != 0 { options.columns = [("a", .int64), ("b", .float64), ("c", .string), ("d", .bool)] }
        options.inferRows = flags & 2 != 0 ? 1 : 1000
        if flags & 4 != 0 { options.maxRecordBytes = 64 }
        let requirements = flags & 8 != 0 ? ReaderRequirements(numericColumns: ["a", "b"]) : ReaderRequirements()
        withTempFile(Array(data.dropFirst()), suffix: ".jsonl") { path in
            let reader = try JSONLReader(path: path, sourceName: "fuzz.jsonl", options: options, requirements: requirements)
            try drain { try reader.next(maxRows: $0) }
        }
    }

    /// The whole input is a Parquet file: footer, schema, page headers, codecs and encodings are
    /// all reached by reading every row of every column.
    public static func parquet(_ data: [UInt8]) {
        withTempFile(data, suffix: ".parquet") { path in
            let reader = try ParquetReader(path: path)
            try drain { try reader.next(maxRows: $0) }
        }
    }

    // MARK: - Job spec (YAML loader and checker, from text)

    private static let registry = BuiltinPlugins.registry

    /// The input is a job file (any bytes: invalid UTF-8 is repaired as the file loader would see it).
    public static func spec(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        _ = try? JobSpecLoader.load(text: text, fileName: "/tmp/batchscore-fuzz-spec/job.yaml", registry: registry,
                                    environment: ["HOME": "/tmp", "FUZZ": "x"])
        // The same YAML as a plugin manifest: its checks (param types, bounds, defaults) run on the same tree.
        _ = try? PluginManifestLoader.load(text: text, file: "plugin.yaml", folderName: nil)
    }

    // MARK: - Model loaders (from bytes)

    public static func modelNative(_ data: [UInt8]) {
        _ = try? NativeModelFormat.load(bytes: data, path: "fuzz-model.json")
    }

    public static func modelXGBoost(_ data: [UInt8]) {
        _ = try? XGBoostFormat.load(bytes: data, path: "fuzz-xgboost.json")
    }

    public static func modelLightGBM(_ data: [UInt8]) {
        _ = try? LightGBMFormat.load(bytes: data, path: "fuzz-lightgbm.txt")
    }

    // MARK: - Lua marshalling round trip

    /// A recipe of typed values, sent through a hook that returns them, checked bit for bit.
    public struct LuaRecipe: Equatable {
        public var columnar: Bool
        public var ints: [Int64?]
        public var floats: [Double?]
        public var strings: [[UInt8]?]
        public var bools: [Bool?]

        /// Byte 0: bit 0 columnar form, bits 1-3 row count - 1 (1...8). Then per row: a null mask
        /// byte, 8 bytes int64, 8 bytes float64 bit pattern, a length byte (mod 24) and the string
        /// bytes (NULs allowed), a bool byte. Missing bytes read as 0.
        public init(_ data: [UInt8]) {
            var i = 0
            func byte() -> UInt8 { defer { i += 1 }; return i < data.count ? data[i] : 0 }
            func word() -> UInt64 { var w: UInt64 = 0; for k in 0 ..< 8 { w |= UInt64(byte()) << (8 * k) }; return w }
            let head = byte()
            columnar = head & 1 != 0
            let rows = Int((head >> 1) & 7) + 1
            ints = []; floats = []; strings = []; bools = []
            for _ in 0 ..< rows {
                let mask = byte()
                let iv = Int64(bitPattern: word()), fv = Double(bitPattern: word())
                let n = Int(byte()) % 24
                var s: [UInt8] = []
                for _ in 0 ..< n { s.append(byte()) }
                let bv = byte() & 1 != 0
                ints.append(mask & 1 != 0 ? nil : iv)
                floats.append(mask & 2 != 0 ? nil : fv)
                strings.append(mask & 4 != 0 ? nil : s)
                bools.append(mask & 8 != 0 ? nil : bv)
            }
        }
    }

    /// The hook copies each value and reports whether it was nil and what Lua type it saw (an int64
    /// must be a Lua integer, a float64 a Lua float). A nil output is an error in the bridge, so a
    /// null comes back as a placeholder plus a `*_nil` flag.
    static let rowHook = """
        local function pick(v, placeholder) if v == nil then return placeholder, true end return v, false end
        function features(row)
          local o = {}
          o.oi, o.ni = pick(row.i, 0)
          o.of, o.nf = pick(row.f, 0.0)
          o.os, o.ns = pick(row.s, "")
          o.ob, o.nb = pick(row.b, false)
          o.ti = row.i == nil or math.type(row.i) == "integer"
          o.tf = row.f == nil or math.type(row.f) == "float"
          o.ts = row.s == nil or type(row.s) == "string"
          o.tb = row.b == nil or type(row.b) == "boolean"
          return o
        end
        """

    static let batchHook = """
        function features_batch(cols, n)
          local o = { oi = {}, ni = {}, of = {}, nf = {}, os = {}, ns = {}, ob = {}, nb = {}, ti = {}, tf = {}, ts = {}, tb = {} }
          for r = 1, n do
            local i, f, s, b = cols.i[r], cols.f[r], cols.s[r], cols.b[r]
            o.oi[r] = i or 0; o.ni[r] = i == nil
            o.of[r] = f or 0.0; o.nf[r] = f == nil
            o.os[r] = s or ""; o.ns[r] = s == nil
            if b == nil then o.ob[r] = false else o.ob[r] = b end
            o.nb[r] = b == nil
            o.ti[r] = i == nil or math.type(i) == "integer"
            o.tf[r] = f == nil or math.type(f) == "float"
            o.ts[r] = s == nil or type(s) == "string"
            o.tb[r] = b == nil or type(b) == "boolean"
          end
          return o
        end
        """

    public static func lua(_ data: [UInt8]) {
        let recipe = LuaRecipe(data)
        let rows = recipe.ints.count
        func nulls<T>(_ values: [T?]) -> NullBitmap {
            var b = NullBitmap(count: 0)
            for v in values { b.append(isNull: v == nil) }
            return b
        }
        var origins = RowOrigins()
        for r in 0 ..< rows { origins.append(line: r + 2, record: "row \(r)") }
        var bytes: [UInt8] = [], offsets = [0]
        for s in recipe.strings { bytes += s ?? []; offsets.append(bytes.count) }
        let batch = Batch(columns: [
            Column(name: "i", data: .int64(recipe.ints.map { $0 ?? 0 }), nulls: nulls(recipe.ints)),
            Column(name: "f", data: .float64(recipe.floats.map { $0 ?? 0 }), nulls: nulls(recipe.floats)),
            Column(name: "s", data: .string(StringColumn(bytes: bytes, offsets: offsets)), nulls: nulls(recipe.strings)),
            Column(name: "b", data: .bool(recipe.bools.map { $0 ?? false }), nulls: nulls(recipe.bools)),
        ], origins: origins)
        let outputs: [(String, ColumnType)] = [
            ("oi", .int64), ("ni", .bool), ("of", .float64), ("nf", .bool), ("os", .string), ("ns", .bool),
            ("ob", .bool), ("nb", .bool), ("ti", .bool), ("tf", .bool), ("ts", .bool), ("tb", .bool),
        ]
        let definition = HookDefinition(
            name: "fuzz-roundtrip", source: recipe.columnar ? batchHook : rowHook, chunkName: "@roundtrip.lua",
            moduleRoot: nil, outputs: Schema(outputs.map { .init(name: $0.0, type: $0.1) }), params: [],
            onError: .quarantine, instructionsPerRow: 100_000, memoryLimit: 16 << 20, seed: 1,
            // NaN and infinities must survive the bridge bit for bit, so the step keeps them
            // (a features step rejects non-finite outputs by default).
            allowNonFinite: true)
        let step: LuaFeatureStep
        let out: Batch
        var verdicts = RowVerdicts(rowCount: rows)
        do {
            step = try LuaFeatureStep(definition)
            out = try step.apply(batch, verdicts: &verdicts)
        } catch {
            fatalError("lua round trip: the fixed hook failed: \(error)")
        }
        precondition(verdicts.keptRows() == Array(0 ..< rows), "lua round trip: rows rejected: \(verdicts.verdicts.map { $0.reason })")
        func column(_ name: String) -> Column {
            guard let c = out.column(named: name) else { fatalError("lua round trip: output '\(name)' missing") }
            return c
        }
        func flags(_ name: String) -> [Bool] {
            guard case .bool(let v) = column(name).data, v.count == rows else { fatalError("lua round trip: '\(name)' not bool") }
            return v
        }
        let ni = flags("ni"), nf = flags("nf"), ns = flags("ns"), nb = flags("nb")
        for name in ["ti", "tf", "ts", "tb"] {
            precondition(flags(name).allSatisfy { $0 }, "lua round trip: a value changed Lua type (\(name)): \(recipe)")
        }
        guard case .int64(let oi) = column("oi").data, case .float64(let of) = column("of").data,
              case .string(let os) = column("os").data, case .bool(let ob) = column("ob").data
        else { fatalError("lua round trip: output types changed") }
        for r in 0 ..< rows {
            precondition(ni[r] == (recipe.ints[r] == nil), "lua round trip: int64 null flag, row \(r): \(recipe)")
            precondition(nf[r] == (recipe.floats[r] == nil), "lua round trip: float64 null flag, row \(r): \(recipe)")
            precondition(ns[r] == (recipe.strings[r] == nil), "lua round trip: string null flag, row \(r): \(recipe)")
            precondition(nb[r] == (recipe.bools[r] == nil), "lua round trip: bool null flag, row \(r): \(recipe)")
            if let v = recipe.ints[r] { precondition(oi[r] == v, "lua round trip: int64 \(v) came back \(oi[r])") }
            if let v = recipe.floats[r] {
                precondition(of[r].bitPattern == v.bitPattern,
                             "lua round trip: float64 bits \(String(v.bitPattern, radix: 16)) came back \(String(of[r].bitPattern, radix: 16))")
            }
            if let v = recipe.strings[r] {
                let back = os.withBytes(r) { Array($0) }
                precondition(back == v, "lua round trip: string \(v) came back \(back)")
            }
            if let v = recipe.bools[r] { precondition(ob[r] == v, "lua round trip: bool \(v) came back \(ob[r])") }
        }
    }
}
