/// A problem with an input file as a whole (not one row): unreadable, an unclosed quote, a record over the limit.
public struct InputError: BatchScoreError, Equatable {
    public var file: String
    /// The input line the problem is at, when known.
    public var line: Int?
    public var message: String
    public var isTransient: Bool

    public init(file: String, line: Int? = nil, _ message: String, transient: Bool = false) {
        self.file = file
        self.line = line
        self.message = message
        self.isTransient = transient
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A problem writing an output (disk full, permission); I/O errors are transient and retried.
public struct OutputError: BatchScoreError, Equatable {
    public var file: String
    public var message: String
    public var isTransient: Bool

    public init(file: String, _ message: String, transient: Bool = false) {
        self.file = file
        self.message = message
        self.isTransient = transient
    }

    public var description: String { "\(file): \(message)" }
}
