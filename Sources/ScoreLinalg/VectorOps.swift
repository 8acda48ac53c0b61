import Foundation

/// Vectorised element-wise kernels over column-major matrices (loops the compiler auto-vectorises).
public enum VectorOps {
    /// x[:, j] = (x[:, j] - mean[j]) / scale[j] for each column j of a rows × mean.count matrix.
    public static func standardize(_ x: UnsafeMutableBufferPointer<Double>, rows: Int, mean: [Double], scale: [Double]) {
        precondition(x.count == rows * mean.count && mean.count == scale.count)
        for j in 0 ..< mean.count {
            let m = mean[j], s = scale[j]
            let base = j * rows
            // Divide, not multiply by 1/s: that is what scikit-learn computes, and parity is to 1e-9.
            for r in 0 ..< rows { x[base + r] = (x[base + r] - m) / s }
        }
    }

    /// y[i] += bias for a vector.
    public static func addBias(_ y: UnsafeMutableBufferPointer<Double>, _ bias: Double) {
        for i in 0 ..< y.count { y[i] += bias }
    }

    /// Adds bias[j] to every entry of column j of a rows × bias.count matrix.
    public static func addColumnBias(_ y: UnsafeMutableBufferPointer<Double>, rows: Int, bias: [Double]) {
        for j in 0 ..< bias.count {
            let b = bias[j], base = j * rows
            for r in 0 ..< rows { y[base + r] += b }
        }
    }

    /// The logistic function in scipy's `expit` form, 1 / (1 + e^-z): the same formula keeps
    /// `1 - p` (a tiny probability formed by cancellation) equal to scikit-learn's.
    @inline(__always)
    public static func sigmoid(_ z: Double) -> Double {
        1 / (1 + exp(-z))
    }

    /// Row-wise softmax over a rows × k column-major matrix, in place. Subtracts each row's max first.
    public static func softmaxRows(_ z: UnsafeMutableBufferPointer<Double>, rows: Int, classes k: Int) {
        precondition(z.count == rows * k)
        guard rows > 0, k > 0 else { return }
        var rowMax = [Double](repeating: -.infinity, count: rows)
        var rowSum = [Double](repeating: 0, count: rows)
        for j in 0 ..< k { let base = j * rows; for r in 0 ..< rows where z[base + r] > rowMax[r] { rowMax[r] = z[base + r] } }
        for j in 0 ..< k {
            let base = j * rows
            for r in 0 ..< rows {
                let e = exp(z[base + r] - rowMax[r])
                z[base + r] = e
                rowSum[r] += e
            }
        }
        for j in 0 ..< k { let base = j * rows; for r in 0 ..< rows { z[base + r] /= rowSum[r] } }
    }

    /// The first column index holding each row's maximum, for a rows × k column-major matrix.
    public static func argmaxRows(_ z: UnsafeBufferPointer<Double>, rows: Int, classes k: Int) -> [Int] {
        var best = [Int](repeating: 0, count: rows)
        var bestValue = [Double](repeating: -.infinity, count: rows)
        for j in 0 ..< k {
            let base = j * rows
            for r in 0 ..< rows where z[base + r] > bestValue[r] {
                bestValue[r] = z[base + r]
                best[r] = j
            }
        }
        return best
    }
}
