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

    /// Adds a reader; a second plugin of the same kind and type is refused, never silently replaced.
    public mutating func register(_ r: Reader) throws { try Self.add(r, as: r.spec, to: &readers) }
    /// Adds a validator (same rule).
    public mutating func register(_ v: Validator) throws { try Self.add(v, as: v.spec, to: &validators) }
    /// Adds a feature step (same rule).
    public mutating func register(_ f: Features) throws { try Self.add(f, as: f.spec, to: &features) }
    /// Adds a model format (same rule).
    public mutating func register(_ m: ModelFormat) throws { try Self.add(m, as: m.spec, to: &modelFormats) }
    /// Adds a writer (same rule).
    public mutating func register(_ w: Writer) throws { try Self.add(w, as: w.spec, to: &writers) }

    private static func add<P>(_ entry: P, as spec: PluginSpec, to entries: inout [String: P]) throws(PluginRegistryError) {
        guard entries[spec.type] == nil else { throw .duplicate(kind: spec.kind, type: spec.type) }
        entries[spec.type] = entry
    }

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

/// A registry refused a plugin.
public struct PluginRegistryError: BatchScoreError, Equatable {
    private enum Reason: Equatable {
        case duplicate(kind: PluginKind, type: String)
    }
    private let reason: Reason

    /// A plugin of `kind` named `type` is registered already.
    public static func duplicate(kind: PluginKind, type: String) -> PluginRegistryError { .init(reason: .duplicate(kind: kind, type: type)) }

    public var description: String {
        switch reason {
        case .duplicate(let kind, let type):
            "a \(kind.rawValue) plugin named '\(type)' is registered already; give the new one another type name"
        }
    }
}
