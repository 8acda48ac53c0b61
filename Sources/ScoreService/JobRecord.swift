import Foundation
import GRDB

/// One job as the queue stores it: a row of `jobs`. The row is the truth about a job; what runs
/// in memory (progress) is only a faster view of it.
struct JobRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "jobs"

    /// The queue's order of arrival; list cursors page by it.
    var seq: Int64?
    /// The public id: `job_` and 24 hex digits.
    var id: String
    /// The id of the token that submitted it.
    var owner: String
    var name: String?
    var state: JobState
    /// Higher runs first; equal priorities run in arrival order.
    var priority: Int
    /// The job spec as submitted (YAML).
    var spec: String
    /// The uploaded input's path in the job's folder, when the job came with one.
    var uploadedInput: String?
    var idempotencyKey: String?
    /// The predictions and quarantine files on the server (in the job's folder).
    var outputPath: String
    var quarantinePath: String
    /// SHA-256 of the spec's canonical text, the model's bytes and the input's identity.
    var contentKey: String
    /// Attempts started so far (a run the server was killed during counts).
    var attempts: Int
    var maxAttempts: Int
    /// The earliest time the job may start (a retry's backoff), seconds since 1970.
    var notBefore: Double
    var createdAt: Double
    /// When the current (or last) attempt started, and when the job first started.
    var startedAt: Double?
    var firstStartedAt: Double?
    var finishedAt: Double?
    var cancelRequested: Bool
    /// The last failure's message (of the last attempt, also while a retry waits).
    var error: String?
    /// The exit code the CLI would have ended with (0 ok, 1 failure, 2 spec, 3 budget), once final.
    var exitCode: Int?
    var rowsRead: Int
    var rowsWritten: Int
    var rowsQuarantined: Int
    var bytesRead: Int64
    var totalBytes: Int64?
    /// Seconds the last attempt ran.
    var seconds: Double

    mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }

    /// A new queued job.
    init(id: String, owner: String, name: String?, priority: Int, spec: String, uploadedInput: String?,
         outputPath: String, quarantinePath: String,
         idempotencyKey: String?, contentKey: String, maxAttempts: Int, now: Double) {
        self.outputPath = outputPath
        self.quarantinePath = quarantinePath
        self.id = id
        self.owner = owner
        self.name = name
        state = .queued
        self.priority = priority
        self.spec = spec
        self.uploadedInput = uploadedInput
        self.idempotencyKey = idempotencyKey
        self.contentKey = contentKey
        attempts = 0
        self.maxAttempts = maxAttempts
        notBefore = now
        createdAt = now
        cancelRequested = false
        rowsRead = 0
        rowsWritten = 0
        rowsQuarantined = 0
        bytesRead = 0
        seconds = 0
    }
}

/// A job's state, as the API reports it. Nothing else is ever reported: an id the queue does not
/// hold is a 404, never a made-up state.
enum JobState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case queued, running, succeeded, failed, cancelled

    var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// An API token as stored: its hash, never the token.
struct TokenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "tokens"

    var id: String
    /// SHA-256 of the token, hex.
    var hash: String
    /// Comma-separated: read, submit, admin.
    var scopes: String
    var name: String?
    var createdAt: Double
    var revokedAt: Double?

    var scopeSet: Set<TokenScope> { Set(scopes.split(separator: ",").compactMap { TokenScope(rawValue: String($0)) }) }
}

/// What a token may do. `admin` may do everything, on every token's jobs.
enum TokenScope: String, Sendable, CaseIterable, Comparable {
    case read, submit, admin

    static func < (a: TokenScope, b: TokenScope) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
