import ScoreCore
import ScoreIO
import ScoreModels

/// The registry of everything built in; the CLI and tests start from it.
public enum BuiltinPlugins {
    public static var registry: PluginRegistry {
        var r = PluginRegistry()
        r.register(CSVReader.plugin)
        r.register(JSONLReader.plugin)
        r.register(ParquetReader.plugin)
        r.register(SchemaValidator.plugin)
        r.register(FiniteValidator.plugin)
        r.register(RangeValidator.plugin)
        r.register(AllowedValidator.plugin)
        r.register(LuaSteps.validator)
        r.register(LuaSteps.features)
        r.register(NativeModelFormat.plugin)
        r.register(XGBoostFormat.plugin)
        r.register(LightGBMFormat.plugin)
        r.register(CSVWriter.plugin)
        r.register(JSONLWriter.plugin)
        r.register(ParquetWriter.plugin(createdBy: "batchscore \(BatchScoreVersion.current)"))
        return r
    }
}

/// The version printed by `--version` and written to run manifests.
public enum BatchScoreVersion {
    public static let current = "0.1.0"
}
