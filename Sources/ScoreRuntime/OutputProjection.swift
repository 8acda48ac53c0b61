import ScoreCore
import ScoreJobSpec

/// Turns a scored batch into the output batch: passthrough columns, then prediction,
/// confidence and (optionally) one probability column per class.
public struct OutputProjection: Sendable {
    /// Input columns copied to the output, in order; input columns named like an output column are left out.
    public let passthrough: [String]
    /// The prediction column's name (`output.prediction`, default `prediction`).
    public let predictionName: String
    /// The confidence column's name; nil for regression or when `output.confidence` is false.
    public let confidenceName: String?
    /// One column name per class (prefix + label) when `output.probabilities` asks for them.
    public let probabilityNames: [String]
    /// The model's task, which decides the output columns' types.
    public let task: ModelTask
    /// The output's columns, in the order they are written.
    public let schema: Schema

    /// Checks `output:` against the input schema and the model.
    public init(config: ConfigSection, inputSchema: Schema, task: ModelTask) throws {
        let prediction = config[JobSections.OutputFields.prediction]
        let confidence = task == .regression ? nil : config[JobSections.OutputFields.confidence]
        var probabilities: [String] = []
        if case .classification(let classes) = task {
            if let prefix = config[JobSections.OutputFields.probabilities] { probabilities = classes.map { prefix + $0.description } }
        }
        let produced = [prediction] + (confidence.map { [$0] } ?? []) + probabilities
        for (key, name) in [("prediction", prediction), ("confidence", confidence ?? "-")] where name.isEmpty {
            throw JobSpecError(at: config.location(of: key), config.keyPath(of: key), "a column name cannot be empty")
        }
        if Set(produced).count != produced.count {
            throw JobSpecError(at: config.location, "output", "prediction, confidence and probability columns must have distinct names: \(produced.joined(separator: ", "))")
        }
        let requested = config.strings("passthrough")
        if let requested {
            let at = (config.location(of: "passthrough"), config.keyPath(of: "passthrough"))
            var seen = Set<String>()
            let known = ColumnLookup(inputSchema.names)
            for name in requested {
                guard known[name] != nil else {
                    throw JobSpecError(at: at.0, at.1, "the input has no column '\(name)'",
                                       hint: NearMiss.hint(for: name, among: inputSchema.names) ?? "the input has: \(NearMiss.list(inputSchema.names))")
                }
                guard seen.insert(name).inserted else { throw JobSpecError(at: at.0, at.1, "lists '\(name)' twice") }
                if produced.contains(name) {
                    throw JobSpecError(at: at.0, at.1, "'\(name)' is also the name of a model output column",
                                       hint: "rename the output with output.prediction / output.confidence")
                }
            }
        }
        // An input column named like an output column (re-scoring an earlier output) is replaced, as pandas does.
        passthrough = (requested ?? inputSchema.names).filter { !produced.contains($0) }
        predictionName = prediction
        confidenceName = confidence
        probabilityNames = probabilities
        self.task = task
        var fields = inputSchema.fields(named: passthrough).map { $0! }
        switch task {
        case .regression: fields.append(.init(name: prediction, type: .float64))
        case .classification(let classes):
            let allInts = classes.allSatisfy { if case .int = $0 { true } else { false } }
            fields.append(.init(name: prediction, type: allInts ? .int64 : .string))
        }
        if let confidence { fields.append(.init(name: confidence, type: .float64)) }
        fields += probabilities.map { .init(name: $0, type: .float64) }
        schema = Schema(fields)
    }

    /// Columns the input has that the output replaces (for a warning).
    public func replacedColumns(of inputSchema: Schema) -> [String] {
        ([predictionName] + (confidenceName.map { [$0] } ?? []) + probabilityNames).filter { inputSchema.index(of: $0) != nil }
    }

    /// The output batch for `batch` (the rows that were scored) and their predictions.
    public func project(_ batch: Batch, _ predictions: Predictions) -> Batch {
        let n = batch.rowCount
        precondition(predictions.rows == n)
        var columns = batch.columns(named: passthrough).map { $0! }
        switch task {
        case .regression:
            columns.append(Column(name: predictionName, data: .float64(predictions.values)))
        case .classification(let classes):
            let ints = classes.compactMap { if case .int(let i) = $0 { i } else { nil } }
            if ints.count == classes.count {
                columns.append(Column(name: predictionName, data: .int64(predictions.classIndex.map { ints[$0] })))
            } else {
                // Label bytes made once, copied per row: no String per row.
                let labels = classes.map { Array($0.description.utf8) }
                var column = StringColumn()
                column.reserveCapacity(rows: n, bytes: n * (labels.map(\.count).max() ?? 0))
                for k in predictions.classIndex { labels[k].withUnsafeBytes { column.append(bytes: $0) } }
                columns.append(Column(name: predictionName, data: .string(column)))
            }
            let k = classes.count
            if let confidenceName {
                var confidence = [Double](repeating: 0, count: n)
                predictions.probabilities.withUnsafeBufferPointer { p in
                    for r in 0 ..< n {
                        var best = p[r]
                        for j in 1 ..< k where p[j * n + r] > best { best = p[j * n + r] }
                        confidence[r] = best
                    }
                }
                columns.append(Column(name: confidenceName, data: .float64(confidence)))
            }
            for (j, name) in probabilityNames.enumerated() {
                columns.append(Column(name: name, data: .float64(Array(predictions.probabilities[j * n ..< (j + 1) * n]))))
            }
        }
        return Batch(columns: columns, origins: batch.origins)
    }
}
