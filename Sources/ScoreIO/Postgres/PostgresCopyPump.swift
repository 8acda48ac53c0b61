import Foundation
import ScoreCore
import Synchronization

/// Moves a `COPY … TO STDOUT` from its connection into one end of a socket pair, on a thread of
/// its own, so the CSV reader reads the other end as it reads stdin. Writes block when the
/// socket's buffer is full (bounded memory); when the reader closes its end (a job stopped
/// early) the pump asks the server to cancel the COPY and ends.
///
/// A COPY that fails mid-way (the connection lost, the query failing on a row) ends the stream at
/// a row boundary; `finish` then throws, so a short stream is never taken for the whole input.
final class PostgresCopyPump: @unchecked Sendable {
    // @unchecked: `connection` is used by the pump thread only, after `start`; the outcome is in a Mutex.
    /// The end the reader reads.
    let readEnd: Int32
    private let writeEnd: Int32
    private let connection: PostgresConnection
    private let outcome = Mutex<Outcome>(.running)
    private let done = DispatchSemaphore(value: 0)
    /// For stopping the query from another thread (libpq's cancel request is thread-safe).
    private let canceller: PostgresConnection.Canceller?

    private enum Outcome {
        case running
        case finished
        case failed(PostgresError)
    }

    init(connection: PostgresConnection) throws {
        var fds: [Int32] = [0, 0]
        #if canImport(Glibc)
        let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let kind = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, kind, 0, &fds) == 0 else {
            throw PostgresError(message: "cannot make a socket pair: \(String(cString: strerror(errno)))", isTransient: false)
        }
        readEnd = fds[0]
        writeEnd = fds[1]
        self.connection = connection
        canceller = connection.canceller()
    }

    /// The reader is gone: cancel the query on the server. The pump then ends (its COPY fails, or
    /// its next send finds the reader's end closed) without reading the rest of the result.
    func stop() {
        let state = outcome.withLock { $0 }
        if case .running = state { canceller?.cancel() }
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "batchscore-postgres-copy"
        thread.start()
    }

    private func run() {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 18)
        var readerGone = false
        func flush() -> Bool {
            var sent = 0
            while sent < buffer.count {
                let n = buffer.withUnsafeBytes { send(writeEnd, $0.baseAddress! + sent, $0.count - sent, Self.noSignal) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return false  // EPIPE: the reader has closed its end
                }
                sent += n
            }
            buffer.removeAll(keepingCapacity: true)
            return true
        }
        var result = Outcome.finished
        do {
            while try connection.copyOut({ row in buffer.append(contentsOf: row) }) {
                if buffer.count >= 1 << 17, !flush() {
                    readerGone = true
                    break
                }
            }
            if !readerGone, !flush() { readerGone = true }
        } catch let error as PostgresError {
            // Rows up to the failure are in the stream; the reader sees its end and asks `finish`.
            _ = flush()
            result = .failed(PostgresError(message: error.message, sqlState: error.sqlState, isTransient: false))
        } catch {
            result = .failed(PostgresError(message: "\(error)", isTransient: false))
        }
        if readerGone {
            // Closing the connection (when the pump and the reader let go of it) ends the COPY;
            // the cancel stops the query at once instead of after its rows are drained.
            canceller?.cancel()
        }
        shutdown(writeEnd, Int32(SHUT_WR))
        close(writeEnd)
        outcome.withLock { $0 = result }
        done.signal()
    }

    #if os(Linux)
    /// No SIGPIPE when the reader has closed its end: `send` fails with EPIPE instead.
    static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    static let noSignal: Int32 = 0
    #endif

    /// Waits for the pump to end (the reader has read to the stream's end) and throws its
    /// failure, if any — again on every call.
    func finish() throws {
        let state = outcome.withLock { $0 }
        if case .running = state {
            done.wait()
            done.signal()
        }
        if case .failed(let error) = outcome.withLock({ $0 }) { throw error }
    }
}
