import Foundation
import ScoreCore
import ScoreJobSpec
import ScoreIO
import ScoreRuntime
import Synchronization

/// A submitted job spec made runnable on this server: checked as `batchscore validate` checks a
/// file, `${VAR}` looked up only among the variables the server lets jobs see, every path
/// confined by `PathPolicy`. Submission and each attempt load it the same way, so an attempt
/// that resumes sees the spec (and its hash) the first attempt ran.
struct SubmittedSpec: Sendable {
    let spec: JobSpec
    /// The predictions file and the quarantine file on the server.
    let outputPath: String
    let quarantinePath: String

    /// The name errors give the submitted document.
    static let fileName = "job.yaml"

    static func load(text: String, uploadedInput: String?, outputFolder: String, policy: PathPolicy,
                     registry: PluginRegistry, environment: [String: String]) throws(JobSpecErrors) -> SubmittedSpec {
        // An upload stands in for reader.path before checking, so a job sent with its input need not name one.
        let overrides = uploadedInput.map { ["reader.path=\($0)"] } ?? []
        var loaded: JobSpec
        do {
            loaded = try JobSpecLoader.load(text: text, fileName: fileName, registry: registry, overrides: overrides,
                                            environment: environment)
        } catch let errors where uploadedInput != nil {
            // The upload's `reader.path` on a reader that reads no file (a database) is not a key
            // the user wrote: say what is wrong in their words.
            throw JobSpecErrors(errors.errors.map { error in
                guard error.keyPath == "reader.path", error.message.contains("unknown key") else { return error }
                return JobSpecError(at: error.location, "reader.type",
                                    "an uploaded input needs a reader that reads a file (csv, jsonl or parquet); this job's reader reads none",
                                    hint: "send the job without an upload, or give it a file reader")
            })
        }
        loaded.file = fileName
        let spec = try policy.confine(loaded, registry: registry, outputFolder: outputFolder, uploadedInput: uploadedInput)
        let output = spec.writer.string("path") ?? outputFolder + "/output.csv"
        let quarantine = spec.quarantine.string("path") ?? JobEndpoints.defaultQuarantinePath(writerPath: output)
        return SubmittedSpec(spec: spec, outputPath: output, quarantinePath: quarantine)
    }

    /// The content key: SHA-256 over the spec's canonical text (outputs and input as written, not
    /// as placed on this server), the model file's bytes and the input's identity — an upload's
    /// SHA-256, a file's path, size and modification time (a 10 GB input is not read to submit it).
    func contentKey(uploadSHA256: String?, models: ModelHashCache) -> String {
        var sha = SHA256()
        let keyed = spec.settingPath(\.reader, to: "").settingPath(\.writer, to: "").setting(\.quarantine, key: "path", to: "")
        sha.update(keyed.canonicalText.utf8)
        sha.update([0])
        sha.update(models.sha256(ofFile: spec.model.string("path") ?? "").utf8)
        sha.update([0])
        if let uploadSHA256 {
            sha.update("upload:\(uploadSHA256)".utf8)
        } else {
            sha.update(Self.identity(of: spec.reader.string("path") ?? "").utf8)
        }
        return sha.finalizeHex()
    }

    /// A file's (or a folder's files') path, size and mtime; a glob's pattern and matches.
    static func identity(of path: String) -> String {
        let matches = path.contains(where: { "*?[".contains($0) }) ? PathPolicy.glob(path)
            : PathPolicy.isDirectory(path) ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
            : [path]
        return ([path] + matches.map { file in
            var st = stat()
            guard stat(file, &st) == 0 else { return file + " missing" }
            return "\(file) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        }).joined(separator: "\n")
    }
}

/// SHA-256 of model files, remembered by path, size and mtime: many jobs share one model, and
/// hashing it at each submission would cost every submit its size in reading.
final class ModelHashCache: Sendable {
    private let hashes = Mutex<[String: String]>([:])

    func sha256(ofFile path: String) -> String {
        let identity = SubmittedSpec.identity(of: path)
        if let known = hashes.withLock({ $0[identity] }) { return known }
        guard let handle = FileHandle(forReadingAtPath: path) else { return "unreadable" }
        defer { try? handle.close() }
        var sha = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { sha.update($0) }
        }
        let hex = sha.finalizeHex()
        hashes.withLock { $0[identity] = hex }
        return hex
    }
}
