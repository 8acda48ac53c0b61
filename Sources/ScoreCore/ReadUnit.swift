/// One batch's worth of input, cut from the stream by the reader (in order, cheaply) and parsed by
/// whichever worker takes it: the split that lets parsing run on every core.
public struct ReadUnit: Sendable {
    /// Builds the batch. Runs on a worker thread; touches nothing of the reader's mutable state.
    public var parse: @Sendable () throws -> ReadResult
    /// Where the reader stands after this unit, when it can `seek` back there (a checkpoint
    /// records it); nil when it cannot.
    public var end: InputPosition?

    public init(end: InputPosition?, parse: @escaping @Sendable () throws -> ReadResult) {
        self.parse = parse
        self.end = end
    }

    /// A unit already parsed by the reader (formats whose reading cannot be split).
    public static func parsed(_ result: ReadResult, end: InputPosition?) -> ReadUnit {
        ReadUnit(end: end) { result }
    }
}

/// A place in the input a reader can return to: the byte offset of the next unread record and the
/// physical line it starts on.
public struct InputPosition: Codable, Sendable, Equatable {
    public var byteOffset: Int64
    public var line: Int

    public init(byteOffset: Int64, line: Int) {
        self.byteOffset = byteOffset
        self.line = line
    }
}
