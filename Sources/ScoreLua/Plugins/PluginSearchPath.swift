import Foundation
import ScoreCore
import ScoreJobSpec

extension PluginResolver {
    /// The folders searched for plugins, in order: the job file's folder `plugins/`, the current
    /// working directory's `plugins/` (the project's), then each folder of `BATCHSCORE_PLUGIN_PATH`
    /// (colon-separated). A folder listed twice (the job sits in the current folder) is kept once.
    public static func searchPath(jobFolder: String, environment: [String: String]) -> [String] {
        var candidates = [join(jobFolder.isEmpty ? "." : jobFolder, "plugins"), "./plugins"]
        candidates += (environment["BATCHSCORE_PLUGIN_PATH"] ?? "").split(separator: ":").map(String.init)
        var seen: Set<String> = []
        return candidates.filter { seen.insert(absolute($0)).inserted }
    }

    /// Every plugin folder (one holding `plugin.yaml`) in each search-path folder, in path order
    /// and by name, with its manifest or the reason it cannot be read. Missing folders are skipped.
    public static func discover(searchPath: [String]) -> [(folder: String, manifest: Result<PluginManifest, JobSpecErrors>)] {
        var found: [(folder: String, manifest: Result<PluginManifest, JobSpecErrors>)] = []
        for dir in searchPath {
            for folder in pluginFolders(in: dir) {
                found.append((folder, Result { () throws(JobSpecErrors) in
                    try PluginManifestLoader.load(path: join(folder, "plugin.yaml"))
                }))
            }
        }
        return found
    }

    /// The plugin folders directly inside `dir`, sorted by name.
    static func pluginFolders(in dir: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.sorted().map { join(dir, $0) }.filter { isPluginFolder($0) }
    }

    /// A folder is a plugin when it holds `plugin.yaml`.
    static func isPluginFolder(_ folder: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: join(folder, "plugin.yaml"), isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// The absolute, standardized form of `path`, to tell whether two spellings are one folder.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
