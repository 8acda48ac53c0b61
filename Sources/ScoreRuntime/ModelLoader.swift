import Foundation
import ScoreCore

/// Loads a model file with the format it names or, for `auto`, the registered format that
/// recognises its first bytes. Shared by jobs and `batchscore model`.
public enum ModelLoader {
    /// No registered format takes the file (or the named one is not registered).
    public struct UnknownFormat: BatchScoreError {
        /// The format asked for; nil when `auto` found none.
        public var named: String?
        public var known: [String]
        public var category: ErrorCategory { .invalidSpec }
        public var description: String {
            if let named { return "model format '\(named)' is not registered in this build (known: \(known.joined(separator: ", ")))" }
            return "cannot tell the model file's format (known formats: \(known.joined(separator: ", ")))"
        }
    }

    /// The model and the file's bytes (for the manifest's hash).
    public static func load(path: String, format: String = "auto",
                            registry: PluginRegistry) throws -> (any ScoringModel, [UInt8]) {
        // A pipe would block the read and /dev/zero never ends: only a regular file is read.
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let what = info.st_mode & S_IFMT == S_IFDIR ? "a folder" : info.st_mode & S_IFMT == S_IFIFO ? "a pipe" : "a device or socket"
            throw InputError(.unreadable, file: path, "the model path is not a regular file (it is \(what)); give the path of a model file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw InputError(.unreadable, file: path, exists ? "cannot read the model file (permissions?)" : "no such model file")
        }
        let bytes = [UInt8](data)
        let known = registry.modelFormats.keys.sorted()
        let entry: PluginRegistry.ModelFormat
        if format == "auto" {
            guard let sniffed = known.compactMap({ registry.modelFormats[$0] }).first(where: { $0.sniff(bytes) }) else {
                throw UnknownFormat(named: nil, known: known)
            }
            entry = sniffed
        } else {
            guard let named = registry.modelFormats[format] else { throw UnknownFormat(named: format, known: known) }
            entry = named
        }
        return (try entry.load(bytes, path), bytes)
    }
}
