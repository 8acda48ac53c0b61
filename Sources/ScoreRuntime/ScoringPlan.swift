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
    public let quarantinePath: String
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
         output: OutputProjection, quarantinePath: String, budget: ErrorBudget, retry: RetryPolicy, batchRows: Int?,
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
        self.quarantinePath = quarantinePath
        self.budget = budget
        self.retry = retry
        self.batchRows = batchRows
        self.workers = workers
        self.cores = cores
        self.checkpointSeconds = checkpointSeconds
    }

    /// Builds the plan: loads the model, opens the input, checks every column reference and that
    /// no output would overwrite the input or another output. `cores` is the budget the job shares
    /// with the other jobs of the process (by default, this machine's cores for it alone).
    public static func build(spec: JobSpec, registry: PluginRegistry, cores: CPUBudget = CPUBudget()) throws -> ScoringPlan {
        var context = PluginContext(jobFile: spec.file, baseDirectory: spec.baseDirectory,
                                    seed: UInt64(spec.runtime.int("seed") ?? 0))
        context.cores = cores
        try checkQuarantineIsAFile(spec)

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
            let why = spec.reader.string("type") == "jsonl"
                ? "there is no JSON object naming its columns (declare them under reader.columns to accept an empty input)"
                : "there is no header row naming its columns"
            throw InputError(file: reader.sourceName, line: 1, "the input is empty: \(why)")
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
        let quarantinePath = quarantinePath(spec: spec, context: context)
        try checkOutputPaths(spec: spec, context: context, quarantinePath: quarantinePath)
        _ = try plugin(registry.writers, spec.writer)

        return ScoringPlan(
            spec: spec, registry: registry, context: context, model: model, modelPath: modelPath,
            modelBytes: modelBytes, validators: validators, features: features, reader: reader, output: output,
            quarantinePath: quarantinePath,
            budget: ErrorBudget(config: spec.runtime["max_rejected"]),
            retry: RetryPolicy(config: spec.runtime.section("retry")),
            batchRows: spec.runtime.int("batch_rows") ?? autoBatchRows(validators: validators, features: features),
            workers: spec.runtime.int("workers") ?? cores.cores, cores: cores,
            checkpointSeconds: spec.runtime.double("checkpoint_secs") ?? 10)
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

    /// Refuses a quarantine on stdout: before anything is opened (an input on stdin would be read).
    static func checkQuarantineIsAFile(_ spec: JobSpec) throws {
        if StandardStreams.isStream(spec.quarantine.string("path")) {
            throw JobSpecError(at: spec.quarantine.location(of: "path"), spec.quarantine.keyPath(of: "path"),
                               "the quarantine cannot be stdout ('-'); give it a file path",
                               hint: "stdout carries the predictions; rejected rows need a file of their own")
        }
    }

    /// Refuses outputs that would overwrite the input or each other, or that name a folder.
    /// `-` (stdin / stdout) is no file, so it overlaps nothing.
    static func checkOutputPaths(spec: JobSpec, context: PluginContext, quarantinePath: String) throws {
        let writerPath = spec.writer.string("path")
        let readerPath = spec.reader.string("path")
        let writerAt = (spec.writer.location(of: "path"), spec.writer.keyPath(of: "path"))
        let quarantineAt = (spec.quarantine.location(of: "path") ?? spec.writer.location(of: "path"),
                            spec.quarantine.string("path") == nil ? "quarantine.path (default)" : spec.quarantine.keyPath(of: "path"))
        let output = StandardStreams.isStream(writerPath) ? nil : context.resolve(writerPath ?? "")
        let input = StandardStreams.isStream(readerPath) ? nil : context.resolve(readerPath ?? "")
        for (written, at) in [(writerPath, writerAt), (spec.quarantine.string("path"), quarantineAt)] {
            if let written, !StandardStreams.isStream(written), namesAFolder(written) {
                throw JobSpecError(at: at.0, at.1, "names a folder, not a file (it ends in '/', '.' or '..'); give a file path",
                                   hint: "for example out/predictions.csv")
            }
        }
        for (path, at) in [(output, writerAt), (quarantinePath, quarantineAt)] {
            guard let path else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw JobSpecError(at: at.0, at.1, "is a folder; give a file path")
            }
        }
        let canonical = { (path: String?) in path.map(canonicalPath) }
        if let input = canonical(input) {
            if canonical(output) == input {
                throw JobSpecError(at: writerAt.0, writerAt.1, "is the input file (reader.path): the job would overwrite its own input")
            }
            if canonical(quarantinePath) == input {
                throw JobSpecError(at: quarantineAt.0, quarantineAt.1, "is the input file (reader.path): the job would overwrite its own input")
            }
        }
        if canonical(quarantinePath) == canonical(output) {
            throw JobSpecError(at: quarantineAt.0, quarantineAt.1, "is the same file as writer.path; give the quarantine its own file")
        }
    }

    /// A path with symlinks and `.`/`..` resolved, for telling whether two paths name one file.
    static func canonicalPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// What an extra file the caller writes (`--summary-json`) would overwrite, or nil when it
    /// names none of the job's own files: its inputs, job file, model, outputs and their hidden
    /// companions (temporary files, checkpoint, locks).
    public func clash(ofExtraOutput path: String) -> String? {
        let target = Self.canonicalPath(path)
        var owned: [(String, String)] = reader.inputPaths.map { ($0, "the job's input") }
        owned.append((spec.file, "the job file"))
        owned.append((modelPath, "the model file (model.path)"))
        let written = spec.writer.string("path")
        var outputs = [(quarantinePath, "the quarantine")]
        if !StandardStreams.isStream(written) { outputs.insert((context.resolve(written ?? ""), "the job's output (writer.path)"), at: 0) }
        for (output, what) in outputs {
            owned.append((output, what))
            for kind in ["tmp", "checkpoint", "lock"] {
                owned.append((AtomicOutputFile.companionPath(for: output, kind: kind), "a file the job keeps beside \(what)"))
            }
        }
        return owned.first { Self.canonicalPath($0.0) == target }?.1
    }

    /// The quarantine's path: `quarantine.path`, or beside the output as `NAME.rejected.csv`
    /// (`rejected.csv` in the job file's folder when the output is stdout).
    static func quarantinePath(spec: JobSpec, context: PluginContext) -> String {
        if let path = spec.quarantine.string("path") { return StandardStreams.isStream(path) ? path : context.resolve(path) }
        return context.resolve(defaultQuarantinePath(writerPath: spec.writer.string("path")))
    }

    /// The default quarantine path for an output at `writerPath`, relative as the job file writes it:
    /// `NAME.rejected.csv` beside it. Plain string work on purpose: Foundation's path helpers trap on
    /// some one-character paths (`p`, `.`), and a job file is untrusted input.
    public static func defaultQuarantinePath(writerPath: String?) -> String {
        let out = writerPath ?? "output.csv"
        if StandardStreams.isStream(out) { return "rejected.csv" }
        let slash = out.lastIndex(of: "/")
        let folder = slash.map { String(out[...$0]) } ?? ""
        let name = slash.map { String(out[out.index(after: $0)...]) } ?? out
        // A path naming a folder (`out/`, `.`, `..`) is refused by checkOutputPaths; keep this total.
        guard !name.isEmpty, name != ".", name != ".." else { return folder + "rejected.csv" }
        var stem = Substring(name)
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = stem[..<dot] }
        return folder + stem + ".rejected.csv"
    }

    /// True when a written output path names a folder rather than a file: it ends in `/`, or its
    /// last part is `.` or `..`.
    static func namesAFolder(_ path: String) -> Bool {
        path.hasSuffix("/") || path == "." || path == ".." || path.hasSuffix("/.") || path.hasSuffix("/..")
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
            let (model, bytes) = try ModelLoader.load(path: path, format: config.string("format") ?? "auto", registry: registry)
            return (model, path, bytes)
        } catch let unknown as ModelLoader.UnknownFormat {
            throw JobSpecError(at: config.location(of: unknown.named == nil ? "path" : "format"),
                               config.keyPath(of: unknown.named == nil ? "path" : "format"), unknown.description,
                               hint: unknown.named == nil ? "set model.format, or export the model with tools/export_sklearn.py" : nil)
        }
    }
}
