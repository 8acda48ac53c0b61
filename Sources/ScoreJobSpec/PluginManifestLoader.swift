import Foundation
import ScoreCore

/// Reads a plugin's `plugin.yaml` with the job spec's checker: unknown keys, wrong types and
/// missing keys are reported with `plugin.yaml:line:col`, the key path and near-miss hints.
public enum PluginManifestLoader {
    static let paramFields: [ConfigField] = [
        ConfigField("type", .choice(PluginManifest.paramTypes.map(\.spelling)), required: true,
                    doc: "The type a value must have."),
        ConfigField("required", .bool, default: .bool(false), doc: "Whether a step must give the param."),
        ConfigField("default", .any, doc: "The value used when a step leaves the param out."),
        ConfigField("doc", .string, default: .string(""), doc: "One line for `plugins show`."),
        ConfigField("minimum", .float, doc: "Inclusive lower bound of an integer or number param."),
        ConfigField("maximum", .float, doc: "Inclusive upper bound of an integer or number param."),
    ]

    /// The keys of `plugin.yaml`; one declaration drives checking and `plugins new`'s scaffold.
    public static let fields: [ConfigField] = [
        ConfigField("name", .string, required: true, doc: "[a-z0-9-]+, equal to the plugin's folder name."),
        ConfigField("version", .string, required: true, doc: "Semantic version MAJOR.MINOR.PATCH."),
        ConfigField("kind", .choice(PluginManifest.Kind.allCases.map(\.rawValue)), required: true,
                    doc: "features (computes columns) or validator (accepts or rejects rows)."),
        ConfigField("entry", .path, required: true, doc: "The Lua script, relative to the plugin folder."),
        ConfigField("description", .string, default: .string(""), doc: "One line for `plugins list`."),
        ConfigField("params", .map(.section(paramFields)), default: .map([]),
                    doc: "Params a step may pass: type, required, default, minimum, maximum, doc."),
        ConfigField("inputs", .map(.columnType), default: .map([]),
                    doc: "Input columns the hook reads and the type to read them as; names may use {param}."),
        ConfigField("outputs", .map(.columnType), default: .map([]),
                    doc: "A features plugin's output columns and types; names may use {param}."),
    ]

    /// Reads and checks `path` (a `plugin.yaml`); its folder's name must be the plugin's name.
    /// - Throws: every problem found, sorted by location.
    public static func load(path: String) throws(JobSpecErrors) -> PluginManifest {
        let text = try YAMLFile.read(path, what: "plugin.yaml")
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().lastPathComponent
        return try load(text: text, file: path, folderName: folder)
    }

    /// Same, from text; `folderName` nil skips the folder-name check.
    public static func load(text: String, file: String, folderName: String?) throws(JobSpecErrors) -> PluginManifest {
        guard let root = try YAMLFile.tree(text, file: file) else {
            throw JobSpecErrors([JobSpecError(at: SourceLocation(file: file, line: 1, column: 1), "", "plugin.yaml is empty",
                                              hint: "a plugin needs at least name, version, kind and entry")])
        }
        var checker = SpecChecker(registry: PluginRegistry())
        let section = checker.section(root, fields: fields, keyPath: "")
        var check = ManifestChecks(root: root, section: section, errors: checker.errors)
        let manifest = check.manifest(folderName: folderName, file: file)
        if !check.errors.isEmpty { throw JobSpecErrors(JobSpecLoader.sorted(check.errors, mainFile: file)) }
        return manifest!
    }
}
