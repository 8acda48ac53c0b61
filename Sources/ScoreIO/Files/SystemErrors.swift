#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// errno helpers shared by the file readers and writers.
enum SystemErrors {
    /// The text of `code` (`No such file or directory`).
    static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// Errors a retry may cure: the runtime's retry policy only re-runs calls whose error says so.
    static func isTransient(_ code: Int32) -> Bool {
        code == EIO || code == EINTR || code == EAGAIN || code == EWOULDBLOCK
    }
}
