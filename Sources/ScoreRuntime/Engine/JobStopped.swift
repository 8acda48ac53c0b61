#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ScoreCore

/// A job stopped before its input ended (a signal, or a cancellation), after recording a checkpoint
/// where it could.
public struct JobStopped: BatchScoreError {
    public var reason: StopReason
    public var rowsRead: Int
    /// Whether a checkpoint was recorded (false for outputs that cannot resume, such as stdout).
    public var resumable: Bool
    public var category: ErrorCategory { .failure }

    public var description: String {
        let by: String
        switch reason {
        case .cancelled: by = "cancelled"
        case .signal(let s): by = "stopped by " + (s == SIGINT ? "SIGINT" : s == SIGTERM ? "SIGTERM" : "signal \(s)")
        }
        if resumable {
            return "\(by) after \(rowsRead) rows; a checkpoint was recorded: run the same command with --resume to continue"
        }
        return "\(by) after \(rowsRead) rows; this output cannot be resumed (stdout, or a writer without checkpoints): run the job again"
    }

    /// 128 + the signal, as shells report a process ended by it (130 for SIGINT, 143 for SIGTERM);
    /// 130 for a cancellation, as for an interrupt.
    public var exitCode: Int32 {
        if case .signal(let s) = reason { return 128 + s }
        return 128 + SIGINT
    }
}
