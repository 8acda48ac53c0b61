import Dispatch
import ScoreCore

/// Writes batches as a Parquet file: one flat, nullable column per output field (int64 → INT64,
/// float64 → DOUBLE, bool → BOOLEAN, string → BYTE_ARRAY / STRING), numbers and booleans PLAIN,
/// strings dictionary-encoded (PLAIN when a row group's dictionary outgrows its limits), with
/// min / max / null-count statistics.
///
/// Rows are buffered column by column until a row group is full (`rowGroupRows`), then encoded,
/// compressed and appended with one write, so memory is bounded by one row group. The file is
/// atomic like every output: nothing is at the path until `commit`. A class used by one task at a time.
/// A failed write leaves the writer unusable (every later call throws) rather than risk a row
/// group written twice; the job then fails and `abort` removes the temporary file.
public final class ParquetWriter: BatchWriter {
    /// How the file is laid out.
    public struct Options: Sendable {
        /// The page codec: SNAPPY, GZIP, ZSTD or UNCOMPRESSED.
        public var codec: ParquetCodec
        /// Rows per row group (at least 1).
        public var rowGroupRows: Int
        /// Rows per data page (at least 1).
        public var pageRows: Int
        /// A row group's string dictionary is abandoned (PLAIN used) past this many distinct values...
        public var maxDictionaryEntries: Int
        /// ... or past this many bytes of distinct values.
        public var maxDictionaryBytes: Int
        /// The footer's `created_by` (`batchscore 0.1.0`).
        public var createdBy: String
        /// The job's cores: a row group's columns are encoded side by side on the free ones. Nil
        /// encodes them one after the other on the calling thread.
        public var cores: CPUBudget?

        /// Options with the defaults of the `parquet` writer plugin.
        public init(codec: ParquetCodec = Fields.compression.value(in: nil).codec,
                    rowGroupRows: Int = Fields.rowGroupRows.value(in: nil), pageRows: Int = 32_768,
                    maxDictionaryEntries: Int = 65_536, maxDictionaryBytes: Int = 1 << 20,
                    createdBy: String = "batchscore", cores: CPUBudget? = nil) {
            self.cores = cores
            self.codec = codec
            self.rowGroupRows = max(1, rowGroupRows)
            self.pageRows = max(1, pageRows)
            self.maxDictionaryEntries = maxDictionaryEntries
            self.maxDictionaryBytes = maxDictionaryBytes
            self.createdBy = createdBy
        }
    }

    /// The columns written, in order; a batch must have each of them (extra columns are ignored).
    public let schema: Schema
    /// The layout options.
    public let options: Options
    private let file: AtomicOutputFile
    private var columns: [ParquetColumnBuffer]
    private var rowGroups: [ParquetWrittenRowGroup] = []
    private var finished = false
    private var failed = false
    /// Reused between row groups so steady state does not allocate.
    private var buffer: [UInt8] = []

    /// The final path.
    public var path: String { file.path }

    /// Opens the temporary file beside `path` and writes the leading magic.
    /// - Throws: `OutputError` when it cannot be created.
    public init(path: String, schema: Schema, options: Options = Options()) throws {
        self.schema = schema
        self.options = options
        file = try AtomicOutputFile(path: path)
        columns = schema.fields.map {
            ParquetColumnBuffer(name: $0.name, type: $0.type, maxDictionaryEntries: options.maxDictionaryEntries,
                                maxDictionaryBytes: options.maxDictionaryBytes)
        }
        try file.write(Self.magic)
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// Buffers `batch`'s rows, writing each row group as it fills.
    /// - Throws: `OutputError` when `batch` lacks a schema column (or has it with another type) or a write fails.
    public func write(_ batch: Batch) throws {
        try checkUsable()
        let source = try zip(schema.fields, batch.columns(named: schema.names)).map { field, column -> Column in
            guard let column else {
                throw OutputError(.mismatch, file: file.path, "the batch has no column '\(field.name)'")
            }
            guard column.type == field.type else {
                throw OutputError(.mismatch, file: file.path, "column '\(field.name)' is \(column.type) in the batch but \(field.type) in the output schema")
            }
            return column
        }
        var row = 0
        while row < batch.rowCount {
            let room = options.rowGroupRows - (columns.first?.rowCount ?? 0)
            let end = min(batch.rowCount, row + max(room, 1))
            for c in columns.indices { columns[c].append(source[c], rows: row ..< end) }
            row = end
            if let first = columns.first, first.rowCount >= options.rowGroupRows { try flushRowGroup() }
        }
    }

    private func checkUsable() throws {
        if failed { throw OutputError(.unwritable, file: file.path, "an earlier write failed; the output cannot be continued") }
        if finished { throw OutputError(.misuse, file: file.path, "write after commit") }
    }

    /// Encodes the buffered rows as one row group and appends it with one write.
    private func flushRowGroup() throws {
        guard let rows = columns.first?.rowCount, rows > 0 else { return }
        let base = file.offset
        buffer.removeAll(keepingCapacity: true)
        var chunks: [ParquetWrittenChunk] = []
        let encoder = ParquetChunkEncoder(codec: options.codec, pageRows: options.pageRows)
        do {
            // Columns encode and compress independently: in parallel, each into its own buffer
            // with offsets relative to it, then laid out one after the other.
            let columns = self.columns
            var encoded = [Result<(ParquetWrittenChunk, [UInt8]), ThriftDecodingError>?](repeating: nil, count: columns.count)
            encoded.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots  // each iteration writes only its own index
                CPUBudget.forEach(columns.count, on: options.cores) { c in
                    slots[c] = Result { () throws(ThriftDecodingError) -> (ParquetWrittenChunk, [UInt8]) in
                        var bytes: [UInt8] = []
                        let chunk = try encoder.encode(columns[c], base: 0, to: &bytes)
                        return (chunk, bytes)
                    }
                }
            }
            for result in encoded {
                var (chunk, bytes) = try result!.get()
                let shift = base + Int64(buffer.count)
                chunk.chunkOffset += shift
                chunk.dataPageOffset += shift
                chunk.dictionaryPageOffset = chunk.dictionaryPageOffset.map { $0 + shift }
                chunks.append(chunk)
                buffer.append(contentsOf: bytes)
            }
            try file.write(buffer)
        } catch let error as ThriftDecodingError {
            failed = true
            throw OutputError(.mismatch, file: file.path, "cannot encode a row group: \(error.message)")
        } catch {
            failed = true
            throw error
        }
        rowGroups.append(ParquetWrittenRowGroup(chunks: chunks, numRows: Int64(rows), fileOffset: base))
        for c in columns.indices { columns[c].reset() }
    }

    /// The temporary file the row groups wait in.
    public var staged: any StagedOutput { file }

    /// Writes the last row group and the footer (once).
    public func finish() throws {
        guard !finished else { return }
        try checkUsable()
        do {
            try flushRowGroup()
            var tail = ParquetFooterEncoder.encode(schema: schema, rowGroups: rowGroups, createdBy: options.createdBy)
            ParquetEncoder.appendLittleEndian(UInt32(tail.count), to: &tail)
            tail.append(contentsOf: Self.magic)
            try file.write(tail)
        } catch {
            failed = true
            throw error
        }
        finished = true
    }

    /// Rows written to the file plus rows buffered.
    public var rowCount: Int {
        rowGroups.reduce(0) { $0 + Int($1.numRows) } + (columns.first?.rowCount ?? 0)
    }
}
