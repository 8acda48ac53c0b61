import Foundation
import Logging
import ScoreCore
import ScoreIO
import ScoreModels
import Synchronization

/// Runs a job on the parallel engine: a reader thread cuts the input into units, `workers`
/// threads parse, validate, score and format them, and this thread appends the results in input
/// order, records checkpoints and commits the outputs. Memory is bounded by the units in flight
/// (`2 × workers` batches) whatever the input size; output bytes depend on neither the worker
/// count, the batch size nor where a resume started.
///
/// Synchronous: `run` returns when the job has ended. `ScoringJob` is the async, cancellable face of
/// the same engine for programs that run several jobs.
public struct JobRunner {
    public let plan: ScoringPlan
    /// The logger, stop token, fault points and progress observer of this run. (`cores` and
    /// `registry` were used when the plan was built; the runner reserves from `plan.cores`.)
    public let options: JobOptions
    /// The token this run stops on: `options.stop`, or a fresh one nobody else can set.
    let stop: StopToken

    public init(plan: ScoringPlan, options: JobOptions) {
        self.plan = plan
        self.options = options
        stop = options.stop ?? StopToken()
    }

    /// A runner with default options but `logger` and `resume`.
    public init(plan: ScoringPlan, logger: Logger, resume: Bool = false) {
        var options = JobOptions()
        options.logger = logger
        options.resume = resume
        self.init(plan: plan, options: options)
    }

    /// Runs the job to the end. On success both outputs are committed; on an exceeded error budget
    /// only the quarantine is (it explains the failure); on a stop request (SIGINT, SIGTERM) the
    /// outputs stay in their temporary files with a checkpoint, and `JobStopped` is thrown; on any
    /// other failure nothing is committed.
    public func run() throws -> JobSummary {
        var run = Run(runner: self)
        return try run.execute()
    }
}

/// One execution of a job: the mutable state of `JobRunner.run`.
private struct Run {
    let runner: JobRunner
    var plan: ScoringPlan { runner.plan }
    var logger: Logger { runner.options.logger }
    var faults: FaultPoints { runner.options.faults }
    var clock: any JobClock { runner.options.clock }
    /// The plan's retry policy, waiting on the job's clock.
    let retry: RetryPolicy
    /// When this run started, on the job's monotonic clock.
    let started: Double
    let outputPath: String
    let toStdout: Bool
    /// The output is no file (a database table): nothing to lock or checkpoint beside it.
    let externalOutput: Bool
    var counts = JobCounts()
    var writer: (any BatchWriter)?
    var quarantine: QuarantineWriter?
    /// Where checkpoints go; nil when the job cannot resume (stdin input, stdout output, a writer without checkpoints).
    var checkpointPath: String?
    var identity: JobIdentity?
    /// The end of the last unit appended, when the reader can seek there.
    var position: InputPosition?
    var positionKnown = true
    /// Input bytes consumed by the units appended so far (for progress).
    var bytesRead: Int64 = 0

    init(runner: JobRunner) {
        self.runner = runner
        retry = runner.plan.retry.waiting(on: runner.options.clock)
        started = runner.options.clock.monotonicSeconds()
        toStdout = runner.plan.endpoints.output.isStream
        outputPath = runner.plan.endpoints.output.name(stream: StandardStreams.outputName)
        externalOutput = runner.plan.endpoints.output.isExternal
    }

