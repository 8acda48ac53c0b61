import Logging
import ScoreBuiltins
import ScoreCore

/// Everything one job needs from whoever runs it — a server, a test, the CLI — passed in rather
/// than read from process globals, so many jobs can run side by side in one process.
public struct JobOptions: Sendable {
    /// Continue from the job's checkpoint, if it has one (`batchscore run --resume`).
    public var resume = false
    /// Where the job logs. Default: nowhere.
    public var logger = Logger(label: "batchscore", factory: { _ in SwiftLogNoOpLogHandler() })
    /// The cores the job shares with the other jobs of the process; give every job the same one.
    /// Nil: a budget of this machine's cores for this job alone.
    public var cores: CPUBudget?
    /// The job's stop request; `ScoringJob.cancel()` sets it. Nil: a fresh token that follows no
    /// process signal (the CLI passes one that follows SIGINT and SIGTERM).
    public var stop: StopToken?
    /// The job's clocks: intervals, the wall clock, retry waits.
    public var clock: any JobClock = SystemClock()
    /// Crash points for resume tests; `.none` in production.
    public var faults = FaultPoints.none
    /// The plugins a spec may name (`ScoringJob(spec:options:)` builds its plan against them).
    public var registry = BuiltinPlugins.registry
    /// Called after every batch and at every phase change, on the job's own thread: keep it short.
    public var onProgress: (@Sendable (JobProgress) -> Void)?

    public init() {}
}
