import ScoreCore

/// Writes rejected records to a CSV with the columns `source,line,stage,rule,reason,record`,
/// atomically like any output. It holds only what the rejections say (no timestamps or process
/// ids), so a resumed run writes the same bytes as an uninterrupted one.
public final class QuarantineWriter {
    /// The quarantine's columns, in order.
    public static let schema = Schema([
        .init(name: "source", type: .string),
        .init(name: "line", type: .int64),
        .init(name: "stage", type: .string),
        .init(name: "rule", type: .string),
        .init(name: "reason", type: .string),
        .init(name: "record", type: .string),
    ])

    /// The input's name as the job spec gives it (the `source` column).
    public let source: String
    private let writer: CSVWriter
    private let scrub: @Sendable (String) -> String

    /// Opens the temporary file beside `path`.
    /// - Parameter scrub: applied to the `source` and `reason` columns, which quote the job's
    ///   settings (a path, an allowed value, a hook's param) and so may hold values from `${VAR}`;
    ///   never to the rejected record's own bytes.
    /// - Throws: `OutputError` when it cannot be created, or when `path` is `-` (the quarantine
    ///   is always a file: stdout carries the predictions).
    public init(path: String, source: String, keepExisting: Bool = false,
                scrub: @escaping @Sendable (String) -> String = { $0 }) throws {
        if StandardStreams.isStream(path) {
            throw OutputError(.unsupported, file: path, "the quarantine cannot be stdout ('-'); give it a file path")
        }
        self.source = scrub(source)
        self.scrub = scrub
        self.writer = try CSVWriter(path: path, schema: Self.schema, keepExisting: keepExisting)
    }

    /// Appends one row per rejection. On failure nothing is appended, so the call can be retried.
    public func append(_ rejections: [Rejection]) throws {
        if rejections.isEmpty { return }
        var origins = RowOrigins()
        var lines: [Int64] = [], stages = StringColumn(), rules = StringColumn()
        var reasons = StringColumn(), records = StringColumn(), sources = StringColumn()
        for rejection in rejections {
            origins.append(line: rejection.line, record: "")
            sources.append(source)
            lines.append(Int64(rejection.line))
            stages.append(rejection.stage)
            rules.append(rejection.rule)
            reasons.append(scrub(rejection.reason))
            rejection.record.withUnsafeBytes { records.append(bytes: $0) }
        }
        let batch = Batch(columns: [
            Column(name: "source", data: .string(sources)),
            Column(name: "line", data: .int64(lines)),
            Column(name: "stage", data: .string(stages)),
            Column(name: "rule", data: .string(rules)),
            Column(name: "reason", data: .string(reasons)),
            Column(name: "record", data: .string(records)),
        ], origins: origins)
        try writer.write(batch)
    }

    /// Makes everything appended durable without making it visible.
    public func prepare() throws {
        try writer.prepare()
    }

    /// Makes the quarantine visible at its path (with just a header when nothing was rejected).
    public func commit() throws {
        try writer.commit()
    }

    /// Makes every row appended so far durable and says where the file stands.
    public func checkpoint() throws -> WriterCheckpoint? {
        try writer.checkpoint()
    }

    /// Continues a killed run's quarantine (opened with `keepExisting`).
    public func resume(from checkpoint: WriterCheckpoint) throws {
        try writer.resume(from: checkpoint)
    }

    /// Removes everything written; the path is left untouched.
    public func abort() {
        writer.abort()
    }
}
