import ScoreCore

/// `runtime.max_rejected`: how many rejected rows a job may have before it fails.
public struct ErrorBudget: Sendable, Equatable, CustomStringConvertible {
    /// The configured limit.
    public enum Limit: Sendable, Equatable {
        /// No limit: rejections never fail the job.
        case unlimited
        /// At most this many rejected rows.
        case count(Int)
        /// Percent (0...100) of the rows read so far.
        case percent(Double)
    }

    /// The limit this budget enforces.
    public var limit: Limit

    /// Creates a budget with `limit`.
    public init(_ limit: Limit) { self.limit = limit }

    /// Reads `runtime.max_rejected` as the spec checker produced it; absent or null means unlimited.
    public init(config value: ConfigValue?) {
        switch value {
        case .count(let n)?: limit = .count(n)
        case .int(let n)?: limit = .count(n)
        case .percent(let p)?: limit = .percent(p)
        default: limit = .unlimited
        }
    }

    /// True when `rejected` out of `read` rows goes over the budget.
    public func isExceeded(rejected: Int, read: Int) -> Bool {
        switch limit {
        case .unlimited: false
        case .count(let n): rejected > n
        case .percent(let p): read > 0 && Double(rejected) * 100 > p * Double(read)
        }
    }

    /// The limit as users write it (`100 rows`, `1%`, `unlimited`), for messages.
    public var description: String {
        switch limit {
        case .unlimited: "unlimited"
        case .count(let n): "\(n) rows"
        case .percent(let p): "\(NumberFormatting.shortest(p))%"
        }
    }
}

/// The job stopped because more rows were rejected than `max_rejected` allows (exit 3).
public struct ErrorBudgetExceeded: BatchScoreError {
    /// Rows rejected when the job stopped.
    public var rejected: Int
    /// Rows read when the job stopped.
    public var read: Int
    /// The budget that was exceeded.
    public var budget: ErrorBudget
    /// Where the rejected rows are, so the message can point the user there.
    public var quarantinePath: String

    /// Maps to exit code 3 (see `ExitStatus`).
    public var category: ErrorCategory { .budgetExceeded }

    /// What happened, the budget, and where to look; it also says that no output was written.
    public var description: String {
        let pct = read > 0 ? Double(rejected) * 100 / Double(read) : 0
        return "error budget exceeded: \(rejected) of \(read) rows rejected (\(String(format: "%.2f", pct))%), "
            + "runtime.max_rejected is \(budget). No output was written; the rejected rows and their reasons are in \(quarantinePath)"
    }
}
