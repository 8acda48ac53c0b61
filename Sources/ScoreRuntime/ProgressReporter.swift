import Foundation

/// How progress is shown: a redrawn bar on a terminal, periodic plain lines otherwise.
public enum ProgressMode: String, Sendable, CaseIterable {
    case auto, bar, plain, none

    /// `auto` becomes `bar` on a terminal and `plain` otherwise.
    public func resolved(isTerminal: Bool = isatty(STDERR_FILENO) == 1) -> ProgressMode {
        self == .auto ? (isTerminal ? .bar : .plain) : self
    }
}

/// Reports rows, rows/s and an ETA (from bytes read) on stderr, throttled so it costs nothing.
public final class ProgressReporter {
    let mode: ProgressMode
    let plainInterval: Double
    let write: (String) -> Void
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drewBar = false

    /// Creates a reporter that draws nothing until the first `update`.
    /// - Parameters:
    ///   - mode: how to show progress; `.auto` is resolved here against stderr.
    ///   - plainInterval: seconds between plain lines.
    ///   - write: where text goes (stderr by default).
    public init(mode: ProgressMode, plainInterval: Double = 5,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.mode = mode.resolved()
        self.plainInterval = plainInterval
        self.write = write
    }

    /// Redraws the progress if enough time has passed (0.1 s for the bar, `plainInterval` for lines);
    /// cheap to call after every batch.
    public func update(rows: Int, bytesRead: Int64, totalBytes: Int64?) {
        guard mode == .bar || mode == .plain else { return }
        let now = Date()
        let interval = mode == .bar ? 0.1 : plainInterval
        guard now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        let line = Self.describe(rows: rows, bytesRead: bytesRead, totalBytes: totalBytes,
                                 elapsed: now.timeIntervalSince(start), bar: mode == .bar)
        if mode == .bar {
            write("\r\u{1B}[2K" + line)
            drewBar = true
        } else {
            write(line + "\n")
        }
    }

    /// Clears the bar so the summary starts on a clean line.
    public func finish() {
        if drewBar { write("\r\u{1B}[2K") }
    }

    static func describe(rows: Int, bytesRead: Int64, totalBytes: Int64?, elapsed: Double, bar: Bool) -> String {
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        var s = "\(rows) rows, \(Int(rate)) rows/s"
        if let total = totalBytes, total > 0 {
            let fraction = min(1, Double(bytesRead) / Double(total))
            let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
            if bar {
                let width = 24, filled = Int(fraction * Double(width))
                s = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + s
            }
            s += String(format: ", %.0f%%, ETA %.0fs", fraction * 100, eta)
        }
        return s
    }
}
