import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

/// Streams cannot resume: they say so and start over.
extension EngineTests {
    // MARK: - 7. Streams cannot resume

    @Test func stdinInputWithResumeSaysSoAndStartsOver() throws {
        let dir = try TempDir()
        try Self.job(dir, rows: 3000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     runtime: "{ workers: 2, batch_rows: 100, checkpoint_secs: 0 }")
        let reference = try Self.run(dir)
        #expect(reference.status == 0, "\(reference.stderr)")
        let output = try dir.read("out/pred.csv"), quarantine = try dir.read("out/pred.rejected.csv")

        let piped = try TempDir()
        try piped.write("model.json", smallModel)
        try piped.write("job.yaml", (try dir.read("job.yaml")).replacingOccurrences(of: "path: data.csv", with: #"path: "-""#))
        let r = try Self.cli(["run", piped.path + "/job.yaml", "--progress", "none", "--resume"], stdinFile: dir.path + "/data.csv")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("this job cannot resume (its input or its output is a stream or a database); starting from the beginning"),
                "\(r.stderr)")
        #expect(try piped.read("out/pred.csv") == output)
        // The quarantine names its source as the job gives it ("-"), the rest is the same.
        let q = parseCSV(try piped.read("out/pred.rejected.csv")), expectedQ = parseCSV(quarantine)
        #expect(q.map { Array($0.dropFirst()) } == expectedQ.map { Array($0.dropFirst()) })
        #expect(Self.files(piped) == ["job.yaml", "model.json", "out/pred.csv", "out/pred.rejected.csv"])
    }

    @Test func stdoutOutputWithResumeSaysSoAndStartsOver() throws {
        let dir = try TempDir()
        try Self.job(dir, rows: 3000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     runtime: "{ workers: 2, batch_rows: 100, checkpoint_secs: 0 }")
        let reference = try Self.run(dir)
        #expect(reference.status == 0, "\(reference.stderr)")
        let output = try dir.read("out/pred.csv")

        let streamed = try TempDir()
        try Self.job(streamed, rows: 3000, body: "validate: [{ type: range, columns: { a: [0, 15] } }]",
                     writer: #"{ type: csv, path: "-" }"#, runtime: "{ workers: 2, batch_rows: 100, checkpoint_secs: 0 }")
        // A killed earlier run must not matter either.
        let killed = try Self.run(streamed, fault: "mid-batch:3")
        #expect(killed.killedBy == SIGKILL)
        let r = try Self.run(streamed, ["--resume"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("this job cannot resume (its input or its output is a stream or a database); starting from the beginning"),
                "\(r.stderr)")
        #expect(r.stdout == output)
        #expect(try streamed.read("rejected.csv") == (try dir.read("out/pred.rejected.csv")))
        #expect(Self.files(streamed) == ["data.csv", "job.yaml", "model.json", "rejected.csv"])
    }
}
