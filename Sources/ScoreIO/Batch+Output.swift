import ScoreCore

extension Batch {
    /// The batch's columns in `schema`'s order, for a writer of `file`; extra columns are ignored.
    /// - Throws: `OutputError` naming the first schema column the batch lacks.
    func columns(for schema: Schema, writing file: String) throws -> [Column] {
        try zip(schema.fields, columns(named: schema.names)).map { field, column in
            guard let column else {
                throw OutputError(.mismatch, file: file, "the batch has no column '\(field.name)'")
            }
            return column
        }
    }
}
