import ScoreCore

/// The one place that maps errors to process exit codes (documented in README and `--help`).
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let failure: Int32 = 1
    public static let invalidSpec: Int32 = 2
    public static let budgetExceeded: Int32 = 3
    /// swift-argument-parser's code for bad command-line usage.
    public static let usage: Int32 = 64

    public static func code(for error: any Error) -> Int32 {
        guard let e = error as? any BatchScoreError else { return failure }
        switch e.category {
        case .invalidSpec: return invalidSpec
        case .budgetExceeded: return budgetExceeded
        case .failure: return failure
        }
    }
}
