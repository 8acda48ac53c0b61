import Foundation
import ScoreCore
import Logging

/// A swift-log handler writing to stderr as text (`2026-11-29T22:00:00Z info job started key=value`)
/// or as one JSON object per line (`--log-format json`) for log shippers.
public struct StructuredLogHandler: LogHandler {
    /// The line format (`--log-format`).
    public enum Format: String, Sendable, CaseIterable { case text, json }

    /// Metadata added to every event (the event's own keys win).
    public var metadata: Logger.Metadata = [:]
    /// Events below this level are dropped by `Logger` before they reach the handler.
    public var logLevel: Logger.Level
    let label: String
    let format: Format
    let write: @Sendable (String) -> Void
    let redact: Redactor

    /// Creates a handler writing to stderr (or `write`).
    /// - Parameter redact: scrubs values that came from `${VAR}` out of messages and metadata.
    public init(label: String, format: Format, level: Logger.Level = .info, redact: Redactor = .none,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.redact = redact
        self.write = write
    }

    /// One handler-wide metadata value; required by `LogHandler`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line for `event`, with message and metadata values redacted.
    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let time = Date().formatted(.iso8601)
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoteIfNeeded(scrub("\($0.value)")))" }
            write(([time, "\(event.level)", scrub("\(event.message)")] + fields).joined(separator: " ") + "\n")
        case .json:
            var object: [String: String] = ["time": time, "level": "\(event.level)", "message": scrub("\(event.message)"),
                                            "logger": label]
            for (k, v) in merged { object[k] = scrub("\(v)") }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
                ?? Data("{}".utf8)
            write(String(decoding: data, as: UTF8.self) + "\n")
        }
    }

    /// Redacted, then bounded: an error quoting megabytes of input is logged as an excerpt.
    private func scrub(_ text: String) -> String { MessageText.bounded(redact(text)) }

    static func quoteIfNeeded(_ s: String) -> String {
        s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) || s.isEmpty
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : s
    }
}
