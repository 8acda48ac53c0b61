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
        public init(delimiter: UInt8 = UInt8(ascii: ","), header: Bool = true) {
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
    /// Reused between batches so steady state does not allocate.
    private var buffer: [UInt8] = []
    private var columnBytes: [UInt8] = []
    private var ends: [Int] = []

    /// The final path.
    public var path: String { file.path }

    /// Opens the temporary file beside `path` (or stdout for `-`).
    /// - Throws: `OutputError` when it cannot be created.
    public init(path: String, schema: Schema, options: Options = Options()) throws {
        self.schema = schema
        self.options = options
        self.file = StandardStreams.isStream(path) ? try StandardOutputSink() : try AtomicOutputFile(path: path)
    }

    /// Appends `batch`'s rows (and the header, before the first batch) with one write.
    /// - Throws: `OutputError` when `batch` lacks a schema column or the write fails.
    public func write(_ batch: Batch) throws {
        let columns = try schema.fields.map { field -> Column in
            guard let column = batch.column(named: field.name) else {
                throw OutputError(file: file.path, "the batch has no column '\(field.name)'")
            }
            return column
        }
        encode(columns, rows: batch.rowCount, withHeader: options.header && !headerWritten)
        try file.write(buffer)
        headerWritten = true
    }

    /// Writes the header if no batch did, then makes the file durable (not yet visible).
    public func prepare() throws {
        if options.header && !headerWritten {
            // An input with no rows still gets a header, so the output says what it would hold.
            encode([], rows: 0, withHeader: true)
            try file.write(buffer)
            headerWritten = true
        }
        try file.prepare()
    }

    /// Moves the file to its path (preparing first if needed).
    public func commit() throws {
        try prepare()
        try file.publish()
    }

    /// Deletes the temporary file; the final path is never touched.
    public func abort() {
        file.abort()
    }

    /// Formats `columns` (in schema order) into `buffer`: each column into `columnBytes`,
    /// then the rows interleaved.
    private func encode(_ columns: [Column], rows: Int, withHeader: Bool) {
        buffer.removeAll(keepingCapacity: true)
        let delimiter = options.delimiter
        if withHeader {
            for (i, field) in schema.fields.enumerated() {
                if i > 0 { buffer.append(delimiter) }
                var name = field.name
                name.withUTF8 { CSVFormatting.appendString(UnsafeRawBufferPointer($0), delimiter: delimiter, to: &buffer) }
            }
            buffer.append(CSVScanner.lf)
        }
        guard rows > 0, !columns.isEmpty else { return }
        columnBytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        ends.reserveCapacity(rows * columns.count)
        let quoteNull = columns.count == 1
        for column in columns {
            CSVFormatting.format(column, delimiter: delimiter, quoteNull: quoteNull, into: &columnBytes, ends: &ends)
        }
        buffer.reserveCapacity(buffer.count + columnBytes.count + rows * columns.count)
        let columnCount = columns.count
        columnBytes.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { ends in
                for r in 0 ..< rows {
                    for c in 0 ..< columnCount {
                        let k = c * rows + r
                        let start = k == 0 ? 0 : ends[k - 1]
                        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start ..< ends[k]]))
                        buffer.append(c == columnCount - 1 ? CSVScanner.lf : delimiter)
                    }
                }
            }
        }
    }
}
