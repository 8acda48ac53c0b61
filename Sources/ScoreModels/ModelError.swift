import ScoreCore

/// A model file that cannot be used: unreadable, malformed, or inconsistent. Names the file and what is wrong.
public struct ModelError: BatchScoreError, Equatable {
    /// What sort of problem it is; new kinds may be added, so match with `==`, not an exhaustive switch.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case malformed, unsupported }
        private let base: Base
        /// The file is not a valid model of its format: bad JSON, a missing key, a count out of range, a cyclic tree.
        public static let malformed = Kind(base: .malformed)
        /// A valid model using a feature BatchScore does not implement (an objective, categorical splits).
        public static let unsupported = Kind(base: .unsupported)
        /// `malformed` or `unsupported`.
        public var description: String { base.rawValue }
    }

    /// The sort of problem.
    public var kind: Kind
    /// The model file's path.
    public var file: String
    /// What is wrong, naming the key where there is one.
    public var message: String

    /// Creates an error about `file`.
    public init(_ kind: Kind, file: String, _ message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
