import ScoreCore

/// `runtime.max_rejected`: how many rejected rows a job may have before it fails.
public struct ErrorBudget: Sendable, Equatable, CustomStringConvertible {
    public enum Limit: Sendable, Equatable {
        case unlimited
        case count(Int)
        /// Percent (0...100) of the rows read so far.
        case percent(Double)
    }

    public var limit: Limit

    public init(_ limit: Limit) { self.limit = limit }

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
    public var rejected: Int
    public var read: Int
    public var budget: ErrorBudget
    public var quarantinePath: String

    public var category: ErrorCategory { .budgetExceeded }

    public var description: String {
        let pct = read > 0 ? Double(rejected) * 100 / Double(read) : 0
        return "error budget exceeded: \(rejected) of \(read) rows rejected (\(String(format: "%.2f", pct))%), "
            + "runtime.max_rejected is \(budget). No output was written; the rejected rows and their reasons are in \(quarantinePath)"
    }
}
