import ScoreCore

/// One worker's share of a job: its own validators and feature steps (a Lua hook gets a state per
/// worker), the shared model, and the writer's encoder. Turns a read unit into output bytes and
/// rejections; several scorers run at once, one per worker thread.
struct BatchScorer {
    let validators: [any RowValidator]
    let features: [any FeatureStep]
    let model: any ScoringModel
    let output: OutputProjection
    let encoder: any BatchEncoder
    /// Times each unit's work, for the batch sizer.
    let clock: any JobClock

    /// The first worker uses the plan's steps; every other gets fresh copies.
    init(plan: ScoringPlan, encoder: any BatchEncoder, clock: any JobClock, first: Bool) throws {
        self.clock = clock
        validators = first ? plan.validators : try plan.validators.map { try $0.forWorker() }
        features = first ? plan.features : try plan.features.map { try $0.forWorker() }
        model = plan.model
        output = plan.output
        self.encoder = encoder
    }

    /// A scored unit: what the sink appends, in input order.
    struct Scored: Sendable {
        var rowsRead: Int
        var encoded: EncodedBatch
        /// Every rejection of the unit (parse, validate, features, model), sorted by line.
        var rejections: [Rejection]
        var end: InputPosition?
        /// Bytes the unit's batch held in memory, roughly (for the batch sizer).
        var footprint: Int
        /// Seconds the worker spent on it.
        var seconds: Double
    }

    func process(_ unit: ReadUnit) throws -> Scored {
        let start = clock.monotonicSeconds()
        let read = try unit.parse()
        let (scored, rejections) = try score(read)
        let encoded = try encoder.encode(scored)
        let seconds = clock.monotonicSeconds() - start
        return Scored(rowsRead: read.rowsRead, encoded: encoded, rejections: rejections, end: unit.end,
                      footprint: Self.footprint(read.batch) + (encoded.bytes?.count ?? 0),
                      seconds: seconds)
    }

    /// The bytes a batch holds, roughly: its columns, its records' text and, for a unit read from
    /// text, the bytes and field spans the worker parsed it from (about the same again).
    static func footprint(_ batch: Batch) -> Int {
        var bytes = batch.origins.recordBytes.count * 2 + batch.rowCount * 48
        for column in batch.columns {
            switch column.data {
            case .string(let s): bytes += s.bytes.count + s.offsets.count * 8
            default: bytes += column.count * 8
            }
            if let text = column.sourceText { bytes += text.count * 16 }
            bytes += column.count * 17 // field spans
        }
        return bytes
    }

    /// Validates, engineers features and scores one batch; returns the output batch and every
    /// rejection of the batch (parse, validate, features, model) in input order.
    func score(_ read: ReadResult) throws -> (Batch, [Rejection]) {
        var batch = read.batch
        var rejections = read.rejections

        var verdicts = RowVerdicts(rowCount: batch.rowCount)
        for v in validators { try v.validate(batch, verdicts: &verdicts) }
        rejections += verdicts.rejections(stage: "validate", origins: batch.origins)
        batch = batch.keeping(verdicts)

        for step in features {
            var stepVerdicts = RowVerdicts(rowCount: batch.rowCount)
            let next = try step.apply(batch, verdicts: &stepVerdicts)
            rejections += stepVerdicts.rejections(stage: "features", origins: next.origins)
            batch = next.keeping(stepVerdicts)
        }

        var modelVerdicts = RowVerdicts(rowCount: batch.rowCount)
        var matrix = try model.matrix(from: batch, verdicts: &modelVerdicts)
        if modelVerdicts.rejectedCount > 0 {
            rejections += modelVerdicts.rejections(stage: "model", origins: batch.origins)
            let kept = modelVerdicts.keptRows()
            batch = batch.gather(kept)
            matrix = matrix.gather(kept)
        }
        var predictions = try model.predict(matrix)
        let unusable = predictions.nonFiniteRows()
        if !unusable.isEmpty {
            var outputVerdicts = RowVerdicts(rowCount: batch.rowCount)
            for r in unusable {
                outputVerdicts.reject(r, rule: "non_finite_output",
                                      reason: "the model's output for this row is not a finite number (extreme inputs or weights)")
            }
            rejections += outputVerdicts.rejections(stage: "model", origins: batch.origins)
            let kept = outputVerdicts.keptRows()
            batch = batch.gather(kept)
            predictions = predictions.gather(kept)
        }
        let scored = output.project(batch, predictions)
        if rejections.count > 1 { rejections.sort { $0.line < $1.line } }
        return (scored, rejections)
    }
}
