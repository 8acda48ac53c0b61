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
            A checkpoint beside the output records what is committed (runtime.checkpoint_secs); after a \
            crash or a stop, `--resume` continues and writes the same bytes an uninterrupted run would. \
            SIGINT / SIGTERM stop gracefully: the batches in flight are finished and a checkpoint is recorded. \
            Exit codes: 0 ok · 1 failure · 2 invalid job spec · 3 error budget exceeded · 64 usage · \
            130 / 143 stopped by SIGINT / SIGTERM (resumable).
            """)

    @OptionGroup var options: JobArguments

    @Option(help: "Progress on stderr: auto is a bar on a terminal and a plain line every 5 s otherwise.")
    var progress: ProgressMode = .auto

    @Option(help: ArgumentHelp("Also write the summary and a run manifest (tool version, spec hash, model sha256, input size/mtime) as JSON.",
                               valueName: "path"))
    var summaryJSON: String?

    @Flag(help: "Continue from the checkpoint a killed or stopped run left (refused if the spec, model or input changed; without a checkpoint, starts from the beginning and says so).")
    var resume = false

    func run() throws {
        let spec: JobSpec
        do { spec = try options.loadSpec() } catch { throw fail(with: error) }
        try JobExecution.execute(spec: spec, wiring: .asWritten, options: options, progress: progress,
                                 summaryJSON: summaryJSON, resume: resume)
    }
}
