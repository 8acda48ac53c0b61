import Synchronization

/// Rows per batch: fixed when the job gives a number, adaptive for `batch_rows: auto`.
///
/// `auto` starts at 1024 rows (a wide row can be kilobytes, and the first batches are cut before
/// anything is measured) and, from what finished batches cost (worker seconds and in-memory
/// bytes per row, smoothed), aims at about 5 ms of work per batch — long enough that per-batch
/// overheads (a Lua call, a BLAS call, a write, a lock) vanish, short enough that the batches in
/// flight stay in cache and keep every worker busy — while in-flight batches stay under 32 MiB
/// together. Sizes are powers of two between 256 and 65,536, so a steady job settles instead of
/// drifting. (Measured on the 1M-row CSV job: 8192 rows 0.21 s, 32768 0.22 s but 100 MB of RSS.)
/// Output bytes never depend on the size: the writer appends rows in input order whatever the cut.
final class BatchSizer: Sendable {
    static let initialRows = 1024
    static let rowRange = 256 ... 65536
    static let targetSeconds = 0.005
    static let memoryBudget = 32 << 20

    let isAdaptive: Bool
    private let inFlight: Int
    private let current: Atomic<Int>
    private let estimate = Mutex<(secondsPerRow: Double, bytesPerRow: Double, samples: Int)>((0, 0, 0))

    /// `fixed` nil means `auto`; `inFlight` is how many batches may be in memory at once.
    init(fixed: Int?, inFlight: Int) {
        isAdaptive = fixed == nil
        self.inFlight = max(1, inFlight)
        current = Atomic(fixed ?? Self.initialRows)
    }

    /// The size of the next batch.
    var rows: Int { current.load(ordering: .relaxed) }

    /// Records what one finished batch cost.
    func observe(rows: Int, seconds: Double, bytes: Int) {
        guard isAdaptive, rows > 0 else { return }
        let next: Int = estimate.withLock { e in
            let s = seconds / Double(rows), b = Double(bytes) / Double(rows)
            // The first batches pay for warm-up (page faults, Lua JIT-less first calls): weigh
            // them like any other, but move quickly while few samples exist.
            let weight = e.samples < 4 ? 0.5 : 0.2
            e.secondsPerRow = e.samples == 0 ? s : e.secondsPerRow + weight * (s - e.secondsPerRow)
            e.bytesPerRow = e.samples == 0 ? b : e.bytesPerRow + weight * (b - e.bytesPerRow)
            e.samples += 1
            return Self.size(secondsPerRow: e.secondsPerRow, bytesPerRow: e.bytesPerRow, inFlight: inFlight)
        }
        current.store(next, ordering: .relaxed)
    }

    /// The power of two nearest the time target, never over the memory budget (but at least the
    /// range's floor).
    static func size(secondsPerRow: Double, bytesPerRow: Double, inFlight: Int) -> Int {
        let cap = bytesPerRow > 0 ? Double(memoryBudget) / (Double(inFlight) * bytesPerRow) : Double(rowRange.upperBound)
        let target = secondsPerRow > 0 ? targetSeconds / secondsPerRow : Double(rowRange.upperBound)
        let rows = min(max(min(target, cap), Double(rowRange.lowerBound)), Double(rowRange.upperBound))
        var power = rowRange.lowerBound
        while power * 2 <= Int(rows) { power *= 2 }
        // Round up to the nearer power (in log terms) only when that stays within the cap.
        let up = power * 2
        return rows >= Double(power) * 1.5 && up <= rowRange.upperBound && Double(up) <= cap ? up : power
    }
}
