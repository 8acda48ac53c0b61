import CLuaBridge
import ScoreCore

/// One sandboxed `lua_State` with a hook script loaded and `init(params)` run. Owned by one worker
/// and never shared: it is not Sendable, and the steps keep it behind a lock.
public final class LuaHookState {
    /// The hook functions a script defines.
    public struct Hooks: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let features = Hooks(rawValue: Int32(BS_HOOK_FEATURES.rawValue))
        public static let featuresBatch = Hooks(rawValue: Int32(BS_HOOK_FEATURES_BATCH.rawValue))
        public static let validate = Hooks(rawValue: Int32(BS_HOOK_VALIDATE.rawValue))
        public static let validateBatch = Hooks(rawValue: Int32(BS_HOOK_VALIDATE_BATCH.rawValue))
        public static let initialize = Hooks(rawValue: Int32(BS_HOOK_INIT.rawValue))
    }

    /// What happened to one row in a hook call.
    public enum Outcome: UInt8, Sendable {
        case ok = 0
        case rejected = 1
        case hookError = 2
        case budget = 3
        case memory = 4
        case output = 5
        /// A float64 output is NaN or ±infinity and the step does not allow that.
        case nonFinite = 6
    }

    /// The per-row outcomes of one call, with a message for every row that is not `.ok`.
    public struct Result: Sendable {
        public var outcomes: [Outcome]
        var messageBytes: [UInt8]
        var messageOffsets: [Int64]

        /// The message of row `r` (empty when the row is fine).
        public func message(_ r: Int) -> String {
            String(decoding: messageBytes[Int(messageOffsets[r]) ..< Int(messageOffsets[r + 1])], as: UTF8.self)
        }
    }

    let definition: HookDefinition
    private let state: OpaquePointer
    /// The hooks the script defines.
    public let hooks: Hooks

    /// Creates the sandbox, loads the script, passes the parameters and runs `init`.
    /// - Throws: `HookError` naming `script.lua:line` for a syntax error or a failing `init`.
    public init(_ definition: HookDefinition) throws(HookError) {
        self.definition = definition
        var err = [CChar](repeating: 0, count: 1024)
        guard let s = bs_open(definition.memoryLimit, definition.seed, &err, err.count) else {
            throw HookError(.sandbox, step: definition.name, hook: "load", message: Self.text(err))
        }
        state = s
        let length = definition.source.utf8.count
        let loaded = definition.source.withCString { src in
            definition.chunkName.withCString { chunk in
                if let root = definition.moduleRoot {
                    root.withCString { bs_load(s, src, length, chunk, $0, &err, err.count) }
                } else {
                    bs_load(s, src, length, chunk, nil, &err, err.count)
                }
            }
        }
        if loaded != 0 {
            bs_close(s)
            throw HookError(.script, step: definition.name, hook: "load", message: Self.text(err))
        }
        hooks = Hooks(rawValue: bs_hooks(s))
        // From here on every stored property is set: a throw runs deinit, which closes the state.
        guard let params = LuaParams.encode(definition.params) else {
            throw HookError(.params, step: definition.name, hook: "init", message: "params are nested too deeply or are too large")
        }
        if bs_set_params(s, params, params.count, &err, err.count) != 0 {
            throw HookError(.params, step: definition.name, hook: "init", message: Self.text(err))
        }
        // init gets a hundred rows' worth of instructions (saturating: the setting can be large).
        let (initBudget, overflow) = Int64(definition.instructionsPerRow).multipliedReportingOverflow(by: 100)
        if bs_init(s, overflow ? Int64.max : initBudget, &err, err.count) != 0 {
            // Every stored property is set, so deinit runs after this throw and closes the state.
            throw HookError(.initFailed, step: definition.name, hook: "init", message: Self.text(err))
        }
    }

    deinit { bs_close(state) }

    /// Bytes the state holds now (for tests and diagnostics).
    public var memoryUsed: Int { bs_memory_used(state) }

    static func text(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Runs `features` (or `features_batch` when `columnar`) over `batch` and returns the declared
    /// output columns (rows whose outcome is not `.ok` hold placeholder values) and the outcomes.
    public func features(_ batch: Batch, columnar: Bool) -> ([Column], Result) {
        let n = batch.rowCount
        let buffers = OutputBuffers(definition.outputs.fields, rows: n, allowNonFinite: definition.allowNonFinite)
        let budget = Int64(definition.instructionsPerRow)
        let count = Int32(buffers.specs.count)
        let result = buffers.specs.withUnsafeMutableBufferPointer { specs in
            withInputs(batch) { columns, lines, output in
                columnar
                    ? bs_features_batch(state, columns, Int32(batch.columns.count), Int64(n), lines, specs.baseAddress, count, budget, output)
                    : bs_features_rows(state, columns, Int32(batch.columns.count), Int64(n), lines, specs.baseAddress, count, budget, output)
            }
        }
        return (n == 0 ? definition.outputs.fields.map { Column(name: $0.name, data: Self.empty($0.type)) } : buffers.columns(), result)
    }

    static func empty(_ type: ColumnType) -> ColumnData {
        switch type {
        case .float64: .float64([])
        case .int64: .int64([])
        case .string: .string(StringColumn())
        case .bool: .bool([])
        }
    }

    /// Runs `validate` (or `validate_batch` when `columnar`) over `batch`.
    public func validate(_ batch: Batch, columnar: Bool) -> Result {
        withInputs(batch) { columns, lines, output in
            let budget = Int64(definition.instructionsPerRow)
            return columnar
                ? bs_validate_batch(state, columns, Int32(batch.columns.count), Int64(batch.rowCount), lines, budget, output)
                : bs_validate_rows(state, columns, Int32(batch.columns.count), Int64(batch.rowCount), lines, budget, output)
        }
    }
}
