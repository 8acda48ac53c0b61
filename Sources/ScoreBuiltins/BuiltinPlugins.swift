import ScoreCore
import ScoreIO
import ScoreLua
import ScoreModels

/// The registry of everything built in; the CLI, servers and tests start from it.
public enum BuiltinPlugins {
    /// Every built-in reader, validator, feature step, model format and writer.
    public static var registry: PluginRegistry {
        do { return try make() } catch {
            // The built-ins are fixed at compile time and a test builds this registry: a clash is a bug in this file.
            preconditionFailure("\(error)")
        }
    }

    static func make() throws -> PluginRegistry {
        var r = PluginRegistry()
        try r.register(CSVReader.plugin)
        try r.register(JSONLReader.plugin)
        try r.register(ParquetReader.plugin)
        try r.register(PostgresReader.plugin)
        try r.register(SchemaValidator.plugin)
        try r.register(FiniteValidator.plugin)
        try r.register(RangeValidator.plugin)
        try r.register(AllowedValidator.plugin)
        try r.register(LuaSteps.validator)
        try r.register(LuaSteps.features)
        try r.register(NativeModelFormat.plugin)
        try r.register(XGBoostFormat.plugin)
        try r.register(LightGBMFormat.plugin)
        try r.register(CSVWriter.plugin)
        try r.register(JSONLWriter.plugin)
        try r.register(ParquetWriter.plugin(createdBy: "batchscore \(BatchScoreVersion.current)"))
        try r.register(PostgresWriter.plugin)
        return r
    }
}
