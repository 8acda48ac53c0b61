/// The components a job can name, each with its spec and factory. A value, so tests can
/// register only what they need and the runtime adds the built-ins.
public struct PluginRegistry: Sendable {
    public struct Reader: Sendable {
        public var spec: PluginSpec
        public var make: @Sendable (ConfigSection, PluginContext, ReaderRequirements) throws -> any BatchReader
        public init(spec: PluginSpec,
                    make: @escaping @Sendable (ConfigSection, PluginContext, ReaderRequirements) throws -> any BatchReader) {
            self.spec = spec
            self.make = make
        }
    }

    public struct Validator: Sendable {
        public var spec: PluginSpec
        public var make: @Sendable (ConfigSection, PluginContext) throws -> any RowValidator
        public init(spec: PluginSpec, make: @escaping @Sendable (ConfigSection, PluginContext) throws -> any RowValidator) {
            self.spec = spec
            self.make = make
        }
    }

    public struct Features: Sendable {
        public var spec: PluginSpec
        public var make: @Sendable (ConfigSection, PluginContext) throws -> any FeatureStep
        public init(spec: PluginSpec, make: @escaping @Sendable (ConfigSection, PluginContext) throws -> any FeatureStep) {
            self.spec = spec
            self.make = make
        }
    }

    public struct ModelFormat: Sendable {
        public var spec: PluginSpec
        /// True when the file's first bytes look like this format (used when `format: auto`).
        public var sniff: @Sendable ([UInt8]) -> Bool
        public var load: @Sendable (_ bytes: [UInt8], _ path: String) throws -> any ScoringModel
        public init(spec: PluginSpec, sniff: @escaping @Sendable ([UInt8]) -> Bool,
                    load: @escaping @Sendable ([UInt8], String) throws -> any ScoringModel) {
            self.spec = spec
            self.sniff = sniff
            self.load = load
        }
    }

    public struct Writer: Sendable {
        public var spec: PluginSpec
        public var make: @Sendable (ConfigSection, PluginContext, Schema) throws -> any BatchWriter
        public init(spec: PluginSpec, make: @escaping @Sendable (ConfigSection, PluginContext, Schema) throws -> any BatchWriter) {
            self.spec = spec
            self.make = make
        }
    }

    public private(set) var readers: [String: Reader] = [:]
    public private(set) var validators: [String: Validator] = [:]
    public private(set) var features: [String: Features] = [:]
    public private(set) var modelFormats: [String: ModelFormat] = [:]
    public private(set) var writers: [String: Writer] = [:]

    public init() {}

    public mutating func register(_ r: Reader) { readers[r.spec.type] = r }
    public mutating func register(_ v: Validator) { validators[v.spec.type] = v }
    public mutating func register(_ f: Features) { features[f.spec.type] = f }
    public mutating func register(_ m: ModelFormat) { modelFormats[m.spec.type] = m }
    public mutating func register(_ w: Writer) { writers[w.spec.type] = w }

    /// The spec of plugin `type` of `kind`, if registered.
    public func spec(_ kind: PluginKind, _ type: String) -> PluginSpec? {
        switch kind {
        case .reader: readers[type]?.spec
        case .validator: validators[type]?.spec
        case .features: features[type]?.spec
        case .model: modelFormats[type]?.spec
        case .writer: writers[type]?.spec
        }
    }

    /// Every registered spec of `kind`, sorted by type name.
    public func specs(_ kind: PluginKind) -> [PluginSpec] {
        let all: [PluginSpec] = switch kind {
        case .reader: readers.values.map(\.spec)
        case .validator: validators.values.map(\.spec)
        case .features: features.values.map(\.spec)
        case .model: modelFormats.values.map(\.spec)
        case .writer: writers.values.map(\.spec)
        }
        return all.sorted { $0.type < $1.type }
    }
}
