import Foundation

/// A PostgreSQL server for tests: `BATCHSCORE_TEST_PG_URL` when set, otherwise a private,
/// throwaway cluster this process starts (initdb + pg_ctl from the installed PostgreSQL, on a
/// Unix socket in a temporary folder, no TCP, fsync off) and stops when it exits. As root the
/// cluster runs as the `postgres` user (initdb refuses root). Nil, with the reason, when neither
/// is possible; tests then skip, unless `BATCHSCORE_REQUIRE_POSTGRES=1` (CI) makes that a failure.
public final class TestPostgres: @unchecked Sendable {
    // @unchecked: immutable after the one-time start.
    /// A libpq URL for the server's `postgres` database.
    public let url: String
    let bin: String
    let folder: String?

    /// The shared server, started on first use.
    public static let shared: Result<TestPostgres, TestPostgresUnavailable> = start()

    /// True when the environment demands a server (a missing one fails rather than skips).
    public static var required: Bool { ProcessInfo.processInfo.environment["BATCHSCORE_REQUIRE_POSTGRES"] == "1" }

    /// The server, or nil with the reason printed once.
    public static var available: TestPostgres? {
        switch shared {
        case .success(let server): return server
        case .failure: return nil
        }
    }

    public static var unavailableReason: String {
        if case .failure(let reason) = shared { return reason.description }
        return ""
    }

    private init(url: String, bin: String, folder: String?) {
        self.url = url
        self.bin = bin
        self.folder = folder
    }

    private static func start() -> Result<TestPostgres, TestPostgresUnavailable> {
        let environment = ProcessInfo.processInfo.environment
        let bin = newestBinFolder()
        if let url = environment["BATCHSCORE_TEST_PG_URL"], !url.isEmpty {
            return .success(TestPostgres(url: url, bin: bin ?? "/usr/bin", folder: nil))
        }
        guard let bin else {
            return .failure(TestPostgresUnavailable(description: "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql), and BATCHSCORE_TEST_PG_URL is not set"))
        }
        var template = Array("/tmp/batchscore-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            return .failure(TestPostgresUnavailable(description: "cannot make a folder for the test cluster"))
        }
        let folder = String(cString: made)
        let asRoot = getuid() == 0
        if asRoot {
            guard let user = getpwnam("postgres") else {
                return .failure(TestPostgresUnavailable(description: "running as root and there is no postgres user to run the test cluster as"))
            }
            chown(folder, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        let data = folder + "/data"
        let initdb = run(bin + "/initdb", ["-D", data, "-A", "trust", "-U", "batchscore", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgres: asRoot)
        guard initdb.status == 0 else {
            return .failure(TestPostgresUnavailable(description: "initdb failed: \(initdb.output)"))
        }
        let options = "-c listen_addresses='' -k \(folder) -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        let started = run(bin + "/pg_ctl", ["-D", data, "-l", folder + "/server.log", "-w", "-t", "60", "-o", options, "start"], asPostgres: asRoot)
        guard started.status == 0 else {
            let log = (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? ""
            return .failure(TestPostgresUnavailable(description: "pg_ctl start failed: \(started.output)\n\(log)"))
        }
        stopAtExit = (bin + "/pg_ctl", data, asRoot, folder)
        atexit {
            guard let (pgctl, data, asRoot, folder) = TestPostgres.stopAtExit else { return }
            _ = TestPostgres.run(pgctl, ["-D", data, "-m", "immediate", "stop"], asPostgres: asRoot)
            try? FileManager.default.removeItem(atPath: folder)
        }
        return .success(TestPostgres(url: "postgresql://batchscore@/postgres?host=\(folder)", bin: bin, folder: folder))
    }

    nonisolated(unsafe) static var stopAtExit: (String, String, Bool, String)?

    /// The newest `/usr/lib/postgresql/N/bin` holding initdb.
    static func newestBinFolder() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        return versions.reversed().map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    /// Runs a PostgreSQL tool. Its output goes to a file, not a pipe: the server `pg_ctl start`
    /// leaves running would hold a pipe open forever.
    static func run(_ tool: String, _ arguments: [String], asPostgres: Bool) -> (status: Int32, output: String) {
        let argv = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + arguments : [tool] + arguments
        let log = NSTemporaryDirectory() + "batchscore-pg-tool-\(getpid())-\(UInt32.random(in: 0 ... UInt32.max)).log"
        defer { unlink(log) }
        do {
            let status = try Spawned(argv, output: log).wait()
            return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        } catch {
            return (-1, "\(error)")
        }
    }

    /// Runs `sql` with psql (stopping at the first error) and returns its unaligned, tuples-only output.
    @discardableResult
    public func sql(_ sql: String) throws -> String {
        let run = try ToolRun.run(URL(fileURLWithPath: bin + "/psql"), [url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard run.status == 0 else { throw TestPostgresUnavailable(description: "psql failed: \(run.stderr)") }
        return run.stdout.trimmingCharacters(in: .newlines)
    }

    /// A table name no other test uses.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(String(UInt32.random(in: 0 ... UInt32.max), radix: 16))"
    }
}

public struct TestPostgresUnavailable: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(description: String) { self.description = description }
}
