/// A problem with the job spec, pointing into the YAML: `job.yaml:7:3: reader.delimeter: unknown key (did you mean 'delimiter'?)`.
public struct JobSpecError: BatchScoreError, Equatable {
    public var location: SourceLocation?
    /// The key path (`reader.path`, `validate[2].columns.age`); empty for the whole document.
    public var keyPath: String
    public var message: String
    /// A near-miss suggestion or what to do.
    public var hint: String?

    public init(at location: SourceLocation?, _ keyPath: String, _ message: String, hint: String? = nil) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    public var category: ErrorCategory { .invalidSpec }

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
    public var errors: [JobSpecError]
    public init(_ errors: [JobSpecError]) { self.errors = errors }
    public var category: ErrorCategory { .invalidSpec }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
