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
    /// The params a step may pass, in declaration order.
    public var params: [PluginParam]
    /// Input columns the hook reads, with the type to read them as; names may hold `{param}` placeholders.
    public var inputs: [(name: String, type: ColumnType)]
    /// A features plugin's output columns; names may hold `{param}` placeholders.
    public var outputs: [(name: String, type: ColumnType)]
    /// Where `plugin.yaml` was read from (for messages).
    public var file: String

    /// Creates a manifest (the loader is the usual way).
    public init(name: String, version: SemanticVersion, kind: Kind, entry: String, description: String,
                params: [PluginParam], inputs: [(name: String, type: ColumnType)] = [],
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
    public func param(_ name: String) -> PluginParam? { params.first { $0.name == name } }
}

/// One declared plugin param: its type, whether a step must give it, its default and its doc.
public struct PluginParam: Sendable, Equatable {
    /// The type a value must have, as `plugin.yaml` spells it.
    public enum ValueType: String, Sendable, CaseIterable, CustomStringConvertible {
        case string, integer, number, boolean, list, map, any

        /// The spelling in `plugin.yaml` and listings.
        public var description: String { rawValue }
    }

    /// The key under the step's `params:`.
    public var name: String
    /// The type a value must have.
    public var type: ValueType
    /// Whether a step must give the param.
    public var required: Bool
    /// The value used when a step leaves the param out; nil for none (the hook sees `nil`).
    public var defaultValue: ConfigValue?
    /// One line for `plugins show`.
    public var doc: String

    /// Creates a param declaration.
    public init(name: String, type: ValueType, required: Bool = false, defaultValue: ConfigValue? = nil, doc: String = "") {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.doc = doc
    }

    /// `value` as the hook gets it when it fits the type (integers widen to numbers), else nil.
    /// Null always fits: it means "no value" and the hook sees `nil`.
    public func accept(_ value: ConfigValue) -> ConfigValue? {
        if value == .null { return value }
        switch (type, value) {
        case (.any, _): return value
        case (.string, .string), (.integer, .int), (.number, .float), (.boolean, .bool),
             (.list, .list), (.map, .map):
            return value
        case (.integer, .count(let i)): return .int(i)
        case (.number, .int(let i)), (.number, .count(let i)): return .float(Double(i))
        default: return nil
        }
    }
}
