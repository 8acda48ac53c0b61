import Foundation
import Synchronization

/// How progress is shown: a redrawn bar on a terminal, periodic plain lines otherwise.
public enum ProgressMode: String, Sendable, CaseIterable {
    case auto, bar, plain, none

    /// `auto` becomes `bar` on a terminal and `plain` otherwise.
    public func resolved(isTerminal: Bool = isatty(STDERR_FILENO) == 1) -> ProgressMode {
        self == .auto ? (isTerminal ? .bar : .plain) : self
    }
}

/// Shows a job's progress on stderr (rows, rows/s, an ETA from bytes read), throttled so it costs
/// nothing: the CLI's `JobOptions.onProgress`.
public final class ProgressReporter: Sendable {
    let mode: ProgressMode
    let plainInterval: Double
    let write: @Sendable (String) -> Void
    /// When the last line was drawn, and whether a bar is on screen.
    private let drawn = Mutex<(last: Date, bar: Bool)>((.distantPast, false))

    /// Creates a reporter that draws nothing until the first `update`.
    /// - Parameters:
    ///   - mode: how to show progress; `.auto` is resolved here against stderr.
    ///   - plainInterval: seconds between plain lines.
    ///   - write: where text goes (stderr by default).
    public init(mode: ProgressMode, plainInterval: Double = 5,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.mode = mode.resolved()
        self.plainInterval = plainInterval
        self.write = write
    }

    /// Redraws the progress if enough time has passed (0.1 s for the bar, `plainInterval` for
    /// lines); clears the bar once the job has ended. Cheap to call after every batch.
    public func update(_ progress: JobProgress) {
        guard mode == .bar || mode == .plain else { return }
        if progress.phase.isFinal {
            finish()
            return
        }
        guard progress.phase == .running else { return }
        let now = Date()
        let interval = mode == .bar ? 0.1 : plainInterval
        let due = drawn.withLock { d in
            guard now.timeIntervalSince(d.last) >= interval else { return false }
            d.last = now
            if mode == .bar { d.bar = true }
            return true
        }
        guard due else { return }
        let line = Self.describe(progress, bar: mode == .bar)
        write(mode == .bar ? "\r\u{1B}[2K" + line : line + "\n")
    }

    /// Clears the bar so the summary starts on a clean line.
    public func finish() {
        let bar = drawn.withLock { d in defer { d.bar = false }; return d.bar }
        if bar { write("\r\u{1B}[2K") }
    }

    static func describe(_ p: JobProgress, bar: Bool) -> String {
        var s = "\(p.rowsRead) rows, \(Int(p.rowsPerSecond)) rows/s"
        if let fraction = p.fractionDone {
            if bar {
                let width = 24, filled = Int(fraction * Double(width))
                s = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + s
            }
            s += String(format: ", %.0f%%, ETA %.0fs", fraction * 100, p.etaSeconds ?? 0)
        }
        return s
    }
}
