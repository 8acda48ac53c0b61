import ScoreCore

/// Why a text reader (CSV, JSON Lines) gave a column its type, for rejection reasons that say what
/// to change.
enum ColumnTypeSource {
    /// `reader.columns` declares it.
    case declared
    /// A validator (`schema.types`) or a categorical model input needs this exact type.
    case required
    /// A step reads it as a number.
    case requiredNumeric
    /// The sample's values.
    case inferred
    /// Not used by the plan and not inferred: the text as it is (CSV).
    case text

    /// `base` (what is wrong with a value) followed by why its column has `type`: the reason a
    /// type rejection gives. `records` names what the sample counted ("records", "objects").
    func reason(_ base: String, type: ColumnType, inferRows: Int, records: String, columnsKeyPath: String) -> String {
        switch self {
        case .declared, .text:
            base
        case .required:
            base + " (the job requires \(type): a schema validator or the model's input)"
        case .requiredNumeric:
            base + " (the job uses this column as a number)"
        case .inferred:
            base + " (\(type) was inferred from the first \(inferRows) \(records); declare the column's type under \(columnsKeyPath))"
        }
    }
}
