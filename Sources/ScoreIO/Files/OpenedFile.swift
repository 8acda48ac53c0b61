#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// An open regular file and its size, or the standard input (a stream of unknown size).
struct OpenedFile {
    struct Failure: Error {
        var message: String
        var code: Int32
    }

    var fd: Int32
    /// Nil for a stream.
    var size: Int64?
    /// Read with `read`, not `pread` (stdin).
    var isStream = false

    static func openFile(_ path: String) throws(Failure) -> OpenedFile {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw Failure(message: "file not found: \(path)", code: code) }
            throw Failure(message: "cannot open \(path): \(SystemErrors.message(code))", code: code)
        }
        var info = stat()
        if fstat(fd, &info) != 0 {
            let code = errno
            close(fd)
            throw Failure(message: "cannot read \(path): \(SystemErrors.message(code))", code: code)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw Failure(message: "\(path) is a directory, not a file", code: EISDIR)
        }
        if (info.st_mode & S_IFMT) != S_IFREG {
            close(fd)
            throw Failure(message: "\(path) is not a regular file", code: EINVAL)
        }
        return OpenedFile(fd: fd, size: Int64(info.st_size))
    }
}
