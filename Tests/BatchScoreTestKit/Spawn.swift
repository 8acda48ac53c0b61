import Foundation

/// A child process started with posix_spawn, for the few tests that need what Foundation's
/// `Process` cannot give: output to a file that a daemon it leaves behind may keep open, or the
/// pid to watch while the child runs. stdin is empty; stdout and stderr go to `output`.
public struct Spawned: Sendable {
    public let pid: pid_t

    public init(_ argv: [String], output: String = "/dev/null") throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for a in cArguments { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw SpawnError(description: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
        self.pid = pid
    }

    /// Waits for the child to end; its exit code (128 + the signal when a signal ended it).
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Self.exitCode(status)
    }

    /// The exit code if the child has ended, nil while it runs.
    public func poll() -> Int32? {
        var status: Int32 = 0
        let done = waitpid(pid, &status, WNOHANG)
        if done == pid { return Self.exitCode(status) }
        return done < 0 && errno != EINTR ? -1 : nil
    }

    static func exitCode(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
