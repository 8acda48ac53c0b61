/// What every plugin factory gets besides its config.
public struct PluginContext: Sendable {
    /// The job file's path (for messages) and folder (relative paths resolve against it).
    public var jobFile: String
    public var baseDirectory: String
    /// The job's seed (`runtime.seed`) for anything random, such as `math.random` in Lua hooks.
    public var seed: UInt64
    /// Set when the run continues a checkpoint: writers keep the temporary file a killed run left
    /// (the runtime then calls `BatchWriter.resume`) instead of starting it afresh.
    public var resuming = false
    /// The cores the job may use beneath its workers (a reader's or writer's parallel loops borrow
    /// the free ones); nil keeps such loops on the calling thread.
    public var cores: CPUBudget?

    public init(jobFile: String, baseDirectory: String, seed: UInt64 = 0) {
        self.jobFile = jobFile
        self.baseDirectory = baseDirectory
        self.seed = seed
    }

    /// `path` resolved against the job's folder; absolute paths and `-` stay as they are.
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") || path == "-" || baseDirectory.isEmpty || baseDirectory == "." { return path }
        return baseDirectory.hasSuffix("/") ? baseDirectory + path : baseDirectory + "/" + path
    }
}

/// What a reader must know before it opens its input: the types the plan needs.
/// Columns used as numbers are parsed as float64 whatever a sample shows (a bad cell is a row
/// rejection); `columnTypes` (from a `schema` validator) pins exact types; every other column is
/// read as the text it is, so it passes through unchanged.
public struct ReaderRequirements: Sendable {
    public var numericColumns: Set<String>
    public var columnTypes: [String: ColumnType]

    public init(numericColumns: Set<String> = [], columnTypes: [String: ColumnType] = [:]) {
        self.numericColumns = numericColumns
        self.columnTypes = columnTypes
    }
}
