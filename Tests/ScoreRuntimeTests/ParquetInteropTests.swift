import Foundation
import ScoreCore
import ScoreIO
import Testing
@testable import ScoreRuntime
import BatchScoreTestKit

/// A Python interpreter that can import pyarrow and/or duckdb: the repo's `.venv` first, then
/// `python3` on PATH (where `.ci/run` pip-installs both).
enum InteropPython {
    struct Found {
        var executable: String
        var arguments: [String]
        var hasPyArrow: Bool
        var hasDuckDB: Bool
    }

    static let found: Found? = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { root.deleteLastPathComponent() }
        let candidates: [(String, [String])] = [
            (root.appendingPathComponent(".venv/bin/python").path, []),
            ("/usr/bin/env", ["python3"]),
        ]
        var best: Found?
        for (exe, args) in candidates where FileManager.default.isExecutableFile(atPath: exe) {
            let arrow = run(exe, args + ["-c", "import pyarrow"]).status == 0
            let duck = run(exe, args + ["-c", "import duckdb"]).status == 0
            if arrow && duck { return Found(executable: exe, arguments: args, hasPyArrow: true, hasDuckDB: true) }
            if (arrow || duck) && best == nil { best = Found(executable: exe, arguments: args, hasPyArrow: arrow, hasDuckDB: duck) }
        }
        return best
    }()

    static func run(_ exe: String, _ args: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Files the parquet writer produces read back identically with pyarrow and DuckDB.
@Suite(.enabled(if: InteropPython.found != nil,
                "neither pyarrow nor duckdb is importable (tried .venv/bin/python and python3 on PATH; `pip install pyarrow duckdb`): Parquet interop skipped"))
struct ParquetInteropTests {
    /// Reads `file` with pyarrow and DuckDB and compares every value with `expected.json`:
    /// {"types": {col: "int"|"float"|"bool"|"string"}, "columns": {col: [text or null, ...]}, "names": [...]}.
    static let script = #"""
        import json, math, sys
        path, expected_path, use_arrow, use_duck = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1"
        spec = json.load(open(expected_path))
        names, types = spec["names"], spec["types"]
        conv = {"int": int, "float": float, "bool": lambda s: s == "true", "string": str}
        expected = {n: [None if v is None else conv[types[n]](v) for v in spec["columns"][n]] for n in names}
        def same(a, b):
            if isinstance(a, float) and isinstance(b, float):
                return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
            return type(a) == type(b) and a == b
        problems = []
        def check(tool, got):
            for n in names:
                col = got[n]
                if len(col) != len(expected[n]):
                    problems.append(f"{tool}: {n}: {len(col)} rows, expected {len(expected[n])}"); continue
                for i, (a, b) in enumerate(zip(col, expected[n])):
                    if not ((a is None and b is None) or (a is not None and b is not None and same(a, b))):
                        problems.append(f"{tool}: {n}[{i}] = {a!r}, expected {b!r}"); break
        if use_arrow:
            import pyarrow.parquet as pq
            table = pq.read_table(path)
            arrow_types = {"int": "int64", "float": "double", "bool": "bool", "string": "string"}
            for n in names:
                if str(table.schema.field(n).type) != arrow_types[types[n]]:
                    problems.append(f"pyarrow: {n} is {table.schema.field(n).type}")
            check("pyarrow", {n: table.column(n).to_pylist() for n in names})
            meta = pq.ParquetFile(path).metadata
            for g in range(meta.num_row_groups):
                for c in range(meta.num_columns):
                    st = meta.row_group(g).column(c).statistics
                    if st is None or not st.has_null_count:
                        problems.append(f"pyarrow: row group {g} column {c} has no statistics")
            if not meta.created_by.startswith("batchscore"):
                problems.append(f"created_by {meta.created_by!r}")
        if use_duck:
            import duckdb
            cols = ", ".join('"' + n.replace('"', '""') + '"' for n in names)
            rows = duckdb.sql(f"select {cols} from '{path}'").fetchall()
            check("duckdb", {n: [r[i] for r in rows] for i, n in enumerate(names)})
        if problems:
            print("\n".join(problems[:20])); sys.exit(1)
        print("OK")
        """#

    /// Rows with every type, nulls, empty and non-ASCII strings, extreme values; several row groups.
    static func batch(rows: Int) -> Batch {
        var ids: [Int64] = [], xs: [Double] = [], flags: [Bool] = [], labels = StringColumn(), uniques = StringColumn()
        var n1 = NullBitmap(), n2 = NullBitmap(), n3 = NullBitmap(), n4 = NullBitmap()
        for i in 0 ..< rows {
            ids.append([Int64.min, Int64.max, 0, Int64(i) * 7919][i % 4]); n1.append(isNull: i % 11 == 10)
            xs.append([-0.0, 1e308, -Double.leastNonzeroMagnitude, Double(i) / 7][i % 4]); n2.append(isNull: i % 5 == 4)
            flags.append(i % 3 == 0); n3.append(isNull: i % 7 == 6)
            labels.append(["", "a", "ünïcødé ✓", "quote\"s,commas"][i % 4]); n4.append(isNull: i % 13 == 12)
            uniques.append("row-\(i)")
        }
        var origins = RowOrigins()
        for i in 0 ..< rows { origins.append(line: i + 1, record: "") }
        return Batch(columns: [
            Column(name: "id", data: .int64(ids), nulls: n1), Column(name: "x", data: .float64(xs), nulls: n2),
            Column(name: "flag", data: .bool(flags), nulls: n3), Column(name: "label", data: .string(labels), nulls: n4),
            Column(name: "unique", data: .string(uniques)),
        ], origins: origins)
    }

    static func expectedJSON(_ batch: Batch) throws -> Data {
        var types: [String: String] = [:], columns: [String: [Any]] = [:]
        for c in batch.columns {
            types[c.name] = switch c.type { case .int64: "int"; case .float64: "float"; case .bool: "bool"; case .string: "string" }
            columns[c.name] = (0 ..< batch.rowCount).map { i -> Any in
                if c.isNull(i) { return NSNull() }
                switch c.data {
                case .float64(let v): return "\(v[i])"  // shortest round-trip text; Python's float() reads it exactly
                case .string(let s): return s[i]
                default: return c.text(at: i)!
                }
            }
        }
        return try JSONSerialization.data(withJSONObject: ["names": batch.columns.map(\.name), "types": types, "columns": columns])
    }

    @Test(arguments: ["snappy", "zstd", "gzip", "none"])
    func pyarrowAndDuckDBReadBackIdenticalValues(compression: String) throws {
        let python = try #require(InteropPython.found)
        let dir = try TempDir()
        let batch = Self.batch(rows: 2500)
        let path = dir.path + "/interop.parquet"
        let codec: ParquetCodec = ["snappy": .snappy, "zstd": .zstd, "gzip": .gzip, "none": .uncompressed][compression]!
        // Small row groups, pages and dictionary limit: several row groups, and the `unique` column falls back to PLAIN.
        let writer = try ParquetWriter(path: path, schema: batch.schema,
                                       options: .init(codec: codec, rowGroupRows: 1000, pageRows: 300,
                                                      maxDictionaryEntries: 500, createdBy: "batchscore test"))
        try writer.write(batch)
        try writer.commit()
        try Self.expectedJSON(batch).write(to: URL(fileURLWithPath: dir.path + "/expected.json"))
        try Self.script.write(toFile: dir.path + "/check.py", atomically: true, encoding: .utf8)
        let result = InteropPython.run(python.executable, python.arguments + [
            dir.path + "/check.py", path, dir.path + "/expected.json",
            python.hasPyArrow ? "1" : "0", python.hasDuckDB ? "1" : "0",
        ])
        #expect(result.status == 0 && result.output.hasSuffix("OK\n"), "\(result.output)")
    }
}

/// A whole job writing Parquet: CSV in, passthrough + prediction + confidence out, read back by our reader.
struct ParquetWriterJobTests {
    @Test func aCSVJobWritesParquetThatReadsBack() throws {
        let dir = try TempDir()
        try dir.write("model.json", smallModel)
        try dir.write("data.csv", "id,name,a,b\n1,x,1,0.5\n2,,3,-1\n3,héllo,5,2\n4,x,,1\n")
        try dir.write("job.yaml", """
            version: 1
            name: parquet-out
            reader: { type: csv, path: data.csv }
            model: { path: model.json }
            output: { passthrough: [id, name] }
            writer: { type: parquet, path: out/pred.parquet, compression: zstd, row_group_rows: 2 }
            """)
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        _ = summary
        let path = dir.path + "/out/pred.parquet"
        let file = try ParquetFile(path: path)
        #expect(file.metadata.createdBy == "batchscore \(BatchScoreVersion.current)")
        #expect(file.metadata.rowGroups.allSatisfy { $0.columns.allSatisfy { $0.metaData?.codec == .zstd } })
        let reader = try ParquetReader(path: path)
        #expect(reader.schema.names == ["id", "name", "prediction", "confidence"])
        var rows: [[String?]] = []
        while let r = try reader.next(maxRows: 100) {
            for i in 0 ..< r.batch.rowCount { rows.append(r.batch.columns.map { $0.isNull(i) ? nil : $0.text(at: i) }) }
        }
        // Row 4 lacks feature `a`, so it goes to the quarantine; the CSV's empty name is a null.
        #expect(rows.map { Array($0.prefix(3)) } == [["1", "x", "1"], ["2", nil, "0"], ["3", "héllo", "1"]], "\(rows)")
        // z = (a - 1) / 2 + b: 0.5, 0, 4; the confidence is the predicted class's probability, sigmoid(|z|).
        let confidences = rows.map { Double($0[3] ?? "") ?? .nan }
        for (c, z) in zip(confidences, [0.5, 0.0, 4.0]) { #expect(abs(c - 1 / (1 + exp(-z))) < 1e-9, "\(rows)") }
    }
}
