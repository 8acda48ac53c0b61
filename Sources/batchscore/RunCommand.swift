import ArgumentParser
import Foundation
import ScoreIO
import ScoreJobSpec
import ScoreRuntime

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scoring job: predictions for every valid row, rejected rows to the quarantine.",
        discussion: """
            Outputs are written to temporary files and renamed into place only when the job succeeds \
            (except writer.path "-", which streams to stdout; the summary then goes to stderr). \
            Exit codes: 0 ok · 1 failure · 2 invalid job spec · 3 error budget exceeded · 64 usage.
            """)

    @OptionGroup var options: JobOptions

    @Option(help: "Progress on stderr: auto is a bar on a terminal and a plain line every 5 s otherwise.")
    var progress: ProgressMode = .auto

    @Option(help: ArgumentHelp("Also write the summary and a run manifest (tool version, spec hash, model sha256, input size/mtime) as JSON.",
                               valueName: "path"))
    var summaryJSON: String?

    func run() throws {
        let spec: JobSpec
        do { spec = try options.loadSpec() } catch { throw fail(with: error) }
        try JobExecution.execute(spec: spec, options: options, progress: progress, summaryJSON: summaryJSON,
                                 summaryToStderr: StandardStreams.isStream(spec.writer.string("path")))
    }
}
