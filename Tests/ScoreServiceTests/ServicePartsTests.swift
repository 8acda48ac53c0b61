import Foundation
import Testing
import BatchScoreTestKit
import ScoreCore
import ScoreJobSpec
@testable import ScoreService
import ScoreBuiltins

/// The service's parts on their own: ranges, upload names, ids, the rate limiter, the serve config.
@Suite struct ServicePartsTests {
    @Test func rangesFollowRFC9110() {
        #expect(Downloads.parseRange("bytes=0-9", size: 100) == .range(0 ... 9))
        #expect(Downloads.parseRange("bytes=90-", size: 100) == .range(90 ... 99))
        #expect(Downloads.parseRange("bytes=-10", size: 100) == .range(90 ... 99))
        #expect(Downloads.parseRange("bytes=-500", size: 100) == .range(0 ... 99))
        #expect(Downloads.parseRange("bytes=50-5000", size: 100) == .range(50 ... 99))
        #expect(Downloads.parseRange("bytes=100-", size: 100) == .unsatisfiable)
        #expect(Downloads.parseRange("bytes=-0", size: 100) == .unsatisfiable)
        #expect(Downloads.parseRange("bytes=0-1,5-6", size: 100) == .whole)
        #expect(Downloads.parseRange("items=0-1", size: 100) == .whole)
        #expect(Downloads.parseRange("bytes=9-3", size: 100) == .whole)
        #expect(Downloads.parseRange("bytes=0-", size: 0) == .unsatisfiable)
    }

    @Test func anUploadsNameIsNeverAPath() {
        #expect(JobFolders.uploadName("customers.csv") == "customers.csv")
        #expect(JobFolders.uploadName("../../etc/passwd") == "passwd")
        #expect(JobFolders.uploadName("..\\..\\win.ini") == "win.ini")
        #expect(JobFolders.uploadName("..") == "input")
        #expect(JobFolders.uploadName(".hidden") == "hidden")
        #expect(JobFolders.uploadName("a b;$(rm).csv") == "abrm.csv")
        #expect(JobFolders.uploadName(nil) == "input")
        #expect(JobFolders.uploadName("%2e%2e%2fx") == "2e2e2fx")
    }

    @Test func onlyOurIdsNameJobs() {
        let id = JobFolders.newID()
        #expect(JobFolders.isValidID(id))
        #expect(!JobFolders.isValidID("job_../../../etc/passwd00000"))
        #expect(!JobFolders.isValidID("job_ABCDEF0123456789abcdef01"))
        #expect(!JobFolders.isValidID(""))
        #expect(JobFolders.newID() != id)
    }

    @Test func theRateLimiterRefillsOverAMinute() {
        let limiter = SubmissionRateLimiter(perMinute: 2)
        #expect(limiter.take(owner: "a", now: 0) == nil)
        #expect(limiter.take(owner: "a", now: 0) == nil)
        #expect(limiter.take(owner: "a", now: 0) == 30)
        #expect(limiter.take(owner: "b", now: 0) == nil)
        #expect(limiter.take(owner: "a", now: 30) == nil)
    }

