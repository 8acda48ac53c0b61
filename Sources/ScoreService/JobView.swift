import Foundation
import ScoreRuntime

/// A job as the API shows it (`GET /v1/jobs/{id}`, lists, events): its row, with the live
/// progress of a running job laid over the row's counts.
struct JobView: Codable, Equatable {
    struct Progress: Codable, Equatable {
        var phase: String
        var rows_read: Int
        var rows_written: Int
        var rows_quarantined: Int
        var rows_per_second: Double
        var fraction_done: Double?
        var eta_seconds: Double?
    }
    struct Counts: Codable, Equatable {
        var rows_read: Int
        var rows_written: Int
        var rows_quarantined: Int
    }
    struct Timings: Codable, Equatable {
        var created_at: String
        var started_at: String?
        var finished_at: String?
        /// Seconds from submission to the first start.
        var queue_seconds: Double?
        /// Seconds the last attempt ran.
        var run_seconds: Double
    }
    struct Links: Codable, Equatable {
        var `self`: String
        var output: String
        var quarantine: String
        var summary: String
        var events: String
    }

    var id: String
    var name: String?
    var state: String
    var priority: Int
    var attempts: Int
    var max_attempts: Int
    var progress: Progress?
    var counts: Counts
    var timings: Timings
    var error: String?
    var exit_code: Int?
    var content_key: String
    var links: Links

    init(_ job: JobRecord, live: JobProgress?) {
        let iso = { (t: Double?) in t.map { JobView.timestamp($0) } }
        id = job.id
        name = job.name
        state = job.state.rawValue
        priority = job.priority
        attempts = job.attempts
        max_attempts = job.maxAttempts
        if job.state == .running, let live {
            progress = Progress(phase: live.phase.rawValue, rows_read: live.rowsRead, rows_written: live.rowsWritten,
                                rows_quarantined: live.rowsQuarantined, rows_per_second: live.rowsPerSecond.rounded(),
                                fraction_done: live.fractionDone, eta_seconds: live.etaSeconds.map { ($0 * 10).rounded() / 10 })
            counts = Counts(rows_read: live.rowsRead, rows_written: live.rowsWritten, rows_quarantined: live.rowsQuarantined)
        } else {
            progress = job.state == .running ? Progress(phase: "starting", rows_read: 0, rows_written: 0, rows_quarantined: 0,
                                                        rows_per_second: 0, fraction_done: nil, eta_seconds: nil) : nil
            counts = Counts(rows_read: job.rowsRead, rows_written: job.rowsWritten, rows_quarantined: job.rowsQuarantined)
        }
        timings = Timings(created_at: JobView.timestamp(job.createdAt), started_at: iso(job.startedAt), finished_at: iso(job.finishedAt),
                          queue_seconds: job.firstStartedAt.map { (($0 - job.createdAt) * 1000).rounded() / 1000 },
                          run_seconds: ((job.state == .running ? Date().timeIntervalSince1970 - (job.startedAt ?? job.createdAt) : job.seconds) * 1000).rounded() / 1000)
        error = job.error
        exit_code = job.exitCode
        content_key = job.contentKey
        let base = "/v1/jobs/\(job.id)"
        links = Links(self: base, output: base + "/output", quarantine: base + "/quarantine", summary: base + "/summary",
                      events: base + "/events")
    }

    /// RFC 3339 in UTC with milliseconds.
    static func timestamp(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}

/// A page of `GET /v1/jobs`: the jobs, newest first, and the cursor of the next page (absent on the last).
struct JobPage: Codable {
    var jobs: [JobView]
    var next_cursor: String?
}
