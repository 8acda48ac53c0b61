import Foundation
import Testing
@testable import ScoreCore
@testable import ScoreModels

/// Hand-built ensembles with exact expected outputs: comparisons, precision at boundary values,
/// missing modes, default directions, links and aggregations.
@Suite struct TreesSyntheticTests {
    /// A native `tree_ensemble` document with the given trees (JSON text of each tree's object).
    static func native(task: String = "regression", aggregation: String = "sum", link: String = "identity",
                       comparison: String = "le", precision: String = "float64", outputs: Int = 1,
                       base: [Double]? = nil, trees: [String]) -> String {
        let b = (base ?? Array(repeating: 0, count: outputs)).map { "\($0)" }.joined(separator: ",")
        return """
        {"task": "\(task)", "aggregation": "\(aggregation)", "link": "\(link)", "comparison": "\(comparison)",
         "feature_precision": "\(precision)", "n_outputs": \(outputs), "base_score": [\(b)],
         "trees": [\(trees.joined(separator: ","))]}
        """
    }

    /// A stump on feature `f`: left leaf `l`, right leaf `r`.
    static func stump(f: Int = 0, threshold: Double, l: Double, r: Double, defaultLeft: Bool = false,
                      missing: String? = nil, output: Int = 0) -> String {
        let m = missing.map { ", \"missing\": [\"\($0)\", \"nan\", \"nan\"]" } ?? ""
        return """
        {"output": \(output), "nodes": {"feature": [\(f), -1, -1], "threshold": [\(threshold), 0, 0], "left": [1, -1, -1],
         "right": [2, -1, -1], "default_left": [\(defaultLeft), false, false]\(m), "value": [0, \(l), \(r)]}}
        """
    }

    static func model(_ json: String, features: [String] = ["a", "b"], classes: [ClassLabel]? = nil) throws -> TreeEnsemble {
        try TreeEnsembleFormat.parse(JSONParser.parse(json), path: "m.json", features: features, classes: classes)
    }

    /// Predicts one column of values for feature 0 (feature 1 is 0).
    static func values(_ m: TreeEnsemble, _ xs: [Double]) throws -> [Double] {
        let x = FeatureMatrix(rows: xs.count, featureNames: m.features, values: xs + Array(repeating: 0, count: xs.count * (m.features.count - 1)))
        return try m.predict(x).values
    }

    @Test func comparisonAtTheThreshold() throws {
        let le = try Self.model(Self.native(comparison: "le", trees: [Self.stump(threshold: 0.5, l: 1, r: 2)]))
        let lt = try Self.model(Self.native(comparison: "lt", trees: [Self.stump(threshold: 0.5, l: 1, r: 2)]))
        #expect(try Self.values(le, [0.25, 0.5, 0.75]) == [1, 1, 2])
        #expect(try Self.values(lt, [0.25, 0.5, 0.75]) == [1, 2, 2])
    }

    @Test func float32AndFloat64AtBoundaryValues() throws {
        func m(_ c: String, _ p: String) throws -> TreeEnsemble {
            try Self.model(Self.native(comparison: c, precision: p, trees: [Self.stump(threshold: 0.1, l: 1, r: 2)]))
        }
        let justBelow = 0.1.nextDown  // rounds to the same float32 as 0.1
        let f32 = Double(Float(0.1))  // 0.100000001490116..., above the double 0.1
        // float64: plain double comparisons.
        #expect(try Self.values(m("le", "float64"), [0.1, justBelow, f32]) == [1, 1, 2])
        #expect(try Self.values(m("lt", "float64"), [0.1, justBelow, f32]) == [2, 1, 2])
        // float32 + le (scikit-learn): float32(x) <= threshold as a double; float32(0.1) > 0.1.
        #expect(try Self.values(m("le", "float32"), [0.1, justBelow, f32, Double(Float(0.1).nextDown)]) == [2, 2, 2, 1])
        // float32 + lt (XGBoost): float32(x) < float32(threshold); both round to the same float.
        #expect(try Self.values(m("lt", "float32"), [0.1, justBelow, f32, Double(Float(0.1).nextDown)]) == [2, 2, 2, 1])
    }

    @Test func missingModesAndDefaultDirections() throws {
        let nan = Double.nan
        func m(_ mode: String?, defaultLeft: Bool) throws -> TreeEnsemble {
            try Self.model(Self.native(trees: [Self.stump(threshold: 1.0, l: 1, r: 2, defaultLeft: defaultLeft, missing: mode)]))
        }
        // nan (the default): NaN follows default_left; 0 is an ordinary value.
        #expect(try Self.values(m(nil, defaultLeft: false), [nan, 0, 2]) == [2, 1, 2])
        #expect(try Self.values(m("nan", defaultLeft: true), [nan, 0, 2]) == [1, 1, 2])
        // zero: NaN becomes 0, and 0 (|x| <= 1e-35) goes the default way.
        #expect(try Self.values(m("zero", defaultLeft: false), [nan, 0, 1e-36, -1e-36, 0.5, 2]) == [2, 2, 2, 2, 1, 2])
        #expect(try Self.values(m("zero", defaultLeft: true), [nan, 0, 1e-34, 2]) == [1, 1, 1, 2])
        // none: NaN becomes 0 and is compared: 0 <= 1 goes left whatever default_left says.
        #expect(try Self.values(m("none", defaultLeft: false), [nan, 0, 2]) == [1, 1, 2])
        let negative = try Self.model(Self.native(trees: [Self.stump(threshold: -1.0, l: 1, r: 2, defaultLeft: true, missing: "none")]))
        #expect(try Self.values(negative, [nan, -2]) == [2, 1])
    }

