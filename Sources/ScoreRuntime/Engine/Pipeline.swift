import Foundation
import ScoreCore

/// The hand-offs of the parallel engine, under one lock:
///
/// ```
/// reader thread ──units (seq 0, 1, ...)──▶ workers ──scored, any order──▶ sink (in seq order)
/// ```
/// At most `capacity` units exist between the reader and the sink (queued, being scored, or
/// scored and waiting for an earlier one), so memory is bounded by `capacity × batch` whatever
/// the input size, and a slow writer throttles the reader (backpressure). Everything happens at
/// batch granularity, so one lock is far from contended.
final class Pipeline: @unchecked Sendable {
    typealias Outcome = Result<BatchScorer.Scored, any Error>

    let capacity: Int
    /// The budget the workers' cores were reserved from; a worker lends its core while it waits for a unit.
    private let cores: CPUBudget?
    private let condition = NSCondition()
    // Guarded by `condition`:
    /// At most `capacity` entries, so taking from the front is cheap.
    private var queue: [(seq: Int, unit: ReadUnit)] = []
    private var finished: [Int: Outcome] = [:]
    private var produced = 0
    private var inFlight = 0
    private var sourceDone = false
    private var cancelled = false

    init(capacity: Int, cores: CPUBudget? = nil) {
        self.capacity = max(1, capacity)
        self.cores = cores
    }

    // MARK: Reader side

    /// Waits until there is room for one more unit; false once the pipeline is cancelled.
    func waitForRoom() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while inFlight >= capacity && !cancelled { condition.wait() }
        return !cancelled
    }

    /// Queues the next unit for a worker.
    func submit(_ unit: ReadUnit) {
        condition.lock()
        queue.append((produced, unit))
        produced += 1
        inFlight += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the input with an error: the sink meets it after every unit before it.
    func fail(_ error: any Error) {
        condition.lock()
        finished[produced] = .failure(error)
        produced += 1
        inFlight += 1
        sourceDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// No more units (the end of the input, or a stop request).
    func finishSource() {
        condition.lock()
        sourceDone = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Worker side

    /// The next unit to score; nil when there will be none (or the pipeline is cancelled).
    func nextWork() -> (seq: Int, unit: ReadUnit)? {
        condition.lock()
        defer { condition.unlock() }
        if queue.isEmpty && !sourceDone && !cancelled {
            // An idle worker's core is free for the reader's and the writer's column loops until it has work
            // (Parquet -> Parquet with 2 workers on 2 cores: the reader decodes on both while they wait).
            cores?.lend()
            defer { cores?.reclaim() }
            while queue.isEmpty && !sourceDone && !cancelled { condition.wait() }
        }
        guard !cancelled, !queue.isEmpty else { return nil }
        return queue.removeFirst()
    }

    func complete(_ seq: Int, _ outcome: Outcome) {
        condition.lock()
        finished[seq] = outcome
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Sink side

    /// Unit `seq`'s outcome, waiting for it; nil after the last unit (or once cancelled).
    func take(_ seq: Int) -> Outcome? {
        condition.lock()
        defer { condition.unlock() }
        while finished[seq] == nil && !cancelled && !(sourceDone && seq >= produced) { condition.wait() }
        guard !cancelled, let outcome = finished.removeValue(forKey: seq) else { return nil }
        inFlight -= 1
        condition.broadcast()
        return outcome
    }

    /// Stops everything: the reader produces no more, workers take no more, waits return.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Threads that can be waited for.
struct ThreadGroup {
    private let group = DispatchGroup()

    /// Starts `body` on a thread of its own (8 MiB stack: Lua hooks and deep model code run there).
    func spawn(name: String, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread { [group] in
            body()
            group.leave()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    func wait() {
        group.wait()
    }
}

/// A value handed to exactly one other thread, which alone uses it from then on.
struct HandOver<T>: @unchecked Sendable {
    let value: T
}
