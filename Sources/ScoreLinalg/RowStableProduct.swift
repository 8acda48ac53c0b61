/// The matrix product for model layers, computed so that every row's result is the same bits
/// wherever the row sits in a batch and however large the batch is.
///
/// OpenBLAS picks kernels and blocking by the row count (the tail rows of a block go through
/// other code, with or without FMA), so the same row scored in a batch of 999 and of 1000 could
/// differ in its last bit — and output bytes must not depend on the batch size or the workers.
/// Here each output is summed in feature order, `((x0·w0 + x1·w1) + x2·w2) + …`, with a separate
/// multiply and add (Swift never fuses them into an FMA unasked), for every row alike; the loops
/// run across rows, so they vectorise without changing any row's order of operations.
public enum RowStableProduct {
    /// Rows handled together: the block's accumulators (`outputs` columns of this many rows) stay
    /// in L1/L2 while the features stream past.
    static let rowBlock = 512

    /// `out = x · W`, with `x` rows × inner column-major, `W` inner × outputs column-major (one
    /// output's weights contiguous) and `out` rows × outputs column-major.
    public static func multiply(rows n: Int, inner k: Int, outputs c: Int, x: UnsafePointer<Double>,
                                weights w: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        guard n > 0, c > 0 else { return }
        guard k > 0 else {
            out.update(repeating: 0, count: n * c)
            return
        }
        var start = 0
        while start < n {
            let count = min(rowBlock, n - start)
            for j in 0 ..< c {
                let o = out + j * n + start
                let wj = w + j * k
                let first = wj[0], x0 = x + start
                for r in 0 ..< count { o[r] = x0[r] * first }
                for f in 1 ..< max(1, k) {
                    let wf = wj[f], xf = x + f * n + start
                    for r in 0 ..< count { o[r] = o[r] + xf[r] * wf }
                }
            }
            start += count
        }
    }
}
