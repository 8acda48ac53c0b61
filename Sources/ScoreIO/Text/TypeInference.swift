import ScoreCore

/// Infers column types from a sample of records: the narrowest type every non-null sample
/// value fits, in the order int64, float64, bool, string. An all-null sample gives string.
struct TypeInference {
    private var canBeInt: [Bool]
    private var canBeFloat: [Bool]
    private var canBeBool: [Bool]
    private var sawValue: [Bool]

    init(columns: Int) {
        canBeInt = Array(repeating: true, count: columns)
        canBeFloat = Array(repeating: true, count: columns)
        canBeBool = Array(repeating: true, count: columns)
        sawValue = Array(repeating: false, count: columns)
    }

    /// Looks at one non-null value of `column`.
    mutating func observe(column: Int, _ p: UnsafePointer<UInt8>, count: Int) {
        sawValue[column] = true
        if canBeInt[column], case .value = NumberParsing.parseInt64(p, count: count) {} else { canBeInt[column] = false }
        if canBeFloat[column], NumberParsing.parseDouble(p, count: count) != nil {} else { canBeFloat[column] = false }
        if canBeBool[column], NumberParsing.parseBool(p, count: count) != nil {} else { canBeBool[column] = false }
    }

    func type(of column: Int) -> ColumnType {
        if !sawValue[column] { return .string }
        if canBeInt[column] { return .int64 }
        if canBeFloat[column] { return .float64 }
        if canBeBool[column] { return .bool }
        return .string
    }
}
