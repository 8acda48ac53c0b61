import Foundation
import ScoreCore

/// XGBoost's JSON model (`Booster.save_model("m.json")`, schema in dmlc/xgboost `doc/model.schema`):
/// a `gbtree` booster with `binary:logistic`, `reg:squarederror`, `multi:softprob` or `multi:softmax`.
///
/// Evaluated as XGBoost's CPU predictor does: features and thresholds as float32, `x < threshold`
/// goes left, NaN follows `default_left`, leaf values summed in float32 starting from the base margin.
public enum XGBoostFormat {
    /// The registry entry (`model.format: xgboost`).
    public static let plugin = PluginRegistry.ModelFormat(
        spec: PluginSpec(
            kind: .model, type: "xgboost",
            summary: "XGBoost JSON model (Booster.save_model(\"m.json\")): gbtree with binary:logistic, reg:squarederror, multi:softprob",
            fields: [],
            example: "{ path: xgb.json, format: xgboost }"),
        sniff: { bytes in sniff(bytes) },
        load: { bytes, path in try load(bytes: bytes, path: path) })

    /// True for a JSON object whose head mentions `"learner"` (XGBoost's top-level key).
    public static func sniff(_ bytes: [UInt8]) -> Bool {
        guard bytes.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }).first == UInt8(ascii: "{") else { return false }
        return String(decoding: bytes.prefix(4096), as: UTF8.self).contains("\"learner\"")
    }

    /// The objectives this build reads and their link.
    static let objectives: [String: TreeEnsemble.Link] = [
        "binary:logistic": .logistic, "reg:squarederror": .identity,
        "multi:softprob": .softmax, "multi:softmax": .softmax,
    ]

    /// Parses and checks an XGBoost JSON model.
    /// - Throws: `ModelError` naming the file and the key path of what is wrong.
    public static func load(bytes: [UInt8], path: String) throws(ModelError) -> TreeEnsemble {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw ModelError(.malformed, file: path, "not valid JSON (an XGBoost model saved as .json) at \(error)")
        }
        let doc = TreeEnsembleFormat.Reader(path: path)
        let learner = try doc.member(document, "learner")
        let objective = try doc.member(learner, "objective", at: "learner")
        guard let objectiveName = objective["name"]?.stringValue else { throw doc.fail("learner.objective.name", "missing") }
        guard let link = objectives[objectiveName] else {
            throw doc.fail("learner.objective.name", "objective '\(objectiveName)' is not supported (supported: \(objectives.keys.sorted().joined(separator: ", ")))", kind: .unsupported)
        }
        let booster = try doc.member(learner, "gradient_booster", at: "learner")
        let boosterName = booster["name"]?.stringValue ?? "?"
        guard boosterName == "gbtree" else {
            throw doc.fail("learner.gradient_booster.name", "booster '\(boosterName)' is not supported (only gbtree; dart and gblinear are not)", kind: .unsupported)
        }
        let params = try doc.member(learner, "learner_model_param", at: "learner")
        let numClass = try count(params, "num_class", doc: doc, key: "learner.learner_model_param", limit: 100_000)
        let numFeature = try count(params, "num_feature", doc: doc, key: "learner.learner_model_param", limit: 10_000_000)
        if let target = params["num_target"], let t = stringOrNumber(target), t != "1" {
            throw doc.fail("learner.learner_model_param.num_target", "multi-target models (\(t) targets) are not supported", kind: .unsupported)
        }
        let outputs = link == .softmax ? numClass : 1
        guard link != .softmax || numClass >= 2 else {
            throw doc.fail("learner.learner_model_param.num_class", "\(objectiveName) needs num_class >= 2, found \(numClass)")
        }
        var base = try baseScore(params, doc: doc)
        if base.count == 1 { base = Array(repeating: base[0], count: outputs) }
        guard base.count == outputs else {
            throw doc.fail("learner.learner_model_param.base_score", "has \(base.count) values, expected \(outputs)")
        }
        if link == .logistic {
            // binary:logistic keeps base_score as a probability; the margin is its logit (ProbToMargin).
            guard base[0] > 0, base[0] < 1 else {
                throw doc.fail("learner.learner_model_param.base_score", "\(base[0]) is not a probability in (0, 1), as binary:logistic needs")
            }
            base = [Double(-logf(1 / Float(base[0]) - 1))]
        }

        if let types = learner["feature_types"]?.arrayValue, let i = types.firstIndex(where: { $0.stringValue == "c" }) {
            throw doc.fail("learner.feature_types[\(i)]", "feature \(i) is categorical; XGBoost categorical splits are not supported", kind: .unsupported)
        }
        var features: [String] = []
        if let names = learner["feature_names"]?.arrayValue, !names.isEmpty {
            guard names.count == numFeature else {
                throw doc.fail("learner.feature_names", "has \(names.count) names, num_feature is \(numFeature)")
            }
            for (i, name) in names.enumerated() {
                guard let s = name.stringValue, !s.isEmpty else { throw doc.fail("learner.feature_names[\(i)]", "expected a name") }
                guard !features.contains(s) else { throw doc.fail("learner.feature_names[\(i)]", "'\(s)' appears twice") }
                features.append(s)
            }
        } else {
            features = (0 ..< numFeature).map { "f\($0)" }
        }

        let model = try doc.member(booster, "model", at: "learner.gradient_booster")
        let modelKey = "learner.gradient_booster.model"
        guard let treeList = try doc.member(model, "trees", at: modelKey).arrayValue, !treeList.isEmpty else {
            throw doc.fail("\(modelKey).trees", "expected a non-empty list of trees")
        }
        let treeInfo = try doc.numbers(model, "tree_info", at: modelKey)
        guard treeInfo.count == treeList.count else {
            throw doc.fail("\(modelKey).tree_info", "has \(treeInfo.count) entries for \(treeList.count) trees")
        }
        var trees: [TreeEnsemble.Tree] = []
        trees.reserveCapacity(treeList.count)
        for (t, item) in treeList.enumerated() {
            trees.append(try tree(item, index: t, group: treeInfo[t], outputs: outputs, doc: doc, key: "\(modelKey).trees[\(t)]"))
        }
        let classes: [ClassLabel]? = link == .identity ? nil : (0 ..< max(outputs, 2)).map { .int(Int64($0)) }
        return try TreeEnsemble(
            file: path, origin: "XGBoost \(objectiveName)", features: features, classes: classes, comparison: .lt,
            featurePrecision: .float32, aggregation: .sum, link: link, outputs: outputs, baseScore: base,
            accumulation: .float32, valueWidth: 1, trees: trees)
    }

    static func tree(_ item: JSONValue, index t: Int, group: Double, outputs: Int, doc: TreeEnsembleFormat.Reader,
                     key: String) throws(ModelError) -> TreeEnsemble.Tree {
        guard group == group.rounded(), group >= 0, group < Double(outputs) else {
            throw doc.fail("learner.gradient_booster.model.tree_info[\(t)]", "class \(group) is out of range (\(outputs) outputs)")
        }
        if let param = item["tree_param"], let size = param["size_leaf_vector"].flatMap(stringOrNumber), size != "1", size != "0" {
            throw doc.fail("\(key).tree_param.size_leaf_vector", "vector leaves (\(size)) are not supported", kind: .unsupported)
        }
        let left = try doc.indices(doc.numbers(item, "left_children", at: key), "\(key).left_children")
        let n = left.count
        func counted(_ name: String) throws(ModelError) -> [Double] {
            let v = try doc.numbers(item, name, at: key)
            guard v.count == n else { throw doc.fail("\(key).\(name)", "has \(v.count) entries, expected \(n) (one per node, as left_children)") }
            return v
        }
        let right = try doc.indices(counted("right_children"), "\(key).right_children")
        let feature = try doc.indices(counted("split_indices"), "\(key).split_indices")
        let conditions = try counted("split_conditions")
        let defaultLeft = try doc.bools(item, "default_left", count: n, at: key)
        if item["split_type"] != nil {
            let types = try counted("split_type")
            if let i = types.indices.first(where: { types[$0] != 0 && left[$0] != -1 }) {
                throw doc.fail("\(key).split_type[\(i)]", "node \(i) is a categorical split (on feature \(feature[i])), which is not supported", kind: .unsupported)
            }
        }
        // A leaf's value is its split_condition (already scaled by the learning rate).
        var values = [Double](repeating: 0, count: n)
        for i in 0 ..< n where left[i] == -1 { values[i] = conditions[i] }
        return TreeEnsemble.Tree(name: "tree \(t) (\(key))", output: Int(group), feature: feature, threshold: conditions,
                                 left: left, right: right, defaultLeft: defaultLeft, values: values)
    }

    /// XGBoost writes its parameters as strings ("3"); accept numbers too.
    static func stringOrNumber(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        default: nil
        }
    }

    static func count(_ params: JSONValue, _ name: String, doc: TreeEnsembleFormat.Reader, key: String, limit: Int) throws(ModelError) -> Int {
        let v = try doc.member(params, name, at: key)
        guard let s = stringOrNumber(v), let n = Int(s), n >= 0, n <= limit else {
            throw doc.fail("\(key).\(name)", "expected a whole number in 0...\(limit), got \(v.kindDescription)")
        }
        return n
    }

    /// `"5E-1"`, `"[5E-1]"` (XGBoost 3), `"[1E-1,2E-1,3E-1]"` (XGBoost 3 multi-class), or a number.
    static func baseScore(_ params: JSONValue, doc: TreeEnsembleFormat.Reader) throws(ModelError) -> [Double] {
        let key = "learner.learner_model_param.base_score"
        let v = try doc.member(params, "base_score", at: "learner.learner_model_param")
        if let d = v.doubleValue { return [d] }
        guard var s = v.stringValue?.trimmingCharacters(in: .whitespaces) else { throw doc.fail(key, "expected a number, got \(v.kindDescription)") }
        if s.hasPrefix("["), s.hasSuffix("]") { s = String(s.dropFirst().dropLast()) }
        var out: [Double] = []
        for part in s.split(separator: ",", omittingEmptySubsequences: false) {
            guard let d = Double(part.trimmingCharacters(in: .whitespaces)), d.isFinite else {
                throw doc.fail(key, "'\(v.stringValue!.prefix(60))' is not a number or a bracketed list of numbers")
            }
            out.append(d)
        }
        return out
    }
}
