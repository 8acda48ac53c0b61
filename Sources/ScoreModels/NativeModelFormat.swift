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
            summary: "BatchScore's JSON model format: standardize + linear / logistic / softmax regression",
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
            throw ModelError(file: path, "not valid JSON at \(error)")
        }
        return try ModelDocument(path: path, value: document, keyPath: "").linearModel()
    }
}

/// A JSON object of the model file with its key path, so every problem says where it is.
struct ModelDocument {
    let path: String
    let value: JSONValue
    let keyPath: String

    func fail(_ key: String, _ message: String) -> ModelError {
        ModelError(file: path, "\(keyPath.isEmpty ? key : "\(keyPath).\(key)"): \(message)")
    }

    func member(_ key: String) throws(ModelError) -> JSONValue {
        guard case .object = value else { throw ModelError(file: path, "\(keyPath.isEmpty ? "top level" : keyPath): expected a JSON object") }
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

    func linearModel() throws(ModelError) -> any ScoringModel {
        let format = try string("format")
        guard format == NativeModelFormat.formatName else {
            throw fail("format", "is '\(format)', expected '\(NativeModelFormat.formatName)'")
        }
        let version = try member("format_version")
        guard case .int(let v) = version, NativeModelFormat.supportedVersions.contains(Int(v)) else {
            throw fail("format_version", "\(version.kindDescription == "a number" ? "version \(version.doubleValue!)" : version.kindDescription) is not supported (this build reads version 1; a newer file needs a newer batchscore)")
        }
        let kindName = try string("kind")
        guard let kind = LinearModel.Kind(rawValue: kindName) else {
            let known = LinearModel.Kind.allCases.map(\.rawValue)
            let hint = NearMiss.hint(for: kindName, among: known) ?? "known kinds: \(known.joined(separator: ", "))"
            throw fail("kind", "unknown model kind '\(kindName)' (\(hint))")
        }
        guard let featureList = try member("features").arrayValue, !featureList.isEmpty else {
            throw fail("features", "expected a non-empty list of column names")
        }
        var features: [String] = []
        for (i, f) in featureList.enumerated() {
            guard let name = f.stringValue, !name.isEmpty else { throw fail("features[\(i)]", "expected a column name") }
            guard !features.contains(name) else { throw fail("features[\(i)]", "'\(name)' appears twice") }
            features.append(name)
        }
        let k = features.count

        var standardize: LinearModel.Standardize?
        if let steps = value["preprocessing"] {
            guard let list = steps.arrayValue else { throw fail("preprocessing", "expected a list of steps") }
            for (i, step) in list.enumerated() {
                let sub = ModelDocument(path: path, value: step, keyPath: "preprocessing[\(i)]")
                let type = try sub.string("type")
                guard type == "standardize" else {
                    throw sub.fail("type", "unsupported preprocessing step '\(type)' (supported: standardize)")
                }
                guard standardize == nil else { throw sub.fail("type", "only one standardize step is supported") }
                let mean = try sub.numbers(sub.member("mean"), "mean", count: k)
                let scale = try sub.numbers(sub.member("scale"), "scale", count: k)
                if let zero = scale.firstIndex(where: { $0 == 0 || !$0.isFinite }) {
                    throw sub.fail("scale[\(zero)]", "must be a finite non-zero number (scikit-learn scales a constant feature by 1)")
                }
                standardize = .init(mean: mean, scale: scale)
            }
        }

        guard let rows = try member("coefficients").arrayValue, !rows.isEmpty else {
            throw fail("coefficients", "expected a non-empty list of rows (one per output)")
        }
        var coefficients: [[Double]] = []
        for (i, row) in rows.enumerated() { coefficients.append(try numbers(row, "coefficients[\(i)]", count: k)) }
        let intercept = try numbers(member("intercept"), "intercept", count: nil)
        guard intercept.count == coefficients.count else {
            throw fail("intercept", "has \(intercept.count) values, expected \(coefficients.count) (one per coefficients row)")
        }

        var classes: [ClassLabel] = []
        if kind != .linearRegression {
            guard let list = try member("classes").arrayValue else { throw fail("classes", "expected a list of class labels") }
            for (i, c) in list.enumerated() {
                switch c {
                case .string(let s): classes.append(.string(s))
                case .int(let n): classes.append(.int(n))
                case .double(let d) where Int64(exactly: d) != nil: classes.append(.int(Int64(d)))
                default: throw fail("classes[\(i)]", "expected an integer or a string, got \(c.kindDescription)")
                }
            }
            guard Set(classes.map(\.description)).count == classes.count else { throw fail("classes", "has duplicates") }
        }
        switch kind {
        case .linearRegression:
            guard coefficients.count == 1 else {
                throw fail("coefficients", "a linear regression has one row (multi-output regression is not supported)")
            }
        case .logisticRegression:
            guard classes.count == 2 else { throw fail("classes", "a binary logistic regression has 2 classes, found \(classes.count)") }
            guard coefficients.count == 1 else { throw fail("coefficients", "a binary logistic regression has one row, found \(coefficients.count)") }
        case .softmaxRegression:
            guard classes.count >= 2, coefficients.count == classes.count else {
                throw fail("coefficients", "a softmax regression has one row per class (\(classes.count) classes, \(coefficients.count) rows)")
            }
        }
        return LinearModel(kind: kind, features: features, standardize: standardize, coefficients: coefficients,
                           intercept: intercept, classes: classes)
    }
}
