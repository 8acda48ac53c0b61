import ScoreCore

/// Everything needed to run one Lua hook step: its script, declared outputs, parameters and limits.
public struct HookDefinition: Sendable {
    /// What to do when a hook raises an error or returns a bad value for a row.
    public enum OnError: String, Sendable, CaseIterable {
        /// The row goes to the quarantine with the reason (the default).
        case quarantine
        /// The job stops with the error.
        case fail
    }

    /// The step's name in messages and the quarantine (a plugin's name, or the script's file name).
    public var name: String
    /// The script's text and the name Lua reports it under (`ratio.lua`, `plugins/ratio/ratio.lua`).
    public var source: String
    public var chunkName: String
    /// The folder `require` may load modules from (the plugin's own folder); nil forbids `require`.
    public var moduleRoot: String?
    /// Declared output columns (feature steps): names and types, checked on every row.
    public var outputs: Schema
    /// `params` from the job (or the plugin's defaults), handed to every hook.
    public var params: [(key: String, value: ConfigValue)]
    /// Input columns the hook reads, with the type the reader must give them.
    public var inputs: [String: ColumnType]
    public var onError: OnError
    /// Lua VM instructions one row may use (a columnar call gets n times this).
    public var instructionsPerRow: Int
    /// The cap on the state's memory, in bytes.
    public var memoryLimit: Int
    /// The job's seed for `math.random` (combined with each row's input line).
    public var seed: UInt64
    /// Whether float64 outputs may be NaN or ±infinity; when false (the default) such a value
    /// rejects its row (`non_finite`), so none reaches the model or the predictions.
    public var allowNonFinite: Bool

    public init(name: String, source: String, chunkName: String, moduleRoot: String?, outputs: Schema,
                params: [(key: String, value: ConfigValue)], inputs: [String: ColumnType] = [:], onError: OnError = .quarantine,
                instructionsPerRow: Int = 1_000_000, memoryLimit: Int = 256 << 20, seed: UInt64 = 0,
                allowNonFinite: Bool = false) {
        self.name = name
        self.source = source
        self.chunkName = chunkName
        self.moduleRoot = moduleRoot
        self.outputs = outputs
        self.params = params
        self.inputs = inputs
        self.onError = onError
        self.instructionsPerRow = instructionsPerRow
        self.memoryLimit = memoryLimit
        self.seed = seed
        self.allowNonFinite = allowNonFinite
    }
}
