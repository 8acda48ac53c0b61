import CLibPQ
import Foundation
import ScoreCore

/// A failure talking to PostgreSQL: the server's or libpq's message (never the URL's password),
/// and whether trying again may help (a lost connection may; a bad query will not).
public struct PostgresError: BatchScoreError, Equatable {
    public var message: String
    /// The SQLSTATE code when the server sent one (`42P01`: no such table).
    public var sqlState: String?
    public var isTransient: Bool
    /// The reader's or writer's config key the problem is about (`query`, `order_by`, `table`), when
    /// it is one of the job spec's: the plugin then reports it at that key's `file:line:col`.
    public var key: String?

    public init(message: String, sqlState: String? = nil, isTransient: Bool, key: String? = nil) {
        self.message = message
        self.sqlState = sqlState
        self.isTransient = isTransient
        self.key = key
    }

    public var description: String { message }
}

/// One libpq connection, used by one thread at a time (its owner: a reader's pump, a writer).
///
/// The session is set up for exact, stable text: `DateStyle` ISO, `TimeZone` UTC,
/// `extra_float_digits` 3 (exact floats: the shortest round-trip text from PostgreSQL 12 on), `client_encoding` UTF8.
final class PostgresConnection {
    private let connection: OpaquePointer
    /// Where it is connected, without the password, for messages.
    let displayName: String
    /// The password as written and as libpq read it: scrubbed from every message libpq makes.
    private let secrets: [String]

    /// Connects to `url` (a `postgres://` / `postgresql://` URL or a libpq `key=value` string).
    init(url: String) throws {
        let parsed = try PostgresURL.parse(url)
        displayName = parsed.display
        secrets = parsed.secrets
        guard let made = PQconnectdb(url) else {
            throw PostgresError(message: "cannot connect to \(displayName): out of memory", isTransient: true)
        }
        connection = made  // from here on, deinit finishes it, also when init throws
        guard PQstatus(made) == CONNECTION_OK else {
            let message = clean(PQerrorMessage(made))
            // A refused or dropped connection may come back; a bad password or database will not.
            let permanent = message.contains("password") || message.contains("does not exist")
                || message.contains("authentication") || message.contains("invalid")
            throw PostgresError(message: "cannot connect to \(displayName): \(message)", isTransient: !permanent)
        }
        try execute("SET DateStyle = 'ISO'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET client_encoding = 'UTF8'")
    }

    deinit { PQfinish(connection) }

