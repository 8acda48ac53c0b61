#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// A streaming RFC 4180 CSV reader: reads the file in chunks, scans each batch's records in one
/// pass over the bytes, then converts field spans to typed columns.
///
/// Records that cannot become rows (wrong field count, a cell that is not of its column's type)
/// come back as rejections with their physical line and original text; problems with the file as
/// a whole (an unclosed quote, a record over `max_record_bytes`, I/O) are thrown as `InputError`.
/// A class used by one task at a time, as `BatchReader` requires.
public final class CSVReader: TextUnitReader {
    /// Why an empty CSV has no columns.
    public var noColumnsExplanation: String { "there is no header row naming its columns" }
    /// How the file is laid out and typed (the plugin's config, checked).
    public struct Options: Sendable {
        /// The one-byte field separator.
        public var delimiter: UInt8
        /// Whether the first non-blank record names the columns; otherwise they are `column_1`, ...
        public var header: Bool
        /// Declared column types, which win over inference.
        public var columns: [(name: String, type: ColumnType)]
        /// How many records the type inference looks at; 0 turns inference off, so columns no
        /// step uses are read as text and pass through unchanged.
        public var inferRows: Int
        /// The longest record accepted, in bytes; a guard against a runaway quote.
        public var maxRecordBytes: Int
        /// Where `columns` stands in the job file, for errors about it.
        public var columnsLocation: SourceLocation?
        /// The key path of `columns` in the job file, for the same errors.
        public var columnsKeyPath: String

        /// Creates options; a negative `inferRows` counts as 0 and `maxRecordBytes` as at least 1.
        /// The defaults are the plugin's declared ones (`CSVReader.Fields`).
        public init(delimiter: UInt8 = UInt8(ascii: ","), header: Bool = Fields.header.value(in: nil),
                    columns: [(name: String, type: ColumnType)] = [], inferRows: Int = Fields.inferRows.value(in: nil),
                    maxRecordBytes: Int = Fields.maxRecordBytes.value(in: nil), columnsLocation: SourceLocation? = nil,
                    columnsKeyPath: String = "columns") {
            self.delimiter = delimiter
            self.header = header
            self.columns = columns
            self.inferRows = max(0, inferRows)
            self.maxRecordBytes = max(1, maxRecordBytes)
            self.columnsLocation = columnsLocation
            self.columnsKeyPath = columnsKeyPath
        }
    }

    /// The columns of every batch, fixed once the header (and any inference sample) is read.
    public private(set) var schema = Schema([])

    let input: TextInput
    let options: Options
    let scanner: CSVScanner
    /// Scratch for the records of one batch; reused so steady state allocates nothing here.
    let fields = FieldTable()
    private(set) var typeSources: [ColumnTypeSource] = []
    /// Converts scanned records to columns; fixed with the schema.
    private(set) var builder = CSVBatchBuilder(schema: Schema([]), typeSources: [], inferRows: 0, columnsKeyPath: "")
    /// The physical line of the next unread byte.
    var nextLine = 1
    /// Set once a cut met a quote or a CR: later cuts go straight to the exact scan.
    private var hasQuotesOrCRs = false

    /// Opens `path` and reads its header (and a sample of records when types are inferred).
    ///
    /// - Parameters:
    ///   - path: the file to read; `-` reads stdin.
    ///   - sourceName: the name for messages and the quarantine; `path` when nil.
    ///   - requirements: columns the plan uses as numbers (read as float64 unless declared).
    /// - Throws: `InputError` when the file cannot be read or its header is bad; `JobSpecError`
    ///   when a declared column is not in the file.
    public convenience init(path: String, sourceName: String? = nil, options: Options = Options(),
                            requirements: ReaderRequirements = ReaderRequirements()) throws {
        try self.init(path: path, sourceName: sourceName, options: options, requirements: requirements,
                      chunkSize: TextInput.defaultChunkSize)
    }

    /// Reads `input` (tests choose tiny chunk sizes to put chunk boundaries everywhere).
    init(input: TextInput, options: Options, requirements: ReaderRequirements) throws {
        self.input = input
        self.options = options
        self.scanner = CSVScanner(delimiter: options.delimiter)
        let names = try options.header ? readHeader() : nil
        try resolveSchema(headerNames: names, requirements: requirements)
    }

    /// Reads up to `maxRows` records (at least one); blank lines are skipped and don't count, and
    /// rejections come back sorted by line. See `BatchReader.next(maxRows:)`.
    public func next(maxRows: Int) throws -> ReadResult? {
        while true {
            let cut = try cut(maxRows: maxRows)
            if cut.bytes == 0 { return nil }
            // Parsed in place; the reader moves only once the batch is built, so a failure
            // leaves it where it was.
            let read = try csvParser.parse(UnsafeBufferPointer(start: file.kept, count: cut.bytes), firstLine: nextLine)
            file.consume(cut.bytes)
            nextLine += cut.lines
            if read.rowsRead > 0 { return read }  // a unit of blank lines only: go on
        }
    }

