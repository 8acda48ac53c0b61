import Foundation
import ScoreCore
import ScoreJobSpec

/// A plugin found on the search path, with its checked manifest and its script's text.
public struct ResolvedPlugin: Sendable {
    /// The checked `plugin.yaml`.
    public var manifest: PluginManifest
    /// The plugin's folder (`require` may load modules from it).
    public var folder: String
    /// The entry script's path.
    public var scriptPath: String
    /// The entry script's text.
    public var source: String

    /// Creates a resolved plugin.
    public init(manifest: PluginManifest, folder: String, scriptPath: String, source: String) {
        self.manifest = manifest
        self.folder = folder
        self.scriptPath = scriptPath
        self.source = source
    }
}

/// Finds Lua plugins on the search path, honours version pins, and checks a step's params
/// against a plugin's manifest.
public enum PluginResolver {
    /// Finds `reference` (`ratio`, `ratio@^1.2`): the first folder of `searchPath` holding a plugin
    /// of that name whose version satisfies the pin wins.
    /// - Parameters:
    ///   - at: where the job names the plugin (the `plugin` key's value); errors point there.
    ///   - keyPath: the `plugin` key's path (`features[0].plugin`).
    /// - Throws: `JobSpecErrors` when the reference is malformed, nothing matches (listing what was
    ///   found where), the matching plugin's manifest is invalid, or its script cannot be read.
    public static func resolve(_ reference: String, searchPath: [String], at location: SourceLocation?,
                               keyPath: String) throws -> ResolvedPlugin {
        func problem(_ message: String, hint: String? = nil) -> JobSpecErrors {
            JobSpecErrors([JobSpecError(at: location, keyPath, message, hint: hint)])
        }
        let (name, requirement) = try parse(reference, at: location, keyPath: keyPath)
        var mismatches: [String] = []
        for dir in searchPath {
            let folder = join(dir, name)
            guard isPluginFolder(folder) else { continue }
            let manifest: PluginManifest
            do {
                manifest = try PluginManifestLoader.load(path: join(folder, "plugin.yaml"))
            } catch {
                // The first copy on the path is broken: say so rather than silently using a later one.
                throw JobSpecErrors(problem("plugin '\(name)' in \(folder) has an invalid plugin.yaml").errors + error.errors)
            }
            if requirement.isSatisfied(by: manifest.version) {
                return try load(folder: folder, manifest: manifest, at: location, keyPath: keyPath)
            }
            mismatches.append("\(folder) (\(manifest.version) — does not satisfy \(requirement))")
        }
        if !mismatches.isEmpty {
            throw problem("plugin '\(reference)' not found; on the search path: \(mismatches.joined(separator: ", "))",
                        hint: "change the pin, or put a matching version earlier on the path")
        }
        let found = discover(searchPath: searchPath).compactMap { try? $0.manifest.get().name }
        let searched = searchPath.map { dir in
            let names = pluginFolders(in: dir).map { ($0 as NSString).lastPathComponent }
            return "\(dir) (\(names.isEmpty ? "no plugins" : names.joined(separator: ", ")))"
        }
        throw problem("plugin '\(reference)' not found; searched \(searched.joined(separator: ", "))",
                    hint: NearMiss.hint(for: name, among: found)
                        ?? "put it in the job's plugins/ folder, or add its parent folder to BATCHSCORE_PLUGIN_PATH")
    }

    /// Reads the plugin in `folder` (its `plugin.yaml` and entry script), whatever its version:
    /// for `plugins test PATH` and `plugins show`.
    public static func load(folder: String) throws -> ResolvedPlugin {
        let manifest = try PluginManifestLoader.load(path: join(folder, "plugin.yaml"))
        return try load(folder: folder, manifest: manifest, at: nil, keyPath: "")
    }

    static func load(folder: String, manifest: PluginManifest, at location: SourceLocation?,
                     keyPath: String) throws -> ResolvedPlugin {
        let script = join(folder, manifest.entry)
        guard let source = try? String(contentsOfFile: script, encoding: .utf8) else {
            let exists = FileManager.default.fileExists(atPath: script)
            throw JobSpecErrors([JobSpecError(
                at: location, keyPath,
                "plugin '\(manifest.name)': \(exists ? "cannot read \(script) as UTF-8 text" : "entry script \(script) not found")",
                hint: "check 'entry' in \(manifest.file)")])
        }
        return ResolvedPlugin(manifest: manifest, folder: folder, scriptPath: script, source: source)
    }

    /// Splits `name@requirement`; a bare name accepts any version.
    static func parse(_ reference: String, at location: SourceLocation?,
                      keyPath: String) throws(JobSpecErrors) -> (String, VersionRequirement) {
        let parts = reference.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw JobSpecErrors([JobSpecError(at: location, keyPath, "'\(reference)' is not a plugin reference",
                                              hint: "write a plugin name (lowercase letters, digits, '-'), optionally pinned: ratio@^1.2")])
        }
        guard parts.count == 2 else { return (name, .any) }
        guard let requirement = VersionRequirement(String(parts[1])) else {
            throw JobSpecErrors([JobSpecError(at: location, keyPath, "'\(parts[1])' is not a version requirement",
                                              hint: "write ^1.2 (compatible), ~1.2.3 (patches), 1.2.3 (exact), >=1.0 or *")])
        }
        return (name, requirement)
    }
}
