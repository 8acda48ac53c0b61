import ScoreCore

/// A model file that cannot be used: unreadable, malformed, or inconsistent. Names the file and what is wrong.
public struct ModelError: BatchScoreError, Equatable {
    /// The model file's path.
    public var file: String
    /// What is wrong, naming the key where there is one.
    public var message: String

    /// Creates an error about `file`.
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
