import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

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
        // The flat files this reader must handle today: every codec but the Hadoop LZ4 one, every encoding.
        for must in ["plain-dict-uncompressed-checksum.parquet", "datapage_v1-uncompressed-checksum.parquet", "binary.parquet",
                     "int32_with_null_pages.parquet", "fixed_length_decimal.parquet", "overflow_i16_page_cnt.parquet",
                     "datapage_v1-snappy-compressed-checksum.parquet", "rle-dict-snappy-checksum.parquet",
                     "concatenated_gzip_members.parquet", "lz4_raw_compressed.parquet", "lz4_raw_compressed_larger.parquet",
                     "byte_stream_split.zstd.parquet", "byte_stream_split_extended.gzip.parquet",
                     "delta_binary_packed.parquet", "delta_length_byte_array.parquet", "delta_byte_array.parquet",
                     "delta_encoding_optional_column.parquet", "delta_encoding_required_column.parquet",
                     "datapage_v2_empty_datapage.snappy.parquet", "page_v2_empty_compressed.parquet", "rle_boolean_encoding.parquet"] {
            #expect(decoded.contains(must), "\(must) should decode")
        }
        // The deprecated Hadoop LZ4 codec (codec 5; its framing differs by writer) is refused by name.
        let lz4 = refusedAtColumn.first { $0.key.contains("codec LZ4 (deprecated") }?.value ?? []
        #expect(lz4.sorted() == ["hadoop_lz4_compressed.parquet", "hadoop_lz4_compressed_larger.parquet", "non_hadoop_lz4_compressed.parquet"])
        // What is still refused, and why: encryption (8 files, at the footer), nested columns (15), INT96 (6),
        // Hadoop LZ4 (3), and the three files corrupt on purpose. Nothing is refused for a codec or encoding otherwise.
        #expect(names.count - refusedAtFooter.values.reduce(0) { $0 + $1.count } >= 65)
        #expect(decoded.count >= 38, "files decoded in full: \(decoded.count)")
        for reason in refusedAtColumn.keys where reason.contains("encoding") || (reason.contains("codec") && !reason.contains("LZ4 (deprecated")) {
            Issue.record("refused for a codec or encoding: \(reason) \(refusedAtColumn[reason]!)")
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
    func compressedAndEncodedValues() throws {
        let data = ParquetCorpus.root + "/data/"
        func strings(_ d: ParquetColumnData?) -> [String] {
            guard case .byteArray(let v)? = d?.values else { return [] }
            return (0 ..< v.count).map { String(decoding: v[$0], as: UTF8.self) }
        }
        // GZIP, two members back to back.
        let gzip = try ParquetCorpus.decode(data + "concatenated_gzip_members.parquet", columns: ["long_col"])
        #expect(gzip["long_col"]?.first?.values == .int64((1 ... 513).map { Int64($0) }))
        // LZ4_RAW.
        let lz4 = try ParquetCorpus.decode(data + "lz4_raw_compressed.parquet", columns: ["c0", "v11"])
        #expect(lz4["c0"]?.first?.values == .int64([1593604800, 1593604800, 1593604801, 1593604801]))
        #expect(lz4["v11"]?.first?.values == .double([42.0, 7.7, 42.125, 7.7]))
        // BYTE_STREAM_SPLIT under ZSTD.
        let split = try ParquetCorpus.decode(data + "byte_stream_split.zstd.parquet", columns: ["f32", "f64"])
        guard case .float(let f32)? = split["f32"]?.first?.values, case .double(let f64)? = split["f64"]?.first?.values else {
            Issue.record("byte_stream_split types"); return
        }
        #expect(f32.count == 300 && f64.count == 300)
        #expect(Array(f32.prefix(3)) == [1.764052391052246, 0.40015721321105957, 0.978738009929657])
        #expect(Array(f64.prefix(2)) == [-1.3065268517353166, 1.658130679618188])
        // DELTA_BINARY_PACKED (INT64, bit widths 0 ... 64).
        let delta = try ParquetCorpus.decode(data + "delta_binary_packed.parquet", columns: ["bitwidth0", "bitwidth1", "bitwidth2"])
        #expect(delta["bitwidth0"]?.first?.values == .int64(Array(repeating: 6374628540732951412, count: 200)))
        guard case .int64(let w1)? = delta["bitwidth1"]?.first?.values, case .int64(let w2)? = delta["bitwidth2"]?.first?.values else {
            Issue.record("delta_binary_packed types"); return
        }
        #expect(Array(w1.prefix(5)) == [0, -1, -1, -1, -1] && Array(w1.suffix(5)) == [-101, -102, -102, -103, -104])
        #expect(Array(w2.prefix(5)) == [0, -2, -1, -3, -2])
        // DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
        let lengths = strings(try ParquetCorpus.decode(data + "delta_length_byte_array.parquet", columns: ["FRUIT"])["FRUIT"]?.first)
        #expect(lengths.count == 1000 && lengths.prefix(3) == ["apple_banana_mango0", "apple_banana_mango1", "apple_banana_mango4"])
        #expect(lengths.last == "apple_banana_mango998001")
        let prefixed = try ParquetCorpus.decode(data + "delta_byte_array.parquet", columns: ["c_customer_id", "c_salutation"])
        let ids = prefixed["c_customer_id"]!.flatMap { strings($0) }
        #expect(ids.count == 1000 && ids.prefix(2) == ["AAAAAAAAIODAAAAA", "AAAAAAAAHODAAAAA"] && ids.last == "AAAAAAAABAAAAAAA")
        let salutations = prefixed["c_salutation"]!
        #expect(salutations.reduce(0) { $0 + ($1.validity?.filter { !$0 }.count ?? 0) } == 30)
        #expect(strings(salutations.first).prefix(5) == ["Sir", "Mrs.", "Ms.", "Sir", "Dr."])
        // A v2 page whose flat column still stores repetition levels.
        let booleans = try ParquetCorpus.decode(data + "rle_boolean_encoding.parquet", columns: ["datatype_boolean"])["datatype_boolean"]!
        #expect(booleans.first?.validity?.prefix(5) == [true, true, false, true, true])
        guard case .boolean(let b)? = booleans.first?.values else { Issue.record("boolean type"); return }
        #expect(b.prefix(4) == [true, false, true, true])
    }

    @Test(.enabled(if: ParquetCorpus.isPresent, "parquet-testing not found"))
    func badDataAlwaysFailsCleanly() throws {
        var outcomes: [String] = []
        for name in try ParquetCorpus.files("bad_data") {
            // Dictionary indices of bit width 0 (the file crashed Arrow's Go reader): valid for a one-entry
            // dictionary, ceil(log2(1)) = 0, and Arrow C++ reads it too, so it decodes (every index 0).
            if name == "ARROW-GH-43605.parquet" {
                let (_, columns) = try ParquetCorpus.decodeAll(ParquetCorpus.root + "/bad_data/" + name, name: name)
                #expect(columns.first?.first?.values == .int32(Array(repeating: 0, count: 21186)))
                continue
            }
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
        let folder = try TempDir()
        defer { folder.remove() }
        var errors = 0, readable = 0, truncations = 0
        for name in ["binary.parquet", "int32_with_null_pages.parquet", "plain-dict-uncompressed-checksum.parquet", "datapage_v1-uncompressed-checksum.parquet",
                     "concatenated_gzip_members.parquet", "lz4_raw_compressed_larger.parquet", "byte_stream_split.zstd.parquet",
                     "rle-dict-snappy-checksum.parquet", "delta_byte_array.parquet", "delta_binary_packed.parquet"] {
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
