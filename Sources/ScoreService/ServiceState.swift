import Foundation
import Logging
import ScoreBuiltins
import ScoreCore
import ScoreJobSpec
import ScoreRuntime

/// What the routes and the scheduler share: the configuration, the queue, the engine's CPU
/// budget and plugins, the in-memory progress, metrics and the path policy.
final class ServiceState: Sendable {
    let config: ServeConfiguration
    let store: JobStore
    let board = ProgressBoard()
    let metrics = ServiceMetrics()
    let modelHashes = ModelHashCache()
    let limiter: SubmissionRateLimiter
    /// One budget of this machine's cores for every job the server runs.
    let cores: CPUBudget
    let registry: PluginRegistry
    let folders: JobFolders
    let policy: PathPolicy
    let logger: Logger
    /// Crash points for the restart tests (`BATCHSCORE_FAULT`, as the CLI reads it); none in production.
    let faults: FaultPoints
    /// The `${VAR}` values a job may use: the variables `job_environment` names.
    let jobEnvironment: [String: String]

    init(config: ServeConfiguration, store: JobStore, logger: Logger,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.config = config
        self.store = store
        self.logger = logger
        limiter = SubmissionRateLimiter(perMinute: config.submissionsPerMinute)
        cores = CPUBudget(cores: ProcessInfo.processInfo.activeProcessorCount)
        registry = BuiltinPlugins.registry
        folders = JobFolders(dataDirectory: config.dataDirectory)
        policy = PathPolicy(roots: config.allowedRoots)
        faults = FaultPoints.fromEnvironment(environment)
        jobEnvironment = environment.filter { config.jobEnvironment.contains($0.key) }
    }

    /// The spec of a queued job, loaded as at its submission.
    func loadSpec(_ record: JobRecord) throws(JobSpecErrors) -> SubmittedSpec {
        try SubmittedSpec.load(text: record.spec, uploadedInput: record.uploadedInput,
                               outputFolder: folders.outputFolder(record.id), policy: policy,
                               registry: registry, environment: jobEnvironment)
    }

    /// Deletes finished jobs older than the retention, rows and folders, and job folders no row
    /// names (a submission the server died in the middle of).
    func sweepRetention(now: Double) async {
        guard config.retentionSeconds > 0 else { return }
        do {
            for id in try await store.deleteFinished(before: now - config.retentionSeconds) { folders.remove(id) }
            let root = config.dataDirectory + "/jobs"
            for id in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where JobFolders.isValidID(id) {
                let created = ((try? FileManager.default.attributesOfItem(atPath: root + "/" + id))?[.modificationDate] as? Date)?
                    .timeIntervalSince1970 ?? now
                if now - created > 3600, try await store.job(id: id) == nil { folders.remove(id) }
            }
        } catch {
            logger.warning("retention sweep failed", metadata: ["error": "\(error)"])
        }
    }
}
