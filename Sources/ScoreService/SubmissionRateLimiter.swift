import Foundation
import Synchronization

/// Submissions per token: a token bucket per token id holding `perMinute` submissions, refilled
/// continuously. A submission over the limit is a 429 with the seconds until one is free.
final class SubmissionRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }
    private let perMinute: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perMinute: Int) { self.perMinute = Double(perMinute) }

    /// Takes one submission from `owner`'s bucket: nil when allowed, else seconds to wait.
    func take(owner: String, now: Double) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[owner] ?? Bucket(tokens: perMinute, updated: now)
            bucket.tokens = min(perMinute, bucket.tokens + (now - bucket.updated) * perMinute / 60)
            bucket.updated = now
            defer { buckets[owner] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) * 60 / perMinute).rounded(.up)))
        }
    }
}
