import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

@Suite struct CSVReaderTests {
    /// Empty fields, NaN, inf, text in numbers, short and long rows, quoted commas and newlines.
    static let dirty = #"""
        id,age,income,name,active
        1,34,52000.5,Ann,true
        2,,61000,"Smith, Bob",FALSE
        3,41,NaN,"multi
        line",true
        4,29,inf,Dee,true
        5,abc,100,Eve,false
        6,50,7e3
        7,51,1,Gus,true,extra
        8,"60",-inf,"say ""hi""",true
        9,70,12x,Ivy,true

        10,9223372036854775808,1,Jo,true
        11,-9223372036854775808,-0.0,"",

        """#

    static let dirtyOptions = CSVReader.Options(columns: [
        ("id", .int64), ("age", .int64), ("income", .float64), ("name", .string), ("active", .bool),
    ])

    @Test func dirtyCorpus() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("dirty.csv", Self.dirty)
        for chunk in [TextInput.defaultChunkSize, 1, 2, 7] {
            for maxRows in [8192, 1, 3] {
                let reader = try CSVReader(path: path, sourceName: "data/dirty.csv", options: Self.dirtyOptions,
                                           requirements: .init(), chunkSize: chunk)
                let d = try drain(reader, maxRows: maxRows)
                #expect(d.rowsRead == 11)
                #expect(d.rows.count + d.rejections.count == 11)
                #expect(d.rows.map { $0[0] } == ["1", "2", "3", "4", "8", "11"])
                #expect(d.lines == [2, 3, 4, 6, 10, 14])
                #expect(d.rows[1] == ["2", nil, "61000.0", "Smith, Bob", "false"])
                #expect(d.rows[2][2] == "nan")
                #expect(d.rows[2][3] == "multi\nline")
                #expect(d.rows[3][2] == "inf")
                #expect(d.rows[4] == ["8", "60", "-inf", "say \"hi\"", "true"])
                #expect(d.rows[5] == ["11", "-9223372036854775808", "-0.0", "", nil])
                #expect(d.records[2] == "3,41,NaN,\"multi\nline\",true")
                #expect(d.records[4] == "8,\"60\",-inf,\"say \"\"hi\"\"\",true")

                let rejected = d.rejections.map { "\($0.line) \($0.stage) \($0.rule): \($0.reason)" }
                #expect(rejected == [
                    "7 parse type: column 'age': 'abc' is not an integer",
                    "8 parse field_count: expected 5 fields, found 3",
                    "9 parse field_count: expected 5 fields, found 6",
                    "11 parse type: column 'income': '12x' is not a number",
                    "13 parse type: column 'age': '9223372036854775808' is out of the int64 range",
                ], "chunk \(chunk) maxRows \(maxRows)")
                #expect(d.rejections.map(\.recordText) == [
                    "5,abc,100,Eve,false", "6,50,7e3", "7,51,1,Gus,true,extra", "9,70,12x,Ivy,true",
                    "10,9223372036854775808,1,Jo,true",
                ])
                #expect(reader.bytesRead == reader.totalBytes)
            }
        }
    }

    @Test func inferenceAndRequiredNumericColumns() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("t.csv", "a,b,c,d,e,f\n1,1.5,true,x,,7\n-2,3,FALSE,y,,8\n")
        let reader = try CSVReader(path: path, options: .init(inferRows: 1000), requirements: ReaderRequirements(numericColumns: ["f"]))
        let plain = try CSVReader(path: path, requirements: ReaderRequirements(numericColumns: ["f"]))
        #expect(plain.schema.description == "a: string, b: string, c: string, d: string, e: string, f: float64")
        #expect(reader.schema.description == "a: int64, b: float64, c: bool, d: string, e: string, f: float64")

        let bad = try folder.write("bad.csv", "a,b\n1,2\n3,x\n")
        let sampled = try CSVReader(path: bad, options: .init(inferRows: 1), requirements: .init(numericColumns: ["a"]))
        #expect(sampled.schema.description == "a: float64, b: int64")
        let d = try drain(sampled)
        #expect(d.rejections.map(\.reason) == [
            "column 'b': 'x' is not an integer (int64 was inferred from the first 1 records; declare the column's type under columns)",
        ])
    }

    @Test func physicalLinesCRLFAndBOM() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let text = "\u{FEFF}a,b\r\n\"x\r\ny\r\nz\",1\r\n\r\nq,2\r\n\"\",3\r\n,4"
        let path = try folder.write("crlf.csv", text)
        for chunk in [1, 2, 5, 64] {
            let reader = try CSVReader(path: path, sourceName: nil, options: allStrings(["a", "b"]),
                                       requirements: .init(), chunkSize: chunk)
            #expect(reader.schema.names == ["a", "b"])
            let d = try drain(reader)
            #expect(d.rows == [["x\r\ny\r\nz", "1"], ["q", "2"], ["", "3"], [nil, "4"]])
            #expect(d.lines == [2, 6, 7, 8])
            #expect(d.records.first == "\"x\r\ny\r\nz\",1")
        }
    }

    @Test func batchesGiveTheSameRowsAsOneBatch() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        var text = "k,v,s\n"
        for i in 0 ..< 1000 {
            text += i % 7 == 0 ? "\(i),\(Double(i) / 3),\"q,\(i)\nx\"\n" : "\(i),\(Double(i) * 1.5),s\(i)\n"
            if i % 97 == 0 { text += "\n" }
        }
        let path = try folder.write("many.csv", text)
        let whole = try drain(try CSVReader(path: path), maxRows: 1 << 20)
        #expect(whole.batches == 1 && whole.rows.count == 1000)
        for (chunk, rows) in [(TextInput.defaultChunkSize, 1), (13, 7), (4096, 100), (1, 999)] {
            let reader = try CSVReader(path: path, sourceName: nil, options: .init(), requirements: .init(), chunkSize: chunk)
            let d = try drain(reader, maxRows: rows)
            #expect(d.rows == whole.rows)
            #expect(d.lines == whole.lines)
            #expect(d.records == whole.records)
        }
    }

    @Test func headerless() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("h.csv", "1,a\n2,b\n")
        let reader = try CSVReader(path: path, options: .init(header: false, columns: [("column_1", .float64)]))
        #expect(reader.schema.description == "column_1: float64, column_2: string")
        #expect(try drain(reader).lines == [1, 2])

        let semicolon = try folder.write("s.csv", "x;y\n1,5;2\n")
        let d = try drain(try CSVReader(path: semicolon, options: .init(delimiter: UInt8(ascii: ";"))))
        #expect(d.rows == [["1,5", "2"]])
    }

    @Test func emptyFileHasNoRows() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let reader = try CSVReader(path: try folder.write("e.csv", ""))
        #expect(reader.schema.fields.isEmpty)
        #expect(try reader.next(maxRows: 10) == nil)
        let headerOnly = try CSVReader(path: try folder.write("h.csv", "a,b\n"))
        #expect(headerOnly.schema.names == ["a", "b"])
        #expect(try headerOnly.next(maxRows: 10) == nil)
    }

    @Test func fileErrors() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let unclosed = try folder.write("u.csv", "a,b\n1,2\n3,\"oops\n4,5\n6,7\n")
        for chunk in [1, 1 << 20] {
            let reader = try CSVReader(path: unclosed, sourceName: "u.csv", options: allStrings(["a", "b"]), requirements: .init(), chunkSize: chunk)
            #expect(throws: InputError(.malformed, file: "u.csv", line: 3, "unclosed quote starting at line 3")) {
                _ = try drain(reader)
            }
        }

        let long = try folder.write("l.csv", "a\n\"" + String(repeating: "x", count: 5000) + "\n")
        let reader = try CSVReader(path: long, sourceName: "l.csv", options: .init(columns: [("a", .string)], maxRecordBytes: 1024), requirements: .init(), chunkSize: 256)
        #expect(throws: InputError(.malformed, file: "l.csv", line: 2, "the record starting at line 2 is longer than max_record_bytes (1024 bytes); is the quote opened at line 2 closed?")) {
            _ = try reader.next(maxRows: 10)
        }
        let longClosed = try folder.write("lc.csv", "a\n" + String(repeating: "y", count: 2000) + "\n")
        #expect(throws: InputError(.malformed, file: "lc.csv", line: 2, "the record starting at line 2 is longer than max_record_bytes (1024 bytes)")) {
            _ = try CSVReader(path: longClosed, sourceName: "lc.csv", options: .init(inferRows: 1000, maxRecordBytes: 1024))
        }

        #expect(throws: InputError(.malformed, file: "d.csv", line: 1, "the header names column 'a' twice (columns 1 and 3)")) {
            _ = try CSVReader(path: try folder.write("d.csv", "a,b,a\n"), sourceName: "d.csv")
        }
        #expect(throws: InputError(.malformed, file: "n.csv", line: 2, "column 2 of the header has an empty name")) {
            _ = try CSVReader(path: try folder.write("n.csv", "\na,,c\n"), sourceName: "n.csv")
        }
        #expect(throws: InputError.self) { _ = try CSVReader(path: folder.file("missing.csv")) }
    }

    @Test func aFailedReadLeavesTheReaderWhereItWas() throws {
        // The reader's logical position moves only after a batch is built; a thrown error
        // (here an unclosed quote, checked before any state changes) leaves the batch to be read again.
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("r.csv", "a\n1\n2\n\"3\n")
        let reader = try CSVReader(path: path, sourceName: nil, options: allStrings(["a"]), requirements: .init(), chunkSize: 1)
        let first = try #require(try reader.next(maxRows: 1))
        #expect(first.batch.rowCount == 1)
        let offset = reader.bytesRead
        #expect(throws: InputError.self) { _ = try reader.next(maxRows: 5) }
        #expect(reader.bytesRead == offset)
        let again = try #require(try reader.next(maxRows: 1))
        #expect(again.batch.columns[0].text(at: 0) == "2")
        #expect(again.batch.origins.lines == [3])
    }
}
