import ScoreCore

/// What the text readers (CSV, JSON Lines) share in cutting their input into units for the
/// workers and in resuming: a chunked file, the line of its next unread byte, and the path.
protocol TextUnitReader: BatchReader {
    var file: ChunkedFile { get }
    var nextLine: Int { get set }
    /// The path opened (`-` for stdin).
    var path: String { get }
}

extension TextUnitReader {
    /// Takes the first `bytes` kept bytes (spanning `lines` physical lines) off the input as one
    /// unit's own copy; returns it with the line it starts on and the position after it.
    func takeUnit(bytes: Int, lines: Int) -> (bytes: [UInt8], firstLine: Int, end: InputPosition) {
        let copy = Array(UnsafeBufferPointer(start: file.kept, count: bytes))
        let firstLine = nextLine
        file.consume(bytes)
        nextLine += lines
        return (copy, firstLine, InputPosition(byteOffset: file.keptOffset, line: nextLine))
    }

    /// Continues at `position` (a unit's end, from a checkpoint); the header, if any, is already read.
    public func seek(to position: InputPosition) throws -> Bool {
        guard !file.sequential else { return false }
        file.reposition(to: position.byteOffset)
        nextLine = position.line
        return true
    }

    /// The file read; none for stdin.
    public var inputPaths: [String] { file.sequential ? [] : [path] }
}
