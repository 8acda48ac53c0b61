import ScoreCore

extension SpecChecker {
    /// The top-level keys of a job (declared in `JobSections.topLevel`).
    static let topLevelKeys = JobSections.topLevel.map(\.name)

    /// The declaration of top-level key `name`.
    static func declared(_ name: String) -> ConfigField {
        JobSections.topLevel.first { $0.name == name }!
    }

    /// The job version this code reads.
    static let supportedVersion = JobSections.version

    /// Checks a whole document. Always returns a spec (with placeholders where parts were wrong);
    /// it is only valid when `errors` is empty.
    mutating func job(_ root: YAMLNode, file: String, baseDirectory: String) -> JobSpec {
        let placeholder = ConfigSection(keyPath: "", location: nil)
        var spec = JobSpec(file: file, baseDirectory: baseDirectory, version: Self.supportedVersion, name: nil,
                           reader: placeholder, validators: [], features: [], model: placeholder,
                           output: placeholder, writer: placeholder, quarantine: placeholder,
                           runtime: placeholder, canonicalText: "")
        guard let pairs = root.pairs, !root.isInvalid else {
            reportMismatch(root, "a mapping of job keys (version, reader, model, writer, ...)", "")
            return spec
        }
        var byKey: [String: YAMLPair] = [:]
        for pair in pairs {
            guard Self.topLevelKeys.contains(pair.keyText) else {
                report(pair.key.location, pair.keyText, "unknown key",
                       hint: NearMiss.hint(for: pair.keyText, among: Self.topLevelKeys)
                           ?? "valid keys: \(Self.topLevelKeys.joined(separator: ", "))")
                continue
            }
            byKey[pair.keyText] = pair
        }
        let at = root.location

        if let node = byKey["version"]?.value {
            // Its type comes from the declaration; its bounds are left to the message below, which
            // says which version this build reads.
            var versionField = Self.declared("version")
            versionField.minimum = nil
            versionField.maximum = nil
            if case .int(let v)? = value(node, versionField.type, bounds: versionField, keyPath: "version") {
                if v != Self.supportedVersion {
                    report(node.location, "version", "unsupported version \(node.isSecret ? "<redacted>" : String(v))",
                           hint: "this batchscore reads version \(Self.supportedVersion)")
                }
                spec.version = v
            }
        } else {
            report(at, "", "missing required key 'version'", hint: "add 'version: \(Self.supportedVersion)'")
        }
        if let node = byKey["name"]?.value {
            let nameField = Self.declared("name")
            spec.name = value(node, nameField.type, bounds: nameField, keyPath: "name")?.stringValue
            spec.nameIsSecret = node.isSecret
        }
        spec.reader = required(byKey["reader"], "reader", at: at) { $0.plugin($1, .reader, keyPath: "reader") }
        spec.validators = pluginList(byKey["validate"]?.value, .validator, keyPath: "validate")
        spec.features = pluginList(byKey["features"]?.value, .features, keyPath: "features")
        spec.model = required(byKey["model"], "model", at: at) {
            $0.section($1, fields: JobSections.model(registry: $0.registry), keyPath: "model")
        }
        spec.output = section(byKey["output"]?.value, fields: JobSections.output, keyPath: "output")
        spec.writer = required(byKey["writer"], "writer", at: at) { $0.plugin($1, .writer, keyPath: "writer") }
        spec.quarantine = section(byKey["quarantine"]?.value, fields: JobSections.quarantine, keyPath: "quarantine")
        spec.runtime = section(byKey["runtime"]?.value, fields: JobSections.runtime, keyPath: "runtime")
        spec.canonicalText = CanonicalText.render(spec)
        return spec
    }

    private mutating func required(_ pair: YAMLPair?, _ key: String, at: SourceLocation,
                                   _ check: (inout SpecChecker, YAMLNode) -> ConfigSection) -> ConfigSection {
        guard let pair else {
            report(at, "", "missing required key '\(key)'")
            return ConfigSection(keyPath: key, location: nil)
        }
        return check(&self, pair.value)
    }

    /// A `validate:` or `features:` list; absent or null is an empty list.
    private mutating func pluginList(_ node: YAMLNode?, _ kind: PluginKind, keyPath: String) -> [ConfigSection] {
        guard let node, !node.isNull, !node.isInvalid else { return [] }
        guard let items = node.items else {
            reportMismatch(node, "a list of \(kind.title), each with 'type:'", keyPath,
                           hint: "write each entry on its own line starting with '- '")
            return []
        }
        return items.enumerated().map { plugin($1, kind, keyPath: keyPath.appendingIndex($0)) }
    }

    /// A section whose `type:` names a registered plugin of `kind`, checked against that plugin's fields.
    mutating func plugin(_ node: YAMLNode, _ kind: PluginKind, keyPath: String) -> ConfigSection {
        let empty = ConfigSection(keyPath: keyPath, location: node.location)
        if node.isInvalid { return empty }
        let registered = registry.specs(kind).map(\.type)
        let known = registered.isEmpty ? "no \(kind.title) are registered"
            : "registered \(kind.title): \(registered.joined(separator: ", "))"
        guard let pairs = node.pairs else {
            reportMismatch(node, "a mapping with 'type:'", keyPath)
            return empty
        }
        guard let typePair = pairs.first(where: { $0.keyText == "type" }) else {
            report(node.location, keyPath, "missing required key 'type'", hint: known)
            return empty
        }
        let typeNode = typePair.value
        if typeNode.isInvalid { return empty }
        guard let type = typeNode.scalarText, !typeNode.isNull else {
            reportMismatch(typeNode, "the name of a \(kind.singular) type", keyPath.appendingKey("type"), hint: known)
            return empty
        }
        guard let spec = registry.spec(kind, type) else {
            report(typeNode.location, keyPath.appendingKey("type"), "unknown \(kind.singular) type \(typeNode.quotedText)",
                   hint: typeNode.isSecret ? known : NearMiss.hint(for: type, among: registered) ?? known)
            return empty
        }
        let typeEntry = ConfigSection.Entry(value: .string(type), location: typeNode.location, isSecret: typeNode.isSecret)
        let checked = section(node, fields: spec.fields, keyPath: keyPath, preset: [("type", typeEntry)], reservedKeys: ["type"])
        for rule in spec.rules {
            if let problem = rule.violation(in: checked) { report(node.location, keyPath, problem) }
        }
        return checked
    }
}

extension PluginKind {
    /// The word used in messages (`unknown validator type 'rnge'`).
    var singular: String {
        switch self {
        case .reader: "reader"
        case .validator: "validator"
        case .features: "feature step"
        case .model: "model format"
        case .writer: "writer"
        }
    }
}
