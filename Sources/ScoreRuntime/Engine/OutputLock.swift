import Foundation
import ScoreCore
import ScoreIO

/// Refuses a second run writing the same outputs while one is running: an exclusive `flock` on
/// `.NAME.batchscore-lock` beside the output. The kernel drops the lock when the process ends,
/// however it ends (SIGKILL included), so a crashed run never leaves a stale lock behind; a run
/// that ends normally removes the file.
final class OutputLock {
    private let fd: Int32
    let path: String

    /// Takes the lock for an output at `output`.
    /// - Throws: `OutputError` (`.locked`) when another process holds it, or it cannot be created.
    init(output: String) throws {
        let url = URL(fileURLWithPath: output)
        path = AtomicOutputFile.companionPath(for: output, kind: "lock")
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw OutputError(.unwritable, file: output, "cannot create the lock file \(path): \(String(cString: strerror(errno)))") }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                close(fd)
                if code == EWOULDBLOCK {
                    throw OutputError(.locked, file: output, "another batchscore run is writing this file (it holds \(path)); wait for it to finish, or write elsewhere")
                }
                throw OutputError(.unwritable, file: output, "cannot lock \(path): \(String(cString: strerror(code)))")
            }
            // The holder before us may have removed the file between our open and our flock:
            // then we locked a file nobody else will see. Only a lock on the file at `path` counts.
            var held = stat(), current = stat()
            if fstat(fd, &held) == 0, stat(path, &current) == 0, held.st_ino == current.st_ino, held.st_dev == current.st_dev {
                self.fd = fd
                return
            }
            close(fd)
        }
    }

    deinit {
        unlink(path)  // while still holding the lock, so no other run can be holding it
        close(fd)
    }
}

