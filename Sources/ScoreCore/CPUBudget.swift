import Foundation
import Synchronization

/// The cores that the jobs running in one process share. A job reserves its workers from it when it
/// starts and gives them back when it ends; a parallel loop beneath the workers (a tree ensemble
/// over a large batch, Parquet columns decoded or encoded side by side) borrows only what is free at
/// that moment and never waits for more. So jobs on C cores run at most C + (jobs − 1) workers (each
/// started job gets at least one), not every job's ask plus nested threads, and a lone one-worker job
/// still uses the second core in its loops. A worker waiting for input lends its core while it waits
/// (`lend`/`reclaim`): a job whose reader is the bottleneck then decodes on the cores its idle workers hold.
///
/// One budget per process is the intent: a server makes one and hands it to every job; a program
/// running a single job can let `JobOptions` make its own. There is deliberately no shared global.
public final class CPUBudget: Sendable {
    /// The cores this budget hands out.
    public let cores: Int

    private struct State {
        /// Cores not reserved or borrowed; below zero when jobs were granted their one guaranteed worker
        /// with nothing free, or while a worker that came back to work has its lent core still borrowed.
        var free: Int
        /// Reserved cores lent by workers waiting for input, not borrowed: loops may take them, reservations not.
        var lent = 0
        /// Lent cores a loop holds now; when that loop gives them back they return to `lent`.
        var lentBorrowed = 0
    }
    private let state: Mutex<State>

    public init(cores: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.cores = max(1, cores)
        state = Mutex(State(free: self.cores))
    }

    /// Cores a parallel loop could borrow right now: the free ones and those lent by waiting workers.
    public var available: Int { state.withLock { max(0, $0.free) + $0.lent } }

    /// Reserves up to `wanted` cores for a job's workers: what is free, and at least one even when
    /// nothing is (a job that started always makes progress). Lent cores are never reserved: their
    /// workers take them back. Give them back with `release`.
    public func reserve(upTo wanted: Int) -> Int {
        state.withLock { s in
            let granted = max(1, min(wanted, s.free))
            s.free -= granted
            return granted
        }
    }

    /// Returns cores that `reserve` handed out.
    public func release(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.free += count }
    }

    /// Lends one reserved core while its worker waits for work, so the loops of the threads that are busy
    /// (the reader decoding Parquet columns, the writer encoding them) can borrow it. Take it back with `reclaim`.
    public func lend() { state.withLock { $0.lent += 1 } }

    /// Takes back a lent core when its worker has work again, without waiting. If a loop holds it, the
    /// core is oversubscribed until that loop gives its cores back (which then go to the free ones).
    public func reclaim() {
        state.withLock { s in
            if s.lent > 0 {
                s.lent -= 1
            } else {
                s.lentBorrowed -= 1
                s.free -= 1
            }
        }
    }

    /// Takes up to `extra` cores without waiting, free ones first, then lent ones; possibly none.
    /// Give them back with `giveBack`.
    public func borrow(upTo extra: Int) -> Int {
        guard extra > 0 else { return 0 }
        return state.withLock { s in
            let fromFree = max(0, min(extra, s.free))
            let fromLent = min(extra - fromFree, s.lent)
            s.free -= fromFree
            s.lent -= fromLent
            s.lentBorrowed += fromLent
            return fromFree + fromLent
        }
    }

    /// Returns cores that `borrow` handed out: lent ones to their waiting workers, the rest to the free ones.
    public func giveBack(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { s in
            let toLent = min(count, s.lentBorrowed)
            s.lentBorrowed -= toLent
            s.lent += toLent
            s.free += count - toLent
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
        defer { giveBack(extra) }
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
