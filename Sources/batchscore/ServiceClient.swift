import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The job service's API as `batchscore submit` and `batchscore jobs` use it: plain URLSession
/// (no server packages in the CLI). The token comes from `BATCHSCORE_TOKEN`, the server from
/// `--server` or `BATCHSCORE_SERVER`.
struct ServiceClient {
    let base: String
    let token: String
    private let session: URLSession

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    }

    /// A failure talking to the server, with what to do.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// The exit code: a spec the server refused exits 2, anything else 1.
        var exitCode: Int32 = 1
    }

    init(server: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let server = server ?? environment["BATCHSCORE_SERVER"], !server.isEmpty else {
            throw Failure(description: "no server: pass --server URL (or set BATCHSCORE_SERVER)")
        }
        guard let token = environment["BATCHSCORE_TOKEN"], !token.isEmpty else {
            throw Failure(description: "no token: set BATCHSCORE_TOKEN (create one with `batchscore-server token create --data DIR`)")
        }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw Failure(description: "--server \(server): expected a URL such as http://127.0.0.1:8080")
        }
        base = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 300
        session = URLSession(configuration: configuration)
    }

    /// Sends a request and waits for the whole answer. `bodyFile` is streamed from disk.
    func send(_ method: String, _ path: String, body: Data? = nil, bodyFile: URL? = nil, contentType: String? = nil,
              headers: [String: String] = [:]) throws -> Answer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data?, URLResponse?, (any Error)?) = (nil, nil, nil)
        let handler: @Sendable (Data?, URLResponse?, (any Error)?) -> Void = { data, response, error in
            result = (data, response, error)
            done.signal()
        }
        let task = if let bodyFile {
            session.uploadTask(with: request, fromFile: bodyFile, completionHandler: handler)
        } else if let body {
            session.uploadTask(with: request, from: body, completionHandler: handler)
        } else {
            session.dataTask(with: request, completionHandler: handler)
        }
        task.resume()
        done.wait()
        if let error = result.2 {
            throw Failure(description: "cannot reach \(base): \(error.localizedDescription)")
        }
        guard let http = result.1 as? HTTPURLResponse else { throw Failure(description: "no HTTP answer from \(base)") }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)".lowercased()] = "\(value)" }
        return Answer(status: http.statusCode, headers: fields, body: result.0 ?? Data())
    }

    /// The answer, or a `Failure` built from its problem+json (spec errors one per line, with their locations).
    func expect(_ answer: Answer, _ statuses: Set<Int>) throws -> Answer {
        guard !statuses.contains(answer.status) else { return answer }
        let problem = answer.json
        var lines: [String] = []
        if let errors = problem["errors"] as? [[String: Any]], !errors.isEmpty {
            for error in errors {
                var line = "error: "
                if let location = error["location"] as? String { line += location + ": " }
                if let key = error["key"] as? String { line += key + ": " }
                line += error["message"] as? String ?? ""
                if let hint = error["hint"] as? String { line += " (\(hint))" }
                lines.append(line)
            }
        } else {
            var line = "error: \(answer.status) " + (problem["detail"] as? String ?? String(decoding: answer.body.prefix(500), as: UTF8.self))
            if let hint = problem["hint"] as? String { line += " (\(hint))" }
            lines.append(line)
        }
        throw Failure(description: lines.joined(separator: "\n"), exitCode: answer.status == 422 ? 2 : 1)
    }

    /// A multipart body with the spec and the input file, written to a temporary file so the
    /// upload streams from disk rather than from memory.
    static func multipartBody(spec: Data, input: String) throws -> (file: URL, boundary: String) {
        let boundary = "batchscore-\(UUID().uuidString)"
        let file = URL(fileURLWithPath: NSTemporaryDirectory() + "batchscore-upload-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let out = FileHandle(forWritingAtPath: file.path) else {
            throw Failure(description: "cannot write a temporary file in \(NSTemporaryDirectory())")
        }
        defer { try? out.close() }
        guard let source = FileHandle(forReadingAtPath: input) else { throw Failure(description: "--input \(input): cannot read the file") }
        defer { try? source.close() }
        let name = URL(fileURLWithPath: input).lastPathComponent.replacingOccurrences(of: "\"", with: "")
        try out.write(contentsOf: Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"spec\"\r\nContent-Type: application/yaml\r\n\r\n".utf8))
        try out.write(contentsOf: spec)
        try out.write(contentsOf: Data("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"input\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        while let chunk = try source.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
        try out.write(contentsOf: Data("\r\n--\(boundary)--\r\n".utf8))
        return (file, boundary)
    }
}
