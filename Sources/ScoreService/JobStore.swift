import Foundation
import GRDB

/// The durable queue: jobs and tokens in one SQLite database (WAL) in the data folder. Every state
/// change is one transaction, so a `kill -9` at any moment leaves each job in exactly one state,
/// and a restart finds running jobs where they were (`recoverInterrupted`).
final class JobStore: Sendable {
    let pool: DatabasePool

    /// Opens (creating) `DATA/queue.sqlite` and applies the migrations it lacks.
    init(dataDirectory: String) throws {
        var configuration = Configuration()
        // Writers wait for each other instead of failing (the token command may write while a server runs).
        configuration.busyMode = .timeout(10)
        configuration.label = "batchscore-queue"
        pool = try DatabasePool(path: dataDirectory + "/queue.sqlite", configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The schema's versions, applied in order at start; a released migration is never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs and tokens") { db in
            try db.create(table: "jobs") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("owner", .text).notNull()
                t.column("name", .text)
                t.column("state", .text).notNull()
                t.column("priority", .integer).notNull()
                t.column("spec", .text).notNull()
                t.column("uploadedInput", .text)
                t.column("outputPath", .text).notNull()
                t.column("quarantinePath", .text).notNull()
                t.column("idempotencyKey", .text)
                t.column("contentKey", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("maxAttempts", .integer).notNull()
                t.column("notBefore", .double).notNull()
                t.column("createdAt", .double).notNull()
                t.column("startedAt", .double)
                t.column("firstStartedAt", .double)
                t.column("finishedAt", .double)
                t.column("cancelRequested", .boolean).notNull()
                t.column("error", .text)
                t.column("exitCode", .integer)
                t.column("rowsRead", .integer).notNull()
                t.column("rowsWritten", .integer).notNull()
                t.column("rowsQuarantined", .integer).notNull()
                t.column("bytesRead", .integer).notNull()
                t.column("totalBytes", .integer)
                t.column("seconds", .double).notNull()
                t.uniqueKey(["owner", "idempotencyKey"])
            }
            try db.create(index: "jobs_by_claim_order", on: "jobs", columns: ["state", "priority", "seq"])
            try db.create(index: "jobs_by_content", on: "jobs", columns: ["owner", "contentKey"])
            try db.create(table: "tokens") { t in
                t.primaryKey("id", .text)
                t.column("hash", .text).notNull().unique()
                t.column("scopes", .text).notNull()
                t.column("name", .text)
                t.column("createdAt", .double).notNull()
                t.column("revokedAt", .double)
            }
        }
        return migrator
    }

    // MARK: Jobs

    /// How a submission relates to the jobs already queued.
    enum Dedupe: Sendable {
        /// A new job unless the owner has one with this idempotency key.
        case byKey
        /// Also return the owner's newest job with the same content key (`?dedupe=content`),
        /// unless it failed or was cancelled.
        case byContent
    }

    /// Inserts `job`, or returns the owner's existing job with the same idempotency key (or content
    /// key, by `dedupe`) — in one transaction, so two racing submissions with one key make one job.
    func insert(_ job: JobRecord, dedupe: Dedupe) async throws -> (job: JobRecord, created: Bool) {
        try await pool.write { db in
            if let key = job.idempotencyKey,
               let existing = try JobRecord.filter(Column("owner") == job.owner && Column("idempotencyKey") == key).fetchOne(db) {
                return (existing, false)
            }
            if case .byContent = dedupe,
               let existing = try JobRecord
                .filter(Column("owner") == job.owner && Column("contentKey") == job.contentKey)
                .filter([JobState.queued, .running, .succeeded].map(\.rawValue).contains(Column("state")))
                .order(Column("seq").desc).fetchOne(db) {
                return (existing, false)
            }
            var inserted = job
            try inserted.insert(db)
            return (inserted, true)
        }
    }

    func job(id: String) async throws -> JobRecord? {
        try await pool.read { db in try JobRecord.filter(Column("id") == id).fetchOne(db) }
    }

    /// A page of jobs, newest first: those of `owner` (all when nil), in `state` (any when nil),
    /// older than the cursor `before` (a `seq`).
    func list(owner: String?, state: JobState?, before: Int64?, limit: Int) async throws -> [JobRecord] {
        try await pool.read { db in
            var request = JobRecord.all()
            if let owner { request = request.filter(Column("owner") == owner) }
            if let state { request = request.filter(Column("state") == state.rawValue) }
            if let before { request = request.filter(Column("seq") < before) }
            return try request.order(Column("seq").desc).limit(limit).fetchAll(db)
        }
    }

