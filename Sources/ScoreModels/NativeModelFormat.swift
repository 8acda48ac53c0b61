import ScoreCore

/// BatchScore's own model file: a JSON document with `"format": "batchscore-model"`.
/// Documented in README ("Native model format"); `tools/export_sklearn.py` writes it.
public enum NativeModelFormat {
    /// The `format` value that marks a native model file (also what `sniff` looks for).
    public static let formatName = "batchscore-model"
    /// The `format_version`s this build reads; a newer file is refused rather than misread.
    public static let supportedVersions = 1 ... 1

    /// The registry entry (`model.format: native`).
    public static let plugin = PluginRegistry.ModelFormat(
        spec: PluginSpec(
            kind: .model, type: "native",
            summary: "BatchScore's JSON model format: one-hot + standardize, linear / logistic / softmax regression, MLPs, tree ensembles",
            fields: [],
            example: "{ path: model.json, format: native }"),
        sniff: { bytes in
            // A cheap look at the head of the file; the loader does the real check.
            String(decoding: bytes.prefix(4096), as: UTF8.self).contains("\"\(formatName)\"")
        },
        load: { bytes, path in try load(bytes: bytes, path: path) })

    /// Parses and checks a native model file; every problem names the file and the key.
    public static func load(bytes: [UInt8], path: String) throws(ModelError) -> any ScoringModel {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw ModelError(.malformed, file: path, "not valid JSON at \(error)")
        }
        return try ModelDocument(path: path, value: document, keyPath: "").model()
    }
}

/// A JSON object of the model file with its key path, so every problem says where it is.
struct ModelDocument {
    let path: String
    let value: JSONValue
    let keyPath: String

    func fail(_ key: String, _ message: String, kind: ModelError.Kind = .malformed) -> ModelError {
        ModelError(kind, file: path, "\(keyPath.isEmpty ? key : "\(keyPath).\(key)"): \(message)")
    }

    func member(_ key: String) throws(ModelError) -> JSONValue {
        guard case .object = value else { throw ModelError(.malformed, file: path, "\(keyPath.isEmpty ? "top level" : keyPath): expected a JSON object") }
        guard let v = value[key] else { throw fail(key, "missing") }
        return v
    }

    func string(_ key: String) throws(ModelError) -> String {
        let v = try member(key)
        guard let s = v.stringValue else { throw fail(key, "expected a string, got \(v.kindDescription)") }
        return s
    }

