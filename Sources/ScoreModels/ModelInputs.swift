import ScoreCore

/// A model's input columns and how they become its input vector: numeric columns as they are,
/// categorical (string) columns one-hot encoded in place, in the order the model was trained on.
public struct ModelInputs: Sendable {
    /// One categorical column's encoding.
    public struct OneHot: Sendable {
        public var categories: [String]
        /// Unknown categories give all zeros instead of rejecting the row (scikit-learn's handle_unknown="ignore").
        public var ignoreUnknown: Bool
        /// Category bytes grouped by length: a row's lookup compares bytes and allocates nothing.
        let byLength: [Int: [(bytes: [UInt8], index: Int)]]

        public init(categories: [String], ignoreUnknown: Bool) {
            self.categories = categories
            self.ignoreUnknown = ignoreUnknown
            var groups: [Int: [(bytes: [UInt8], index: Int)]] = [:]
            for (i, c) in categories.enumerated() { groups[c.utf8.count, default: []].append((Array(c.utf8), i)) }
            byLength = groups
        }

        func index(of value: UnsafeRawBufferPointer) -> Int? {
            byLength[value.count]?.first { c in c.bytes.withUnsafeBytes { $0.elementsEqual(value) } }?.index
        }
    }

    /// Input column names, in the model's order.
    public let names: [String]
    /// The encoding of each categorical input, by column name.
    public let oneHot: [String: OneHot]

    public init(names: [String], oneHot: [String: OneHot] = [:]) {
        self.names = names
        self.oneHot = oneHot
    }

    /// The width of the input vector (a one-hot column counts once per category).
    public var width: Int { names.reduce(0) { $0 + (oneHot[$1]?.categories.count ?? 1) } }

    /// The columns and the type each is read as.
    public var fields: [Schema.Field] { names.map { .init(name: $0, type: oneHot[$0] == nil ? .float64 : .string) } }

    /// The input matrix for `batch`: numeric columns copied, categorical ones expanded. Rows with a
    /// missing or non-finite number, a missing category, or an unknown one (unless ignored) are
    /// rejected in `verdicts`.
    public func matrix(from batch: Batch, verdicts: inout RowVerdicts, allowMissing: Bool = false) throws -> FeatureMatrix {
        if oneHot.isEmpty {
            return try FeatureMatrix.gather(from: batch, features: names, verdicts: &verdicts, allowMissing: allowMissing)
        }
        let n = batch.rowCount
        let numeric = names.filter { oneHot[$0] == nil }
        let plain = try FeatureMatrix.gather(from: batch, features: numeric, verdicts: &verdicts, allowMissing: allowMissing)
        var values = [Double](repeating: 0, count: n * width)
        var column = 0, numericIndex = 0
        var expanded: [String] = []
        for name in names {
            guard let encoding = oneHot[name] else {
                values.replaceSubrange(column * n ..< (column + 1) * n, with: plain.values[numericIndex * n ..< (numericIndex + 1) * n])
                numericIndex += 1
                column += 1
                expanded.append(name)
                continue
            }
            guard let input = batch.column(named: name) else { throw FeatureMatrixError.missingColumn(name) }
            guard case .string(let strings) = input.data else { throw FeatureMatrixError.notNumeric(name, input.type) }
            for r in 0 ..< n {
                if input.isNull(r) {
                    // scikit-learn's handle_unknown="ignore" encodes a category it never saw (a
                    // missing one included) as all zeros.
                    if !encoding.ignoreUnknown { verdicts.reject(r, rule: "missing_value", reason: "missing value: \(name)") }
                    continue
                }
                if let k = strings.withBytes(r, { encoding.index(of: $0) }) {
                    values[(column + k) * n + r] = 1
                } else if !encoding.ignoreUnknown {
                    verdicts.reject(r, rule: "unknown_category",
                                    reason: "\(name)='\(strings[r])' is not a category the model knows (\(encoding.categories.prefix(8).joined(separator: ", "))\(encoding.categories.count > 8 ? ", …" : ""))")
                }
            }
            expanded += encoding.categories.map { "\(name)=\($0)" }
            column += encoding.categories.count
        }
        return FeatureMatrix(rows: n, featureNames: expanded, values: values)
    }
}
