/// Reads the input as a stream of batches. One reader serves one job; calls are sequential.
public protocol BatchReader: AnyObject {
    /// The columns every batch has, known once the reader is open (after the header).
    var schema: Schema { get }
    /// The input's name as the job spec gives it (it appears in the quarantine's `source` column).
    var sourceName: String { get }
    /// The input's size in bytes, when known (for the ETA).
    var totalBytes: Int64? { get }
    /// Bytes consumed so far.
    var bytesRead: Int64 { get }
    /// The next batch of at most `maxRows` rows, or nil at the end of the input. A record that
    /// cannot be parsed is returned as a rejection, never thrown. A failed call (an I/O error)
    /// leaves the reader where it was, so the runtime can retry it.
    func next(maxRows: Int) throws -> ReadResult?
    /// The next unit of at most `maxRows` records, for a worker to parse, or nil at the end.
    /// Readers that can split their input cut it here and parse in `ReadUnit.parse`; the default
    /// parses at once with `next`. Same failure rules as `next`.
    func nextUnit(maxRows: Int) throws -> ReadUnit?
    /// Moves to `position` (from a unit's `end`) to resume there. Returns false when the reader
    /// cannot seek; the runtime then reads and discards the records before the position.
    func seek(to position: InputPosition) throws -> Bool
    /// The files read, for the checkpoint's input identity (size and mtime); empty for a stream.
    var inputPaths: [String] { get }
    /// Whether a checkpoint can bring a later run back to the same row: files can (their identity
    /// is checked), a stream cannot, a database query can when its order is fixed. Default: files.
    var isResumable: Bool { get }
    /// Said once when the job starts, when the reader cannot resume for a reason the job spec can
    /// fix (a query without `order_by`); nil otherwise.
    var resumeAdvice: String? { get }
    /// Why an input without columns has none, in this format's words (the plan refuses such an
    /// input: "the input is empty: …").
    var noColumnsExplanation: String { get }
}

extension BatchReader {
    public var noColumnsExplanation: String { "it has no columns" }
    public func nextUnit(maxRows: Int) throws -> ReadUnit? {
        try next(maxRows: maxRows).map { ReadUnit.parsed($0, end: nil) }
    }

    public func seek(to position: InputPosition) throws -> Bool { false }

    public var inputPaths: [String] { [] }

    public var isResumable: Bool { !inputPaths.isEmpty }

    public var resumeAdvice: String? { nil }
}

/// One batch from a reader plus the records that failed to parse.
public struct ReadResult: Sendable {
    public var batch: Batch
    public var rejections: [Rejection]

    public init(batch: Batch, rejections: [Rejection]) {
        self.batch = batch
        self.rejections = rejections
    }

    /// Records consumed: parsed rows plus rejected ones.
    public var rowsRead: Int { batch.rowCount + rejections.count }
}

/// Checks rows and rejects those that fail; it never stops the job for a bad row.
public protocol RowValidator: Sendable {
    /// The rule name written to the quarantine (`range`, `finite`, ...).
    var rule: String { get }
    /// Columns this validator reads as numbers (the reader parses them as numbers).
    var numericColumns: [String] { get }
    /// Columns this validator needs read as an exact type (a `schema` validator's `types`).
    var requiredTypes: [String: ColumnType] { get }
    /// Plan-time check against the input schema (a missing column is a spec error).
    func check(schema: Schema) throws
    /// Rejects the rows of `batch` that fail the rule. Throws only to stop the job (a Lua hook with
    /// `on_error: fail`), never for a bad row.
    func validate(_ batch: Batch, verdicts: inout RowVerdicts) throws
    /// The validator for one more worker: itself when it holds no per-call state (the default);
    /// a copy with its own Lua state for a hook.
    func forWorker() throws -> any RowValidator
    /// True when a row's verdict may depend on the other rows of its batch (a columnar Lua hook,
    /// whose `math.random` draws start from the batch's first line): the runtime then keeps batch
    /// boundaries fixed instead of adapting them, so runs and resumes cut the input alike.
    var seesWholeBatches: Bool { get }
}

