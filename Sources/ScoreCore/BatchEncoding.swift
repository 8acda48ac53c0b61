/// A batch turned into the bytes its writer appends, by a worker (formatting is most of a
/// writer's work, and it parallelises); the writer then only appends them, in input order.
public struct EncodedBatch: Sendable {
    /// Rows the batch holds.
    public var rows: Int
    /// The formatted rows, for writers that format up front.
    public var bytes: [UInt8]?
    /// The batch itself, for writers that format as they write (they buffer across batches).
    public var batch: Batch?

    public init(rows: Int, bytes: [UInt8]) {
        self.rows = rows
        self.bytes = bytes
        self.batch = nil
    }

    public init(batch: Batch) {
        self.rows = batch.rowCount
        self.bytes = nil
        self.batch = batch
    }
}

/// Formats batches for one writer. Must be safe to call from several workers at once.
public protocol BatchEncoder: Sendable {
    func encode(_ batch: Batch) throws -> EncodedBatch
}

/// The encoder of writers that format as they write: hands the batch over as it is.
public struct DeferredEncoder: BatchEncoder {
    public init() {}
    public func encode(_ batch: Batch) throws -> EncodedBatch { EncodedBatch(batch: batch) }
}

/// What a checkpoint records of a writer so a resumed run continues the same file: the bytes
/// that are durable, and whether the header is among them.
public struct WriterCheckpoint: Codable, Sendable, Equatable {
    public var bytes: Int64
    public var headerWritten: Bool

    public init(bytes: Int64, headerWritten: Bool) {
        self.bytes = bytes
        self.headerWritten = headerWritten
    }
}
