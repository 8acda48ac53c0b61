import Foundation
import ScoreCore
import Testing
@testable import ScoreJobSpec

@Suite struct ValidJobTests {
    static let sketch = """
        version: 1
        name: churn-nightly
        reader:   { type: csv, path: data/customers.csv }          # csv | jsonl | parquet | stdin
        validate:
          - { type: schema, required: [age, income, credit_score, num_transactions] }
          - { type: finite }                                        # NaN / ±inf
          - { type: range, columns: { age: [18, 120], credit_score: [300, 850] } }
        model:    { path: models/churn.json }
        output:   { passthrough: [id], prediction: prediction, confidence: confidence, probabilities: false }
        writer:   { type: csv, path: out/predictions.csv }
        quarantine: { path: out/rejected.csv }
        runtime:
          batch_rows: 8192
          workers: auto
          retry: { attempts: 3, backoff: exponential, base_secs: 0.5, max_secs: 30, jitter: true }
          max_rejected: 1%                                          # error budget: fail the job beyond it

        """

    @Test func designSketchDecodesWithDefaults() throws {
        let spec = try load(Self.sketch, file: "jobs/churn.yaml")
        #expect(spec.file == "jobs/churn.yaml")
        #expect(spec.baseDirectory == "jobs")
        #expect(spec.version == 1)
        #expect(spec.name == "churn-nightly")

        #expect(spec.reader.keyPath == "reader")
        #expect(spec.reader.order == ["type", "path", "delimiter", "header"])
        #expect(spec.reader.string("type") == "csv")
        #expect(spec.reader.string("path") == "data/customers.csv")
        #expect(spec.reader.location(of: "path") == SourceLocation(file: "jobs/churn.yaml", line: 3, column: 30))
        #expect(spec.reader.string("delimiter") == ",")
        #expect(spec.reader.entries["delimiter"]?.location == nil)
        #expect(spec.reader.bool("header") == true)
        #expect(spec.reader.entries["columns"] == nil)

        #expect(spec.validators.map(\.keyPath) == ["validate[0]", "validate[1]", "validate[2]"])
        #expect(spec.validators.map { $0.string("type") } == ["schema", "finite", "range"])
        #expect(spec.validators[0].strings("required") == ["age", "income", "credit_score", "num_transactions"])
        let columns = try #require(spec.validators[2].map("columns"))
        #expect(columns.map(\.key) == ["age", "credit_score"])
        #expect(columns[0].value == .list([.float(18), .float(120)]))
        #expect(spec.features.isEmpty)

        #expect(spec.model.string("path") == "models/churn.json")
        #expect(spec.model.string("format") == "auto")
        #expect(spec.output.strings("passthrough") == ["id"])
        #expect(spec.output["confidence"] == .string("confidence"))
        #expect(spec.output["probabilities"] == .bool(false))
        #expect(spec.writer.string("path") == "out/predictions.csv")
        #expect(spec.quarantine.string("path") == "out/rejected.csv")

        #expect(spec.runtime.int("batch_rows") == 8192)
        #expect(spec.runtime.string("workers") == "auto")
        #expect(spec.runtime["max_rejected"] == .percent(1))
        let retry = try #require(spec.runtime.section("retry"))
        #expect(retry.keyPath == "runtime.retry")
        #expect(retry.int("attempts") == 3)
        #expect(retry["max_secs"] == .float(30))
        #expect(retry.bool("jitter") == true)
    }

    @Test func minimalJobFillsEveryDefault() throws {
        let spec = try load(minimalJob)
        #expect(spec.baseDirectory == ".")
        #expect(spec.name == nil)
        #expect(spec.validators.isEmpty)
        #expect(spec.output.order == ["prediction", "confidence", "probabilities"])
        #expect(spec.output.string("prediction") == "prediction")
        #expect(spec.output["confidence"] == .string("confidence"))
        #expect(spec.output["probabilities"] == .bool(false))
        #expect(spec.quarantine.entries.isEmpty)
        #expect(spec.runtime.string("batch_rows") == "auto")
        #expect(spec.runtime.entries["batch_rows"]?.location == nil)
        #expect(spec.runtime.string("workers") == "auto")
        #expect(spec.runtime.entries["max_rejected"]?.value == .null)
        let retry = try #require(spec.runtime.section("retry"))
        #expect(retry.order == ["attempts", "backoff", "base_secs", "max_secs", "jitter"])
        #expect(retry.string("backoff") == "exponential")
        #expect(retry.double("base_secs") == 0.5)
    }

    @Test func valuesOfEveryShape() throws {
        let spec = try load(minimalJob + """
            name: 2024
            output: { passthrough: ~, confidence: false, probabilities: p_ }
            runtime:
              workers: 4
              max_rejected: 250
              retry: { base_secs: 2, backoff: constant }

            """)
        #expect(spec.name == "2024")
        #expect(spec.output.entries["passthrough"]?.value == .null)
        #expect(spec.output["confidence"] == .bool(false))
        #expect(spec.output["probabilities"] == .string("p_"))
        #expect(spec.runtime["workers"] == .int(4))
        #expect(spec.runtime["max_rejected"] == .count(250))
        #expect(spec.runtime.section("retry")?["base_secs"] == .float(2))
        #expect(spec.runtime.section("retry")?.string("backoff") == "constant")
        #expect(spec.runtime.section("retry")?.int("attempts") == 3)
    }

    @Test func canonicalTextIgnoresKeyOrderButNotMeaning() throws {
        let a = try load(minimalJob + "runtime: { batch_rows: 100, workers: 2 }\n")
        let b = try load("""
            runtime: { workers: 2, batch_rows: 100 }
            writer: { path: out.csv, type: csv }
            model: { path: m.json, format: auto }
            reader: { path: data.csv, type: csv, delimiter: "," }
            version: 1

            """, file: "elsewhere/job.yaml")
        let c = try load(minimalJob + "runtime: { batch_rows: 101, workers: 2 }\n")
        #expect(a.canonicalText == b.canonicalText)
        #expect(a.canonicalText != c.canonicalText)
        #expect(a.canonicalText.contains("\"batch_rows\" = int(100)"))
    }

    @Test func loadsFromAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobspec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("job.yaml").path
        try minimalJob.write(toFile: path, atomically: true, encoding: .utf8)
        let spec = try JobSpecLoader.load(path: path, registry: testRegistry, environment: [:])
        #expect(spec.file == path)
        #expect(spec.baseDirectory == dir.path)
        #expect(spec.reader.location(of: "path")?.file == path)

        #expect(throws: JobSpecErrors.self) {
            try JobSpecLoader.load(path: dir.appendingPathComponent("missing.yaml").path, registry: testRegistry)
        }
    }

    @Test func everyPluginExampleParses() throws {
        for kind in PluginKind.allCases {
            for spec in testRegistry.specs(kind) {
                let section = try JobSpecLoader.checkPluginExample(spec, registry: testRegistry)
                #expect(!section.entries.isEmpty || spec.fields.isEmpty, "\(spec.type)")
            }
        }
        var broken = try #require(testRegistry.spec(.reader, "csv"))
        broken.example = "{ type: csv, pth: x.csv }"
        #expect(throws: JobSpecErrors.self) { try JobSpecLoader.checkPluginExample(broken, registry: testRegistry) }
    }
}
