import Foundation
import Testing
@testable import ScoreCore
@testable import ScoreModels

/// Predictions of models exported from scikit-learn (tools/make_model_fixtures.py, real datasets
/// bundled with scikit-learn) must equal scikit-learn's own to 1e-9 relative.
@Suite struct ScikitLearnParityTests {
    static func fixture(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw ModelError(.malformed, file: name, "fixture missing from the test bundle")
        }
        return url
    }

    /// A numeric CSV with a header (the fixtures have no quotes or nulls).
    static func readNumericCSV(_ name: String) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOf: fixture(name), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        return (header, lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
    }

    static func load(_ name: String) throws -> (any ScoringModel, FeatureMatrix, header: [String], expected: [[String]]) {
        let bytes = [UInt8](try Data(contentsOf: fixture("\(name).model.json")))
        let model = try NativeModelFormat.load(bytes: bytes, path: "\(name).model.json")
        let input = try readNumericCSV("\(name).input.csv")
        #expect(input.header == model.features)
        let n = input.rows.count, k = input.header.count
        var values = [Double](repeating: 0, count: n * k)
        for (r, row) in input.rows.enumerated() {
            for c in 0 ..< k { values[c * n + r] = Double(row[c])! }
        }
        let expected = try readNumericCSV("\(name).expected.csv")
        #expect(expected.rows.count == n)
        return (model, FeatureMatrix(rows: n, featureNames: input.header, values: values), expected.header, expected.rows)
    }

    /// 1e-9 relative, with an absolute floor of 1e-15 for probabilities formed as 1 - p (cancellation
    /// leaves them only absolutely accurate, in scikit-learn as here).
    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-15
    }

    @Test(arguments: ["breast_cancer", "wine"])
    func classifiersMatchScikitLearn(name: String) throws {
        let (model, x, header, expected) = try Self.load(name)
        guard case .classification(let classes) = model.task else { Issue.record("not a classifier"); return }
        let p = try model.predict(x)
        let n = x.rows, k = classes.count
        #expect(header == ["prediction", "confidence"] + classes.map { "proba_\($0)" })
        var worst = 0.0
        for r in 0 ..< n {
            let row = expected[r]
            #expect(classes[p.classIndex[r]].description == row[0], "row \(r)")
            var best = 0.0
            for j in 0 ..< k {
                let ours = p.probabilities[j * n + r], theirs = Double(row[2 + j])!
                best = max(best, ours)
                #expect(Self.close(ours, theirs), "row \(r) class \(j): \(ours) vs \(theirs)")
                worst = max(worst, abs(ours - theirs) / max(abs(theirs), 1e-300))
            }
            #expect(Self.close(best, Double(row[1])!), "confidence row \(r)")
        }
    }

    @Test func linearRegressionMatchesScikitLearn() throws {
        let (model, x, header, expected) = try Self.load("diabetes")
        #expect(model.task == .regression)
        #expect(header == ["prediction"])
        let p = try model.predict(x)
        for r in 0 ..< x.rows {
            let theirs = Double(expected[r][0])!
            #expect(Self.close(p.values[r], theirs), "row \(r): \(p.values[r]) vs \(theirs)")
        }
    }
}
