import ScoreCore

/// A Lua plugin's `plugin.yaml`, checked: who it is, what it needs and what it produces.
public struct PluginManifest: Sendable {
    /// Which hook a plugin provides; the raw values are the `lua` step's plugin kinds.
    public enum Kind: String, Sendable, CaseIterable {
        /// `features(row, params)` / `features_batch(cols, n, params)`: computes columns.
        case features
        /// `validate(row, params)` / `validate_batch(cols, n, params)`: accepts or rejects rows.
        case validator
    }

    /// `[a-z0-9-]+`, equal to the plugin's folder name.
    public var name: String
    /// The plugin's release, matched against a job's pin (`ratio@^1.2`).
    public var version: SemanticVersion
    /// Whether the plugin computes features or validates rows.
    public var kind: Kind
    /// The script, relative to the plugin folder.
    public var entry: String
    /// One line for `batchscore plugins list`.
    public var description: String
    /// The params a step may pass, in declaration order, declared as config fields.
    public var params: [ConfigField]
    /// Input columns the hook reads, with the type to read them as; names may hold `{param}` placeholders.
    public var inputs: [(name: String, type: ColumnType)]
    /// A features plugin's output columns; names may hold `{param}` placeholders.
    public var outputs: [(name: String, type: ColumnType)]
    /// Where `plugin.yaml` was read from (for messages).
    public var file: String

    /// Creates a manifest (the loader is the usual way).
    public init(name: String, version: SemanticVersion, kind: Kind, entry: String, description: String,
                params: [ConfigField], inputs: [(name: String, type: ColumnType)] = [],
                outputs: [(name: String, type: ColumnType)], file: String = "plugin.yaml") {
        self.name = name
        self.version = version
        self.kind = kind
        self.entry = entry
        self.description = description
        self.params = params
        self.inputs = inputs
        self.outputs = outputs
        self.file = file
    }

    /// The declared param called `name`, if any.
    public func param(_ name: String) -> ConfigField? { params.first { $0.name == name } }

    /// The param types `plugin.yaml` spells and the config type each one is: a param is declared and
    /// checked like any built-in field (type, bounds, required, default), so its errors read the same.
    public static let paramTypes: [(spelling: String, type: ConfigType)] = [
        ("string", .string), ("integer", .int), ("number", .float), ("boolean", .bool),
        ("list", .list(.any)), ("map", .map(.any)), ("any", .any),
    ]

    /// `type`'s spelling in `plugin.yaml` (for listings), or its description for a type no manifest can declare.
    public static func spelling(of type: ConfigType) -> String {
        paramTypes.first { $0.type == type }?.spelling ?? type.description
    }
}
