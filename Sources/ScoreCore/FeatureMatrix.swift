/// A rows × features matrix of float64 in column-major order, contiguous, ready for BLAS.
/// Column-major because a batch is columnar: each feature column is one copy.
public struct FeatureMatrix: Sendable {
    /// The number of rows.
    public let rows: Int
    /// The number of features.
    public let columns: Int
    /// The feature (column) names, in matrix column order.
    public let featureNames: [String]
    /// `values[c * rows + r]` is row `r` of feature `c`.
    public var values: [Double]

    /// Wraps column-major `values`; their count must be `rows * featureNames.count`.
    public init(rows: Int, featureNames: [String], values: [Double]) {
        precondition(values.count == rows * featureNames.count)
        self.rows = rows
        self.columns = featureNames.count
        self.featureNames = featureNames
        self.values = values
    }

    /// The value of feature `column` at `row`.
    @inline(__always)
    public subscript(row: Int, column: Int) -> Double { values[column * rows + row] }

    /// Builds the matrix from numeric columns of `batch`, rejecting rows with a null in any
    /// feature (`rule: missing_value`) or a NaN / ±infinity (`rule: non_finite` — a model fed
    /// them would write NaN predictions). Rejected rows hold 0 and must be dropped by the caller.
    /// - Parameter allowMissing: for models that route missing values themselves: nulls become NaN
    ///   and non-finite values pass through instead of rejecting the row.
    public static func gather(from batch: Batch, features: [String], verdicts: inout RowVerdicts,
                              allowMissing: Bool = false) throws(FeatureMatrixError) -> FeatureMatrix {
        let n = batch.rowCount
        var values = [Double](repeating: 0, count: n * features.count)
        for (c, (name, column)) in zip(features, batch.columns(named: features)).enumerated() {
            guard let column else { throw .missingColumn(name) }
            let base = c * n
            try values.withUnsafeMutableBufferPointer { out throws(FeatureMatrixError) in
                switch column.data {
                case .float64(let v):
                    v.withUnsafeBufferPointer { src in
                        _ = UnsafeMutableBufferPointer(rebasing: out[base ..< base + n]).initialize(from: src)
                    }
                case .int64(let v):
                    for r in 0 ..< n { out[base + r] = Double(v[r]) }
                case .bool(let v):
                    for r in 0 ..< n { out[base + r] = v[r] ? 1 : 0 }
                case .string:
                    throw .notNumeric(name, column.type)
                }
            }
            if let nulls = column.nulls {
                for r in 0 ..< n where nulls.isNull(r) {
                    if allowMissing {
                        values[base + r] = .nan
                        continue
                    }
                    values[base + r] = 0
                    verdicts.reject(r, rule: "missing_value", reason: "missing value: \(name)")
                }
            }
            if column.type == .float64 && !allowMissing {
                for r in 0 ..< n where !values[base + r].isFinite {
                    let v = values[base + r]
                    values[base + r] = 0
                    verdicts.reject(r, rule: "non_finite",
                                    reason: "\(name) is \(v.isNaN ? "NaN" : v > 0 ? "+infinity" : "-infinity") (the model needs finite numbers)")
                }
            }
        }
        return FeatureMatrix(rows: n, featureNames: features, values: values)
    }

    /// The rows at `indices` (used to drop rejected rows before scoring).
    public func gather(_ indices: [Int]) -> FeatureMatrix {
        if indices.count == rows { return self }
        var out = [Double](repeating: 0, count: indices.count * columns)
        for c in 0 ..< columns {
            let src = c * rows, dst = c * indices.count
            for (k, r) in indices.enumerated() { out[dst + k] = values[src + r] }
        }
        return FeatureMatrix(rows: indices.count, featureNames: featureNames, values: out)
    }
}

/// Why a batch cannot become a `FeatureMatrix`. These are plan errors (caught by `validate`), not row verdicts.
public struct FeatureMatrixError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: Equatable, Sendable {
        case missingColumn(String)
        case notNumeric(String, ColumnType)
    }
    private let reason: Reason

    /// The input has no column called `name`.
    public static func missingColumn(_ name: String) -> FeatureMatrixError { .init(reason: .missingColumn(name)) }
    /// The column called `name` has the non-numeric `type`.
    public static func notNumeric(_ name: String, _ type: ColumnType) -> FeatureMatrixError { .init(reason: .notNumeric(name, type)) }

    /// The column the problem is about.
    public var column: String {
        switch reason {
        case .missingColumn(let name), .notNumeric(let name, _): name
        }
    }

    /// A sentence for the user naming the column.
    public var description: String {
        switch reason {
        case .missingColumn(let name): "the model needs column '\(name)', which the input does not have"
        case .notNumeric(let name, let type): "the model needs column '\(name)' as a number, but it is \(type)"
        }
    }
}
