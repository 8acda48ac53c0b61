import Foundation
import ScoreCore

/// Writes the output into a PostgreSQL table with `COPY … FROM STDIN` (CSV, formatted on the
/// workers like the csv writer's), inside one transaction that the job's commit commits: until
/// then no other session sees a row, and a job that fails, is stopped or is killed leaves the
/// target exactly as it was (PostgreSQL rolls the transaction back when the connection ends).
///
/// Modes: `create` makes the table (an existing one is an error), `append` adds to an existing
/// one (a missing one is an error; the output's columns must be in it), `replace` writes a new
/// table and swaps it in at the commit (the old one, if any, is dropped in the same transaction).
/// Columns are typed from the output schema: float64 → double precision, int64 → bigint,
/// string → text, bool → boolean. Not resumable: a stopped job's rows are rolled back and a
/// resumed run writes them all again.
public final class PostgresWriter: BatchWriter {
    public enum Mode: String, Sendable, CaseIterable {
        case create, append, replace
    }

    /// The table as the job names it, and where, for messages and the summary.
    public let name: String
    public let schema: Schema
    private let connection: PostgresConnection
    private let transaction: Transaction

    /// Connects, opens the transaction, prepares the table for `mode` and starts the COPY.
    /// - Throws: `PostgresError`; `key` is `table` when the mode and the table disagree.
    public init(url: String, table: String, mode: Mode, schema: Schema) throws {
        self.schema = schema
        let connection = try PostgresConnection(url: url)
        self.connection = connection
        name = "postgres table \(table) (\(connection.displayName))"
        try connection.execute("BEGIN")
        // Qualified with the schema the session creates in, so the existence check, the CREATE and
        // replace's DROP all mean one table whatever the search_path holds.
        let target = try PostgresTableName(table, connection: connection)
        let columns = try schema.fields.map { try connection.quoteIdentifier($0.name) }
        let definition = try schema.fields.map { "\(try connection.quoteIdentifier($0.name)) \(PostgresTypes.sqlType($0.type))" }
            .joined(separator: ", ")
        let exists = try connection.scalar("SELECT to_regclass(\(try connection.quoteLiteral(target.quoted))) IS NOT NULL") == "t"
        var copyInto = target.quoted
        var swapSQL: String?
        switch mode {
        case .create:
            guard !exists else {
                throw PostgresError(message: "\(name): the table exists; mode create makes a new one (use append to add to it, replace to overwrite it)",
                                    isTransient: false, key: "table")
            }
            try connection.execute("CREATE TABLE \(target.quoted) (\(definition))")
        case .append:
            guard exists else {
                throw PostgresError(message: "\(name): no such table; mode append adds to an existing one (use create or replace to make it)",
                                    isTransient: false, key: "table")
            }
        case .replace:
            // A new table beside the target, swapped in when the rows are all in.
            let staging = try target.sibling(PostgresTableName.stagingName(for: target.table), connection: connection)
            try connection.execute("CREATE TABLE \(staging) (\(definition))")
            copyInto = staging
            swapSQL = "DROP TABLE IF EXISTS \(target.quoted); ALTER TABLE \(staging) RENAME TO \(try connection.quoteIdentifier(target.table))"
        }
        do {
            try connection.startCopyIn("COPY \(copyInto) (\(columns.joined(separator: ", "))) FROM STDIN (FORMAT csv)")
        } catch var error as PostgresError where error.sqlState == "42703" {
            error.key = "table"  // append: the table lacks an output column
            throw error
        }
        transaction = Transaction(connection: connection, beforeCommit: swapSQL, name: name)
    }

    /// Formats batches as CSV rows (no header) on the workers.
    public var encoder: any BatchEncoder { CSVEncoder(schema: schema, delimiter: UInt8(ascii: ",")) }

    public var staged: any StagedOutput { transaction }

    public func write(_ batch: Batch) throws {
        try write(encoded: CSVEncoder(schema: schema, delimiter: UInt8(ascii: ",")).encode(batch))
    }

