import Foundation
import Testing
import ScoreCore
@testable import ScoreModels

/// Splitting a large batch across threads gives exactly the predictions of one thread.
@Suite(.serialized) struct ModelParallelismTests {
    @Test func partsCoverEveryRowOnce() {
        ModelParallelism.threads = 3
        defer { ModelParallelism.threads = 0 }
        let parts = ModelParallelism.parts(rows: 10_001, minimumRowsPerPart: 1000)
        #expect(parts.count == 3)
        #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == 10_001)
        #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(ModelParallelism.parts(rows: 500, minimumRowsPerPart: 1000).count == 1)
    }

    @Test func parallelTreePredictionsEqualSerialOnes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/zoo/wine.xgboost.json")
        let model = try XGBoostFormat.load(bytes: [UInt8](try Data(contentsOf: url)), path: "wine.xgboost.json")
        let n = 20_000, k = model.features.count
        var rng = SystemRandomNumberGenerator()
        let values = (0 ..< n * k).map { i in i % 97 == 0 ? Double.nan : Double.random(in: 0 ... 100, using: &rng) }
        let x = FeatureMatrix(rows: n, featureNames: model.features, values: values)
        ModelParallelism.threads = 1
        let serial = try model.predict(x)
        ModelParallelism.threads = 4
        let parallel = try model.predict(x)
        ModelParallelism.threads = 0
        #expect(serial.probabilities == parallel.probabilities)
        #expect(serial.classIndex == parallel.classIndex)
    }
}
