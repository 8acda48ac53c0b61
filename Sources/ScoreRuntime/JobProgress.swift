import Foundation

/// Where a running job is: a snapshot, cheap to take at any time (`ScoringJob.progress`) and passed
/// to `JobOptions.onProgress` after every batch.
public struct JobProgress: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        /// Opening the outputs, reading the checkpoint.
        case starting
        /// Streaming batches.
        case running
        /// Flushing and publishing the outputs.
        case committing
        case succeeded, failed
        /// Stopped by a cancellation or a signal, with a checkpoint where the outputs allow one.
        case cancelled

        /// True once the job has ended.
        public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    public var phase: Phase
    /// Records read so far, rejected ones included (counted from the start of the job, also on resume).
    public var rowsRead = 0
    public var rowsWritten = 0
    public var rowsQuarantined = 0
    /// Input bytes consumed, when the reader knows its position.
    public var bytesRead: Int64 = 0
    /// The input's size, when known (a file; not stdin).
    public var totalBytes: Int64?
    /// Seconds since this run started.
    public var seconds: Double = 0

    public init(phase: Phase) { self.phase = phase }

    /// Rows read per second in this run.
    public var rowsPerSecond: Double { seconds > 0 ? Double(rowsRead) / seconds : 0 }

    /// The share of the input read, 0 ... 1, when its size is known.
    public var fractionDone: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(bytesRead) / Double(totalBytes))
    }

    /// Seconds left at the current pace, when the input's size is known and some of it was read.
    public var etaSeconds: Double? {
        guard let fraction = fractionDone, fraction > 0 else { return nil }
        return seconds * (1 - fraction) / fraction
    }
}
