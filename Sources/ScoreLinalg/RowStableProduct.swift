import CKernels

/// The matrix product for model layers, computed so that every row's result is the same bits
/// wherever the row sits in a batch and however large the batch is.
///
/// OpenBLAS picks kernels and blocking by the row count (the tail rows of a block go through
/// other code, with or without FMA), so the same row scored in a batch of 999 and of 1000 could
/// differ in its last bit — and output bytes must not depend on the batch size or the workers.
/// The C kernel sums each output in feature order, `((x0·w0 + x1·w1) + x2·w2) + …`, with a
/// separate multiply and add for every row alike (vector lanes across rows, the tail rows one by
/// one with the same operations), register-blocked 8 rows × 4 outputs; AVX2 where available.
public enum RowStableProduct {
    /// `out = x · W`, with `x` rows × inner column-major, `W` inner × outputs column-major (one
    /// output's weights contiguous) and `out` rows × outputs column-major.
    public static func multiply(rows n: Int, inner k: Int, outputs c: Int, x: UnsafePointer<Double>,
                                weights w: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        precondition(n >= 0 && k >= 0 && c >= 0)
        bs_row_stable_multiply(n, k, c, x, w, out)
    }
}
