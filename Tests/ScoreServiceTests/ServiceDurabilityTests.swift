import Foundation
import Testing
import BatchScoreTestKit

/// The queue survives its server: a graceful restart and a `kill -9` mid-job both resume the job
/// from its checkpoint, and the output is byte-identical to an uninterrupted CLI run.
@Suite(.serialized) struct ServiceDurabilityTests {
    /// A job to interrupt: small batches, a checkpoint (with fsync) after each.
    static let slowJob = ServiceFixtures.job(name: "slow", extraRuntime: "  batch_rows: 500\n  checkpoint_secs: 0")
    static let rows = 120_000
    /// Holds every job of the server at its 13th checkpoint (6,500 rows in) until it is stopped:
    /// the tests interrupt a job that cannot have ended, however slow or fast the machine.
    static let hold = ["BATCHSCORE_FAULT": "after-checkpoint:12:hold"]

    struct Interrupted {
        let root: TempDir
        let data: TempDir
        let server: ServerProcess
        let token: String
        let id: String
        let expected: Data
    }

    /// Starts a server, submits the slow job and waits until it is held with some rows read.
    func startSlowJob(environment: [String: String] = Self.hold, waitForRows: Bool = true) async throws -> Interrupted {
        let root = try TempDir(), data = try TempDir()
        try ServiceFixtures.install(into: root, rows: Self.rows)
        let expected = try ServiceFixtures.cliOutputs(Self.slowJob, root: root).predictions
        let server = try ServerProcess(data: data.path, root: root.path, environment: environment)
        let client = APIClient(base: server.base)
        let token = try server.token()
        let submitted = try await client.submit(Self.slowJob, token: token)
        let id = try #require(submitted.json["id"] as? String, "\(submitted.text)")
        if waitForRows {
            _ = try await client.wait(for: id, token: token, until: ["running"], timeout: 120) { job in
                ((job["counts"] as? [String: Any])?["rows_read"] as? Int ?? 0) >= 5000
            }
        }
        return Interrupted(root: root, data: data, server: server, token: token, id: id, expected: expected)
    }

    /// Restarts the server and checks the job resumes and ends with the CLI's bytes.
    func finishAfterRestart(_ run: Interrupted) async throws -> [String: Any] {
        try run.server.start()
        let client = APIClient(base: run.server.base)
        let job = try await client.wait(for: run.id, token: run.token, timeout: 300)
        #expect(job["state"] as? String == "succeeded", "\(job)")
        let output = try await client.send("GET", "/v1/jobs/\(run.id)/output", token: run.token)
        #expect(output.body == run.expected, "the resumed output differs from an uninterrupted run (\(output.body.count) vs \(run.expected.count) bytes)")
        #expect(run.server.log.contains("resuming from the checkpoint"), "the job started over instead of resuming")
        return job
    }

    @Test func aGracefulRestartMidJobResumesWithoutCountingAnAttempt() async throws {
        let run = try await startSlowJob()
        let status = run.server.stop(SIGTERM)
        #expect(status == 0, "serve should exit 0 after SIGTERM; log:\n\(run.server.log.suffix(2000))")
        #expect(run.server.log.contains("shutting down"))
        let job = try await finishAfterRestart(run)
        #expect(job["attempts"] as? Int == 1)
    }

    @Test func aKill9MidJobResumesFromTheCheckpoint() async throws {
        let run = try await startSlowJob()
        run.server.stop(SIGKILL)
        let job = try await finishAfterRestart(run)
        #expect(job["attempts"] as? Int == 2)
    }

    @Test func aServerKilledInsideTheEngineResumes() async throws {
        // The engine's own crash point: SIGKILL right after the 20th checkpoint is durable.
        let run = try await startSlowJob(environment: ["BATCHSCORE_FAULT": "after-checkpoint:20"], waitForRows: false)
        #expect(run.server.waitForExit(timeout: 120))
        #expect(run.server.process.terminationReason == .uncaughtSignal)
        let job = try await finishAfterRestart(run)
        #expect(job["attempts"] as? Int == 2)
    }

