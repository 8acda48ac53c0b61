import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

/// Parallel parsing cuts the input into units before scanning it (`CSVRecordBoundaries`). A cut
/// inside a quoted field, or a miscounted line, would change rows, rejections or line numbers:
/// read every input in small units with tiny read chunks and compare with one unit for the whole file.
@Suite struct CSVUnitCutTests {
    struct Rows: Equatable {
        var rows: [[String?]] = []
        var lines: [Int] = []
        var rejections: [String] = []
        var error: String?

        /// The same reading: the same rows, lines and rejections, or the same error (a reader in
        /// small units delivers the units before the one that fails; one unit delivers nothing).
        func readsLike(_ other: Rows) -> Bool {
            if error != nil || other.error != nil { return error == other.error }
            return self == other
        }
    }

    func read(_ path: String, columns: [String], maxRows: Int, chunkSize: Int) -> Rows {
        var out = Rows()
        do {
            let reader = try CSVReader(path: path, sourceName: "in.csv", options: allStrings(columns),
                                       requirements: .init(), chunkSize: chunkSize)
            while let read = try reader.next(maxRows: maxRows) {
                for r in 0 ..< read.batch.rowCount { out.rows.append(read.batch.columns.map { $0.text(at: r) }) }
                out.lines += read.batch.origins.lines
                out.rejections += read.rejections.map { "\($0.line) \($0.rule) \(String(decoding: $0.record, as: UTF8.self))" }
            }
        } catch {
            out.error = "\(error)"
        }
        return out
    }

    /// Inputs where a naive cut goes wrong: quoted line breaks (LF, CRLF, bare CR), doubled quotes,
    /// text after a closing quote, a stray quote inside an unquoted field, blank lines, bare CR line
    /// ends, a last record without a line break, and an unclosed quote at the end.
    static let inputs: [String] = [
        "a,b\n1,2\n3,4\n5,6\n",
        "a,b\n1,\"x\ny\"\n2,\"p\r\nq\"\n3,\"r\rs\"\n4,z",
        "a,b\n1,\"he said \"\"hi\"\"\"\n2,\"\"\"\"\n3,\"a\"b\n4,c\n",
        "a,b\nx\"y,1\n\"q\",2\nz\"\"w,3\n5,\"mul\nti\nline\"\n",
        "a,b\n\n1,2\n\n\n3,4\n\r\n5,6\r\n7,8\r9,10\r",
        "a,b\n1,2\n3,\"open\n4,5\n",
        "a,b\n1,2,3\n4\n\"5\",\"6\"\n7,\"8\"x\n",
    ]

    @Test(arguments: Array(inputs.indices))
    func smallUnitsReadLikeOneUnit(input: Int) throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("in.csv", Self.inputs[input])
        let whole = read(path, columns: ["a", "b"], maxRows: 1_000_000, chunkSize: 1 << 16)
        #expect(whole.rows.count + whole.rejections.count > 0 || whole.error != nil)
        for maxRows in [1, 2, 3] {
            for chunkSize in [1, 2, 3, 5, 64] {
                #expect(read(path, columns: ["a", "b"], maxRows: maxRows, chunkSize: chunkSize).readsLike(whole),
                        "input \(input), maxRows \(maxRows), chunk \(chunkSize)")
            }
        }
    }

    /// Random inputs over the bytes that matter (delimiter, quote, LF, CR, text).
    @Test func randomInputsReadLikeOneUnit() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let alphabet: [Character] = ["a", "b", ",", ",", "\"", "\n", "\n", "\r", "x"]
        var checked = 0
        for _ in 0 ..< 300 {
            var text = "a,b\n"
            for _ in 0 ..< Int(next() % 60) { text.append(alphabet[Int(next() % UInt64(alphabet.count))]) }
            let path = try folder.write("in.csv", text)
            let whole = read(path, columns: ["a", "b"], maxRows: 1_000_000, chunkSize: 1 << 16)
            for (maxRows, chunkSize) in [(1, 1), (2, 3), (3, 7)] {
                let units = read(path, columns: ["a", "b"], maxRows: maxRows, chunkSize: chunkSize)
                #expect(units.readsLike(whole), "\(text.debugDescription), maxRows \(maxRows), chunk \(chunkSize)")
                checked += 1
            }
        }
        #expect(checked == 900)
    }

    /// Units handed to workers (`nextUnit`) hold the same rows as `next`, and their ends are the
    /// positions a resumed run seeks to.
    @Test func unitsParseOffTheReaderAndTheirEndsResume() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let path = try folder.write("in.csv", Self.inputs[3])
        let whole = read(path, columns: ["a", "b"], maxRows: 1_000_000, chunkSize: 1 << 16)
        let reader = try CSVReader(path: path, sourceName: "in.csv", options: allStrings(["a", "b"]), requirements: .init(), chunkSize: 2)
        var units: [ReadUnit] = []
        while let unit = try reader.nextUnit(maxRows: 1) { units.append(unit) }
        var rows: [[String?]] = []
        for unit in units.reversed() {  // parsing order does not matter
            let read = try unit.parse()
            rows.insert(contentsOf: (0 ..< read.batch.rowCount).map { r in read.batch.columns.map { $0.text(at: r) } }, at: 0)
        }
        #expect(rows == whole.rows)
        // Resume after the second unit: the rest reads as the tail of the whole.
        let resumed = try CSVReader(path: path, sourceName: "in.csv", options: allStrings(["a", "b"]), requirements: .init(), chunkSize: 2)
        #expect(try resumed.seek(to: try #require(units[1].end)))
        var tail: [[String?]] = []
        while let read = try resumed.next(maxRows: 2) {
            for r in 0 ..< read.batch.rowCount { tail.append(read.batch.columns.map { $0.text(at: r) }) }
        }
        let firstTwo = try units[0].parse().batch.rowCount + units[1].parse().batch.rowCount
        #expect(tail == Array(whole.rows.dropFirst(firstTwo)))
    }
}
