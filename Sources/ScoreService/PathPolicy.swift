import Foundation
import ScoreCore
import ScoreJobSpec
import ScoreIO

/// Which files a submitted job may touch. Everything a job reads (its input, model, Lua scripts)
/// must lie under an allowed root once symlinks are resolved; everything it writes goes to its
/// own folder. A path with a `..` part, a NUL, a stdin/stdout `-`, an absolute path outside the
/// roots or a symlink out of them is refused with the key's `job.yaml:line:col`. Paths are taken
/// as written: the YAML body is not URL-decoded, so `%2e%2e` is a file name like any other.
///
/// Input paths keep the form the job wrote them in (relative ones resolve against the first
/// root), so messages and the quarantine's `source` column read as the user wrote them; the check
/// runs again at the start of every attempt, so a link swapped in after the submission is caught
/// then (what remains is the moment between that check and the open).
struct PathPolicy: Sendable {
    /// Canonical absolute folders; relative paths resolve against the first.
    let roots: [String]

    /// Rewrites `spec`'s paths: inputs to checked canonical paths (or the uploaded file), outputs
    /// into `outputFolder`. Throws every refused path together.
    func confine(_ spec: JobSpec, registry: PluginRegistry, outputFolder: String,
                 uploadedInput: String?) throws(JobSpecErrors) -> JobSpec {
        var spec = spec
        var errors: [JobSpecError] = []
        spec.baseDirectory = roots[0]

        // A reader or writer with no file (a database) would let a job reach any host the server
        // can: this server runs jobs on files under its allowed roots only.
        for (section, kind) in [(spec.reader, PluginKind.reader), (spec.writer, .writer)]
        where !(kind == .reader && uploadedInput != nil) && Self.pathKeys(of: section, kind: kind, registry: registry).isEmpty {
            errors.append(JobSpecError(at: section.location(of: "type"), section.keyPath(of: "type"),
                                       "this server runs jobs on files only; a \(section.string("type") ?? "") \(kind) reads or writes no file",
                                       hint: "run database jobs with `batchscore run`, or give the job a file under the server's allowed roots"))
        }

        // What the job reads.
        var reads: [(WritableKeyPath<JobSpec, ConfigSection>, String)] = []
        if uploadedInput == nil {
            reads.append((\.reader, "path"))
        }
        reads += Self.pathKeys(of: spec.reader, kind: .reader, registry: registry).filter { $0 != "path" }.map { (\.reader, $0) }
        reads.append((\.model, "path"))
        for index in spec.validators.indices {
            reads += Self.pathKeys(of: spec.validators[index], kind: .validator, registry: registry).map { (\.validators[index], $0) }
        }
        for index in spec.features.indices {
            reads += Self.pathKeys(of: spec.features[index], kind: .features, registry: registry).map { (\.features[index], $0) }
        }
        for (section, key) in reads {
            guard let written = spec[keyPath: section].string(key) else { continue }
            let at = (spec[keyPath: section].location(of: key), spec[keyPath: section].keyPath(of: key))
            if case .failure(let refusal) = checkRead(written) {
                errors.append(JobSpecError(at: at.0, at.1, refusal.message, hint: refusal.hint))
            }
        }
        if let uploadedInput { spec = spec.settingPath(\.reader, to: uploadedInput) }

        // What the job writes: the writer's paths and the quarantine, inside the job's folder.
        var writes: [(WritableKeyPath<JobSpec, ConfigSection>, String)] =
            Self.pathKeys(of: spec.writer, kind: .writer, registry: registry).map { (\.writer, $0) }
        if !writes.contains(where: { $0.1 == "path" }) { writes.append((\.writer, "path")) }
        writes.append((\.quarantine, "path"))
        for (section, key) in writes {
            guard let written = spec[keyPath: section].string(key) else { continue }
            let at = (spec[keyPath: section].location(of: key), spec[keyPath: section].keyPath(of: key))
            if let refusal = Self.checkWrite(written) {
                errors.append(JobSpecError(at: at.0, at.1, refusal.message, hint: refusal.hint))
            } else {
                spec = spec.setting(section, key: key, to: outputFolder + "/" + written, isSecret: spec[keyPath: section].isSecret(key))
            }
        }
        if !errors.isEmpty { throw JobSpecErrors(errors) }
        return spec
    }

