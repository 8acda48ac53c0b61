#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// SIGINT and SIGTERM as a request to stop gracefully: the CLI's job (whose `StopToken` polls this)
/// stops reading, finishes the batches in flight, records a checkpoint and exits 130 / 143 saying
/// how to resume. Signals are process-wide, so this state lives here, at the edge, in the
/// executable; the runtime only sees the job's token.
/// A second signal of either kind ends the process at once (the default action), for a user who
/// does not want to wait.
enum StopSignals {
    private static let received = Atomic<Int32>(0)

    /// The signal that asked to stop, or nil.
    static var signal: Int32? {
        let s = received.load(ordering: .acquiring)
        return s == 0 ? nil : s
    }

    /// Installs the handlers (once per process; the CLI calls it before running a job). A signal
    /// the parent set to be ignored (`nohup`, a background job's SIGINT) stays ignored, as is
    /// conventional; one the parent blocked (threads of a test runner or a service often block
    /// them, and children inherit the mask) is unblocked, or a stop request would never arrive.
    static func install() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM] {
            let previous = Glibc.signal(sig) { sig in
                // Async-signal-safe: an atomic store, and resetting the handler so a second
                // signal takes the default action.
                StopSignals.received.store(sig, ordering: .releasing)
                _ = Glibc.signal(sig, SIG_DFL)
            }
            if let previous, unsafeBitCast(previous, to: Int.self) == 1 /* SIG_IGN */ { _ = Glibc.signal(sig, SIG_IGN) }
            sigaddset(&unblock, sig)
        }
        _ = pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }
}
