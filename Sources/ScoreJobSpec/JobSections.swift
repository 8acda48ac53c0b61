import ScoreCore

/// The job-level sections' field declarations. Like a plugin's fields, each is declared once and
/// drives checking, defaults and the generated docs.
public enum JobSections {
    /// The job format version this code reads.
    public static let version = 1

    /// A job's top-level keys, in the order the canonical text lists them: the checker refuses
    /// any other key and checks `version` and `name` with these declarations.
    public static let topLevel: [ConfigField] = [
        ConfigField("version", .int, required: true, minimum: Double(version), maximum: Double(version),
                    doc: "The job format's version: \(version)."),
        ConfigField("name", .nullable(.string), doc: "The job's name in logs, summaries and the manifest; the file's path when absent."),
        ConfigField("reader", .any, required: true, doc: "Where rows come from: a reader (`type:` and its keys)."),
        ConfigField("validate", .any, doc: "Validators, in order (each with `type:`)."),
        ConfigField("features", .any, doc: "Feature steps, in order (each with `type:`)."),
        ConfigField("model", .any, required: true, doc: "The model file and its format."),
        ConfigField("output", .any, doc: "Which columns the output has."),
        ConfigField("writer", .any, required: true, doc: "Where predictions go: a writer (`type:` and its keys)."),
        ConfigField("quarantine", .any, doc: "Where rejected rows go."),
        ConfigField("runtime", .any, doc: "Batch size, workers, checkpoints, retries, the error budget, the seed."),
    ]
    /// `output:` — which columns the output has and what the model's columns are called.
    public static let output: [ConfigField] = [
        ConfigField("passthrough", .nullable(.list(.string)),
                    doc: "Input columns copied to the output, in this order. Absent or null copies every input column."),
        OutputFields.prediction.declaration,
        OutputFields.confidence.declaration,
        OutputFields.probabilities.declaration,
    ]

    /// `quarantine:` — where rejected rows go.
    public static let quarantine: [ConfigField] = [
        ConfigField("path", .path,
                    doc: "File for rejected rows with their source line, stage and reason. Absent: a file beside the output."),
    ]

    /// How `runtime.retry` waits grow.
    public enum Backoff: String, Sendable, CaseIterable { case exponential, constant }

    /// `runtime.retry:`'s fields, each declared once for the checker, the docs and `RetryPolicy`.
    public enum RetryFields {
        public static let attempts = FieldHandle<Int>.int("attempts", default: 3, minimum: 1, maximum: 100,
            doc: "Attempts per operation, the first included.")
        public static let backoff = FieldHandle<Backoff>.choice("backoff", default: .exponential,
            doc: "How the wait grows between attempts.")
        public static let baseSeconds = FieldHandle<Double>.float("base_secs", default: 0.5, minimum: 0,
            doc: "The first wait, in seconds.")
        public static let maxSeconds = FieldHandle<Double>.float("max_secs", default: 30, minimum: 0,
            doc: "The longest wait, in seconds.")
        public static let jitter = FieldHandle<Bool>.bool("jitter", default: true,
            doc: "Randomize waits so many workers do not retry in step.")
    }

    /// `runtime.retry:` — how transient failures (I/O hiccups) are retried.
    public static let retry: [ConfigField] = [
        RetryFields.attempts.declaration, RetryFields.backoff.declaration, RetryFields.baseSeconds.declaration,
        RetryFields.maxSeconds.declaration, RetryFields.jitter.declaration,
    ]

    /// `runtime:`'s fields with a plain default, declared once for the checker, the docs and the plan.
    public enum RuntimeFields {
        public static let checkpointSeconds = FieldHandle<Double>.float("checkpoint_secs", default: 10, minimum: 0, maximum: 86400,
            doc: "How often a checkpoint is recorded (0: after every batch), so `batchscore run --resume` continues a killed job. Each one fsyncs the outputs.")
        public static let seed = FieldHandle<Int>.int("seed", default: 0, minimum: 0,
            doc: "Seed of `math.random` in Lua hooks. Per-row hooks draw from (seed, the row's input line), so results do not depend on batching; a columnar hook's draws start from its batch's first line (so with such a hook, `batch_rows: auto` keeps batches at a fixed 8192 rows).")
    }

    /// `output:`'s plain-text fields.
    public enum OutputFields {
        public static let prediction = FieldHandle<String>.string("prediction", default: "prediction",
            doc: "Name of the column holding the predicted value or class.")
        /// The confidence column's name; nil when `false`.
        public static let confidence = FieldHandle<String?>.nameOrOff("confidence", default: "confidence", whenTrue: "confidence",
            doc: "Name of the column holding the predicted class's probability; `false` leaves it out.")
        /// The prefix of the per-class probability columns; nil (the default, `false`) for none.
        public static let probabilities = FieldHandle<String?>.nameOrOff("probabilities", default: nil, whenTrue: "proba_",
            doc: "`true` adds one column per class named `proba_<class>`; a string uses that prefix instead.")
    }

    /// `model:`'s format, choosing among `auto` and `formats` (the registered model formats).
    public static func modelFormat(_ formats: [String]) -> FieldHandle<String> {
        .choice("format", among: ["auto"] + formats, default: "auto",
                doc: "The model file's format; `auto` recognises it from the file's first bytes.")
    }

    /// `runtime:` — batch size, parallelism, retries and the error budget.
    public static let runtime: [ConfigField] = [
        ConfigField("batch_rows", .either(.choice(["auto"]), .int), default: .string("auto"), minimum: 1, maximum: 1_000_000,
                    doc: "Rows per batch, or `auto`: sized from the measured time and memory per row (a batch is about 5 ms of work, in-flight batches stay under 32 MiB together; a fixed 8192 when a columnar Lua hook sees whole batches). Output bytes never depend on it."),
        ConfigField("workers", .either(.choice(["auto"]), .int), default: .string("auto"), minimum: 1, maximum: 256,
                    doc: "Threads that parse, score and format batches (`auto`: one per core). The writer appends their batches in input order, so output bytes never depend on it. `batchscore run` starts the number given; a program running several jobs on one shared CPU budget grants what is free (at least one)."),
        RuntimeFields.checkpointSeconds.declaration,
        ConfigField("retry", .section(retry), doc: "Retries of transient failures."),
        ConfigField("max_rejected", .nullable(.countOrPercent), default: .null,
                    doc: "Error budget: the job fails when more rows are rejected (a count, or a percent of rows read). Null: no budget."),
        RuntimeFields.seed.declaration,
    ]

    /// `model:` without a registry: `format` lists only `auto`. Use `model(registry:)` to check a job.
    public static let model: [ConfigField] = model(formats: [])

    /// `model:` with `format` accepting `auto` and each registered model format.
    public static func model(registry: PluginRegistry) -> [ConfigField] {
        model(formats: registry.specs(.model).map(\.type))
    }

    /// `model:` with `format` accepting `auto` and `formats`.
    public static func model(formats: [String]) -> [ConfigField] {
        [
            ConfigField("path", .path, required: true, doc: "The model file, relative to the job file's folder."),
            modelFormat(formats).declaration,
        ]
    }
}
