import ScoreCore

/// The input a text reader (CSV, JSON Lines) reads: opened, cut into chunks, its UTF-8 byte-order
/// mark skipped. Built once here, so the readers only parse.
struct TextInput {
    /// The path opened (`-` for stdin).
    let path: String
    /// The input's name in messages and the quarantine.
    let sourceName: String
    /// The file's size when opened (nil for stdin), for the progress ETA.
    let totalBytes: Int64?
    let file: ChunkedFile

    /// The default read size: large enough that a read is rare, small enough to stay in cache-friendly memory.
    static let defaultChunkSize = 4 << 20

    init(opened: OpenedFile, path: String, sourceName: String, chunkSize: Int = Self.defaultChunkSize) throws {
        self.path = path
        self.sourceName = sourceName
        totalBytes = opened.size
        file = ChunkedFile(fd: opened.fd, name: sourceName, chunkSize: chunkSize, sequential: opened.isStream)
        while file.keptCount < 3 && !file.atEOF { try file.readMore() }
        let p = file.kept
        if file.keptCount >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { file.consume(3) }
    }

    /// Opens `path` (`-` is stdin) outside a job; a failure is an input error naming the input.
    init(path: String, sourceName: String?, chunkSize: Int) throws {
        let (opened, name) = try ReaderConfig.open(path: path, sourceName: sourceName)
        try self.init(opened: opened, path: path, sourceName: name, chunkSize: chunkSize)
    }

    /// Opens the job's input (`reader.path`, `-` is stdin); a failure is a spec error at that key.
    init(_ section: ConfigSection, context: PluginContext) throws {
        let path = try ReaderConfig.path(section)
        let (opened, name) = try ReaderConfig.open(section, path: path, context: context)
        try self.init(opened: opened, path: context.resolve(path), sourceName: name)
    }
}
