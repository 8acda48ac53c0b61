import ScoreCore

/// The checks on `plugin.yaml` that go beyond types: the name's form, the version, a safe entry
/// path, defaults that fit their params, and outputs that match the kind and name real params.
struct ManifestChecks {
    let root: YAMLNode
    let section: ConfigSection
    var errors: [JobSpecError]

    init(root: YAMLNode, section: ConfigSection, errors: [JobSpecError]) {
        self.root = root
        self.section = section
        self.errors = errors
    }

    mutating func report(_ at: SourceLocation?, _ keyPath: String, _ message: String, hint: String? = nil) {
        errors.append(JobSpecError(at: at, keyPath, message, hint: hint))
    }

    /// The manifest, or nil when a key it needs is missing or wrong (already reported).
    mutating func manifest(folderName: String?, file: String) -> PluginManifest? {
        let name = section.string("name") ?? ""
        if section.string("name") != nil {
            if !Self.isPluginName(name) {
                report(section.location(of: "name"), "name", "'\(name)' is not a plugin name",
                       hint: "use lowercase letters, digits and '-'")
            } else if let folderName, folderName != name {
                report(section.location(of: "name"), "name", "the plugin is called '\(name)' but its folder is '\(folderName)'",
                       hint: "rename the folder or the plugin: a job finds a plugin by its folder's name")
            }
        }
        var version: SemanticVersion?
        if let text = section.string("version") {
            version = SemanticVersion(text)
            if version == nil {
                report(section.location(of: "version"), "version", "'\(text)' is not a semantic version",
                       hint: "write MAJOR.MINOR.PATCH, e.g. 1.0.0")
            }
        }
        let entry = section.string("entry") ?? ""
        if section.string("entry") != nil, entry.hasPrefix("/") || entry.split(separator: "/").contains("..") {
            report(section.location(of: "entry"), "entry", "the entry script must be inside the plugin folder",
                   hint: "give a path relative to the folder, without '..'")
        }
        let params = checkedParams()
        let names = Set(params.map(\.name))
        let inputs = columns("inputs", params: names)
        let outputs = columns("outputs", params: names)
        let kind = section.string("kind").flatMap(PluginManifest.Kind.init(rawValue:))
        if kind == .validator, !outputs.isEmpty {
            report(section.location(of: "outputs"), "outputs", "a validator plugin has no outputs",
                   hint: "remove 'outputs', or make the plugin 'kind: features'")
        } else if kind == .features, outputs.isEmpty, errors.allSatisfy({ !$0.keyPath.hasPrefix("outputs") }) {
            report(root.location, "", "a features plugin declares its output columns",
                   hint: "add outputs: { name: float64 }")
        }
        guard errors.isEmpty, let version, let kind else { return nil }
        return PluginManifest(name: name, version: version, kind: kind, entry: entry,
                              description: section.string("description") ?? "", params: params,
                              inputs: inputs, outputs: outputs, file: file)
    }

    static func isPluginName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") }
    }

    /// The declared params as config fields; bounds go with numeric types only, and a default must fit
    /// its declaration (type and bounds) and is absent from a required param.
    private mutating func checkedParams() -> [ConfigField] {
        var out: [ConfigField] = []
        for (name, value) in section.map("params") ?? [] {
            guard let p = value.sectionValue,
                  let type = PluginManifest.paramTypes.first(where: { $0.spelling == p.string("type") })?.type else { continue }
            let path = "params.\(name)"
            var field = ConfigField(name, type, required: p.bool("required") ?? false, minimum: p.double("minimum"),
                                    maximum: p.double("maximum"), doc: p.string("doc") ?? "")
            for bound in ["minimum", "maximum"] where p[bound] != nil && type != .int && type != .float {
                report(p.location(of: bound), "\(path).\(bound)", "only an integer or number param has bounds",
                       hint: "drop '\(bound)', or make the param 'type: number'")
            }
            if let min = field.minimum, let max = field.maximum, min > max {
                report(p.location(of: "maximum"), "\(path).maximum",
                       "is below the minimum (\(ConfigField.boundText(min)))")
            }
            if let given = p.entries["default"]?.value {
                if field.required {
                    report(p.location(of: "default"), "\(path).default", "a required param has no default",
                           hint: "drop 'default', or 'required: true'")
                } else {
                    switch field.conform(given) {
                    case .success(let accepted): field.defaultValue = accepted
                    case .failure(let mismatch): report(p.location(of: "default"), "\(path).default", mismatch.description)
                    }
                }
            }
            out.append(field)
        }
        return out
    }

    /// `inputs` or `outputs`: each `{placeholder}` in a name must be a declared param.
    private mutating func columns(_ key: String, params: Set<String>) -> [(name: String, type: ColumnType)] {
        var out: [(name: String, type: ColumnType)] = []
        let node = root.child(key)
        for (name, value) in section.map(key) ?? [] {
            guard let type = value.stringValue.flatMap(ColumnType.init(rawValue:)) else { continue }
            let at = node?.keyNode(name)?.location ?? section.location(of: key)
            switch Placeholders.names(in: name) {
            case .failure(let problem):
                report(at, "\(key).\(name)", "malformed name: \(problem)")
            case .success(let used):
                // When `params` itself is wrong (reported already), every placeholder would look undeclared.
                let paramsReported = root.child("params").map { !$0.isNull } == true && section.map("params") == nil
                for p in used where !params.contains(p) && !paramsReported {
                    report(at, "\(key).\(name)", "'{\(p)}' names no declared param",
                           hint: NearMiss.hint(for: p, among: params) ?? (params.isEmpty ? "declare it under 'params'" : "params: \(params.sorted().joined(separator: ", "))"))
                }
            }
            out.append((name, type))
        }
        return out
    }
}
