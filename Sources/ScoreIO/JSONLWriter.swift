import ScoreCore

/// Writes batches as JSON Lines: one object per row, the schema's columns in order, nulls as
/// `null`. Atomic like `CSVWriter` (nothing at the path until `commit`), or streamed to stdout
/// for the path `-`. Each batch is formatted into one buffer and written with one call. A class
/// used by one task at a time.
public final class JSONLWriter: BatchWriter {
    /// The columns written, in order; a batch must have each of them (extra columns are ignored).
    public let schema: Schema
    private let file: any OutputSink
    /// Each column's `"name":` with its separator, escaped once.
    private let keys: [[UInt8]]
    /// Reused between batches so steady state does not allocate.
    private var buffer: [UInt8] = []

    /// The final path (or `<stdout>`).
    public var path: String { file.path }

    /// Opens the temporary file beside `path`, or stdout for `-`.
    /// - Throws: `OutputError` when it cannot be created.
    public init(path: String, schema: Schema) throws {
        self.schema = schema
        self.file = StandardStreams.isStream(path) ? try StandardOutputSink() : try AtomicOutputFile(path: path)
        keys = schema.fields.enumerated().map { i, field in
            var key: [UInt8] = [i == 0 ? UInt8(ascii: "{") : UInt8(ascii: ",")]
            JSONFormatting.appendString(field.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    /// Appends `batch`'s rows with one write.
    /// - Throws: `OutputError` when `batch` lacks a schema column or the write fails.
    public func write(_ batch: Batch) throws {
        let columns = try schema.fields.map { field -> Column in
            guard let column = batch.column(named: field.name) else {
                throw OutputError(file: file.path, "the batch has no column '\(field.name)'")
            }
            return column
        }
        buffer.removeAll(keepingCapacity: true)
        for r in 0 ..< batch.rowCount {
            if columns.isEmpty { buffer.append(UInt8(ascii: "{")) }
            for (c, column) in columns.enumerated() {
                buffer.append(contentsOf: keys[c])
                append(column, row: r)
            }
            buffer.append(UInt8(ascii: "}"))
            buffer.append(0x0A)
        }
        if !buffer.isEmpty { try file.write(buffer) }
    }

    private func append(_ column: Column, row r: Int) {
        if column.isNull(r) {
            buffer.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            return
        }
        switch column.data {
        case .float64(let values): JSONFormatting.appendNumber(values[r], to: &buffer)
        case .int64(let values): NumberFormatting.appendInteger(values[r], to: &buffer)
        case .bool(let values):
            buffer.append(contentsOf: values[r] ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .string(let strings): strings.withBytes(r) { JSONFormatting.appendString($0, to: &buffer) }
        }
    }

    /// Makes the file durable (not yet visible); nothing to do for stdout.
    public func prepare() throws {
        try file.prepare()
    }

    /// Moves the file to its path (preparing first if needed).
    public func commit() throws {
        try file.prepare()
        try file.publish()
    }

    /// Deletes the temporary file; the final path is never touched. Rows already sent to stdout stay sent.
    public func abort() {
        file.abort()
    }
}
