import ScoreCore
import ScoreLinalg

/// Linear, binary logistic and multinomial (softmax) regression over standardized features,
/// computed with `RowStableProduct` (each row's bits independent of the batch it is scored in).
public struct LinearModel: ScoringModel {
    /// Which regression; the raw value is the file's `model.type`.
    public enum Kind: String, Sendable, CaseIterable {
        /// Regression: one output, the prediction itself.
        case linearRegression = "linear_regression"
        /// Binary classification: one output through the logistic function.
        case logisticRegression = "logistic_regression"
        /// Multi-class classification: one output per class through softmax.
        case softmaxRegression = "softmax_regression"
    }

    /// Which regression the weights are for.
    public let kind: Kind
    /// Input columns and their encoding, in the order the weights take them.
    public let modelInputs: ModelInputs
    /// Applied to the features before the weights; nil when the model was trained on raw features.
    public let standardize: Standardize?
    /// `outputs × features`, stored row-major as written in the file (one output's weights together).
    public let coefficients: [Double]
    /// One bias per output.
    public let intercept: [Double]
    /// Regression for `linearRegression`, otherwise classification over the file's classes.
    public let task: ModelTask

    /// Per-feature centring and scaling, as scikit-learn's StandardScaler.
    public struct Standardize: Sendable, Equatable {
        /// Subtracted from each feature.
        public var mean: [Double]
        /// Each centred feature is divided by this (non-zero; the loader checks).
        public var scale: [Double]
        /// Creates the step; one `mean` and one `scale` per feature.
        public init(mean: [Double], scale: [Double]) {
            self.mean = mean
            self.scale = scale
        }
    }

    /// Creates a model from weights already checked by the loader.
    /// - Parameters:
    /// - coefficients: one row of weights per output, each with one weight per feature.
    /// - classes: the class labels (ignored for `linearRegression`).
    public init(kind: Kind, inputs: ModelInputs, standardize: Standardize?, coefficients: [[Double]],
                intercept: [Double], classes: [ClassLabel]) {
        self.kind = kind
        self.modelInputs = inputs
        self.standardize = standardize
        self.coefficients = coefficients.flatMap { $0 }
        self.intercept = intercept
        self.task = kind == .linearRegression ? .regression : .classification(classes: classes)
    }

    /// The number of outputs: 1, or one per class for softmax.
    public var outputs: Int { intercept.count }
    public var features: [String] { modelInputs.names }
    public var inputs: [Schema.Field] { modelInputs.fields }

    public func matrix(from batch: Batch, verdicts: inout RowVerdicts) throws -> FeatureMatrix {
        try modelInputs.matrix(from: batch, verdicts: &verdicts)
    }

    /// `logistic regression, 4 features, classes [0, 1], standardized` for logs and `validate`.
    public var summary: String {
        var s = "\(kind.rawValue.replacingOccurrences(of: "_", with: " ")), \(features.count) features"
        if case .classification(let classes) = task { s += ", classes [\(classes.map(\.description).joined(separator: ", "))]" }
        if standardize != nil { s += ", standardized" }
        return s
    }

    /// Scores every row in one product; `input` is consumed so standardizing it in place copies nothing.
    public func predict(_ input: consuming FeatureMatrix) throws -> Predictions {
        let n = input.rows, k = modelInputs.width
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
                    RowStableProduct.multiply(rows: n, inner: k, outputs: c, x: xp.baseAddress!,
                                              weights: wp.baseAddress!, into: zp.baseAddress!)
                    VectorOps.addColumnBias(zp, rows: n, bias: intercept)
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
