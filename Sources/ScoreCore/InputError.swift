/// A problem with an input file as a whole (not one row): unreadable, an unclosed quote, a record over the limit.
public struct InputError: BatchScoreError, Equatable {
    /// What sort of problem it is; new kinds may be added, so match with `==`, not an exhaustive switch.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case unreadable, malformed, inconsistent, empty }
        private let base: Base
        /// The file could not be opened or read (missing, permissions, an I/O error).
        public static let unreadable = Kind(base: .unreadable)
        /// The bytes break the format: an unclosed quote, a bad header, a record over the limit.
        public static let malformed = Kind(base: .malformed)
        /// Parts of one input disagree: files of a glob with different columns, a reference with other rows.
        public static let inconsistent = Kind(base: .inconsistent)
        /// The input holds no columns at all.
        public static let empty = Kind(base: .empty)
        /// `unreadable`, `malformed`, ...
        public var description: String { base.rawValue }
    }

    /// The sort of problem.
    public var kind: Kind
    /// The file the problem is in (as named in the job spec).
    public var file: String
    /// The input line the problem is at, when known.
    public var line: Int?
    /// What is wrong, as a sentence.
    public var message: String
    /// Set for read failures that a retry may fix; parse problems are deterministic.
    public var isTransient: Bool

    /// Creates an error of `kind`; pass `transient: true` only for I/O failures a retry may cure.
    public init(_ kind: Kind, file: String, line: Int? = nil, _ message: String, transient: Bool = false) {
        self.kind = kind
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