    mutating func execute() throws -> JobSummary {
        let reader = plan.reader
        let replaced = plan.output.replacedColumns(of: reader.schema)
        if !replaced.isEmpty {
            logger.warning("input columns are replaced by the model's output", metadata: ["columns": "\(replaced.joined(separator: ","))"])
        }
        logger.info("job started", metadata: [
            "job": "\(plan.spec.name ?? plan.spec.file)", "input": "\(reader.sourceName)",
            "model": "\(plan.model.summary)", "workers": "\(plan.workers)",
            "batch_rows": "\(plan.batchRows.map(String.init) ?? "auto")",
        ])
        report(.starting)

        // Every file the job commits is locked, not only the writer's: two jobs that share a
        // quarantine path would otherwise share its temporary file and lose each other's rows.
        var locks: [OutputLock] = []
        var resumeFrom: Checkpoint?
        do {
            for path in toStdout || externalOutput ? [plan.quarantinePath] : [outputPath, plan.quarantinePath] {
                locks.append(try OutputLock(output: path))
            }
            resumeFrom = try prepareCheckpoint()
            if let done = resumeFrom, done.phase == .committing {
                return try finishCommit(done)
            }
            try openOutputs(resuming: resumeFrom)
        } catch {
            throw failed(error)
        }
        defer { withExtendedLifetime(locks) {} }

        do {
            // A stop that came after the reader reached the end changes nothing: the job commits.
            if try stream(), let reason = runner.stop.reason {
                let resumable = try checkpointIfPossible(phase: .running)
                let stopped = JobStopped(reason: reason, rowsRead: counts.read, resumable: resumable)
                logger.warning("job stopped", metadata: ["reason": "\(reason)", "rows.read": "\(counts.read)", "resumable": "\(resumable)"])
                report(.cancelled)
                throw JobFailure(error: stopped, summary: counts.summary(plan: plan, status: .cancelled, elapsed: elapsed,
                                                                         output: outputPath, error: stopped))
            }
            guard counts.read == counts.written + counts.quarantined else {
                throw RuntimeInvariantError.rowsUnaccounted(read: counts.read, written: counts.written, quarantined: counts.quarantined)
            }
            try commit()
        } catch let failure as JobFailure {
            throw failure
        } catch let error as ErrorBudgetExceeded {
            writer?.abort()
            removeCheckpoint()
            // The quarantine explains the failure, so it is kept; if even that fails, say so.
            do { try quarantine?.commit() } catch {
                quarantine?.abort()
                throw failed(error)
            }
            throw failed(error)
        } catch {
            writer?.abort()
            quarantine?.abort()
            removeCheckpoint()
            throw failed(error)
        }
        report(.succeeded)
        let summary = counts.summary(plan: plan, status: .succeeded, elapsed: elapsed, output: outputPath, error: nil)
        logger.info("job finished", metadata: [
            "rows.read": "\(summary.rowsRead)", "rows.written": "\(summary.rowsWritten)",
            "rows.quarantined": "\(summary.rowsQuarantined)", "seconds": "\(String(format: "%.3f", summary.seconds))",
        ])
        return summary
    }

    // MARK: - Checkpoints

    /// Decides where checkpoints go and returns the one to resume from, if any. A fresh run
    /// discards a stale checkpoint; `--resume` without one starts from the beginning and says so.
    mutating func prepareCheckpoint() throws -> Checkpoint? {
        if let advice = plan.reader.resumeAdvice { logger.notice("\(advice)") }
        let canResume = !toStdout && !externalOutput && plan.reader.isResumable
        guard canResume else {
            if runner.options.resume {
                logger.notice("this job cannot resume (its input or its output is a stream or a database); starting from the beginning")
            }
            return nil
        }
        let path = Checkpoint.path(forOutput: outputPath)
        checkpointPath = path
        let identity = try JobIdentity(plan: plan)
        self.identity = identity
        guard runner.options.resume else {
            if FileManager.default.fileExists(atPath: path) {
                Checkpoint.remove(path: path)
                logger.notice("discarded the checkpoint of an earlier run (use --resume to continue one)")
            }
            return nil
        }
        guard let checkpoint = try Checkpoint.load(path: path) else {
            logger.notice("--resume: no checkpoint for this job; starting from the beginning")
            return nil
        }
        let changes = identity.changes(since: checkpoint.identity)
        if !changes.isEmpty {
            throw CheckpointError(.inputChanged, "cannot resume: \(changes.joined(separator: "; ")). Run without --resume to start over.")
        }
        logger.notice("resuming from the checkpoint", metadata: [
            "rows.read": "\(checkpoint.records)", "rows.written": "\(checkpoint.rowsWritten)",
            "rows.quarantined": "\(checkpoint.rowsQuarantined)",
        ])
        return checkpoint
    }

    /// A killed run had both outputs complete and durable: finish its renames.
    mutating func finishCommit(_ checkpoint: Checkpoint) throws -> JobSummary {
        try AtomicOutputFile.publishLeftover(path: plan.quarantinePath)
        faults.point("between-renames")
        try AtomicOutputFile.publishLeftover(path: outputPath)
        removeCheckpoint()
        counts = JobCounts(checkpoint)
        report(.succeeded)
        logger.info("job finished (the resumed run only had to publish its outputs)")
        return counts.summary(plan: plan, status: .succeeded, elapsed: elapsed, output: outputPath, error: nil)
    }

