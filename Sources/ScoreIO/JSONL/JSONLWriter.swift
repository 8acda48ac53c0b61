import ScoreCore

/// Writes batches as JSON Lines: one object per row, the schema's columns in order, nulls as
/// `null`. Atomic like `CSVWriter` (nothing at the path until `commit`), or streamed to stdout
/// for the path `-`. Each batch is formatted into one buffer and written with one call. A class
/// used by one task at a time.
public final class JSONLWriter: BatchWriter {
    /// The columns written, in order; a batch must have each of them (extra columns are ignored).
    public let schema: Schema
    private let file: any OutputSink
    private let jsonEncoder: JSONLEncoder

    /// The final path (or `<stdout>`).
    public var path: String { file.path }

    /// Opens the temporary file beside `path`, or stdout for `-`; `keepExisting` keeps a killed
    /// run's temporary file for `resume(from:)`.
    /// - Throws: `OutputError` when it cannot be created.
    public init(path: String, schema: Schema, keepExisting: Bool = false) throws {
        self.schema = schema
        self.file = StandardStreams.isStream(path) ? try StandardOutputSink()
            : try AtomicOutputFile(path: path, keepExisting: keepExisting)
        jsonEncoder = JSONLEncoder(schema: schema)
    }

    /// Formats batches as this writer's lines; safe to use from several workers at once.
    public var encoder: any BatchEncoder { jsonEncoder }

    /// Appends `batch`'s rows with one write.
    /// - Throws: `OutputError` when `batch` lacks a schema column or the write fails.
    public func write(_ batch: Batch) throws {
        try write(encoded: jsonEncoder.encode(batch))
    }

    /// Appends lines formatted by `encoder`.
    public func write(encoded: EncodedBatch) throws {
        guard let bytes = encoded.bytes else { throw OutputError(.misuse, file: file.path, "internal error: a batch not formatted as JSON Lines") }
        if !bytes.isEmpty { try file.write(bytes) }
    }

    /// The temporary file (or stdout, where rows already sent stay sent) the lines wait in.
    public var staged: any StagedOutput { file }

    /// Every write so far made durable; nil on stdout, which cannot be resumed.
    public func checkpoint() throws -> WriterCheckpoint? {
        try file.checkpoint(headerWritten: false)
    }

    /// Continues the temporary file of a killed run (opened with `keepExisting`).
    public func resume(from checkpoint: WriterCheckpoint) throws {
        try file.resume(from: checkpoint)
    }
}

/// Formats batches as JSON Lines. A value: workers each format their own batches.
struct JSONLEncoder: BatchEncoder {
    let schema: Schema
    let rows: JSONRowFormatter

    init(schema: Schema) {
        self.schema = schema
        rows = JSONRowFormatter(names: schema.fields.map(\.name))
    }

    func encode(_ batch: Batch) throws -> EncodedBatch {
        let columns = try batch.columns(for: schema, writing: "output")
        return EncodedBatch(rows: batch.rowCount, bytes: rows.format(columns, rows: batch.rowCount, terminator: 0x0A).bytes)
    }
}
