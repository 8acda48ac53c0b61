import ScoreRuntime
import Synchronization

/// The latest progress of each running job, in memory: status reads and the event streams take
/// it without touching the database or waiting on the scheduler.
final class ProgressBoard: Sendable {
    private let latest = Mutex<[String: JobProgress]>([:])

    func set(_ id: String, _ progress: JobProgress) { latest.withLock { $0[id] = progress } }
    func get(_ id: String) -> JobProgress? { latest.withLock { $0[id] } }
    func remove(_ id: String) { latest.withLock { $0[id] = nil } }
}
