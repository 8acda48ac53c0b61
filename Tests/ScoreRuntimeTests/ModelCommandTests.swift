import Foundation
import Testing
import BatchScoreTestKit

/// `batchscore model inspect|verify` with the built binary.
@Suite struct ModelCommandTests {
    let cli = CLITests()

    func fixture(_ name: String) -> String {
        CLITests.repoRoot.appendingPathComponent("Tests/ScoreModelsTests/Fixtures/\(name)").path
    }

    @Test func inspectDescribesTheModel() throws {
        let r = try cli.run(["model", "inspect", fixture("wine.model.json")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("softmax regression, 13 features, classes [0, 1, 2]"))
        #expect(r.stdout.contains("    proline: float64"))
        #expect(r.stdout.contains("classes  0, 1, 2"))
        let broken = try TempDir()
        try broken.write("m.json", "{\"format\": \"batchscore-model\", \"format_version\": 1, \"kind\": \"mlp\"")
        let b = try cli.run(["model", "inspect", broken.path + "/m.json"])
        #expect(b.status == 1 && b.stderr.contains("m.json: not valid JSON"), "\(b.stderr)")
        try broken.write("x.bin", "hello")
        #expect(try cli.run(["model", "inspect", broken.path + "/x.bin"]).stderr.contains("cannot tell the model file's format"))
    }

    @Test func verifyPassesOnTheReferenceAndReportsTheWorstRows() throws {
        let ok = try cli.run(["model", "verify", fixture("breast_cancer.model.json"), "--data", fixture("breast_cancer.input.csv"),
                              "--expected", fixture("breast_cancer.expected.csv")])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("569 rows compared on prediction, proba_0, proba_1"))

        // Nudge one probability and flip one label: both are reported, with their input lines.
        let dir = try TempDir()
        var lines = try String(contentsOfFile: fixture("breast_cancer.expected.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        var row = lines[5].split(separator: ",").map(String.init)
        row[2] = String(Double(row[2])! + 1e-6)
        lines[5] = row.joined(separator: ",")
        var flipped = lines[9].split(separator: ",").map(String.init)
        flipped[0] = flipped[0] == "0" ? "1" : "0"
        lines[9] = flipped.joined(separator: ",")
        try dir.write("expected.csv", lines.joined(separator: "\n") + "\n")
        let bad = try cli.run(["model", "verify", fixture("breast_cancer.model.json"), "--data", fixture("breast_cancer.input.csv"),
                               "--expected", dir.path + "/expected.csv"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("FAILED: 2 row(s) differ"), "\(bad.stdout)")
        #expect(bad.stdout.contains("line 10: prediction expected"), "\(bad.stdout)")
        #expect(bad.stdout.contains("line 6: proba_0"), "\(bad.stdout)")
    }
}
