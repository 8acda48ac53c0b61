import ArgumentParser
import ScoreRuntime
import ScoreCore

@main
struct BatchScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchscore",
        abstract: "Batch machine-learning scoring: a YAML job names a reader, validators, a model and a writer.",
        discussion: """
            Exit codes: 0 ok · 1 failure (unreadable input, broken model, I/O) · 2 invalid job spec · \
            3 error budget (runtime.max_rejected) exceeded · 64 bad command-line usage.
            """,
        version: BatchScoreVersion.current,
        subcommands: [RunCommand.self, PipeCommand.self, ValidateCommand.self, PluginsCommand.self, ModelCommand.self,
                      SubmitCommand.self, JobsCommand.self])
}
