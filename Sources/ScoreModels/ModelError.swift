import ScoreCore

/// A model file that cannot be used: unreadable, malformed, or inconsistent. Names the file and what is wrong.
public struct ModelError: BatchScoreError, Equatable {
    public var file: String
    public var message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
