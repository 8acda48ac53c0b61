/// A slice of the input in columnar form: typed columns of equal length plus each row's origin.
public struct Batch: Sendable, Equatable {
    public var columns: [Column]
    public var origins: RowOrigins

    public init(columns: [Column], origins: RowOrigins) {
        precondition(columns.allSatisfy { $0.count == origins.count }, "columns and origins differ in length")
        self.columns = columns
        self.origins = origins
    }

    public var rowCount: Int { origins.count }

    public var schema: Schema { Schema(columns.map { .init(name: $0.name, type: $0.type) }) }

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

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

    /// The rows not marked in `rejected`; the batch itself when none is.
    public func keeping(_ verdicts: RowVerdicts) -> Batch {
        if verdicts.rejectedCount == 0 { return self }
        return gather(verdicts.keptRows())
    }
}
