import ArgumentParser
import ScoreRuntime

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the built-in components (readers, validators, model formats, writers) and their config fields.")

    @Flag(help: "Print the job-spec reference as Markdown (the README's generated section).")
    var markdown = false

    func run() throws {
        print(markdown ? PluginCatalog.markdown(BuiltinPlugins.registry) : PluginCatalog.render(BuiltinPlugins.registry))
    }
}
