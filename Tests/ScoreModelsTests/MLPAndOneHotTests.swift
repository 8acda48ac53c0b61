import Foundation
import Testing
@testable import ScoreCore
@testable import ScoreModels

/// MLPs and one-hot inputs, checked against arithmetic done by hand.
@Suite struct MLPAndOneHotTests {
    func load(_ text: String) throws(ModelError) -> any ScoringModel {
        try NativeModelFormat.load(bytes: Array(text.utf8), path: "m.json")
    }

    static let binaryMLP = """
        {"format": "batchscore-model", "format_version": 1, "kind": "mlp", "features": ["a", "b"], "classes": ["no", "yes"],
         "layers": [
           {"weights": [[1, -1], [0.5, 0.5]], "bias": [0, -1], "activation": "relu"},
           {"weights": [[2, -3]], "bias": [0.25], "activation": "logistic"}]}
        """

    @Test func binaryMLPMatchesHandArithmetic() throws {
        let model = try load(Self.binaryMLP)
        let x = FeatureMatrix(rows: 2, featureNames: ["a", "b"], values: [3, -1, 1, 2])  // rows (3, 1), (-1, 2)
        let p = try model.predict(x)
        // Row 0: h = relu([3-1, 1.5+0.5-1]) = [2, 1]; z = 4 - 3 + 0.25 = 1.25.
        // Row 1: h = relu([-3, 0.5-1]) = [0, 0]; z = 0.25.
        for (r, z) in [1.25, 0.25].enumerated() {
            let p1 = 1 / (1 + exp(-z))
            #expect(abs(p.probabilities[2 + r] - p1) < 1e-15)
            #expect(abs(p.probabilities[r] - (1 - p1)) < 1e-15)
        }
        #expect(p.classIndex == [1, 1])
        #expect(model.summary.hasPrefix("MLP 2-2-1 (relu)"))
    }

    @Test func softmaxAndRegressionHeads() throws {
        let softmax = try load("""
            {"format": "batchscore-model", "format_version": 1, "kind": "mlp", "features": ["a"], "classes": [0, 1, 2],
             "layers": [{"weights": [[1], [0], [-1]], "bias": [0, 0, 0], "activation": "softmax"}]}
            """)
        let p = try softmax.predict(FeatureMatrix(rows: 1, featureNames: ["a"], values: [2]))
        let e = [exp(2.0 - 2), exp(0.0 - 2), exp(-2.0 - 2)], s = e.reduce(0, +)
        for j in 0 ..< 3 { #expect(abs(p.probabilities[j] - e[j] / s) < 1e-15) }
        #expect(p.classIndex == [0])
        let regression = try load("""
            {"format": "batchscore-model", "format_version": 1, "kind": "mlp", "features": ["a"],
             "layers": [{"weights": [[2]], "bias": [1], "activation": "tanh"}, {"weights": [[3]], "bias": [-1], "activation": "identity"}]}
            """)
        let r = try regression.predict(FeatureMatrix(rows: 1, featureNames: ["a"], values: [0.5]))
        #expect(abs(r.values[0] - (3 * tanh(2.0) - 1)) < 1e-15)
    }

    @Test(arguments: [
        (#""layers": []"#, "layers: expected a non-empty list"),
        (#""layers": [{"weights": [[1, 2, 3]], "bias": [0], "activation": "logistic"}]"#, "layers[0].weights[0]: has 3 values, expected 2"),
        (#""layers": [{"weights": [[1, 2]], "bias": [0, 1], "activation": "logistic"}]"#, "layers[0].bias: has 2 values, expected 1"),
        (#""layers": [{"weights": [[1, 2]], "bias": [0], "activation": "swish"}]"#, "unknown activation 'swish'"),
        (#""layers": [{"weights": [[1, 2]], "bias": [0], "activation": "relu"}]"#, "ends in one logistic unit"),
    ])
    func brokenMLPsAreRefused(layers: String, message: String) {
        let text = """
            {"format": "batchscore-model", "format_version": 1, "kind": "mlp", "features": ["a", "b"], "classes": [0, 1], \(layers)}
            """
        do {
            _ = try load(text)
            Issue.record("loaded a broken MLP")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func oneHotExpandsInPlaceAndRejectsUnknownCategories() throws {
        let model = try load("""
            {"format": "batchscore-model", "format_version": 1, "kind": "linear_regression", "features": ["a", "region", "b"],
             "preprocessing": [{"type": "one_hot", "column": "region", "categories": ["east", "north"], "handle_unknown": "error"},
                               {"type": "standardize", "mean": [1, 0, 0, 0], "scale": [2, 1, 1, 1]}],
             "coefficients": [[1, 10, 100, 1000]], "intercept": [0.5]}
            """)
        #expect(model.inputs.map(\.type) == [.float64, .string, .float64])
        var origins = RowOrigins()
        for i in 0 ..< 3 { origins.append(line: i + 2, record: "r\(i)") }
        let batch = Batch(columns: [
            Column(name: "a", data: .float64([3, 1, 5])),
            Column(name: "region", data: .string(StringColumn(["north", "mars", "east"]))),
            Column(name: "b", data: .float64([2, 2, 1])),
        ], origins: origins)
        var verdicts = RowVerdicts(rowCount: 3)
        let x = try model.matrix(from: batch, verdicts: &verdicts)
        #expect(verdicts.verdicts.map(\.rule) == ["unknown_category"])
        #expect(verdicts.verdicts.first?.reason.contains("region='mars'") == true)
        let kept = x.gather(verdicts.keptRows())
        let p = try model.predict(kept)
        // Row 0: (3-1)/2 + 100·1 + 1000·2 + 0.5; row 2: (5-1)/2 + 10·1 + 1000·1 + 0.5.
        #expect(p.values == [2101.5, 1012.5])
    }
}
