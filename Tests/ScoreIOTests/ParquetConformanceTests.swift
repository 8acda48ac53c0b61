import Foundation
import ScoreCore
import Testing
@testable import ScoreIO

/// parquet-testing, read in place from `../shared/conformance/parquet-testing` beside the repository.
enum ParquetCorpus {
    static let root: String = {
        // #filePath is Tests/ScoreIOTests/<file>: three levels up is the repository root.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("shared/conformance/parquet-testing").path
    }()

    static var isPresent: Bool { FileManager.default.fileExists(atPath: root + "/data") }

    /// The Parquet files (encrypted ones included) directly in `folder`, sorted.
    static func files(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)
            .filter { $0.hasSuffix(".parquet") || $0.hasSuffix(".parquet.encrypted") }.sorted()
    }

    /// Decodes every column of every row group; returns the file's metadata and each column's data per row group.
    static func decodeAll(_ path: String, name: String) throws(ParquetError) -> (ParquetFileMetadata, [[ParquetColumnData]]) {
        let file = try ParquetFile(path: path, name: name)
        let columns = try file.metadata.flatColumns(file: name)
        var result: [[ParquetColumnData]] = []
        for column in columns {
            let reader = ParquetColumnChunkReader(file: file, column: column)
            var chunks: [ParquetColumnData] = []
            for g in file.metadata.rowGroups.indices { chunks.append(try reader.read(rowGroup: g)) }
            result.append(chunks)
        }
        return (file.metadata, result)
    }

    /// Decodes the named columns of `path`, all row groups concatenated per column (values only).
    static func decode(_ path: String, columns wanted: [String]) throws -> [String: [ParquetColumnData]] {
        let file = try ParquetFile(path: path)
        var result: [String: [ParquetColumnData]] = [:]
        for column in try file.metadata.flatColumns(file: path) where wanted.contains(column.name) {
            let reader = ParquetColumnChunkReader(file: file, column: column)
            result[column.name] = try file.metadata.rowGroups.indices.map { g throws(ParquetError) in try reader.read(rowGroup: g) }
        }
        return result
    }

    /// An error message without the file and column names and numbers, to group refusals by reason.
    static func reason(_ error: ParquetError) -> String {
        var message = error.message
        if message.hasPrefix("column '"), let end = message.range(of: "': ") { message = String(message[end.upperBound...]) }
        message = message.replacingOccurrences(of: #"'[^']*'"#, with: "'…'", options: .regularExpression)
        message = message.replacingOccurrences(of: #"\b\d+\b"#, with: "N", options: .regularExpression)
        return "\(error.kind): \(message)"
    }
}

@Suite(.timeLimit(.minutes(2)))
struct ParquetConformanceTests {
    @Test(.enabled(if: ParquetCorpus.isPresent, "parquet-testing not found at ../shared/conformance/parquet-testing"))
    func everyGoodFileDecodesOrIsRefusedWithAReason() throws {
        let names = try ParquetCorpus.files("data")
        #expect(names.count >= 50)
        var decodedColumns = 0, corrupt: Set<String> = []
        var decoded: [String] = [], refusedAtFooter: [String: [String]] = [:], refusedAtColumn: [String: [String]] = [:]
        for name in names {
            let path = ParquetCorpus.root + "/data/" + name
            // Metadata first, so a file refused for one column still counts as parsed.
            let file: ParquetFile
            do { file = try ParquetFile(path: path, name: name) } catch {
                if error.kind == .corrupt { corrupt.insert(name) }
                refusedAtFooter[ParquetCorpus.reason(error), default: []].append(name)
                continue
            }
            let columns: [ParquetColumn]
            do { columns = try file.metadata.flatColumns(file: name) } catch {
                refusedAtColumn[ParquetCorpus.reason(error), default: []].append(name)
                continue
            }
            // Every column is tried, so one refused column (INT96, say) does not hide the others.
            var failures: [String] = []
            for column in columns {
                let reader = ParquetColumnChunkReader(file: file, column: column)
                do {
                    let chunks = try file.metadata.rowGroups.indices.map { g throws(ParquetError) in try reader.read(rowGroup: g) }
                    let rows = chunks.reduce(0) { $0 + $1.rowCount }
                    #expect(Int64(rows) == file.metadata.numRows, "\(name) '\(column.name)': \(rows) rows, num_rows \(file.metadata.numRows)")
                    for chunk in chunks {
                        let present = chunk.validity.map { $0.lazy.filter { $0 }.count } ?? chunk.rowCount
                        #expect(chunk.values.count == present, "\(name) '\(column.name)'")
                        #expect(chunk.validity.map { $0.count == chunk.rowCount } ?? true, "\(name) '\(column.name)'")
                    }
                    decodedColumns += 1
                } catch {
                    let reason = ParquetCorpus.reason(error)
                    if error.kind == .corrupt { corrupt.insert(name) }
                    if !failures.contains(reason) { failures.append(reason) }
                }
            }
            if failures.isEmpty { decoded.append(name) }
            for reason in failures { refusedAtColumn[reason, default: []].append(name) }
        }
        print("parquet-testing/data: \(names.count) files: \(names.count - refusedAtFooter.values.reduce(0) { $0 + $1.count }) footers parsed, "
            + "\(decoded.count) files decoded in full, \(decodedColumns) columns decoded")
        print("  decoded: \(decoded.joined(separator: ", "))")
        for (title, table) in [("refused at footer", refusedAtFooter), ("a column refused", refusedAtColumn)] {
            for (reason, files) in table.sorted(by: { $0.value.count > $1.value.count }) {
                print("  \(title) × \(files.count): \(reason) [\(files.joined(separator: ", "))]")
            }
        }
        // The UNCOMPRESSED flat files this reader must handle today.
        for must in ["plain-dict-uncompressed-checksum.parquet", "datapage_v1-uncompressed-checksum.parquet", "binary.parquet",
                     "int32_with_null_pages.parquet", "fixed_length_decimal.parquet", "overflow_i16_page_cnt.parquet"] {
            #expect(decoded.contains(must), "\(must) should decode")
        }
        // A good file is refused only for a feature we lack, except those corrupt on purpose (their names say so).
        #expect(corrupt == ["nation.dict-malformed.parquet", "datapage_v1-corrupt-checksum.parquet",
                            "rle-dict-uncompressed-corrupt-checksum.parquet"], "refused as corrupt: \(corrupt.sorted())")
    }

    @Test(.enabled(if: ParquetCorpus.isPresent, "parquet-testing not found"))
    func alltypesPlainValues() throws {
        // timestamp_col is INT96, which is refused; the other columns decode.
        let plain = try ParquetCorpus.decode(ParquetCorpus.root + "/data/alltypes_plain.parquet", columns: ["id", "bool_col", "string_col"])
        #expect(plain["id"]?.first?.values == .int32([4, 5, 6, 7, 2, 3, 0, 1]))
        #expect(plain["bool_col"]?.first?.values == .boolean([true, false, true, false, true, false, true, false]))
        guard case .byteArray(let strings)? = plain["string_col"]?.first?.values else { Issue.record("string_col type"); return }
        #expect((0 ..< strings.count).map { String(decoding: strings[$0], as: UTF8.self) } == ["0", "1", "0", "1", "0", "1", "0", "1"])

        let dictionary = try ParquetCorpus.decode(ParquetCorpus.root + "/data/alltypes_dictionary.parquet", columns: ["id", "string_col"])
        #expect(dictionary["id"]?.first?.values == .int32([0, 1]))
        #expect(throws: ParquetError.self) {
            _ = try ParquetCorpus.decode(ParquetCorpus.root + "/data/alltypes_plain.parquet", columns: ["timestamp_col"])
        }
    }

    @Test(.enabled(if: ParquetCorpus.isPresent, "parquet-testing not found"))
    func badDataAlwaysFailsCleanly() throws {
        var outcomes: [String] = []
        for name in try ParquetCorpus.files("bad_data") {
            do {
                _ = try ParquetCorpus.decodeAll(ParquetCorpus.root + "/bad_data/" + name, name: name)
                Issue.record("\(name) decoded without an error")
            } catch {
                #expect(error.description.hasPrefix(name + ": "))
                outcomes.append("\(name): \(ParquetCorpus.reason(error))")
            }
        }
        print("parquet-testing/bad_data: \(outcomes.count) files, all refused:\n  " + outcomes.joined(separator: "\n  "))
        #expect(outcomes.count >= 5)
    }

    @Test(.enabled(if: ParquetCorpus.isPresent, "parquet-testing not found"))
    func truncatedAndBitFlippedCopiesNeverCrash() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var errors = 0, readable = 0, truncations = 0
        for name in ["binary.parquet", "int32_with_null_pages.parquet", "plain-dict-uncompressed-checksum.parquet", "datapage_v1-uncompressed-checksum.parquet"] {
            let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ParquetCorpus.root + "/data/" + name)))
            // Truncated copies always lose the trailing magic or footer: each must be an error.
            for length in Set([0, 3, 11, 100, good.count / 2, good.count - 9, good.count - 1]) where length < good.count {
                let path = try folder.write("t\(length)-" + name, Array(good.prefix(length)))
                #expect(throws: ParquetError.self, "\(name) cut to \(length)") { _ = try ParquetCorpus.decodeAll(path, name: name) }
                truncations += 1
            }
            // Bit flips may leave a readable file (no CRC check yet), but must never trap or hang.
            var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
            for i in 0 ..< 60 {
                var copy = good
                for _ in 0 ..< 1 + i % 3 {
                    seed = seed &* 6364136223846793005 &+ 1442695040888963407
                    // Half of the flips land in the footer, where they do the most damage.
                    let footerStart = max(0, good.count - 8 - Int(good[good.count - 8]) - Int(good[good.count - 7]) << 8)
                    let span = i % 2 == 0 ? good.count : good.count - footerStart
                    let at = (i % 2 == 0 ? 0 : footerStart) + Int(seed >> 33) % span
                    copy[at] ^= 1 << UInt8(seed >> 60 & 7)
                }
                let path = try folder.write("f\(i)-" + name, copy)
                do { _ = try ParquetCorpus.decodeAll(path, name: name); readable += 1 } catch { errors += 1 }
            }
        }
        print("corrupted copies: \(truncations) truncated, all refused; \(errors + readable) bit-flipped: \(errors) refused, \(readable) still readable")
    }
}
