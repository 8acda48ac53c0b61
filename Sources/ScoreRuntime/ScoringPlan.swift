import Foundation
import ScoreCore
import ScoreIO
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
    /// Where the job reads and writes: the one owner of the reader's, writer's and quarantine's paths.
    public let endpoints: JobEndpoints
    /// The quarantine file.
    public var quarantinePath: String { endpoints.quarantine }
    public let budget: ErrorBudget
    /// A var so tests can inject a clock for the backoff.
    public var retry: RetryPolicy
    /// Rows per batch; nil for `auto` (adaptive).
    public let batchRows: Int?
    /// Worker threads asked for (`runtime.workers`, `auto` = the budget's cores); a run gets what
    /// the budget has free, at least one.
    public let workers: Int
    /// The cores this job shares with the other jobs of its process.
    public let cores: CPUBudget
    /// Seconds between checkpoints (0: after every batch).
    public let checkpointSeconds: Double

    init(spec: JobSpec, registry: PluginRegistry, context: PluginContext, model: any ScoringModel, modelPath: String,
         modelBytes: [UInt8], validators: [any RowValidator], features: [any FeatureStep], reader: any BatchReader,
         output: OutputProjection, endpoints: JobEndpoints, budget: ErrorBudget, retry: RetryPolicy, batchRows: Int?,
         workers: Int, cores: CPUBudget, checkpointSeconds: Double) {
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
        self.endpoints = endpoints
        self.budget = budget
        self.retry = retry
        self.batchRows = batchRows
        self.workers = workers
        self.cores = cores
        self.checkpointSeconds = checkpointSeconds
    }

    /// Builds the plan: loads the model, opens the input, checks every column reference and that
    /// no output would overwrite the input or another output. `cores` is the budget the job shares
    /// with the other jobs of the process (by default, this machine's cores for it alone); `wiring`
    /// connects the job's ends as written or to stdin / stdout (`pipe`). The plan's `spec` is the
    /// job as wired.
    public static func build(spec written: JobSpec, registry: PluginRegistry, cores: CPUBudget = CPUBudget(),
                             wiring: JobEndpoints.Wiring = .asWritten) throws -> ScoringPlan {
        var context = PluginContext(jobFile: written.file, baseDirectory: written.baseDirectory,
                                    seed: UInt64(written.runtime[JobSections.RuntimeFields.seed]))
        context.cores = cores
        var spec = written
        let endpoints = try JobEndpoints.resolve(&spec, context: context, wiring: wiring)

        let (loaded, modelPath, modelBytes) = try loadModel(spec.model, registry: registry, context: context)
        let model = loaded.sharingCores(cores)

        let validators: [any RowValidator] = try spec.validators.map { config in
            try plugin(registry.validators, config).make(config, context)
        }
        let features: [any FeatureStep] = try spec.features.map { config in
            try plugin(registry.features, config).make(config, context)
        }
        let produced = Set(features.flatMap { $0.outputs.names })
        var numeric = Set(model.inputs.filter { $0.type.isNumeric }.map(\.name)).union(validators.flatMap(\.numericColumns))
            .union(features.flatMap(\.numericColumns))
        numeric.subtract(produced)
        var pinned: [String: ColumnType] = [:]
        for input in model.inputs where !input.type.isNumeric && !produced.contains(input.name) { pinned[input.name] = input.type }
        for v in validators { pinned.merge(v.requiredTypes) { _, last in last } }
        for f in features { pinned.merge(f.requiredTypes.filter { !produced.contains($0.key) }) { _, last in last } }

        let reader = try plugin(registry.readers, spec.reader)
            .make(spec.reader, context, ReaderRequirements(numericColumns: numeric, columnTypes: pinned))
        let schema = reader.schema
        if schema.fields.isEmpty {
            throw InputError(.empty, file: reader.sourceName, line: 1, "the input is empty: \(reader.noColumnsExplanation)")
        }

        for v in validators { try v.check(schema: schema) }
        var available = schema
        for f in features { available.fields += f.outputs.fields.filter { available.index(of: $0.name) == nil } }
        for input in model.inputs {
            let name = input.name
            guard let field = available.field(name) else {
                throw JobSpecError(at: spec.model.location(of: "path"), spec.model.keyPath(of: "path"),
                                   "the model needs column '\(name)', which \(reader.sourceName) does not have",
                                   hint: NearMiss.hint(for: name, among: available.names)
                                       ?? "its header has: \(NearMiss.list(available.names))")
            }
            let fits = input.type.isNumeric ? (field.type.isNumeric || field.type == .bool) : field.type == input.type
            if !fits {
                throw JobSpecError(at: spec.reader.location(of: "columns"), spec.reader.keyPath(of: "columns"),
                                   "the model needs column '\(name)' as \(input.type.isNumeric ? "a number" : input.type.rawValue), but it is \(field.type)")
            }
        }
        let output = try OutputProjection(config: spec.output, inputSchema: available, task: model.task)
        _ = try plugin(registry.writers, spec.writer)

        return ScoringPlan(
            spec: spec, registry: registry, context: context, model: model, modelPath: modelPath,
            modelBytes: modelBytes, validators: validators, features: features, reader: reader, output: output,
            endpoints: endpoints,
            budget: ErrorBudget(config: spec.runtime["max_rejected"]),
            retry: RetryPolicy(config: spec.runtime.section("retry")),
            batchRows: spec.runtime.int("batch_rows") ?? autoBatchRows(validators: validators, features: features),
            workers: spec.runtime.int("workers") ?? cores.cores, cores: cores,
            checkpointSeconds: spec.runtime[JobSections.RuntimeFields.checkpointSeconds])
    }

    /// `batch_rows: auto`: adaptive (nil), unless a step sees whole batches (a columnar Lua hook):
    /// then a fixed 8192, so every run and every resume cuts the input at the same rows and such a
    /// step's output stays reproducible.
    static func autoBatchRows(validators: [any RowValidator], features: [any FeatureStep]) -> Int? {
        validators.contains(where: \.seesWholeBatches) || features.contains(where: \.seesWholeBatches) ? 8192 : nil
    }

    /// The registry entry a checked section names. A spec checked against another registry is a
    /// programming error, reported rather than trapped on.
    static func plugin<P>(_ entries: [String: P], _ config: ConfigSection) throws -> P {
        let type = config.string("type") ?? ""
        guard let entry = entries[type] else {
            throw JobSpecError(at: config.location(of: "type"), config.keyPath(of: "type"),
                               "'\(type)' is not registered in this build",
                               hint: "registered: \(entries.keys.sorted().joined(separator: ", "))")
        }
        return entry
    }

    /// What an extra file the caller writes (`--summary-json`) would overwrite, or nil when it
    /// names none of the job's own files: its inputs, job file, model, outputs and their hidden
    /// companions (temporary files, checkpoint, locks).
    public func clash(ofExtraOutput path: String) -> String? {
        let target = JobEndpoints.canonicalPath(path)
        var owned: [(String, String)] = reader.inputPaths.map { ($0, "the job's input") }
        owned.append((spec.file, "the job file"))
        owned.append((modelPath, "the model file (model.path)"))
        var outputs = [(quarantinePath, "the quarantine")]
        if let output = endpoints.output.path { outputs.insert((output, "the job's output (writer.path)"), at: 0) }
        for (output, what) in outputs {
            owned.append((output, what))
            for kind in ["tmp", "checkpoint", "lock"] {
                owned.append((AtomicOutputFile.companionPath(for: output, kind: kind), "a file the job keeps beside \(what)"))
            }
        }
        return owned.first { JobEndpoints.canonicalPath($0.0) == target }?.1
    }

    /// Opens the job's writer for the output schema; `resuming` keeps the temporary file a killed
    /// run left (the runner then calls `BatchWriter.resume`).
    public func makeWriter(resuming: Bool) throws -> any BatchWriter {
        var context = self.context
        context.resuming = resuming
        return try Self.plugin(registry.writers, spec.writer).make(spec.writer, context, output.schema)
    }

    /// Opens the quarantine; its `source` and `reason` columns are scrubbed of `${VAR}` values.
    public func makeQuarantine(resuming: Bool) throws -> QuarantineWriter {
        let redact = Redactor(spec: spec)
        return try QuarantineWriter(path: quarantinePath, source: reader.sourceName, keepExisting: resuming,
                                    scrub: { redact($0) })
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
        do {
            let (model, bytes) = try ModelLoader.load(path: path, format: config[JobSections.modelFormat(registry.specs(.model).map(\.type))],
                                                    registry: registry)
            return (model, path, bytes)
        } catch let unknown as ModelLoader.UnknownFormat {
            throw JobSpecError(at: config.location(of: unknown.named == nil ? "path" : "format"),
                               config.keyPath(of: unknown.named == nil ? "path" : "format"), unknown.description,
                               hint: unknown.named == nil ? "set model.format, or export the model with tools/export_sklearn.py" : nil)
        }
    }
}
