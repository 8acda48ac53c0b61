#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// `path: -`: the readers' stdin and the writers' stdout.
public enum StandardStreams {
    /// The path that names stdin for a reader and stdout for a writer.
    public static let path = "-"
    /// The input's name in messages and the quarantine's `source` column.
    public static let inputName = "<stdin>"
    /// The output's name in messages and the summary.
    public static let outputName = "<stdout>"

    /// True when `path` (as the job spec writes it) names a standard stream.
    public static func isStream(_ path: String?) -> Bool { path == Self.path }
}

extension OpenedFile {
    /// A duplicate of stdin, so closing it when the reader goes away leaves fd 0 alone.
    static func standardInput() throws(Failure) -> OpenedFile {
        let fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
        if fd < 0 {
            let code = errno
            throw Failure(message: "cannot read stdin: \(SystemErrors.message(code))", code: code)
        }
        return OpenedFile(fd: fd, size: nil, isStream: true)
    }

    /// stdin for `-`, else the regular file at `resolved`.
    static func opening(written: String, resolved: String) throws(Failure) -> OpenedFile {
        StandardStreams.isStream(written) ? try standardInput() : try openFile(resolved)
    }
}

/// Where a writer's bytes go: an `AtomicOutputFile`, or stdout.
protocol OutputSink: StagedOutput {
    /// The path or stream name, for messages.
    var path: String { get }
    /// Appends `bytes`; see the conforming types for what a failure leaves behind.
    func write(_ bytes: [UInt8]) throws
}

extension AtomicOutputFile: OutputSink {}

extension OutputSink {
    /// Every write so far made durable, and where the file stands; nil on stdout (not resumable).
    func checkpoint(headerWritten: Bool) throws -> WriterCheckpoint? {
        guard let atomic = self as? AtomicOutputFile else { return nil }
        try atomic.sync()
        return WriterCheckpoint(bytes: atomic.offset, headerWritten: headerWritten)
    }

    /// Continues the temporary file a killed run left (opened with `keepExisting`).
    func resume(from checkpoint: WriterCheckpoint) throws {
        guard let atomic = self as? AtomicOutputFile else { throw OutputError(.notResumable, file: path, "stdout output cannot be resumed") }
        try atomic.resume(at: checkpoint.bytes)
    }
}

/// stdout, streamed: each write goes out at once, so nothing is atomic — a consumer sees the rows
/// of every batch written before a failure, and `abort` cannot take them back. A write that
/// fails part way cannot be retried (some bytes may have gone), so its errors are never transient.
final class StandardOutputSink: OutputSink {
    let path = StandardStreams.outputName
    private let fd: Int32
    private var broken = false

    init() throws {
        let fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0)
        if fd < 0 { throw OutputError(.unwritable, file: StandardStreams.outputName, "cannot write stdout: \(SystemErrors.message(errno))") }
        self.fd = fd
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) throws {
        if broken { throw OutputError(.unwritable, file: path, "an earlier write failed part way; stdout output cannot be retried") }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    broken = true
                    throw OutputError(.unwritable, file: path, "write failed: \(SystemErrors.message(code))")
                }
                done += n
            }
        }
    }

    /// Nothing to make durable: a pipe has no storage, and a redirected file is the shell's.
    func prepare() throws {}

    /// Everything is already visible.
    func publish() throws {}

    /// The bytes written have been read already; nothing can be taken back.
    func abort() {}
}

/// `write(2)`, named apart from the sinks' `write` methods.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
