import Foundation
import ScoreCore

/// Reads job YAML into a checked `JobSpec`: parse (libyaml) → expand aliases and merge keys →
/// apply `--set` overrides → expand `${VAR}` → check against the declarations. Every problem of
/// the document is collected and thrown together, sorted by location.
public enum JobSpecLoader {
    /// Reads and checks a job file. Pure apart from reading that one file: no other file is opened.
    /// - Parameters:
    ///   - overrides: `key.path=value` strings from `--set`, applied in order before checking.
    ///   - environment: where `${VAR}` is looked up.
    /// - Throws: every problem found, sorted by location.
    public static func load(path: String, registry: PluginRegistry, overrides: [String] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(JobSpecErrors) -> JobSpec {
        if let problem = fileProblem(path) { throw JobSpecErrors([JobSpecError(at: nil, "", problem)]) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw JobSpecErrors([JobSpecError(at: nil, "", "cannot read job file '\(path)': \(reason)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JobSpecErrors([JobSpecError(at: SourceLocation(file: path, line: 1, column: 1), "",
                                              "the job file is not UTF-8 text")])
        }
        return try load(text: text, fileName: path, registry: registry, overrides: overrides, environment: environment)
    }

    /// Why `path` cannot be read as a job file, checked up front because Foundation's read errors
    /// say only "The operation could not be completed"; nil when it looks readable.
    static func fileProblem(_ path: String) -> String? {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "cannot read job file '\(path)': no such file"
        }
        if isDirectory.boolValue { return "'\(path)' is a directory, not a job file" }
        if !files.isReadableFile(atPath: path) {
            return "cannot read job file '\(path)': permission denied (the file is not readable)"
        }
        return nil
    }

    /// Same, from text (tests, the future service). `fileName` is used in locations.
    public static func load(text: String, fileName: String, registry: PluginRegistry, overrides: [String] = [],
                            environment: [String: String] = [:]) throws(JobSpecErrors) -> JobSpec {
        var errors: [JobSpecError] = []
        func fail() -> JobSpecErrors { JobSpecErrors(sorted(errors, mainFile: fileName)) }

        guard var root = try parseTree(text, file: fileName) else {
            throw JobSpecErrors([JobSpecError(at: SourceLocation(file: fileName, line: 1, column: 1), "", "the job file is empty",
                                              hint: "a job needs at least version, reader, model and writer")])
        }
        errors += root.errors
        var env = EnvironmentExpansion(environment: environment)
        env.recordReferences(in: root.scalarTexts)
        for argument in overrides {
            let (override, problems) = Override.parse(argument)
            errors += problems
            if let override {
                env.recordReferences(in: override.writtenTexts)
                if let problem = override.apply(to: &root.node) { errors.append(problem) }
            }
        }
        env.expand(&root.node, keyPath: "")
        errors += env.errors

        var checker = SpecChecker(registry: registry)
        var spec = checker.job(root.node, file: fileName, baseDirectory: baseDirectory(of: fileName))
        errors += checker.errors
        if !errors.isEmpty { throw fail() }
        spec.environmentValues = env.substitutedValues
        return spec
    }

    /// Checks one YAML flow mapping against a plugin spec (used by a test that every plugin's `example` parses).
    /// A `type:` key is optional but must name the plugin. A model format's example is a `model:`
    /// section (`{ path: model.json, format: native }`).
    public static func checkPluginExample(_ spec: PluginSpec, registry: PluginRegistry) throws(JobSpecErrors) -> ConfigSection {
        let file = "\(spec.kind.singular) '\(spec.type)' example"
        guard let root = try parseTree(spec.example, file: file) else {
            throw JobSpecErrors([JobSpecError(at: nil, "", "\(file) is empty")])
        }
        var errors = root.errors
        var env = EnvironmentExpansion(environment: [:])
        var node = root.node
        env.expand(&node, keyPath: "")
        errors += env.errors

        var checker = SpecChecker(registry: registry)
        var preset: [(String, ConfigSection.Entry)] = []
        var fields = spec.fields
        if spec.kind == .model {
            fields = JobSections.model(registry: registry) + spec.fields.filter { f in !["path", "format"].contains(f.name) }
        } else if let typeNode = node.pairs?.first(where: { $0.keyText == "type" })?.value {
            if typeNode.scalarText != spec.type {
                checker.report(typeNode.location, "type", "the example's type must be '\(spec.type)'")
            }
            preset = [("type", ConfigSection.Entry(value: .string(spec.type), location: typeNode.location))]
        }
        let section = checker.section(node, fields: fields, keyPath: "", preset: preset,
                                      reservedKeys: spec.kind == .model ? [] : ["type"])
        errors += checker.errors
        if !errors.isEmpty { throw JobSpecErrors(sorted(errors, mainFile: file)) }
        return section
    }

    /// Parses and expands one document; nil when it is empty. `scalarTexts` holds every scalar as
    /// written, including those that alias expansion drops.
    private static func parseTree(_ text: String, file: String) throws(JobSpecErrors)
        -> (node: YAMLNode, errors: [JobSpecError], scalarTexts: [String])? {
        switch YAMLDocumentParser.parse(text, file: file) {
        case .empty:
            return nil
        case .failed(let errors):
            throw JobSpecErrors(sorted(errors, mainFile: file))
        case .document(let raw):
            let (root, errors) = AliasExpansion.expand(raw, file: file)
            guard let root else { throw JobSpecErrors(sorted(errors, mainFile: file)) }
            return (root, errors, raw.scalarTexts)
        }
    }

    /// The folder part of `path`; `.` when it has none.
    static func baseDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// The job file's errors by position, then each override's, in the order given.
    static func sorted(_ errors: [JobSpecError], mainFile: String) -> [JobSpecError] {
        errors.enumerated().sorted { a, b in
            func key(_ e: JobSpecError) -> (Int, Int, Int) {
                guard let l = e.location else { return (0, 0, 0) }
                return l.file == mainFile ? (1, l.line, l.column) : (2, 0, 0)
            }
            let (ka, kb) = (key(a.element), key(b.element))
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }
}
