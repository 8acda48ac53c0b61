import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

/// The parallel engine: results that must not depend on the worker count or the batch size
/// (Lua hooks included), failures inside a worker, the error budget with several workers, resume
/// with other writers and with streams, and the engine's parts (`Pipeline`, `BatchSizer`) alone.
@Suite struct EngineTests {
    // MARK: - Fixtures

    /// `id,a,b,note` rows: `a` is not a number every 97th row (a parse rejection), `b` is null every
    /// 131st (the model rejects it), and every 50th note is quoted with a line break inside, so
    /// input lines are not row numbers. Returns the CSV and each id's input line (`lines[id]`).
    static func data(rows: Int) -> (csv: String, lines: [Int]) {
        var csv = "id,a,b,note\n"
        var lines = [0]
        var line = 2
        for i in 1 ... rows {
            let a = i % 97 == 0 ? "x" : "\(i % 17)"
            let b = i % 131 == 0 ? "" : "\(Double(i % 13) * 0.25)"
            let multiline = i % 50 == 0
            let note = multiline ? "\"line one\nline two, \"\"quoted\"\"\"" : "n\(i)"
            csv += "\(i),\(a),\(b),\(note)\n"
            lines.append(line)
            line += multiline ? 2 : 1
        }
        return (csv, lines)
    }

    /// Writes `data.csv`, `model.json` and a `job.yaml` with `body` between the reader and the writer.
    static func job(_ dir: TempDir, rows: Int = 2000, csv: String? = nil, body: String = "",
                    writer: String = "{ type: csv, path: out/pred.csv }", runtime: String) throws {
        try dir.write("data.csv", csv ?? data(rows: rows).csv)
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            name: engine
            reader: { type: csv, path: data.csv }
            \(body)
            model: { path: model.json }
            writer: \(writer)
            runtime: \(runtime)
            """)
    }

    /// Runs `body` on a thread of its own and waits at most `seconds` for it: a hang becomes a
    /// failed expectation instead of a test run that never ends.
    static func finishes(within seconds: Double, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        return done.wait(timeout: .now() + seconds) == .success
    }

    /// Every file under `dir` (relative paths, hidden ones included), sorted.
    static func files(_ dir: TempDir) -> [String] {
        let e = FileManager.default.enumerator(atPath: dir.path)
        var out: [String] = []
        while let f = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.path + "/" + f, isDirectory: &isDir), !isDir.boolValue { out.append(f) }
        }
        return out.sorted()
    }

    /// A value one thread sets and another reads.
    final class Box<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: T?
        var value: T? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    // MARK: - CLI

    struct Outcome {
        var status: Int32
        var killedBy: Int32?
        var stdout: String
        var stderr: String
    }

    /// Runs `batchscore ARGS` with stdin from `stdinFile` (or nothing), draining stdout and stderr
    /// concurrently, with `BATCHSCORE_FAULT` set to `fault`.
    static func cli(_ arguments: [String], stdinFile: String? = nil, fault: String? = nil,
                    environment extra: [String: String] = [:]) throws -> Outcome {
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["BATCHSCORE_FAULT"] = fault
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = try stdinFile.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
        try p.run()
        let errBox = Box<Data>()
        let errDone = DispatchSemaphore(value: 0)
        let drain = Thread {
            errBox.value = err.fileHandleForReading.readDataToEndOfFile()
            errDone.signal()
        }
        drain.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        errDone.wait()
        let killed = p.terminationReason == .uncaughtSignal ? p.terminationStatus : nil
        return Outcome(status: p.terminationStatus, killedBy: killed, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: errBox.value ?? Data(), as: UTF8.self))
    }

    static func run(_ dir: TempDir, _ extra: [String] = [], fault: String? = nil) throws -> Outcome {
        try cli(["run", dir.path + "/job.yaml", "--progress", "none"] + extra, fault: fault)
    }

}