extension RowValidator {
    public var requiredTypes: [String: ColumnType] { [:] }
    public var seesWholeBatches: Bool { false }
    public func forWorker() throws -> any RowValidator { self }
}

extension FeatureStep {
    public var requiredTypes: [String: ColumnType] { [:] }
    public var seesWholeBatches: Bool { false }
    public func forWorker() throws -> any FeatureStep { self }
}

/// Adds or replaces columns; may reject rows. (Lua feature hooks arrive in a later issue.)
public protocol FeatureStep: Sendable {
    /// The step's name in messages and the quarantine's `rule` column.
    var name: String { get }
    /// Input columns the step reads as numbers (the reader parses them as numbers).
    var numericColumns: [String] { get }
    /// Input columns the step needs read as an exact type.
    var requiredTypes: [String: ColumnType] { get }
    /// The columns the step adds or replaces.
    var outputs: Schema { get }
    /// Returns `batch` with the step's columns; rows it cannot compute are rejected in `verdicts`.
    func apply(_ batch: Batch, verdicts: inout RowVerdicts) throws -> Batch
    /// The step for one more worker: itself when it holds no per-call state (the default); a
    /// copy with its own Lua state for a hook.
    func forWorker() throws -> any FeatureStep
    /// True when a row's output may depend on the other rows of its batch (see
    /// `RowValidator.seesWholeBatches`).
    var seesWholeBatches: Bool { get }
}

/// A class label as the model's training data had it.
public enum ClassLabel: Sendable, Equatable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    public var description: String {
        switch self {
        case .int(let i): String(i)
        case .string(let s): s
        }
    }
}

/// What a model predicts.
public enum ModelTask: Sendable, Equatable {
    case classification(classes: [ClassLabel])
    case regression
}

/// A model's output for a feature matrix.
public struct Predictions: Sendable {
    public var rows: Int
    /// Regression: the predicted values.
    public var values: [Double]
    /// Classification: the index into the classes of each row's prediction.
    public var classIndex: [Int]
    /// Classification: `probabilities[k * rows + r]` is P(class k | row r) (column-major).
    public var probabilities: [Double]

    public init(rows: Int, values: [Double] = [], classIndex: [Int] = [], probabilities: [Double] = []) {
        self.rows = rows
        self.values = values
        self.classIndex = classIndex
        self.probabilities = probabilities
    }

    /// Rows whose outputs are not finite numbers (a model fed extreme values can overflow).
    public func nonFiniteRows() -> [Int] {
        var bad: [Int] = []
        for r in 0 ..< rows where r < values.count && !values[r].isFinite { bad.append(r) }
        if !probabilities.isEmpty {
            let k = probabilities.count / max(rows, 1)
            for r in 0 ..< rows where !bad.contains(r) {
                for j in 0 ..< k where !probabilities[j * rows + r].isFinite {
                    bad.append(r)
                    break
                }
            }
        }
        return bad.sorted()
    }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int]) -> Predictions {
        let k = rows > 0 ? probabilities.count / rows : 0
        var p: [Double] = []
        p.reserveCapacity(indices.count * k)
        for j in 0 ..< k { for r in indices { p.append(probabilities[j * rows + r]) } }
        return Predictions(rows: indices.count, values: values.isEmpty ? [] : indices.map { values[$0] },
                           classIndex: classIndex.isEmpty ? [] : indices.map { classIndex[$0] }, probabilities: p)
    }
}

