import Foundation
import Testing
import ScoreCore
@testable import ScoreRuntime
import BatchScoreTestKit

/// Regressions for what hostile input broke (issue 11): each test failed before its fix.
@Suite struct HardeningTests {
    let cli = CLITests()

    /// A job without `quarantine:` whose writer path is `writer` (default quarantine beside it).
    func jobWithoutQuarantine(_ dir: TempDir, writer: String = "out.csv") throws {
        try dir.write("data.csv", "id,a,b\n1,1,0.5\n2,x,1\n3,3,1\n")
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            model: { path: model.json }
            writer: { type: csv, path: '\(writer)' }
            """)
    }

    @Test(arguments: ["p", "p.", ".p", "sub/p"])
    func oneCharacterWriterPathsGetADefaultQuarantineBesideThem(_ writer: String) throws {
        let dir = try TempDir()
        try jobWithoutQuarantine(dir, writer: writer)
        for command in [["validate"], ["run"]] {
            let r = try cli.run(command + [dir.path + "/job.yaml"])
            #expect(r.status == 0, "\(command) \(writer): \(r.status) \(r.stderr)")
        }
        #expect(dir.exists(writer))
        let expected = ["p": "p.rejected.csv", "p.": "p.rejected.csv", ".p": ".p.rejected.csv", "sub/p": "sub/p.rejected.csv"]
        #expect(JobEndpoints.defaultQuarantinePath(writerPath: writer) == expected[writer])
        let piped = try cli.run(["pipe", "--job", dir.path + "/job.yaml"])
        // stdin is empty here: the point is that pipe derives the same quarantine without trapping.
        #expect(piped.status == 1 && piped.stderr.contains("the input is empty"), "pipe \(writer): \(piped.status) \(piped.stderr)")
    }

    @Test(arguments: ["out/", ".", "..", "sub/.", "sub/.."])
    func writerPathsNamingAFolderAreRefused(_ writer: String) throws {
        let dir = try TempDir()
        try jobWithoutQuarantine(dir, writer: writer)
        for command in ["validate", "run"] {
            let r = try cli.run([command, dir.path + "/job.yaml"])
            #expect(r.status == 2, "\(command) \(writer): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("writer.path: names a folder, not a file"), "\(r.stderr)")
        }
        #expect(JobEndpoints.defaultQuarantinePath(writerPath: writer).hasSuffix("rejected.csv"))
    }

    @Test func aKeyPathDeeperThanAnyJobIsRefusedNotOverflowed() throws {
        let dir = try TempDir()
        try jobWithoutQuarantine(dir)
        let deep = Array(repeating: "a", count: 12_000).joined(separator: ".")
        let r = try cli.run(["validate", dir.path + "/job.yaml", "--set", deep + "=1"])
        #expect(r.status == 2, "\(r.status) \(r.stderr.prefix(300))")
        #expect(r.stderr.contains("the key path has 12000 parts; a job nests at most 64 levels"))
        #expect(r.stderr.utf8.count < 600, "the error echoes a bounded excerpt, not the 24 KB path")
        let brackets = "runtime" + String(repeating: "[0]", count: 5_000)
        #expect(try cli.run(["validate", dir.path + "/job.yaml", "--set", brackets + "=1"]).status == 2)
    }

    @Test func aQuarantineInUseByAnotherRunIsRefusedUpFront() throws {
        let dir = try TempDir()
        try jobWithoutQuarantine(dir)
        try dir.write("job.yaml", try dir.read("job.yaml") + "\nquarantine: { path: shared-rejected.csv }\n")
        let held = try OutputLock(output: dir.path + "/shared-rejected.csv")
        let r = try cli.run(["run", dir.path + "/job.yaml"])
        withExtendedLifetime(held) {}
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("\(dir.path)/shared-rejected.csv: another batchscore run is writing this file"), "\(r.stderr)")
        #expect(!dir.exists("out.csv"))
    }

    @Test(arguments: ["data.csv", "model.json", "job.yaml", "out.csv", "./sub/../out.rejected.csv",
                      ".out.csv.batchscore-tmp", ".out.rejected.csv.batchscore-checkpoint"])
    func aSummaryPathNamingTheJobsOwnFilesIsRefused(_ summary: String) throws {
        let dir = try TempDir()
        try jobWithoutQuarantine(dir)
        let before = try [dir.read("data.csv"), dir.read("model.json"), dir.read("job.yaml")]
        let r = try cli.run(["run", "job.yaml", "--summary-json", summary], in: dir.path)
        #expect(r.status == 64, "\(summary): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("--summary-json \(summary): is "), "\(r.stderr)")
        #expect(try [dir.read("data.csv"), dir.read("model.json"), dir.read("job.yaml")] == before)
        #expect(!dir.exists("out.csv"), "refused before scoring")
    }

    @Test func aSummaryPathOfItsOwnIsWritten() throws {
        let dir = try TempDir()
        try jobWithoutQuarantine(dir)
        let r = try cli.run(["run", "job.yaml", "--summary-json", "summary.json"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try dir.read("summary.json").contains("\"rows_read\""))
    }
}

/// Wide inputs cost linear time in cells: every per-batch column look-up used to be a linear
/// search per name, so a batch cost columns² (20k columns × 200 rows: 4.3 s; batch_rows=3: over a
/// minute). The time limit is a hang guard for that regression, not a performance target.
@Suite struct WideInputTests {
    @Test(.timeLimit(.minutes(1))) func twentyThousandColumnsInTinyBatchesPassThroughInOrder() throws {
        let dir = try TempDir()
        let width = 20_000, rows = 40
        let names = ["a", "b"] + (0 ..< width).map { "c\($0)" }
        var csv = names.joined(separator: ",") + "\n"
        for r in 0 ..< rows {
            csv += "\(r),1," + (0 ..< width).map { String($0 % 97 + r) }.joined(separator: ",") + "\n"
        }
        try dir.write("data.csv", csv)
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            runtime: { batch_rows: 3 }
            """)
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.rowsWritten == rows)
        let out = try dir.read("out.csv").split(separator: "\n")
        #expect(out.count == rows + 1)
        #expect(out[0] == (names + ["prediction", "confidence"]).joined(separator: ","))
        let last = out[rows].split(separator: ",", omittingEmptySubsequences: false)
        #expect(last.count == names.count + 2)
        #expect(last[2 + 12_345] == "\(12_345 % 97 + rows - 1)")
    }
}

