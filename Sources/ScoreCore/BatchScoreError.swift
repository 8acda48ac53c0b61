/// How the CLI (and later the service) treats an error: one place maps these to exit codes.
public enum ErrorCategory: Sendable, Equatable {
    /// The job spec is wrong (exit 2).
    case invalidSpec
    /// More rows were rejected than `max_rejected` allows (exit 3).
    case budgetExceeded
    /// Anything else: unreadable input, a broken model file, I/O (exit 1).
    case failure
}

/// The protocol every BatchScore error conforms to; `description` is the message a user reads.
public protocol BatchScoreError: Error, CustomStringConvertible, Sendable {
    /// How the CLI treats the error (its exit code).
    var category: ErrorCategory { get }
    /// True for errors that may go away on a retry (I/O hiccups); deterministic errors are never retried.
    var isTransient: Bool { get }
}

extension BatchScoreError {
    /// Errors are plain failures unless their type says otherwise.
    public var category: ErrorCategory { .failure }
    /// Errors are not retried unless their type opts in.
    public var isTransient: Bool { false }
}
