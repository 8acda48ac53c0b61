import Foundation
import Testing
import BatchScoreTestKit
import Logging
import ScoreBuiltins
import ScoreCore
import ScoreJobSpec
@testable import ScoreRuntime

/// The `batchscore` executable end to end: exit codes, the summary, `validate` and `plugins`.
@Suite struct CLITests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable sits beside the test bundle in the build folder.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("batchscore")
    }

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let run = try ToolRun.run(Self.executable, arguments, environment: environment, directory: directory)
        return Result(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    func smallJob(_ dir: TempDir, extra: String = "") throws {
        try dir.write("data.csv", "id,a,b\n1,1,0.5\n2,x,1\n3,3,1\n")
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            name: small
            reader: { type: csv, path: data.csv }
            model: { path: model.json }
            writer: { type: csv, path: out/pred.csv }
            \(extra)
            """)
    }

    @Test func runPrintsTheSummaryAndWritesOutputs() throws {
        let dir = try TempDir()
        try smallJob(dir)
        let r = try run(["run", dir.path + "/job.yaml", "--progress", "none", "--summary-json", dir.path + "/summary.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("job small: succeeded"))
        #expect(r.stdout.contains("rows read        3"))
        #expect(r.stdout.contains("parse/type"))
        #expect(try dir.read("out/pred.csv").hasPrefix("id,a,b,prediction,confidence\n1,1,0.5,1,"))
        #expect(try dir.read("out/pred.rejected.csv").contains("data.csv,3,parse,type,"))
        let json = try JSONSerialization.jsonObject(with: Data(dir.read("summary.json").utf8)) as! [String: Any]
        let summary = json["summary"] as! [String: Any], manifest = json["manifest"] as! [String: Any]
        #expect(summary["rows_written"] as? Int == 2)
        #expect((manifest["model_sha256"] as? String)?.count == 64)
        #expect(manifest["input_bytes"] as? Int == 27)
    }

    @Test func invalidSpecExitsTwoWithTheLocation() throws {
        let dir = try TempDir()
        try smallJob(dir, extra: "runtime: { bathc_rows: 10 }")
        let r = try run(["run", dir.path + "/job.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("job.yaml:6:12: runtime.bathc_rows: unknown key (did you mean 'batch_rows'?)"), "\(r.stderr)")
    }

    @Test func missingInputFileIsASpecErrorAtItsKey() throws {
        let dir = try TempDir()
        try smallJob(dir)
        try FileManager.default.removeItem(atPath: dir.path + "/data.csv")
        let r = try run(["validate", dir.path + "/job.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("job.yaml:3:28: reader.path:"), "\(r.stderr)")
        #expect(r.stderr.contains("not found"))
    }

    @Test func budgetExceededExitsThree() throws {
        let dir = try TempDir()
        try smallJob(dir, extra: "runtime: { max_rejected: 0 }")
        let r = try run(["run", dir.path + "/job.yaml", "--progress", "none"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("error budget exceeded"))
        #expect(!dir.exists("out/pred.csv"))
    }

    @Test func setOverridesAKeyAndEnvironmentExpandsWithoutLeakingTheValue() throws {
        let dir = try TempDir()
        try smallJob(dir)
        try dir.write("s3cr3t-dir/data.csv", try dir.read("data.csv"))
        try dir.write("job.yaml", try dir.read("job.yaml").replacingOccurrences(of: "path: data.csv", with: "path: \"${INPUT}\""))
        let r = try run(["run", dir.path + "/job.yaml", "--progress", "plain", "--set", "writer.path=other.csv",
                         "--summary-json", dir.path + "/summary.json"],
                        environment: ["INPUT": "s3cr3t-dir/data.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(dir.exists("other.csv"))
        #expect(r.stderr.contains("job started"))
        #expect(!r.stderr.contains("s3cr3t") && !r.stdout.contains("s3cr3t"), "\(r.stderr)\n\(r.stdout)")
        #expect(!(try dir.read("summary.json")).contains("s3cr3t"))
        // An error that mentions the file still hides it.
        try dir.write("s3cr3t-dir/data.csv", "id,a,b\n1,\"2,3\n")
        let bad = try run(["run", dir.path + "/job.yaml", "--progress", "none"], environment: ["INPUT": "s3cr3t-dir/data.csv"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("unclosed quote"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("s3cr3t"), "\(bad.stderr)")
    }

    @Test func usageErrorsExitSixtyFour() throws {
        #expect(try run(["run"]).status == 64)
        #expect(try run(["run", "x.yaml", "--progress", "sideways"]).status == 64)
    }

    @Test func validateAndPluginsDescribeTheJob() throws {
        let dir = try TempDir()
        try smallJob(dir)
        let v = try run(["validate", dir.path + "/job.yaml"])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("logistic regression, 2 features"))
        #expect(!dir.exists("out/pred.csv"))
        let p = try run(["plugins"])
        #expect(p.status == 0)
        for type in ["csv", "schema", "finite", "range", "allowed", "native"] { #expect(p.stdout.contains("  \(type) — ")) }
        #expect(p.stdout.contains("max_record_bytes"))
    }

    @Test func theChurnExampleRunsAsShipped() throws {
        let dir = try TempDir()
        let example = Self.repoRoot.appendingPathComponent("examples/churn")
        for name in ["job.yaml", "customers.csv", "model.json"] {
            try FileManager.default.copyItem(at: example.appendingPathComponent(name),
                                             to: URL(fileURLWithPath: dir.path + "/" + name))
        }
        let r = try run(["run", dir.path + "/job.yaml", "--progress", "plain"])
        #expect(r.status == 0, "\(r.stderr)")
        let read = Int(r.stdout.components(separatedBy: "rows read").last!.split(separator: "\n")[0].trimmingCharacters(in: .whitespaces))!
        let written = parseCSV(try dir.read("out/predictions.csv")).count - 1
        let quarantined = parseCSV(try dir.read("out/rejected.csv")).count - 1
        #expect(read == written + quarantined)
        #expect(quarantined > 0)
    }
}

/// `runtime.workers: N` in the CLI starts N workers (its one job's budget grows to what it asks);
/// a shared budget with fewer free cores grants fewer and says so.
struct ExplicitWorkersTests {
    /// Keeps the messages logged.
    final class Capture: LogHandler, @unchecked Sendable {
        // Safe: the lock guards `messages`.
        private let lock = NSLock()
        private var messages: [String] = []
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lock.withLock { messages.append("\(event.message)") } }
        var logged: [String] { lock.withLock { messages } }
    }

    static let capped = "fewer workers than asked"

    @Test func theCLIStartsTheWorkersAJobAsksFor() throws {
        let dir = try TempDir()
        try CLITests().smallJob(dir, extra: "runtime: { workers: 8 }")
        let r = try CLITests().run(["run", dir.path + "/job.yaml", "--progress", "none", "--log-level", "info"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains(Self.capped), "\(r.stderr)")
    }

    @Test func aSharedBudgetGrantsWhatIsFreeAndSaysSo() throws {
        let dir = try TempDir()
        try CLITests().smallJob(dir, extra: "runtime: { workers: 8 }")
        let spec = try JobSpecLoader.load(path: dir.path + "/job.yaml", registry: BuiltinPlugins.registry, environment: [:])
        let plan = try ScoringPlan.build(spec: spec, registry: BuiltinPlugins.registry, cores: CPUBudget(cores: 2))
        let capture = Capture()
        var options = JobOptions()
        options.logger = Logger(label: "test") { _ in capture }
        _ = try JobRunner(plan: plan, options: options).run()
        #expect(capture.logged.contains { $0.contains(Self.capped) }, "\(capture.logged)")
    }
}