/// Error messages name what is wrong and what to do (issue 11, item 12), and never echo unbounded
/// or raw input (item 11).
@Suite struct HostileInputMessageTests {
    let cli = CLITests()

    func job(_ dir: TempDir, csv: String = "id,a,b\n1,1,0.5\n") throws {
        try dir.write("data.csv", csv)
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            validate: [{ type: schema, required: [id] }]
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            """)
    }

    @Test func aSecondByteOrderMarkInTheHeaderIsNamed() throws {
        let dir = try TempDir()
        try job(dir, csv: "\u{FEFF}\u{FEFF}id,a,b\n1,1,0.5\n")
        let r = try cli.run(["validate", dir.path + "/job.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("the input has no column 'id' (the input's '\\u{FEFF}id' holds an invisible U+FEFF (byte order mark"), "\(r.stderr)")
    }

    @Test func aDamagedCheckpointIsDescribedInWords() throws {
        let dir = try TempDir()
        try job(dir)
        for (text, says) in [("{\"version\": 1", "it is not complete, valid JSON"), ("{\"version\": \"x\"}", "field 'version' has a value of the wrong type"),
                             ("{}", "field 'version' is missing")] {
            try dir.write(".out.csv.batchscore-checkpoint", text)
            let r = try cli.run(["run", dir.path + "/job.yaml", "--resume"])
            #expect(r.status == 1)
            #expect(r.stderr.contains("is damaged (\(says)); run again without --resume"), "\(r.stderr)")
            #expect(!r.stderr.contains("DecodingError") && !r.stderr.contains("codingPath"), "\(r.stderr)")
        }
    }

    @Test func aModelPathThatIsNoRegularFileIsSaidSo() throws {
        let dir = try TempDir()
        try job(dir)
        #expect(mkfifo(dir.path + "/pipe", 0o600) == 0)
        for (path, what) in [("/dev/zero", "a device or socket"), ("pipe", "a pipe"), (".", "a folder")] {
            let r = try cli.run(["validate", dir.path + "/job.yaml", "--set", "model.path=\(path)"])
            #expect(r.status == 1, "\(path): \(r.stderr)")
            #expect(r.stderr.contains("the model path is not a regular file (it is \(what))"), "\(r.stderr)")
        }
    }

    @Test(arguments: ["", "\n", "\n\n", "\u{FEFF}", "\r\n"])
    func anEmptyInputIsCalledEmpty(_ csv: String) throws {
        let dir = try TempDir()
        try job(dir, csv: csv)
        let r = try cli.run(["validate", dir.path + "/job.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("the input is empty"), "\(r.stderr)")
        #expect(!r.stderr.contains("header has: "))
    }

    @Test func controlCharactersInAJobFileAreReportedWhereTheyAre() throws {
        let dir = try TempDir()
        try job(dir)
        try dir.write("job.yaml", try dir.read("job.yaml") + "\nname: \"a\u{01}b\"\n")
        let r = try cli.run(["validate", dir.path + "/job.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("job.yaml:6:9: YAML syntax error: control characters are not allowed (byte 0x01)"), "\(r.stderr)")
    }

    @Test func aHeaderWithNULBytesIsNeverEchoed() throws {
        let dir = try TempDir()
        try job(dir, csv: "SECRET=hunter2\u{0}HOME=/root\u{0}\n")
        let r = try cli.run(["validate", dir.path + "/job.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("not shown: the header holds NUL or control bytes"), "\(r.stderr)")
        #expect(!r.stderr.contains("hunter2"))
    }

    @Test func aHugeValueIsEchoedAsABoundedExcerpt() throws {
        let dir = try TempDir()
        try job(dir)
        let huge = String(repeating: "x", count: 2_000_000)
        try dir.write("job.yaml", try dir.read("job.yaml").replacingOccurrences(of: "path: model.json", with: "path: \(huge)"))
        let r = try cli.run(["validate", dir.path + "/job.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("model file not found: /"))
        #expect(r.stderr.utf8.count < 2_200, "\(r.stderr.utf8.count) bytes")
        #expect(r.stderr.contains("more characters not shown"))
    }
}

/// Values from `${VAR}` never reach the quarantine's `source` and `reason` columns (issue 11,
/// item 11), though the rejected record's own bytes are kept exactly.
@Suite struct QuarantineSecretTests {
    @Test func secretsInThePathAnAllowedListAndAHookParamAreRedacted() throws {
        let dir = try TempDir()
        try dir.write("s3cr3t-input.csv", "id,region,a,b\n1,north,1,0.5\n2,zz-topsecret-zz,1,1\n3,north,2,2\n")
        try dir.write("model.json", smallModel)
        try dir.write("check.lua", """
            function validate(row, params)
              if row.a == 2 then return false, "a is not " .. params.token end
              return true
            end
            """)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: "${INPUT}" }
            validate:
              - { type: allowed, columns: { region: [north, "${REGION}"] } }
              - { type: lua, script: check.lua, params: { token: "${TOKEN}" } }
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            quarantine: { path: rejected.csv }
            """)
        let env = ["INPUT": "s3cr3t-input.csv", "REGION": "hidden-region", "TOKEN": "tok-9f8e7d"]
        let r = try CLITests().run(["run", dir.path + "/job.yaml"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let rejected = parseCSV(try dir.read("rejected.csv"))
        #expect(rejected.count == 3, "\(rejected)")
        for row in rejected.dropFirst() {
            for cell in [row[0], row[4]] {
                for secret in env.values { #expect(!cell.contains(secret), "\(cell)") }
            }
            #expect(row[0] == "<redacted>")
        }
        #expect(rejected[1][4].contains("<redacted>"), "the allowed list is named, its secret value redacted: \(rejected[1][4])")
        #expect(rejected[2][4] == "a is not <redacted>")
        #expect(rejected[1][5] == "2,zz-topsecret-zz,1,1", "the record's own bytes are kept")
        for secret in env.values { #expect(!r.stderr.contains(secret) && !r.stdout.contains(secret)) }
    }
}

/// Output bytes do not depend on the batch size or the worker count (issue 11, item 8): the
/// churn example's standardized logistic model, every grouping, byte-identical.
@Suite struct BatchSizeIndependenceTests {
    @Test func theChurnExampleWritesTheSameBytesForEveryBatchSizeAndWorkerCount() throws {
        let example = CLITests.repoRoot.appendingPathComponent("examples/churn").path
        let dir = try TempDir()
        for file in ["customers.csv", "model.json"] {
            try FileManager.default.copyItem(atPath: example + "/" + file, toPath: dir.path + "/" + file)
        }
        try dir.write("job.yaml", try String(contentsOfFile: example + "/job.yaml", encoding: .utf8))
        var outputs: [String: String] = [:]
        for batch in ["1", "7", "999", "1000", "auto"] {
            for workers in ["1", "2"] {
                let plan = try makePlan(dir, overrides: ["runtime.batch_rows=\(batch)", "runtime.workers=\(workers)"])
                _ = try JobRunner(plan: plan, logger: quietLogger).run()
                outputs["batch_rows=\(batch) workers=\(workers)"] = try dir.read("out/predictions.csv") + (try dir.read("out/rejected.csv"))
            }
        }
        let reference = outputs["batch_rows=1000 workers=1"]!
        #expect(reference.count > 100_000)
        for (setting, bytes) in outputs.sorted(by: { $0.key < $1.key }) { #expect(bytes == reference, "\(setting)") }
    }
}
