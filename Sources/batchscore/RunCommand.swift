import ArgumentParser
import Foundation
import ScoreCore
import ScoreIO
import ScoreJobSpec
import ScoreLinalg
import ScoreRuntime

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scoring job: predictions for every valid row, rejected rows to the quarantine.",
        discussion: """
            Outputs are written to temporary files and renamed into place only when the job succeeds. \
            Exit codes: 0 ok · 1 failure · 2 invalid job spec · 3 error budget exceeded · 64 usage.
            """)

    @OptionGroup var options: JobOptions

    @Option(help: "Progress on stderr: auto is a bar on a terminal and a plain line every 5 s otherwise.")
    var progress: ProgressMode = .auto

    @Option(help: ArgumentHelp("Also write the summary and a run manifest (tool version, spec hash, model sha256, input size/mtime) as JSON.",
                               valueName: "path"))
    var summaryJSON: String?

    func run() throws {
        let startedAt = Date()
        let spec: JobSpec
        do { spec = try options.loadSpec() } catch { throw fail(with: error) }
        let redact = Redactor(spec: spec)
        let logger = options.makeLogger(redact: redact)
        // One BLAS thread: on these per-batch products (8192 rows × at most a few hundred columns) a
        // second OpenBLAS thread mostly spins — measured on the MLP (64, 32) job, 0.65 s either way,
        // at 110% CPU with one thread and 193% with two.
        BLAS.setThreads(1)
        let plan: ScoringPlan
        do { plan = try ScoringPlan.build(spec: spec, registry: BuiltinPlugins.registry) } catch {
            throw fail(with: error, redact: redact)
        }

        // Opened before scoring, so an unwritable path fails in a second, not after the whole job.
        let summaryFile: AtomicOutputFile?
        do { summaryFile = try summaryJSON.map { try AtomicOutputFile(path: $0) } } catch {
            throw fail(with: error, redact: redact)
        }

        let runner = JobRunner(plan: plan, logger: logger, progress: ProgressReporter(mode: progress))
        var summary: JobSummary
        var failure: (any Error)?
        do {
            summary = try runner.run()
        } catch let jobFailure as JobFailure {
            summary = jobFailure.summary
            failure = jobFailure.error
        } catch {
            throw fail(with: error, redact: redact)
        }
        summary.redact(with: redact)
        print(summary.text)
        if let summaryFile {
            let manifest = RunManifestBuilder.make(plan: plan, startedAt: startedAt, finishedAt: Date())
            do { try SummaryDocument(summary: summary, manifest: manifest).write(to: summaryFile) } catch {
                throw fail(with: error, redact: redact)
            }
        }
        if let failure { throw fail(with: failure, redact: redact) }
    }
}