    /// Runs `sql` (one or more statements, no parameters) and discards what it returns.
    func execute(_ sql: String) throws {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK], what: "SQL")
    }

    /// Runs one statement and returns its command tag (`COMMIT`, or `ROLLBACK` for a COMMIT of an
    /// aborted transaction).
    func command(_ sql: String) throws -> String {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, expecting: [PGRES_COMMAND_OK], what: "SQL")
        return String(cString: PQcmdStatus(result))
    }

    /// The first column of the first row of `sql`'s result, as text, or nil (no row, or NULL).
    func scalar(_ sql: String) throws -> String? {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, expecting: [PGRES_TUPLES_OK], what: "SQL")
        guard PQntuples(result) > 0, PQnfields(result) > 0, PQgetisnull(result, 0, 0) == 0 else { return nil }
        return String(cString: PQgetvalue(result, 0, 0))
    }

    /// The names and type OIDs of the columns `query` returns, without running it (a prepared
    /// statement, described).
    func describe(_ query: String) throws -> [(name: String, oid: UInt32)] {
        let prepared = PQprepare(connection, "", query, 0, nil)
        defer { PQclear(prepared) }
        try check(prepared, expecting: [PGRES_COMMAND_OK], what: "the query")
        let described = PQdescribePrepared(connection, "")
        defer { PQclear(described) }
        try check(described, expecting: [PGRES_COMMAND_OK], what: "the query")
        return (0 ..< PQnfields(described)).map { i in
            (String(cString: PQfname(described, i)), UInt32(PQftype(described, i)))
        }
    }

    // MARK: COPY

    /// Starts `COPY … TO STDOUT`; then `copyOut` until it returns nil.
    func startCopyOut(_ sql: String) throws {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, expecting: [PGRES_COPY_OUT], what: "the query")
    }

    /// The next row of a `COPY … TO STDOUT` (handed to `body` without a copy), false at its end.
    /// Throws when the server ends the COPY with an error (a query failing mid-way).
    func copyOut(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        var buffer: UnsafeMutablePointer<CChar>?
        let n = PQgetCopyData(connection, &buffer, 0)
        if n > 0, let buffer {
            defer { PQfreemem(buffer) }
            try body(UnsafeRawBufferPointer(start: buffer, count: Int(n)))
            return true
        }
        if n == -1 {
            // The COPY is over: its final result says whether it succeeded.
            while let result = PQgetResult(connection) {
                defer { PQclear(result) }
                try check(result, expecting: [PGRES_COMMAND_OK], what: "the query")
            }
            return false
        }
        throw PostgresError(message: "reading from \(displayName): \(clean(PQerrorMessage(connection)))", isTransient: true)
    }

    /// Asks the server to stop the statement running on a connection, from any thread.
    final class Canceller: @unchecked Sendable {
        // @unchecked: PQcancel is documented as safe to call from another thread than the connection's.
        private let handle: OpaquePointer

        init?(_ connection: OpaquePointer) {
            guard let handle = PQgetCancel(connection) else { return nil }
            self.handle = handle
        }

        func cancel() {
            var message = [CChar](repeating: 0, count: 256)
            _ = PQcancel(handle, &message, Int32(message.count))
        }

        deinit { PQfreeCancel(handle) }
    }

    /// A canceller for this connection's statements.
    func canceller() -> Canceller? { Canceller(connection) }

    /// Starts `COPY … FROM STDIN`; then `copyIn` the rows and `endCopyIn`.
    func startCopyIn(_ sql: String) throws {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, expecting: [PGRES_COPY_IN], what: "COPY")
    }

    /// Sends `bytes` (whole rows) to the COPY in progress.
    func copyIn(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        let sent = PQputCopyData(connection, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        guard sent == 1 else {
            throw PostgresError(message: "writing to \(displayName): \(clean(PQerrorMessage(connection)))", isTransient: false)
        }
    }

    /// Ends the COPY in progress (`error` non-nil aborts it with that message); throws when the
    /// server refused a row (a type or constraint error), naming it.
    func endCopyIn(error: String? = nil) throws {
        guard PQputCopyEnd(connection, error) == 1 else {
            throw PostgresError(message: "writing to \(displayName): \(clean(PQerrorMessage(connection)))", isTransient: false)
        }
        var failure: PostgresError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            if error == nil, failure == nil {
                do { try check(result, expecting: [PGRES_COMMAND_OK], what: "COPY") } catch let e as PostgresError { failure = e }
            }
        }
        if let failure { throw failure }
    }

    // MARK: Text

    /// `name` quoted as an SQL identifier (`"a ""b"""`), as libpq escapes it.
    func quoteIdentifier(_ name: String) throws -> String {
        guard let quoted = PQescapeIdentifier(connection, name, name.utf8.count) else {
            throw PostgresError(message: "cannot quote the name \(name): \(clean(PQerrorMessage(connection)))", isTransient: false)
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// `text` as an SQL string literal.
    func quoteLiteral(_ text: String) throws -> String {
        guard let quoted = PQescapeLiteral(connection, text, text.utf8.count) else {
            throw PostgresError(message: "cannot quote \(text): \(clean(PQerrorMessage(connection)))", isTransient: false)
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    private func check(_ result: OpaquePointer?, expecting: [ExecStatusType], what: String) throws {
        guard let result else {
            throw PostgresError(message: "\(displayName): \(clean(PQerrorMessage(connection)))", isTransient: true)
        }
        let status = PQresultStatus(result)
        guard !expecting.contains(status) else { return }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        var message = clean(PQresultErrorMessage(result))
        if message.isEmpty { message = String(cString: PQresStatus(status)) }
        // Class 08 is a connection problem, 40001/40P01 a serialization failure or deadlock, 57P0x a shutdown: worth a retry.
        let transient = state.map { $0.hasPrefix("08") || $0 == "40001" || $0 == "40P01" || $0.hasPrefix("57P0") } ?? true
        throw PostgresError(message: "\(displayName): \(what) failed: \(message)", sqlState: state, isTransient: transient)
    }

    /// libpq's message on one line (`ERROR:  x\nLINE 1: …` → `x; LINE 1: …`), the password scrubbed.
    private func clean(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        var message = String(cString: text)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: "; ")
            .replacingOccurrences(of: "ERROR:  ", with: "")
        for secret in secrets where !secret.isEmpty { message = message.replacingOccurrences(of: secret, with: "***") }
        return message
    }
}

extension PostgresError {
    /// Runs `open` (a reader's or writer's constructor); a problem about one of the section's keys
    /// becomes a spec error at that key's `file:line:col`, any other stays as it is.
    static func reportingSpecKeys<T>(in section: ConfigSection, _ open: () throws -> T) throws -> T {
        do {
            return try open()
        } catch let error as PostgresError {
            guard let key = error.key else { throw error }
            throw JobSpecError(at: section.location(of: key), section.keyPath(of: key), error.message)
        }
    }
}

/// PostgreSQL connection strings for messages: the password, wherever it is written, never shown.
public enum PostgresURL {
    /// The `url` key both the postgres reader and writer take.
    static let field = ConfigField("url", .string, required: true,
        doc: "A libpq connection string: postgres://USER@HOST:PORT/DB or `host=… dbname=…`. Put the password in ${VAR} (or use ~/.pgpass or PGPASSWORD): it is never printed.")

    /// `url` as libpq reads it: a name for messages built from its user, host, port and database
    /// only (`postgres://u@h:5432/db`, a socket folder as `?host=/path`), and the password in
    /// every form the URL may hold it (as libpq decoded it, and as written), to scrub from
    /// messages. A string libpq cannot parse is refused without quoting libpq's message, which
    /// may hold a piece of the password.
    static func parse(_ url: String) throws -> (display: String, secrets: [String]) {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            if let error { PQfreemem(error) }
            throw PostgresError(message: "the url is not a connection string libpq can read (not shown: it may hold a password); a password with @ / : % ? # in a postgres:// URL must be percent-encoded",
                                isTransient: false, key: "url")
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        var secrets: [String] = []
        if let password = values["password"], !password.isEmpty {
            secrets.append(password)
            if let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != password {
                secrets.append(encoded)
            }
        }
        // The userinfo's password as written (a URL may encode it in several ways). Unencoded, a
        // `/ ? # @` in it makes libpq read part of it as the host, port or database, and then
        // quote that part in its errors: refused before libpq sees it.
        if let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            if let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                let written = String(rest[rest.index(after: colon) ..< at])
                if written.contains(where: { "/?#@".contains($0) }) {
                    throw PostgresError(message: "the url's password holds a / ? # or @ that is not percent-encoded (not shown); write it as %2F %3F %23 %40, or put it in PGPASSWORD or ~/.pgpass",
                                        isTransient: false, key: "url")
                }
                if !written.isEmpty { secrets.append(written) }
            }
        }
        var display = "postgres://"
        if let user = values["user"], !user.isEmpty { display += user + "@" }
        let host = values["host"] ?? values["hostaddr"] ?? ""
        let socket = host.hasPrefix("/")
        if !socket { display += host }
        if let port = values["port"], !port.isEmpty { display += ":" + port }
        display += "/" + (values["dbname"] ?? "")
        if socket { display += "?host=" + host }
        return (display, secrets.sorted { $0.count > $1.count })
    }

    /// `url` without its password, for messages; the fixed text of `parse` when libpq cannot read it.
    public static func redacted(_ url: String) -> String {
        (try? parse(url).display) ?? "the url (not shown: libpq cannot read it)"
    }
}
