import Foundation
import Testing
import BatchScoreTestKit

/// `batchscore plugins new|test|show|list` end to end, with the built binary.
@Suite struct PluginCLITests {
    let cli = CLITests()

    @Test(arguments: ["features", "validator"])
    func aNewPluginPassesItsOwnTests(kind: String) throws {
        let dir = try TempDir()
        let made = try cli.run(["plugins", "new", "my-\(kind)", "--kind", kind], in: dir.path)
        #expect(made.status == 0, "\(made.stderr)")
        for file in ["plugin.yaml", "my-\(kind).lua", "tests/basic.yaml", "README.md"] { #expect(dir.exists("plugins/my-\(kind)/\(file)")) }
        let byName = try cli.run(["plugins", "test", "my-\(kind)", "--verbose"], in: dir.path)
        #expect(byName.status == 0, "\(byName.stdout)\(byName.stderr)")
        #expect(byName.stdout.contains(", 0 failed"), "\(byName.stdout)")
        let byPath = try cli.run(["plugins", "test", dir.path + "/plugins/my-\(kind)"])
        #expect(byPath.status == 0, "\(byPath.stdout)\(byPath.stderr)")
        let list = try cli.run(["plugins", "list"], in: dir.path)
        #expect(list.stdout.contains("my-\(kind) 0.1.0 — \(kind) — ./plugins/my-\(kind)"), "\(list.stdout)")
        let show = try cli.run(["plugins", "show", "my-\(kind)@^0.1"], in: dir.path)
        #expect(show.status == 0 && show.stdout.contains("column: string (required)"), "\(show.stdout)\(show.stderr)")
    }

    @Test func aFailingCaseShowsADiffAndExitsNonZero() throws {
        let dir = try TempDir()
        #expect(try cli.run(["plugins", "new", "demo", "--kind", "features"], in: dir.path).status == 0)
        try dir.write("plugins/demo/tests/wrong.yaml", """
            params: { column: amount, as: scaled }
            cases:
              - name: wrong on purpose
                row: { amount: 2.0 }
                expect: { scaled: 5.0 }
            """)
        let r = try cli.run(["plugins", "test"], in: dir.path)
        #expect(r.status == 1)
        #expect(r.stdout.contains("FAIL tests/wrong.yaml:3 wrong on purpose"), "\(r.stdout)")
        #expect(r.stdout.contains("- expected: scaled = 5.0"), "\(r.stdout)")
        #expect(r.stdout.contains("+ got:      scaled = 4.0"), "\(r.stdout)")
    }

    @Test func anUnknownPluginIsASpecError() throws {
        let dir = try TempDir()
        let r = try cli.run(["plugins", "show", "nope@^1"], in: dir.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("plugin 'nope@^1' not found"), "\(r.stderr)")
    }

    @Test func theMarkdownReferenceStillPrints() throws {
        let r = try cli.run(["plugins", "--markdown"])
        #expect(r.status == 0 && r.stdout.hasPrefix("#### `model`"), "\(r.stdout)")
    }
}

/// The plugins and the hooks example the project ships.
@Suite struct ShippedPluginTests {
    let cli = CLITests()

    @Test func everyShippedPluginPassesItsTests() throws {
        let r = try cli.run(["plugins", "test"], in: CLITests.repoRoot.path)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        for name in ["ratio", "bucketize", "churn-rules"] { #expect(r.stdout.contains("\(name) 1."), "\(r.stdout)") }
        #expect(r.stdout.contains("3 of 3 plugins passed"), "\(r.stdout)")
    }

    @Test func theHooksExampleRunsAsShipped() throws {
        let dir = try TempDir()
        let root = CLITests.repoRoot
        try FileManager.default.createDirectory(atPath: dir.path + "/churn", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path + "/churn-hooks", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root.path + "/examples/churn/customers.csv", toPath: dir.path + "/churn/customers.csv")
        for name in ["job.yaml", "model.json"] {
            try FileManager.default.copyItem(atPath: root.path + "/examples/churn-hooks/\(name)", toPath: dir.path + "/churn-hooks/\(name)")
        }
        let r = try cli.run(["run", dir.path + "/churn-hooks/job.yaml", "--progress", "none"],
                            environment: ["BATCHSCORE_PLUGIN_PATH": root.path + "/plugins"])
        #expect(r.status == 0, "\(r.stderr)")
        let written = parseCSV(try dir.read("churn-hooks/out/predictions.csv"))
        #expect(written[0].contains("income_per_txn") && written[0].contains("age_bucket"))
        let quarantined = parseCSV(try dir.read("churn-hooks/out/rejected.csv")).count - 1
        #expect(written.count - 1 + quarantined == 20_000)
    }
}

/// A plugin's init refusing its params stops the job at start-up with the plugin's message.
@Suite struct PluginInitFailureTests {
    @Test func badParamsFailAtStartUp() throws {
        let dir = try TempDir()
        try dir.write("data.csv", "age,b\n30,1\n")
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            features: [{ type: lua, plugin: bucketize, params: { column: age, edges: [28, 48, 38], as: a } }]
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            """)
        let r = try CLITests().run(["validate", dir.path + "/job.yaml"],
                                   environment: ["BATCHSCORE_PLUGIN_PATH": CLITests.repoRoot.path + "/plugins"])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("bucketize") && r.stderr.contains("init"), "\(r.stderr)")
    }
}
