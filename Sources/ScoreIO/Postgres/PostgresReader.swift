import Foundation
import ScoreCore

/// Reads the rows of a PostgreSQL query, streamed: `COPY (query) TO STDOUT` in CSV form, fed by a
/// pump thread through a socket pair into the CSV reader, which cuts and parses it as it would a
/// file (in parallel, with the same number parsing, nulls and quarantine). Memory stays bounded:
/// the pump blocks when the socket's buffer is full, so the database streams only as fast as the
/// job scores.
///
/// Types come from the query's result (described before it runs): int2/int4/int8 → int64,
/// float4/float8/numeric → float64 (numeric by its decimal text, rounded to the nearest float64),
/// bool → bool, everything else (text, varchar, dates and timestamps, ISO in UTC, …) → string, as
/// PostgreSQL prints it. NULL is a null; an empty text value stays an empty string.
public final class PostgresReader: BatchReader {
    /// The query's columns, typed as above.
    public var schema: Schema { csv.schema }
    /// `postgres query` plus where, for messages and the quarantine's `source` column.
    public let sourceName: String
    /// A query's size is unknown: progress has no ETA.
    public var totalBytes: Int64? { nil }
    public var bytesRead: Int64 { csv.bytesRead }
    public var noColumnsExplanation: String { "the query returns no columns" }

    /// With `order_by` the rows come in a fixed order, so a resumed run reads past the rows a
    /// checkpoint counts and goes on from the same row (the query's data must not change meanwhile:
    /// the checkpoint can check the spec, not the table).
    public let isResumable: Bool
    public var resumeAdvice: String? {
        isResumable ? nil : "the query has no order_by: its rows come in no fixed order, so this job cannot resume and its output's row order may differ from run to run"
    }

    private let csv: CSVReader
    private let pump: PostgresCopyPump

    /// What the reader needs: where, what, in which order.
    public struct Options: Sendable {
        public var url: String
        public var query: String
        /// Columns to sort by, making the order (and so the output and a resume) stable.
        public var orderBy: [String]
        /// The longest row accepted, as CSV text; a longer one stops the job.
        public var maxRecordBytes: Int
        public init(url: String, query: String, orderBy: [String] = [], maxRecordBytes: Int = 16 << 20) {
            self.url = url
            self.query = query
            self.orderBy = orderBy
            self.maxRecordBytes = maxRecordBytes
        }
    }

    /// Connects, describes the query, and starts streaming its rows.
    /// - Throws: `PostgresError` (connection, a query that does not parse, an unknown column in
    ///   `orderBy`), `InputError` from the CSV header.
    public init(options: Options, requirements: ReaderRequirements = ReaderRequirements()) throws {
        let connection = try PostgresConnection(url: options.url)
        sourceName = "postgres query (\(connection.displayName))"
        isResumable = !options.orderBy.isEmpty
        let trimmed = options.query.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
        let columns: [(name: String, oid: UInt32)]
        do {
            columns = try connection.describe("SELECT * FROM (\n\(trimmed)\n) AS batchscore_query")
        } catch var error as PostgresError where error.sqlState?.hasPrefix("42") == true {
            error.key = "query"  // a syntax error, an unknown table or column: the spec's query is wrong
            throw error
        }
        guard !columns.isEmpty else {
            throw PostgresError(message: "\(sourceName): the query returns no columns", isTransient: false, key: "query")
        }
        // COPY writes a row whose only value is NULL as an empty line, which CSV cannot tell from
        // no row at all: refuse rather than lose those rows.
        guard columns.count > 1 else {
            throw PostgresError(message: "\(sourceName): the query returns one column (\(columns[0].name)); select a second one, such as a key, so that a NULL in it is not read as a blank line",
                                isTransient: false, key: "query")
        }
        var names = Set<String>()
        for column in columns where !names.insert(column.name).inserted {
            throw PostgresError(message: "\(sourceName): the query returns two columns named \(column.name); give them distinct names with AS",
                                isTransient: false, key: "query")
        }
        for key in options.orderBy where !names.contains(key) {
            throw PostgresError(message: "\(sourceName): order_by names \(key), which the query does not return (it returns \(columns.map(\.name).joined(separator: ", ")))",
                                isTransient: false, key: "order_by")
        }
        // Booleans as `true` / `false` (COPY prints `t` / `f`); the rest in COPY's own text.
        let selected = try columns.map { column -> String in
            let name = try connection.quoteIdentifier(column.name)
            return PostgresTypes.type(of: column.oid) == .bool ? "\(name)::text AS \(name)" : name
        }.joined(separator: ", ")
        let order = try options.orderBy.map { try connection.quoteIdentifier($0) }.joined(separator: ", ")
        // The query on lines of its own, so a trailing `-- comment` comments out nothing of ours.
        let copy = "COPY (SELECT \(selected) FROM (\n\(trimmed)\n) AS batchscore_query\(order.isEmpty ? "" : " ORDER BY \(order)")) TO STDOUT (FORMAT csv, HEADER true)"
        try connection.startCopyOut(copy)

        var declared: [(name: String, type: ColumnType)] = []
        for column in columns {
            if let type = PostgresTypes.type(of: column.oid), type != .string { declared.append((column.name, type)) }
        }
        pump = try PostgresCopyPump(connection: connection)
        var csvOptions = CSVReader.Options(columns: declared, inferRows: 0, maxRecordBytes: options.maxRecordBytes)
        csvOptions.columnsKeyPath = "reader.query"
        pump.start()
        let input = try TextInput(opened: OpenedFile(fd: pump.readEnd, size: nil, isStream: true), path: sourceName, sourceName: sourceName)
        // On a failure here the input's socket closes with it, which stops the pump.
        csv = try CSVReader(input: input, options: csvOptions, requirements: requirements)
    }

    /// A reader dropped before the end of its rows (a job stopped early) asks the server to stop
    /// the query, rather than leave it running or holding its snapshot until the process exits.
    deinit { pump.stop() }

    public func next(maxRows: Int) throws -> ReadResult? {
        if let read = try csv.next(maxRows: maxRows) { return read }
        try pump.finish()
        return nil
    }

    public func nextUnit(maxRows: Int) throws -> ReadUnit? {
        if let unit = try csv.nextUnit(maxRows: maxRows) { return unit }
        // The stream ended: it is the end of the input only if the COPY ended well.
        try pump.finish()
        return nil
    }
}

/// PostgreSQL types as BatchScore column types.
enum PostgresTypes {
    /// The column type for a result column of type `oid`; nil (text) for types without a match.
    static func type(of oid: UInt32) -> ColumnType? {
        switch oid {
        case 16: .bool
        case 20, 21, 23: .int64  // int8, int2, int4
        case 700, 701, 1700: .float64  // float4, float8, numeric
        case 25, 1042, 1043: .string  // text, bpchar, varchar
        default: nil
        }
    }

    /// The SQL type for an output column.
    static func sqlType(_ type: ColumnType) -> String {
        switch type {
        case .float64: "double precision"
        case .int64: "bigint"
        case .string: "text"
        case .bool: "boolean"
        }
    }
}
