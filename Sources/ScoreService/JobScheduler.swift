import Foundation
import Logging
import ScoreCore
import ScoreJobSpec
import ScoreIO
import ScoreRuntime
import ServiceLifecycle

/// Runs the queue: claims jobs (priority, then age) while fewer than `max_concurrent_jobs` run,
/// runs each on the engine with the process's one CPU budget, and records how each attempt ended.
/// A transient failure (I/O) is retried with exponential backoff and jitter; a deterministic one
/// (spec, model, error budget) fails at once. On a graceful shutdown it stops claiming, stops
/// the running jobs at a batch boundary (each records its checkpoint) and puts them back in the
/// queue without counting the attempt; the next start resumes them.
actor JobScheduler: Service {
    private let context: ServiceState
    private var running: [String: Task<Void, Never>] = [:]
    /// The engine's job per running id, once built (for `cancel`).
    private var jobs: [String: ScoringJob] = [:]
    private var accepting = true
    private var waiter: CheckedContinuation<Void, Never>?
    private var wakePending = false

    init(context: ServiceState) { self.context = context }

    func run() async throws {
        let recovered = try await context.store.recoverInterrupted(now: Date().timeIntervalSince1970)
        if !recovered.requeued.isEmpty {
            context.logger.notice("resuming jobs the last server left running", metadata: ["jobs": "\(recovered.requeued.joined(separator: ","))"])
        }
        await withGracefulShutdownHandler {
            await loop()
        } onGracefulShutdown: {
            Task { await self.beginShutdown() }
        }
        await drain()
    }

    /// Claims work whenever a slot is free; sleeps until woken (a submission, a job's end) or until
    /// the next retry is due.
    private func loop() async {
        var lastSweep = 0.0
        while accepting {
            let now = Date().timeIntervalSince1970
            while accepting, running.count < context.config.maxConcurrentJobs {
                let claimed: JobRecord?
                do { claimed = try await context.store.claimNext(now: Date().timeIntervalSince1970) } catch {
                    context.logger.error("cannot claim a job", metadata: ["error": "\(error)"])
                    claimed = nil
                }
                guard let claimed else { break }
                start(claimed)
            }
            // Retention is swept every minute (sooner when it is shorter than two).
            if now - lastSweep > min(60, max(1, context.config.retentionSeconds / 2)) {
                lastSweep = now
                await context.sweepRetention(now: now)
            }
            let next = (try? await context.store.nextStartTime()) ?? nil
            let wait = next.map { max(0.01, min(5, $0 - Date().timeIntervalSince1970)) } ?? 5
            await sleep(seconds: wait)
        }
    }

    /// Wakes the loop: a job was submitted or ended.
    func wake() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            wakePending = true
        }
    }

    private func sleep(seconds: Double) async {
        if wakePending {
            wakePending = false
            return
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            await self?.wake()
        }
        await withCheckedContinuation { waiter = $0 }
        wakePending = false
        timer.cancel()
    }

    private func start(_ record: JobRecord) {
        context.metrics.queueWait.recordNanoseconds(Int64(max(0, (record.startedAt ?? 0) - record.notBefore) * 1e9))
        let id = record.id
        running[id] = Task {
            await self.execute(record)
            self.finished(id)
        }
    }

    private func finished(_ id: String) {
        running[id] = nil
        jobs[id] = nil
        context.board.remove(id)
        if running.isEmpty { AllocatorTuning.releaseFreeMemory() }
        wake()
    }

    private func attach(_ job: ScoringJob, to id: String) -> Bool {
        jobs[id] = job
        return accepting
    }

    /// Stops a running job at its next batch boundary (DELETE). The caller has marked the row.
    func cancel(_ id: String) {
        jobs[id]?.cancel()
    }

    private func beginShutdown() {
        guard accepting else { return }
        accepting = false
        context.logger.notice("shutting down: no new jobs; running jobs record their checkpoints", metadata: ["running": "\(running.count)"])
        for job in jobs.values { job.cancel() }
        wake()
    }

    /// Waits for the stopped jobs to record their checkpoints, up to the grace period.
    private func drain() async {
        for job in jobs.values { job.cancel() }
        let deadline = Date().timeIntervalSince1970 + context.config.shutdownGraceSeconds
        while !running.isEmpty, Date().timeIntervalSince1970 < deadline {
            for job in jobs.values { job.cancel() }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    var isShuttingDown: Bool { !accepting }

    /// One attempt of a job, from its spec to its final (or requeued) row.
    private func execute(_ record: JobRecord) async {
        let id = record.id
        var logger = context.logger
        logger[metadataKey: "job_id"] = "\(id)"
        let startedAt = Date()
        let outcome: AttemptOutcome
        do {
            let submitted = try context.loadSpec(record)
            var options = JobOptions()
            options.cores = context.cores
            options.registry = context.registry
            // An earlier attempt (a failed one, one a shutdown stopped, one a kill -9 cut short) may
            // have left a checkpoint: continue it. A first start has none to continue.
            options.resume = record.firstStartedAt != record.startedAt
            options.faults = context.faults
            let redact = Redactor(spec: submitted.spec)
            logger[metadataKey: "attempt"] = "\(record.attempts)"
            options.logger = Logger(label: "batchscore") { [jsonLogs = context.config.jsonLogs] label in
                var handler = StructuredLogHandler(label: label, format: jsonLogs ? .json : .text, redact: redact)
                handler.metadata = ["job_id": "\(id)"]
                return handler
            }
            let board = context.board
            options.onProgress = { board.set(id, $0) }
            logger.info("job started", metadata: ["resume": "\(options.resume)"])
            let job = try await ScoringJob.make(spec: submitted.spec, options: options)
            let stillWanted = attach(job, to: id)
            let cancelRequested = (try? await context.store.job(id: id))??.cancelRequested ?? false
            if !stillWanted || cancelRequested { job.cancel() }
            do {
                let summary = try await job.run()
                writeSummary(summary, job: job, id: id, startedAt: startedAt, redact: redact)
                outcome = .succeeded(summary)
            } catch let failure as JobFailure {
                writeSummary(failure.summary, job: job, id: id, startedAt: startedAt, redact: redact)
                outcome = classify(failure.error, summary: failure.summary, redact: redact)
            }
        } catch {
            outcome = classify(error, summary: nil, redact: Redactor.none)
        }
        await recordOutcome(outcome, for: record, logger: logger)
    }

    /// How an attempt ended.
    enum AttemptOutcome: Sendable {
        case succeeded(JobSummary)
        case failed(message: String, exitCode: Int32, transient: Bool, summary: JobSummary?)
        /// Stopped: by a cancel (the row says so) or by the shutdown (back to the queue).
        case stopped(JobSummary?)
    }

    private func classify(_ error: any Error, summary: JobSummary?, redact: Redactor) -> AttemptOutcome {
        if error is JobStopped { return .stopped(summary) }
        let transient = (error as? any BatchScoreError)?.isTransient ?? false
        return .failed(message: redact("\(error)"), exitCode: ExitStatus.code(for: error), transient: transient, summary: summary)
    }

    private func writeSummary(_ summary: JobSummary, job: ScoringJob, id: String, startedAt: Date, redact: Redactor) {
        var summary = summary
        summary.redact(with: redact)
        do {
            let file = try AtomicOutputFile(path: context.folders.summary(id))
            try SummaryDocument(summary: summary, manifest: job.manifest(startedAt: startedAt, finishedAt: Date())).write(to: file)
        } catch {
            context.logger.warning("cannot write the job's summary", metadata: ["job_id": "\(id)", "error": "\(error)"])
        }
    }

    /// Writes the attempt's end to the job's row (compare-and-set on `running`).
    private func recordOutcome(_ outcome: AttemptOutcome, for record: JobRecord, logger: Logger) async {
        let now = Date().timeIntervalSince1970
        let config = context.config
        let shuttingDown = !accepting
        let progress = context.board.get(record.id)
        let final: JobRecord?
        do {
            final = try await context.store.update(id: record.id, ifIn: [.running]) { job in
                if let progress {
                    job.bytesRead = progress.bytesRead
                    job.totalBytes = progress.totalBytes
                }
                Self.settle(&job, outcome, now: now, config: config, shuttingDown: shuttingDown, jitter: Double.random(in: 0.5 ... 1))
            }
        } catch {
            logger.error("cannot record the job's end; the next start resumes it", metadata: ["error": "\(error)"])
            return
        }
        guard let final else { return }
        logger.info("job \(final.state.rawValue)", metadata: [
            "rows_read": "\(final.rowsRead)", "rows_written": "\(final.rowsWritten)",
            "rows_quarantined": "\(final.rowsQuarantined)", "error": "\(final.error ?? "")",
        ])
        if final.state.isFinal {
            context.metrics.jobFinished(state: final.state)
            if final.state == .succeeded {
                context.metrics.rowsScored.increment(by: Int64(final.rowsWritten))
                context.metrics.rowsRejected.increment(by: Int64(final.rowsQuarantined))
                context.metrics.jobDuration.recordNanoseconds(Int64((now - (final.firstStartedAt ?? now)) * 1e9))
            }
        }
    }

    /// The row after an attempt ended with `outcome`: succeeded; cancelled (a cancel was asked);
    /// back in the queue (stopped by a shutdown, uncounted; or a transient failure with attempts
    /// left, after `base · 2^(attempt-1)` seconds capped at the maximum, times `jitter` in 0.5 ... 1);
    /// or failed with the CLI's exit code.
    static func settle(_ job: inout JobRecord, _ outcome: AttemptOutcome, now: Double, config: ServeConfiguration,
                       shuttingDown: Bool, jitter: Double) {
        switch outcome {
        case .succeeded(let summary):
            copyCounts(summary, to: &job)
            job.state = .succeeded
            job.exitCode = 0
            job.error = nil
            job.finishedAt = now
        case .stopped(let summary):
            copyCounts(summary, to: &job)
            if job.cancelRequested {
                job.state = .cancelled
                job.exitCode = 1
                job.finishedAt = now
            } else {
                // Stopped by the shutdown: back to the queue, resumed by the next start; the
                // attempt is not the job's fault, so it is not counted.
                job.state = .queued
                job.attempts -= 1
                job.notBefore = now
            }
        case .failed(let message, let exitCode, let transient, let summary):
            copyCounts(summary, to: &job)
            job.error = message
            if transient && job.attempts < job.maxAttempts {
                job.state = .queued
                // A shutdown retries at the next start without waiting.
                let backoff = min(config.retryMaxSeconds, config.retryBaseSeconds * pow(2, Double(job.attempts - 1)))
                job.notBefore = shuttingDown ? now : now + backoff * jitter
            } else {
                job.state = .failed
                job.exitCode = Int(exitCode)
                job.finishedAt = now
            }
        }
    }

    private static func copyCounts(_ summary: JobSummary?, to job: inout JobRecord) {
        guard let summary else { return }
        job.rowsRead = summary.rowsRead
        job.rowsWritten = summary.rowsWritten
        job.rowsQuarantined = summary.rowsQuarantined
        job.seconds = summary.seconds
    }
}
