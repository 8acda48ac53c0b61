import Foundation
import ScoreCore
import ScoreJobSpec

/// `batchscore plugins new`: writes a plugin folder that works as it stands (its tests pass), for
/// a team to edit into their own.
public enum PluginScaffold {
    /// Creates `directory/name/` with plugin.yaml, the script (per-row and columnar forms), passing
    /// tests and a README.
    /// - Returns: the new folder's path.
    /// - Throws: `JobSpecError` when the name is not a plugin name or the folder already exists.
    @discardableResult
    public static func create(name: String, kind: PluginManifest.Kind, in directory: String) throws -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw JobSpecError(at: nil, "", "'\(name)' is not a plugin name", hint: "use lowercase letters, digits and '-'")
        }
        let folder = PluginResolver.join(directory, name)
        guard !FileManager.default.fileExists(atPath: folder) else {
            throw JobSpecError(at: nil, "", "\(folder) already exists", hint: "pick another name or remove the folder")
        }
        let files = kind == .features ? PluginTemplates.features(name) : PluginTemplates.validator(name)
        for (path, text) in files {
            let url = URL(fileURLWithPath: PluginResolver.join(folder, path))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return folder
    }
}
