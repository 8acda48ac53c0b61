import ScoreCore

/// Reads a YAML configuration file other than a job — the job service's `serve` config — with the
/// job spec's checker, so its unknown keys, wrong types and missing keys get the same
/// `file:line:col`, key path and near-miss hints a job file gets.
public enum ConfigFileLoader {
    /// Reads `path` and checks its top-level mapping against `fields`; `what` names the file in
    /// messages ("serve config"). An empty file is every field's default.
    /// - Throws: every problem found, sorted by location.
    public static func load(path: String, fields: [ConfigField], what: String) throws(JobSpecErrors) -> ConfigSection {
        let text = try YAMLFile.read(path, what: what)
        return try load(text: text, file: path, fields: fields)
    }

    /// Same, from text; `file` is used in locations.
    public static func load(text: String, file: String, fields: [ConfigField]) throws(JobSpecErrors) -> ConfigSection {
        let root = try YAMLFile.tree(text, file: file)
        var checker = SpecChecker(registry: PluginRegistry())
        let section = checker.section(root, fields: fields, keyPath: "",
                                      absentAt: SourceLocation(file: file, line: 1, column: 1))
        if !checker.errors.isEmpty { throw JobSpecErrors(JobSpecLoader.sorted(checker.errors, mainFile: file)) }
        return section
    }
}
