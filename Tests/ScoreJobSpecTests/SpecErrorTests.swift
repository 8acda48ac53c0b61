import ScoreCore
import Testing
@testable import ScoreJobSpec

@Suite struct SpecErrorTests {
    @Test func unknownKeySuggestsTheNearMiss() {
        let yaml = """
            version: 1
            reader:
              type: csv
              path: data.csv
              delimeter: ";"
            model: { path: m.json }
            writer: { type: csv, path: out.csv }
            """
        #expect(errorLines(yaml) == ["job.yaml:5:3: reader.delimeter: unknown key (did you mean 'delimiter'?)"])
    }

    @Test func unknownKeyWithoutNearMissListsTheValidKeys() {
        #expect(errorLines(minimalJob + "quarantine: { colour: red }\n")
            == ["job.yaml:7:15: quarantine.colour: unknown key (valid keys: path)"])
        #expect(errorLines(minimalJob + "runtme: {}\n")
            == ["job.yaml:7:1: runtme: unknown key (did you mean 'runtime'?)"])
    }

    @Test func wrongTypes() {
        #expect(errorLines(minimalJob + "runtime:\n  batch_rows: abc\n")
            == [#"job.yaml:8:15: runtime.batch_rows: expected auto | integer, got string "abc""#])
        #expect(errorLines(minimalJob + "runtime: { batch_rows: 1.5 }\n")
            == ["job.yaml:7:24: runtime.batch_rows: expected auto | integer, got number 1.5"])
        #expect(errorLines(minimalJob + "runtime: { batch_rows: \"100\" }\n")
            == [#"job.yaml:7:24: runtime.batch_rows: expected auto | integer, got string "100""#])
        #expect(errorLines(minimalJob + "runtime: { retry: { jitter: 1 } }\n")
            == ["job.yaml:7:29: runtime.retry.jitter: expected boolean, got integer 1"])
        #expect(errorLines(minimalJob + "output: [id]\n")
            == ["job.yaml:7:9: output: expected mapping, got list"])
        #expect(errorLines(minimalJob + "output: { passthrough: id }\n")
            == [#"job.yaml:7:24: output.passthrough: expected list of string or null, got string "id""#])
        #expect(errorLines(minimalJob + "validate: { type: finite }\n")
            == ["job.yaml:7:11: validate: expected a list of validators, each with 'type:', got mapping (write each entry on its own line starting with '- ')"])
    }

    @Test func boundsChoicesAndPercents() {
        #expect(errorLines(minimalJob + "runtime: { batch_rows: 0 }\n")
            == ["job.yaml:7:24: runtime.batch_rows: must be at least 1 (got 0)"])
        #expect(errorLines(minimalJob + "runtime: { batch_rows: 2000000 }\n")
            == ["job.yaml:7:24: runtime.batch_rows: must be at most 1000000 (got 2000000)"])
        #expect(errorLines(minimalJob + "runtime: { workers: 0 }\n")
            == ["job.yaml:7:21: runtime.workers: must be at least 1 (got 0)"])
        #expect(errorLines(minimalJob + "runtime: { workers: autoo }\n")
            == [#"job.yaml:7:21: runtime.workers: expected auto | integer, got string "autoo" (did you mean 'auto'?)"#])
        #expect(errorLines(minimalJob + "runtime: { workers: [1] }\n")
            == ["job.yaml:7:21: runtime.workers: expected auto | integer, got list"])
        #expect(errorLines(minimalJob + "runtime: { retry: { backoff: expo } }\n")
            == [#"job.yaml:7:30: runtime.retry.backoff: expected exponential | constant, got string "expo""#])
        #expect(errorLines(minimalJob + "runtime: { retry: { backoff: exponentail } }\n")
            == [#"job.yaml:7:30: runtime.retry.backoff: expected exponential | constant, got string "exponentail" (did you mean 'exponential'?)"#])
        #expect(errorLines(minimalJob + "runtime: { max_rejected: 150% }\n")
            == ["job.yaml:7:26: runtime.max_rejected: a percent must be between 0% and 100% (got 150%)"])
        #expect(errorLines(minimalJob + "runtime: { max_rejected: lots }\n")
            == [#"job.yaml:7:26: runtime.max_rejected: expected count or percent (e.g. 100 or 1%) or null, got string "lots""#])
        #expect(errorLines(minimalJob + "runtime: { retry: { base_secs: -1 } }\n")
            == ["job.yaml:7:32: runtime.retry.base_secs: must be at least 0 (got -1)"])
    }

    @Test func floatsMustBeFinite() throws {
        for literal in [".inf", "-.inf", "1e400", ".nan"] {
            #expect(errorLines(minimalJob + "runtime: { retry: { base_secs: \(literal) } }\n")
                == ["job.yaml:7:32: runtime.retry.base_secs: must be a finite number (got \(literal))"])
        }
        let ranged = minimalJob + "validate:\n  - { type: range, columns: { age: [.nan, 1], income: [0, 1e999] } }\n"
        #expect(errorLines(ranged) == [
            "job.yaml:8:37: validate[0].columns.age[0]: must be a finite number (got .nan)",
            "job.yaml:8:59: validate[0].columns.income[1]: must be a finite number (got 1e999)",
        ])
        let secret = errorLines(minimalJob + "runtime:\n  retry:\n    max_secs: ${T}\n", environment: ["T": ".inf"])
        #expect(secret == ["job.yaml:9:15: runtime.retry.max_secs: must be a finite number"], "a secret is not shown")
        // Null is still a valid bound, and a finite float still passes.
        let spec = try load(minimalJob + "validate:\n  - { type: range, columns: { age: [~, 1.5e3] } }\n")
        #expect(spec.validators[0].map("columns")?.first?.value == .list([.null, .float(1500)]))
    }

    @Test func nestedValueTypesReportTheExactElement() {
        let yaml = minimalJob + """
            validate:
              - type: range
                columns: { age: [18, old] }
            reader2: x
            """
        #expect(errorLines(yaml) == [
            #"job.yaml:9:26: validate[0].columns.age[1]: expected number or null, got string "old""#,
            "job.yaml:10:1: reader2: unknown key (did you mean 'reader'?)",
        ])
        #expect(errorLines(minimalJob.replacingOccurrences(of: "path: data.csv", with: "path: data.csv\n  columns: { age: int46 }"))
            == [#"job.yaml:5:19: reader.columns.age: expected float64 | int64 | string | bool, got string "int46" (did you mean 'int64'?)"#])
    }

    @Test func missingRequiredKeys() {
        let noPath = minimalJob.replacingOccurrences(of: "  path: data.csv\n", with: "  delimiter: \";\"\n")
        #expect(errorLines(noPath) == ["job.yaml:3:3: reader: missing required key 'path'"])
        #expect(errorLines("version: 1\nmodel: {}\n") == [
            "job.yaml:1:1: missing required key 'reader'",
            "job.yaml:1:1: missing required key 'writer'",
            "job.yaml:2:8: model: missing required key 'path'",
        ])
        let noType = minimalJob.replacingOccurrences(of: "{ type: csv, path: out.csv }", with: "{ path: out.csv }")
        #expect(errorLines(noType) == ["job.yaml:6:9: writer: missing required key 'type' (registered writers: csv)"])
        #expect(errorLines(minimalJob.replacingOccurrences(of: "version: 1\n", with: ""))
            == ["job.yaml:1:1: missing required key 'version' (add 'version: 1')"])
    }

    @Test func unknownPluginTypes() {
        let yaml = minimalJob + """
            validate:
              - { type: finite }
              - { type: rnge, columns: { age: [0, 1] } }
              - { type: zzz }
            """
        #expect(errorLines(yaml) == [
            "job.yaml:9:13: validate[1].type: unknown validator type 'rnge' (did you mean 'range'?)",
            "job.yaml:10:13: validate[2].type: unknown validator type 'zzz' (registered validators: finite, range, schema)",
        ])
    }

    @Test func versionMustBeOne() {
        #expect(errorLines(minimalJob.replacingOccurrences(of: "version: 1", with: "version: 2"))
            == ["job.yaml:1:10: version: unsupported version 2 (this batchscore reads version 1)"])
        #expect(errorLines(minimalJob.replacingOccurrences(of: "version: 1", with: "version: one"))
            == [#"job.yaml:1:10: version: expected integer, got string "one""#])
    }

    @Test func syntaxErrorsCarryLibyamlsProblemAndMark() {
        let lines = errorLines("version: 1\nreader: [csv, data.csv\nmodel: {}\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("job.yaml:3:6: YAML syntax error: did not find expected ',' or ']'") == true)
        #expect(lines.first?.contains("while parsing a flow sequence at line 2, column 9") == true)

        #expect(errorLines("version: 1\n  reader: x\n")
            == ["job.yaml:2:9: YAML syntax error: mapping values are not allowed in this context"])
        #expect(errorLines("version: 1\nreader: *nope\n").first?.contains("found undefined alias") == true)
    }

    @Test func tabIndentationGetsAHint() {
        let tabbed = errorLines("version: 1\nreader:\n\ttype: csv\n")
        #expect(tabbed.count == 1)
        #expect(tabbed.first?.hasPrefix("job.yaml:3:1: YAML syntax error: ") == true, "\(tabbed)")
        #expect(tabbed.first?.contains("YAML does not allow tabs for indentation; use spaces") == true, "\(tabbed)")
        let inScalar = errorLines(minimalJob.replacingOccurrences(of: "  path: data.csv\n", with: "  path: data.csv\n\tdelimiter: x\n"))
        #expect(inScalar.first?.contains("YAML does not allow tabs for indentation; use spaces") == true, "\(inScalar)")
        // Other syntax errors get no such hint.
        #expect(errorLines("version: 1\nreader: [csv, data.csv\nmodel: {}\n").first?.contains("tabs") == false)
    }

    @Test func duplicateKeyIsReportedAtTheSecondOccurrence() {
        let yaml = minimalJob.replacingOccurrences(of: "  path: data.csv\n", with: "  path: data.csv\n  path: other.csv\n")
        #expect(errorLines(yaml) == ["job.yaml:5:3: reader.path: duplicate key (first given at line 4, column 3)"])
        #expect(errorLines(minimalJob + "version: 1\n")
            == ["job.yaml:7:1: version: duplicate key (first given at line 1, column 1)"])
    }

    @Test func documentLevelProblems() {
        #expect(errorLines("") == ["job.yaml:1:1: the job file is empty (a job needs at least version, reader, model and writer)"])
        #expect(errorLines("# nothing yet\n\n") == errorLines(""))
        #expect(errorLines("- version: 1\n") == ["job.yaml:1:1: expected a mapping of job keys (version, reader, model, writer, ...), got list"])
        #expect(errorLines(minimalJob + "---\nversion: 1\n")
            == ["job.yaml:8:1: a job file holds one YAML document; found a second one (remove the '---' separator or split the file)"])
    }

    @Test func allErrorsAreCollectedAndSortedByLocation() {
        let yaml = """
            writer: { type: csv, path: out.csv, colour: red }
            runtime: { batch_rows: abc }
            version: 3
            reader: { type: tsv }
            model: { path: m.json, format: onnx }
            """
        #expect(errorLines(yaml) == [
            "job.yaml:1:37: writer.colour: unknown key (valid keys: type, path, delimiter)",
            #"job.yaml:2:24: runtime.batch_rows: expected auto | integer, got string "abc""#,
            "job.yaml:3:10: version: unsupported version 3 (this batchscore reads version 1)",
            "job.yaml:4:17: reader.type: unknown reader type 'tsv' (did you mean 'csv'?)",
            #"job.yaml:5:32: model.format: expected auto | native, got string "onnx""#,
        ])
    }

    @Test func errorsHaveTheInvalidSpecCategory() {
        do {
            _ = try load("version: 2\n")
            Issue.record("expected errors")
        } catch {
            #expect(error.category == .invalidSpec)
            #expect(error.errors.allSatisfy { $0.location?.file == "job.yaml" })
        }
    }
}
