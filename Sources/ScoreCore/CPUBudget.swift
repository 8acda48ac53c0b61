import Foundation
import Synchronization

/// The cores that the jobs running in one process share. A job reserves its workers from it when it
/// starts and gives them back when it ends; a parallel loop beneath the workers (a tree ensemble
/// over a large batch, Parquet columns decoded or encoded side by side) borrows only what is free at
/// that moment and never waits for more. So jobs on C cores run at most C + (jobs − 1) workers (each
/// started job gets at least one), not every job's ask plus nested threads, and a lone one-worker job
/// still uses the second core in its loops.
///
/// One budget per process is the intent: a server makes one and hands it to every job; a program
/// running a single job can let `JobOptions` make its own. There is deliberately no shared global.
public final class CPUBudget: Sendable {
    /// The cores this budget hands out.
    public let cores: Int
    /// Cores not reserved or borrowed; below zero when jobs were granted their one guaranteed worker
    /// with nothing free.
    private let free: Mutex<Int>

    public init(cores: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.cores = max(1, cores)
        free = Mutex(self.cores)
    }

    /// Cores neither reserved nor borrowed right now.
    public var available: Int { max(0, free.withLock { $0 }) }

    /// Reserves up to `wanted` cores for a job's workers: what is free, and at least one even when
    /// nothing is (a job that started always makes progress). Give them back with `release`.
    public func reserve(upTo wanted: Int) -> Int {
        free.withLock { free in
            let granted = max(1, min(wanted, free))
            free -= granted
            return granted
        }
    }

    /// Returns cores that `reserve` or `borrow` handed out.
    public func release(_ count: Int) {
        guard count > 0 else { return }
        free.withLock { $0 += count }
    }

    /// Takes up to `extra` free cores without waiting; possibly none.
    public func borrow(upTo extra: Int) -> Int {
        guard extra > 0 else { return 0 }
        return free.withLock { free in
            let taken = max(0, min(extra, free))
            free -= taken
            return taken
        }
    }

    /// Runs `body(i)` for every `i` in `0 ..< count`: on the calling thread, plus one thread per core
    /// free at the call (never more than `count`). Iterations must be independent (each writes only
    /// what its index owns); which thread runs which index is not fixed, so nothing may depend on it.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let extra = borrow(upTo: count - 1)
        defer { release(extra) }
        guard extra > 0 else {
            for i in 0 ..< count { body(i) }
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body  // every thread calls it with indices no other thread gets
            DispatchQueue.concurrentPerform(iterations: extra + 1) { _ in
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= count { return }
                    body(i)
                }
            }
        }
    }

    /// `cores.forEach(count, body)`, or every index in order on the calling thread when there is no budget.
    public static func forEach(_ count: Int, on cores: CPUBudget?, _ body: (Int) -> Void) {
        if let cores { cores.forEach(count, body) } else { for i in 0 ..< count { body(i) } }
    }

    /// `rows` cut into at most `maxParts` contiguous ranges of at least `minimumRows` rows each
    /// (one range when the rows are few), covering every row once, in order.
    public static func parts(rows: Int, maxParts: Int, minimumRows: Int) -> [Range<Int>] {
        let count = max(1, min(maxParts, rows / max(1, minimumRows)))
        let size = (rows + count - 1) / count
        return stride(from: 0, to: rows, by: max(1, size)).map { $0 ..< min(rows, $0 + size) }
    }
}