    /// Opens the writer and the quarantine, continuing a checkpoint's files when resuming, and
    /// moves the reader to the checkpoint's position.
    mutating func openOutputs(resuming checkpoint: Checkpoint?) throws {
        let out = try plan.makeWriter(resuming: checkpoint != nil)
        writer = out
        let rejected = try plan.makeQuarantine(resuming: checkpoint != nil)
        quarantine = rejected
        guard let checkpoint else {
            // Writers without checkpoints (Parquet buffers row groups) run without them.
            if checkpointPath != nil, try out.checkpoint() == nil { checkpointPath = nil }
            return
        }
        try out.resume(from: checkpoint.output)
        try rejected.resume(from: checkpoint.quarantine)
        counts = JobCounts(checkpoint)
        position = checkpoint.position
        if let p = checkpoint.position, try plan.reader.seek(to: p) { return }
        var left = checkpoint.records
        while left > 0 {
            guard let read = try plan.reader.next(maxRows: min(left, 65536)) else {
                throw CheckpointError(.inputChanged, "cannot resume: the input ends before the checkpoint's row \(checkpoint.records)")
            }
            left -= read.rowsRead
        }
    }

    /// Records a checkpoint when the job has them; true when one was recorded.
    mutating func checkpointIfPossible(phase: Checkpoint.Phase) throws -> Bool {
        guard let checkpointPath, let identity, let writer, let quarantine else { return false }
        // The outputs first: every byte the checkpoint counts must be on disk before it is.
        guard let output = try writer.checkpoint(), let rejected = try quarantine.checkpoint() else { return false }
        let checkpoint = Checkpoint(identity: identity, phase: phase, records: counts.read,
                                    position: positionKnown ? position : nil, rowsWritten: counts.written,
                                    rowsQuarantined: counts.quarantined, quarantinedByRule: counts.byRule,
                                    output: output, quarantine: rejected)
        try checkpoint.save(path: checkpointPath)
        return true
    }

    func removeCheckpoint() {
        if let checkpointPath { Checkpoint.remove(path: checkpointPath) }
    }

    // MARK: - Streaming

    /// Streams the input through the workers until its end, a stop request or an error; true
    /// when a stop request kept the reader from the end.
    mutating func stream() throws -> Bool {
        guard let writer, let quarantine else { return false }
        // The workers' cores come from the process's budget, shared with the other running jobs:
        // what is free, at least one. Loops beneath them (trees, Parquet columns) borrow the rest.
        let workers = plan.cores.reserve(upTo: plan.workers)
        defer { plan.cores.release(workers) }
        if workers < plan.workers {
            logger.info("fewer workers than asked: the other jobs of this process hold the cores",
                        metadata: ["workers": "\(workers)", "asked": "\(plan.workers)"])
        }
        report(.running)
        let pipeline = Pipeline(capacity: 2 * workers, cores: plan.cores)
        let sizer = BatchSizer(fixed: plan.batchRows, inFlight: pipeline.capacity)
        let scorers = try (0 ..< workers).map { try BatchScorer(plan: plan, encoder: writer.encoder, clock: clock, first: $0 == 0) }
        let threads = ThreadGroup()
        let reader = HandOver(value: plan.reader)
        let retry = self.retry, logger = self.logger, stop = runner.stop, faults = self.faults
        let stoppedEarly = Atomic<Bool>(false)
        threads.spawn(name: "batchscore-reader") {
            var units = 0
            while pipeline.waitForRoom() {
                if stop.reason != nil {
                    stoppedEarly.store(true, ordering: .releasing)
                    break
                }
                do {
                    guard let unit = try retry.run("read", logger: logger, { try reader.value.nextUnit(maxRows: sizer.rows) }) else { break }
                    faults.point("read", index: units)
                    units += 1
                    pipeline.submit(unit)
                } catch {
                    pipeline.fail(error)
                    return
                }
            }
            pipeline.finishSource()
        }
        for (i, scorer) in scorers.enumerated() {
            let scorer = HandOver(value: scorer)
            threads.spawn(name: "batchscore-worker-\(i)") {
                while let work = pipeline.nextWork() {
                    pipeline.complete(work.seq, Result { try scorer.value.process(work.unit) })
                }
            }
        }
        defer {
            pipeline.cancel()
            threads.wait()
        }

        let interval = plan.checkpointSeconds
        var lastCheckpoint = clock.monotonicSeconds()
        var seq = 0
        while let outcome = pipeline.take(seq) {
            let scored = try outcome.get()
            try retry.run("write", logger: logger) { try writer.write(encoded: scored.encoded) }
            faults.point("mid-batch", index: seq)
            try retry.run("quarantine", logger: logger) { try quarantine.append(scored.rejections) }
            counts.add(read: scored.rowsRead, written: scored.encoded.rows, rejections: scored.rejections)
            if let end = scored.end { position = end } else { positionKnown = false }
            sizer.observe(rows: scored.rowsRead, seconds: scored.seconds, bytes: scored.footprint)
            logger.debug("batch done", metadata: ["rows": "\(scored.rowsRead)", "rejected": "\(scored.rejections.count)"])
            if let end = scored.end { bytesRead = end.byteOffset }
            report(.running)
            if plan.budget.isExceeded(rejected: counts.quarantined, read: counts.read) {
                throw ErrorBudgetExceeded(rejected: counts.quarantined, read: counts.read, budget: plan.budget,
                                          quarantinePath: plan.quarantinePath)
            }
            if checkpointPath != nil, clock.monotonicSeconds() - lastCheckpoint >= interval {
                _ = try checkpointIfPossible(phase: .running)
                lastCheckpoint = clock.monotonicSeconds()
                faults.point("after-checkpoint", index: seq, stop: stop)
            }
            seq += 1
        }
        return stoppedEarly.load(ordering: .acquiring)
    }