    @Test func tokensAreRandomAndStoredHashed() {
        let (token, record) = APITokens.make(scopes: [.read, .submit], name: "ci", now: 0)
        #expect(token.hasPrefix("bst_") && token.count == 47)
        #expect(record.hash == APITokens.hash(token))
        #expect(!record.hash.contains(token))
        #expect(record.scopes == "read,submit")
        #expect(APITokens.make(scopes: [.read], name: nil, now: 0).token != token)
        if case .failure(let unknown) = APITokens.parseScopes("read,write") { #expect(unknown.word == "write") } else { Issue.record("write is no scope") }
    }

    @Test func aServeConfigIsCheckedLikeAJobFile() throws {
        let dir = try TempDir()
        try dir.write("serve.yaml", "max_concurent_jobs: 4\nlisten: nowhere\nretention_hours: -1\n")
        do {
            _ = try ConfigFileLoader.load(path: dir.file("serve.yaml"), fields: ServeConfiguration.fields, what: "serve config")
            Issue.record("an unknown key must be refused")
        } catch {
            let text = error.description
            #expect(text.contains("serve.yaml:1:1: max_concurent_jobs: unknown key (did you mean 'max_concurrent_jobs'?)"), "\(text)")
            #expect(text.contains("serve.yaml:3:18: retention_hours:"), "\(text)")
        }
        let r = try ServerProcess.runTool(ServerProcess.serverBinary, ["serve", "--data", dir.file("data"), "--allow-root", dir.path,
                                                                       "--config", dir.file("serve.yaml")])
        #expect(r.status == 2)
        #expect(r.stderr.contains("serve.yaml:1:1"))
        let noRoot = try ServerProcess.runTool(ServerProcess.serverBinary, ["serve", "--data", dir.file("data")])
        #expect(noRoot.status == 1)
        #expect(noRoot.stderr.contains("--allow-root"))
    }

    @Test func aSecondServerOnOneDataFolderIsRefused() throws {
        let root = try TempDir(), data = try TempDir()
        let first = try ServerProcess(data: data.path, root: root.path)
        let second = try ServerProcess.runTool(ServerProcess.serverBinary, ["serve", "--data", data.path, "--allow-root", root.path,
                                                                            "--listen", "127.0.0.1:0"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("another batchscore-server is serving"), "\(second.stderr)")
        first.stop()
    }

    @Test func aJobMayReadOnlyTheEnvironmentTheServerAllows() throws {
        let root = try TempDir()
        try ServiceFixtures.install(into: root, rows: 5)
        let policy = PathPolicy(roots: [PathPolicy.canonical(root.path)!])
        let yaml = ServiceFixtures.job().replacingOccurrences(of: "name: svc", with: "name: ${SERVER_SECRET}")
        #expect(throws: JobSpecErrors.self) {
            try SubmittedSpec.load(text: yaml, uploadedInput: nil, outputFolder: "/tmp/x", policy: policy,
                                   registry: BuiltinPlugins.registry, environment: [:])
        }
        let loaded = try SubmittedSpec.load(text: yaml, uploadedInput: nil, outputFolder: "/tmp/x", policy: policy,
                                            registry: BuiltinPlugins.registry, environment: ["SERVER_SECRET": "allowed"])
        #expect(loaded.spec.name == "allowed")
        #expect(loaded.outputPath == "/tmp/x/out/predictions.csv")
        #expect(loaded.quarantinePath == "/tmp/x/out/rejected.csv")
    }

    @Test func aDatabaseReaderOrWriterIsRefused() throws {
        let root = try TempDir()
        try ServiceFixtures.install(into: root, rows: 5)
        let policy = PathPolicy(roots: [PathPolicy.canonical(root.path)!])
        let reader = ServiceFixtures.job().replacingOccurrences(of: "{ type: csv, path: data.csv }",
                                                                with: "{ type: postgres, url: \"host=/tmp\", query: \"SELECT 1\" }")
        let writer = ServiceFixtures.job().replacingOccurrences(of: "{ type: csv, path: out/predictions.csv }",
                                                                with: "{ type: postgres, url: \"host=/tmp\", table: t }")
        // With an upload, which stands in for reader.path, the refusal says so.
        do {
            _ = try SubmittedSpec.load(text: reader, uploadedInput: root.file("up.csv"), outputFolder: "/tmp/x", policy: policy,
                                       registry: BuiltinPlugins.registry, environment: [:])
            Issue.record("an upload for a postgres reader was accepted")
        } catch {
            #expect(error.errors.contains { $0.keyPath == "reader.type" && $0.message.contains("an uploaded input needs a reader that reads a file") },
                    "\(error)")
        }
        for (yaml, key) in [(reader, "reader.type"), (writer, "writer.type")] {
            #expect(yaml.contains("postgres"))
            do {
                _ = try SubmittedSpec.load(text: yaml, uploadedInput: nil, outputFolder: "/tmp/x", policy: policy,
                                           registry: BuiltinPlugins.registry, environment: [:])
                Issue.record("a \(key) postgres job was accepted")
            } catch {
                #expect(error.errors.contains { $0.keyPath == key && $0.message.contains("files only") }, "\(error)")
            }
        }
    }

    @Test func anAttemptsEndSettlesTheRow() {
        var config = ServeConfiguration(dataDirectory: "/tmp")
        config.retryBaseSeconds = 2
        config.retryMaxSeconds = 5
        func job(attempts: Int, cancel: Bool = false) -> JobRecord {
            var job = JobRecord(id: "job_000000000000000000000001", owner: "tok", name: nil, priority: 0, spec: "", uploadedInput: nil,
                                outputPath: "/o", quarantinePath: "/q", idempotencyKey: nil, contentKey: "k", maxAttempts: 3, now: 0)
            job.state = .running
            job.attempts = attempts
            job.cancelRequested = cancel
            return job
        }
        let transient = JobScheduler.AttemptOutcome.failed(message: "EIO", exitCode: 1, transient: true, summary: nil)
        var first = job(attempts: 1)
        JobScheduler.settle(&first, transient, now: 100, config: config, shuttingDown: false, jitter: 1)
        #expect(first.state == .queued && first.notBefore == 102 && first.error == "EIO")
        var second = job(attempts: 2)
        JobScheduler.settle(&second, transient, now: 100, config: config, shuttingDown: false, jitter: 0.5)
        #expect(second.state == .queued && second.notBefore == 102)
        var capped = job(attempts: 2)
        capped.maxAttempts = 10
        capped.attempts = 6
        JobScheduler.settle(&capped, transient, now: 100, config: config, shuttingDown: false, jitter: 1)
        #expect(capped.notBefore == 105)
        var exhausted = job(attempts: 3)
        JobScheduler.settle(&exhausted, transient, now: 100, config: config, shuttingDown: false, jitter: 1)
        #expect(exhausted.state == .failed && exhausted.exitCode == 1 && exhausted.finishedAt == 100)
        var deterministic = job(attempts: 1)
        JobScheduler.settle(&deterministic, .failed(message: "budget", exitCode: 3, transient: false, summary: nil),
                            now: 100, config: config, shuttingDown: false, jitter: 1)
        #expect(deterministic.state == .failed && deterministic.exitCode == 3)
        var shutdown = job(attempts: 1)
        JobScheduler.settle(&shutdown, .stopped(nil), now: 100, config: config, shuttingDown: true, jitter: 1)
        #expect(shutdown.state == .queued && shutdown.attempts == 0)
        var cancelled = job(attempts: 1, cancel: true)
        JobScheduler.settle(&cancelled, .stopped(nil), now: 100, config: config, shuttingDown: false, jitter: 1)
        #expect(cancelled.state == .cancelled && cancelled.finishedAt == 100)
    }
}
