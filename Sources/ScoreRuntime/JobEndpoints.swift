import Foundation
import ScoreCore
import ScoreIO
import ScoreJobSpec

/// Where a job reads and writes, decided once, by the plan: every other part (the runner, the
/// commands, the manifest) asks it instead of reading `reader.path` or `writer.path` again.
public struct JobEndpoints: Sendable, Equatable {
    /// One end of a job.
    public enum End: Sendable, Equatable {
        /// A path resolved against the job file's folder (for the reader it may name a folder or a glob).
        case file(String)
        /// stdin for the reader, stdout for the writer.
        case standardStream
        /// No file: a database query or table (a plugin whose section has no `path`), named for
        /// messages by its type and its `table` or `query`.
        case external(String)

        /// The resolved path, or nil for a standard stream or an external end.
        public var path: String? {
            if case .file(let path) = self { return path }
            return nil
        }

        public var isStream: Bool { self == .standardStream }

        public var isExternal: Bool {
            if case .external = self { return true }
            return false
        }

        /// How messages, the summary and the manifest name this end.
        public func name(stream: String) -> String {
            switch self {
            case .file(let path): path
            case .standardStream: stream
            case .external(let name): name
            }
        }
    }

    /// How a job's ends are connected.
    public enum Wiring: Sendable, Equatable {
        /// As the job file says (`batchscore run`).
        case asWritten
        /// stdin to stdout whatever the paths say, the reader and writer keeping their type and
        /// options; the quarantine stays where the job file puts it (`batchscore pipe`).
        case standardStreams
    }

    /// The reader's input.
    public var input: End
    /// The writer's output.
    public var output: End
    /// The quarantine file (never a stream: stdout carries the predictions).
    public var quarantine: String

    /// The endpoints of `spec`, checked: no output overwrites the input or the other output, no
    /// output names a folder, the quarantine is a file. `spec` comes back wired as asked (for
    /// `.standardStreams`, its reader and writer paths become `-`), for the plugins to build from.
    static func resolve(_ spec: inout JobSpec, context: PluginContext, wiring: Wiring) throws -> JobEndpoints {
        try checkQuarantineIsAFile(spec)
        // The quarantine's default sits beside the output as written, also when piping.
        let quarantine = quarantinePath(spec: spec, context: context)
        if wiring == .standardStreams {
            for (section, what) in [(spec.reader, "reads"), (spec.writer, "writes")] where section.string("path") == nil {
                throw JobSpecError(at: section.location(of: "type"), section.keyPath(of: "type"),
                                   "`batchscore pipe` reads stdin and writes stdout, but this \(section.string("type") ?? "") end \(what) no file it could stand in for",
                                   hint: "use `batchscore run` for a job that reads or writes a database")
            }
            if spec.quarantine.string("path") == nil {
                spec = spec.settingPath(\.quarantine, to: defaultQuarantinePath(writerPath: spec.writer.string("path")))
            }
            spec = spec.settingPath(\.reader, to: StandardStreams.path).settingPath(\.writer, to: StandardStreams.path)
        }
        try checkOutputPaths(spec: spec, context: context, quarantinePath: quarantine)
        let end = { (section: ConfigSection) -> End in
            guard let written = section.string("path") else { return .external(externalName(section)) }
            return StandardStreams.isStream(written) ? .standardStream : .file(context.resolve(written))
        }
        return JobEndpoints(input: end(spec.reader), output: end(spec.writer), quarantine: quarantine)
    }

    /// `postgres table scores`, `postgres query SELECT …`: an end without a path, for messages.
    static func externalName(_ section: ConfigSection) -> String {
        let type = section.string("type") ?? "external"
        if let table = section.string("table") { return "\(type) table \(table)" }
        if let query = section.string("query") {
            let line = query.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            return "\(type) query \(line.count > 60 ? line.prefix(57) + "..." : line)"
        }
        return type
    }

    /// Refuses a quarantine on stdout: before anything is opened (an input on stdin would be read).
    static func checkQuarantineIsAFile(_ spec: JobSpec) throws {
        if StandardStreams.isStream(spec.quarantine.string("path")) {
            throw JobSpecError(at: spec.quarantine.location(of: "path"), spec.quarantine.keyPath(of: "path"),
                               "the quarantine cannot be stdout ('-'); give it a file path",
                               hint: "stdout carries the predictions; rejected rows need a file of their own")
        }
    }

