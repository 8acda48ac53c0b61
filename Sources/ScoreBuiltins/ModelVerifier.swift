import Foundation
import ScoreCore
import ScoreIO

/// `batchscore model verify`: scores a data file with a model and compares each row with reference
/// predictions (from the library that trained it), so a user can prove a converted model matches.
public enum ModelVerifier {
    /// One row's largest difference from the reference.
    public struct RowDifference: Sendable {
        /// The data row's input line.
        public var line: Int
        public var column: String
        public var expected: String
        public var got: String
        /// |got − expected| for numbers; infinity for a different label.
        public var difference: Double
    }

    /// The outcome of a comparison.
    public struct Report: Sendable {
        public var rows: Int
        public var compared: [String]
        public var mismatches: Int
        /// The worst rows first.
        public var worst: [RowDifference]
        /// Rows the model could not score (a missing value, an unknown category), with the reason.
        public var unscored: [(line: Int, reason: String)]
        public var tolerance: Double

        /// Every row scored and within the tolerance — and at least one row compared.
        public var passed: Bool { rows > 0 && mismatches == 0 && unscored.isEmpty }

        public var text: String {
            var lines = ["\(rows) rows compared on \(compared.joined(separator: ", ")) (tolerance \(tolerance), relative to max(1, |expected|))"]
            if rows == 0 && unscored.isEmpty {
                lines.append("FAILED: the data file has no rows to compare")
            } else if passed {
                let best = worst.first.map { String(format: "%.3g", $0.difference) } ?? "0"
                lines.append("OK: every row matches (largest difference \(best))")
            } else {
                lines.append("FAILED: \(mismatches) row(s) differ, \(unscored.count) row(s) could not be scored")
                for d in worst.prefix(10) where d.difference > 0 {
                    lines.append("  line \(d.line): \(d.column) expected \(d.expected), got \(d.got) (difference \(String(format: "%.3g", d.difference)))")
                }
                for u in unscored.prefix(10) { lines.append("  line \(u.line): not scored: \(u.reason)") }
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Reads `dataPath` (CSV with the model's input columns) and `expectedPath` (CSV with a
    /// `prediction` column and, for classifiers, optionally `confidence` and `proba_<class>`
    /// columns, one row per data row) and compares.
    public static func verify(model: any ScoringModel, dataPath: String, expectedPath: String,
                              tolerance: Double) throws -> Report {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw InputError(.malformed, file: expectedPath, "the tolerance must be a finite number ≥ 0, got \(tolerance)")
        }
        let numeric = Set(model.inputs.filter { $0.type.isNumeric }.map(\.name))
        let pinned = Dictionary(model.inputs.filter { !$0.type.isNumeric }.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        let data = try CSVReader(path: dataPath, requirements: ReaderRequirements(numericColumns: numeric, columnTypes: pinned))
        let expected = try CSVReader(path: expectedPath)
        guard expected.schema.index(of: "prediction") != nil else {
            throw InputError(.malformed, file: expectedPath, line: 1, "the reference file needs a 'prediction' column")
        }
        let probabilityColumns: [(index: Int, column: String)]
        if case .classification(let classes) = model.task {
            probabilityColumns = classes.enumerated().compactMap { k, c in
                let name = "proba_\(c)"
                return expected.schema.index(of: name) != nil ? (k, name) : nil
            }
        } else {
            probabilityColumns = []
        }
        var report = Report(rows: 0, compared: ["prediction"] + probabilityColumns.map(\.column), mismatches: 0,
                            worst: [], unscored: [], tolerance: tolerance)
        while let batch = try data.next(maxRows: 8192) {
            guard let reference = try expected.next(maxRows: batch.rowsRead) else {
                throw InputError(.inconsistent, file: expectedPath, "has fewer rows than \(dataPath)")
            }
            guard reference.rowsRead == batch.rowsRead, batch.rejections.isEmpty, reference.rejections.isEmpty else {
                // Name the file the rejected row is in: the data, else the reference.
                let first = batch.rejections.first ?? reference.rejections.first
                let file = batch.rejections.isEmpty ? expectedPath : dataPath
                throw InputError(first == nil ? .inconsistent : .malformed, file: file, line: first?.line,
                                 first?.reason ?? "rows do not line up with \(dataPath)")
            }
            var verdicts = RowVerdicts(rowCount: batch.batch.rowCount)
            let x = try model.matrix(from: batch.batch, verdicts: &verdicts)
            for v in verdicts.verdicts { report.unscored.append((batch.batch.origins.lines[v.row], v.reason)) }
            let kept = verdicts.keptRows()
            let p = try model.predict(x.gather(kept))
            let refBatch = reference.batch
            let predictionColumn = refBatch.column(named: "prediction")!
            for (i, r) in kept.enumerated() {
                let line = batch.batch.origins.lines[r]
                var worst = RowDifference(line: line, column: "prediction", expected: "", got: "", difference: 0)
                func consider(_ column: String, _ expected: Double, _ got: Double) {
                    let d = abs(got - expected) / max(1, abs(expected))
                    if d > worst.difference || (d.isNaN && !worst.difference.isNaN) {
                        worst = RowDifference(line: line, column: column, expected: NumberFormatting.shortest(expected),
                                              got: NumberFormatting.shortest(got), difference: d.isNaN ? .infinity : d)
                    }
                }
                let expectedText = predictionColumn.text(at: r) ?? ""
                switch model.task {
                case .regression:
                    consider("prediction", Double(expectedText) ?? .nan, p.values[i])
                case .classification(let classes):
                    let label = classes[p.classIndex[i]].description
                    if label != expectedText && Double(label) != Double(expectedText) {
                        worst = RowDifference(line: line, column: "prediction", expected: expectedText, got: label, difference: .infinity)
                    }
                    for (k, column) in probabilityColumns {
                        consider(column, refBatch.column(named: column)?.double(at: r) ?? Double(refBatch.column(named: column)?.text(at: r) ?? "") ?? .nan,
                                 p.probabilities[k * p.rows + i])
                    }
                }
                if worst.difference > tolerance { report.mismatches += 1 }
                report.worst.append(worst)
                report.rows += 1
            }
            report.worst.sort { $0.difference > $1.difference }
            report.worst = Array(report.worst.prefix(20))
        }
        if try expected.next(maxRows: 1) != nil { throw InputError(.inconsistent, file: expectedPath, "has more rows than \(dataPath)") }
        return report
    }
}
