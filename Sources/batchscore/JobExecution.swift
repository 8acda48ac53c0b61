import ArgumentParser
import Foundation
import ScoreCore
import ScoreIO
import ScoreJobSpec
import ScoreLinalg
import ScoreRuntime

/// Runs a loaded job and reports it: what `run` and `pipe` share.
enum JobExecution {
    /// Builds the plan, runs it, prints the summary (to stderr when `summaryToStderr`, which
    /// stdout output needs) and writes `summaryJSON`. Throws the `ExitCode` the job ends with.
    static func execute(spec: JobSpec, options: JobOptions, progress: ProgressMode, summaryJSON: String?,
                        resume: Bool = false, summaryToStderr: Bool) throws {
        let startedAt = Date()
        let redact = Redactor(spec: spec)
        let logger = options.makeLogger(redact: redact)
        // One BLAS thread: on these per-batch products (8192 rows × at most a few hundred columns) a
        // second OpenBLAS thread mostly spins — measured on the MLP (64, 32) job, 0.65 s either way,
        // at 110% CPU with one thread and 193% with two.
        BLAS.setThreads(1)
        AllocatorTuning.apply()
        let plan: ScoringPlan
        do { plan = try ScoringPlan.build(spec: spec, registry: BuiltinPlugins.registry) } catch {
            throw fail(with: error, redact: redact)
        }

        if let summaryJSON, let owned = plan.clash(ofExtraOutput: summaryJSON) {
            FileHandle.standardError.write(Data("error: --summary-json \(redact(summaryJSON)): is \(owned); give the summary a file of its own\n".utf8))
            throw ExitCode(ExitStatus.usage)
        }
        // Opened before scoring, so an unwritable path fails in a second, not after the whole job.
        let summaryFile: AtomicOutputFile?
        do { summaryFile = try summaryJSON.map { try AtomicOutputFile(path: $0) } } catch {
            throw fail(with: error, redact: redact)
        }

        StopRequest.install()
        let runner = JobRunner(plan: plan, logger: logger, progress: ProgressReporter(mode: progress), resume: resume)
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
        if summaryToStderr {
            FileHandle.standardError.write(Data((summary.text + "\n").utf8))
        } else {
            print(summary.text)
        }
        if let summaryFile {
            let manifest = RunManifestBuilder.make(plan: plan, startedAt: startedAt, finishedAt: Date())
            do { try SummaryDocument(summary: summary, manifest: manifest).write(to: summaryFile) } catch {
                throw fail(with: error, redact: redact)
            }
        }
        if let failure { throw fail(with: failure, redact: redact) }
    }
}
