import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

@Suite struct CSVWriterTests {
    static func sampleBatch() -> Batch {
        var nulls = NullBitmap(count: 4)
        nulls.setNull(2)
        var origins = RowOrigins()
        for i in 0 ..< 4 { origins.append(line: i + 2, record: "") }
        return Batch(columns: [
            Column(name: "i", data: .int64([1, -2, 0, .min])),
            Column(name: "f", data: .float64([0.1, 1e-05, .nan, -.infinity]), nulls: nulls),
            Column(name: "b", data: .bool([true, false, true, false])),
            Column(name: "s", data: .string(StringColumn(["plain", "a,b", "", "q\"uote\nline"])), nulls: nulls),
        ], origins: origins)
    }

    @Test func formatsAndQuotes() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let batch = Self.sampleBatch()
        let writer = try CSVWriter(path: folder.file("out/x.csv"), schema: batch.schema)
        try writer.write(batch)
        try writer.commit()
        #expect(try folder.read("out/x.csv") == """
            i,f,b,s
            1,0.1,true,plain
            -2,1e-05,false,"a,b"
            0,,true,
            -9223372036854775808,-inf,false,"q""uote
            line"

            """)
    }

    /// Numeric cells read from a CSV are written back as they were typed (`1.50`, `+3`, ` 7`,
    /// `1e3`, a quoted `"42"` without its quotes); a computed column is formatted. With a
    /// delimiter that can occur in number text (`.`), such cells are quoted where needed.
    @Test func typedCellsPassThroughAsTyped() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let input = try folder.write("in.csv", "id,x,flag\na,1.50,TRUE\nb,+3,false\nc, 7,true\nd,1e3,False\ne,\"42\",true\nf,,true\n")
        var options = CSVReader.Options()
        options.columns = [("x", .float64), ("flag", .bool)]
        let reader = try CSVReader(path: input, options: options)
        var batch = try #require(try reader.next(maxRows: 100))
        batch.batch.setColumn(Column(name: "twice", data: .float64([3, 6, 14, 2000, 84, 0])))
        let schema = Schema([.init(name: "id", type: .string), .init(name: "x", type: .float64),
                             .init(name: "flag", type: .bool), .init(name: "twice", type: .float64)])
        for (delimiter, expected) in [
            (UInt8(ascii: ","), "id,x,flag,twice\na,1.50,TRUE,3\nb,+3,false,6\nc, 7,true,14\nd,1e3,False,2000\ne,42,true,84\nf,,true,0\n"),
            (UInt8(ascii: "."), "id.x.flag.twice\na.\"1.50\".TRUE.3\nb.+3.false.6\nc. 7.true.14\nd.1e3.False.2000\ne.42.true.84\nf..true.0\n"),
        ] {
            let path = folder.file("out-\(delimiter).csv")
            let writer = try CSVWriter(path: path, schema: schema, options: .init(delimiter: delimiter))
            try writer.write(batch.batch)
            try writer.commit()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
        }
        #expect(CSVFormatting.sourceTextIsPlain(delimiter: UInt8(ascii: ",")))
        #expect(CSVFormatting.sourceTextIsPlain(delimiter: UInt8(ascii: "|")))
        for d in ["\t", " ", ".", "-", "+", "e", "N", "5"] {
            #expect(!CSVFormatting.sourceTextIsPlain(delimiter: d.utf8.first!), "\(d)")
        }
    }

    @Test func roundTrip() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        var rng = SystemRandomNumberGenerator()
        let rows = 3000
        var origins = RowOrigins()
        for i in 0 ..< rows { origins.append(line: i, record: "") }
        var nulls = NullBitmap(count: rows)
        for r in stride(from: 5, to: rows, by: 17) { nulls.setNull(r) }
        let alphabet = Array("ab ,\"\n\r;é")
        let strings = (0 ..< rows).map { _ in String((0 ..< Int.random(in: 0 ... 6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
        let batch = Batch(columns: [
            Column(name: "f", data: .float64((0 ..< rows).map { _ in Double(bitPattern: rng.next()) }), nulls: nulls),
            Column(name: "i", data: .int64((0 ..< rows).map { _ in Int64(bitPattern: rng.next()) })),
            Column(name: "b", data: .bool((0 ..< rows).map { _ in Bool.random(using: &rng) }), nulls: nulls),
            Column(name: "s", data: .string(StringColumn(strings)), nulls: nulls),
        ], origins: origins)
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")] {
            let path = folder.file("rt.csv")
            let writer = try CSVWriter(path: path, schema: batch.schema, options: .init(delimiter: delimiter))
            try writer.write(batch.gather(Array(0 ..< 1000)))
            try writer.write(batch.gather(Array(1000 ..< rows)))
            try writer.commit()
            let reader = try CSVReader(path: path, options: .init(delimiter: delimiter, columns: batch.schema.fields.map { ($0.name, $0.type) }))
            let back = try #require(try reader.next(maxRows: 1 << 20))
            #expect(back.rejections.isEmpty)
            #expect(back.batch.rowCount == rows)
            for c in 0 ..< batch.columns.count {
                for r in 0 ..< rows {
                    #expect(back.batch.columns[c].text(at: r) == batch.columns[c].text(at: r), "column \(c) row \(r)")
                }
            }
        }
    }

    @Test func singleColumnNullsKeepTheirRow() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        var nulls = NullBitmap(count: 3)
        nulls.setNull(1)
        var origins = RowOrigins()
        for i in 0 ..< 3 { origins.append(line: i, record: "") }
        let batch = Batch(columns: [Column(name: "x", data: .float64([1, 0, 2]), nulls: nulls)], origins: origins)
        let writer = try CSVWriter(path: folder.file("one.csv"), schema: batch.schema)
        try writer.write(batch)
        try writer.commit()
        #expect(try folder.read("one.csv") == "x\n1\n\"\"\n2\n")
        // Read back as a number, `""` is null again (as text it would be an empty string).
        let back = try drain(try CSVReader(path: folder.file("one.csv"), options: .init(columns: [("x", .float64)])))
        #expect(back.rows.count == 3)
        #expect(back.rows[1] == [nil])
    }

    @Test func atomicCommitAndAbort() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let batch = Self.sampleBatch()
        let writer = try CSVWriter(path: folder.file("a.csv"), schema: batch.schema)
        try writer.write(batch)
        #expect(!folder.exists("a.csv"))
        #expect(try folder.entries() == [".a.csv.batchscore-tmp"])
        try writer.commit()
        #expect(try folder.entries() == ["a.csv"])

        let aborted = try CSVWriter(path: folder.file("b.csv"), schema: batch.schema)
        try aborted.write(batch)
        aborted.abort()
        #expect(try folder.entries() == ["a.csv"])

        // Abort never touches an existing target; commit replaces it whole.
        let replaced = try CSVWriter(path: folder.file("a.csv"), schema: Schema([.init(name: "i", type: .int64)]))
        replaced.abort()
        #expect(try folder.read("a.csv").hasPrefix("i,f,b,s\n"))
        let empty = try CSVWriter(path: folder.file("a.csv"), schema: Schema([.init(name: "i", type: .int64)]))
        try empty.commit()
        #expect(try folder.read("a.csv") == "i\n")
    }

    @Test func atomicFileRewritesOnRetry() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let file = try AtomicOutputFile(path: folder.file("deep/er/r.bin"))
        try file.write(Array("hello ".utf8))
        #expect(file.offset == 6)
        try file.write(Array("world".utf8))
        try file.commit()
        try file.commit()  // a second commit is a no-op
        #expect(try folder.read("deep/er/r.bin") == "hello world")
        #expect(throws: OutputError.self) { try file.write([1]) }
    }

    @Test func quarantineBytes() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let quarantine = try QuarantineWriter(path: folder.file("q/rejected.csv"), source: "data/in.csv")
        try quarantine.append([
            Rejection(line: 7, stage: "parse", rule: "field_count", reason: "expected 3 fields, found 2", record: "1,2"),
            Rejection(line: 9, stage: "validate", rule: "range", reason: "column 'age': 130 is above 120",
                      record: "x,\"a, \"\"b\"\"\nc\",130"),
        ])
        try quarantine.append([])
        try quarantine.append([Rejection(line: 12, stage: "parse", rule: "type", reason: "column 'n': '' is not a number", record: "")])
        #expect(!folder.exists("q/rejected.csv"))
        try quarantine.commit()
        #expect(try folder.read("q/rejected.csv") == #"""
            source,line,stage,rule,reason,record
            data/in.csv,7,parse,field_count,"expected 3 fields, found 2","1,2"
            data/in.csv,9,validate,range,column 'age': 130 is above 120,"x,""a, """"b""""
            c"",130"
            data/in.csv,12,parse,type,column 'n': '' is not a number,""

            """#)
    }
}
