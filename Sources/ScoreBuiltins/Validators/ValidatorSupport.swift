import ScoreCore

/// Plan-time checks shared by the built-in validators.
enum ValidatorSupport {
    /// Throws a spec error at `key` when `column` is not in the input.
    static func requireColumn(_ column: String, in schema: Schema, config: ConfigSection, key: String) throws {
        guard schema.index(of: column) == nil else { return }
        let hint = NearMiss.hint(for: column, among: schema.names)
            ?? "the input has: \(NearMiss.list(schema.names))"
        throw JobSpecError(at: config.location(of: key), config.keyPath(of: key),
                           "the input has no column '\(column)'", hint: hint)
    }

    /// Throws a spec error when `column` is present but not numeric.
    static func requireNumeric(_ column: String, in schema: Schema, config: ConfigSection, key: String) throws {
        try requireColumn(column, in: schema, config: config, key: key)
        if let field = schema.field(column), !field.type.isNumeric {
            throw JobSpecError(at: config.location(of: key), config.keyPath(of: key),
                               "column '\(column)' is \(field.type), not a number",
                               hint: "declare it under reader.columns as float64 or int64")
        }
    }

    /// A short rendering of a value list for a rejection reason.
    static func list(_ values: [String], limit: Int = 8) -> String {
        values.count <= limit ? values.joined(separator: ", ")
            : values.prefix(limit).joined(separator: ", ") + ", … (\(values.count) in all)"
    }
}
