import Foundation

/// A finished run of a program: its status and everything it printed.
public struct ToolRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Runs `executable` with `arguments` (the environment plus `environment`, in `directory`, stdin
    /// empty) to its end. stderr is drained on a thread of its own while stdout is read, so a
    /// program that fills one pipe while the test reads the other cannot hang the test.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           directory: String? = nil) throws -> ToolRun {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let errorText = ErrorDrain(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ToolRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: errorText.wait())
    }

    private final class ErrorDrain: @unchecked Sendable {
        // @unchecked: `data` is written by the thread before `done` is signalled, read after.
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }.start()
        }

        func wait() -> String {
            done.wait()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
