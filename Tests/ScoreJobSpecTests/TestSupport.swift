import ScoreCore
@testable import ScoreJobSpec

/// Thrown by the fake factories; checking a spec never calls them.
struct NeverBuilt: Error {}

/// A registry with only the fake plugins these tests need.
let testRegistry: PluginRegistry = {
    var r = PluginRegistry()
    try! r.register(PluginRegistry.Reader(spec: PluginSpec(
        kind: .reader, type: "csv", summary: "CSV files",
        fields: [
            ConfigField("path", .path, required: true, doc: "input file"),
            ConfigField("delimiter", .string, default: .string(","), doc: "field separator"),
            ConfigField("header", .bool, default: .bool(true), doc: "first line names the columns"),
            ConfigField("columns", .map(.columnType), doc: "column types"),
        ],
        example: "{ type: csv, path: data/customers.csv, columns: { age: int64 } }"),
        make: { _, _, _ in throw NeverBuilt() }))
    try! r.register(PluginRegistry.Validator(spec: PluginSpec(
        kind: .validator, type: "range", summary: "bounds",
        fields: [ConfigField("columns", .map(.list(.nullable(.float))), required: true, doc: "column → [min, max]")],
        example: "{ type: range, columns: { age: [18, 120], income: [0, ~] } }"),
        make: { _, _ in throw NeverBuilt() }))
    try! r.register(PluginRegistry.Validator(spec: PluginSpec(
        kind: .validator, type: "schema", summary: "required columns",
        fields: [ConfigField("required", .list(.string), doc: "columns that must exist")],
        example: "{ type: schema, required: [age] }"),
        make: { _, _ in throw NeverBuilt() }))
    try! r.register(PluginRegistry.Validator(spec: PluginSpec(
        kind: .validator, type: "finite", summary: "no NaN or ±inf", fields: [], example: "{ type: finite }"),
        make: { _, _ in throw NeverBuilt() }))
    try! r.register(PluginRegistry.Writer(spec: PluginSpec(
        kind: .writer, type: "csv", summary: "CSV output",
        fields: [
            ConfigField("path", .path, required: true, doc: "output file"),
            ConfigField("delimiter", .string, default: .string(","), doc: "field separator"),
        ],
        example: "{ type: csv, path: out/predictions.csv }"),
        make: { _, _, _ in throw NeverBuilt() }))
    try! r.register(PluginRegistry.ModelFormat(spec: PluginSpec(
        kind: .model, type: "native", summary: "BatchScore JSON", fields: [],
        example: "{ path: models/churn.json, format: native }"),
        sniff: { _ in false }, load: { _, _ in throw NeverBuilt() }))
    return r
}()

/// A valid job with only the required keys; tests add or replace lines.
let minimalJob = """
    version: 1
    reader:
      type: csv
      path: data.csv
    model: { path: m.json }
    writer: { type: csv, path: out.csv }

    """

func load(_ yaml: String, file: String = "job.yaml", overrides: [String] = [],
          environment: [String: String] = [:]) throws(JobSpecErrors) -> JobSpec {
    try JobSpecLoader.load(text: yaml, fileName: file, registry: testRegistry, overrides: overrides,
                           environment: environment)
}

/// The error lines a document gives (empty when it loads).
func errorLines(_ yaml: String, overrides: [String] = [], environment: [String: String] = [:]) -> [String] {
    do {
        _ = try load(yaml, overrides: overrides, environment: environment)
        return []
    } catch {
        return error.errors.map(\.description)
    }
}
