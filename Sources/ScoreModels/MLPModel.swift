import Foundation
import ScoreCore
import ScoreLinalg

/// A multi-layer perceptron (scikit-learn's MLPClassifier / MLPRegressor): one gemm per layer per
/// batch over the column-major input, in float64.
public struct MLPModel: ScoringModel {
    /// A layer's activation; the last layer's is the output transform.
    public enum Activation: String, Sendable, CaseIterable {
        case relu, tanh, logistic, identity, softmax
    }

    /// A dense layer: `weights` is outputs × inputs, row-major (one output unit's weights together),
    /// which is exactly the inputs × outputs column-major matrix gemm wants.
    public struct Layer: Sendable {
        public var inputs: Int
        public var outputs: Int
        public var weights: [Double]
        public var bias: [Double]
        public var activation: Activation
    }

    public let modelInputs: ModelInputs
    public let standardize: LinearModel.Standardize?
    public let layers: [Layer]
    public let task: ModelTask

    public init(inputs: ModelInputs, standardize: LinearModel.Standardize?, layers: [Layer], classes: [ClassLabel]?) {
        modelInputs = inputs
        self.standardize = standardize
        self.layers = layers
        task = classes.map { .classification(classes: $0) } ?? .regression
    }

    public var features: [String] { modelInputs.names }
    public var inputs: [Schema.Field] { modelInputs.fields }

    public var summary: String {
        var s = "MLP \(([modelInputs.width] + layers.map(\.outputs)).map(String.init).joined(separator: "-"))"
        s += " (\(layers.dropLast().first.map { $0.activation.rawValue } ?? "no hidden layer")), \(features.count) features"
        if case .classification(let classes) = task { s += ", classes [\(classes.map(\.description).joined(separator: ", "))]" }
        return s
    }

    public func matrix(from batch: Batch, verdicts: inout RowVerdicts) throws -> FeatureMatrix {
        try modelInputs.matrix(from: batch, verdicts: &verdicts)
    }

    public func predict(_ input: consuming FeatureMatrix) throws -> Predictions {
        let n = input.rows
        guard n > 0 else { return Predictions(rows: 0) }
        var x = (consume input).values
        if let standardize {
            x.withUnsafeMutableBufferPointer { VectorOps.standardize($0, rows: n, mean: standardize.mean, scale: standardize.scale) }
        }
        for layer in layers {
            var h = [Double](repeating: 0, count: n * layer.outputs)
            x.withUnsafeBufferPointer { xp in
                layer.weights.withUnsafeBufferPointer { wp in
                    h.withUnsafeMutableBufferPointer { hp in
                        RowStableProduct.multiply(rows: n, inner: layer.inputs, outputs: layer.outputs, x: xp.baseAddress!,
                                                  weights: wp.baseAddress!, into: hp.baseAddress!)
                        VectorOps.addColumnBias(hp, rows: n, bias: layer.bias)
                        Self.activate(hp, rows: n, units: layer.outputs, layer.activation)
                    }
                }
            }
            x = h
        }
        switch task {
        case .regression:
            return Predictions(rows: n, values: x)
        case .classification(let classes):
            if classes.count == 2 && layers.last?.outputs == 1 {
                // scikit-learn: P(class 1) is the logistic unit; predict is p > 0.5.
                var proba = [Double](repeating: 0, count: 2 * n)
                var index = [Int](repeating: 0, count: n)
                for r in 0 ..< n {
                    proba[r] = 1 - x[r]
                    proba[n + r] = x[r]
                    index[r] = x[r] > 0.5 ? 1 : 0
                }
                return Predictions(rows: n, classIndex: index, probabilities: proba)
            }
            let index = x.withUnsafeBufferPointer { VectorOps.argmaxRows($0, rows: n, classes: classes.count) }
            return Predictions(rows: n, classIndex: index, probabilities: x)
        }
    }

    static func activate(_ h: UnsafeMutableBufferPointer<Double>, rows: Int, units: Int, _ activation: Activation) {
        switch activation {
        case .identity: break
        case .relu:
            // Branch-free so it vectorises: a data-dependent branch here mispredicts half the time.
            for i in 0 ..< h.count { h[i] = Swift.max(h[i], 0) }
        case .tanh: for i in 0 ..< h.count { h[i] = Foundation.tanh(h[i]) }
        case .logistic: for i in 0 ..< h.count { h[i] = VectorOps.sigmoid(h[i]) }
        case .softmax: VectorOps.softmaxRows(h, rows: rows, classes: units)
        }
    }
}
