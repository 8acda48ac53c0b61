import Foundation
import Logging
import ScoreCore
import ScoreIO

/// Streams the input through validators, feature steps and the model, writing predictions
/// and the quarantine batch by batch. Memory is bounded by one batch whatever the input size.
public struct JobRunner {
    public let plan: ScoringPlan
    public let logger: Logger
    public let progress: ProgressReporter?

    public init(plan: ScoringPlan, logger: Logger, progress: ProgressReporter? = nil) {
        self.plan = plan
        self.logger = logger
        self.progress = progress
    }

    /// Runs the job to the end. On success both outputs are committed; on an exceeded error budget
    /// only the quarantine is (it explains the failure); on any other failure neither is.
    public func run() throws -> JobSummary {
        let start = Date()
        let reader = plan.reader
        let writtenPath = plan.spec.writer.string("path")
        let outputPath = StandardStreams.isStream(writtenPath) ? StandardStreams.outputName : plan.context.resolve(writtenPath ?? "")
        var counts = Counts()
        var writer: (any BatchWriter)?
        var quarantine: QuarantineWriter?

        let replaced = plan.output.replacedColumns(of: reader.schema)
        if !replaced.isEmpty {
            logger.warning("input columns are replaced by the model's output", metadata: ["columns": "\(replaced.joined(separator: ","))"])
        }
        logger.info("job started", metadata: [
            "job": "\(plan.spec.name ?? plan.spec.file)", "input": "\(reader.sourceName)",
            "model": "\(plan.model.summary)", "batch_rows": "\(plan.batchRows)",
        ])

        func failed(_ error: any Error) -> JobFailure {
            progress?.finish()
            logger.error("job failed", metadata: ["error": "\(error)"])
            return JobFailure(error: error, summary: counts.summary(plan: plan, status: .failed, start: start,
                                                                    output: outputPath, error: error))
        }

        do {
            let out = try ScoringPlan.plugin(plan.registry.writers, plan.spec.writer)
                .make(plan.spec.writer, plan.context, plan.output.schema)
            writer = out
            let rejected = try QuarantineWriter(path: plan.quarantinePath, source: reader.sourceName)
            quarantine = rejected
            while let read = try plan.retry.run("read", logger: logger, { try reader.next(maxRows: plan.batchRows) }) {
                let (scored, rejections) = try score(read)
                try plan.retry.run("write", logger: logger) { try out.write(scored) }
                try plan.retry.run("quarantine", logger: logger) { try rejected.append(rejections) }
                counts.add(read: read.rowsRead, written: scored.rowCount, rejections: rejections)
                logger.debug("batch done", metadata: ["rows": "\(read.rowsRead)", "rejected": "\(rejections.count)"])
                progress?.update(rows: counts.read, bytesRead: reader.bytesRead, totalBytes: reader.totalBytes)
                if plan.budget.isExceeded(rejected: counts.quarantined, read: counts.read) {
                    throw ErrorBudgetExceeded(rejected: counts.quarantined, read: counts.read, budget: plan.budget,
                                              quarantinePath: plan.quarantinePath)
                }
            }
            guard counts.read == counts.written + counts.quarantined else {
                throw RuntimeInvariantError(message: "rows read (\(counts.read)) ≠ rows written (\(counts.written)) + rows quarantined (\(counts.quarantined))")
            }
            // Two phases: everything that can fail (flush, fsync) for both files first, then the
            // renames, so predictions and quarantine appear together or not at all.
            try plan.retry.run("prepare quarantine", logger: logger) { try rejected.prepare() }
            try plan.retry.run("prepare output", logger: logger) { try out.prepare() }
            try rejected.commit()
            try out.commit()
        } catch let error as ErrorBudgetExceeded {
            writer?.abort()
            // The quarantine explains the failure, so it is kept; if even that fails, say so.
            do { try quarantine?.commit() } catch {
                quarantine?.abort()
                throw failed(error)
            }
            throw failed(error)
        } catch {
            writer?.abort()
            quarantine?.abort()
            throw failed(error)
        }
        progress?.finish()
        let summary = counts.summary(plan: plan, status: .succeeded, start: start, output: outputPath, error: nil)
        logger.info("job finished", metadata: [
            "rows.read": "\(summary.rowsRead)", "rows.written": "\(summary.rowsWritten)",
            "rows.quarantined": "\(summary.rowsQuarantined)", "seconds": "\(String(format: "%.3f", summary.seconds))",
        ])
        return summary
    }

    /// Validates, engineers features and scores one batch; returns the output batch and every
    /// rejection of the batch (parse, validate, features, model) in input order.
    func score(_ read: ReadResult) throws -> (Batch, [Rejection]) {
        var batch = read.batch
        var rejections = read.rejections

        var verdicts = RowVerdicts(rowCount: batch.rowCount)
        for v in plan.validators { try v.validate(batch, verdicts: &verdicts) }
        rejections += verdicts.rejections(stage: "validate", origins: batch.origins)
        batch = batch.keeping(verdicts)

        for step in plan.features {
            var stepVerdicts = RowVerdicts(rowCount: batch.rowCount)
            let next = try step.apply(batch, verdicts: &stepVerdicts)
            rejections += stepVerdicts.rejections(stage: "features", origins: next.origins)
            batch = next.keeping(stepVerdicts)
        }

        var modelVerdicts = RowVerdicts(rowCount: batch.rowCount)
        var matrix = try plan.model.matrix(from: batch, verdicts: &modelVerdicts)
        if modelVerdicts.rejectedCount > 0 {
            rejections += modelVerdicts.rejections(stage: "model", origins: batch.origins)
            let kept = modelVerdicts.keptRows()
            batch = batch.gather(kept)
            matrix = matrix.gather(kept)
        }
        var predictions = try plan.model.predict(matrix)
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
        let scored = plan.output.project(batch, predictions)
        if rejections.count > 1 { rejections.sort { $0.line < $1.line } }
        return (scored, rejections)
    }

    struct Counts {
        var read = 0, written = 0, quarantined = 0
        var byRule: [String: Int] = [:]

        mutating func add(read r: Int, written w: Int, rejections: [Rejection]) {
            read += r
            written += w
            quarantined += rejections.count
            for x in rejections { byRule["\(x.stage)/\(x.rule)", default: 0] += 1 }
        }

        func summary(plan: ScoringPlan, status: JobSummary.Status, start: Date, output: String, error: (any Error)?) -> JobSummary {
            let seconds = Date().timeIntervalSince(start)
            return JobSummary(job: plan.spec.name ?? plan.spec.file, status: status, rowsRead: read, rowsWritten: written,
                              rowsQuarantined: quarantined, quarantinedByRule: byRule, seconds: seconds,
                              rowsPerSecond: seconds > 0 ? Double(read) / seconds : 0, output: output,
                              quarantine: plan.quarantinePath, error: error.map { "\($0)" })
        }
    }
}

/// A failed job: the cause plus the summary of what happened until then.
public struct JobFailure: Error {
    public var error: any Error
    public var summary: JobSummary
}

/// The runtime broke one of its own guarantees (rows read = written + quarantined). Never expected.
public struct RuntimeInvariantError: BatchScoreError {
    public var message: String
    public var description: String { "internal error: \(message); no output was committed — please report this" }
}
