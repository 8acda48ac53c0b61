import Foundation
import Testing
@testable import ScoreCore
@testable import ScoreModels

/// Hand-written XGBoost JSON and LightGBM text models: exact predictions, and broken files refused
/// with a `ModelError` naming the file and what is wrong (never a crash).
@Suite struct TreesBrokenFileTests {
    /// A one-stump XGBoost model; `tree` replaces the tree object when given.
    static func xgboost(objective: String = "binary:logistic", base: String = "\"[5E-1]\"", numClass: String = "0",
                        tree: String? = nil, treeInfo: String = "[0]") -> String {
        let stump = tree ?? """
        {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [1, 0, 0],
         "split_conditions": [1.5E0, -4E-1, 6E-1], "default_left": [1, 0, 0], "split_type": [0, 0, 0],
         "base_weights": [0, -4E-1, 6E-1], "tree_param": {"num_nodes": "3", "size_leaf_vector": "1"}}
        """
        return """
        {"learner": {"feature_names": ["x", "y"], "learner_model_param": {"base_score": \(base), "num_class": "\(numClass)",
         "num_feature": "2", "num_target": "1"}, "objective": {"name": "\(objective)"},
         "gradient_booster": {"name": "gbtree", "model": {"trees": [\(stump)], "tree_info": \(treeInfo)}}},
         "version": [3, 2, 0]}
        """
    }

    static let lightgbm = """
    tree
    version=v4
    num_class=1
    num_tree_per_iteration=1
    label_index=0
    max_feature_idx=1
    objective=binary sigmoid:1
    feature_names=x y
    feature_infos=[0:1] [0:1]
    tree_sizes=300

    Tree=0
    num_leaves=3
    num_cat=0
    split_feature=1 0
    split_gain=1 1
    threshold=1.5 0.25
    decision_type=2 8
    left_child=1 -1
    right_child=-2 -3
    leaf_value=0.5 -0.25 0.75
    shrinkage=1


    end of trees

    parameters:
    end of parameters
    """