    @Test func cancellingAQueuedJobAndARunningOne() async throws {
        let root = try TempDir(), data = try TempDir()
        try ServiceFixtures.install(into: root, rows: Self.rows)
        try root.write("serve.yaml", "max_concurrent_jobs: 1\n")
        let server = try ServerProcess(data: data.path, root: root.path, arguments: ["--config", root.file("serve.yaml")],
                                       environment: Self.hold)
        let client = APIClient(base: server.base)
        let token = try server.token()
        let running = try #require(try await client.submit(Self.slowJob, token: token).json["id"] as? String)
        _ = try await client.wait(for: running, token: token, until: ["running"]) { job in
            ((job["counts"] as? [String: Any])?["rows_read"] as? Int ?? 0) >= 5000
        }
        let queued = try #require(try await client.submit(ServiceFixtures.job(name: "behind"), token: token).json["id"] as? String)
        let cancelQueued = try await client.send("DELETE", "/v1/jobs/\(queued)", token: token)
        #expect(cancelQueued.status == 200)
        #expect(cancelQueued.json["state"] as? String == "cancelled")
        let cancelRunning = try await client.send("DELETE", "/v1/jobs/\(running)", token: token)
        #expect(cancelRunning.status == 202, "\(cancelRunning.text)")
        let stopped = try await client.wait(for: running, token: token)
        #expect(stopped["state"] as? String == "cancelled", "\(stopped)")
        let rowsRead = (stopped["counts"] as? [String: Any])?["rows_read"] as? Int ?? 0
        #expect(rowsRead > 0 && rowsRead < Self.rows)
        for id in [queued, running] {
            let output = try await client.send("GET", "/v1/jobs/\(id)/output", token: token)
            #expect(output.status == 409)
        }
        let summary = try await client.send("GET", "/v1/jobs/\(running)/summary", token: token)
        #expect((summary.json["summary"] as? [String: Any])?["status"] as? String == "cancelled")
        #expect(try await client.send("DELETE", "/v1/jobs/\(running)", token: token).status == 409)
    }

    @Test func twoHundredConcurrentSubmissionsMakeTwoHundredJobs() async throws {
        let root = try TempDir(), data = try TempDir()
        try ServiceFixtures.install(into: root, rows: 20)
        let server = try ServerProcess(data: data.path, root: root.path)
        let client = APIClient(base: server.base)
        let token = try server.token()
        let yaml = ServiceFixtures.job()
        let results = try await withThrowingTaskGroup(of: (String?, Int, Double).self) { group in
            for _ in 0 ..< 200 {
                group.addTask {
                    let start = Date()
                    let answer = try await client.submit(yaml, token: token)
                    return (answer.json["id"] as? String, answer.status, Date().timeIntervalSince(start))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.1 == 201 }, "\(Set(results.map(\.1)))")
        let ids = Set(results.compactMap(\.0))
        #expect(ids.count == 200, "duplicated or lost: \(ids.count) distinct ids")
        let latencies = results.map(\.2).sorted()
        print("200 concurrent submissions: p50 \(Int(latencies[99] * 1000)) ms, p99 \(Int(latencies[197] * 1000)) ms")
        // All of them run to the end, once each.
        var listed = Set<String>()
        var cursor: String?
        repeat {
            let page = try await client.send("GET", "/v1/jobs?limit=77" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
            for job in page.json["jobs"] as? [[String: Any]] ?? [] { if let id = job["id"] as? String { #expect(listed.insert(id).inserted) } }
            cursor = page.json["next_cursor"] as? String
        } while cursor != nil
        #expect(listed == ids)
        for id in ids {
            let job = try await client.wait(for: id, token: token, timeout: 600)
            #expect(job["state"] as? String == "succeeded")
            #expect(job["attempts"] as? Int == 1)
        }
    }
}
