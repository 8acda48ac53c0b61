import CBLAS

/// The BLAS core: the one place that calls OpenBLAS. Matrices are column-major float64.
public enum BLAS {
    /// Sets OpenBLAS's thread count. With several workers each runs BLAS single-threaded;
    /// OpenBLAS's own threads would only fight the workers for the cores.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        // With one thread, OpenBLAS's own (started at load, spinning before they sleep) are
        // useless: stop them. A later call with more threads starts them again.
        if n <= 1 { _ = blas_thread_shutdown_() }
    }

    /// OpenBLAS's build description (`OpenBLAS 0.3.21 ... Zen MAX_THREADS=64`).
    public static var configuration: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }

    /// y = alpha · A·x + beta · y, with A an m × n column-major matrix.
    public static func gemv(rows m: Int, columns n: Int, alpha: Double = 1, a: UnsafePointer<Double>,
                            x: UnsafePointer<Double>, beta: Double = 0, y: UnsafeMutablePointer<Double>) {
        guard m > 0, n > 0 else { return }
        cblas_dgemv(CblasColMajor, CblasNoTrans, blasint(m), blasint(n), alpha, a, blasint(m), x, 1, beta, y, 1)
    }

    /// C = alpha · A·B + beta · C, with A m × k, B k × n and C m × n, all column-major.
    /// (Weights stored one output per row, row-major, are exactly such a k × n column-major B.)
    public static func gemm(m: Int, n: Int, k: Int, alpha: Double = 1, a: UnsafePointer<Double>,
                            b: UnsafePointer<Double>, beta: Double = 0, c: UnsafeMutablePointer<Double>) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(m), b, blasint(k), beta, c, blasint(m))
    }
}
