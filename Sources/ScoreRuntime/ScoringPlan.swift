import Foundation
import ScoreCore
import ScoreJobSpec

/// A checked, ready-to-run job: the model loaded, the input open (header read), the validators
/// built and checked against the input's columns. Building it scores nothing.
public final class ScoringPlan {
    public let spec: JobSpec
    public let registry: PluginRegistry
    public let context: PluginContext
    public let model: any ScoringModel
    public let modelPath: String
    public let modelBytes: [UInt8]
    public let validators: [any RowValidator]
    public let features: [any FeatureStep]
    public let reader: any BatchReader
    public let output: OutputProjection
    public let quarantinePath: String
    public let budget: ErrorBudget
    /// A var so tests can inject a clock for the backoff.
    public var retry: RetryPolicy
    public let batchRows: Int

    init(spec: JobSpec, registry: PluginRegistry, context: PluginContext, model: any ScoringModel, modelPath: String,
         modelBytes: [UInt8], validators: [any RowValidator], features: [any FeatureStep], reader: any BatchReader,
         output: OutputProjection, quarantinePath: String, budget: ErrorBudget, retry: RetryPolicy, batchRows: Int) {
        self.spec = spec
        self.registry = registry
        self.context = context
        self.model = model
        self.modelPath = modelPath
        self.modelBytes = modelBytes
        self.validators = validators
        self.features = features
        self.reader = reader
        self.output = output
        self.quarantinePath = quarantinePath
        self.budget = budget
        self.retry = retry
        self.batchRows = batchRows
    }

    /// Builds the plan: loads the model, opens the input, checks every column reference.
    public static func build(spec: JobSpec, registry: PluginRegistry) throws -> ScoringPlan {
        let context = PluginContext(jobFile: spec.file, baseDirectory: spec.baseDirectory)

        let (model, modelPath, modelBytes) = try loadModel(spec.model, registry: registry, context: context)

        let validators: [any RowValidator] = try spec.validators.map { config in
            try registry.validators[config.string("type") ?? ""]!.make(config, context)
        }
        let features: [any FeatureStep] = try spec.features.map { config in
            try registry.features[config.string("type") ?? ""]!.make(config, context)
        }
        let produced = Set(features.flatMap { $0.outputs.names })
        var numeric = Set(model.features).union(validators.flatMap(\.numericColumns))
            .union(features.flatMap(\.numericColumns))
        numeric.subtract(produced)

        let readerType = spec.reader.string("type") ?? ""
        let reader = try registry.readers[readerType]!.make(spec.reader, context, ReaderRequirements(numericColumns: numeric))
        let schema = reader.schema

        for v in validators { try v.check(schema: schema) }
        var available = schema
        for f in features { available.fields += f.outputs.fields.filter { available.index(of: $0.name) == nil } }
        for name in model.features {
            guard let field = available.field(name) else {
                throw JobSpecError(at: spec.model.location(of: "path"), spec.model.keyPath(of: "path"),
                                   "the model needs column '\(name)', which the input does not have",
                                   hint: NearMiss.hint(for: name, among: available.names)
                                       ?? "the input has: \(available.names.joined(separator: ", "))")
            }
            if !field.type.isNumeric && field.type != .bool {
                throw JobSpecError(at: spec.reader.location(of: "columns"), spec.reader.keyPath(of: "columns"),
                                   "the model needs column '\(name)' as a number, but it is declared \(field.type)")
            }
        }
        let output = try OutputProjection(config: spec.output, inputSchema: available, task: model.task)

        return ScoringPlan(
            spec: spec, registry: registry, context: context, model: model, modelPath: modelPath,
            modelBytes: modelBytes, validators: validators, features: features, reader: reader, output: output,
            quarantinePath: quarantinePath(spec: spec, context: context),
            budget: ErrorBudget(config: spec.runtime["max_rejected"]),
            retry: RetryPolicy(config: spec.runtime.section("retry")),
            batchRows: spec.runtime.int("batch_rows") ?? 8192)
    }

    /// The quarantine's path: `quarantine.path`, or beside the output as `NAME.rejected.csv`.
    static func quarantinePath(spec: JobSpec, context: PluginContext) -> String {
        if let path = spec.quarantine.string("path") { return context.resolve(path) }
        let out = spec.writer.string("path") ?? "output.csv"
        let url = URL(fileURLWithPath: out)
        let stem = url.deletingPathExtension().lastPathComponent
        let dir = (out as NSString).deletingLastPathComponent
        return context.resolve(dir.isEmpty ? "\(stem).rejected.csv" : "\(dir)/\(stem).rejected.csv")
    }

    static func loadModel(_ config: ConfigSection, registry: PluginRegistry,
                          context: PluginContext) throws -> (any ScoringModel, String, [UInt8]) {
        guard let written = config.string("path") else {
            throw JobSpecError(at: config.location, config.keyPath, "missing required key 'path'")
        }
        let path = context.resolve(written)
        guard FileManager.default.fileExists(atPath: path) else {
            throw JobSpecError(at: config.location(of: "path"), config.keyPath(of: "path"),
                               "model file not found: \(config.isSecret("path") ? "<redacted>" : path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "cannot read the model file (permissions?)")
        }
        let bytes = [UInt8](data)
        let formatName = config.string("format") ?? "auto"
        let format: PluginRegistry.ModelFormat
        if formatName == "auto" {
            guard let sniffed = registry.modelFormats.values.sorted(by: { $0.spec.type < $1.spec.type })
                .first(where: { $0.sniff(bytes) }) else {
                let known = registry.modelFormats.keys.sorted().joined(separator: ", ")
                throw JobSpecError(at: config.location(of: "path"), config.keyPath(of: "path"),
                                   "cannot tell the model file's format (known formats: \(known))",
                                   hint: "set model.format, or export the model with tools/export_sklearn.py")
            }
            format = sniffed
        } else {
            format = registry.modelFormats[formatName]!
        }
        return (try format.load(bytes, path), path, bytes)
    }
}
