import ArgumentParser
import Foundation
import ScoreIO
import ScoreJobSpec
import ScoreRuntime

/// `batchscore pipe --job job.yaml`: a filter from stdin to stdout, for shell pipes and for the
/// frameworks that drive an external scorer through one (Spark's `RDD.pipe`, Dask, Ray).
struct PipeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipe",
        abstract: "Run a job as a filter: rows from stdin, predictions to stdout (the job's reader and writer paths are ignored).",
        discussion: """
            The job's reader and writer keep their type and options; their paths become "-" (as \
            --set reader.path=- writer.path=- would make them). stdout carries only the predictions: \
            logs, progress and the summary go to stderr. The output is streamed, so it is neither \
            atomic (a failed job leaves the rows already written) nor resumable. Rejected rows go to \
            the quarantine file: quarantine.path, or where the job's own writer.path would put it. \
            Exit codes: as run — 0 ok · 1 failure · 2 invalid job spec · 3 error budget exceeded · 64 usage.
            """)

    @Option(help: "The job file (YAML).")
    var job: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a key of the job: --set runtime.batch_rows=1000. Repeatable; reader.path and writer.path are always \"-\".",
        valueName: "key.path=value"))
    var overrides: [String] = []

    @OptionGroup var log: LogOptions

    @Option(help: "Progress on stderr: auto is a bar on a terminal and a plain line every 5 s otherwise.")
    var progress: ProgressMode = .auto

    @Option(help: ArgumentHelp("Also write the summary and a run manifest as JSON.", valueName: "path"))
    var summaryJSON: String?

    func run() throws {
        var options = JobArguments()
        options.job = job
        options.overrides = overrides
        options.log = log
        let spec: JobSpec
        do { spec = try options.loadSpec() } catch { throw fail(with: error) }
        // The plan connects the job's reader and writer to stdin and stdout; its quarantine stays
        // where the job as written puts it.
        try JobExecution.execute(spec: spec, wiring: .standardStreams, options: options, progress: progress,
                                 summaryJSON: summaryJSON)
    }
}
