import ArgumentParser
import Foundation
import ScoreCore
import ScoreIO
import ScoreJobSpec
import ScoreLinalg
import ScoreRuntime
import ScoreBuiltins

/// Runs a loaded job and reports it: what `run` and `pipe` share.
enum JobExecution {
    /// Builds the plan (its ends wired as `wiring` says), runs it, prints the summary (to stderr
    /// when the output is stdout) and writes `summaryJSON`. Throws the `ExitCode` the job ends with.
    static func execute(spec: JobSpec, wiring: JobEndpoints.Wiring, options: JobArguments, progress: ProgressMode,
                        summaryJSON: String?, resume: Bool = false) throws {
        let startedAt = Date()
        let redact = Redactor(spec: spec)
        let logger = options.makeLogger(redact: redact)
        ProcessSettings.apply()
        let plan: ScoringPlan
        do { plan = try ScoringPlan.build(spec: spec, registry: BuiltinPlugins.registry, cores: cores(for: spec), wiring: wiring) } catch {
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

        StopSignals.install()
        let reporter = ProgressReporter(mode: progress)
        var jobOptions = JobOptions()
        jobOptions.logger = logger
        jobOptions.resume = resume
        jobOptions.faults = FaultPoints.fromEnvironment()
        jobOptions.stop = StopToken(external: { StopSignals.signal.map(StopReason.signal) })
        jobOptions.onProgress = { reporter.update($0) }
        let runner = JobRunner(plan: plan, options: jobOptions)
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
        if plan.endpoints.output.isStream {
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

    /// The CPU budget of this process, which runs one job: the machine's cores, or as many as the
    /// job's explicit `runtime.workers` when that is more (the user asked for those threads; a
    /// process sharing its cores between jobs grants what is free instead).
    static func cores(for spec: JobSpec) -> CPUBudget {
        CPUBudget(cores: max(ProcessInfo.processInfo.activeProcessorCount, spec.runtime.int("workers") ?? 0))
    }
}
