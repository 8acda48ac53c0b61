import ScoreCore

/// What the text readers (CSV, JSON Lines) share: their input (`TextInput`), the line of its next
/// unread byte, cutting it into units for the workers, and resuming.
protocol TextUnitReader: BatchReader {
    associatedtype Options
    /// Reads `input`: the header or the sample that names and types the columns, then records.
    init(input: TextInput, options: Options, requirements: ReaderRequirements) throws
    var input: TextInput { get }
    var nextLine: Int { get set }
    /// The next unit's extent from the kept bytes: its bytes (0 at the end) and physical lines.
    func unitExtent(maxRows: Int) throws -> (bytes: Int, lines: Int)
    /// Parses a unit's bytes on a worker: a value holding nothing of the reader.
    var unitParser: @Sendable (_ bytes: [UInt8], _ firstLine: Int) throws -> ReadResult { get }
}

extension TextUnitReader {
    /// Opens `path` (`-` for stdin) with a chosen read size (tests use tiny ones to put chunk
    /// boundaries everywhere); `sourceName` names it in messages, `path` when nil.
    init(path: String, sourceName: String?, options: Options, requirements: ReaderRequirements,
         chunkSize: Int = TextInput.defaultChunkSize) throws {
        try self.init(input: TextInput(path: path, sourceName: sourceName, chunkSize: chunkSize),
                      options: options, requirements: requirements)
    }

    var file: ChunkedFile { input.file }
    /// The path opened (`-` for stdin).
    var path: String { input.path }
    /// The input's name in messages and the quarantine.
    public var sourceName: String { input.sourceName }
    /// The file's size when opened (nil for stdin), for the progress ETA.
    public var totalBytes: Int64? { input.totalBytes }
    /// Bytes consumed: everything before the next unread record.
    public var bytesRead: Int64 { file.keptOffset }

    /// Cuts the next `maxRows` records and hands their bytes to a worker, which parses them: the
    /// cut is the only serial work.
    public func nextUnit(maxRows: Int) throws -> ReadUnit? {
        let cut = try unitExtent(maxRows: maxRows)
        if cut.bytes == 0 { return nil }
        let (bytes, firstLine, end) = takeUnit(bytes: cut.bytes, lines: cut.lines)
        let parse = unitParser
        return ReadUnit(end: end) { try parse(bytes, firstLine) }
    }

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