    /// The next unit for a worker (`nextUnit`): record boundaries found with `memchr` on quote-free
    /// input, by an exact replica of the scanner's quote states otherwise (see
    /// `CSVRecordBoundaries`), so a cut never falls inside a quoted field.
    func unitExtent(maxRows: Int) throws -> (bytes: Int, lines: Int) {
        let c = try cut(maxRows: maxRows)
        return (c.bytes, c.lines)
    }

    var unitParser: @Sendable ([UInt8], Int) throws -> ReadResult {
        let parser = csvParser
        return { bytes, firstLine in
            try bytes.withUnsafeBufferPointer { try parser.parse($0, firstLine: firstLine, shared: bytes) }
        }
    }

    private func cut(maxRows: Int) throws -> CSVRecordBoundaries.Cut {
        let (cut, byLines) = try CSVRecordBoundaries(file: file, delimiter: options.delimiter, maxRecordBytes: options.maxRecordBytes,
                                                     firstLine: nextLine).cut(records: max(1, maxRows), tryLines: !hasQuotesOrCRs)
        if !byLines { hasQuotesOrCRs = true }
        return cut
    }

    private var csvParser: CSVUnitParser {
        CSVUnitParser(builder: builder, delimiter: options.delimiter, maxRecordBytes: options.maxRecordBytes,
                      sourceName: sourceName)
    }


    // MARK: - Scanning

    /// Scans the record at `rel` (relative to the kept bytes), reading more input as needed;
    /// never returns `.incomplete`.
    func scanRecord(at rel: Int, line: Int) throws -> ScanStep {
        let mark = fields.count
        while true {
            let step = scanner.scan(file.kept, end: file.keptCount, from: rel, atEOF: file.atEOF, fields: fields)
            switch step {
            case .record(let span):
                if span.contentEnd - span.start > options.maxRecordBytes { throw recordTooLong(line: line, openQuote: nil) }
                return step
            case .blank, .end:
                return step
            case .incomplete(let openQuote):
                fields.truncate(to: mark)
                if file.atEOF {
                    let quoteLine = line + (openQuote ?? 0)
                    throw InputError(.malformed, file: sourceName, line: quoteLine, "unclosed quote starting at line \(quoteLine)")
                }
                if file.keptCount - rel > options.maxRecordBytes {
                    throw recordTooLong(line: line, openQuote: openQuote.map { line + $0 })
                }
                try file.readMore()
            }
        }
    }

    func recordTooLong(line: Int, openQuote: Int?) -> InputError {
        Self.recordTooLong(line: line, openQuote: openQuote, maxRecordBytes: options.maxRecordBytes, sourceName: sourceName)
    }

    static func recordTooLong(line: Int, openQuote: Int?, maxRecordBytes: Int, sourceName: String) -> InputError {
        var message = "the record starting at line \(line) is longer than max_record_bytes (\(maxRecordBytes) bytes)"
        if let openQuote { message += "; is the quote opened at line \(openQuote) closed?" }
        return InputError(.malformed, file: sourceName, line: line, message)
    }

    /// The record's original text, without its line terminator.
    /// A record's original bytes (for the quarantine, which keeps them exactly).
    func text(_ span: RecordSpan) -> [UInt8] {
        Array(UnsafeBufferPointer(start: file.kept + span.start, count: span.contentEnd - span.start))
    }

    // MARK: - Header and schema


    /// Reads the first non-blank record as column names; nil for an empty file.
    private func readHeader() throws -> [String]? {
        fields.removeAll()
        var rel = 0
        var line = nextLine
        while true {
            switch try scanRecord(at: rel, line: line) {
            case .end, .incomplete:
                file.consume(rel)
                nextLine = line
                return nil
            case .blank(let next):
                rel = next
                line += 1
            case .record(let span):
                let names = (0 ..< fields.count).map { fieldString($0) }
                try checkHeader(names, line: line)
                file.consume(span.next)
                nextLine = line + span.lineBreaks
                fields.removeAll()
                return names
            }
        }
    }

