import ScoreCore

/// Checks an expanded YAML tree against field declarations and collects every problem,
/// so one run reports all the mistakes of a document. Pure: no I/O.
struct SpecChecker {
    let registry: PluginRegistry
    /// Every problem found so far, in the order found.
    var errors: [JobSpecError] = []

    init(registry: PluginRegistry) { self.registry = registry }

    mutating func report(_ location: SourceLocation?, _ keyPath: String, _ message: String, hint: String? = nil) {
        errors.append(JobSpecError(at: location, keyPath, message, hint: hint))
    }

    /// "expected integer, got string "abc"" at the node.
    mutating func reportMismatch(_ node: YAMLNode, _ expected: String, _ keyPath: String, hint: String? = nil) {
        report(node.location, keyPath, "expected \(expected), got \(node.summary)", hint: hint)
    }

    /// Checks a mapping against `fields` and fills defaults. `node` nil or null means the section
    /// was left out: every default is filled and required fields are reported missing.
    /// - Parameters:
    ///   - preset: entries the caller already checked (a plugin's `type`), kept first.
    ///   - reservedKeys: keys the caller handles itself (`type`); they are neither checked nor unknown.
    ///   - absentAt: where to report missing keys when the section itself is absent.
    mutating func section(_ node: YAMLNode?, fields: [ConfigField], keyPath: String,
                          preset: [(String, ConfigSection.Entry)] = [], reservedKeys: [String] = [],
                          absentAt: SourceLocation? = nil) -> ConfigSection {
        var pairs: [YAMLPair] = []
        var location = absentAt
        if let node, !node.isNull {
            location = node.location
            if node.isInvalid { return ConfigSection(keyPath: keyPath, location: location, entries: preset) }
            guard let p = node.pairs else {
                reportMismatch(node, "mapping", keyPath)
                return ConfigSection(keyPath: keyPath, location: location, entries: preset)
            }
            pairs = p
        }

        var checked: [String: ConfigSection.Entry] = [:]
        let validKeys = reservedKeys + fields.map(\.name)
        for pair in pairs where !reservedKeys.contains(pair.keyText) {
            let path = keyPath.appendingKey(pair.keyText)
            guard let field = fields.first(where: { $0.name == pair.keyText }) else {
                let hint = NearMiss.hint(for: pair.keyText, among: validKeys)
                    ?? (validKeys.isEmpty ? "this section takes no keys" : "valid keys: \(validKeys.joined(separator: ", "))")
                report(pair.key.location, path, "unknown key", hint: hint)
                continue
            }
            if let value = value(pair.value, field.type, bounds: field, keyPath: path) {
                var members: [String: ConfigSection.MemberLocation] = [:]
                if case .map = value, let inner = pair.value.pairs {
                    for p in inner { members[p.keyText] = .init(key: p.key.location, value: p.value.location, isSecret: p.value.containsSecret) }
                }
                checked[field.name] = ConfigSection.Entry(value: value, location: pair.value.location,
                                                          isSecret: pair.value.containsSecret, members: members)
            } else if field.required {
                // Reported already; keep it from also being reported missing.
                checked[field.name] = ConfigSection.Entry(value: .null, location: pair.value.location)
            }
        }

        var section = ConfigSection(keyPath: keyPath, location: location, entries: preset)
        let given = Set(pairs.map(\.keyText))
        for field in fields {
            if let entry = checked[field.name] {
                section.set(field.name, entry)
            } else if given.contains(field.name) {
                continue  // present but wrong: reported above
            } else if field.required {
                report(location, keyPath, "missing required key '\(field.name)'")
            } else if let value = field.defaultValue {
                section.set(field.name, ConfigSection.Entry(value: value, location: nil))
            } else if case .section(let inner) = field.type {
                let filled = self.section(nil, fields: inner, keyPath: keyPath.appendingKey(field.name), absentAt: location)
                section.set(field.name, ConfigSection.Entry(value: .section(filled), location: nil))
            }
        }
        return section
    }
}
