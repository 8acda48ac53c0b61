import Foundation
import Testing

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