    private func checkHeader(_ names: [String], line: Int) throws {
        var seen: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            if name.isEmpty {
                throw InputError(.malformed, file: sourceName, line: line, "column \(i + 1) of the header has an empty name")
            }
            if let first = seen[name] {
                throw InputError(.malformed, file: sourceName, line: line,
                                 "the header names column '\(name)' twice (columns \(first + 1) and \(i + 1))")
            }
            seen[name] = i
        }
    }

    /// Field `i` of the scratch table as text (header names).
    private func fieldString(_ i: Int) -> String {
        let p = file.kept
        let start = fields.starts[i], end = fields.ends[i]
        if fields.kinds[i] == FieldKind.escaped.rawValue {
            return String(decoding: CSVUnescape.bytes(p, from: start, to: end), as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
    }

    /// Names and types the columns: declared types win, then the types validators pin, then the
    /// plan's numeric columns, then (when `inferRows` > 0) a sample; anything else stays text.
    private func resolveSchema(headerNames: [String]?, requirements: ReaderRequirements) throws {
        var names = headerNames ?? []
        let declared = Dictionary(options.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { _, last in last })
        let inferring = options.inferRows > 0
        let needsSample = headerNames == nil || (inferring && names.contains {
            declared[$0] == nil && requirements.columnTypes[$0] == nil && !requirements.numericColumns.contains($0)
        })
        var inference: TypeInference?
        if needsSample {
            // Without a header the first record fixes the column count, so look at one at least.
            let sample = try sampleRecords(columnCount: headerNames?.count, limit: max(1, options.inferRows))
            if headerNames == nil { names = (0 ..< sample.columnCount).map { "column_\($0 + 1)" } }
            if inferring { inference = sample.inference }
        }
        for column in options.columns where !names.contains(column.name) {
            let known = names.isEmpty ? "it has no columns" : "it has " + names.map { "'\($0)'" }.joined(separator: ", ")
            throw JobSpecError(at: options.columnsLocation, "\(options.columnsKeyPath).\(column.name)",
                               "column '\(column.name)' is not in \(sourceName) (\(known))",
                               hint: NearMiss.hint(for: column.name, among: names))
        }
        var schemaFields: [Schema.Field] = []
        typeSources = []
        for (i, name) in names.enumerated() {
            if let type = declared[name] {
                schemaFields.append(.init(name: name, type: type))
                typeSources.append(.declared)
            } else if let type = requirements.columnTypes[name] {
                schemaFields.append(.init(name: name, type: type))
                typeSources.append(.required)
            } else if requirements.numericColumns.contains(name) {
                schemaFields.append(.init(name: name, type: .float64))
                typeSources.append(.requiredNumeric)
            } else if let inference {
                schemaFields.append(.init(name: name, type: inference.type(of: i)))
                typeSources.append(.inferred)
            } else {
                schemaFields.append(.init(name: name, type: .string))
                typeSources.append(.text)
            }
        }
        schema = Schema(schemaFields)
        builder = CSVBatchBuilder(schema: schema, typeSources: typeSources, inferRows: options.inferRows,
                                  columnsKeyPath: options.columnsKeyPath)
    }

    /// Looks at the first `inferRows` records without consuming them. Without a header, the
    /// first record also fixes the column count.
    private func sampleRecords(columnCount known: Int?, limit: Int) throws -> (columnCount: Int, inference: TypeInference) {
        fields.removeAll()
        var columnCount = known
        var inference = TypeInference(columns: known ?? 0)
        var rel = 0
        var line = nextLine
        var seen = 0
        sampling: while seen < limit {
            let mark = fields.count
            switch try scanRecord(at: rel, line: line) {
            case .end, .incomplete:
                break sampling
            case .blank(let next):
                rel = next
                line += 1
            case .record(let span):
                if columnCount == nil {
                    columnCount = span.fieldCount
                    inference = TypeInference(columns: span.fieldCount)
                }
                if span.fieldCount == columnCount {
                    let p = file.kept
                    for c in 0 ..< span.fieldCount {
                        let f = mark + c
                        let start = fields.starts[f], end = fields.ends[f]
                        if start == end { continue }  // null (or `""`, which is null in typed columns)
                        if fields.kinds[f] == FieldKind.escaped.rawValue {
                            let bytes = CSVUnescape.bytes(p, from: start, to: end)
                            bytes.withUnsafeBufferPointer { inference.observe(column: c, $0.baseAddress!, count: $0.count) }
                        } else {
                            inference.observe(column: c, p + start, count: end - start)
                        }
                    }
                }
                fields.truncate(to: mark)
                seen += 1
                line += span.lineBreaks
                rel = span.next
            }
        }
        fields.removeAll()
        return (columnCount ?? 0, inference)
    }
}

/// The start, end and line of each record that becomes a row.
struct RecordList: Sendable {
    var starts: [Int] = []
    var ends: [Int] = []
    var lines: [Int] = []

    init(reserving n: Int) {
        starts.reserveCapacity(n)
        ends.reserveCapacity(n)
        lines.reserveCapacity(n)
    }

    var count: Int { starts.count }

    @inline(__always)
    mutating func append(start: Int, end: Int, line: Int) {
        starts.append(start)
        ends.append(end)
        lines.append(line)
    }
}
