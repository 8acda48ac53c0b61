import ScoreCore
@testable import ScoreLua

/// A small batch: id (int64), income (float64, one null), region (string), vip (bool).
func sampleBatch(rows: Int = 4) -> Batch {
    var origins = RowOrigins()
    for i in 0 ..< rows { origins.append(line: i + 2, record: "row \(i)") }
    var nulls = NullBitmap(count: 0)
    for i in 0 ..< rows { nulls.append(isNull: i == 1) }
    return Batch(columns: [
        Column(name: "id", data: .int64((0 ..< rows).map { Int64($0) + 9_007_199_254_740_993 })),
        Column(name: "income", data: .float64((0 ..< rows).map { Double($0) * 1000 + 0.5 }), nulls: nulls),
        Column(name: "region", data: .string(StringColumn((0 ..< rows).map { ["north", "south", "", "east"][$0 % 4] }))),
        Column(name: "vip", data: .bool((0 ..< rows).map { $0 % 2 == 0 })),
    ], origins: origins)
}

func definition(_ source: String, outputs: [(String, ColumnType)] = [], params: [(key: String, value: ConfigValue)] = [],
                onError: HookDefinition.OnError = .quarantine, instructions: Int = 1_000_000,
                memory: Int = 64 << 20, root: String? = nil) -> HookDefinition {
    HookDefinition(name: "test-hook", source: source, chunkName: "@hook.lua", moduleRoot: root,
                   outputs: Schema(outputs.map { .init(name: $0.0, type: $0.1) }), params: params, onError: onError,
                   instructionsPerRow: instructions, memoryLimit: memory, seed: 42)
}

/// Runs a features hook over `batch`; returns the step's output batch and the verdicts.
func runFeatures(_ source: String, outputs: [(String, ColumnType)], batch: Batch = sampleBatch(),
                 params: [(key: String, value: ConfigValue)] = [], onError: HookDefinition.OnError = .quarantine,
                 instructions: Int = 1_000_000, memory: Int = 64 << 20) throws -> (Batch, RowVerdicts) {
    let step = try LuaFeatureStep(definition(source, outputs: outputs, params: params, onError: onError,
                                             instructions: instructions, memory: memory))
    var verdicts = RowVerdicts(rowCount: batch.rowCount)
    let out = try step.apply(batch, verdicts: &verdicts)
    return (out, verdicts)
}

/// Runs a validate hook over `batch`.
func runValidate(_ source: String, batch: Batch = sampleBatch(), params: [(key: String, value: ConfigValue)] = [],
                 instructions: Int = 1_000_000, memory: Int = 64 << 20, root: String? = nil) throws -> RowVerdicts {
    let validator = try LuaValidator(definition(source, params: params, instructions: instructions, memory: memory, root: root))
    var verdicts = RowVerdicts(rowCount: batch.rowCount)
    try validator.validate(batch, verdicts: &verdicts)
    return verdicts
}

extension RowVerdicts {
    /// The reason of each rejected row, by row.
    var reasons: [Int: String] { Dictionary(uniqueKeysWithValues: verdicts.map { ($0.row, $0.reason) }) }
    var rules: [Int: String] { Dictionary(uniqueKeysWithValues: verdicts.map { ($0.row, $0.rule) }) }
}
