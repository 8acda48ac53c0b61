import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

@Suite struct JSONLWriterTests {
    static let schema = Schema([
        .init(name: "id", type: .int64), .init(name: "p", type: .float64),
        .init(name: "ok", type: .bool), .init(name: "note \"q\"", type: .string),
    ])

    func batch() -> Batch {
        var nulls = NullBitmap(count: 3)
        nulls.setNull(2)
        var origins = RowOrigins()
        for i in 1 ... 3 { origins.append(line: i, record: "") }
        return Batch(columns: [
            Column(name: "id", data: .int64([1, -2, 3])),
            Column(name: "p", data: .float64([0.1, 1e-7, .nan]), nulls: nil),
            Column(name: "ok", data: .bool([true, false, false]), nulls: nulls),  // a null's placeholder is false
            Column(name: "note \"q\"", data: .string(StringColumn(["a\"b\\c", "line\nbreak\t\u{1}é", ""]))),
        ], origins: origins)
    }

    @Test func writesOneEscapedObjectPerRowAtomically() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let writer = try JSONLWriter(path: folder.file("out/p.jsonl"), schema: Self.schema)
        try writer.write(batch())
        try writer.prepare()
        #expect(!folder.exists("out/p.jsonl"))
        try writer.commit()
        #expect(try folder.read("out/p.jsonl") == """
            {"id":1,"p":0.1,"ok":true,"note \\"q\\"":"a\\"b\\\\c"}
            {"id":-2,"p":1e-07,"ok":false,"note \\"q\\"":"line\\nbreak\\t\\u0001é"}
            {"id":3,"p":null,"ok":null,"note \\"q\\"":""}

            """)
    }

    @Test func roundTripsThroughTheReader() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let writer = try JSONLWriter(path: folder.file("p.jsonl"), schema: Self.schema)
        var b = batch()
        b.columns[1] = Column(name: "p", data: .float64([0.1, 1e-7, 123456.789]))
        try writer.write(b)
        try writer.commit()
        let options = JSONLReader.Options(columns: Self.schema.fields.map { ($0.name, $0.type) })
        let reader = try JSONLReader(path: folder.file("p.jsonl"), options: options)
        let read = try #require(try reader.next(maxRows: 10))
        #expect(read.rejections.isEmpty)
        #expect(read.batch.columns == b.columns)
    }

    @Test func abortLeavesNothingAndInvalidUTF8IsRepaired() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let schema = Schema([.init(name: "s", type: .string)])
        let writer = try JSONLWriter(path: folder.file("p.jsonl"), schema: schema)
        var origins = RowOrigins()
        origins.append(line: 1, record: "")
        try writer.write(Batch(columns: [Column(name: "s", data: .string(StringColumn(bytes: [0x61, 0xFF], offsets: [0, 2])))],
                               origins: origins))
        writer.abort()
        #expect(try folder.entries().isEmpty)
        let second = try JSONLWriter(path: folder.file("p.jsonl"), schema: schema)
        try second.write(Batch(columns: [Column(name: "s", data: .string(StringColumn(bytes: [0x61, 0xFF], offsets: [0, 2])))],
                               origins: origins))
        try second.commit()
        #expect(try folder.read("p.jsonl") == "{\"s\":\"a\u{FFFD}\"}\n")
    }

    @Test func quarantineCannotBeStdout() {
        #expect(throws: OutputError.self) { _ = try QuarantineWriter(path: "-", source: "x") }
    }
}
