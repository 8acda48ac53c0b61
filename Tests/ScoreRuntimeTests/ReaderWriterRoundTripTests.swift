import Foundation
import Testing
import ScoreBuiltins
import ScoreCore
import ScoreIO
import BatchScoreTestKit

/// One batch with nulls, unicode, empty strings and every column type, written by every registered
/// writer and read back by the registered reader of the same format: the same values, the same nulls.
struct ReaderWriterRoundTripTests {
    static let schema = Schema([
        .init(name: "id", type: .int64), .init(name: "score", type: .float64),
        .init(name: "label", type: .string), .init(name: "flag", type: .bool),
    ])

    /// Row r's values as (int64, float64, string, bool), nil for null.
    static let rows: [(Int64?, Double?, String?, Bool?)] = [
        (1, 0.5, "plain", true),
        (nil, nil, nil, nil),                                  // every column null
        (-9_223_372_036_854_775_808, -0.0, "", false),         // Int64.min, negative zero, the empty string
        (9_223_372_036_854_775_807, 1e300, "é漢字🙂", true),     // Int64.max, a huge double, multi-byte UTF-8
        (0, Double.leastNonzeroMagnitude, "a,b \"quoted\"\nsecond line", nil),      // the smallest subnormal; CSV's special characters
        (42, 0.1 + 0.2, " spaced ", false),                    // a shortest-repr test; spaces kept
        (-1, -123456.789, "{\"json\": [1, 2]}", true),       // JSON's special characters inside a string
        (7, nil, "\\backslash\t tab", nil),
    ]

    static func batch() -> Batch {
        var ids: [Int64] = [], scores: [Double] = [], labels = StringColumn(), flags: [Bool] = []
        var nulls = (NullBitmap(count: rows.count), NullBitmap(count: rows.count), NullBitmap(count: rows.count), NullBitmap(count: rows.count))
        var origins = RowOrigins()
        for (r, row) in rows.enumerated() {
            origins.append(line: r + 2, record: "")
            ids.append(row.0 ?? 0); if row.0 == nil { nulls.0.setNull(r) }
            scores.append(row.1 ?? 0); if row.1 == nil { nulls.1.setNull(r) }
            labels.append(row.2 ?? ""); if row.2 == nil { nulls.2.setNull(r) }
            flags.append(row.3 ?? false); if row.3 == nil { nulls.3.setNull(r) }
        }
        return Batch(columns: [
            Column(name: "id", data: .int64(ids), nulls: nulls.0),
            Column(name: "score", data: .float64(scores), nulls: nulls.1),
            Column(name: "label", data: .string(labels), nulls: nulls.2),
            Column(name: "flag", data: .bool(flags), nulls: nulls.3),
        ], origins: origins)
    }

    /// Every cell as text that tells every value apart (doubles by their bits), "null" for null.
    static func cells(_ batch: Batch) -> [[String]] {
        (0 ..< batch.rowCount).map { r in
            batch.columns.map { column in
                if column.isNull(r) { return "null" }
                switch column.data {
                case .int64(let v): return "\(v[r])"
                case .float64(let v): return "\(v[r]) bits \(String(v[r].bitPattern, radix: 16))"
                case .bool(let v): return "\(v[r])"
                case .string(let s): return "'" + String(decoding: s.bytes[s.offsets[r] ..< s.offsets[r + 1]], as: UTF8.self) + "'"
                }
            }
        }
    }

    static func section(_ keyPath: String, _ entries: [String: ConfigValue]) -> ConfigSection {
        ConfigSection(keyPath: keyPath, location: nil, entries: entries.map { ($0.key, .init(value: $0.value, location: nil)) })
    }

    static let formats: [String] = {
        let registry = BuiltinPlugins.registry
        return registry.writers.keys.filter { registry.readers[$0] != nil }.sorted()
    }()

    @Test func everyFormatWithAReaderAndAWriterIsCovered() {
        #expect(Self.formats == ["csv", "jsonl", "parquet", "postgres"])
    }

    @Test(arguments: formats)
    func aBatchWithEveryTypeRoundTrips(format: String) throws {
        let dir = try TempDir()
        let registry = BuiltinPlugins.registry
        let context = PluginContext(jobFile: dir.path + "/job.yaml", baseDirectory: dir.path)
        let file = "out." + format
        var writerSection: [String: ConfigValue] = ["type": .string(format), "path": .string(file)]
        var readerSection = writerSection
        if format == "postgres" {
            guard let pg = TestPostgres.available else {
                #expect(!TestPostgres.required, "\(TestPostgres.unavailableReason)")
                print("postgres round trip skipped: \(TestPostgres.unavailableReason)")
                return
            }
            let table = TestPostgres.uniqueName("roundtrip")
            writerSection = ["type": .string(format), "url": .string(pg.url), "table": .string(table)]
            readerSection = ["type": .string(format), "url": .string(pg.url), "query": .string("SELECT * FROM \(table)")]
        }
        let writer = try #require(registry.writers[format]).make(Self.section("writer", writerSection), context, Self.schema)
        try writer.write(Self.batch())
        try writer.commit()

        // The reader is told every column's type, as a schema validator would pin them.
        let pinned = Dictionary(uniqueKeysWithValues: Self.schema.fields.map { ($0.name, $0.type) })
        let reader = try #require(registry.readers[format]).make(
            Self.section("reader", readerSection), context, ReaderRequirements(numericColumns: [], columnTypes: pinned))
        #expect(reader.schema == Self.schema)
        var read: [[String]] = []
        var rejections: [Rejection] = []
        while let next = try reader.next(maxRows: 3) {
            read += Self.cells(next.batch)
            rejections += next.rejections
        }
        #expect(rejections.isEmpty, "\(rejections.map(\.reason))")
        var written = Self.cells(Self.batch())
        if format == "postgres" {
            // A table has no row order of its own: compare the rows as sets.
            read.sort { $0.joined(separator: "|") < $1.joined(separator: "|") }
            written.sort { $0.joined(separator: "|") < $1.joined(separator: "|") }
        }
        #expect(read.count == written.count)
        for (r, (got, want)) in zip(read, written).enumerated() {
            #expect(got == want, "\(format), row \(r)")
        }
    }
}
