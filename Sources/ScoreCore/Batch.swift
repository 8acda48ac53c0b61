/// A slice of the input in columnar form: typed columns of equal length plus each row's origin.
public struct Batch: Sendable, Equatable {
    /// The columns, each with `rowCount` values.
    public var columns: [Column]
    /// Each row's source line and original record, for the quarantine.
    public var origins: RowOrigins

    /// Creates a batch; every column must have as many rows as `origins` (checked with a precondition).
    public init(columns: [Column], origins: RowOrigins) {
        precondition(columns.allSatisfy { $0.count == origins.count }, "columns and origins differ in length")
        self.columns = columns
        self.origins = origins
    }

    /// The number of rows.
    public var rowCount: Int { origins.count }

    /// The columns' names and types, in order.
    public var schema: Schema { Schema(columns.map { .init(name: $0.name, type: $0.type) }) }

    /// The column called `name`, if any.
    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// The position of the column called `name`, if any.
    public func columnIndex(named name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// Adds `column`, replacing a column of the same name.
    public mutating func setColumn(_ column: Column) {
        precondition(column.count == rowCount, "column '\(column.name)' has \(column.count) rows, batch has \(rowCount)")
        if let i = columnIndex(named: column.name) { columns[i] = column } else { columns.append(column) }
    }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int]) -> Batch {
        Batch(columns: columns.map { $0.gather(indices) }, origins: origins.gather(indices))
    }

    /// The rows `verdicts` did not reject; the batch itself (no copy) when none is.
    public func keeping(_ verdicts: RowVerdicts) -> Batch {
        if verdicts.rejectedCount == 0 { return self }
        return gather(verdicts.keptRows())
    }
}
