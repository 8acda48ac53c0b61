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
    /// Bytes from here on have not been handed to writeback yet.
    private var writebackStart: Int64 = 0
    private static let writebackChunk: Int64 = 4 << 20
    private var state: State

    /// Creates the folder if missing and opens the temporary file: a stale one from a crashed run
    /// is emptied, or kept when `keepExisting` (a resumed run, which then calls `resume(at:)`).
    /// - Throws: `OutputError` when the folder or file cannot be created.
    public init(path: String, keepExisting: Bool = false) throws {
        self.path = path
        if let kind = Self.nonFileKind(at: path) {
            // The rename at commit would replace it: as root, /dev/null would become a regular file.
            throw OutputError(.unwritable, file: path, "is \(kind), not a file: the output is written beside it and renamed over it, which would replace it; give a file path (or \"-\" for stdout)")
        }
        let folder = Self.split(path).folder
        temporaryPath = Self.temporaryPath(for: path)
        if !folder.isEmpty { try Self.makeFolders(folder, for: path) }
        let fd = temporaryPath.withCString { open($0, O_WRONLY | O_CREAT | (keepExisting ? 0 : O_TRUNC) | O_CLOEXEC, 0o644) }
        if fd < 0 { throw Self.error(path, "cannot create \(temporaryPath)", errno) }
        state = .open(fd)
    }

    /// What `path` is when it exists and is neither a regular file nor a folder ("a device", "a
    /// pipe", "a socket"); nil otherwise. A symlink is followed: its target is what would be replaced.
    public static func nonFileKind(at path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFIFO: return "a pipe"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// Set once `sync` made the bytes durable for a checkpoint: an abandoned file (a stopped
    /// run) then stays for `--resume`; `abort` still removes it.
    private var keepIfAbandoned = false

    deinit {
        if keepIfAbandoned, case .open(let fd) = state {
            close(fd)
        } else if !keepIfAbandoned {
            abort()
        }
    }

    /// Continues a temporary file a killed run left: its first `offset` bytes (made durable by
    /// `sync` before the checkpoint said so) are kept, anything after them is dropped.
    /// - Throws: `OutputError` when the file is shorter than `offset` (it was not the run's).
    public func resume(at offset: Int64) throws {
        guard case .open(let fd) = state else { throw OutputError(.misuse, file: path, "resume after commit or abort") }
        var info = stat()
        if fstat(fd, &info) != 0 { throw Self.error(path, "cannot read \(temporaryPath)", errno) }
        guard Int64(info.st_size) >= offset else {
            throw OutputError(.notResumable, file: path, "cannot resume: \(temporaryPath) holds \(info.st_size) bytes, the checkpoint says \(offset); run again without --resume")
        }
        if ftruncate(fd, off_t(offset)) != 0 { throw Self.error(path, "truncate failed", errno) }
        self.offset = offset
    }

    /// Makes everything written so far durable (for a checkpoint), keeping the file open.
    public func sync() throws {
        guard case .open(let fd) = state else { return }
        if fsync(fd) != 0 { throw OutputError(.unwritable, file: path, "fsync failed: \(SystemErrors.message(errno))") }
        keepIfAbandoned = true
    }

    /// Renames a prepared temporary file a killed run left to its final path (a resumed run whose
    /// checkpoint was taken after both outputs were durable) and makes the rename durable. Does
    /// nothing when the temporary file is gone (it was renamed before the kill).
    public static func publishLeftover(path: String) throws {
        let temporary = temporaryPath(for: path)
        guard access(temporary, F_OK) == 0 else { return }
        if rename(temporary, path) != 0 { throw error(path, "cannot rename \(temporary) to \(path)", errno) }
        syncFolder(of: path)
    }

    /// Removes a temporary file a crashed run left at `path`, if any.
    public static func removeLeftover(path: String) {
        _ = unlink(temporaryPath(for: path))
    }

    /// Where the bytes for `path` go until commit: `.NAME.batchscore-tmp` beside it.
    public static func temporaryPath(for path: String) -> String {
        companionPath(for: path, kind: "tmp")
    }

    /// `.NAME.batchscore-KIND` beside `path`: the hidden files a run keeps next to an output (its
    /// temporary file, checkpoint and lock), in the same folder so renames stay atomic.
    public static func companionPath(for path: String, kind: String) -> String {
        let (folder, name) = split(path)
        return (folder.isEmpty ? "" : folder + "/") + "." + name + ".batchscore-" + kind
    }

    /// fsyncs the folder holding `path`, so a rename or a new file in it survives a power loss.
    public static func syncFolder(of path: String) {
        let folder = split(path).folder
        let dirFD = (folder.isEmpty ? "." : folder).withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// Appends `bytes`. On failure nothing advances, so the same call can be retried.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard case .open(let fd) = state else { throw OutputError(.misuse, file: path, "write after commit or abort") }
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
        if offset - writebackStart >= Self.writebackChunk {
            // Start writing these bytes to disk now, without waiting: the fsync at commit then
            // has little left to do (it was a tenth of a 1M-row job's time, all of it at the end).
            WriteBack.start(fd, from: writebackStart, count: offset - writebackStart)
            writebackStart = offset
        }
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
            throw OutputError(.misuse, file: path, "commit after abort")
        }
        // Drop bytes past the offset (a failed write that was not retried), then make them durable.
        if ftruncate(fd, off_t(offset)) != 0 { throw Self.error(path, "truncate failed", errno) }
        // A failed fsync is not retried: after one, the kernel may have dropped the dirty pages,
        // so a second fsync could report success for lost data.
        if fsync(fd) != 0 { throw OutputError(.unwritable, file: path, "fsync failed: \(SystemErrors.message(errno))") }
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
        Self.syncFolder(of: path)
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
        OutputError(.unwritable, file: path, "\(what): \(SystemErrors.message(code))", transient: SystemErrors.isTransient(code))
    }
}

/// `sync_file_range(SYNC_FILE_RANGE_WRITE)`: asks the kernel to start writing a range to disk and
/// returns at once. Linux only (not in the Glibc module, so looked up); elsewhere a no-op.
enum WriteBack {
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private static let syncFileRange: SyncFileRange? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: SyncFileRange.self)
    }()

    static func start(_ fd: Int32, from offset: Int64, count: Int64) {
        _ = syncFileRange?(fd, offset, count, 2 /* SYNC_FILE_RANGE_WRITE */)
    }
}