    /// Refuses outputs that would overwrite the input or each other, or that name a folder.
    /// `-` (stdin / stdout) is no file, so it overlaps nothing.
    static func checkOutputPaths(spec: JobSpec, context: PluginContext, quarantinePath: String) throws {
        let writerPath = spec.writer.string("path")
        let readerPath = spec.reader.string("path")
        let writerAt = (spec.writer.location(of: "path"), spec.writer.keyPath(of: "path"))
        let quarantineAt = (spec.quarantine.location(of: "path") ?? spec.writer.location(of: "path"),
                            spec.quarantine.string("path") == nil ? "quarantine.path (default)" : spec.quarantine.keyPath(of: "path"))
        // No path (an external end) and `-` (a stream) are no file, so they overlap nothing.
        let output = writerPath.flatMap { StandardStreams.isStream($0) ? nil : context.resolve($0) }
        let input = readerPath.flatMap { StandardStreams.isStream($0) ? nil : context.resolve($0) }
        for (written, at) in [(writerPath, writerAt), (spec.quarantine.string("path"), quarantineAt)] {
            if let written, !StandardStreams.isStream(written), namesAFolder(written) {
                throw JobSpecError(at: at.0, at.1, "names a folder, not a file (it ends in '/', '.' or '..'); give a file path",
                                   hint: "for example out/predictions.csv")
            }
        }
        for (path, at) in [(output, writerAt), (quarantinePath, quarantineAt)] {
            guard let path else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw JobSpecError(at: at.0, at.1, "is a folder; give a file path")
            }
            if let kind = AtomicOutputFile.nonFileKind(at: path) {
                throw JobSpecError(at: at.0, at.1, "is \(kind), not a file: outputs are written beside their path and renamed over it, which would replace it",
                                   hint: "give a file path; to discard the predictions, write them to a file you delete, or to stdout (\"-\") and redirect that")
            }
        }
        let canonical = { (path: String?) in path.map(canonicalPath) }
        if let input = canonical(input) {
            if canonical(output) == input {
                throw JobSpecError(at: writerAt.0, writerAt.1, "is the input file (reader.path): the job would overwrite its own input")
            }
            if canonical(quarantinePath) == input {
                throw JobSpecError(at: quarantineAt.0, quarantineAt.1, "is the input file (reader.path): the job would overwrite its own input")
            }
        }
        if canonical(quarantinePath) == canonical(output) {
            throw JobSpecError(at: quarantineAt.0, quarantineAt.1, "is the same file as writer.path; give the quarantine its own file")
        }
    }

    /// A path with symlinks and `.`/`..` resolved, for telling whether two paths name one file.
    static func canonicalPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The quarantine's path: `quarantine.path`, or beside the output as `NAME.rejected.csv`
    /// (`rejected.csv` in the job file's folder when the output is stdout).
    static func quarantinePath(spec: JobSpec, context: PluginContext) -> String {
        if let path = spec.quarantine.string("path") { return StandardStreams.isStream(path) ? path : context.resolve(path) }
        return context.resolve(defaultQuarantinePath(writerPath: spec.writer.string("path")))
    }

    /// The default quarantine path for an output at `writerPath`, relative as the job file writes it:
    /// `NAME.rejected.csv` beside it. Plain string work on purpose: Foundation's path helpers trap on
    /// some one-character paths (`p`, `.`), and a job file is untrusted input.
    public static func defaultQuarantinePath(writerPath: String?) -> String {
        let out = writerPath ?? "output.csv"
        if StandardStreams.isStream(out) { return "rejected.csv" }
        let slash = out.lastIndex(of: "/")
        let folder = slash.map { String(out[...$0]) } ?? ""
        let name = slash.map { String(out[out.index(after: $0)...]) } ?? out
        // A path naming a folder (`out/`, `.`, `..`) is refused by checkOutputPaths; keep this total.
        guard !name.isEmpty, name != ".", name != ".." else { return folder + "rejected.csv" }
        var stem = Substring(name)
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = stem[..<dot] }
        return folder + stem + ".rejected.csv"
    }

    /// True when a written output path names a folder rather than a file: it ends in `/`, or its
    /// last part is `.` or `..`.
    static func namesAFolder(_ path: String) -> Bool {
        path.hasSuffix("/") || path == "." || path == ".." || path.hasSuffix("/.") || path.hasSuffix("/..")
    }
}
