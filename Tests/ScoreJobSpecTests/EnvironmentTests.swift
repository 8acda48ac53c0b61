import ScoreCore
import Testing
@testable import ScoreJobSpec

@Suite struct EnvironmentTests {
    static let secret = "s3cr3t-Tok3n"

    @Test func setVariablesExpandAndAreSecret() throws {
        let yaml = minimalJob.replacingOccurrences(of: "path: data.csv", with: "path: ${DATA_DIR}/data.csv")
        let spec = try load(yaml, environment: ["DATA_DIR": Self.secret])
        #expect(spec.reader.string("path") == "\(Self.secret)/data.csv")
        #expect(spec.reader.isSecret("path"))
        #expect(!spec.reader.isSecret("type"))
        #expect(spec.reader.display("path") == "<redacted>")
        #expect(!spec.reader.description.contains(Self.secret))
        #expect(!spec.description.contains(Self.secret))
        #expect(!String(describing: spec).contains(Self.secret))
        #expect(spec.canonicalText.contains(Self.secret), "the hash must see the real value")
    }

    @Test func defaultsAndDollarEscapes() throws {
        let yaml = minimalJob + """
            name: "price $$5 ${WHO:-nobody}"
            runtime:
              batch_rows: "${N}"

            """
        #expect(errorLines(yaml, environment: ["N": "100"])
            == [#"job.yaml:9:15: runtime.batch_rows: expected auto | integer, got string <redacted> (from ${N})"#])
        let spec = try load(yaml.replacingOccurrences(of: "\"${N}\"", with: "${N}"), environment: ["N": "100"])
        #expect(spec.name == "price $5 nobody")
        #expect(spec.runtime["batch_rows"] == .int(100), "expansion happens before plain-scalar resolution")
        #expect(spec.runtime.isSecret("batch_rows"))
        let named = try load(yaml.replacingOccurrences(of: "\"${N}\"", with: "7"), environment: ["WHO": "ann"])
        #expect(named.name == "price $5 ann")
        #expect(!named.description.contains("ann"), "a name from ${WHO} is redacted too")
        #expect(spec.description.contains("<redacted>"))
    }

    @Test func unsetVariableIsAnErrorNamingIt() {
        let yaml = minimalJob.replacingOccurrences(of: "path: data.csv", with: "path: ${DATA_DIR}/data.csv")
        #expect(errorLines(yaml) == [
            "job.yaml:4:9: reader.path: environment variable 'DATA_DIR' is not set (set it, or give a default: ${DATA_DIR:-value})",
        ])
        #expect(errorLines(minimalJob + "name: ${oops\n")
            == ["job.yaml:7:7: name: unterminated '${' in value (write '$$' for a literal '$')"])
        #expect(errorLines(minimalJob + "name: ${1X}\n").first?.contains("invalid variable reference '${1X}'") == true)
    }

    @Test func secretsNeverAppearInMessages() {
        let env = ["S": Self.secret, "V": "2"]
        let yaml = """
            version: ${V}
            reader: { type: "${S}", path: data.csv }
            model: { path: m.json, format: "${S}" }
            writer: { type: csv, path: out.csv }
            runtime:
              batch_rows: ${S}
              retry:
                backoff: "${S}"
                base_secs: ${S}
              max_rejected: ${S}%

            """
        let lines = errorLines(yaml, environment: env)
        #expect(lines.count == 7)
        #expect(lines.allSatisfy { !$0.contains(Self.secret) }, "\(lines)")
        #expect(lines.first == "job.yaml:1:10: version: unsupported version <redacted> (this batchscore reads version 1)")
        #expect(lines.contains("job.yaml:2:17: reader.type: unknown reader type <redacted> (registered readers: csv)"))
        #expect(lines.contains("job.yaml:9:16: runtime.retry.base_secs: expected number, got string <redacted> (from ${S})"))
        #expect(lines.contains("job.yaml:6:15: runtime.batch_rows: expected auto | integer, got string <redacted> (from ${S})"))
    }

    @Test func secretsInsideListsMarkTheWholeEntry() throws {
        let spec = try load(minimalJob + "output: { passthrough: [id, \"${COL}\"] }\n", environment: ["COL": Self.secret])
        #expect(spec.output.strings("passthrough") == ["id", Self.secret])
        #expect(spec.output.isSecret("passthrough"))
        #expect(!spec.output.description.contains(Self.secret))
        #expect(!spec.output.isSecret("prediction"))
    }

    @Test func keysAreNotExpanded() {
        #expect(errorLines(minimalJob + "output:\n  ${K}: x\n", environment: ["K": "prediction"])
            == ["job.yaml:8:3: output.${K}: unknown key (valid keys: passthrough, prediction, confidence, probabilities)"])
    }

    @Test func secretValuesHoldEachVariablesValueForDerivedStrings() throws {
        let yaml = minimalJob.replacingOccurrences(of: "path: out.csv", with: #"path: "${DIR}/out.csv""#)
        let spec = try load(yaml, environment: ["DIR": "/secret/dir"])
        #expect(spec.writer.string("path") == "/secret/dir/out.csv")
        #expect(spec.secretValues.contains("/secret/dir/out.csv"))
        // The runtime derives `/secret/dir/out.rejected.csv`; only the variable's own value scrubs that.
        #expect(spec.secretValues.contains("/secret/dir"))
    }

    @Test func secretValuesIncludeVariablesThatNeverReachAValue() throws {
        let env = ["COL": "col-secret", "W": "w-secret", "FIRST": "first-secret", "MERGED": "merged-secret",
                   "UNUSED": "unused-secret", "EMPTY": ""]
        let yaml = minimalJob.replacingOccurrences(of: "{ type: csv, path: out.csv }",
                                                   with: #"{ <<: { type: csv, path: "${MERGED}" }, path: out.csv }"#) + """
            name: "${EMPTY}"
            runtime: { workers: "${W}" }
            validate:
              - { type: range, columns: { "${COL}": [0, 1] } }

            """
        let spec = try load(yaml, overrides: ["runtime.workers=2", "output.prediction=${FIRST}", "output.prediction=score"],
                            environment: env)
        #expect(spec.runtime["workers"] == .int(2))
        #expect(spec.output.string("prediction") == "score")
        #expect(spec.writer.string("path") == "out.csv")
        #expect(spec.validators[0].map("columns")?.first?.key == "${COL}", "map keys stay literal")
        let secrets = spec.secretValues
        #expect(secrets.contains("col-secret"), "a key's variable")
        #expect(secrets.contains("w-secret"), "a file value an override replaced")
        #expect(secrets.contains("first-secret"), "an override a later one replaced")
        #expect(secrets.contains("merged-secret"), "a merged value an explicit key replaced")
        #expect(!secrets.contains("unused-secret"), "only variables the job refers to")
        #expect(!spec.environmentValues.contains(""), "an empty value scrubs nothing")
    }

    @Test func defaultsAreNotEnvironmentValues() throws {
        let yaml = minimalJob.replacingOccurrences(of: "{ path: m.json }", with: #"{ path: m.json, format: "${FMT:-auto}" }"#)
        #expect(try load(yaml).environmentValues.isEmpty, "a default is the job file's own text")
        #expect(try load(yaml, environment: ["FMT": "native"]).environmentValues == ["native"])
    }

    @Test func expansionUnit() {
        #expect(EnvironmentExpansion.expand("plain", environment: [:]) == .unchanged)
        #expect(EnvironmentExpansion.expand("a$b$", environment: [:]) == .unchanged)
        #expect(EnvironmentExpansion.expand("$$HOME", environment: ["HOME": "/h"]) == .expanded("$HOME", usedVariable: false))
        #expect(EnvironmentExpansion.expand("${A}${B:-b}", environment: ["A": "a"]) == .expanded("ab", usedVariable: true))
        #expect(EnvironmentExpansion.expand("${A:-}", environment: [:]) == .expanded("", usedVariable: true))
    }
}
