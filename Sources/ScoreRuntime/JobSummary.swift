import Foundation
import ScoreCore
import ScoreIO

/// The end-of-job figures, printed for people and written by `--summary-json` for schedulers.
public struct JobSummary: Sendable, Codable, Equatable {
    /// How a job ended.
    public enum Status: String, Sendable, Codable, Equatable {
        case succeeded, failed
        /// Stopped by a cancellation or a signal before its input ended; resumable where a
        /// checkpoint was recorded (the error says which).
        case cancelled
    }

    /// The job's `name`, or its file when the spec has none.
    public var job: String
    /// How the job ended.
    public var status: Status
    /// Records read from the input, rejected ones included.
    public var rowsRead: Int
    /// Rows scored; written only when `status` is `succeeded` (outputs are committed together).
    public var rowsWritten: Int
    /// Rows sent to the quarantine, from any stage.
    public var rowsQuarantined: Int
    /// Rejections counted by `stage/rule`.
    public var quarantinedByRule: [String: Int]
    /// Wall-clock time of the run.
    public var seconds: Double
    /// `rowsRead / seconds` (0 when no time elapsed).
    public var rowsPerSecond: Double
    /// The predictions file's path.
    public var output: String
    /// The quarantine file's path.
    public var quarantine: String
    /// The failure's message, when the job failed.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case job, status, error, seconds, output, quarantine
        case rowsRead = "rows_read", rowsWritten = "rows_written", rowsQuarantined = "rows_quarantined"
        case quarantinedByRule = "quarantined_by_rule", rowsPerSecond = "rows_per_second"
    }

    /// Scrubs values that came from `${VAR}` out of the paths and the error.
    public mutating func redact(with redactor: Redactor) {
        job = redactor(job)
        output = redactor(output)
        quarantine = redactor(quarantine)
        error = error.map { redactor($0) }
    }

    /// The human-readable summary.
    public var text: String {
        // After a failure nothing was committed: say what was scored, not what was written.
        let committed = status == .succeeded
        var lines = [
            "job \(job): \(status.rawValue)",
            "  rows read        \(rowsRead)",
            committed ? "  rows written     \(rowsWritten)  → \(output)"
                : "  rows scored      \(rowsWritten)  (not written: the output is only committed when the job succeeds)",
            "  rows quarantined \(rowsQuarantined)  → \(quarantine)",
        ]
        for (rule, count) in quarantinedByRule.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("    \(rule.padding(toLength: 24, withPad: " ", startingAt: 0)) \(count)")
        }
        lines.append(String(format: "  seconds          %.3f", seconds))
        lines.append(String(format: "  rows/s           %.0f", rowsPerSecond))
        if let error { lines.append("  error: \(error)") }
        return lines.joined(separator: "\n")
    }
}

/// What ran, for reproducibility: the tool, the spec, the model and the input, by hash and size.
public struct RunManifest: Sendable, Codable, Equatable {
    /// The `batchscore` version that ran.
    public var toolVersion: String
    /// SHA-256 of the spec's canonical text, so equivalent job files hash the same.
    public var specSHA256: String
    /// The model file's path (secrets redacted).
    public var modelPath: String
    /// SHA-256 of the model file's bytes as loaded.
    public var modelSHA256: String
    /// The input file's resolved path (secrets redacted).
    public var inputPath: String
    /// The input's size in bytes when the manifest is made (after the run); nil when it cannot be read.
    public var inputBytes: Int64?
    /// The input's modification time (ISO 8601); nil when it cannot be read.
    public var inputModified: String?
    /// When the run started (ISO 8601).
    public var startedAt: String
    /// When the run finished (ISO 8601).
    public var finishedAt: String

    enum CodingKeys: String, CodingKey {
        case toolVersion = "tool_version", specSHA256 = "spec_sha256", modelPath = "model_path"
        case modelSHA256 = "model_sha256", inputPath = "input_path", inputBytes = "input_bytes"
        case inputModified = "input_modified", startedAt = "started_at", finishedAt = "finished_at"
    }
}

/// The document `run --summary-json PATH` writes.
public struct SummaryDocument: Codable, Sendable {
    /// The end-of-job figures.
    public var summary: JobSummary
    /// What ran.
    public var manifest: RunManifest

    /// Creates the document.
    public init(summary: JobSummary, manifest: RunManifest) {
        self.summary = summary
        self.manifest = manifest
    }

    /// Writes the document to `file` and commits it (whole, then renamed into place).
    public func write(to file: AtomicOutputFile) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = [UInt8](try encoder.encode(self))
        data.append(UInt8(ascii: "\n"))
        try file.write(data)
        try file.commit()
    }
}
