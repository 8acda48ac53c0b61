/// A problem with the job spec, pointing into the YAML: `job.yaml:7:3: reader.delimeter: unknown key (did you mean 'delimiter'?)`.
public struct JobSpecError: BatchScoreError, Equatable {
    /// Where in the job file; nil when there is no place to point at (e.g. the file cannot be read).
    public var location: SourceLocation?
    /// The key path (`reader.path`, `validate[2].columns.age`); empty for the whole document.
    public var keyPath: String
    /// What is wrong, as a sentence.
    public var message: String
    /// A near-miss suggestion or what to do.
    public var hint: String?

    /// Creates an error at `location` for `keyPath`, with an optional `hint`.
    public init(at location: SourceLocation?, _ keyPath: String, _ message: String, hint: String? = nil) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    /// Spec problems exit with code 2.
    public var category: ErrorCategory { .invalidSpec }

    /// `file:line:col: key.path: message (hint)`, omitting the parts that are absent.
    public var description: String {
        var s = ""
        if let location { s += "\(location): " }
        if !keyPath.isEmpty { s += "\(keyPath): " }
        s += message
        if let hint { s += " (\(hint))" }
        return s
    }
}

/// Several spec problems found in one pass, reported together.
public struct JobSpecErrors: BatchScoreError {
    /// The problems; the loader sorts them by location.
    public var errors: [JobSpecError]
    /// Wraps `errors`.
    public init(_ errors: [JobSpecError]) { self.errors = errors }
    /// Spec problems exit with code 2.
    public var category: ErrorCategory { .invalidSpec }
    /// One problem per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
