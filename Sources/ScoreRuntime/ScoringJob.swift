import Foundation
import ScoreCore
import ScoreJobSpec
import Synchronization
import ScoreBuiltins

/// One job, run as a library call: what a server, a test or another program uses instead of the CLI.
///
///     let job = try ScoringJob(spec: try JobSpecLoader.load(path: "job.yaml", registry: BuiltinPlugins.registry),
///                              options: options)
///     let summary = try await job.run()   // job.progress from any thread; job.cancel() to stop it
///
/// Everything the job needs (logger, cores, clock, stop token, fault points) comes from its
/// `JobOptions`, so any number of jobs run side by side in one process; give them the same `CPUBudget`.
/// Building the job builds its plan: the model is loaded and the input opened (its header read), so
/// a bad spec, model or input fails here, before `run`. That is blocking I/O: from async code use
/// `ScoringJob.make(spec:options:)`, which builds on a thread of its own.
public final class ScoringJob: Sendable {
    /// The job's `name`, or its file when the spec has none.
    public let name: String
    /// Where the job reads and writes (its predictions, its quarantine).
    public let endpoints: JobEndpoints
    private let options: JobOptions
    private let manifestFacts: RunManifestBuilder.Facts
    private let stop: StopToken
    /// The plan, until `run` takes it: a job runs once.
    private let plan: Mutex<HandOver<ScoringPlan>?>
    private let latest: Mutex<JobProgress>

    /// Builds the job's plan from `spec` against `options.registry` and `options.cores`.
    public init(spec: JobSpec, options: JobOptions = JobOptions()) throws {
        let plan = try ScoringPlan.build(spec: spec, registry: options.registry, cores: options.cores ?? CPUBudget())
        name = spec.name ?? spec.file
        endpoints = plan.endpoints
        manifestFacts = RunManifestBuilder.Facts(plan: plan)
        // A token of its own, so `cancel()` stops this job only, also when the caller passed one
        // token (a shutdown switch, say) to several jobs: that one still stops them all.
        if let outer = options.stop {
            stop = StopToken(external: { outer.reason })
        } else {
            stop = StopToken()
        }
        var options = options
        options.stop = stop
        self.options = options
        self.plan = Mutex(HandOver(value: plan))
        latest = Mutex(JobProgress(phase: .starting))
    }

    /// Builds the job (its plan: model loaded, input opened) on a thread of its own, so the caller's
    /// task never blocks on that I/O (an input on stdin waits for its first bytes).
    public static func make(spec: JobSpec, options: JobOptions = JobOptions()) async throws -> ScoringJob {
        let box = HandOver(value: spec)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ScoringJob, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try ScoringJob(spec: box.value, options: options) }) }
            thread.name = "batchscore-plan"
            thread.stackSize = ScoringJob.threadStack
            thread.start()
        }
    }

    /// The stack of a job's own threads, as the engine's (`ThreadGroup`).
    static let threadStack = 8 << 20

    /// What ran — the tool, the spec's and model's hashes, the input's size and mtime now — for
    /// `SummaryDocument`; call it after `run`.
    public func manifest(startedAt: Date, finishedAt: Date) -> RunManifest {
        manifestFacts.manifest(startedAt: startedAt, finishedAt: finishedAt)
    }

    /// The latest progress: phase, rows read / written / quarantined, rows/s, ETA.
    public var progress: JobProgress { latest.withLock { $0 } }

    /// Asks the job to stop at the next batch boundary: the batches in flight finish, a checkpoint
    /// is recorded (where the outputs allow), nothing is committed, and `run` throws a `JobFailure`
    /// whose summary says `cancelled` and whose error is a `JobStopped`. Running it again with
    /// `options.resume` continues from the checkpoint. Cancelling the task that awaits `run` does
    /// the same. Other jobs are not touched.
    public func cancel() { stop.cancel() }

    /// Runs the job to its end on threads of its own (the engine's reader, workers and sink), not
    /// on the caller's task, and returns its summary. Throws `JobFailure` (the cause and the summary
    /// so far) when the job fails or is cancelled. A job runs once: a second call throws.
    public func run() async throws -> JobSummary {
        guard let taken = plan.withLock({ slot -> HandOver<ScoringPlan>? in defer { slot = nil }; return slot }) else {
            throw ScoringJobError.alreadyRun(name)
        }
        var options = self.options
        let observer = options.onProgress
        options.onProgress = { [self] progress in
            latest.withLock { $0 = progress }
            observer?(progress)
        }
        let runner = HandOver(value: JobRunner(plan: taken.value, options: options))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JobSummary, any Error>) in
                // A thread, not a task: the engine blocks (it waits on its pipeline and on I/O), and a
                // blocked task would hold one of the few cooperative threads every other job needs.
                let thread = Thread {
                    continuation.resume(with: Result { try runner.value.run() })
                }
                thread.name = "batchscore-job"
                thread.stackSize = ScoringJob.threadStack
                thread.start()
            }
        } onCancel: { [stop] in
            stop.cancel()
        }
    }
}

/// A misuse of `ScoringJob`.
public struct ScoringJobError: BatchScoreError, Equatable {
    private enum Reason: Equatable {
        case alreadyRun(String)
    }
    private let reason: Reason

    /// `run()` was called on a job that has run (or is running) already.
    public static func alreadyRun(_ job: String) -> ScoringJobError { .init(reason: .alreadyRun(job)) }

    /// What went wrong and what to do instead.
    public var description: String {
        switch reason {
        case .alreadyRun(let job): "job \(job) has already run; a ScoringJob runs once (build another to run it again, with options.resume to continue a checkpoint)"
        }
    }
}
