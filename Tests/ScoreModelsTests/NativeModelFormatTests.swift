import Testing
@testable import ScoreCore
@testable import ScoreModels

/// Broken model files get an error naming the file and what is wrong — never a crash.
@Suite struct NativeModelFormatTests {
    static let valid = """
        {"format": "batchscore-model", "format_version": 1, "kind": "logistic_regression",
         "features": ["a", "b"], "preprocessing": [{"type": "standardize", "mean": [1, 2], "scale": [2, 4]}],
         "classes": [0, 1], "coefficients": [[1, -1]], "intercept": [0.5]}
        """

    func load(_ text: String) throws(ModelError) -> any ScoringModel {
        try NativeModelFormat.load(bytes: Array(text.utf8), path: "m.json")
    }

    @Test func loadsAndScoresAValidFile() throws {
        let model = try load(Self.valid)
        #expect(model.features == ["a", "b"])
        #expect(model.summary == "logistic regression, 2 features, classes [0, 1], standardized")
        // z = (3-1)/2 - (2-2)/4 + 0.5 = 1.5 ; row 2: (1-1)/2 - (10-2)/4 + 0.5 = -1.5
        let p = try model.predict(FeatureMatrix(rows: 2, featureNames: ["a", "b"], values: [3, 1, 2, 10]))
        #expect(p.classIndex == [1, 0])
        #expect(abs(p.probabilities[2] - 1 / (1 + exp(-1.5))) < 1e-15)
        #expect(NativeModelFormat.plugin.sniff(Array(Self.valid.utf8)))
        #expect(!NativeModelFormat.plugin.sniff(Array("{\"learner\": {}}".utf8)))
    }

    static func broken(_ from: String, _ to: String) -> String { valid.replacingOccurrences(of: from, with: to) }

    static let brokenCases: [(text: String, message: String)] = {
        var cases: [(text: String, message: String)] = []
        cases.append((String(valid.prefix(60)), "not valid JSON"))
        cases.append(("", "not valid JSON"))
        cases.append((broken("\"format_version\": 1", "\"format_version\": 7"), "format_version: version 7.0 is not supported"))
        cases.append((broken("logistic_regression", "logistic_regresion"), "did you mean 'logistic_regression'"))
        cases.append((broken("[[1, -1]]", "[[1, -1, 3]]"), "coefficients[0]: has 3 values, expected 2"))
        cases.append((broken("\"mean\": [1, 2]", "\"mean\": [1]"), "preprocessing[0].mean: has 1 values"))
        cases.append((broken("\"scale\": [2, 4]", "\"scale\": [0, 4]"), "scale[0]: must be a finite non-zero"))
        cases.append((broken("\"intercept\": [0.5]", "\"intercept\": [0.5, 1]"), "intercept: has 2 values, expected 1"))
        cases.append((broken("[0, 1]", "[0, 1, 2]"), "classes: a binary logistic regression has 2 classes"))
        cases.append((broken("[0, 1]", "[0, 0]"), "classes: has duplicates"))
        cases.append((broken("[[1, -1]]", "[[1, \"x\"]]"), "coefficients[0][1]: expected a number"))
        cases.append((broken("batchscore-model", "other"), "format: is 'other'"))
        cases.append((broken("\"features\": [\"a\", \"b\"]", "\"features\": [\"a\", \"a\"]"), "'a' appears twice"))
        cases.append(("[1, 2]", "expected a JSON object"))
        return cases
    }()

    @Test(arguments: brokenCases)
    func brokenFilesAreRefusedWithTheReason(text: String, message: String) {
        do {
            _ = try load(text)
            Issue.record("loaded a broken file")
        } catch {
            #expect(error.description.hasPrefix("m.json: "))
            #expect(error.description.contains(message), "\(error)")
        }
    }
}

import Foundation