    /// Takes the next job that may start (highest priority, then oldest) and marks it running,
    /// counting the attempt — in one transaction.
    func claimNext(now: Double) async throws -> JobRecord? {
        try await pool.write { db in
            guard var job = try JobRecord
                .filter(Column("state") == JobState.queued.rawValue && Column("notBefore") <= now)
                .order(Column("priority").desc, Column("seq").asc).fetchOne(db) else { return nil }
            job.state = .running
            job.attempts += 1
            job.startedAt = now
            if job.firstStartedAt == nil { job.firstStartedAt = now }
            try job.update(db)
            return job
        }
    }

    /// The earliest `notBefore` of the queued jobs, so the scheduler sleeps until a retry is due.
    func nextStartTime() async throws -> Double? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(notBefore) FROM jobs WHERE state = ?", arguments: [JobState.queued.rawValue])
        }
    }

    /// Applies `change` to the job's row if it is in `expected` (a compare-and-set: a job cancelled
    /// meanwhile is not flipped back). Returns the row after the change, or nil if none applied.
    @discardableResult
    func update(id: String, ifIn expected: Set<JobState>,
                _ change: @escaping @Sendable (inout JobRecord) -> Void) async throws -> JobRecord? {
        try await pool.write { db in
            guard var job = try JobRecord.filter(Column("id") == id).fetchOne(db), expected.contains(job.state) else { return nil }
            change(&job)
            try job.update(db)
            return job
        }
    }

    /// After a crash (or `kill -9`) the rows of the jobs that were running still say `running`:
    /// they go back to the queue to resume from their checkpoints; the interrupted attempt counts,
    /// so a job that kills the server each time it runs ends `failed` after its attempts.
    func recoverInterrupted(now: Double) async throws -> (requeued: [String], failed: [String]) {
        try await pool.write { db in
            var requeued: [String] = [], failed: [String] = []
            for var job in try JobRecord.filter(Column("state") == JobState.running.rawValue).fetchAll(db) {
                if job.cancelRequested {
                    job.state = .cancelled
                    job.finishedAt = now
                    failed.append(job.id)
                } else if job.attempts >= job.maxAttempts {
                    job.state = .failed
                    job.exitCode = 1
                    job.finishedAt = now
                    job.error = "the server stopped during each of the job's \(job.attempts) attempts"
                    failed.append(job.id)
                } else {
                    job.state = .queued
                    job.notBefore = now
                    requeued.append(job.id)
                }
                try job.update(db)
            }
            return (requeued, failed)
        }
    }

    /// Jobs per state, for `/metrics`.
    func countsByState() async throws -> [JobState: Int] {
        try await pool.read { db in
            var counts: [JobState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Deletes the rows of jobs that finished before `cutoff`; returns their ids (their folders go next).
    func deleteFinished(before cutoff: Double) async throws -> [String] {
        try await pool.write { db in
            let expired = try String.fetchAll(db, sql: """
                SELECT id FROM jobs WHERE state IN ('succeeded', 'failed', 'cancelled') AND finishedAt < ?
                """, arguments: [cutoff])
            try db.execute(sql: """
                DELETE FROM jobs WHERE state IN ('succeeded', 'failed', 'cancelled') AND finishedAt < ?
                """, arguments: [cutoff])
            return expired
        }
    }

    /// True when the database takes a write (for `/readyz`).
    func isWritable() async -> Bool {
        do {
            try await pool.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS readiness (t REAL); DELETE FROM readiness") }
            return true
        } catch {
            return false
        }
    }

    // MARK: Tokens

    func insert(token: TokenRecord) async throws {
        try await pool.write { db in try token.insert(db) }
    }

    /// The live token whose hash is `hash`.
    func token(hash: String) async throws -> TokenRecord? {
        try await pool.read { db in
            try TokenRecord.filter(Column("hash") == hash && Column("revokedAt") == nil).fetchOne(db)
        }
    }

    func tokens() async throws -> [TokenRecord] {
        try await pool.read { db in try TokenRecord.order(Column("createdAt")).fetchAll(db) }
    }

    /// Revokes the token `id`; false when there is no such live token.
    func revoke(tokenID: String, now: Double) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE tokens SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [now, tokenID])
            return db.changesCount > 0
        }
    }
}
