import Foundation
import ScoreCore
import ScoreLua

/// The `lua` feature step and validator: a script given by path, or a plugin found on the
/// plugin search path (`plugin: ratio@^1`), with params, declared outputs, limits and `on_error`.
public enum LuaSteps {
    /// The fields with defaults, declared once for the checker, the docs and `definition`.
    enum Fields {
        static let onError = FieldHandle<HookDefinition.OnError>.choice("on_error", default: .quarantine,
            doc: "When a hook raises an error or returns a missing or mistyped value: `quarantine` the row, or `fail` the job.")
        static let instructionsPerRow = FieldHandle<Int>.int("instructions_per_row", default: 1_000_000, minimum: 1000, maximum: 1e12,
            doc: "Lua instructions one row may use (a columnar call gets n times this); over it, the row is rejected.")
        static let memoryMB = FieldHandle<Int>.int("memory_mb", default: 256, minimum: 16, maximum: 65536,
            doc: "Memory cap of the hook's Lua state, in MiB; over it, the row is rejected.")
        static let allowNonFinite = FieldHandle<Bool>.bool("allow_nonfinite", default: false,
            doc: "Keep NaN and ±infinity in float64 outputs; by default such a value rejects the row (`non_finite`).")
    }

    /// A hook is a script or a plugin.
    static let source = ConfigRule.exactlyOne(["script", "plugin"])

    static let commonFields: [ConfigField] = [
        ConfigField("script", .path, doc: "A Lua script, relative to the job file. Give `script` or `plugin`."),
        ConfigField("plugin", .string,
                    doc: "A plugin on the search path (the job's `plugins/`, the current folder's `plugins/`, `BATCHSCORE_PLUGIN_PATH`), optionally pinned: `ratio@^1.2`."),
        ConfigField("params", .map(.any), default: .map([]),
                    doc: "Parameters handed to every hook (a plugin checks them against its manifest)."),
        ConfigField("inputs", .map(.columnType),
                    doc: "Input columns the hook reads, with the type to read them as (e.g. { income: float64 }). Columns nothing else uses are text otherwise."),
        Fields.onError.declaration,
        Fields.instructionsPerRow.declaration,
        Fields.memoryMB.declaration,
    ]

    /// `features: [{ type: lua, ... }]`.
    public static let features = PluginRegistry.Features(
        spec: PluginSpec(
            kind: .features, type: "lua",
            summary: "Computes columns with a sandboxed Lua hook: features(row, params), or features_batch(cols, n, params)",
            fields: commonFields + [
                ConfigField("outputs", .map(.columnType),
                            doc: "A `script` step's output columns and types, e.g. { income_per_txn: float64 } (plugins declare theirs)."),
                Fields.allowNonFinite.declaration,
            ],
            rules: [source],
            example: "{ type: lua, plugin: ratio, params: { num: income, den: num_transactions, as: income_per_txn } }"),
        make: { config, context in try LuaFeatureStep(definition(config, context, kind: .features)) })

    /// `validate: [{ type: lua, ... }]`.
    public static let validator = PluginRegistry.Validator(
        spec: PluginSpec(
            kind: .validator, type: "lua",
            summary: "Checks rows with a sandboxed Lua hook: validate(row, params) → true, or false and a reason",
            fields: commonFields,
            rules: [source],
            example: "{ type: lua, script: rules.lua, inputs: { age: int64 } }"),
        make: { config, context in try LuaValidator(definition(config, context, kind: .validator)) })

    /// Resolves the script (or plugin), params, inputs and outputs of a `lua` step.
    static func definition(_ config: ConfigSection, _ context: PluginContext, kind: PluginKind) throws -> HookDefinition {
        // The spec check enforces `source`; a section built without it is held to the same rule.
        if let problem = source.violation(in: config) { throw JobSpecError(at: config.location, config.keyPath, problem) }
        let script = config.string("script"), plugin = config.string("plugin")
        var params = config.map("params") ?? []
        var inputs = (config.map("inputs") ?? []).compactMap { entry in
            entry.value.stringValue.flatMap(ColumnType.init(rawValue:)).map { (entry.key, $0) }
        }
        let name: String, source: String, chunkName: String, root: String
        var outputs: Schema
        if let script {
            let path = context.resolve(script)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                let exists = FileManager.default.fileExists(atPath: path)
                throw JobSpecError(at: config.location(of: "script"), config.keyPath(of: "script"),
                                   exists ? "cannot read \(script) as UTF-8 text" : "script not found: \(path)")
            }
            name = (script as NSString).lastPathComponent
            source = text
            chunkName = "@" + script
            // Absolute, so `require` never resolves against "" (the filesystem root).
            root = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
            outputs = Schema((config.map("outputs") ?? []).compactMap { entry in
                entry.value.stringValue.flatMap(ColumnType.init(rawValue:)).map { .init(name: entry.key, type: $0) }
            })
            if kind == .features && outputs.fields.isEmpty {
                throw JobSpecError(at: config.location, config.keyPath,
                                   "a script step declares its output columns", hint: "add outputs: { name: float64 }")
            }
        } else {
            let searchPath = PluginResolver.searchPath(jobFolder: context.baseDirectory,
                                                       environment: ProcessInfo.processInfo.environment)
            let resolved = try PluginResolver.resolve(plugin!, searchPath: searchPath, at: config.location(of: "plugin"),
                                                      keyPath: config.keyPath(of: "plugin"))
            let manifest = resolved.manifest
            guard manifest.kind.rawValue == kind.rawValue else {
                throw JobSpecError(at: config.location(of: "plugin"), config.keyPath(of: "plugin"),
                                   "plugin '\(manifest.name)' is a \(manifest.kind.rawValue) plugin, this step needs a \(kind.rawValue) one")
            }
            if config.map("outputs") != nil {
                throw JobSpecError(at: config.location(of: "outputs"), config.keyPath(of: "outputs"),
                                   "a plugin declares its own outputs in plugin.yaml; remove this key")
            }
            params = try PluginResolver.checkParams(params, manifest: manifest, at: config.location(of: "params"),
                                                    members: config.entries["params"]?.members ?? [:],
                                                    keyPath: config.keyPath(of: "params"))
            outputs = try PluginResolver.outputs(of: manifest, params: params)
            inputs += try PluginResolver.inputs(of: manifest, params: params).fields.map { ($0.name, $0.type) }
            name = manifest.name
            source = resolved.source
            chunkName = "@\(manifest.name)/\(manifest.entry)"
            root = resolved.folder
        }
        return HookDefinition(
            name: name, source: source, chunkName: chunkName, moduleRoot: root, outputs: outputs, params: params,
            inputs: Dictionary(inputs, uniquingKeysWith: { _, last in last }),
            onError: config[Fields.onError],
            instructionsPerRow: config[Fields.instructionsPerRow],
            memoryLimit: config[Fields.memoryMB] << 20, seed: context.seed,
            allowNonFinite: kind == .features && config[Fields.allowNonFinite])
    }
}
