import ScoreCore

/// A Parquet file that cannot be read: not Parquet, corrupt, truncated, or using a feature we do not support.
public struct ParquetError: BatchScoreError, Equatable {
    /// What sort of problem it is; new kinds may be added.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case notParquet = "not parquet", corrupt, unsupported, io = "i/o" }
        private let base: Base
        /// The file does not start and end with `PAR1` (encrypted files end with `PARE`).
        public static let notParquet = Kind(base: .notParquet)
        /// A length, offset, count or Thrift structure that is out of range or malformed.
        public static let corrupt = Kind(base: .corrupt)
        /// A valid feature this reader does not implement (a codec, an encoding, a nested column).
        public static let unsupported = Kind(base: .unsupported)
        /// The file could not be opened or read.
        public static let io = Kind(base: .io)
        /// `corrupt`, `unsupported`, ...
        public var description: String { base.rawValue }
    }

    /// The file, as named in the job spec.
    public var file: String
    /// The sort of problem.
    public var kind: Kind
    /// What is wrong, as a sentence fragment (`unsupported codec SNAPPY in column 'x'`).
    public var message: String
    /// Set for read failures that a retry may fix.
    public var isTransient: Bool

    /// Creates an error; pass `transient: true` only for I/O failures worth retrying.
    public init(file: String, _ kind: Kind, _ message: String, transient: Bool = false) {
        self.file = file
        self.kind = kind
        self.message = message
        self.isTransient = transient
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
