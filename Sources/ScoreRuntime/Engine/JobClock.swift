import Foundation

/// The time one job sees: intervals (checkpoint cadence, rows/s and the summary's duration, each
/// batch's work for the batch sizer) and waits (retry backoff). Per job, in `JobOptions`, so a test
/// or a server can drive time for one job without touching the others.
public protocol JobClock: Sendable {
    /// Seconds on a monotonic clock, from an arbitrary origin.
    func monotonicSeconds() -> Double
    /// Blocks the calling thread for `seconds`.
    func sleep(seconds: Double)
}

/// The machine's clocks.
public struct SystemClock: JobClock {
    public init() {}

    public func monotonicSeconds() -> Double {
        let d = ContinuousClock.now - Self.origin
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    public func sleep(seconds: Double) { Thread.sleep(forTimeInterval: seconds) }

    /// Fixed at first use: only differences of `monotonicSeconds` mean anything.
    private static let origin = ContinuousClock.now
}
