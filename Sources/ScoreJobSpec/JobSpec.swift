import ScoreCore

/// A checked job: every section holds its declared fields with defaults filled, and each
/// value keeps its place in the YAML so later checks (a missing file) still point into it.
public struct JobSpec: Sendable {
    /// The job file's path as given (`--set` values name their override instead).
    public var file: String
    /// The job file's folder (`.` if none); relative paths in the spec resolve against it.
    public var baseDirectory: String
    /// The spec format version; always 1 in a checked spec.
    public var version: Int
    /// The job's optional name (for logs and the service).
    public var name: String?
    /// `reader:` — entry `type` plus the reader's declared fields.
    public var reader: ConfigSection
    /// `validate:` — one section per validator, key paths `validate[0]`, `validate[1]`, ...
    public var validators: [ConfigSection]
    /// `features:` — one section per feature step; may be empty.
    public var features: [ConfigSection]
    /// `model:` — `path` and `format` (see `JobSections.model(registry:)`).
    public var model: ConfigSection
    /// `output:` — see `JobSections.output`.
    public var output: ConfigSection
    /// `writer:` — entry `type` plus the writer's declared fields.
    public var writer: ConfigSection
    /// `quarantine:` — see `JobSections.quarantine`.
    public var quarantine: ConfigSection
    /// `runtime:` — see `JobSections.runtime`.
    public var runtime: ConfigSection
    /// A deterministic rendering of the checked spec, secrets included, for hashing only (a resumed
    /// job must match the one that wrote the checkpoint). Never log or print it.
    public var canonicalText: String
    /// True when `name` came from `${VAR}`, so `description` redacts it.
    var nameIsSecret = false
    /// The value of every environment variable a `${…}` in the document or an override refers to,
    /// so a value embedded in a longer derived string (`${DIR}/out.rejected.csv`) can be scrubbed.
    var environmentValues: [String] = []

    /// Every plugin section in plan order (reader, validators, features, writer), for per-plugin checks.
    public var pluginSections: [ConfigSection] { [reader] + validators + features + [writer] }
}

extension JobSpec: CustomStringConvertible, CustomDebugStringConvertible {
    /// A summary with secrets redacted; `canonicalText` is left out on purpose.
    public var description: String {
        let shownName = nameIsSecret ? "<redacted>" : name
        var lines = ["job \(shownName.map { "'\($0)' " } ?? "")(\(file), version \(version))"]
        lines.append("  reader: \(reader)")
        for v in validators { lines.append("  \(v.keyPath): \(v)") }
        for f in features { lines.append("  \(f.keyPath): \(f)") }
        lines.append("  model: \(model)")
        lines.append("  output: \(output)")
        lines.append("  writer: \(writer)")
        lines.append("  quarantine: \(quarantine)")
        lines.append("  runtime: \(runtime)")
        return lines.joined(separator: "\n")
    }

    /// The same as `description`, so `debugPrint` and string interpolation in tests never show a secret.
    public var debugDescription: String { description }
}

extension JobSpec {
    /// This job with `section`'s `path` set to `value` (kept at the old key's place in the file, for
    /// messages), its canonical text re-rendered so hashes and checkpoints see the job as run.
    public func settingPath(_ section: WritableKeyPath<JobSpec, ConfigSection>, to value: String) -> JobSpec {
        setting(section, key: "path", to: value)
    }

    /// This job with `section`'s string `key` set to `value`, as `settingPath` does for `path`
    /// (the job service rewrites every path of a submitted job this way). `isSecret` marks the new
    /// value for redaction (a path built from a `${VAR}` one).
    public func setting(_ section: WritableKeyPath<JobSpec, ConfigSection>, key: String, to value: String,
                        isSecret: Bool = false) -> JobSpec {
        var spec = self
        let location = spec[keyPath: section].location(of: key)
        spec[keyPath: section].set(key, .init(value: .string(value), location: location, isSecret: isSecret))
        spec.canonicalText = CanonicalText.render(spec)
        return spec
    }
}
