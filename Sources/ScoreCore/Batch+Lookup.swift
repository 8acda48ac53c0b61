extension Batch {
    /// The columns called `names`, in that order, nil where the batch has none. One hash look-up per
    /// name: a per-name linear search made every batch cost columns² (20k columns × 200 rows took
    /// 4.3 s, and over a minute with tiny batches). The first column of a name wins, as in
    /// `column(named:)`.
    public func columns(named names: [String]) -> [Column?] {
        let lookup = ColumnLookup(columns.lazy.map(\.name))
        return names.map { lookup[$0].map { columns[$0] } }
    }
}

extension Schema {
    /// The fields called `names`, in that order, nil where the schema has none (see
    /// `Batch.columns(named:)`).
    public func fields(named names: [String]) -> [Field?] {
        let lookup = ColumnLookup(fields.lazy.map(\.name))
        return names.map { lookup[$0].map { fields[$0] } }
    }
}

/// Column positions by name, first occurrence first.
public struct ColumnLookup: Sendable {
    private var positions: [String: Int] = [:]

    /// Indexes `names` by position.
    public init(_ names: some Sequence<String>) {
        for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
    }

    /// The position of the first column called `name`.
    public subscript(_ name: String) -> Int? { positions[name] }
}
