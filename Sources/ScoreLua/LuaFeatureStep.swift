import ScoreCore

/// A `features` step run by a Lua hook: `features(row, params)` per row, or
/// `features_batch(cols, n, params)` once per batch when the script defines it.
public struct LuaFeatureStep: FeatureStep {
    let runner: LuaHookRunner
    /// True when the columnar form is used.
    public let columnar: Bool
    /// A columnar hook sees its whole batch (its `math.random` draws start from the batch's first line).
    public var seesWholeBatches: Bool { columnar }

    /// Loads the script in a fresh sandbox and runs `init(params)`.
    /// - Throws: `HookError` for a syntax error, a failing `init`, or a script with no features hook.
    public init(_ definition: HookDefinition) throws(HookError) {
        runner = try LuaHookRunner(definition)
        guard !runner.hooks.isDisjoint(with: [.features, .featuresBatch]) else {
            throw HookError(.script, step: definition.name, hook: "load",
                            message: "\(definition.chunkName.dropFirst()) defines neither features(row, params) nor features_batch(cols, n, params)")
        }
        columnar = runner.hooks.contains(.featuresBatch)
    }

    public var name: String { runner.definition.name }
    /// The same hook in a fresh Lua state of its own (one state per worker; `init(params)` runs again).
    public func forWorker() throws -> any FeatureStep {
        try Self(runner.definition)
    }

    /// Hooks read inputs lazily by name; only declared `inputs` get a type.
    public var numericColumns: [String] { [] }
    public var requiredTypes: [String: ColumnType] { runner.definition.inputs }
    public var outputs: Schema { runner.definition.outputs }

    public func apply(_ batch: Batch, verdicts: inout RowVerdicts) throws -> Batch {
        let (columns, result) = runner.features(batch, columnar: columnar)
        try runner.apply(result, hook: columnar ? "features_batch" : "features", batch: batch, verdicts: &verdicts)
        var out = batch
        for column in columns { out.setColumn(column) }
        return out
    }
}
