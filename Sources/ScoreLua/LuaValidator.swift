import ScoreCore

/// A validator run by a Lua hook: `validate(row, params)` returns true, or false and a reason;
/// `validate_batch(cols, n, params)` returns n verdicts (true or a reason) when defined.
public struct LuaValidator: RowValidator {
    let runner: LuaHookRunner
    /// True when the columnar form is used.
    public let columnar: Bool
    /// A columnar hook sees its whole batch (its `math.random` draws start from the batch's first line).
    public var seesWholeBatches: Bool { columnar }

    /// Loads the script in a fresh sandbox and runs `init(params)`.
    /// - Throws: `HookError` for a syntax error, a failing `init`, or a script with no validate hook.
    public init(_ definition: HookDefinition) throws(HookError) {
        runner = try LuaHookRunner(definition)
        guard !runner.hooks.isDisjoint(with: [.validate, .validateBatch]) else {
            throw HookError(.script, step: definition.name, hook: "load",
                            message: "\(definition.chunkName.dropFirst()) defines neither validate(row, params) nor validate_batch(cols, n, params)")
        }
        columnar = runner.hooks.contains(.validateBatch)
    }

    public var rule: String { runner.definition.name }
    /// The same hook in a fresh Lua state of its own (one state per worker; `init(params)` runs again).
    public func forWorker() throws -> any RowValidator {
        try Self(runner.definition)
    }

    public var numericColumns: [String] { [] }
    /// Declared `inputs`, read as the types given.
    public var requiredTypes: [String: ColumnType] { runner.definition.inputs }
    public func check(schema: Schema) throws {}

    public func validate(_ batch: Batch, verdicts: inout RowVerdicts) throws {
        let result = runner.validate(batch, columnar: columnar)
        try runner.apply(result, hook: columnar ? "validate_batch" : "validate", batch: batch, verdicts: &verdicts)
    }
}
