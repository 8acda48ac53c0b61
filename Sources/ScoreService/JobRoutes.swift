import Foundation
import Hummingbird
import ScoreCore
import ScoreJobSpec
import ScoreRuntime

/// The `/v1/jobs` API: submit, read, list, cancel, download, follow.
struct JobRoutes {
    let state: ServiceState
    let scheduler: JobScheduler

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("/jobs") { request, context in try await submit(request, context) }
        group.get("/jobs") { request, context in try await list(request, context) }
        group.get("/jobs/:id") { _, context in
            let job = try await visibleJob(context)
            return ServiceJSON.response(JobView(job, live: state.board.get(job.id)))
        }
        group.delete("/jobs/:id") { _, context in try await cancel(context) }
        group.get("/jobs/:id/output") { request, context in
            let job = try await visibleJob(context)
            try requireSucceeded(job, what: "output")
            return try await Downloads.file(job.outputPath, request: request, context: context)
        }
        group.get("/jobs/:id/quarantine") { request, context in
            let job = try await visibleJob(context)
            try requireSucceeded(job, what: "quarantine")
            return try await Downloads.file(job.quarantinePath, request: request, context: context)
        }
        group.get("/jobs/:id/summary") { request, context in
            let job = try await visibleJob(context)
            guard job.state.isFinal, FileManager.default.fileExists(atPath: state.folders.summary(job.id)) else {
                throw Problem.conflict("job \(job.id) is \(job.state.rawValue); its summary is written when it ends")
            }
            return try await Downloads.file(state.folders.summary(job.id), request: request, context: context)
        }
        group.get("/jobs/:id/events") { _, context in
            let job = try await visibleJob(context)
            return JobEvents.stream(id: job.id, state: state)
        }
    }

    // MARK: Submit

    private func submit(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let token = try context.require(.submit)
        let query = request.uri.queryParameters
        let dryRun = try Self.flag(query["dry_run"], name: "dry_run")
        let dedupe: JobStore.Dedupe
        switch query["dedupe"].map(String.init) {
        case nil, "key": dedupe = .byKey
        case "content": dedupe = .byContent
        case let other?: throw Problem.badRequest("dedupe must be `content` or `key`, not `\(other)`")
        }
        var priority = 0
        if let text = query["priority"] {
            guard let value = Int(text), (-100...100).contains(value) else {
                throw Problem.badRequest("priority must be a whole number from -100 to 100, not `\(text)`")
            }
            priority = value
        }
        let key = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value
        if let key, key.isEmpty || key.utf8.count > 255 {
            throw Problem.badRequest("an Idempotency-Key must be 1 to 255 characters")
        }
        if !dryRun, let wait = state.limiter.take(owner: token.id, now: Date().timeIntervalSince1970) {
            var problem = Problem(status: .tooManyRequests, title: "Too Many Requests",
                                  detail: "this token has submitted \(state.config.submissionsPerMinute) jobs in the last minute",
                                  hint: "wait \(wait) s, or raise submissions_per_minute in the server's config")
            problem.retryAfter = wait
            throw problem
        }

        let id = JobFolders.newID()
        let folder = state.folders.folder(id)
        var keepFolder = false
        defer { if !keepFolder { state.folders.remove(id) } }
        let body = try await SubmissionBody.read(request, config: state.config, inputFolder: state.folders.inputFolder(id))
        let submitted: SubmittedSpec
        do {
            submitted = try SubmittedSpec.load(text: body.specText, uploadedInput: body.upload?.path,
                                               outputFolder: state.folders.outputFolder(id), policy: state.policy,
                                               registry: state.registry, environment: state.jobEnvironment)
        } catch {
            throw Problem.invalidSpec(error)
        }
        if dryRun { return try await validate(submitted) }

        let record = JobRecord(
            id: id, owner: token.id, name: submitted.spec.name, priority: priority, spec: body.specText,
            uploadedInput: body.upload?.path, outputPath: submitted.outputPath, quarantinePath: submitted.quarantinePath,
            idempotencyKey: key, contentKey: submitted.contentKey(uploadSHA256: body.upload?.sha256, models: state.modelHashes),
            maxAttempts: state.config.maxAttempts, now: Date().timeIntervalSince1970)
        try FileManager.default.createDirectory(atPath: state.folders.outputFolder(id), withIntermediateDirectories: true)
        let (job, created) = try await state.store.insert(record, dedupe: dedupe)
        if created {
            keepFolder = true
            state.metrics.submissions.increment()
            await scheduler.wake()
            context.logger.info("job submitted", metadata: ["job_id": "\(id)", "token": "\(token.id)", "folder": "\(folder)"])
        }
        return ServiceJSON.response(JobView(job, live: state.board.get(job.id)), status: created ? .created : .ok,
                                    headers: [.location: "/v1/jobs/\(job.id)"])
    }

    /// `?dry_run=true`: what `batchscore validate` checks — the spec, then the model loads and its
    /// features are in the input's header — scoring nothing, queueing nothing.
    private func validate(_ submitted: SubmittedSpec) async throws -> Response {
        struct Validation: Encodable {
            var valid: Bool
            var input: String
            var model: String
            var output_columns: [String]
            var checks: [String]
        }
        let registry = state.registry
        let spec = submitted.spec
        let redact = Redactor(spec: spec)
        let result: Result<Validation, any Error> = await withCheckedContinuation { continuation in
            // Building a plan opens the model and the input: blocking I/O, off the cooperative pool.
            Thread {
                continuation.resume(returning: Result {
                    let plan = try ScoringPlan.build(spec: spec, registry: registry)
                    return Validation(valid: true, input: redact("\(plan.reader.schema)"), model: plan.model.summary,
                                      output_columns: plan.output.schema.names, checks: plan.validators.map(\.rule))
                })
            }.start()
        }
        switch result {
        case .success(let validation): return ServiceJSON.response(validation)
        case .failure(let errors as JobSpecErrors): throw Problem.invalidSpec(errors, redact: redact.callAsFunction)
        case .failure(let error as JobSpecError): throw Problem.invalidSpec(JobSpecErrors([error]), redact: redact.callAsFunction)
        case .failure(let error):
            throw Problem(status: .unprocessableContent, title: "Job cannot run", detail: redact("\(error)"))
        }
    }

    // MARK: Read

    private func list(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let token = try context.require(.read)
        let query = request.uri.queryParameters
        var filter: JobState?
        if let text = query["state"] {
            guard let parsed = JobState(rawValue: String(text)) else {
                throw Problem.badRequest("state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")), not `\(text)`")
            }
            filter = parsed
        }
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(text), (1...500).contains(value) else {
                throw Problem.badRequest("limit must be a whole number from 1 to 500, not `\(text)`")
            }
            limit = value
        }
        var before: Int64?
        if let text = query["cursor"] {
            guard let value = Int64(text), value > 0 else { throw Problem.badRequest("cursor `\(text)` is not one this server gave") }
            before = value
        }
        let owner = token.scopeSet.contains(.admin) ? nil : token.id
        let jobs = try await state.store.list(owner: owner, state: filter, before: before, limit: limit + 1)
        let page = jobs.prefix(limit)
        return ServiceJSON.response(JobPage(jobs: page.map { JobView($0, live: state.board.get($0.id)) },
                                            next_cursor: jobs.count > limit ? page.last?.seq.map(String.init) : nil))
    }

    /// The job the path names, if the token may see it: its own, or any for `admin`. An id that
    /// is malformed, unknown or another token's is the same 404: a token learns nothing of jobs
    /// that are not its own.
    private func visibleJob(_ context: ServiceRequestContext, scope: TokenScope = .read) async throws -> JobRecord {
        let token = try context.require(scope)
        let id = try context.parameters.require("id")
        guard JobFolders.isValidID(id), let job = try await state.store.job(id: id),
              job.owner == token.id || token.scopeSet.contains(.admin) else {
            throw Problem.notFound("no job \(id.prefix(64))")
        }
        return job
    }

    private func requireSucceeded(_ job: JobRecord, what: String) throws {
        guard job.state == .succeeded else {
            throw Problem.conflict("job \(job.id) is \(job.state.rawValue); its \(what) is published only when it succeeds",
                                   hint: job.state.isFinal ? "see /v1/jobs/\(job.id)/summary" : "follow /v1/jobs/\(job.id)/events")
        }
    }

    // MARK: Cancel

    /// Cancels a queued job at once, a running one at its next batch boundary (its checkpoint
    /// recorded): 200 with the job. A job that has ended is a 409.
    private func cancel(_ context: ServiceRequestContext) async throws -> Response {
        let job = try await visibleJob(context, scope: .submit)
        let now = Date().timeIntervalSince1970
        if let cancelled = try await state.store.update(id: job.id, ifIn: [.queued], { row in
            row.state = .cancelled
            row.cancelRequested = true
            row.finishedAt = now
            row.exitCode = 1
        }) {
            state.metrics.jobFinished(state: .cancelled)
            return ServiceJSON.response(JobView(cancelled, live: nil))
        }
        if let marked = try await state.store.update(id: job.id, ifIn: [.running], { $0.cancelRequested = true }) {
            await scheduler.cancel(job.id)
            return ServiceJSON.response(JobView(marked, live: state.board.get(job.id)), status: .accepted)
        }
        let current = try await state.store.job(id: job.id) ?? job
        throw Problem.conflict("job \(job.id) has already \(current.state.rawValue)")
    }

    /// A boolean query flag: absent, `true` or `false`.
    static func flag(_ value: Substring?, name: String) throws -> Bool {
        switch value {
        case nil, "false", "0": return false
        case "true", "1", "": return true
        case let other?: throw Problem.badRequest("\(name) must be true or false, not `\(other)`")
        }
    }
}
