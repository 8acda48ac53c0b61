import ScoreCore

/// The one place that maps errors to process exit codes (documented in README and `--help`).
public enum ExitStatus {
    /// The job succeeded.
    public static let ok: Int32 = 0
    /// Any other failure: unreadable input, a broken model file, I/O.
    public static let failure: Int32 = 1
    /// The job spec is invalid.
    public static let invalidSpec: Int32 = 2
    /// More rows were rejected than `runtime.max_rejected` allows.
    public static let budgetExceeded: Int32 = 3
    /// Stopped by SIGINT (130) or SIGTERM (143) after recording a checkpoint: 128 + the signal.
    /// swift-argument-parser's code for bad command-line usage.
    public static let usage: Int32 = 64

    /// The exit code for `error`, by its `ErrorCategory`; errors that are not `BatchScoreError`s exit 1.
    public static func code(for error: any Error) -> Int32 {
        if let stopped = error as? JobStopped { return stopped.exitCode }
        guard let e = error as? any BatchScoreError else { return failure }
        switch e.category {
        case .invalidSpec: return invalidSpec
        case .budgetExceeded: return budgetExceeded
        case .failure: return failure
        }
    }
}
