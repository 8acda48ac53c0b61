import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

/// The reader over small corpus files (read in place): projection, typing, slicing, provenance, several files.
@Suite(.enabled(if: ParquetCorpus.isPresent, "parquet-testing not found at ../shared/conformance/parquet-testing"))
struct ParquetReaderTests {
    static let plain = ParquetCorpus.root + "/data/alltypes_plain.parquet"

    func drainAll(_ reader: ParquetReader, maxRows: Int) throws -> [ReadResult] {
        var out: [ReadResult] = []
        while let r = try reader.next(maxRows: maxRows) { out.append(r) }
        return out
    }

    @Test func selectProjectsAndTypesTheColumns() throws {
        let reader = try ParquetReader(path: Self.plain, options: .init(select: ["double_col", "id", "bool_col", "string_col", "float_col"]))
        #expect(reader.schema == Schema([.init(name: "double_col", type: .float64), .init(name: "id", type: .int64),
                                         .init(name: "bool_col", type: .bool), .init(name: "string_col", type: .string),
                                         .init(name: "float_col", type: .float64)]))
        let batches = try drainAll(reader, maxRows: 100)
        #expect(batches.count == 1)
        let b = batches[0].batch
        #expect(b.rowCount == 8)
        #expect(b.columns.map { $0.text(at: 1) } == ["10.1", "5", "false", "1", NumberFormatting.shortest(Double(Float(1.1)))])
        #expect(b.origins.lines == Array(1 ... 8))
        #expect(b.origins.record(0) == #"{"double_col":0,"id":4,"bool_col":true,"string_col":"0","float_col":0}"#)
        #expect(reader.bytesRead == reader.totalBytes)
    }

    @Test func batchesAreSlicesOfTheRowGroupWithFileRowIndexes() throws {
        let reader = try ParquetReader(path: Self.plain, options: .init(select: ["id"]))
        let batches = try drainAll(reader, maxRows: 3)
        #expect(batches.map(\.batch.rowCount) == [3, 3, 2])
        #expect(batches.flatMap(\.batch.origins.lines) == Array(1 ... 8))
        #expect(batches.flatMap { r in (0 ..< r.batch.rowCount).map { r.batch.columns[0].text(at: $0)! } }
                == ["4", "5", "6", "7", "2", "3", "0", "1"])
        #expect(try reader.next(maxRows: 3) == nil)
    }

    @Test func nullsBecomeNullSlots() throws {
        // int32_with_null_pages: an optional INT32 column with whole pages of nulls.
        let reader = try ParquetReader(path: ParquetCorpus.root + "/data/int32_with_null_pages.parquet")
        var nulls = 0, rows = 0
        for r in try drainAll(reader, maxRows: 1000) {
            rows += r.batch.rowCount
            nulls += r.batch.columns[0].nulls?.nullCount ?? 0
            if let first = (0 ..< r.batch.rowCount).first(where: { r.batch.columns[0].isNull($0) }) {
                #expect(r.batch.origins.record(first).hasSuffix(":null}"))
            }
        }
        #expect(rows > 0 && nulls > 0 && nulls < rows)
    }

    @Test func overridesAndPlanTypes() throws {
        let reader = try ParquetReader(path: Self.plain, options: .init(select: ["id", "int_col"], columns: [("id", .string)]),
                                       requirements: ReaderRequirements(columnTypes: ["int_col": .float64]))
        #expect(reader.schema == Schema([.init(name: "id", type: .string), .init(name: "int_col", type: .float64)]))
        let b = try #require(try reader.next(maxRows: 10)).batch
        #expect(b.columns[0].text(at: 0) == "4")
        #expect(b.columns[1].double(at: 1) == 1)
    }

    @Test func theSpecMustAskForWhatTheFileHas() throws {
        func problem(_ options: ParquetReader.Options, _ req: ReaderRequirements = .init()) -> ParquetReader.PlanProblem? {
            do { _ = try ParquetReader(path: Self.plain, options: options, requirements: req) } catch let p as ParquetReader.PlanProblem {
                return p
            } catch { Issue.record("unexpected \(error)") }
            return nil
        }
        let missing = problem(.init(select: ["id", "nope"]))
        #expect(missing?.key == .select)
        #expect(missing?.message.contains("no column 'nope'") == true)
        let asNumber = problem(.init(select: ["string_col"]), .init(numericColumns: ["string_col"]))
        #expect(asNumber?.key == .reader)
        #expect(asNumber?.message == "the plan uses column 'string_col' as a number, but it is BYTE_ARRAY in \(Self.plain)")
        #expect(problem(.init(select: ["bool_col"], columns: [("bool_col", .int64)]))?.key == .columns)
        #expect(problem(.init(select: ["id"], columns: [("int_col", .float64)]))?.message == "column 'int_col' is not among the selected columns")
    }

    @Test func unsupportedColumnsAreRefusedByName() throws {
        #expect {
            _ = try ParquetReader(path: Self.plain)
        } throws: { error in
            guard let e = error as? ParquetError else { return false }
            return e.kind == .unsupported && e.message.contains("'timestamp_col'") && e.message.contains("INT96")
        }
    }

    @Test func aFolderOrAGlobReadsItsFilesInNameOrder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.plain)))
        try dir.write("b.parquet", bytes)
        try dir.write("a.parquet", bytes)
        try dir.write("notes.txt", "not parquet")
        let folder = try ParquetReader.expand(written: "in", resolved: dir.path)
        #expect(folder.map(\.name) == ["in/a.parquet", "in/b.parquet"])
        let globbed = try ParquetReader.expand(written: "in/*.parquet", resolved: dir.path + "/*.parquet")
        #expect(globbed.map(\.name) == ["in/a.parquet", "in/b.parquet"])
        #expect(throws: ParquetReader.PathProblem.self) { _ = try ParquetReader.expand(written: "x", resolved: dir.path + "/x") }
        #expect(throws: ParquetReader.PathProblem.self) { _ = try ParquetReader.expand(written: "*.csv", resolved: dir.path + "/*.csv") }

        let reader = try ParquetReader(files: folder, sourceName: "in", options: .init(select: ["id"]))
        #expect(reader.totalBytes == Int64(bytes.count * 2))
        let batches = try drainAll(reader, maxRows: 5)
        #expect(batches.map(\.batch.rowCount) == [5, 3, 5, 3])
        #expect(batches.flatMap(\.batch.origins.lines) == Array(1 ... 8) + Array(1 ... 8))
        #expect(batches[2].batch.origins.record(0) == #"{"@file":"in/b.parquet","id":4}"#)
        #expect(reader.bytesRead == reader.totalBytes)
    }
}
