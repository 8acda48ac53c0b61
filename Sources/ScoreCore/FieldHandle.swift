/// A declared config field and the Swift value it reads as: the one declaration that the spec
/// checker and the docs use (`declaration`) also gives the factory its value, with the declared
/// default applied, so a default or a bound is written once. Bounds are checked with the spec
/// (`ConfigField.minimum`/`maximum`); a factory reading a checked section gets a value within them.
public struct FieldHandle<Value: Sendable>: Sendable {
    /// What the checker, `batchscore plugins` and the README reference see.
    public let declaration: ConfigField
    private let decode: @Sendable (ConfigValue) -> Value?
    private let fallback: Value

    private init(_ declaration: ConfigField, fallback: Value, decode: @escaping @Sendable (ConfigValue) -> Value?) {
        self.declaration = declaration
        self.fallback = fallback
        self.decode = decode
    }

    /// The field's value in `section`: what the job file says, or the declared default.
    public func value(in section: ConfigSection?) -> Value {
        section?[declaration.name].flatMap(decode) ?? fallback
    }

    /// The field's YAML key.
    public var name: String { declaration.name }
}

extension FieldHandle where Value == Int {
    /// A whole number with a default and optional inclusive bounds.
    public static func int(_ name: String, default value: Int, minimum: Double? = nil, maximum: Double? = nil,
                           doc: String) -> FieldHandle {
        FieldHandle(ConfigField(name, .int, default: .int(value), minimum: minimum, maximum: maximum, doc: doc),
                    fallback: value, decode: \.intValue)
    }
}

extension FieldHandle where Value == Double {
    /// A number with a default and optional inclusive bounds.
    public static func float(_ name: String, default value: Double, minimum: Double? = nil, maximum: Double? = nil,
                             doc: String) -> FieldHandle {
        FieldHandle(ConfigField(name, .float, default: .float(value), minimum: minimum, maximum: maximum, doc: doc),
                    fallback: value, decode: \.doubleValue)
    }
}

extension FieldHandle where Value == Bool {
    /// `true` or `false`, with a default.
    public static func bool(_ name: String, default value: Bool, doc: String) -> FieldHandle {
        FieldHandle(ConfigField(name, .bool, default: .bool(value), doc: doc), fallback: value, decode: \.boolValue)
    }
}

extension FieldHandle where Value == String {
    /// Text with a default.
    public static func string(_ name: String, default value: String, doc: String) -> FieldHandle {
        FieldHandle(ConfigField(name, .string, default: .string(value), doc: doc), fallback: value, decode: \.stringValue)
    }

    /// One of `words`, known only at run time (the registered model formats), with a default word.
    public static func choice(_ name: String, among words: [String], default value: String, doc: String) -> FieldHandle {
        FieldHandle(ConfigField(name, .choice(words), default: .string(value), doc: doc), fallback: value, decode: \.stringValue)
    }
}

extension FieldHandle where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of an enum's raw values (the declared choice lists them all), with a default.
    public static func choice(_ name: String, default value: Value, doc: String) -> FieldHandle {
        FieldHandle(ConfigField(name, .choice(Value.allCases.map(\.rawValue)), default: .string(value.rawValue), doc: doc),
                    fallback: value, decode: { $0.stringValue.flatMap(Value.init(rawValue:)) })
    }
}

extension FieldHandle where Value == String? {
    /// A name that can be switched off: `false` is nil, `true` is `whenTrue`, a string is itself; the default is
    /// `defaultName` (nil for off). For an optional output column (`confidence`) or a column-name prefix.
    public static func nameOrOff(_ name: String, default defaultName: String?, whenTrue: String, doc: String) -> FieldHandle {
        FieldHandle(ConfigField(name, .either(.bool, .string), default: defaultName.map(ConfigValue.string) ?? .bool(false), doc: doc),
                    fallback: defaultName, decode: { value in
                        switch value {
                        case .bool(let on): .some(on ? whenTrue : nil)
                        case .string(let s): .some(s)
                        default: nil
                        }
                    })
    }
}

extension ConfigSection {
    /// `field`'s value here, or its declared default.
    public subscript<Value>(field: FieldHandle<Value>) -> Value { field.value(in: self) }
}
