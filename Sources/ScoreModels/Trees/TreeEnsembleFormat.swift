import ScoreCore

/// The native format's `"kind": "tree_ensemble"` body (README, "Native model format"): the header
/// (format, version, features, classes, preprocessing) is read by `NativeModelFormat`, this reads the rest.
public enum TreeEnsembleFormat {
    /// Reads a `tree_ensemble` document.
    /// - Parameters:
    ///   - document: the whole model file, parsed.
    ///   - path: the file's path, for errors.
    ///   - features: the names of the model's input vector, in order (split features index it).
    ///   - classes: the class labels; nil for regression (`task` must then be `regression`).
    /// - Throws: `ModelError` naming the file and the key path.
    public static func parse(_ document: JSONValue, path: String, features: [String],
                             classes: [ClassLabel]?) throws(ModelError) -> TreeEnsemble {
        let doc = Reader(path: path)
        let task = try doc.string(document, "task", among: ["regression", "binary", "multiclass"])
        switch (task, classes) {
        case ("regression", nil), ("binary", .some), ("multiclass", .some): break
        case ("regression", _): throw doc.fail("classes", "a regression model has no classes")
        default: throw doc.fail("classes", "missing (a \(task) model needs its class labels)")
        }
        if let classes, task == "binary", classes.count != 2 {
            throw doc.fail("classes", "a binary model has 2 classes, found \(classes.count)")
        }
        let aggregation = try doc.enumValue(document, "aggregation", TreeEnsemble.Aggregation.self)
        let link = try doc.enumValue(document, "link", TreeEnsemble.Link.self)
        let comparison = try doc.enumValue(document, "comparison", TreeEnsemble.Comparison.self)
        let precision = try doc.enumValue(document, "feature_precision", TreeEnsemble.FeaturePrecision.self)
        let outputs = try doc.int(document, "n_outputs", range: 1 ... 100_000)
        let base = try doc.numbers(document, "base_score")
        guard base.count == outputs else {
            throw doc.fail("base_score", "has \(base.count) values, expected \(outputs) (one per output)")
        }
        guard let treeList = try doc.member(document, "trees").arrayValue, !treeList.isEmpty else {
            throw doc.fail("trees", "expected a non-empty list of trees")
        }
        var trees: [TreeEnsemble.Tree] = []
        trees.reserveCapacity(treeList.count)
        var width: Int?
        for (t, item) in treeList.enumerated() {
            let key = "trees[\(t)]"
            let output = item["output"] == nil ? 0 : try doc.int(item, "output", range: 0 ... outputs - 1, at: key)
            let nodes = try doc.member(item, "nodes", at: key)
            let nodeKey = "\(key).nodes"
            let feature = try doc.numbers(nodes, "feature", at: nodeKey)
            let n = feature.count
            func counted(_ name: String) throws(ModelError) -> [Double] {
                let v = try doc.numbers(nodes, name, at: nodeKey)
                guard v.count == n else { throw doc.fail("\(nodeKey).\(name)", "has \(v.count) entries, expected \(n) (one per node, as feature)") }
                return v
            }
            let threshold = try counted("threshold")
            let left = try doc.indices(counted("left"), "\(nodeKey).left")
            let right = try doc.indices(counted("right"), "\(nodeKey).right")
            let featureIndex = try doc.indices(feature, "\(nodeKey).feature")
            let defaultLeft = try doc.bools(nodes, "default_left", count: n, at: nodeKey)
            var missing: [TreeEnsemble.MissingMode]?
            if let list = nodes["missing"] {
                guard let items = list.arrayValue, items.count == n else {
                    throw doc.fail("\(nodeKey).missing", "expected a list of \(n) missing modes (nan, zero, none)")
                }
                var modes: [TreeEnsemble.MissingMode] = []
                for (i, m) in items.enumerated() {
                    guard let s = m.stringValue, let mode = TreeEnsemble.MissingMode(rawValue: s) else {
                        throw doc.fail("\(nodeKey).missing[\(i)]", "expected nan, zero or none, got \(m.kindDescription)")
                    }
                    modes.append(mode)
                }
                missing = modes
            }
            var values: [Double]
            let w: Int
            if let vectors = nodes["values"] {
                guard let rows = vectors.arrayValue, rows.count == n else {
                    throw doc.fail("\(nodeKey).values", "expected one list of \(outputs) values per node (\(n) nodes)")
                }
                values = []
                values.reserveCapacity(n * outputs)
                for (i, row) in rows.enumerated() {
                    guard let items = row.arrayValue, items.count == outputs else {
                        throw doc.fail("\(nodeKey).values[\(i)]", "expected a list of \(outputs) numbers (one per output)")
                    }
                    for (j, v) in items.enumerated() {
                        guard let d = v.doubleValue else { throw doc.fail("\(nodeKey).values[\(i)][\(j)]", "expected a number, got \(v.kindDescription)") }
                        values.append(d)
                    }
                }
                w = outputs
            } else {
                values = try counted("value")
                w = 1
            }
            if let width, width != w {
                throw doc.fail("\(nodeKey)", "mixes per-node vectors (\"values\") and scalars (\"value\") across trees")
            }
            width = w
            trees.append(TreeEnsemble.Tree(name: key, output: output, feature: featureIndex, threshold: threshold,
                                           left: left, right: right, defaultLeft: defaultLeft, missing: missing, values: values))
        }
        return try TreeEnsemble(
            file: path, origin: "native \(task)", features: features, classes: classes, comparison: comparison,
            featurePrecision: precision, aggregation: aggregation, link: link, outputs: outputs, baseScore: base,
            accumulation: .float64, valueWidth: width ?? 1, trees: trees)
    }