    @Test func boostedSumWithUnevenDepthsAcrossBlocks() throws {
        // Tree 2: root on feature 1; its left child is a leaf, its right child splits feature 0 again.
        let deep = """
        {"nodes": {"feature": [1, -1, 0, -1, -1], "threshold": [0.5, 0, 3, 0, 0], "left": [1, -1, 3, -1, -1],
         "right": [2, -1, 4, -1, -1], "default_left": [true, false, false, false, false], "value": [0, 10, 0, 20, 30]}}
        """
        let m = try Self.model(Self.native(base: [0.5], trees: [Self.stump(threshold: 1, l: 1, r: 2), deep]))
        let n = 1000  // several evaluation blocks
        var a = [Double](), b = [Double](), expected = [Double]()
        for r in 0 ..< n {
            // NaN only in the first block: later blocks take the NaN-free loop.
            let x0 = Double(r % 5), x1 = r % 3 == 0 && r < 200 ? Double.nan : Double(r % 2)
            a.append(x0); b.append(x1)
            let t1: Double = x0 <= 1 ? 1 : 2
            let t2: Double = x1.isNaN || x1 <= 0.5 ? 10 : (x0 <= 3 ? 20 : 30)
            expected.append(0.5 + t1 + t2)
        }
        let p = try m.predict(FeatureMatrix(rows: n, featureNames: ["a", "b"], values: a + b))
        #expect(p.values == expected)
        #expect(m.treeCount == 2 && m.maxDepth == 2)
    }

    @Test func binaryLogisticWithBaseScore() throws {
        let m = try Self.model(Self.native(task: "binary", link: "logistic", base: [-0.25],
                                           trees: [Self.stump(threshold: 0, l: -1, r: 1.5)]),
                               classes: [.int(0), .int(1)])
        let p = try m.predict(FeatureMatrix(rows: 2, featureNames: ["a", "b"], values: [-1, 1, 0, 0]))
        let p1 = [1 / (1 + exp(1.25)), 1 / (1 + exp(-1.25))]
        #expect(p.probabilities == [1 - p1[0], 1 - p1[1], p1[0], p1[1]])
        #expect(p.classIndex == [0, 1])
    }

    @Test func softmaxMulticlassAddsEachTreeToItsOutput() throws {
        let trees = [Self.stump(threshold: 0, l: 1, r: 0, output: 0), Self.stump(threshold: 0, l: 0, r: 2, output: 1),
                     Self.stump(f: 1, threshold: 0, l: 0.5, r: 0, output: 2), Self.stump(threshold: 5, l: 0.25, r: 0, output: 0)]
        let m = try Self.model(Self.native(task: "multiclass", link: "softmax", outputs: 3, base: [0, 0, 0.1], trees: trees),
                               classes: [.string("x"), .string("y"), .string("z")])
        let p = try m.predict(FeatureMatrix(rows: 2, featureNames: ["a", "b"], values: [-1, 1, 0, 0]))
        for (r, z) in [[1.25, 0, 0.6], [0.25, 2, 0.6]].enumerated() {
            let e = z.map { exp($0 - z.max()!) }, s = e.reduce(0, +)
            for j in 0 ..< 3 { #expect(abs(p.probabilities[j * 2 + r] - e[j] / s) < 1e-15) }
        }
        #expect(p.classIndex == [0, 1])
    }

    @Test func forestMeanAveragesClassVectors() throws {
        func tree(_ l: [Double], _ r: [Double], threshold: Double) -> String {
            """
            {"nodes": {"feature": [0, -1, -1], "threshold": [\(threshold), 0, 0], "left": [1, -1, -1], "right": [2, -1, -1],
             "default_left": [false, false, false], "values": [[0, 0, 0], \(l), \(r)]}}
            """
        }
        let m = try Self.model(Self.native(task: "multiclass", aggregation: "mean", outputs: 3,
                                           trees: [tree([1, 0, 0], [0, 0.5, 0.5], threshold: 0), tree([0.5, 0.5, 0], [0, 0, 1], threshold: 2)]),
                               classes: [.int(0), .int(1), .int(2)])
        let p = try m.predict(FeatureMatrix(rows: 3, featureNames: ["a", "b"], values: [-1, 1, 3, 0, 0, 0]))
        #expect(p.probabilities == [0.75, 0.25, 0, 0.25, 0.5, 0.25, 0, 0.25, 0.75])
        #expect(p.classIndex == [0, 1, 2])
    }

    @Test func regressionForestMean() throws {
        let m = try Self.model(Self.native(aggregation: "mean", base: [1],
                                           trees: [Self.stump(threshold: 0, l: 1, r: 2), Self.stump(threshold: 0, l: 3, r: 5)]))
        #expect(try Self.values(m, [-1, 1]) == [3, 4.5])
    }

    @Test func acceptsMissingAndSummarizes() throws {
        let m = try Self.model(Self.native(trees: [Self.stump(threshold: 0, l: 1, r: 2)]))
        #expect(m.acceptsMissing)
        #expect(m.summary == "tree ensemble (native regression), 1 trees, max depth 1, 2 features")
    }
}
