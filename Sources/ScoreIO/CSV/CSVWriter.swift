import ScoreCore

/// Writes batches as CSV (LF line ends) to an `AtomicOutputFile`: nothing appears at the path
/// until `commit`. The path `-` streams to stdout instead (not atomic: see `StandardOutputSink`). Each batch is formatted into one buffer and written with one call, so a
/// failed write can be retried as a whole. A class used by one task at a time.
public final class CSVWriter: BatchWriter {
    /// The output's layout.
    public struct Options: Sendable {
        /// The one-byte field separator.
        public var delimiter: UInt8
        /// Whether the first line names the columns.
        public var header: Bool

        /// Creates options; the defaults write a comma-separated file with a header.
        public init(delimiter: UInt8 = UInt8(ascii: ","), header: Bool = Fields.header.value(in: nil)) {
            self.delimiter = delimiter
            self.header = header
        }
    }

    /// The columns written, in order; a batch must have each of them (extra columns are ignored).
    public let schema: Schema
    /// The layout the writer was opened with.
    public let options: Options
    private let file: any OutputSink
    private var headerWritten = false

    /// The final path.
    public var path: String { file.path }

    /// Opens the temporary file beside `path` (or stdout for `-`); `keepExisting` keeps a killed
    /// run's temporary file for `resume(from:)`.
    /// - Throws: `OutputError` when it cannot be created.
    public init(path: String, schema: Schema, options: Options = Options(), keepExisting: Bool = false) throws {
        self.schema = schema
        self.options = options
        self.file = StandardStreams.isStream(path) ? try StandardOutputSink()
            : try AtomicOutputFile(path: path, keepExisting: keepExisting)
    }

    /// Formats batches as this writer's rows; safe to use from several workers at once.
    public var encoder: any BatchEncoder { csvEncoder }

    private var csvEncoder: CSVEncoder { CSVEncoder(schema: schema, delimiter: options.delimiter) }

    /// Appends `batch`'s rows (and the header, before the first batch) with one write.
    /// - Throws: `OutputError` when `batch` lacks a schema column or the write fails.
    public func write(_ batch: Batch) throws {
        try write(encoded: csvEncoder.encode(batch))
    }

    /// Appends rows formatted by `encoder` (and the header, before the first batch).
    public func write(encoded: EncodedBatch) throws {
        guard let bytes = encoded.bytes else { throw OutputError(.misuse, file: file.path, "internal error: a batch not formatted as CSV") }
        if options.header && !headerWritten {
            try file.write(csvEncoder.header() + bytes)
        } else if !bytes.isEmpty {
            try file.write(bytes)
        }
        headerWritten = true
    }

    /// The temporary file (or stdout) the rows wait in.
    public var staged: any StagedOutput { file }

    /// Writes the header if no batch did: an input with no rows still gets one, so the output
    /// says what it would hold.
    public func finish() throws {
        if options.header && !headerWritten {
            try file.write(csvEncoder.header())
            headerWritten = true
        }
    }

    /// Every write so far made durable; nil on stdout, which cannot be resumed.
    public func checkpoint() throws -> WriterCheckpoint? {
        try file.checkpoint(headerWritten: headerWritten)
    }

    /// Continues the temporary file of a killed run (opened with `keepExisting`).
    public func resume(from checkpoint: WriterCheckpoint) throws {
        try file.resume(from: checkpoint)
        headerWritten = checkpoint.headerWritten
    }
}

/// Formats batches as CSV rows: each column into one buffer, then the rows interleaved.
/// A value: workers each format their own batches.
struct CSVEncoder: BatchEncoder {
    let schema: Schema
    let delimiter: UInt8

    /// The header line.
    func header() -> [UInt8] {
        var out: [UInt8] = []
        for (i, field) in schema.fields.enumerated() {
            if i > 0 { out.append(delimiter) }
            var name = field.name
            name.withUTF8 { CSVFormatting.appendString(UnsafeRawBufferPointer($0), delimiter: delimiter, to: &out) }
        }
        out.append(CSVScanner.lf)
        return out
    }

    func encode(_ batch: Batch) throws -> EncodedBatch {
        let columns = try batch.columns(for: schema, writing: "output")
        let rows = batch.rowCount
        guard rows > 0, !columns.isEmpty else { return EncodedBatch(rows: rows, bytes: []) }
        let columnCount = columns.count
        // Each column's cells back to back, then the rows interleaved with one copy per cell.
        var cells = ByteBuffer(capacity: rows * columnCount * 12)
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: rows * columnCount)
        defer { ends.deallocate() }
        let quoteNull = columnCount == 1
        for (c, column) in columns.enumerated() {
            CSVFormatting.format(column, delimiter: delimiter, quoteNull: quoteNull, into: &cells, ends: ends + c * rows)
        }
        let total = cells.count + rows * columnCount
        let bytes = cells.base
        let out = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let o = buffer.baseAddress!
            var n = 0
            var start = 0
            // Column c's cell r ends at ends[c * rows + r] and starts where the previous cell ended.
            for r in 0 ..< rows {
                for c in 0 ..< columnCount {
                    let k = c &* rows &+ r
                    start = k == 0 ? 0 : ends[k &- 1]
                    let length = ends[k] &- start
                    ByteCopy.copy(o + n, bytes + start, length)
                    n &+= length
                    o[n] = c == columnCount &- 1 ? CSVScanner.lf : delimiter
                    n &+= 1
                }
            }
            initialized = n
        }
        return EncodedBatch(rows: rows, bytes: out)
    }
}
