import ArgumentParser
import Foundation
import ScoreRuntime
import ScoreLua
import ScoreJobSpec
import ScoreBuiltins

/// `batchscore plugins`: the built-in components and the Lua plugins on the search path.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List, show, test and create plugins (built-in components and Lua plugins).",
        discussion: """
            Lua plugins are found on a search path, in order: the job file's folder's plugins/ (for \
            commands given a job), the current folder's plugins/ (the project's), then each folder of \
            BATCHSCORE_PLUGIN_PATH (colon-separated).
            """,
        subcommands: [PluginsListCommand.self, PluginsShowCommand.self, PluginsTestCommand.self, PluginsNewCommand.self],
        defaultSubcommand: PluginsListCommand.self)

    /// The search path from the current folder (there is no job file here).
    static var searchPath: [String] {
        PluginResolver.searchPath(jobFolder: ".", environment: ProcessInfo.processInfo.environment)
    }
}

/// `plugins list` (also plain `plugins`): the built-ins, then the Lua plugins found.
struct PluginsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the built-in components with their config fields, then the Lua plugins on the search path.")

    @Flag(help: "Print the job-spec reference as Markdown (the README's generated section).")
    var markdown = false

    func run() throws {
        if markdown {
            print(PluginCatalog.markdown(BuiltinPlugins.registry))
            return
        }
        print(PluginCatalog.render(BuiltinPlugins.registry))
        print(PluginListing.render(searchPath: PluginsCommand.searchPath))
    }
}

/// `plugins show NAME[@req]`.
struct PluginsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a Lua plugin's params, outputs, description, folder and entry script.")

    @Argument(help: ArgumentHelp("The plugin, optionally pinned (ratio, ratio@^1.2), or its folder.", valueName: "name[@req] | path"))
    var plugin: String

    func run() throws {
        do {
            print(PluginListing.show(try PluginsTestCommand.find(plugin)))
        } catch {
            throw fail(with: error)
        }
    }
}