/// A loaded model, ready to score. Must be safe to call from several workers at once.
public protocol ScoringModel: Sendable {
    /// Input column names, in the order the model takes them.
    var features: [String] { get }
    var task: ModelTask { get }
    /// A one-line description (`logistic regression, 4 features, classes [0, 1]`).
    var summary: String { get }
    /// The input columns and the type each is read as: float64 for numeric features, string for
    /// categorical ones the model encodes itself (one-hot).
    var inputs: [Schema.Field] { get }
    /// True when the model routes missing values itself (tree ensembles); otherwise a null or NaN
    /// feature rejects the row before scoring.
    var acceptsMissing: Bool { get }
    /// The model's input matrix for the rows of `batch`; rows it cannot take are rejected in
    /// `verdicts` (their matrix rows hold placeholders and are dropped by the caller).
    func matrix(from batch: Batch, verdicts: inout RowVerdicts) throws -> FeatureMatrix
    /// Scores every row of `x` (consumed: models may standardize it in place).
    func predict(_ x: consuming FeatureMatrix) throws -> Predictions
    /// This model, splitting a large batch over the cores `cores` has free when it is called (its
    /// job's budget). A model without such a loop returns itself; one with it must give the same
    /// bytes however many cores it gets. Without this, a model scores on the calling thread only.
    func sharingCores(_ cores: CPUBudget) -> any ScoringModel
}

extension ScoringModel {
    public func sharingCores(_ cores: CPUBudget) -> any ScoringModel { self }
    public var inputs: [Schema.Field] { features.map { .init(name: $0, type: .float64) } }
    public var acceptsMissing: Bool { false }
    public func matrix(from batch: Batch, verdicts: inout RowVerdicts) throws -> FeatureMatrix {
        try FeatureMatrix.gather(from: batch, features: features, verdicts: &verdicts, allowMissing: acceptsMissing)
    }
}

/// Writes the output. Nothing is visible at the final path until `commit`.
///
/// Committing is two-phase so a job's outputs (predictions and quarantine) appear together or
/// not at all: `prepare` does everything that can fail for a reason of the data or the disk
/// (flush, fsync), `commit` only renames.
public protocol BatchWriter: AnyObject {
    /// Appends a batch. A failed call (an I/O error) leaves the output as before, so it can be retried.
    func write(_ batch: Batch) throws
    /// Where the written bytes wait for the commit; `prepare`, `commit` and `abort` hand off to it.
    var staged: any StagedOutput { get }
    /// Writes what the format owes at the end (a header no batch wrote, a footer), once, before
    /// the bytes are made durable. Default: nothing.
    func finish() throws
    /// Makes everything written durable without making it visible: `finish`, then the staged
    /// output's `prepare`.
    func prepare() throws
    /// Makes the output visible at its final path (a rename); prepares first if needed.
    func commit() throws
    /// Removes everything written; the final path is left untouched.
    func abort()
    /// Formats batches for this writer on the workers (the default hands batches over as they are).
    var encoder: any BatchEncoder { get }
    /// Appends a batch its `encoder` made. Same failure rule as `write(_:)`.
    func write(encoded: EncodedBatch) throws
    /// Makes what was written durable and says how to continue it; nil when the writer cannot
    /// resume at this point (rows buffered for a row group, or a stream).
    func checkpoint() throws -> WriterCheckpoint?
    /// Continues the output a checkpoint describes; called once, before any write, on a writer
    /// made with `PluginContext.resuming`. Throws when that output is gone or shorter.
    func resume(from checkpoint: WriterCheckpoint) throws
}

extension BatchWriter {
    public var encoder: any BatchEncoder { DeferredEncoder() }

    public func finish() throws {}

    public func prepare() throws {
        try finish()
        try staged.prepare()
    }

    public func commit() throws {
        try prepare()
        try staged.publish()
    }

    public func abort() { staged.abort() }

    public func write(encoded: EncodedBatch) throws {
        guard let batch = encoded.batch else {
            throw OutputError(.misuse, file: "output", "internal error: this writer formats its own batches")
        }
        try write(batch)
    }

    public func checkpoint() throws -> WriterCheckpoint? { nil }

    public func resume(from checkpoint: WriterCheckpoint) throws {
        throw OutputError(.notResumable, file: "output", "this writer cannot resume a run")
    }
}