    static func expectError(_ text: String, loader: ([UInt8], String) throws -> TreeEnsemble, _ fragments: String...,
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            _ = try loader(Array(text.utf8), "bad.model")
            Issue.record("loaded a broken file", sourceLocation: sourceLocation)
        } catch let error as ModelError {
            #expect(error.file == "bad.model", sourceLocation: sourceLocation)
            for f in fragments { #expect(error.description.contains(f), "\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    static func xgb(_ b: [UInt8], _ p: String) throws -> TreeEnsemble { try XGBoostFormat.load(bytes: b, path: p) }
    static func lgb(_ b: [UInt8], _ p: String) throws -> TreeEnsemble { try LightGBMFormat.load(bytes: b, path: p) }

    @Test func xgboostStumpPredictsInFloat32() throws {
        let m = try XGBoostFormat.load(bytes: Array(Self.xgboost().utf8), path: "m.json")
        #expect(m.features == ["x", "y"] && m.task == .classification(classes: [.int(0), .int(1)]))
        // y < 1.5 left (-0.4), else right (0.6), NaN left (default_left). base_score 0.5 -> margin 0.
        let p = try m.predict(FeatureMatrix(rows: 4, featureNames: ["x", "y"], values: [0, 0, 0, 0, 1, 1.5, .nan, 2]))
        let left = Double(Float(-0.4)), right = Double(Float(0.6))
        let p1 = [left, right, left, right].map { 1 / (1 + exp(-$0)) }
        #expect(p.probabilities[4 ..< 8].elementsEqual(p1))
        #expect(XGBoostFormat.sniff(Array(Self.xgboost().utf8)) && !LightGBMFormat.sniff(Array(Self.xgboost().utf8)))
        // A scalar base_score ("5E-1") is read as well as XGBoost 3's bracketed one.
        _ = try XGBoostFormat.load(bytes: Array(Self.xgboost(base: "\"5E-1\"").utf8), path: "m.json")
    }

    @Test func lightgbmStumpFollowsDecisionTypes() throws {
        let m = try LightGBMFormat.load(bytes: Array(Self.lightgbm.utf8), path: "m.txt")
        #expect(LightGBMFormat.sniff(Array(Self.lightgbm.utf8)) && !XGBoostFormat.sniff(Array(Self.lightgbm.utf8)))
        // Node 0: y <= 1.5, missing type None (NaN -> 0 -> left), default_left set.
        // Node 1: x <= 0.25, missing type NaN (decision_type 8), default right: NaN -> leaf 2.
        let x: [Double] = [0, 1, .nan, 0, 5], y: [Double] = [0, 0, 0, .nan, 2]
        let p = try m.predict(FeatureMatrix(rows: 5, featureNames: ["x", "y"], values: x + y))
        let margins: [Double] = [0.5, 0.75, 0.75, 0.5, -0.25]
        #expect(p.probabilities[5 ..< 10].elementsEqual(margins.map { 1 / (1 + exp(-$0)) }))
    }

    @Test func truncatedXGBoostJSON() {
        let text = Self.xgboost()
        Self.expectError(String(text.prefix(text.count / 2)), loader: Self.xgb, "not valid JSON")
    }

    @Test func childOutOfRange() {
        let tree = """
        {"left_children": [1, -1, -1], "right_children": [7, -1, -1], "split_indices": [0, 0, 0],
         "split_conditions": [1, 2, 3], "default_left": [0, 0, 0]}
        """
        Self.expectError(Self.xgboost(tree: tree), loader: Self.xgb, "node 0's right child 7 is out of range")
        Self.expectError(Self.lightgbm.replacingFirst("right_child=-2 -3", with: "right_child=-2 -9"), loader: Self.lgb,
                         "Tree=0", "node 1's right child -9.0 is out of range")
    }

    @Test func selfCycleAndSharedNodes() {
        let cycle = """
        {"left_children": [1, 1, -1], "right_children": [2, 2, -1], "split_indices": [0, 0, 0],
         "split_conditions": [1, 2, 3], "default_left": [0, 0, 0]}
        """
        Self.expectError(Self.xgboost(tree: cycle), loader: Self.xgb, "node 1 is its own left child")
        let back = """
        {"left_children": [1, 0, -1], "right_children": [2, 2, -1], "split_indices": [0, 0, 0],
         "split_conditions": [1, 2, 3], "default_left": [0, 0, 0]}
        """
        Self.expectError(Self.xgboost(tree: back), loader: Self.xgb, "reached twice")
        Self.expectError(Self.lightgbm.replacingFirst("left_child=1 -1", with: "left_child=0 -1"), loader: Self.lgb,
                         "Tree=0", "node 0 is its own left child")
    }

    @Test func wrongArrayLengths() {
        let short = """
        {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0],
         "split_conditions": [1, 2, 3], "default_left": [0, 0, 0]}
        """
        Self.expectError(Self.xgboost(tree: short), loader: Self.xgb, "split_indices: has 2 entries, expected 3")
        Self.expectError(Self.xgboost(treeInfo: "[0, 0]"), loader: Self.xgb, "tree_info: has 2 entries for 1 trees")
        Self.expectError(Self.lightgbm.replacingFirst("threshold=1.5 0.25", with: "threshold=1.5"), loader: Self.lgb,
                         "Tree=0: threshold has 1 values, expected 2")
        Self.expectError(Self.lightgbm.replacingFirst("num_leaves=3", with: "num_leaves=99999999999"), loader: Self.lgb,
                         "num_leaves is missing or not in")
    }

    @Test func unknownObjectivesAndBoosters() {
        Self.expectError(Self.xgboost(objective: "rank:pairwise"), loader: Self.xgb,
                         "learner.objective.name: objective 'rank:pairwise' is not supported")
        Self.expectError(Self.xgboost(base: "\"[oops]\""), loader: Self.xgb, "base_score")
        Self.expectError(Self.xgboost(objective: "multi:softprob", numClass: "3", treeInfo: "[5]"), loader: Self.xgb,
                         "tree_info[0]: class 5.0 is out of range")
        Self.expectError(Self.lightgbm.replacingFirst("objective=binary sigmoid:1", with: "objective=lambdarank"),
                         loader: Self.lgb, "objective 'lambdarank' is not supported")
    }

    @Test func lightgbmCategoricalSplitRefused() {
        Self.expectError(Self.lightgbm.replacingFirst("decision_type=2 8", with: "decision_type=2 9"), loader: Self.lgb,
                         "Tree=0: node 1 is a categorical split on feature 'x'")
    }

    @Test func xgboostCategoricalSplitRefused() {
        let tree = """
        {"left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [1, 0, 0],
         "split_conditions": [1, 2, 3], "default_left": [0, 0, 0], "split_type": [1, 0, 0]}
        """
        Self.expectError(Self.xgboost(tree: tree), loader: Self.xgb, "split_type[0]: node 0 is a categorical split (on feature 1)")
    }

    @Test func lightgbmTruncated() {
        let text = Self.lightgbm
        let cut = String(text[..<text.range(of: "end of trees")!.lowerBound])
        Self.expectError(cut, loader: Self.lgb, "truncated")
        Self.expectError(String(text.prefix(40)), loader: Self.lgb, "header")
        Self.expectError("garbage", loader: Self.lgb, "not a LightGBM text model")
    }

    @Test func nativeInconsistencies() {
        func native(_ nodes: String, outputs: Int = 1) -> String {
            """
            {"task": "regression", "aggregation": "sum", "link": "identity", "comparison": "le", "feature_precision": "float64",
             "n_outputs": \(outputs), "base_score": [0], "trees": [{"nodes": \(nodes)}]}
            """
        }
        func parse(_ b: [UInt8], _ p: String) throws -> TreeEnsemble {
            try TreeEnsembleFormat.parse(JSONParser.parse(b), path: p, features: ["a"], classes: nil)
        }
        Self.expectError(native(#"{"feature": [0, -1, -1], "threshold": [0, 0, 0], "left": [1, -1, -1], "right": [2, -1, -1], "default_left": [false, false, false], "value": [0, 1]}"#),
                         loader: parse, "trees[0].nodes.value: has 2 entries, expected 3")
        Self.expectError(native(#"{"feature": [3, -1, -1], "threshold": [0, 0, 0], "left": [1, -1, -1], "right": [2, -1, -1], "default_left": [false, false, false], "value": [0, 1, 2]}"#),
                         loader: parse, "trees[0]: node 0 splits on feature 3, out of range")
        Self.expectError(native(#"{"feature": [0, -1, -1], "threshold": [0, 0, 0], "left": [1, -1, -1], "right": [2, -1, -1], "default_left": [false, false, false], "value": [0, 1, 2]}"#, outputs: 2),
                         loader: parse, "base_score: has 1 values, expected 2")
        Self.expectError(native(#"{"feature": [0, -1, -1], "threshold": [0, 0, 0], "left": [1, -1, -1], "right": [2, -1, -1], "default_left": [false, false, false], "missing": ["nan", "nan", "maybe"], "value": [0, 1, 2]}"#),
                         loader: parse, "trees[0].nodes.missing[2]")
    }
}

extension String {
    /// The text with the first occurrence of `target` replaced (which must occur).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { preconditionFailure("'\(target)' not in the fixture") }
        return replacingCharacters(in: r, with: replacement)
    }
}
