#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// An output file that appears at its path only when committed, whole.
///
/// Bytes go to `.NAME.batchscore-tmp` beside the target (same folder, so the final rename is
/// atomic), written with `pwrite` at a tracked offset: a failed write leaves the offset where it
/// was, and retrying it rewrites the same bytes in the same place. `commit` makes the bytes
/// durable and then visible (fsync, rename, fsync the folder); `abort` removes the temporary file.
/// A class owned by one writer, used by one task at a time.
public final class AtomicOutputFile {
    private enum State {
        case open(Int32)
        /// Durable and closed; only the rename remains.
        case prepared
        case committed
        case aborted
    }

    /// The final path.
    public let path: String
    /// Where the bytes go until `commit`.
    public let temporaryPath: String
    /// Bytes written so far (the offset of the next write).
    public private(set) var offset: Int64 = 0
    private var state: State

    /// Creates the folder if missing and opens the temporary file (replacing a stale one from a crashed run).
    /// - Throws: `OutputError` when the folder or file cannot be created.
    public init(path: String) throws {
        self.path = path
        let (folder, name) = Self.split(path)
        temporaryPath = (folder.isEmpty ? "" : folder + "/") + "." + name + ".batchscore-tmp"
        if !folder.isEmpty { try Self.makeFolders(folder, for: path) }
        let fd = temporaryPath.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        if fd < 0 { throw Self.error(path, "cannot create \(temporaryPath)", errno) }
        state = .open(fd)
    }

    deinit { abort() }

    /// Appends `bytes`. On failure nothing advances, so the same call can be retried.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard case .open(let fd) = state else { throw OutputError(file: path, "write after commit or abort") }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + Int64(done)))
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw Self.error(path, "write failed", code)
            }
            done += n
        }
        offset += Int64(bytes.count)
    }

    /// Appends `bytes`. On failure nothing advances, so the same call can be retried.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Makes the file durable (truncate to what was written, fsync, close) without making it
    /// visible. Calling it again does nothing.
    public func prepare() throws {
        guard case .open(let fd) = state else {
            if case .prepared = state { return }
            if case .committed = state { return }
            throw OutputError(file: path, "commit after abort")
        }
        // Drop bytes past the offset (a failed write that was not retried), then make them durable.
        if ftruncate(fd, off_t(offset)) != 0 { throw Self.error(path, "truncate failed", errno) }
        // A failed fsync is not retried: after one, the kernel may have dropped the dirty pages,
        // so a second fsync could report success for lost data.
        if fsync(fd) != 0 { throw OutputError(file: path, "fsync failed: \(SystemErrors.message(errno))") }
        close(fd)
        state = .prepared
    }

    /// Moves the prepared file to `path` and makes the rename durable. Prepares first if needed.
    public func publish() throws {
        try prepare()
        guard case .prepared = state else { return }
        let renamed = temporaryPath.withCString { from in path.withCString { to in rename(from, to) } }
        if renamed != 0 {
            let code = errno
            _ = temporaryPath.withCString { unlink($0) }
            state = .aborted
            throw Self.error(path, "cannot rename \(temporaryPath) to \(path)", code)
        }
        state = .committed
        let folder = Self.split(path).folder
        let dirFD = (folder.isEmpty ? "." : folder).withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// `prepare` then `publish`: durable, then visible.
    public func commit() throws {
        try publish()
    }

    /// Closes and removes the temporary file; the target is left untouched. Safe to call twice.
    public func abort() {
        switch state {
        case .open(let fd):
            close(fd)
            _ = temporaryPath.withCString { unlink($0) }
        case .prepared:
            _ = temporaryPath.withCString { unlink($0) }
        case .committed, .aborted:
            return
        }
        state = .aborted
    }

    private static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    /// `mkdir -p folder`.
    private static func makeFolders(_ folder: String, for path: String) throws {
        var current = folder.hasPrefix("/") ? "" : "."
        for part in folder.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + part
            if current.withCString({ mkdir($0, 0o755) }) != 0 {
                let code = errno
                if code != EEXIST { throw error(path, "cannot create folder \(current)", code) }
            }
        }
    }

    private static func error(_ path: String, _ what: String, _ code: Int32) -> OutputError {
        OutputError(file: path, "\(what): \(SystemErrors.message(code))", transient: SystemErrors.isTransient(code))
    }
}
