import ScoreCore

/// What `plugins test` found for one plugin: each case passed or failed (with a diff), and any
/// problem that kept cases from running (an invalid test file, no tests at all).
public struct PluginTestReport: Sendable {
    /// One case's result.
    public struct CaseResult: Sendable {
        /// The test file, relative to the plugin folder (`tests/basic.yaml`).
        public var file: String
        /// The case's name.
        public var name: String
        /// Where the case starts.
        public var location: SourceLocation?
        /// Nil when the case passed; else the expected-vs-got diff, one line each.
        public var failure: [String]?

        /// Whether the case passed.
        public var passed: Bool { failure == nil }
    }

    /// The plugin's name and version (`ratio 1.2.0`).
    public var plugin: String
    /// The plugin's folder.
    public var folder: String
    /// The cases, in file order.
    public var results: [CaseResult]
    /// Problems that kept cases from running; each fails the report.
    public var problems: [String]

    /// Cases that passed.
    public var passed: Int { results.filter(\.passed).count }
    /// Cases that failed.
    public var failed: Int { results.count - passed }
    /// True when every case passed and nothing kept a case from running.
    public var succeeded: Bool { failed == 0 && problems.isEmpty }

    /// The report for a terminal: a heading, one line per case (with the diff under a failure),
    /// and a count. `verbose` false lists only failures.
    public func render(verbose: Bool = true) -> String {
        var lines = ["\(plugin) (\(folder))"]
        for problem in problems {
            lines += problem.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
                (i == 0 ? "  ERROR " : "        ") + line
            }
        }
        for r in results where verbose || !r.passed {
            let place = r.location.map { "\(r.file):\($0.line)" } ?? r.file
            lines.append("  \(r.passed ? "ok  " : "FAIL") \(place) \(r.name)")
            for line in r.failure ?? [] { lines.append("        " + line) }
        }
        lines.append("  \(passed) passed, \(failed) failed\(problems.isEmpty ? "" : ", \(problems.count) error\(problems.count == 1 ? "" : "s")")")
        return lines.joined(separator: "\n")
    }
}
