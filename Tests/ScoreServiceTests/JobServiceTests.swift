import Foundation
import Testing
import BatchScoreTestKit

/// The job service end to end: a real server on loopback, started by each test.
@Suite(.serialized) struct JobServiceTests {
    /// A server over a fresh data folder and a root holding the fixtures.
    struct Setup {
        let root: TempDir
        let data: TempDir
        let server: ServerProcess
        let client: APIClient
        let token: String

        init(rows: Int = 2000, arguments: [String] = [], environment: [String: String] = [:]) throws {
            root = try TempDir()
            data = try TempDir()
            try ServiceFixtures.install(into: root, rows: rows)
            server = try ServerProcess(data: data.path, root: root.path, arguments: arguments, environment: environment)
            client = APIClient(base: server.base)
            token = try server.token()
        }
    }

    @Test func submitPollDownloadEqualsTheCLIByteForByte() async throws {
        let s = try Setup(rows: 5000)
        let yaml = ServiceFixtures.job()
        let expected = try ServiceFixtures.cliOutputs(yaml, root: s.root)
        let submitted = try await s.client.submit(yaml, token: s.token)
        #expect(submitted.status == 201, "\(submitted.text)")
        #expect(submitted.header("Content-Type") == "application/json")
        let id = try #require(submitted.json["id"] as? String)
        #expect(["queued", "running"].contains(submitted.json["state"] as? String))
        #expect(submitted.header("Location") == "/v1/jobs/\(id)")
        let job = try await s.client.wait(for: id, token: s.token)
        #expect(job["state"] as? String == "succeeded", "\(job)")
        let counts = try #require(job["counts"] as? [String: Any])
        #expect(counts["rows_read"] as? Int == 5000)
        #expect((counts["rows_written"] as? Int ?? 0) + (counts["rows_quarantined"] as? Int ?? 0) == 5000)
        #expect(job["exit_code"] as? Int == 0)

        let output = try await s.client.send("GET", "/v1/jobs/\(id)/output", token: s.token)
        #expect(output.status == 200)
        #expect(output.body == expected.predictions)
        #expect(output.header("Content-Length") == String(expected.predictions.count))
        let quarantine = try await s.client.send("GET", "/v1/jobs/\(id)/quarantine", token: s.token)
        #expect(quarantine.body == expected.quarantine)
        let summary = try await s.client.send("GET", "/v1/jobs/\(id)/summary", token: s.token)
        let document = try #require(summary.json["summary"] as? [String: Any])
        #expect(document["status"] as? String == "succeeded")
        #expect(document["rows_read"] as? Int == 5000)
    }

    @Test func anUploadedInputIsStreamedToTheJobsFolderAndScored() async throws {
        let s = try Setup(rows: 10)
        let input = Data(ServiceFixtures.customers(rows: 3000).utf8)
        try s.root.write("upload-copy.csv", [UInt8](input))
        let expected = try ServiceFixtures.cliOutputs(ServiceFixtures.job(input: "upload-copy.csv"), root: s.root)
        // The spec names no input: the upload is it. The client's file name is reduced to a name.
        let yaml = ServiceFixtures.job().replacingOccurrences(of: "reader: { type: csv, path: data.csv }", with: "reader: { type: csv }")
        let submitted = try await s.client.submit(yaml, input: input, filename: "../../escape/../customers.csv", token: s.token)
        #expect(submitted.status == 201, "\(submitted.text)")
        let id = try #require(submitted.json["id"] as? String)
        let job = try await s.client.wait(for: id, token: s.token)
        #expect(job["state"] as? String == "succeeded", "\(job)")
        let output = try await s.client.send("GET", "/v1/jobs/\(id)/output", token: s.token)
        #expect(output.body == expected.predictions)
        #expect(FileManager.default.fileExists(atPath: s.data.path + "/jobs/\(id)/input/customers.csv"))
        #expect(!FileManager.default.fileExists(atPath: s.data.path + "/escape"))
    }

    @Test func unknownIdsAre404NeverAMadeUpState() async throws {
        let s = try Setup(rows: 10)
        for path in ["/v1/jobs/job_000000000000000000000000", "/v1/jobs/nope", "/v1/jobs/%2e%2e", "/v1/jobs/%2e%2e%2f%2e%2e%2fqueue.sqlite/output"] {
            let answer = try await s.client.send("GET", path, token: s.token)
            #expect(answer.status == 404, "\(path): \(answer.text)")
            #expect(answer.header("Content-Type") == "application/problem+json")
            #expect(answer.json["state"] == nil)
        }
    }

