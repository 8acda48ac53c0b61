import Foundation
import Logging
import ScoreCore
import ScoreJobSpec
@testable import ScoreRuntime
import ScoreBuiltins

/// A scratch folder per test, removed when the test's value goes away.
final class TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "batchscore-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path + "/" + name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path + "/" + name, encoding: .utf8) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }
}

/// A logistic model on two features: z = (a - 1) / 2 + b.
let smallModel = """
    {"format": "batchscore-model", "format_version": 1, "kind": "logistic_regression", "features": ["a", "b"],
     "preprocessing": [{"type": "standardize", "mean": [1, 0], "scale": [2, 1]}],
     "classes": [0, 1], "coefficients": [[1, 1]], "intercept": [0]}
    """

let quietLogger: Logger = {
    var l = Logger(label: "test") { _ in SwallowingLogHandler() }
    l.logLevel = .critical
    return l
}()

struct SwallowingLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .critical
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {}
}

/// Loads the job at `dir/job.yaml` and builds its plan with `registry`.
func makePlan(_ dir: TempDir, registry: PluginRegistry = BuiltinPlugins.registry,
              overrides: [String] = []) throws -> ScoringPlan {
    let spec = try JobSpecLoader.load(path: dir.path + "/job.yaml", registry: registry, overrides: overrides,
                                      environment: [:])
    return try ScoringPlan.build(spec: spec, registry: registry)
}

/// Parses a CSV the simple way for assertions (handles quotes, not for speed).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
    var chars = Array(text).makeIterator()
    var pending: Character? = nil
    while let c = pending ?? chars.next() {
        pending = nil
        if quoted {
            if c == "\"" {
                if let n = chars.next() {
                    if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                } else { quoted = false }
            } else { field.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { row.append(field); field = "" }
        else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
        else if c != "\r" { field.append(c) }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}
