import ArgumentParser
import Foundation
import ScoreRuntime
import ScoreLua

/// `plugins test [NAME | PATH]`: runs plugins' test cases through the real Lua bridge.
struct PluginsTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run Lua plugins' tests/*.yaml cases; exits 1 when a case fails, printing its diff.")

    @Argument(help: ArgumentHelp("A plugin on the search path (ratio, ratio@^1.2) or a plugin folder; every plugin found when left out.",
                                 valueName: "name | path"))
    var plugin: String?

    @Flag(help: "List passing cases too, not only failures.")
    var verbose = false

    func run() throws {
        let folders: [String]
        do {
            if let plugin {
                folders = [try Self.find(plugin).folder]
            } else {
                folders = PluginResolver.discover(searchPath: PluginsCommand.searchPath).map(\.folder)
                if folders.isEmpty {
                    print("no Lua plugins on the search path (\(PluginsCommand.searchPath.joined(separator: ", ")))")
                    return
                }
            }
        } catch {
            throw fail(with: error)
        }
        var failed = 0
        for folder in folders {
            do {
                let report = try PluginTestRunner.run(pluginFolder: folder)
                print(report.render(verbose: verbose))
                if !report.succeeded { failed += 1 }
            } catch {
                print("\(folder)\n  ERROR " + "\(error)".replacingOccurrences(of: "\n", with: "\n        "))
                failed += 1
            }
        }
        if folders.count > 1 { print("\(folders.count - failed) of \(folders.count) plugins passed") }
        if failed > 0 { throw ExitCode.failure }
    }

    /// A plugin folder given as a path (it holds a `/` or is a folder with plugin.yaml), else a
    /// reference resolved on the search path.
    static func find(_ argument: String) throws -> ResolvedPlugin {
        if argument.contains("/") || FileManager.default.fileExists(atPath: argument + "/plugin.yaml") {
            return try PluginResolver.load(folder: argument)
        }
        return try PluginResolver.resolve(argument, searchPath: PluginsCommand.searchPath, at: nil, keyPath: "")
    }
}

/// `plugins new NAME --kind features|validator [--dir plugins]`.
struct PluginsNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a working Lua plugin (plugin.yaml, script, passing tests, README) to edit into your own.")

    @Argument(help: "The plugin's name: lowercase letters, digits and '-'.")
    var name: String

    @Option(help: "features (computes columns) or validator (accepts or rejects rows).")
    var kind: PluginKindOption

    @Option(help: "The folder to create the plugin in.")
    var dir = "plugins"

    func run() throws {
        do {
            let folder = try PluginScaffold.create(name: name, kind: kind.value, in: dir)
            print("created \(folder): edit \(name).lua and plugin.yaml, then run `batchscore plugins test \(folder)`")
        } catch {
            throw fail(with: error)
        }
    }
}
