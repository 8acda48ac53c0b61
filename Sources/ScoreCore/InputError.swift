/// A problem with an input file as a whole (not one row): unreadable, an unclosed quote, a record over the limit.
public struct InputError: BatchScoreError, Equatable {
    /// The file the problem is in (as named in the job spec).
    public var file: String
    /// The input line the problem is at, when known.
    public var line: Int?
    /// What is wrong, as a sentence.
    public var message: String
    /// Set for read failures that a retry may fix; parse problems are deterministic.
    public var isTransient: Bool

    /// Creates an error; pass `transient: true` only for I/O failures.
    public init(file: String, line: Int? = nil, _ message: String, transient: Bool = false) {
        self.file = file
        self.line = line
        self.message = message
        self.isTransient = transient
    }

    /// `file:line: message`, or `file: message` when the line is unknown.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A problem writing an output (disk full, permission); only transient ones (EIO, EINTR, EAGAIN) are retried.
public struct OutputError: BatchScoreError, Equatable {
    /// The output file.
    public var file: String
    /// What went wrong, as a sentence.
    public var message: String
    /// Set when a retry may cure the failure (an interrupted or failed I/O call, not a full disk).
    public var isTransient: Bool

    /// Creates an error; pass `transient: true` for I/O failures worth retrying.
    public init(file: String, _ message: String, transient: Bool = false) {
        self.file = file
        self.message = message
        self.isTransient = transient
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