    // MARK: - Commit

    /// Two phases: everything that can fail (flush, fsync) for both files first, then the renames,
    /// so predictions and quarantine appear together or not at all. A checkpoint between the two
    /// lets a run killed during the renames finish them on `--resume`.
    mutating func commit() throws {
        guard let writer, let quarantine else { return }
        report(.committing)
        try retry.run("prepare quarantine", logger: logger) { try quarantine.prepare() }
        try retry.run("prepare output", logger: logger) { try writer.prepare() }
        _ = try checkpointIfPossible(phase: .committing)
        faults.point("before-renames")
        if externalOutput {
            // A database's COMMIT can still fail where a rename hardly can: the table first, so a
            // refused commit publishes no quarantine either.
            try writer.commit()
            try quarantine.commit()
        } else {
            try quarantine.commit()
            faults.point("between-renames")
            try writer.commit()
        }
        removeCheckpoint()
    }

    func failed(_ error: any Error) -> JobFailure {
        report(.failed)
        logger.error("job failed", metadata: ["error": "\(error)"])
        return JobFailure(error: error, summary: counts.summary(plan: plan, status: .failed, elapsed: elapsed,
                                                                output: outputPath, error: error))
    }

    // MARK: - Progress

    /// Seconds since this run started, on the job's clock.
    var elapsed: Double { clock.monotonicSeconds() - started }

    /// Tells the observer, if there is one, where the job is.
    func report(_ phase: JobProgress.Phase) {
        guard let observe = runner.options.onProgress else { return }
        var p = JobProgress(phase: phase)
        p.rowsRead = counts.read
        p.rowsWritten = counts.written
        p.rowsQuarantined = counts.quarantined
        p.bytesRead = bytesRead
        p.totalBytes = positionKnown ? plan.reader.totalBytes : nil
        p.seconds = elapsed
        observe(p)
    }
}

/// A failed job: the cause plus the summary of what happened until then.
public struct JobFailure: Error {
    public var error: any Error
    public var summary: JobSummary
}

/// The runtime broke one of its own guarantees (rows read = written + quarantined). Never expected.
public struct RuntimeInvariantError: BatchScoreError {
    private enum Reason: Equatable {
        case rowsUnaccounted(read: Int, written: Int, quarantined: Int)
    }
    private let reason: Reason

    /// The counts at the end of a run do not add up.
    public static func rowsUnaccounted(read: Int, written: Int, quarantined: Int) -> RuntimeInvariantError {
        .init(reason: .rowsUnaccounted(read: read, written: written, quarantined: quarantined))
    }

    /// Which guarantee broke, with the figures, and that nothing was published.
    public var description: String {
        switch reason {
        case .rowsUnaccounted(let read, let written, let quarantined):
            "internal error: rows read (\(read)) ≠ rows written (\(written)) + rows quarantined (\(quarantined)); no output was committed — please report this"
        }
    }
}
