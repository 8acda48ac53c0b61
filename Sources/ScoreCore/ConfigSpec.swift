/// The type of a config field, as a YAML value must have it.
public indirect enum ConfigType: Sendable, Equatable, CustomStringConvertible {
    /// Text.
    case string
    /// A whole number.
    case int
    /// A finite number; integers are accepted too.
    case float
    /// `true` or `false`.
    case bool
    /// A file path; relative paths resolve against the job file's folder.
    case path
    /// One of a fixed set of words.
    case choice([String])
    /// A sequence whose items all have one type.
    case list(ConfigType)
    /// A mapping with free-form keys (e.g. column names) and values of one type.
    case map(ConfigType)
    /// The value may also be null (`~`, `null`).
    case nullable(ConfigType)
    /// The first type that accepts the value wins.
    case either(ConfigType, ConfigType)
    /// A row count (`1000`) or a percent of rows (`1%`, `0.5%`).
    case countOrPercent
    /// A column type name: float64, int64, string, bool.
    case columnType
    /// A mapping with declared fields (nested sections such as `runtime.retry`).
    case section([ConfigField])
    /// Any YAML value (a hook's `params`): scalars resolve as YAML does, sequences become lists,
    /// mappings become maps. Whoever consumes it checks it (a plugin manifest's params).
    case any

    /// The type as users read it in errors and `batchscore plugins`.
    public var description: String {
        switch self {
        case .string: "string"
        case .int: "integer"
        case .float: "number"
        case .bool: "boolean"
        case .path: "path"
        case .choice(let words): words.joined(separator: " | ")
        case .list(.any): "list"
        case .map(.any): "mapping"
        case .list(let t): "list of \(t)"
        case .map(let t): "map of column → \(t)"
        case .nullable(let t): "\(t) or null"
        case .either(let a, let b): "\(a) | \(b)"
        case .countOrPercent: "count or percent (e.g. 100 or 1%)"
        case .columnType: ColumnType.allCases.map(\.rawValue).joined(separator: " | ")
        case .section: "mapping"
        case .any: "any value"
        }
    }
}

/// One config field a plugin (or a job section) declares: this single declaration drives
/// YAML checking, defaults, `batchscore plugins` and the README's reference.
public struct ConfigField: Sendable, Equatable {
    /// The YAML key (snake_case).
    public var name: String
    /// The type a value must have.
    public var type: ConfigType
    /// Whether the key must be present.
    public var required: Bool
    /// The value used when the key is absent; nil for none.
    public var defaultValue: ConfigValue?
    /// One line for the plugin listing and the README reference.
    public var doc: String
    /// Inclusive bounds for numeric fields (ints, numbers, counts), checked with the spec.
    public var minimum: Double?
    /// Inclusive upper bound; see `minimum`.
    public var maximum: Double?

    /// Declares a field; `doc` comes last so declarations read as a table.
    public init(_ name: String, _ type: ConfigType, required: Bool = false, default defaultValue: ConfigValue? = nil,
                minimum: Double? = nil, maximum: Double? = nil, doc: String) {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.minimum = minimum
        self.maximum = maximum
        self.doc = doc
    }
}

/// What kind of plan component a plugin is.
public enum PluginKind: String, Sendable, CaseIterable {
    case reader, validator, features, model, writer

    /// The plural used in listings and the YAML section that holds it.
    public var title: String {
        switch self {
        case .reader: "readers"
        case .validator: "validators"
        case .features: "feature steps"
        case .model: "model formats"
        case .writer: "writers"
        }
    }
}

/// A plugin's self-description: its `type:` name, a summary, its fields and an example.
public struct PluginSpec: Sendable, Equatable {
    /// Which plan component the plugin provides.
    public var kind: PluginKind
    /// The `type:` name that selects the plugin in a job spec.
    public var type: String
    /// One line for `batchscore plugins` and the README.
    public var summary: String
    /// The config fields the plugin accepts, in declaration order.
    public var fields: [ConfigField]
    /// A YAML flow mapping that configures the plugin (tested to parse).
    public var example: String
    /// Rules across the fields (`script` or `plugin`), checked with the spec.
    public var rules: [ConfigRule]

    /// Creates a spec.
    public init(kind: PluginKind, type: String, summary: String, fields: [ConfigField], rules: [ConfigRule] = [],
                example: String) {
        self.kind = kind
        self.type = type
        self.summary = summary
        self.fields = fields
        self.rules = rules
        self.example = example
    }

    /// The declared field called `name`, if any.
    public func field(_ name: String) -> ConfigField? { fields.first { $0.name == name } }
}
