import Foundation
import ScoreCore
import ScoreJobSpec

/// What `batchscore-server serve` runs with: the command line's `--data`, `--listen` and
/// `--allow-root`, and the rest from an optional `--config` YAML file, checked like a job file
/// (an unknown key is an error at its `file:line:col`).
public struct ServeConfiguration: Sendable {
    /// The folder holding the queue's database, the jobs' files and uploads.
    public var dataDirectory: String
    /// Where the HTTP server listens. Port 0 picks a free port (the chosen address is printed).
    public var host = "127.0.0.1"
    public var port = 8080
    /// The folders a job's inputs, models and scripts may come from (canonical absolute paths).
    /// A relative path in a submitted job resolves against the first.
    public var allowedRoots: [String] = []
    /// Jobs running at once; they share the process's CPU budget.
    public var maxConcurrentJobs = 2
    /// The largest job spec body (a YAML POST, or the multipart `spec` part).
    public var maxSpecBytes = 1 << 20
    /// The largest uploaded input.
    public var maxUploadBytes: Int64 = 10 << 30
    /// Submissions a token may make per minute (a token bucket of this size, refilled each minute).
    public var submissionsPerMinute = 600
    /// Attempts per job, the first included; only transient (I/O) failures are retried.
    public var maxAttempts = 3
    /// The first retry's wait and the longest wait, in seconds (exponential, with full jitter).
    public var retryBaseSeconds = 1.0
    public var retryMaxSeconds = 60.0
    /// Finished jobs and their files are deleted after this many seconds; 0 keeps them.
    public var retentionSeconds = 7 * 86400.0
    /// `/readyz` fails when the data folder's disk has less free space than this.
    public var minFreeDiskBytes: Int64 = 256 << 20
    /// Names of the server's environment variables a job may reference as `${VAR}`; any other
    /// reference is an error (a submitted job must not read the server's secrets).
    public var jobEnvironment: [String] = []
    /// How long a graceful shutdown waits for running jobs to record their checkpoints.
    public var shutdownGraceSeconds = 30.0
    /// Logs as JSON lines (the default) or as text.
    public var jsonLogs = true

    public init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    /// The keys of a `serve --config` file.
    public static let fields: [ConfigField] = [
        ConfigField("data", .path, doc: "The data folder (the queue's database, jobs' files). `--data` wins."),
        ConfigField("listen", .string, doc: "HOST:PORT to listen on. `--listen` wins."),
        ConfigField("allow_roots", .list(.path), doc: "Folders jobs may read inputs, models and scripts from; `--allow-root` adds to them."),
        ConfigField("max_concurrent_jobs", .int, default: .int(2), minimum: 1, maximum: 256,
                    doc: "Jobs running at once, sharing the machine's cores."),
        ConfigField("max_spec_bytes", .int, default: .int(1 << 20), minimum: 1024, doc: "Largest job spec accepted (413 above)."),
        ConfigField("max_upload_bytes", .int, default: .int(10 << 30), minimum: 1, doc: "Largest uploaded input (413 above)."),
        ConfigField("submissions_per_minute", .int, default: .int(600), minimum: 1, doc: "Submissions per token per minute (429 above)."),
        ConfigField("max_attempts", .int, default: .int(3), minimum: 1, maximum: 100, doc: "Attempts per job; only transient failures are retried."),
        ConfigField("retry_base_secs", .float, default: .float(1), minimum: 0, doc: "First retry wait (exponential backoff with jitter)."),
        ConfigField("retry_max_secs", .float, default: .float(60), minimum: 0, doc: "Longest retry wait."),
        ConfigField("retention_hours", .float, default: .float(168), minimum: 0,
                    doc: "Finished jobs and their files are deleted after this long; 0 keeps them."),
        ConfigField("min_free_disk_mb", .int, default: .int(256), minimum: 0, doc: "`/readyz` fails below this much free disk."),
        ConfigField("job_environment", .list(.string), default: .list([]),
                    doc: "Server environment variables jobs may reference as ${VAR}; other references are errors."),
        ConfigField("shutdown_grace_secs", .float, default: .float(30), minimum: 0,
                    doc: "How long a shutdown waits for running jobs to checkpoint."),
        ConfigField("log_format", .choice(["json", "text"]), default: .string("json"), doc: "Log lines as JSON or text."),
    ]

    /// Applies a checked config file's keys; paths in it resolve against the file's folder.
    public mutating func apply(_ section: ConfigSection, file: String) throws {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        let resolve = { (path: String) in path.hasPrefix("/") ? path : folder + "/" + path }
        if let data = section.string("data") { dataDirectory = resolve(data) }
        if let listen = section.string("listen") {
            guard let (host, port) = Self.parseListen(listen) else {
                throw JobSpecError(at: section.location(of: "listen"), "listen", "expected HOST:PORT, got '\(listen)'",
                                   hint: "for example 127.0.0.1:8080")
            }
            self.host = host
            self.port = port
        }
        allowedRoots += (section.strings("allow_roots") ?? []).map(resolve)
        maxConcurrentJobs = section.int("max_concurrent_jobs") ?? maxConcurrentJobs
        maxSpecBytes = section.int("max_spec_bytes") ?? maxSpecBytes
        maxUploadBytes = section.int("max_upload_bytes").map(Int64.init) ?? maxUploadBytes
        submissionsPerMinute = section.int("submissions_per_minute") ?? submissionsPerMinute
        maxAttempts = section.int("max_attempts") ?? maxAttempts
        retryBaseSeconds = section.double("retry_base_secs") ?? retryBaseSeconds
        retryMaxSeconds = section.double("retry_max_secs") ?? retryMaxSeconds
        retentionSeconds = (section.double("retention_hours") ?? retentionSeconds / 3600) * 3600
        minFreeDiskBytes = section.int("min_free_disk_mb").map { Int64($0) << 20 } ?? minFreeDiskBytes
        jobEnvironment = section.strings("job_environment") ?? jobEnvironment
        shutdownGraceSeconds = section.double("shutdown_grace_secs") ?? shutdownGraceSeconds
        jsonLogs = (section.string("log_format") ?? "json") == "json"
    }

    /// `HOST:PORT` (an IPv6 host in brackets) split, or nil when malformed.
    public static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }

    /// Checks what no file or flag could: a data folder and at least one allowed root that exist.
    /// Roots become canonical (symlinks resolved) so containment checks compare like with like.
    public mutating func finish() throws {
        guard !dataDirectory.isEmpty else { throw ServiceSetupError("no data folder: pass --data DIR") }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        dataDirectory = PathPolicy.canonical(dataDirectory) ?? dataDirectory
        var roots: [String] = []
        for root in allowedRoots {
            guard let canonical = PathPolicy.canonical(root), PathPolicy.isDirectory(canonical) else {
                throw ServiceSetupError("--allow-root \(root): no such folder")
            }
            if !roots.contains(canonical) { roots.append(canonical) }
        }
        guard !roots.isEmpty else {
            throw ServiceSetupError("no allowed root: pass --allow-root DIR (the folder jobs may read inputs and models from)")
        }
        allowedRoots = roots
    }
}

/// A server that cannot start: a missing folder, a bad flag, a database it cannot open.
public struct ServiceSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
