import Foundation
import Testing
import ScoreCore
@testable import ScoreModels

/// A row's prediction is the same bits whatever batch it is scored in (issue 11, item 8): BLAS
/// chose kernels by the row count, so batches of 999 and 1000 differed in the last bit.
@Suite struct BatchIndependenceTests {
    /// Seeded, so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let rows = 3000

    /// Column-major rows × features, values on the scale of standardized real data.
    static func features(_ width: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix(state: seed)
        return (0 ..< rows * width).map { _ in Double.random(in: -3 ... 3, using: &rng) * (1 + Double.random(in: 0 ... 100, using: &rng)) }
    }

    /// The rows `range` of a column-major matrix.
    static func slice(_ values: [Double], width: Int, _ range: Range<Int>, names: [String]) -> FeatureMatrix {
        var out: [Double] = []
        out.reserveCapacity(range.count * width)
        for c in 0 ..< width { out += values[c * rows + range.lowerBound ..< c * rows + range.upperBound] }
        return FeatureMatrix(rows: range.count, featureNames: names, values: out)
    }

    /// Every value and probability of every row, as bit patterns, in row order.
    static func bits(_ p: Predictions, classes: Int) -> [[UInt64]] {
        (0 ..< p.rows).map { r in
            var row: [UInt64] = []
            if !p.values.isEmpty { row.append(p.values[r].bitPattern) }
            if !p.classIndex.isEmpty { row.append(UInt64(p.classIndex[r])) }
            if !p.probabilities.isEmpty { for j in 0 ..< classes { row.append(p.probabilities[j * p.rows + r].bitPattern) } }
            return row
        }
    }

    /// Scores all rows at once and in groups of `size`, and returns the rows that differ.
    static func differingRows(_ model: any ScoringModel, width: Int, names: [String], seed: UInt64) throws -> [String] {
        let values = features(width, seed: seed)
        let classes: Int = { if case .classification(let c) = model.task { c.count } else { 0 } }()
        let whole = bits(try model.predict(slice(values, width: width, 0 ..< rows, names: names)), classes: classes)
        var rng = SplitMix(state: seed ^ 0xABCD)
        var problems: [String] = []
        for size in [1, 7, 999, 1000, 0] {
            var grouped: [[UInt64]] = []
            var start = 0
            while start < rows {
                let n = size == 0 ? Int.random(in: 1 ... 700, using: &rng) : size
                let range = start ..< min(rows, start + n)
                grouped += bits(try model.predict(slice(values, width: width, range, names: names)), classes: classes)
                start = range.upperBound
            }
            let bad = (0 ..< rows).filter { grouped[$0] != whole[$0] }
            if !bad.isEmpty { problems.append("groups of \(size == 0 ? "random size" : String(size)): \(bad.count) rows differ, first \(bad[0])") }
        }
        return problems
    }

    @Test(arguments: ZooParityTests.entries.filter { !$0.model.contains("onehot") })
    func zooModelsScoreTheSameBitsInAnyGrouping(_ entry: ZooParityTests.Entry) throws {
        let model = try ZooParityTests.load(entry)
        try #require(model.inputs.allSatisfy { $0.type.isNumeric })
        #expect(try Self.differingRows(model, width: model.inputs.count, names: model.features, seed: 7) == [])
    }

    /// Wide layers (64 → 32 → 3) and a multi-output linear model, where BLAS blocked the most.
    @Test func wideMLPAndSoftmaxScoreTheSameBitsInAnyGrouping() throws {
        var rng = SplitMix(state: 42)
        func weights(_ outputs: Int, _ inputs: Int) -> String {
            "[" + (0 ..< outputs).map { _ in "[" + (0 ..< inputs).map { _ in String(Double.random(in: -0.5 ... 0.5, using: &rng)) }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        }
        func biases(_ n: Int) -> String { "[" + (0 ..< n).map { _ in String(Double.random(in: -1 ... 1, using: &rng)) }.joined(separator: ",") + "]" }
        let names = (0 ..< 64).map { "f\($0)" }
        let featureList = "[" + names.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let mlp = try NativeModelFormat.load(bytes: Array("""
            {"format": "batchscore-model", "format_version": 1, "kind": "mlp", "features": \(featureList), "classes": [0, 1, 2],
             "layers": [{"weights": \(weights(64, 64)), "bias": \(biases(64)), "activation": "relu"},
                        {"weights": \(weights(32, 64)), "bias": \(biases(32)), "activation": "tanh"},
                        {"weights": \(weights(3, 32)), "bias": \(biases(3)), "activation": "softmax"}]}
            """.utf8), path: "mlp.json")
        #expect(try Self.differingRows(mlp, width: 64, names: names, seed: 1) == [])
        let softmax = try NativeModelFormat.load(bytes: Array("""
            {"format": "batchscore-model", "format_version": 1, "kind": "softmax_regression", "features": \(featureList),
             "classes": ["a", "b", "c", "d"], "coefficients": \(weights(4, 64)), "intercept": \(biases(4))}
            """.utf8), path: "softmax.json")
        #expect(try Self.differingRows(softmax, width: 64, names: names, seed: 2) == [])
    }
}
