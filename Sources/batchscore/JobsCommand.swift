import ArgumentParser
import Foundation
import ScoreRuntime

/// `batchscore jobs list|status|output|cancel`: the service's jobs from the command line.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, inspect, download and cancel jobs on a batchscore-server (token from BATCHSCORE_TOKEN).",
        subcommands: [List.self, Status.self, Output.self, Cancel.self])

    struct ServerOption: ParsableArguments {
        @Option(help: ArgumentHelp("The server's URL (default: BATCHSCORE_SERVER).", valueName: "url")) var server: String?
    }

    /// Runs `body`, printing a client failure and exiting with its code.
    static func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch let failure as ServiceClient.Failure {
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The token's jobs, newest first: id, state, rows read, name.")
        @OptionGroup var server: ServerOption
        @Option(help: "Only jobs in this state (queued, running, succeeded, failed, cancelled).") var state: String?
        @Option(help: "At most this many jobs.") var limit = 50

        func run() throws {
            try guarded {
                let client = try ServiceClient(server: server.server)
                var query = "?limit=\(min(max(limit, 1), 500))"
                if let state { query += "&state=\(state)" }
                let page = try client.expect(try client.send("GET", "/v1/jobs" + query), [200]).json
                for job in page["jobs"] as? [[String: Any]] ?? [] {
                    let counts = job["counts"] as? [String: Any] ?? [:]
                    print([job["id"] as? String ?? "", job["state"] as? String ?? "", "\(counts["rows_read"] as? Int ?? 0)",
                           job["name"] as? String ?? ""].joined(separator: "\t"))
                }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A job's state, progress, counts and error; --json prints the API's JSON.")
        @OptionGroup var server: ServerOption
        @Argument(help: "The job's id.") var id: String
        @Flag(help: "Print the JSON the API answers.") var json = false

        func run() throws {
            try guarded {
                let client = try ServiceClient(server: server.server)
                let answer = try client.expect(try client.send("GET", "/v1/jobs/\(id)"), [200])
                if json {
                    FileHandle.standardOutput.write(answer.body)
                    print()
                    return
                }
                let job = answer.json
                let counts = job["counts"] as? [String: Any] ?? [:]
                print("job \(id): \(job["state"] as? String ?? "?")")
                print("  rows read        \(counts["rows_read"] as? Int ?? 0)")
                print("  rows written     \(counts["rows_written"] as? Int ?? 0)")
                print("  rows quarantined \(counts["rows_quarantined"] as? Int ?? 0)")
                print("  attempts         \(job["attempts"] as? Int ?? 0) of \(job["max_attempts"] as? Int ?? 0)")
                if let error = job["error"] as? String { print("  error: \(error)") }
            }
        }
    }

    struct Output: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a job's predictions (or its quarantine, or summary) to stdout or a file.")
        @OptionGroup var server: ServerOption
        @Argument(help: "The job's id.") var id: String
        @Flag(help: "The quarantine file instead of the predictions.") var quarantine = false
        @Flag(help: "The summary JSON instead of the predictions.") var summary = false
        @Option(name: [.short, .customLong("out")], help: ArgumentHelp("Write to this file (whole, then renamed into place).", valueName: "file"))
        var out: String?

        func run() throws {
            try guarded {
                let client = try ServiceClient(server: server.server)
                let what = summary ? "summary" : quarantine ? "quarantine" : "output"
                let answer = try client.expect(try client.send("GET", "/v1/jobs/\(id)/\(what)"), [200])
                if let out {
                    do { try answer.body.write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                        throw ServiceClient.Failure(description: "cannot write \(out): \(error.localizedDescription)")
                    }
                } else {
                    FileHandle.standardOutput.write(answer.body)
                }
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job: a queued one at once, a running one at its next batch (checkpointed).")
        @OptionGroup var server: ServerOption
        @Argument(help: "The job's id.") var id: String

        func run() throws {
            try guarded {
                let client = try ServiceClient(server: server.server)
                let job = try client.expect(try client.send("DELETE", "/v1/jobs/\(id)"), [200, 202]).json
                print("job \(id): \(job["state"] as? String == "cancelled" ? "cancelled" : "stopping at its next batch")")
            }
        }
    }

    /// Polls a job until it ends, drawing its progress; returns its final JSON.
    static func follow(_ id: String, client: ServiceClient, progress mode: ProgressMode) throws -> [String: Any] {
        let reporter = ProgressReporter(mode: mode)
        while true {
            let job = try client.expect(try client.send("GET", "/v1/jobs/\(id)"), [200]).json
            let state = job["state"] as? String ?? ""
            if let live = job["progress"] as? [String: Any] {
                var progress = JobProgress(phase: .running)
                progress.rowsRead = live["rows_read"] as? Int ?? 0
                progress.rowsWritten = live["rows_written"] as? Int ?? 0
                progress.rowsQuarantined = live["rows_quarantined"] as? Int ?? 0
                let timings = job["timings"] as? [String: Any] ?? [:]
                progress.seconds = (timings["run_seconds"] as? NSNumber)?.doubleValue ?? 0
                if let fraction = (live["fraction_done"] as? NSNumber)?.doubleValue {
                    progress.totalBytes = 1_000_000
                    progress.bytesRead = Int64(fraction * 1_000_000)
                }
                reporter.update(progress)
            }
            if ["succeeded", "failed", "cancelled"].contains(state) {
                reporter.finish()
                let counts = job["counts"] as? [String: Any] ?? [:]
                var line = "job \(id): \(state) — \(counts["rows_read"] as? Int ?? 0) read, \(counts["rows_written"] as? Int ?? 0) written, \(counts["rows_quarantined"] as? Int ?? 0) quarantined"
                if let error = job["error"] as? String { line += "\n  error: \(error)" }
                FileHandle.standardError.write(Data((line + "\n").utf8))
                return job
            }
            usleep(250_000)
        }
    }
}
