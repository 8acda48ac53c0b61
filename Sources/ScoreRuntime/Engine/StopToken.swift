import ScoreCore
import Synchronization

/// Why a job stopped before its input ended.
public enum StopReason: Sendable, Equatable {
    /// SIGINT or SIGTERM, as the program running the job (the CLI) translated it.
    case signal(Int32)
    /// `ScoringJob.cancel()` (or the task running it was cancelled).
    case cancelled
}

/// One job's request to stop: the runtime polls it between batches, stops reading, finishes the
/// batches in flight, records a checkpoint and ends with `JobStopped`. Each job has its own, so
/// cancelling one job leaves every other job in the process running.
public final class StopToken: Sendable {
    /// 0: running; -1: cancelled.
    private let state = Atomic<Int32>(0)
    /// A second source of stop requests, polled with the token (the CLI's signals).
    private let external: (@Sendable () -> StopReason?)?

    /// A token that only `cancel` sets, or also stops when `external` returns a reason (polled
    /// between batches; it must be cheap and must not block).
    public init(external: (@Sendable () -> StopReason?)? = nil) {
        self.external = external
    }

    /// Asks the job to stop at the next batch boundary. Asking again changes nothing.
    public func cancel() {
        _ = state.compareExchange(expected: 0, desired: -1, ordering: .releasing)
    }

    /// Why the job must stop, or nil while it may go on.
    public var reason: StopReason? {
        if state.load(ordering: .acquiring) == -1 { return .cancelled }
        return external?()
    }
}
