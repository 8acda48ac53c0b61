#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// A streaming JSON Lines reader: one JSON object per line, read in chunks like `CSVReader`.
///
/// The columns are the keys of the first `inferRows` objects (in order of first appearance),
/// plus declared columns none of them had. A key missing from a row is null there; a key not
/// among the columns is ignored. A line that cannot become a row (invalid JSON, not an object,
/// a value of the wrong type, a nested object or list) comes back as a rejection with its
/// physical line and original text; only problems with the input as a whole (a line over
/// `max_record_bytes`, I/O) are thrown. A class used by one task at a time, as `BatchReader` requires.
public final class JSONLReader: TextUnitReader {
    /// Why an empty JSON Lines input has no columns.
    public var noColumnsExplanation: String {
        "there is no JSON object naming its columns (declare them under reader.columns to accept an empty input)"
    }
    /// How the input is typed (the plugin's config, checked).
    public struct Options: Sendable {
        /// Declared column types, which win over the sample.
        public var columns: [(name: String, type: ColumnType)]
        /// How many objects name the columns and type the undeclared ones (at least 1).
        public var inferRows: Int
        /// The longest line accepted, in bytes.
        public var maxRecordBytes: Int
        /// The key path of `columns` in the job file, for rejection reasons that say what to change.
        public var columnsKeyPath: String

        /// Creates options; `inferRows` and `maxRecordBytes` count as at least 1.
        /// The defaults are the plugin's declared ones (`JSONLReader.Fields`).
        public init(columns: [(name: String, type: ColumnType)] = [], inferRows: Int = Fields.inferRows.value(in: nil),
                    maxRecordBytes: Int = Fields.maxRecordBytes.value(in: nil), columnsKeyPath: String = "columns") {
            self.columns = columns
            self.inferRows = max(1, inferRows)
            self.maxRecordBytes = max(1, maxRecordBytes)
            self.columnsKeyPath = columnsKeyPath
        }
    }

    /// One line of the input, relative to the kept bytes.
    enum LineStep {
        case end
        case line(start: Int, contentEnd: Int, next: Int)
    }

    /// The columns of every batch, fixed once the sample is read.
    public private(set) var schema = Schema([])

    let input: TextInput
    let options: Options
    private(set) var typeSources: [ColumnTypeSource] = []
    /// Column index by key, for placing an object's members.
    private(set) var columnIndex: [String: Int] = [:]
    /// The physical line of the next unread byte.
    var nextLine = 1

    /// Opens `path` (`-` for stdin) and reads the sample that names and types the columns.
    ///
    /// - Parameters:
    ///   - path: the file to read.
    ///   - sourceName: the name for messages and the quarantine; `path` (or `<stdin>`) when nil.
    ///   - requirements: columns the plan uses as numbers (read as float64 unless declared).
    /// - Throws: `InputError` when the input cannot be read.
    public convenience init(path: String, sourceName: String? = nil, options: Options = Options(),
                            requirements: ReaderRequirements = ReaderRequirements()) throws {
        try self.init(path: path, sourceName: sourceName, options: options, requirements: requirements,
                      chunkSize: TextInput.defaultChunkSize)
    }

    /// Reads `input` (tests choose tiny chunk sizes to put chunk boundaries everywhere).
    init(input: TextInput, options: Options, requirements: ReaderRequirements) throws {
        self.input = input
        self.options = options
        try resolveSchema(requirements: requirements)
    }

    /// Reads up to `maxRows` non-blank lines (at least one); blank lines are skipped and don't
    /// count. Rejections come back sorted by line. See `BatchReader.next(maxRows:)`.
    public func next(maxRows: Int) throws -> ReadResult? {
        let cut = try cutLines(maxRows: maxRows)
        // Nothing below can fail: the reader's position moves only once the batch is built.
        let read = rowParser.parse(file.kept, end: cut.bytes, firstLine: nextLine)
        file.consume(cut.bytes)
        nextLine += cut.lines
        return cut.records == 0 ? nil : read
    }

    /// The next unit for a worker (`nextUnit`): `maxRows` non-blank lines (a JSON string cannot
    /// hold a raw line break, so every LF ends a record).
    func unitExtent(maxRows: Int) throws -> (bytes: Int, lines: Int) {
        let cut = try cutLines(maxRows: maxRows)
        return (cut.bytes, cut.lines)
    }

    var unitParser: @Sendable ([UInt8], Int) throws -> ReadResult {
        let parser = rowParser
        return { bytes, firstLine in
            bytes.withUnsafeBufferPointer { buffer in
                parser.parse(buffer.baseAddress!, end: buffer.count, firstLine: firstLine, shared: bytes)
            }
        }
    }


