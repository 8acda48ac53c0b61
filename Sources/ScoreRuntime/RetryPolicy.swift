import Foundation
import Logging
import ScoreCore
import ScoreJobSpec

/// Retries transient failures (I/O) with exponential or constant backoff and optional jitter.
/// Deterministic errors (a bad spec, a broken model, a malformed file) are never retried.
public struct RetryPolicy: Sendable {
    /// How the wait grows between retries (`runtime.retry.backoff`).
    public typealias Backoff = JobSections.Backoff

    /// Total tries, the first included (at least 1).
    public var attempts: Int
    /// How the wait grows.
    public var backoff: Backoff
    /// The first wait, in seconds (`base_secs`).
    public var baseSeconds: Double
    /// The longest wait, in seconds (`max_secs`).
    public var maxSeconds: Double
    /// Whether half of each wait is random, so retries spread out.
    public var jitter: Bool
    /// How to wait; nil sleeps on the job's clock (`JobOptions.clock`). Tests inject a recorder.
    public var sleep: (@Sendable (Double) -> Void)?
    /// The source of jitter in [0, 1); tests inject a fixed one.
    public var random: @Sendable () -> Double

    /// Creates a policy; `attempts` below 1 counts as 1.
    public init(attempts: Int = 3, backoff: Backoff = .exponential, baseSeconds: Double = 0.5, maxSeconds: Double = 30,
                jitter: Bool = true, sleep: (@Sendable (Double) -> Void)? = nil,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0 ..< 1) }) {
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.baseSeconds = baseSeconds
        self.maxSeconds = maxSeconds
        self.jitter = jitter
        self.sleep = sleep
        self.random = random
    }

    /// The policy of `runtime.retry` (its declared defaults where a key is absent).
    public init(config: ConfigSection?) {
        typealias F = JobSections.RetryFields
        self.init(attempts: F.attempts.value(in: config), backoff: F.backoff.value(in: config),
                  baseSeconds: F.baseSeconds.value(in: config), maxSeconds: F.maxSeconds.value(in: config),
                  jitter: F.jitter.value(in: config))
    }

    /// The wait before retry number `retry` (1-based): base·2^(retry-1) capped at max, then
    /// "equal jitter" (half fixed, half random) so retries spread out but never drop to zero.
    public func delay(beforeRetry retry: Int) -> Double {
        let raw = backoff == .exponential ? baseSeconds * pow(2, Double(retry - 1)) : baseSeconds
        let capped = min(raw, maxSeconds)
        return jitter ? capped / 2 + capped / 2 * random() : capped
    }

    /// This policy, waiting on `clock` unless a `sleep` was given.
    public func waiting(on clock: any JobClock) -> RetryPolicy {
        var policy = self
        if policy.sleep == nil { policy.sleep = { clock.sleep(seconds: $0) } }
        return policy
    }

    /// Runs `operation`, retrying it while it throws a transient error and attempts remain.
    public func run<T>(_ what: String, logger: Logger, _ operation: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try operation()
            } catch let error as any BatchScoreError where error.isTransient && attempt < attempts {
                let wait = delay(beforeRetry: attempt)
                logger.warning("transient failure; retrying", metadata: [
                    "operation": "\(what)", "attempt": "\(attempt)", "of": "\(attempts)",
                    "retry.delay_secs": "\(String(format: "%.3f", wait))", "error": "\(error)",
                ])
                if let sleep { sleep(wait) } else { Thread.sleep(forTimeInterval: wait) }
                attempt += 1
            }
        }
    }
}
