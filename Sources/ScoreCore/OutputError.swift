/// A problem writing an output (disk full, permission, a lock held by another run); only transient I/O failures
/// (EIO, EINTR, EAGAIN) are retried.
public struct OutputError: BatchScoreError, Equatable {
    /// What sort of problem it is; new kinds may be added, so match with `==`, not an exhaustive switch.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case unwritable, locked, notResumable = "not resumable", mismatch, unsupported, misuse
        }
        private let base: Base
        /// A system call failed: no space, permissions, an I/O error.
        public static let unwritable = Kind(base: .unwritable)
        /// Another run holds the output's lock.
        public static let locked = Kind(base: .locked)
        /// A resume cannot continue this output (stdout, a temporary file of another length, a writer without resume).
        public static let notResumable = Kind(base: .notResumable)
        /// A batch does not fit the output's schema (a missing column, another type).
        public static let mismatch = Kind(base: .mismatch)
        /// The destination cannot take this output (the quarantine on stdout).
        public static let unsupported = Kind(base: .unsupported)
        /// The writer was called out of order (a write after commit); a bug in the caller.
        public static let misuse = Kind(base: .misuse)
        /// `unwritable`, `locked`, ...
        public var description: String { base.rawValue }
    }

    /// The sort of problem.
    public var kind: Kind
    /// The output file.
    public var file: String
    /// What went wrong, as a sentence.
    public var message: String
    /// Set when a retry may cure the failure (an interrupted or failed I/O call, not a full disk).
    public var isTransient: Bool

    /// Creates an error of `kind`; pass `transient: true` for I/O failures worth retrying.
    public init(_ kind: Kind, file: String, _ message: String, transient: Bool = false) {
        self.kind = kind
        self.file = file
        self.message = message
        self.isTransient = transient
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
