import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreModels

/// Every model in Fixtures/zoo (trained by tools/make_zoo_fixtures.py on scikit-learn's real
/// datasets with scikit-learn, XGBoost and LightGBM) predicts what its library predicted, read
/// through the real CSV reader (empty fields are missing values) and the model's own input path.
@Suite struct ZooParityTests {
    struct Entry: Decodable, Sendable, CustomStringConvertible {
        var name: String
        var format: String
        var model: String
        var input: String
        var expected: String
        var task: String
        var tolerance: Double
        var tolerance_mode: String
        var description: String { name }
    }

    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/zoo")
    }

    static let entries: [Entry] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("index.json")) else { return [] }
        return (try? JSONDecoder().decode([Entry].self, from: data)) ?? []
    }()

    @Test func theIndexListsEveryFixture() {
        #expect(Self.entries.count >= 40)
        #expect(Set(Self.entries.map(\.format)) == ["native", "xgboost", "lightgbm"])
    }

    static func load(_ entry: Entry) throws -> any ScoringModel {
        let path = folder.appendingPathComponent(entry.model).path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        switch entry.format {
        case "xgboost": return try XGBoostFormat.load(bytes: bytes, path: entry.model)
        case "lightgbm": return try LightGBMFormat.load(bytes: bytes, path: entry.model)
        default: return try NativeModelFormat.load(bytes: bytes, path: entry.model)
        }
    }

    @Test(arguments: entries)
    func predictionsMatchTheLibrary(_ entry: Entry) throws {
        let model = try Self.load(entry)
        let inputs = model.inputs
        let reader = try CSVReader(
            path: Self.folder.appendingPathComponent(entry.input).path,
            requirements: ReaderRequirements(numericColumns: Set(inputs.filter { $0.type.isNumeric }.map(\.name)),
                                              columnTypes: Dictionary(inputs.filter { !$0.type.isNumeric }.map { ($0.name, $0.type) },
                                                                      uniquingKeysWith: { a, _ in a })))
        let expected = try CSVReader(path: Self.folder.appendingPathComponent(entry.expected).path,
                                     options: .init(columns: [("prediction", .string)]),
                                     requirements: ReaderRequirements(numericColumns: []))
        var rows = 0, worst = 0.0
        while let read = try reader.next(maxRows: 4096) {
            #expect(read.rejections.isEmpty, "\(read.rejections.first?.reason ?? "")")
            guard let reference = try expected.next(maxRows: read.rowsRead) else { Issue.record("expected file too short"); return }
            var verdicts = RowVerdicts(rowCount: read.batch.rowCount)
            let x = try model.matrix(from: read.batch, verdicts: &verdicts)
            #expect(verdicts.rejectedCount == 0, "\(verdicts.verdicts.first?.reason ?? "")")
            let p = try model.predict(x)
            for r in 0 ..< read.batch.rowCount {
                let label = reference.batch.column(named: "prediction")!.text(at: r) ?? ""
                func check(_ column: String, _ ours: Double) {
                    let theirs = Double(reference.batch.column(named: column)!.text(at: r) ?? "") ?? .nan
                    let diff = abs(ours - theirs)
                    let allowed = entry.tolerance_mode == "relative" ? entry.tolerance * max(abs(theirs), 1e-6) + 1e-15 : entry.tolerance
                    worst = max(worst, diff)
                    #expect(diff <= allowed, "\(entry.name) line \(read.batch.origins.lines[r]) \(column): \(ours) vs \(theirs)")
                }
                switch model.task {
                case .regression:
                    check("prediction", p.values[r])
                case .classification(let classes):
                    #expect(classes[p.classIndex[r]].description == label || Double(classes[p.classIndex[r]].description) == Double(label),
                            "\(entry.name) line \(read.batch.origins.lines[r]): class \(classes[p.classIndex[r]]) vs \(label)")
                    for (k, c) in classes.enumerated() where reference.batch.column(named: "proba_\(c)") != nil {
                        check("proba_\(c)", p.probabilities[k * p.rows + r])
                    }
                }
                rows += 1
            }
        }
        #expect(rows > 100)
        #expect(try expected.next(maxRows: 1) == nil, "expected file too long")
    }
}
