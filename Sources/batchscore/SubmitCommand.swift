import ArgumentParser
import Foundation
import ScoreRuntime

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a job to a batchscore-server; with --wait, follow it and exit with its exit code.",
        discussion: """
            The job file is sent as written: the server resolves its relative paths against its first \
            allowed root (--allow-root) and writes its outputs in the job's own folder (download them with \
            `batchscore jobs output`). --input uploads a file as the job's input instead of reader.path. \
            The token comes from BATCHSCORE_TOKEN; the server from --server or BATCHSCORE_SERVER. \
            Prints the job id on stdout. Exit codes: 0 submitted (with --wait: succeeded) · 1 failure · \
            2 invalid job spec · 3 error budget exceeded (with --wait).
            """)

    @Argument(help: "The job file.") var job: String
    @Option(help: ArgumentHelp("The server's URL, e.g. http://127.0.0.1:8080.", valueName: "url")) var server: String?
    @Option(help: ArgumentHelp("Upload this file as the job's input.", valueName: "file")) var input: String?
    @Flag(help: "Wait for the job to end, with a progress bar; exit with the job's exit code.") var wait = false
    @Option(help: ArgumentHelp("Submitting again with the same key returns the first job.", valueName: "key")) var idempotencyKey: String?
    @Option(help: "Higher runs first (-100 to 100).") var priority: Int?
    @Option(help: "Progress on stderr while waiting.") var progress: ProgressMode = .auto

    func run() throws {
        do {
            let client = try ServiceClient(server: server)
            guard let spec = FileManager.default.contents(atPath: job) else {
                throw ServiceClient.Failure(description: "cannot read job file '\(job)'")
            }
            var headers: [String: String] = [:]
            if let idempotencyKey { headers["Idempotency-Key"] = idempotencyKey }
            let query = priority.map { "?priority=\($0)" } ?? ""
            let answer: ServiceClient.Answer
            if let input {
                let body = try ServiceClient.multipartBody(spec: spec, input: input)
                defer { try? FileManager.default.removeItem(at: body.file) }
                answer = try client.send("POST", "/v1/jobs" + query, bodyFile: body.file,
                                         contentType: "multipart/form-data; boundary=\(body.boundary)", headers: headers)
            } else {
                answer = try client.send("POST", "/v1/jobs" + query, body: spec, contentType: "application/yaml", headers: headers)
            }
            let job = try client.expect(answer, [200, 201]).json
            guard let id = job["id"] as? String else { throw ServiceClient.Failure(description: "the server's answer has no job id") }
            print(id)
            FileHandle.standardError.write(Data("job \(id): \(job["state"] as? String ?? "?")\(answer.status == 200 ? " (an existing job)" : "")\n".utf8))
            guard wait else { return }
            let final = try JobsCommand.follow(id, client: client, progress: progress)
            throw ExitCode(Int32(final["exit_code"] as? Int ?? 1))
        } catch let failure as ServiceClient.Failure {
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            throw ExitCode(failure.exitCode)
        }
    }
}
