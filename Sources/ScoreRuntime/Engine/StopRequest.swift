#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ScoreCore
import Synchronization

/// SIGINT and SIGTERM as a request to stop gracefully: the runtime stops reading, finishes the
/// batches in flight, records a checkpoint and exits 130 / 143 saying how to resume.
/// A second signal of either kind ends the process at once (the default action), for a user who
/// does not want to wait.
public enum StopRequest {
    private static let received = Atomic<Int32>(0)

    /// The signal that asked to stop, or nil.
    public static var signal: Int32? {
        let s = received.load(ordering: .acquiring)
        return s == 0 ? nil : s
    }

    /// Installs the handlers (once per process; the CLI calls it before running a job). A signal
    /// the parent set to be ignored (`nohup`, a background job's SIGINT) stays ignored, as is
    /// conventional; one the parent blocked (threads of a test runner or a service often block
    /// them, and children inherit the mask) is unblocked, or a stop request would never arrive.
    public static func install() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM] {
            let previous = Glibc.signal(sig) { sig in
                // Async-signal-safe: an atomic store, and resetting the handler so a second
                // signal takes the default action.
                StopRequest.received.store(sig, ordering: .releasing)
                _ = Glibc.signal(sig, SIG_DFL)
            }
            if let previous, unsafeBitCast(previous, to: Int.self) == 1 /* SIG_IGN */ { _ = Glibc.signal(sig, SIG_IGN) }
            sigaddset(&unblock, sig)
        }
        _ = pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Asks to stop as a signal would (tests; an embedding program).
    public static func request(_ sig: Int32) {
        received.store(sig, ordering: .releasing)
    }

    /// Forgets a request (tests).
    public static func reset() {
        received.store(0, ordering: .releasing)
    }
}

/// A job stopped by SIGINT or SIGTERM after recording a checkpoint.
public struct JobStopped: BatchScoreError {
    public var signal: Int32
    public var rowsRead: Int
    /// Whether a checkpoint was recorded (false for outputs that cannot resume, such as stdout).
    public var resumable: Bool
    public var category: ErrorCategory { .failure }

    public var description: String {
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
        if resumable {
            return "stopped by \(name) after \(rowsRead) rows; a checkpoint was recorded: run the same command with --resume to continue"
        }
        return "stopped by \(name) after \(rowsRead) rows; this output cannot be resumed (stdout, or a writer without checkpoints): run the job again"
    }

    /// 128 + the signal, as shells report a process ended by it (130 for SIGINT, 143 for SIGTERM).
    public var exitCode: Int32 { 128 + signal }
}
