import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import BatchScoreTestKit

/// A real `batchscore-server serve` on loopback, started by a test: port 0, the address read
/// from its first stdout line. Its stderr (JSON logs) is kept for assertions.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: the process and log buffer are only touched by the test that owns the server.
    let data: String
    let root: String
    private(set) var process: Process
    private(set) var base = ""
    private let logLock = NSLock()
    private var logText = ""

    static var buildFolder: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }
    static var serverBinary: URL { buildFolder.appendingPathComponent("batchscore-server") }
    static var cliBinary: URL { buildFolder.appendingPathComponent("batchscore") }
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Starts a server on `data` allowing `root`, with `extra` arguments and environment.
    init(data: String, root: String, arguments extra: [String] = [], environment: [String: String] = [:]) throws {
        self.data = data
        self.root = root
        process = Process()
        try start(arguments: extra, environment: environment)
    }

    /// (Re)starts the process on the same data folder.
    func start(arguments extra: [String] = [], environment: [String: String] = [:]) throws {
        let p = Process()
        p.executableURL = Self.serverBinary
        p.arguments = ["serve", "--data", data, "--listen", "127.0.0.1:0", "--allow-root", root] + extra
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.logLock.lock()
            self.logText += String(decoding: chunk, as: UTF8.self)
            self.logLock.unlock()
        }
        try p.run()
        process = p
        // The first stdout line names the address.
        var line = Data()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data([10]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on ") else {
            throw HarnessError("the server did not start: \(text)\n\(log)")
        }
        base = String(text.dropFirst("listening on ".count))
    }

    var log: String {
        logLock.lock()
        defer { logLock.unlock() }
        return logText
    }

    /// Sends `signal` and waits for the process to end; returns its termination status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    func waitForExit(timeout: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// `batchscore-server token create --data DATA --scope SCOPES`.
    func token(_ scopes: String = "read,submit") throws -> String {
        let r = try Self.runTool(Self.serverBinary, ["token", "create", "--data", data, "--scope", scopes])
        guard r.status == 0 else { throw HarnessError("token create failed: \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct ToolResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func runTool(_ binary: URL, _ arguments: [String], environment: [String: String] = [:],
                        directory: String? = nil) throws -> ToolResult {
        let run = try ToolRun.run(binary, arguments, environment: environment, directory: directory)
        return ToolResult(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An HTTP answer.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// A small client over URLSession, and a record of every answer (for the OpenAPI check).
final class APIClient: @unchecked Sendable {
    // @unchecked: the record is guarded by its lock.
    let base: String
    let session: URLSession
    private let lock = NSLock()
    private(set) var exchanges: [(method: String, path: String, answer: HTTPAnswer)] = []

    init(base: String) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        configuration.httpMaximumConnectionsPerHost = 64
        session = URLSession(configuration: configuration)
    }

    func send(_ method: String, _ path: String, token: String? = nil, body: Data? = nil,
              contentType: String? = nil, headers: [String: String] = [:]) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        request.httpBody = body
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { fields["\(k)"] = "\(v)" }
        let answer = HTTPAnswer(status: http.statusCode, headers: fields, body: data)
        lock.withLock { exchanges.append((method, path, answer)) }
        return answer
    }

    /// `POST /v1/jobs` with a YAML body.
    func submit(_ yaml: String, token: String, query: String = "", headers: [String: String] = [:]) async throws -> HTTPAnswer {
        try await send("POST", "/v1/jobs" + query, token: token, body: Data(yaml.utf8), contentType: "application/yaml", headers: headers)
    }

    /// `POST /v1/jobs` as multipart: the spec and an input file named `filename`.
    func submit(_ yaml: String, input: Data, filename: String, token: String) async throws -> HTTPAnswer {
        let boundary = "batchscore-test-\(UUID().uuidString)"
        var body = Data()
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"spec\"\r\nContent-Type: application/yaml\r\n\r\n".utf8)
        body += Data(yaml.utf8)
        body += Data("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"input\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
        body += input
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        return try await send("POST", "/v1/jobs", token: token, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    /// Polls the job until it is in one of `states` (default: final); returns its JSON.
    func wait(for id: String, token: String, until states: Set<String> = ["succeeded", "failed", "cancelled"],
              timeout: Double = 300, check: ([String: Any]) -> Bool = { _ in true }) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            let answer = try await send("GET", "/v1/jobs/\(id)", token: token)
            let job = answer.json
            last = answer.text
            if let state = job["state"] as? String, states.contains(state), check(job) { return job }
            // A job that has ended in another state never will: say so now, with what it is.
            if let state = job["state"] as? String, ["succeeded", "failed", "cancelled"].contains(state), !states.contains(state) {
                throw HarnessError("job \(id) ended \(state) while waiting for \(states.sorted()): \(last)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("job \(id) did not reach \(states.sorted()) in \(timeout) s; last seen: \(last)")
    }
}

/// The data the service tests score: a churn-like CSV with `rows` rows (a few invalid), and the
/// churn example's logistic model, in a root folder the server allows.
enum ServiceFixtures {
    static func customers(rows: Int) -> String {
        var text = "id,age,income,credit_score,num_transactions,region\n"
        text.reserveCapacity(rows * 48)
        let regions = ["north", "south", "east", "west"]
        for i in 1 ... rows {
            let age = i % 97 == 0 ? "x" : String(18 + (i * 7) % 70)
            text += "\(i),\(age),\(20000 + (i * 7919) % 90000).5,\(300 + (i * 31) % 550),\(i % 60),\(regions[i % 4])\n"
        }
        return text
    }

    /// Writes `data.csv` and `model.json` into `root`.
    static func install(into root: TempDir, rows: Int) throws {
        try root.write("data.csv", customers(rows: rows))
        let model = try Data(contentsOf: ServerProcess.repoRoot.appendingPathComponent("examples/churn/model.json"))
        try root.write("model.json", [UInt8](model))
    }

    /// A job over the fixtures; paths are relative to the root (as the server and the CLI, with
    /// the job file in the root, both resolve them).
    static func job(name: String = "svc", extraRuntime: String = "", input: String = "data.csv") -> String {
        """
        version: 1
        name: \(name)
        reader: { type: csv, path: \(input) }
        validate:
          - { type: schema, required: [id, age, income, credit_score, num_transactions] }
          - { type: finite }
        model: { path: model.json }
        writer: { type: csv, path: out/predictions.csv }
        quarantine: { path: out/rejected.csv }
        runtime:
          max_rejected: 5%
        \(extraRuntime)
        """
    }

    /// Runs `yaml` with the CLI in `root` (job file there) and returns the predictions and quarantine bytes.
    static func cliOutputs(_ yaml: String, root: TempDir) throws -> (predictions: Data, quarantine: Data) {
        try root.write("cli-job.yaml", yaml.replacingOccurrences(of: "out/", with: "cli-out/"))
        let r = try ServerProcess.runTool(ServerProcess.cliBinary, ["run", root.file("cli-job.yaml"), "--progress", "none"])
        guard r.status == 0 else { throw HarnessError("the CLI run failed: \(r.stderr)") }
        return (try Data(contentsOf: URL(fileURLWithPath: root.file("cli-out/predictions.csv"))),
                try Data(contentsOf: URL(fileURLWithPath: root.file("cli-out/rejected.csv"))))
    }
}
