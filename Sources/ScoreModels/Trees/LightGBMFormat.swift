import ScoreCore

/// LightGBM's text model (`Booster.save_model("m.txt")`; microsoft/LightGBM `src/io/tree.cpp`,
/// `gbdt_model_text.cpp`): binary, regression and multiclass objectives, numerical splits.
///
/// Evaluated as LightGBM's `Tree::NumericalDecision`: doubles, `x <= threshold` goes left, and the
/// node's missing type (decision_type bits 2-3) decides what is missing: None (NaN read as 0), Zero
/// (NaN and |x| <= 1e-35 go the default way), NaN (NaN goes the default way). Leaf values already
/// include the shrinkage; `average_output` (random forest mode) divides by the iterations.
public enum LightGBMFormat {
    /// The registry entry (`model.format: lightgbm`).
    public static let plugin = PluginRegistry.ModelFormat(
        spec: PluginSpec(
            kind: .model, type: "lightgbm",
            summary: "LightGBM text model (Booster.save_model(\"m.txt\")): binary, regression, multiclass; numerical splits",
            fields: [],
            example: "{ path: lgbm.txt, format: lightgbm }"),
        sniff: { bytes in sniff(bytes) },
        load: { bytes, path in try load(bytes: bytes, path: path) })

    /// True when the file starts with LightGBM's `tree` line or a `version=v` line.
    public static func sniff(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(64), as: UTF8.self)
        return head.hasPrefix("tree\n") || head.hasPrefix("tree\r\n") || head.hasPrefix("version=v")
    }

    /// The most leaves a tree may declare (LightGBM's own limit is 131072).
    static let maxLeaves = 1 << 20

    /// Parses and checks a LightGBM text model.
    /// - Throws: `ModelError` naming the file, the line or tree, and what is wrong.
    public static func load(bytes: [UInt8], path: String) throws(ModelError) -> TreeEnsemble {
        func fail(_ message: String, kind: ModelError.Kind = .malformed) -> ModelError { ModelError(kind, file: path, message) }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard let first = lines.first, first == "tree" || first.hasPrefix("version=") else {
            throw fail("not a LightGBM text model (it starts with 'tree' or 'version=v')")
        }
        // Header: key=value lines up to the first Tree= block.
        var header: [Substring: Substring] = [:]
        var averageOutput = false
        var i = 0
        while i < lines.count, !lines[i].hasPrefix("Tree=") {
            let line = lines[i]
            if line == "average_output" { averageOutput = true }
            if line == "end of trees" { break }
            if let eq = line.firstIndex(of: "=") { header[line[..<eq]] = line[line.index(after: eq)...] }
            i += 1
        }
        func headerInt(_ key: Substring, limit: Int) throws(ModelError) -> Int {
            guard let s = header[key] else { throw fail("header: \(key)= is missing") }
            guard let v = Int(s), v >= 0, v <= limit else { throw fail("header: \(key)=\(s.prefix(40)) is not a whole number in 0...\(limit)") }
            return v
        }
        let numClass = try headerInt("num_class", limit: 100_000)
        let perIteration = try headerInt("num_tree_per_iteration", limit: 100_000)
        let maxFeature = try headerInt("max_feature_idx", limit: 10_000_000)
        guard let objectiveLine = header["objective"] else { throw fail("header: objective= is missing") }
        let objectiveWords = objectiveLine.split(separator: " ")
        let objective = objectiveWords.first.map(String.init) ?? ""
        var options: [Substring: Substring] = [:]
        for word in objectiveWords.dropFirst() {
            if let c = word.firstIndex(of: ":") { options[word[..<c]] = word[word.index(after: c)...] } else { options[word] = "" }
        }
        let regression: Set<String> = ["regression", "regression_l1", "huber", "fair", "quantile", "mape"]
        var link: TreeEnsemble.Link
        var scale = 1.0
        switch objective {
        case "binary":
            link = .logistic
            if let s = options["sigmoid"] {
                guard let v = Double(s), v > 0, v.isFinite else { throw fail("header: objective=\(objectiveLine): sigmoid:\(s) is not a positive number") }
                scale = v
            }
        case "multiclass":
            link = .softmax
        case _ where regression.contains(objective):
            guard options["sqrt"] == nil else { throw fail("header: objective=\(objectiveLine): reg_sqrt models are not supported", kind: .unsupported) }
            link = .identity
        default:
            throw fail("header: objective '\(objectiveLine)' is not supported (supported: binary, multiclass, \(regression.sorted().joined(separator: ", ")))", kind: .unsupported)
        }
        let outputs = link == .softmax ? numClass : 1
        guard link != .softmax || numClass >= 2 else { throw fail("header: multiclass needs num_class >= 2, found \(numClass)") }
        guard perIteration == outputs else {
            throw fail("header: num_tree_per_iteration=\(perIteration), expected \(outputs) for objective \(objective)")
        }
        var features: [String]
        if let names = header["feature_names"] {
            features = names.split(separator: " ").map(String.init)
            guard features.count == maxFeature + 1 else {
                throw fail("header: feature_names has \(features.count) names, max_feature_idx=\(maxFeature) says \(maxFeature + 1)")
            }
            guard Set(features).count == features.count else { throw fail("header: feature_names has duplicates") }
        } else {
            features = (0 ... maxFeature).map { "Column_\($0)" }
        }

        var trees: [TreeEnsemble.Tree] = []
        var sawEnd = false
        while i < lines.count {
            let line = lines[i]
            if line == "end of trees" { sawEnd = true; break }
            guard line.hasPrefix("Tree=") else { i += 1; continue }
            let name = String(line)
            guard Int(line.dropFirst(5)) == trees.count else {
                throw fail("line \(i + 1): '\(line.prefix(40))', expected Tree=\(trees.count)")
            }
            var block: [Substring: Substring] = [:]
            i += 1
            while i < lines.count, !lines[i].isEmpty, !lines[i].hasPrefix("Tree="), lines[i] != "end of trees" {
                if let eq = lines[i].firstIndex(of: "=") { block[lines[i][..<eq]] = lines[i][lines[i].index(after: eq)...] }
                i += 1
            }
            trees.append(try tree(block, name: name, index: trees.count, outputs: outputs, scale: scale,
                                  features: features, path: path))
        }
        guard sawEnd else { throw fail("truncated: no 'end of trees' line after \(trees.count) trees") }
        guard !trees.isEmpty else { throw fail("the model has no trees") }
        guard trees.count % perIteration == 0 else {
            throw fail("\(trees.count) trees is not a whole number of iterations of \(perIteration) trees")
        }
        if let sizes = header["tree_sizes"], sizes.split(separator: " ").count != trees.count {
            throw fail("header: tree_sizes lists \(sizes.split(separator: " ").count) trees, the file has \(trees.count)")
        }
        let classes: [ClassLabel]? = link == .identity ? nil : (0 ..< max(outputs, 2)).map { .int(Int64($0)) }
        return try TreeEnsemble(
            file: path, origin: "LightGBM \(objective)", features: features, classes: classes, comparison: .le,
            featurePrecision: .float64, aggregation: averageOutput ? .mean : .sum, link: link, outputs: outputs,
            baseScore: Array(repeating: 0, count: outputs), accumulation: .float64, valueWidth: 1, trees: trees)
    }

    /// One `Tree=` block. LightGBM numbers internal nodes 0..<num_leaves-1 and leaves separately (a
    /// negative child `c` is leaf `~c`); here leaves follow the internal nodes.
    static func tree(_ block: [Substring: Substring], name: String, index: Int, outputs: Int, scale: Double,
                     features: [String], path: String) throws(ModelError) -> TreeEnsemble.Tree {
        func fail(_ message: String, kind: ModelError.Kind = .malformed) -> ModelError {
            ModelError(kind, file: path, "\(name): \(message)")
        }
        guard let leavesText = block["num_leaves"], let leaves = Int(leavesText), leaves >= 1, leaves <= maxLeaves else {
            throw fail("num_leaves is missing or not in 1...\(maxLeaves)")
        }
        if let linear = block["is_linear"], linear != "0" { throw fail("linear trees (is_linear=1) are not supported", kind: .unsupported) }
        func numbers(_ key: Substring, _ count: Int) throws(ModelError) -> [Double] {
            guard let text = block[key] else {
                if count == 0 { return [] }
                throw fail("\(key)= is missing")
            }
            let parts = text.split(separator: " ")
            guard parts.count == count else { throw fail("\(key) has \(parts.count) values, expected \(count) (num_leaves=\(leaves))") }
            var out: [Double] = []
            out.reserveCapacity(count)
            for (j, p) in parts.enumerated() {
                guard let d = Double(p), !d.isNaN else { throw fail("\(key)[\(j)] '\(p.prefix(30))' is not a number") }
                out.append(d)
            }
            return out
        }
        let innerCount = leaves - 1
        let leafValue = try numbers("leaf_value", leaves)
        let splitFeature = try numbers("split_feature", innerCount)
        let threshold = try numbers("threshold", innerCount)
        let decisionType = try numbers("decision_type", innerCount)
        let leftChild = try numbers("left_child", innerCount)
        let rightChild = try numbers("right_child", innerCount)
        let n = innerCount + leaves
        var feature = [Int](repeating: 0, count: n), thresholds = [Double](repeating: 0, count: n)
        var left = [Int](repeating: -1, count: n), right = [Int](repeating: -1, count: n)
        var defaultLeft = [Bool](repeating: false, count: n)
        var missing = [TreeEnsemble.MissingMode](repeating: .nan, count: n)
        var values = [Double](repeating: 0, count: n)
        func child(_ c: Double, _ node: Int, _ side: String) throws(ModelError) -> Int {
            guard c == c.rounded(), c >= -Double(leaves), c < Double(innerCount) else {
                throw fail("node \(node)'s \(side) child \(c) is out of range (\(innerCount) innerCount nodes, \(leaves) leaves)")
            }
            let k = Int(c)
            return k >= 0 ? k : innerCount + ~k
        }
        for j in 0 ..< innerCount {
            guard splitFeature[j] == splitFeature[j].rounded(), splitFeature[j] >= 0, splitFeature[j] < Double(features.count) else {
                throw fail("node \(j) splits on feature \(splitFeature[j]), out of range (\(features.count) features)")
            }
            let f = Int(splitFeature[j])
            guard decisionType[j] == decisionType[j].rounded(), decisionType[j] >= 0, decisionType[j] < 256 else {
                throw fail("node \(j): decision_type \(decisionType[j]) is not a byte")
            }
            let dt = Int(decisionType[j])
            if dt & 1 != 0 {
                throw fail("node \(j) is a categorical split on feature '\(features[f])'; LightGBM categorical splits are not supported (train with the feature numeric, or one-hot encode it)", kind: .unsupported)
            }
            feature[j] = f
            thresholds[j] = threshold[j]
            defaultLeft[j] = dt & 2 != 0
            switch (dt >> 2) & 3 {
            case 0: missing[j] = .none
            case 1: missing[j] = .zero
            case 2: missing[j] = .nan
            default: throw fail("node \(j): decision_type \(dt) has an unknown missing type")
            }
            left[j] = try child(leftChild[j], j, "left")
            right[j] = try child(rightChild[j], j, "right")
        }
        for l in 0 ..< leaves { values[innerCount + l] = leafValue[l] * scale }
        return TreeEnsemble.Tree(name: name, output: index % outputs, feature: feature, threshold: thresholds,
                                 left: left, right: right, defaultLeft: defaultLeft, missing: missing, values: values)
    }
}