    /// Finds the next `maxRows` non-blank lines without consuming them: the bytes they span from
    /// the kept start (blank lines included), the lines and the records.
    private func cutLines(maxRows: Int) throws -> (bytes: Int, lines: Int, records: Int) {
        let limit = max(1, maxRows)
        var rel = 0, lines = 0, records = 0
        while records < limit {
            guard case .line(let start, let end, let next) = try scanLine(at: rel, line: nextLine + lines) else { break }
            if !Self.isBlank(file.kept, from: start, to: end) { records += 1 }
            lines += 1
            rel = next
        }
        return (rel, lines, records)
    }

    private var rowParser: JSONLRowParser {
        JSONLRowParser(schema: schema, columnIndex: columnIndex, typeSources: typeSources, inferRows: options.inferRows,
                       columnsKeyPath: options.columnsKeyPath)
    }

    // MARK: - Lines

    /// The line at `rel` (relative to the kept bytes), reading more input as needed. The content
    /// excludes the LF and a CR before it.
    func scanLine(at rel: Int, line: Int) throws -> LineStep {
        var searchFrom = rel
        while true {
            let p = file.kept, count = file.keptCount
            if searchFrom < count, let found = memchr(p + searchFrom, 0x0A, count - searchFrom) {
                let lf = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - p
                let end = lf > rel && p[lf - 1] == 0x0D ? lf - 1 : lf
                if end - rel > options.maxRecordBytes { throw lineTooLong(line) }
                return .line(start: rel, contentEnd: end, next: lf + 1)
            }
            if file.atEOF {
                if rel >= count { return .end }
                let end = p[count - 1] == 0x0D ? count - 1 : count
                if end - rel > options.maxRecordBytes { throw lineTooLong(line) }
                return .line(start: rel, contentEnd: end, next: count)
            }
            if count - rel > options.maxRecordBytes { throw lineTooLong(line) }
            searchFrom = count
            try file.readMore()
        }
    }

    private func lineTooLong(_ line: Int) -> InputError {
        InputError(.malformed, file: sourceName, line: line,
                   "line \(line) is longer than max_record_bytes (\(options.maxRecordBytes) bytes)")
    }

    /// Spaces, tabs and CRs only.
    static func isBlank(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        for i in start ..< end where p[i] != 0x20 && p[i] != 0x09 && p[i] != 0x0D { return false }
        return true
    }


    // MARK: - Schema

    /// The kinds of value a key had in the sample.
    struct SeenKinds: OptionSet {
        let rawValue: UInt8
        static let number = SeenKinds(rawValue: 1)
        static let bool = SeenKinds(rawValue: 2)
        static let string = SeenKinds(rawValue: 4)
        static let nested = SeenKinds(rawValue: 8)
    }

    /// Names and types the columns: the sample's keys, then declared columns it lacked; declared
    /// types win, then the types the plan pins, then float64 for the plan's numeric columns, then
    /// what the sample holds (only numbers → float64, only booleans → bool, anything else → string).
    private func resolveSchema(requirements: ReaderRequirements) throws {
        var names: [String] = []
        var kinds: [String: SeenKinds] = [:]
        var rel = 0
        var line = nextLine
        var seen = 0
        while seen < options.inferRows, case .line(let start, let end, let next) = try scanLine(at: rel, line: line) {
            rel = next
            line += 1
            let p = file.kept
            if Self.isBlank(p, from: start, to: end) { continue }
            seen += 1
            // A line that does not parse is left for `next`, which rejects it.
            guard case .object(let members)? = try? JSONParser.parse(Array(UnsafeBufferPointer(start: p + start, count: end - start)))
            else { continue }
            for (key, value) in members {
                if kinds[key] == nil {
                    names.append(key)
                    kinds[key] = []
                }
                switch value {
                case .null: break
                case .int, .double: kinds[key]!.insert(.number)
                case .bool: kinds[key]!.insert(.bool)
                case .string: kinds[key]!.insert(.string)
                case .array, .object: kinds[key]!.insert(.nested)
                }
            }
        }
        let declared = Dictionary(options.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { _, last in last })
        for column in options.columns where kinds[column.name] == nil && !names.contains(column.name) {
            names.append(column.name)
        }
        var fields: [Schema.Field] = []
        typeSources = []
        for name in names {
            if let type = declared[name] {
                fields.append(.init(name: name, type: type))
                typeSources.append(.declared)
            } else if let type = requirements.columnTypes[name] {
                fields.append(.init(name: name, type: type))
                typeSources.append(.required)
            } else if requirements.numericColumns.contains(name) {
                fields.append(.init(name: name, type: .float64))
                typeSources.append(.requiredNumeric)
            } else {
                let k = kinds[name] ?? []
                fields.append(.init(name: name, type: k == .number ? .float64 : k == .bool ? .bool : .string))
                typeSources.append(.inferred)
            }
        }
        schema = Schema(fields)
        columnIndex = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