    /// A refused path: what is wrong and what to do.
    struct Refusal: Error {
        var message: String
        var hint: String?
    }

    /// The keys of `section` its plugin declares as paths (`path`, a Lua step's `script`).
    static func pathKeys(of section: ConfigSection, kind: PluginKind, registry: PluginRegistry) -> [String] {
        guard let type = section.string("type"), let plugin = registry.spec(kind, type) else { return [] }
        return plugin.fields.filter { $0.type == .path || $0.type == .nullable(.path) }.map(\.name)
    }

    /// An input-side path checked: its canonical form when it and everything it names (a folder's
    /// files, a glob's matches) lie under a root.
    func checkRead(_ written: String) -> Result<String, Refusal> {
        if let refusal = Self.checkWritten(written) { return .failure(refusal) }
        if StandardStreams.isStream(written) {
            return .failure(Refusal(message: "the service has no stdin ('-')", hint: "upload the input with the job, or name a file under an allowed root"))
        }
        let resolved = written.hasPrefix("/") ? written : roots[0] + "/" + written
        let isPattern = written.contains(where: { "*?[".contains($0) })
        if isPattern {
            // The folder part must be plain; every match must be inside a root.
            let folder = resolved.split(separator: "/", omittingEmptySubsequences: false)
                .prefix { !$0.contains(where: { "*?[".contains($0) }) }.joined(separator: "/")
            guard let canonicalFolder = Self.canonical(folder.isEmpty ? "/" : folder), isInside(canonicalFolder) else {
                return .failure(outside(written))
            }
            for match in Self.glob(resolved) {
                guard let canonical = Self.canonical(match), isInside(canonical) else { return .failure(outside(written)) }
            }
            return .success(canonicalFolder + String(resolved.dropFirst(folder.count)))
        }
        guard let canonical = Self.canonical(resolved) else {
            // Say "not found" only for paths that would have been allowed; otherwise do not tell
            // whether a file exists outside the roots.
            if let parent = Self.canonical((resolved as NSString).deletingLastPathComponent), isInside(parent) {
                return .failure(Refusal(message: "no such file under the allowed roots: \(written)",
                                        hint: "relative paths resolve against \(roots[0])"))
            }
            return .failure(outside(written))
        }
        guard isInside(canonical) else { return .failure(outside(written)) }
        if Self.isDirectory(canonical) {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: canonical)) ?? []
            for entry in entries {
                guard let inner = Self.canonical(canonical + "/" + entry), isInside(inner) else {
                    return .failure(Refusal(message: "the folder \(written) holds \(entry), a link out of the allowed roots",
                                            hint: "remove the link, or name the files the job reads"))
                }
            }
        }
        return .success(canonical)
    }

    private func outside(_ written: String) -> Refusal {
        Refusal(message: "\(written) is outside the folders this server allows",
                hint: "allowed roots: \(roots.joined(separator: ", ")); relative paths resolve against the first")
    }

    /// An output path checked: relative, plain, inside the job's own folder.
    static func checkWrite(_ written: String) -> Refusal? {
        if let refusal = checkWritten(written) { return refusal }
        if StandardStreams.isStream(written) {
            return Refusal(message: "the service has no stdout ('-')", hint: "name a file: it is written in the job's folder and downloaded from /v1/jobs/{id}/output")
        }
        if written.hasPrefix("/") {
            return Refusal(message: "an output path must be relative: outputs go to the job's own folder on the server",
                           hint: "for example predictions.csv; download it from /v1/jobs/{id}/output")
        }
        return nil
    }

    /// What no submitted path may hold: NUL, a `..` part, emptiness.
    static func checkWritten(_ written: String) -> Refusal? {
        if written.isEmpty { return Refusal(message: "the path is empty") }
        if written.utf8.contains(0) { return Refusal(message: "the path holds a NUL byte") }
        if written.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return Refusal(message: "'..' is not allowed in a path submitted to the service",
                           hint: "name the file from an allowed root, without '..'")
        }
        return nil
    }

    /// True when `canonical` is a root or lies beneath one.
    func isInside(_ canonical: String) -> Bool {
        roots.contains { canonical == $0 || canonical.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    /// `path` with symlinks, `.` and `..` resolved (realpath), or nil when it does not exist.
    static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Every path `pattern` matches.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0 ..< Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }
}
