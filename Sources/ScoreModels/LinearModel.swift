import ScoreCore
import ScoreLinalg

/// Linear, binary logistic and multinomial (softmax) regression over standardized features,
/// computed with one BLAS call per batch (gemv for one output, gemm for several).
public struct LinearModel: ScoringModel {
    public enum Kind: String, Sendable, CaseIterable {
        case linearRegression = "linear_regression"
        case logisticRegression = "logistic_regression"
        case softmaxRegression = "softmax_regression"
    }

    public let kind: Kind
    public let features: [String]
    public let standardize: Standardize?
    /// `outputs × features`, stored row-major as written in the file (one output's weights together).
    public let coefficients: [Double]
    public let intercept: [Double]
    public let task: ModelTask

    /// Per-feature centring and scaling, as scikit-learn's StandardScaler.
    public struct Standardize: Sendable, Equatable {
        public var mean: [Double]
        public var scale: [Double]
        public init(mean: [Double], scale: [Double]) {
            self.mean = mean
            self.scale = scale
        }
    }

    public init(kind: Kind, features: [String], standardize: Standardize?, coefficients: [[Double]],
                intercept: [Double], classes: [ClassLabel]) {
        self.kind = kind
        self.features = features
        self.standardize = standardize
        self.coefficients = coefficients.flatMap { $0 }
        self.intercept = intercept
        self.task = kind == .linearRegression ? .regression : .classification(classes: classes)
    }

    public var outputs: Int { intercept.count }

    public var summary: String {
        var s = "\(kind.rawValue.replacingOccurrences(of: "_", with: " ")), \(features.count) features"
        if case .classification(let classes) = task { s += ", classes [\(classes.map(\.description).joined(separator: ", "))]" }
        if standardize != nil { s += ", standardized" }
        return s
    }

    public func predict(_ input: consuming FeatureMatrix) throws -> Predictions {
        let n = input.rows, k = features.count
        precondition(input.columns == k, "feature matrix has \(input.columns) columns, model takes \(k)")
        guard n > 0 else { return Predictions(rows: 0) }
        // The matrix is ours (consumed), so standardizing it in place copies nothing.
        var x = (consume input).values
        if let standardize {
            x.withUnsafeMutableBufferPointer {
                VectorOps.standardize($0, rows: n, mean: standardize.mean, scale: standardize.scale)
            }
        }
        let c = outputs
        var z = [Double](repeating: 0, count: n * c)
        x.withUnsafeBufferPointer { xp in
            coefficients.withUnsafeBufferPointer { wp in
                z.withUnsafeMutableBufferPointer { zp in
                    if c == 1 {
                        BLAS.gemv(rows: n, columns: k, a: xp.baseAddress!, x: wp.baseAddress!, y: zp.baseAddress!)
                        VectorOps.addBias(zp, intercept[0])
                    } else {
                        BLAS.gemm(m: n, n: c, k: k, a: xp.baseAddress!, b: wp.baseAddress!,
                                             c: zp.baseAddress!)
                        VectorOps.addColumnBias(zp, rows: n, bias: intercept)
                    }
                }
            }
        }
        switch kind {
        case .linearRegression:
            return Predictions(rows: n, values: z)
        case .logisticRegression:
            // Probabilities as scikit-learn forms them: p1 = expit(z), p0 = 1 - p1; predict is z > 0.
            var proba = [Double](repeating: 0, count: 2 * n)
            var classIndex = [Int](repeating: 0, count: n)
            for r in 0 ..< n {
                let p1 = VectorOps.sigmoid(z[r])
                proba[r] = 1 - p1
                proba[n + r] = p1
                classIndex[r] = z[r] > 0 ? 1 : 0
            }
            return Predictions(rows: n, classIndex: classIndex, probabilities: proba)
        case .softmaxRegression:
            let classIndex = z.withUnsafeBufferPointer { VectorOps.argmaxRows($0, rows: n, classes: c) }
            z.withUnsafeMutableBufferPointer { VectorOps.softmaxRows($0, rows: n, classes: c) }
            return Predictions(rows: n, classIndex: classIndex, probabilities: z)
        }
    }
}