    @Test func theSameIdempotencyKeyReturnsTheFirstJob() async throws {
        let s = try Setup(rows: 10)
        let yaml = ServiceFixtures.job()
        let first = try await s.client.submit(yaml, token: s.token, headers: ["Idempotency-Key": "nightly-2026-12-07"])
        #expect(first.status == 201)
        let second = try await s.client.submit(yaml, token: s.token, headers: ["Idempotency-Key": "nightly-2026-12-07"])
        #expect(second.status == 200)
        #expect(second.json["id"] as? String == first.json["id"] as? String)
        // Racing submissions with one new key make one job.
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0 ..< 12 {
                group.addTask { try await s.client.submit(yaml, token: s.token, headers: ["Idempotency-Key": "race"]).json["id"] as? String }
            }
            return try await group.reduce(into: Set<String>()) { if let id = $1 { $0.insert(id) } }
        }
        #expect(ids.count == 1)
        // Without a key, the same spec is a new job; ?dedupe=content returns the existing one by its content key.
        let third = try await s.client.submit(yaml, token: s.token)
        #expect(third.status == 201)
        #expect(third.json["content_key"] as? String == first.json["content_key"] as? String)
        let deduped = try await s.client.submit(yaml, token: s.token, query: "?dedupe=content")
        #expect(deduped.status == 200)
        #expect(deduped.json["content_key"] as? String == first.json["content_key"] as? String)
        // Another token's key space is its own.
        let other = try s.server.token()
        let theirs = try await s.client.submit(yaml, token: other, headers: ["Idempotency-Key": "nightly-2026-12-07"])
        #expect(theirs.status == 201)
        #expect(theirs.json["id"] as? String != first.json["id"] as? String)
    }

    @Test func pathsOutsideTheAllowedRootsAreRefusedAndNothingIsWritten() async throws {
        let s = try Setup(rows: 10)
        let outside = try TempDir()
        try outside.write("secret.csv", "id,age,income,credit_score,num_transactions,region\n1,30,1,400,1,north\n")
        try FileManager.default.createSymbolicLink(atPath: s.root.file("link"), withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: s.root.file("link.csv"), withDestinationPath: outside.file("secret.csv"))
        let base = ServiceFixtures.job()
        let cases: [(String, String)] = [
            ("dot-dot input", base.replacingOccurrences(of: "path: data.csv", with: "path: ../\(URL(fileURLWithPath: outside.path).lastPathComponent)/secret.csv")),
            ("absolute input", base.replacingOccurrences(of: "path: data.csv", with: "path: \(outside.file("secret.csv"))")),
            ("symlinked folder", base.replacingOccurrences(of: "path: data.csv", with: "path: link/secret.csv")),
            ("symlinked file", base.replacingOccurrences(of: "path: data.csv", with: "path: link.csv")),
            ("url-encoded dot-dot", base.replacingOccurrences(of: "path: data.csv", with: "path: \"%2e%2e/%2e%2e/etc/passwd\"")),
            ("glob through a link", base.replacingOccurrences(of: "path: data.csv", with: "path: \"link/*.csv\"")),
            ("absolute model", base.replacingOccurrences(of: "path: model.json", with: "path: /etc/passwd")),
            ("dot-dot output", base.replacingOccurrences(of: "out/predictions.csv", with: "../../predictions.csv")),
            ("absolute output", base.replacingOccurrences(of: "out/predictions.csv", with: "\(outside.file("pwned.csv"))")),
            ("dot-dot quarantine", base.replacingOccurrences(of: "out/rejected.csv", with: "out/../../../rejected.csv")),
            ("stdout output", base.replacingOccurrences(of: "out/predictions.csv", with: "\"-\"")),
        ]
        for (what, yaml) in cases {
            let answer = try await s.client.submit(yaml, token: s.token)
            #expect(answer.status == 422, "\(what): \(answer.text)")
            #expect(answer.header("Content-Type") == "application/problem+json", "\(what)")
            let errors = answer.json["errors"] as? [[String: Any]] ?? []
            #expect(errors.first?["location"] as? String != nil, "\(what): \(answer.text)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["secret.csv"])
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: s.data.path + "/jobs")) ?? []
        #expect(jobs.isEmpty, "job folders left behind: \(jobs)")
        let listed = try await s.client.send("GET", "/v1/jobs", token: s.token)
        #expect((listed.json["jobs"] as? [Any])?.isEmpty == true)
    }

    @Test func tokensScopesAndOwnership() async throws {
        let s = try Setup(rows: 10)
        let yaml = ServiceFixtures.job()
        let noToken = try await s.client.send("GET", "/v1/jobs")
        #expect(noToken.status == 401)
        #expect(noToken.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        let wrong = try await s.client.send("GET", "/v1/jobs", token: "bst_not-a-token")
        #expect(wrong.status == 401)
        let reader = try s.server.token("read")
        let refused = try await s.client.submit(yaml, token: reader)
        #expect(refused.status == 403, "\(refused.text)")

        let mine = try await s.client.submit(yaml, token: s.token)
        let id = try #require(mine.json["id"] as? String)
        _ = try await s.client.wait(for: id, token: s.token)
        let other = try s.server.token()
        for path in ["/v1/jobs/\(id)", "/v1/jobs/\(id)/output", "/v1/jobs/\(id)/summary", "/v1/jobs/\(id)/events"] {
            let answer = try await s.client.send("GET", path, token: other)
            #expect(answer.status == 404, "\(path): \(answer.status)")
        }
        let cancel = try await s.client.send("DELETE", "/v1/jobs/\(id)", token: other)
        #expect(cancel.status == 404)
        let theirList = try await s.client.send("GET", "/v1/jobs", token: other)
        #expect((theirList.json["jobs"] as? [Any])?.count == 0)
        let admin = try s.server.token("admin")
        let seen = try await s.client.send("GET", "/v1/jobs/\(id)", token: admin)
        #expect(seen.status == 200)

        // A revoked token stops working at once.
        let listing = try ServerProcess.runTool(ServerProcess.serverBinary, ["token", "list", "--data", s.data.path])
        let lines = listing.stdout.split(separator: "\n")
        #expect(lines.count == 4, "\(listing.stdout)")
        #expect(!listing.stdout.contains("bst_"), "token list must never print a token")
        let ids = lines.map { String($0.split(separator: "\t")[0]) }
        for tokenID in ids {
            _ = try ServerProcess.runTool(ServerProcess.serverBinary, ["token", "revoke", "--data", s.data.path, tokenID])
        }
        let revoked = try await s.client.send("GET", "/v1/jobs", token: s.token)
        #expect(revoked.status == 401)
        #expect(!s.server.log.contains(s.token), "the token appeared in the server's log")
    }

    @Test func limitsAnswer413And429AndWriteNothing() async throws {
        let root = try TempDir(), data = try TempDir()
        try ServiceFixtures.install(into: root, rows: 10)
        try root.write("serve.yaml", "max_upload_bytes: 1000\nmax_spec_bytes: 2048\nsubmissions_per_minute: 3\n")
        let server = try ServerProcess(data: data.path, root: root.path, arguments: ["--config", root.file("serve.yaml")])
        let client = APIClient(base: server.base)
        let token = try server.token()
        let big = Data(ServiceFixtures.customers(rows: 200).utf8)
        let upload = try await client.submit(ServiceFixtures.job(), input: big, filename: "big.csv", token: token)
        #expect(upload.status == 413, "\(upload.text)")
        let spec = ServiceFixtures.job() + "\n# " + String(repeating: "x", count: 3000) + "\n"
        let oversizeSpec = try await client.submit(spec, token: token)
        #expect(oversizeSpec.status == 413)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: data.path + "/jobs")) ?? []).isEmpty)
        var statuses: [Int] = []
        for _ in 0 ..< 5 { statuses.append(try await client.submit(ServiceFixtures.job(), token: token).status) }
        // The two refused submissions above took from the bucket as well.
        #expect(statuses.filter { $0 == 201 }.count <= 3)
        let limited = try #require(statuses.last == 429 ? statuses.last : nil)
        #expect(limited == 429)
        let answer = try await client.submit(ServiceFixtures.job(), token: token)
        #expect(answer.status == 429)
        #expect(answer.header("Retry-After") != nil)
        let unsupported = try await client.send("POST", "/v1/jobs", token: token, body: Data("{}".utf8), contentType: "application/json")
        #expect([415, 429].contains(unsupported.status))
    }

    @Test func rangesEventsCancelAndOps() async throws {
        let s = try Setup(rows: 3000)
        let first = try await s.client.submit(ServiceFixtures.job(), token: s.token)
        let id = try #require(first.json["id"] as? String)
        // The event stream ends with the job.
        let events = try await s.client.send("GET", "/v1/jobs/\(id)/events", token: s.token)
        #expect(events.header("Content-Type") == "text/event-stream")
        #expect(events.text.contains("event: end\ndata: {"), "\(events.text.prefix(400))")
        let whole = try await s.client.send("GET", "/v1/jobs/\(id)/output", token: s.token)
        let part = try await s.client.send("GET", "/v1/jobs/\(id)/output", token: s.token, headers: ["Range": "bytes=10-29"])
        #expect(part.status == 206)
        #expect(part.body == whole.body.subdata(in: 10 ..< 30))
        #expect(part.header("Content-Range") == "bytes 10-29/\(whole.body.count)")
        let tail = try await s.client.send("GET", "/v1/jobs/\(id)/output", token: s.token, headers: ["Range": "bytes=-5"])
        #expect(tail.body == whole.body.suffix(5))
        let past = try await s.client.send("GET", "/v1/jobs/\(id)/output", token: s.token, headers: ["Range": "bytes=\(whole.body.count)-"])
        #expect(past.status == 416)
        #expect(past.header("Content-Range") == "bytes */\(whole.body.count)")
        let again = try await s.client.send("DELETE", "/v1/jobs/\(id)", token: s.token)
        #expect(again.status == 409)

        let health = try await s.client.send("GET", "/healthz")
        #expect(health.status == 200)
        let ready = try await s.client.send("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.json["database_writable"] as? Bool == true)
        let metrics = try await s.client.send("GET", "/metrics")
        let succeeded = metrics.text.split(separator: "\n").first { $0.hasPrefix("batchscore_jobs{state=\"succeeded\"} ") }
        #expect((succeeded?.split(separator: " ").last).flatMap { Double($0) }.map { $0 >= 1 } == true, "\(metrics.text.prefix(2000))")
        #expect(metrics.text.contains("batchscore_rows_scored_total"))
        #expect(metrics.text.contains("batchscore_job_duration_seconds_bucket"))
        #expect(metrics.text.contains("batchscore_queue_wait_seconds_bucket"))
        #expect(metrics.text.contains("batchscore_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/jobs/{id}/output\""))
        let list = try await s.client.send("GET", "/v1/jobs?state=succeeded&limit=1", token: s.token)
        #expect((list.json["jobs"] as? [Any])?.count == 1)
        let badState = try await s.client.send("GET", "/v1/jobs?state=pending", token: s.token)
        #expect(badState.status == 400)
    }

    @Test func theCLIClientSubmitsWaitsAndDownloads() async throws {
        let s = try Setup(rows: 4000)
        let yaml = ServiceFixtures.job()
        let expected = try ServiceFixtures.cliOutputs(yaml, root: s.root)
        try s.root.write("job.yaml", yaml)
        let env = ["BATCHSCORE_TOKEN": s.token, "BATCHSCORE_SERVER": s.server.base]
        let cli = ServerProcess.cliBinary
        let submitted = try ServerProcess.runTool(cli, ["submit", s.root.file("job.yaml"), "--wait", "--progress", "none"], environment: env)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let id = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("job_"))
        #expect(submitted.stderr.contains("succeeded"))
        let out = s.root.file("downloaded.csv")
        let download = try ServerProcess.runTool(cli, ["jobs", "output", id, "--out", out], environment: env)
        #expect(download.status == 0, "\(download.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == expected.predictions)
        let quarantine = try ServerProcess.runTool(cli, ["jobs", "output", id, "--quarantine"], environment: env)
        #expect(Data(quarantine.stdout.utf8) == expected.quarantine)
        let list = try ServerProcess.runTool(cli, ["jobs", "list"], environment: env)
        #expect(list.stdout.hasPrefix(id + "\tsucceeded\t4000"), "\(list.stdout)")
        let status = try ServerProcess.runTool(cli, ["jobs", "status", id], environment: env)
        #expect(status.stdout.contains("job \(id): succeeded"))
        let cancel = try ServerProcess.runTool(cli, ["jobs", "cancel", id], environment: env)
        #expect(cancel.status == 1)
        #expect(cancel.stderr.contains("409"))
        // An upload, waited for.
        try s.root.write("other.csv", ServiceFixtures.customers(rows: 300))
        let uploaded = try ServerProcess.runTool(cli, ["submit", s.root.file("job.yaml"), "--input", s.root.file("other.csv"), "--wait", "--progress", "none"], environment: env)
        #expect(uploaded.status == 0, "\(uploaded.stderr)")
        // A spec the server refuses exits 2 with the key's location in the submitted file.
        try s.root.write("bad.yaml", yaml.replacingOccurrences(of: "path: data.csv", with: "path: /etc/passwd"))
        let bad = try ServerProcess.runTool(cli, ["submit", s.root.file("bad.yaml")], environment: env)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("job.yaml:3:"), "\(bad.stderr)")
        // A job that exceeds its error budget exits 3, as `batchscore run` would.
        try s.root.write("strict.yaml", yaml.replacingOccurrences(of: "max_rejected: 5%", with: "max_rejected: 0"))
        let strict = try ServerProcess.runTool(cli, ["submit", s.root.file("strict.yaml"), "--wait", "--progress", "none"], environment: env)
        #expect(strict.status == 3, "\(strict.stderr)")
        let noToken = try ServerProcess.runTool(cli, ["jobs", "list"], environment: ["BATCHSCORE_TOKEN": "", "BATCHSCORE_SERVER": s.server.base])
        #expect(noToken.status == 1)
        #expect(noToken.stderr.contains("BATCHSCORE_TOKEN"))
    }

    @Test func aDryRunValidatesAndQueuesNothing() async throws {
        let s = try Setup(rows: 10)
        let ok = try await s.client.submit(ServiceFixtures.job(), token: s.token, query: "?dry_run=true")
        #expect(ok.status == 200, "\(ok.text)")
        #expect(ok.json["valid"] as? Bool == true)
        #expect((ok.json["output_columns"] as? [String])?.contains("prediction") == true)
        try s.root.write("narrow.csv", "id,age\n1,30\n")
        let bad = try await s.client.submit(ServiceFixtures.job(input: "narrow.csv"), token: s.token, query: "?dry_run=true")
        #expect(bad.status == 422, "\(bad.text)")
        let listed = try await s.client.send("GET", "/v1/jobs", token: s.token)
        #expect((listed.json["jobs"] as? [Any])?.isEmpty == true)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: s.data.path + "/jobs")) ?? []).isEmpty)
    }

    @Test func higherPriorityRunsFirstAndFinishedJobsExpire() async throws {
        let root = try TempDir(), data = try TempDir()
        try ServiceFixtures.install(into: root, rows: 60_000)
        try root.write("small.csv", ServiceFixtures.customers(rows: 50))
        try root.write("serve.yaml", "max_concurrent_jobs: 1\nretention_hours: 0.001\nmin_free_disk_mb: 100000000\n")
        // The first job holds the one slot (held at its 13th checkpoint) until both others are queued.
        let server = try ServerProcess(data: data.path, root: root.path, arguments: ["--config", root.file("serve.yaml")],
                                       environment: ["BATCHSCORE_FAULT": "after-checkpoint:12:hold"])
        let client = APIClient(base: server.base)
        let token = try server.token()
        let slow = ServiceFixtures.job(name: "slow", extraRuntime: "  batch_rows: 200\n  checkpoint_secs: 0")
        let first = try #require(try await client.submit(slow, token: token).json["id"] as? String)
        _ = try await client.wait(for: first, token: token, until: ["running"])
        let low = try #require(try await client.submit(ServiceFixtures.job(name: "low", input: "small.csv"), token: token, query: "?priority=-1").json["id"] as? String)
        let high = try #require(try await client.submit(ServiceFixtures.job(name: "high", input: "small.csv"), token: token, query: "?priority=5").json["id"] as? String)
        #expect(try await client.send("DELETE", "/v1/jobs/\(first)", token: token).status == 202)
        let lowJob = try await client.wait(for: low, token: token)
        let highJob = try await client.wait(for: high, token: token)
        let started = { (job: [String: Any]) in (job["timings"] as? [String: Any])?["started_at"] as? String ?? "" }
        #expect(started(highJob) < started(lowJob), "high started \(started(highJob)), low \(started(lowJob))")
        // The disk floor is set above any disk: not ready.
        let ready = try await client.send("GET", "/readyz")
        #expect(ready.status == 503)
        #expect(ready.json["ready"] as? Bool == false)
        // 3.6 s after they end, the jobs and their folders are gone.
        let deadline = Date().addingTimeInterval(30)
        var gone = false
        while Date() < deadline, !gone {
            try await Task.sleep(for: .milliseconds(500))
            gone = try await client.send("GET", "/v1/jobs/\(high)", token: token).status == 404
                && !FileManager.default.fileExists(atPath: data.path + "/jobs/\(high)")
        }
        #expect(gone, "a finished job outlived its retention")
    }
}
