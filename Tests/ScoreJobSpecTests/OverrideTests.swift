import ScoreCore
import Testing
@testable import ScoreJobSpec

@Suite struct OverrideTests {
    static let job = minimalJob + """
        validate:
          - { type: schema, required: [a] }
          - { type: range, columns: { age: [0, 120] } }

        """

    @Test func scalarOverrideIsCheckedLikeFileValues() throws {
        let spec = try load(Self.job, overrides: ["runtime.batch_rows=100", "reader.delimiter=;"])
        #expect(spec.runtime.int("batch_rows") == 100)
        #expect(spec.runtime.location(of: "batch_rows") == SourceLocation(file: "--set runtime.batch_rows", line: 1, column: 20))
        #expect(spec.reader.string("delimiter") == ";")
        #expect(spec.reader.string("path") == "data.csv", "siblings are kept")

        #expect(errorLines(Self.job, overrides: ["runtime.batch_rows=abc"])
            == [#"--set runtime.batch_rows:1:20: runtime.batch_rows: expected auto | integer, got string "abc""#])
    }

    @Test func listIndicesInBothSpellings() throws {
        let spec = try load(Self.job, overrides: ["validate[1].columns.age=[18, ~]", "validate.0.required=[id, age]"])
        #expect(spec.validators[1].map("columns")?.first?.value == .list([.float(18), .null]))
        #expect(spec.validators[0].strings("required") == ["id", "age"])
        #expect(spec.validators[1].location(of: "columns")?.file == "job.yaml")
    }

    @Test func missingKeysAreCreated() throws {
        let spec = try load(Self.job, overrides: ["output.passthrough=[id, age]", "runtime.retry.attempts=5",
                                                   "quarantine.path=q.csv", "name=nightly"])
        #expect(spec.output.strings("passthrough") == ["id", "age"])
        #expect(spec.output.string("prediction") == "prediction", "defaults still fill the rest")
        #expect(spec.runtime.section("retry")?.int("attempts") == 5)
        #expect(spec.quarantine.string("path") == "q.csv")
        #expect(spec.name == "nightly")
        // An empty section (null) becomes a mapping when a key is set inside it.
        let empty = try load(Self.job + "output:\n", overrides: ["output.prediction=score"])
        #expect(empty.output.string("prediction") == "score")
    }

    @Test func laterOverridesWinAndEnvironmentApplies() throws {
        let spec = try load(Self.job, overrides: ["runtime.workers=2", "runtime.workers=${W}"], environment: ["W": "3"])
        #expect(spec.runtime["workers"] == .int(3))
        #expect(spec.runtime.isSecret("workers"))
    }

    @Test func malformedOverridesNameTheOverride() {
        #expect(errorLines(Self.job, overrides: ["runtime.batch_rows"])
            == ["--set runtime.batch_rows:1:1: malformed override '--set runtime.batch_rows': expected key.path=value"])
        #expect(errorLines(Self.job, overrides: ["validate[5].type=finite"])
            == ["--set validate[5].type:1:1: cannot apply '--set validate[5].type=finite': index 5 is out of range ('validate' has 2 items)"])
        #expect(errorLines(Self.job, overrides: ["reader.path.x=1"])
            == ["--set reader.path.x:1:1: cannot apply '--set reader.path.x=1': 'reader.path' is a single value, so it has no key 'x'"])
        #expect(errorLines(Self.job, overrides: ["reader[0]=1"])
            == ["--set reader[0]:1:1: cannot apply '--set reader[0]=1': 'reader' is not a list"])
        #expect(errorLines(Self.job, overrides: ["a..b=1"])
            == ["--set a..b:1:1: malformed override '--set a..b=1': 'a..b' is not a key path (like runtime.batch_rows or validate[1].max)"])
        let bad = errorLines(Self.job, overrides: ["output.passthrough=[id"])
        #expect(bad.count == 1, "\(bad)")
        #expect(bad.first?.hasPrefix("--set output.passthrough:1:23: in '--set output.passthrough=[id'") == true, "points past the end")
        #expect(bad.first?.contains("in '--set output.passthrough=[id': YAML syntax error") == true)
    }

    @Test func syntaxErrorMarksStayOnTheOverridesLine() {
        let lines = errorLines(Self.job, overrides: ["writer=["])
        #expect(lines.count == 1)
        let line = lines.first ?? ""
        #expect(line.hasPrefix("--set writer:1:9: in '--set writer=[': YAML syntax error: "), "\(line)")
        #expect(!line.contains("line 2"), "\(line)")
        #expect(line.hasSuffix("at line 1, column 9)"), "the context mark is past the end too: \(line)")
    }

    @Test func overrideErrorsComeAfterFileErrors() {
        let lines = errorLines(Self.job + "runtime: { workers: none }\n", overrides: ["nope"])
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("job.yaml:10:21: runtime.workers") == true)
        #expect(lines.last?.hasPrefix("--set nope:1:1: malformed override") == true)
    }

    @Test func pathParsing() {
        #expect(Override.parsePath("validate[1].max") == [.key("validate"), .index(1), .key("max")])
        #expect(Override.parsePath("validate.1.max") == [.key("validate"), .keyOrIndex("1", 1), .key("max")])
        #expect(Override.parsePath("m[0][2]") == [.key("m"), .index(0), .index(2)])
        #expect(Override.parsePath("a[x]") == nil)
        #expect(Override.parsePath("a[1") == nil)
        #expect(Override.parsePath("") == nil)
    }
}
