import Foundation
import Synchronization

/// How many threads one model call may use. With one scoring worker (this version) a large batch is
/// split across the cores; a runtime with one worker per core sets this to 1, as it does OpenBLAS's.
public enum ModelParallelism {
    private static let configured = Atomic<Int>(0)

    /// Threads per model call; 0 means one per core.
    public static var threads: Int {
        get { configured.load(ordering: .relaxed) }
        set { configured.store(max(0, newValue), ordering: .relaxed) }
    }

    /// Row ranges for one call: one per thread, each at least `minimumRowsPerPart` rows.
    static func parts(rows: Int, minimumRowsPerPart: Int) -> [Range<Int>] {
        let available = threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : threads
        let count = max(1, min(available, rows / max(1, minimumRowsPerPart)))
        let size = (rows + count - 1) / count
        return stride(from: 0, to: rows, by: size).map { $0 ..< min(rows, $0 + size) }
    }
}
