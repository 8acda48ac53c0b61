import Foundation
import ScoreCore
import ScoreIO

/// What a run has durably committed, so `batchscore run --resume` continues a killed job and writes
/// the same bytes an uninterrupted run would.
///
/// Recorded after the outputs are fsynced (so every byte it counts is on disk), by writing a
/// temporary file, fsyncing it, renaming it over the previous checkpoint and fsyncing the folder:
/// a crash at any moment leaves the old checkpoint or the new one, never a torn one.
struct Checkpoint: Codable, Equatable {
    enum Phase: String, Codable {
        /// Rows up to `records` are in the outputs' temporary files.
        case running
        /// Every row is in; both temporary files are complete and durable, only the renames remain.
        case committing
    }

    static let formatVersion = 1

    var version = Checkpoint.formatVersion
    var identity: JobIdentity
    var phase: Phase
    /// Records consumed from the input (rows read, rejected ones included).
    var records: Int
    /// Where the reader resumes, when it can seek; otherwise it skips `records` records.
    var position: InputPosition?
    var rowsWritten: Int
    var rowsQuarantined: Int
    var quarantinedByRule: [String: Int]
    var output: WriterCheckpoint
    var quarantine: WriterCheckpoint

    /// `.NAME.batchscore-checkpoint` beside the output.
    static func path(forOutput output: String) -> String {
        AtomicOutputFile.companionPath(for: output, kind: "checkpoint")
    }

    /// The checkpoint at `path`, nil when there is none.
    /// - Throws: `CheckpointError` when the file is unreadable or not a checkpoint of this version.
    static func load(path: String) throws -> Checkpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError(.unreadable, "cannot read the checkpoint \(path)")
        }
        do {
            let checkpoint = try JSONDecoder().decode(Checkpoint.self, from: data)
            guard checkpoint.version == formatVersion else {
                throw CheckpointError(.incompatible, "the checkpoint \(path) was written by another version of batchscore (format \(checkpoint.version)); run again without --resume")
            }
            return checkpoint
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError(.damaged, "the checkpoint \(path) is damaged (\(damage(error))); run again without --resume to start over")
        }
    }

    /// What is wrong with a checkpoint's JSON, in words rather than Swift's `DecodingError` dump.
    static func damage(_ error: any Error) -> String {
        func field(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "field '\(field(context.codingPath + [key]))' is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "field '\(field(context.codingPath))' has a value of the wrong type"
        case .dataCorrupted(let context)? where !context.codingPath.isEmpty:
            return "field '\(field(context.codingPath))' holds an invalid value"
        case .dataCorrupted?:
            return "it is not complete, valid JSON"
        default:
            return "it cannot be read"
        }
    }

    /// Writes the checkpoint atomically and durably.
    func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(self)
        let file = try AtomicOutputFile(path: path)
        do {
            try data.withUnsafeBytes { try file.write($0) }
            try file.commit()
        } catch {
            file.abort()
            throw error
        }
    }

    static func remove(path: String) {
        _ = unlink(path)
        AtomicOutputFile.syncFolder(of: path)
    }
}

/// What a checkpoint must match to be resumed: the same job spec, model and input.
struct JobIdentity: Codable, Equatable {
    struct InputFile: Codable, Equatable {
        var path: String
        var bytes: Int64
        /// Modification time in nanoseconds since the epoch.
        var modifiedNanos: Int64
    }

    var specSHA256: String
    var modelSHA256: String
    var inputs: [InputFile]

    init(plan: ScoringPlan) throws {
        specSHA256 = SHA256.hex(plan.spec.canonicalText.utf8)
        modelSHA256 = SHA256.hex(plan.modelBytes)
        inputs = try plan.reader.inputPaths.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { throw CheckpointError(.unreadable, "cannot stat the input \(path)") }
            return InputFile(path: path, bytes: Int64(info.st_size),
                             modifiedNanos: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        }
    }

    /// What differs from `recorded`, as sentences for the refusal; empty when nothing does.
    func changes(since recorded: JobIdentity) -> [String] {
        var changes: [String] = []
        if specSHA256 != recorded.specSHA256 {
            changes.append("the job spec changed (the file, a --set override or an environment variable it uses)")
        }
        if modelSHA256 != recorded.modelSHA256 { changes.append("the model file changed") }
        if inputs.map(\.path) != recorded.inputs.map(\.path) {
            changes.append("the input files changed (\(recorded.inputs.map(\.path).joined(separator: ", ")) then, \(inputs.map(\.path).joined(separator: ", ")) now)")
        } else {
            for (now, then) in zip(inputs, recorded.inputs) where now != then {
                changes.append(now.bytes != then.bytes
                    ? "the input \(now.path) changed size (\(then.bytes) bytes then, \(now.bytes) now)"
                    : "the input \(now.path) was modified since the checkpoint")
            }
        }
        return changes
    }
}

/// A checkpoint that cannot be used, or a resume it refuses. Every one says to run again without `--resume`.
public struct CheckpointError: BatchScoreError {
    /// What sort of problem it is; new kinds may be added, so match with `==`, not an exhaustive switch.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case unreadable, incompatible, damaged, inputChanged = "input changed" }
        private let base: Base
        /// The checkpoint (or an input it names) cannot be read.
        public static let unreadable = Kind(base: .unreadable)
        /// Another version of batchscore wrote the checkpoint.
        public static let incompatible = Kind(base: .incompatible)
        /// The checkpoint is not valid JSON of its format.
        public static let damaged = Kind(base: .damaged)
        /// The job, model or input differs from the run that wrote the checkpoint.
        public static let inputChanged = Kind(base: .inputChanged)
        /// `unreadable`, `damaged`, ...
        public var description: String { base.rawValue }
    }

    /// The sort of problem.
    public var kind: Kind
    /// What is wrong and what to do, as a sentence naming the file.
    public var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