    /// Typed member access with key paths in every message.
    struct Reader {
        let path: String

        func fail(_ key: String, _ message: String, kind: ModelError.Kind = .malformed) -> ModelError {
            ModelError(kind, file: path, "\(key): \(message)")
        }

        func member(_ value: JSONValue, _ key: String, at parent: String = "") throws(ModelError) -> JSONValue {
            let full = parent.isEmpty ? key : "\(parent).\(key)"
            guard case .object = value else { throw fail(parent.isEmpty ? "top level" : parent, "expected a JSON object") }
            guard let v = value[key] else { throw fail(full, "missing") }
            return v
        }

        func string(_ value: JSONValue, _ key: String, among allowed: [String]) throws(ModelError) -> String {
            let v = try member(value, key)
            guard let s = v.stringValue else { throw fail(key, "expected a string, got \(v.kindDescription)") }
            guard allowed.contains(s) else {
                let hint = NearMiss.hint(for: s, among: allowed) ?? "expected one of: \(allowed.joined(separator: ", "))"
                throw fail(key, "unknown value '\(s)' (\(hint))")
            }
            return s
        }

        func enumValue<E: RawRepresentable & CaseIterable>(_ value: JSONValue, _ key: String, _: E.Type) throws(ModelError) -> E
        where E.RawValue == String {
            let s = try string(value, key, among: E.allCases.map(\.rawValue))
            return E(rawValue: s)!
        }

        func int(_ value: JSONValue, _ key: String, range: ClosedRange<Int>, at parent: String = "") throws(ModelError) -> Int {
            let v = try member(value, key, at: parent)
            let full = parent.isEmpty ? key : "\(parent).\(key)"
            guard case .int(let i) = v, range.contains(Int(i)) else {
                throw fail(full, "expected an integer in \(range.lowerBound)...\(range.upperBound), got \(v.kindDescription == "a number" ? String(describing: v.doubleValue!) : v.kindDescription)")
            }
            return Int(i)
        }

        func numbers(_ value: JSONValue, _ key: String, at parent: String = "") throws(ModelError) -> [Double] {
            let v = try member(value, key, at: parent)
            let full = parent.isEmpty ? key : "\(parent).\(key)"
            guard let items = v.arrayValue else { throw fail(full, "expected a list of numbers, got \(v.kindDescription)") }
            var out: [Double] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard let d = item.doubleValue else { throw fail("\(full)[\(i)]", "expected a number, got \(item.kindDescription)") }
                out.append(d)
            }
            return out
        }

        /// Whole numbers that fit an Int32 (node and feature indices; -1 marks a leaf).
        func indices(_ values: [Double], _ key: String) throws(ModelError) -> [Int] {
            var out: [Int] = []
            out.reserveCapacity(values.count)
            for (i, d) in values.enumerated() {
                guard d == d.rounded(), d >= -1, d <= Double(Int32.max) else {
                    throw fail("\(key)[\(i)]", "expected an index (a whole number >= -1), got \(d)")
                }
                out.append(Int(d))
            }
            return out
        }

        func bools(_ value: JSONValue, _ key: String, count: Int, at parent: String) throws(ModelError) -> [Bool] {
            let v = try member(value, key, at: parent)
            let full = "\(parent).\(key)"
            guard let items = v.arrayValue, items.count == count else {
                throw fail(full, "expected a list of \(count) booleans (one per node)")
            }
            var out: [Bool] = []
            out.reserveCapacity(count)
            for (i, item) in items.enumerated() {
                switch item {
                case .bool(let b): out.append(b)
                case .int(0): out.append(false)
                case .int(1): out.append(true)
                default: throw fail("\(full)[\(i)]", "expected true or false, got \(item.kindDescription)")
                }
            }
            return out
        }
    }
}
