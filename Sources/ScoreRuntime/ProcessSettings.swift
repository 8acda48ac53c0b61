import ScoreLinalg

/// The settings C libraries hold per process, made once at the edge (each executable calls
/// `apply()` at start: `batchscore`, `batchscore-server`) rather than by the runtime for each job:
/// a job is a value that can run beside others.
public enum ProcessSettings {
    /// One OpenBLAS thread (its count is process-wide): the scoring workers already fill the cores,
    /// and on per-batch products (8192 rows × at most a few hundred columns) a second OpenBLAS
    /// thread mostly spins — measured on the MLP (64, 32) job, 0.65 s either way, at 110% CPU with
    /// one thread and 193% with two. (Models now score through the fixed-order kernels; BLAS is left
    /// to callers of ScoreLinalg.) And glibc's allocator tuned for batch-sized buffers.
    public static func apply() {
        BLAS.setThreads(1)
        AllocatorTuning.apply()
    }
}
