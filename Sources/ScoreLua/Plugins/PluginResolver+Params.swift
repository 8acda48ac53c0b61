import ScoreCore
import ScoreJobSpec

extension PluginResolver {
    /// Checks a step's params against the manifest's declarations, with the same type system and wording as
    /// built-in fields: unknown params (with a near-miss hint), missing required ones, wrong types and values out
    /// of bounds are errors; defaults fill what is left out. Integers given for a `number` param become floats,
    /// so the hook always sees the declared type.
    /// - Parameters:
    ///   - location: the step's `params` mapping (where a missing param is reported).
    ///   - members: where each given param's key and value stand, so its error points at it.
    /// - Returns: the params in the manifest's order (absent params without a default are left out).
    /// - Throws: `JobSpecErrors`, every problem found.
    public static func checkParams(_ params: [(key: String, value: ConfigValue)], manifest: PluginManifest,
                                   at location: SourceLocation?, members: [String: ConfigSection.MemberLocation] = [:],
                                   keyPath: String) throws -> [(key: String, value: ConfigValue)] {
        var errors: [JobSpecError] = []
        var given: [String: ConfigValue] = [:]
        let names = manifest.params.map(\.name)
        for (key, value) in params {
            let path = keyPath.isEmpty ? key : "\(keyPath).\(key)"
            guard let param = manifest.param(key) else {
                errors.append(JobSpecError(at: members[key]?.key ?? location, path, "plugin '\(manifest.name)' has no param '\(key)'",
                                           hint: NearMiss.hint(for: key, among: names)
                                               ?? (names.isEmpty ? "it takes no params" : "its params: \(names.joined(separator: ", "))")))
                continue
            }
            if value == .null, param.required {
                errors.append(JobSpecError(at: members[key]?.value ?? location, path, "a required param cannot be null"))
                continue
            }
            switch param.conform(value) {
            case .success(let accepted): given[key] = accepted
            case .failure(let mismatch):
                let shown = members[key]?.isSecret == true ? mismatch.redacted : mismatch
                errors.append(JobSpecError(at: members[key]?.value ?? location, path, shown.description))
            }
        }
        var out: [(key: String, value: ConfigValue)] = []
        for param in manifest.params {
            if let value = given[param.name] {
                out.append((param.name, value))
            } else if param.required {
                if !params.contains(where: { $0.key == param.name }) {
                    errors.append(JobSpecError(at: location, keyPath, "missing required param '\(param.name)' of plugin '\(manifest.name)'",
                                               hint: param.doc.isEmpty ? nil : param.doc))
                }
            } else if let value = param.defaultValue {
                out.append((param.name, value))
            }
        }
        if !errors.isEmpty { throw JobSpecErrors(errors) }
        return out
    }

    /// The manifest's outputs with `{param}` placeholders filled from `params` (checked ones).
    /// - Throws: `JobSpecErrors` when a placeholder's param has no text value, or two outputs get one name.
    public static func outputs(of manifest: PluginManifest, params: [(key: String, value: ConfigValue)],
                               at location: SourceLocation? = nil, keyPath: String = "") throws -> Schema {
        try filled(manifest.outputs, "output", manifest: manifest, params: params, at: location, keyPath: keyPath)
    }

    /// The manifest's inputs (columns the hook reads, with the type to read them as), filled like `outputs`.
    public static func inputs(of manifest: PluginManifest, params: [(key: String, value: ConfigValue)],
                              at location: SourceLocation? = nil, keyPath: String = "") throws -> Schema {
        try filled(manifest.inputs, "input", manifest: manifest, params: params, at: location, keyPath: keyPath)
    }

    private static func filled(_ templates: [(name: String, type: ColumnType)], _ what: String, manifest: PluginManifest,
                               params: [(key: String, value: ConfigValue)], at location: SourceLocation?,
                               keyPath: String) throws -> Schema {
        var errors: [JobSpecError] = []
        var fields: [Schema.Field] = []
        for (template, type) in templates {
            var missing: String?
            let name = Placeholders.fill(template) { key in
                let text = params.last { $0.key == key }.flatMap { scalarText($0.value) }
                if text == nil { missing = key }
                return text
            }
            guard let name, !name.isEmpty else {
                errors.append(JobSpecError(at: location, keyPath,
                                           "plugin '\(manifest.name)': \(what) '\(template)' needs param '\(missing ?? "?")' to be text or a number"))
                continue
            }
            if fields.contains(where: { $0.name == name }) {
                errors.append(JobSpecError(at: location, keyPath, "plugin '\(manifest.name)': two \(what)s are named '\(name)'",
                                           hint: "give the params that name them different values"))
                continue
            }
            fields.append(Schema.Field(name: name, type: type))
        }
        if !errors.isEmpty { throw JobSpecErrors(errors) }
        return Schema(fields)
    }

    /// A scalar param's text for a column name; nil for null, lists and maps.
    static func scalarText(_ value: ConfigValue) -> String? {
        switch value {
        case .string(let s): s.isEmpty ? nil : s
        case .int, .float, .bool, .count: value.description
        default: nil
        }
    }
}