    func numbers(_ v: JSONValue, _ key: String, count: Int?) throws(ModelError) -> [Double] {
        guard let items = v.arrayValue else { throw fail(key, "expected a list of numbers, got \(v.kindDescription)") }
        var out: [Double] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let d = item.doubleValue else { throw fail("\(key)[\(i)]", "expected a number, got \(item.kindDescription)") }
            out.append(d)
        }
        if let count, out.count != count { throw fail(key, "has \(out.count) values, expected \(count) (one per feature)") }
        return out
    }

    /// The kinds this build reads.
    static let kinds = LinearModel.Kind.allCases.map(\.rawValue) + ["mlp", "tree_ensemble"]

    /// Checks the header (format, version), reads the inputs and preprocessing, then the kind's body.
    func model() throws(ModelError) -> any ScoringModel {
        let format = try string("format")
        guard format == NativeModelFormat.formatName else {
            throw fail("format", "is '\(format)', expected '\(NativeModelFormat.formatName)'")
        }
        let version = try member("format_version")
        guard case .int(let v) = version, NativeModelFormat.supportedVersions.contains(Int(v)) else {
            throw fail("format_version", "\(version.kindDescription == "a number" ? "version \(version.doubleValue!)" : version.kindDescription) is not supported (this build reads version 1; a newer file needs a newer batchscore)",
                       kind: version.doubleValue == nil ? .malformed : .unsupported)
        }
        let kindName = try string("kind")
        guard Self.kinds.contains(kindName) else {
            let hint = NearMiss.hint(for: kindName, among: Self.kinds) ?? "known kinds: \(Self.kinds.joined(separator: ", "))"
            throw fail("kind", "unknown model kind '\(kindName)' (\(hint))")
        }
        let features = try featureNames()
        let (inputs, standardize) = try preprocessing(features)
        if let kind = LinearModel.Kind(rawValue: kindName) {
            return try linearModel(kind, inputs: inputs, standardize: standardize)
        }
        if kindName == "mlp" { return try mlp(inputs: inputs, standardize: standardize) }
        return try treeEnsemble(inputs: inputs, standardize: standardize)
    }

    func featureNames() throws(ModelError) -> [String] {
        guard let featureList = try member("features").arrayValue, !featureList.isEmpty else {
            throw fail("features", "expected a non-empty list of column names")
        }
        var features: [String] = []
        for (i, f) in featureList.enumerated() {
            guard let name = f.stringValue, !name.isEmpty else { throw fail("features[\(i)]", "expected a column name") }
            guard !features.contains(name) else { throw fail("features[\(i)]", "'\(name)' appears twice") }
            features.append(name)
        }
        return features
    }

    /// `one_hot` steps (each on a named string input), then at most one `standardize` over the
    /// expanded vector, last.
    func preprocessing(_ features: [String]) throws(ModelError) -> (ModelInputs, LinearModel.Standardize?) {
        var oneHot: [String: ModelInputs.OneHot] = [:]
        var standardize: LinearModel.Standardize?
        guard let steps = value["preprocessing"] else { return (ModelInputs(names: features), nil) }
        guard let list = steps.arrayValue else { throw fail("preprocessing", "expected a list of steps") }
        for (i, step) in list.enumerated() {
            let sub = ModelDocument(path: path, value: step, keyPath: "preprocessing[\(i)]")
            let type = try sub.string("type")
            guard standardize == nil else { throw sub.fail("type", "standardize must be the last preprocessing step") }
            switch type {
            case "one_hot":
                let column = try sub.string("column")
                guard features.contains(column) else { throw sub.fail("column", "'\(column)' is not one of the model's features") }
                guard oneHot[column] == nil else { throw sub.fail("column", "'\(column)' is one-hot encoded twice") }
                guard let items = try sub.member("categories").arrayValue, !items.isEmpty else {
                    throw sub.fail("categories", "expected a non-empty list of category strings")
                }
                var categories: [String] = []
                var seen = Set<String>()
                for (j, item) in items.enumerated() {
                    guard let c = item.stringValue else { throw sub.fail("categories[\(j)]", "expected a string, got \(item.kindDescription)") }
                    guard seen.insert(c).inserted else { throw sub.fail("categories[\(j)]", "'\(c)' appears twice") }
                    categories.append(c)
                }
                let unknown = sub.value["handle_unknown"]?.stringValue ?? "error"
                guard unknown == "error" || unknown == "ignore" else {
                    throw sub.fail("handle_unknown", "is '\(unknown)', expected 'error' or 'ignore'")
                }
                oneHot[column] = .init(categories: categories, ignoreUnknown: unknown == "ignore")
            case "standardize":
                let width = ModelInputs(names: features, oneHot: oneHot).width
                let mean = try sub.numbers(sub.member("mean"), "mean", count: width)
                let scale = try sub.numbers(sub.member("scale"), "scale", count: width)
                if let zero = scale.firstIndex(where: { $0 == 0 || !$0.isFinite }) {
                    throw sub.fail("scale[\(zero)]", "must be a finite non-zero number (scikit-learn scales a constant feature by 1)")
                }
                standardize = .init(mean: mean, scale: scale)
            default:
                throw sub.fail("type", "unsupported preprocessing step '\(type)' (supported: one_hot, standardize)", kind: .unsupported)
            }
        }
        return (ModelInputs(names: features, oneHot: oneHot), standardize)
    }

    func classes() throws(ModelError) -> [ClassLabel] {
        guard let list = try member("classes").arrayValue else { throw fail("classes", "expected a list of class labels") }
        var classes: [ClassLabel] = []
        for (i, c) in list.enumerated() {
            switch c {
            case .string(let s): classes.append(.string(s))
            case .int(let n): classes.append(.int(n))
            case .double(let d) where Int64(exactly: d) != nil: classes.append(.int(Int64(d)))
            default: throw fail("classes[\(i)]", "expected an integer or a string, got \(c.kindDescription)")
            }
        }
        guard Set(classes.map(\.description)).count == classes.count else { throw fail("classes", "has duplicates") }
        guard classes.count >= 2 else { throw fail("classes", "a classifier needs at least 2 classes, found \(classes.count)") }
        return classes
    }

    func linearModel(_ kind: LinearModel.Kind, inputs: ModelInputs, standardize: LinearModel.Standardize?) throws(ModelError) -> any ScoringModel {
        let k = inputs.width
        guard let rows = try member("coefficients").arrayValue, !rows.isEmpty else {
            throw fail("coefficients", "expected a non-empty list of rows (one per output)")
        }
        var coefficients: [[Double]] = []
        for (i, row) in rows.enumerated() { coefficients.append(try numbers(row, "coefficients[\(i)]", count: k)) }
        let intercept = try numbers(member("intercept"), "intercept", count: nil)
        guard intercept.count == coefficients.count else {
            throw fail("intercept", "has \(intercept.count) values, expected \(coefficients.count) (one per coefficients row)")
        }
        let classes = kind == .linearRegression ? [] : try self.classes()
        switch kind {
        case .linearRegression:
            guard coefficients.count == 1 else {
                throw fail("coefficients", "a linear regression has one row (multi-output regression is not supported)", kind: .unsupported)
            }
        case .logisticRegression:
            guard classes.count == 2 else { throw fail("classes", "a binary logistic regression has 2 classes, found \(classes.count)") }
            guard coefficients.count == 1 else { throw fail("coefficients", "a binary logistic regression has one row, found \(coefficients.count)") }
        case .softmaxRegression:
            guard coefficients.count == classes.count else {
                throw fail("coefficients", "a softmax regression has one row per class (\(classes.count) classes, \(coefficients.count) rows)")
            }
        }
        return LinearModel(kind: kind, inputs: inputs, standardize: standardize, coefficients: coefficients,
                           intercept: intercept, classes: classes)
    }

    /// Dense layers; the last layer's activation is the output transform.
    func mlp(inputs: ModelInputs, standardize: LinearModel.Standardize?) throws(ModelError) -> any ScoringModel {
        guard let list = try member("layers").arrayValue, !list.isEmpty else {
            throw fail("layers", "expected a non-empty list of layers")
        }
        // Layer sizes are checked against each other before anything is sized from them.
        var layers: [MLPModel.Layer] = []
        var width = inputs.width
        for (i, item) in list.enumerated() {
            let sub = ModelDocument(path: path, value: item, keyPath: "layers[\(i)]")
            let name = try sub.string("activation")
            guard let activation = MLPModel.Activation(rawValue: name) else {
                throw sub.fail("activation", "unknown activation '\(name)' (known: \(MLPModel.Activation.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let rows = try sub.member("weights").arrayValue, !rows.isEmpty else {
                throw sub.fail("weights", "expected a non-empty list of rows (one per unit)")
            }
            var weights: [Double] = []
            weights.reserveCapacity(rows.count * width)
            for (u, row) in rows.enumerated() { weights += try sub.numbers(row, "weights[\(u)]", count: width) }
            let bias = try sub.numbers(sub.member("bias"), "bias", count: rows.count)
            if activation == .softmax && i != list.count - 1 { throw sub.fail("activation", "softmax is only allowed on the last layer") }
            layers.append(.init(inputs: width, outputs: rows.count, weights: weights, bias: bias, activation: activation))
            width = rows.count
        }
        let last = layers[layers.count - 1]
        if value["classes"] == nil {
            guard last.outputs == 1, last.activation == .identity else {
                throw fail("layers", "a regressor ends in one identity unit (found \(last.outputs) \(last.activation.rawValue))")
            }
            return MLPModel(inputs: inputs, standardize: standardize, layers: layers, classes: nil)
        }
        let classes = try self.classes()
        let binary = classes.count == 2 && last.outputs == 1 && last.activation == .logistic
        let multi = last.outputs == classes.count && last.activation == .softmax
        guard binary || multi else {
            throw fail("layers", "a classifier with \(classes.count) classes ends in one logistic unit (2 classes) or a softmax over one unit per class")
        }
        return MLPModel(inputs: inputs, standardize: standardize, layers: layers, classes: classes)
    }

    func treeEnsemble(inputs: ModelInputs, standardize: LinearModel.Standardize?) throws(ModelError) -> any ScoringModel {
        guard standardize == nil, inputs.oneHot.isEmpty else {
            throw fail("preprocessing", "tree_ensemble models take raw numeric features (no standardize or one_hot steps)")
        }
        let classes: [ClassLabel]? = value["classes"] == nil ? nil : try classes()
        return try TreeEnsembleFormat.parse(value, path: path, features: inputs.names, classes: classes)
    }
}