    /// Sends the rows to the COPY. A row is never a lone `\.` (COPY's end marker): every output
    /// row has the model's columns, so it holds a comma.
    public func write(encoded: EncodedBatch) throws {
        guard let bytes = encoded.bytes else { throw OutputError(.misuse, file: name, "internal error: a batch not formatted as CSV") }
        try bytes.withUnsafeBytes { try connection.copyIn($0) }
    }

    /// The transaction the rows wait in: `prepare` ends the COPY (where the server refuses a row
    /// it cannot store) and, for `replace`, swaps the new table in — everything that can fail for a
    /// reason of the data or the schema — leaving `publish` only the COMMIT. A failure is kept and
    /// thrown again by every later call: once the COPY or the swap failed the transaction is
    /// aborted, and a retried prepare must not let a COMMIT (which PostgreSQL then answers with a
    /// ROLLBACK) pass for success.
    final class Transaction: StagedOutput {
        private let connection: PostgresConnection
        private let beforeCommit: String?
        private let name: String
        private var copying = true
        private var prepared = false
        private var open = true
        private var failure: PostgresError?

        init(connection: PostgresConnection, beforeCommit: String?, name: String) {
            self.connection = connection
            self.beforeCommit = beforeCommit
            self.name = name
        }

        /// Runs `step`, keeping its failure (never transient: the transaction is gone).
        private func step(_ body: () throws -> Void) throws {
            if let failure { throw failure }
            do {
                try body()
            } catch let error as PostgresError {
                failure = PostgresError(message: error.message, sqlState: error.sqlState, isTransient: false, key: error.key)
                throw failure!
            }
        }

        func prepare() throws {
            try step {
                if copying {
                    copying = false
                    try connection.endCopyIn()
                }
                if !prepared {
                    prepared = true
                    if let beforeCommit { try connection.execute(beforeCommit) }
                }
            }
        }

        func publish() throws {
            try prepare()
            try step {
                guard open else { return }
                open = false
                let tag = try connection.command("COMMIT")
                guard tag == "COMMIT" else {
                    throw PostgresError(message: "\(name): the server ended the transaction with \(tag) instead of committing it", isTransient: false)
                }
            }
        }

        func abort() {
            if copying {
                copying = false
                try? connection.endCopyIn(error: "the job did not succeed")
            }
            if open {
                open = false
                try? connection.execute("ROLLBACK")
            }
        }

        deinit { abort() }
    }
}

/// A table name as a job writes it — `scores` or `analytics.scores` — quoted for SQL, and always
/// schema-qualified (an unqualified name takes the session's `current_schema()`).
struct PostgresTableName {
    let schema: String
    let table: String
    let quoted: String

    init(_ text: String, connection: PostgresConnection) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1 ... 2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
            throw PostgresError(message: "the table name \(text) is not TABLE or SCHEMA.TABLE", isTransient: false, key: "table")
        }
        if parts.count == 2 {
            schema = parts[0]
        } else {
            guard let current = try connection.scalar("SELECT current_schema()") else {
                throw PostgresError(message: "the table name \(text) has no schema and the session's search_path names none that exists; write SCHEMA.TABLE",
                                    isTransient: false, key: "table")
            }
            schema = current
        }
        table = parts.last!
        quoted = try connection.quoteIdentifier(schema) + "." + connection.quoteIdentifier(table)
    }

    /// Another table in the same schema, quoted.
    func sibling(_ name: String, connection: PostgresConnection) throws -> String {
        try connection.quoteIdentifier(schema) + "." + connection.quoteIdentifier(name)
    }

    /// `TABLE_batchscore_HEX`, within PostgreSQL's 63-byte names: the table's part is cut (on a
    /// character boundary) so the random suffix always survives and never equals the target.
    static func stagingName(for table: String) -> String {
        let suffix = "_batchscore_" + String(UInt64.random(in: 0 ... UInt64.max), radix: 16)
        var kept = ""
        for character in table {
            if kept.utf8.count + String(character).utf8.count + suffix.utf8.count > 63 { break }
            kept.append(character)
        }
        return kept + suffix
    }
}
