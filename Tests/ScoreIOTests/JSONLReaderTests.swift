import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

/// Everything a JSON Lines reader yields, drained (as `drain` does for CSV).
func drain(_ reader: JSONLReader, maxRows: Int = 8192) throws -> Drained {
    var out = Drained(schema: reader.schema)
    while let result = try reader.next(maxRows: maxRows) {
        out.batches += 1
        out.rowsRead += result.rowsRead
        #expect(result.rowsRead <= maxRows)
        for r in 0 ..< result.batch.rowCount {
            out.rows.append(result.batch.columns.map { $0.text(at: r) })
            out.lines.append(result.batch.origins.lines[r])
            out.records.append(result.batch.origins.record(r))
        }
        out.rejections += result.rejections
    }
    return out
}

@Suite struct JSONLReaderTests {
    func read(_ text: String, options: JSONLReader.Options = .init(), requirements: ReaderRequirements = .init(),
              chunkSize: Int = 1 << 16, maxRows: Int = 8192) throws -> Drained {
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("in.jsonl", text)
        let reader = try JSONLReader(path: path, sourceName: "in.jsonl", options: options, requirements: requirements,
                                     chunkSize: chunkSize)
        return try drain(reader, maxRows: maxRows)
    }

    @Test func typesFromTheSampleAndNulls() throws {
        let d = try read("""
            {"x": 1, "f": 0.5, "s": "a", "b": true, "mixed": 1, "n": null}
            {"x": 2, "f": -1e3, "s": "b\\u00e9\\n", "b": false, "mixed": "two", "n": null}
            {"x": null, "f": 3, "s": null, "b": null, "mixed": false}

            """)
        #expect(d.schema.description == "x: float64, f: float64, s: string, b: bool, mixed: string, n: string")
        #expect(d.rows == [
            ["1.0", "0.5", "a", "true", "1", nil],
            ["2.0", "-1000.0", "bé\n", "false", "two", nil],
            [nil, "3.0", nil, nil, "false", nil],
        ])
        #expect(d.lines == [1, 2, 3])
        #expect(d.rejections.isEmpty)
    }

    @Test func declaredAndRequiredTypesWin() throws {
        var options = JSONLReader.Options(columns: [("id", .int64), ("zip", .string), ("late", .float64)])
        options.inferRows = 1
        let d = try read("""
            {"id": 9007199254740993, "zip": 2139, "flag": "yes", "age": 30}
            {"id": 4.0, "zip": "02139", "flag": "no", "age": 31.5}
            {"id": 1.5, "zip": "x", "flag": "no", "age": 1}
            {"id": 1e30, "zip": "x", "flag": "no", "age": 1}
            """, options: options, requirements: .init(numericColumns: ["age"], columnTypes: ["flag": .string]))
        #expect(d.schema.description == "id: int64, zip: string, flag: string, age: float64, late: float64")
        #expect(d.rows == [["9007199254740993", "2139", "yes", "30.0", nil], ["4", "02139", "no", "31.5", nil]])
        #expect(d.rejections.map(\.line) == [3, 4])
        #expect(d.rejections[0].reason == "column 'id': 1.5 is not an integer")
        #expect(d.rejections[1].reason == "column 'id': 1e+30 is out of the int64 range")
    }

    @Test func missingKeysAreNullAndUnknownKeysIgnored() throws {
        var options = JSONLReader.Options()
        options.inferRows = 1
        let d = try read("{\"a\": 1, \"b\": \"x\"}\n{\"b\": \"y\", \"c\": 5}\n{\"a\": 3}\n", options: options)
        #expect(d.schema.names == ["a", "b"])
        #expect(d.rows == [["1.0", "x"], [nil, "y"], ["3.0", nil]])
    }

    @Test func badLinesAreRejectedWithTheirLine() throws {
        let d = try read("""
            {"a": 1, "b": 2}

            {"a": "one", "b": 2}
            [1, 2]
            {"a": 1, "b": 2
            {"a": {"deep": 1}, "b": 2}
            {"a": 1, "b": [2]}
            "text"
            {"a": 1, "a": 2}
            {"a": 5, "b": 6}
            """, requirements: .init(numericColumns: ["a"]))
        #expect(d.rows == [["1.0", "2"], ["5.0", "6"]])
        #expect(d.lines == [1, 10])
        #expect(d.rowsRead == 9)
        let summary = d.rejections.map { "\($0.line) \($0.stage)/\($0.rule)" }
        #expect(summary == ["3 parse/type", "4 parse/json", "5 parse/json", "6 parse/nested", "7 parse/nested",
                            "8 parse/json", "9 parse/json"])
        #expect(d.rejections[0].reason == "column 'a': expected a number, found the string \"one\" (the job uses this column as a number)")
        #expect(d.rejections[1].reason == "a JSON Lines record must be an object, found a list")
        #expect(d.rejections[2].reason.hasPrefix("not valid JSON: column 16: "))
        #expect(d.rejections[3].reason == "column 'a': nested values (an object) are not supported; flatten them before scoring")
        #expect(d.rejections[6].reason.contains("duplicate key"))
        #expect(d.rejections[2].recordText == "{\"a\": 1, \"b\": 2")
    }

    @Test func inferredTypeMismatchSaysHowToFixIt() throws {
        var options = JSONLReader.Options()
        options.inferRows = 1
        options.columnsKeyPath = "reader.columns"
        let d = try read("{\"ok\": true}\n{\"ok\": 1}\n", options: options)
        #expect(d.rejections.first?.reason
            == "column 'ok': expected true or false, found a number (bool was inferred from the first 1 objects; declare the column's type under reader.columns)")
    }

    @Test func crlfAndBOMAndNoFinalNewline() throws {
        let d = try read("\u{FEFF}{\"a\": 1}\r\n\r\n{\"a\": 2}\r\n{\"a\": 3}")
        #expect(d.rows == [["1.0"], ["2.0"], ["3.0"]])
        #expect(d.lines == [1, 3, 4])
        #expect(d.records == ["{\"a\": 1}", "{\"a\": 2}", "{\"a\": 3}"])
    }

    @Test func chunkBoundariesAndBatchSizesChangeNothing() throws {
        var text = ""
        for i in 0 ..< 60 {
            text += i % 7 == 3 ? "\n" : ""
            text += i % 11 == 5 ? "{\"k\": \"bad\", \"v\": \(i)}\r\n" : "{\"k\": \(i), \"s\": \"é\\\"\(i)\", \"v\": \(Double(i) / 4)}\n"
        }
        let whole = try read(text, requirements: .init(numericColumns: ["k"]))
        #expect(whole.rows.count + whole.rejections.count == 60)
        #expect(!whole.rejections.isEmpty)
        for chunk in [1, 2, 3, 7, 64] {
            for maxRows in [1, 5, 1000] {
                let d = try read(text, requirements: .init(numericColumns: ["k"]), chunkSize: chunk, maxRows: maxRows)
                #expect(d.schema == whole.schema)
                #expect(d.rows == whole.rows, "chunk \(chunk), maxRows \(maxRows)")
                #expect(d.lines == whole.lines)
                #expect(d.records == whole.records)
                #expect(d.rejections == whole.rejections)
            }
        }
    }

    @Test func tooLongALineStopsTheRead() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("in.jsonl", "{\"a\": 1}\n{\"a\": \"" + String(repeating: "x", count: 100) + "\"}\n")
        let options = JSONLReader.Options(inferRows: 1, maxRecordBytes: 50)
        let reader = try JSONLReader(path: path, sourceName: "in.jsonl", options: options, requirements: .init(), chunkSize: 8)
        #expect(throws: InputError(.malformed, file: "in.jsonl", line: 2, "line 2 is longer than max_record_bytes (50 bytes)")) {
            _ = try drain(reader)
        }
    }

    @Test func emptyInputHasNoColumnsUnlessDeclared() throws {
        #expect(try read("").schema.fields.isEmpty)
        let d = try read("\n\n", options: .init(columns: [("a", .float64)]))
        #expect(d.schema.names == ["a"])
        #expect(d.batches == 0)
    }
}
