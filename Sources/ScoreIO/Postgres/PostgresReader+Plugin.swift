import ScoreCore

/// The `postgres` reader's config declaration and factory.
extension PostgresReader {
    /// The reader plugin: `reader: { type: postgres, url: ${PG_URL}, query: "SELECT …", order_by: [id] }`.
    public static let plugin = PluginRegistry.Reader(spec: spec) { section, _, requirements in
        try make(section, requirements)
    }

    /// The fields with defaults, declared once for the checker, the docs and `make`.
    public enum Fields {
        public static let maxRecordBytes = FieldHandle<Int>.int("max_record_bytes", default: 16 << 20, minimum: 1024,
            doc: "The longest row accepted (as CSV text); a longer one stops the job.")
    }

    /// The config the `postgres` reader accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .reader, type: "postgres",
        summary: "Reads the rows of a PostgreSQL query, streamed (COPY … TO STDOUT, never the whole result in memory). Types follow the result: int2/int4/int8 → int64; float4/float8/numeric → float64 (numeric by its decimal text, rounded to the nearest float64); bool → bool; anything else → string as PostgreSQL prints it (dates and timestamps in ISO form, UTC). NULL stays null. With order_by a stopped or killed job resumes (`run --resume` reads past the rows its checkpoint counts; the rows must not change meanwhile); without it, it starts over.",
        fields: [
            PostgresURL.field,
            ConfigField("query", .string, required: true,
                        doc: "The SELECT whose rows are scored (one statement, no trailing semicolon needed)."),
            Fields.maxRecordBytes.declaration,
            ConfigField("order_by", .list(.string),
                        doc: "Result columns to sort by — a unique key, so ties cannot reorder. With it the output's row order is fixed and the job can resume; without it the rows come in whatever order PostgreSQL returns."),
        ],
        example: "{ type: postgres, url: \"postgres://scorer@db/crm\", query: \"SELECT * FROM customers\", order_by: [id] }")

    static func make(_ section: ConfigSection, _ requirements: ReaderRequirements) throws -> PostgresReader {
        let options = Options(url: section.string("url") ?? "", query: section.string("query") ?? "",
                              orderBy: section.strings("order_by") ?? [], maxRecordBytes: section[Fields.maxRecordBytes])
        return try PostgresError.reportingSpecKeys(in: section) { try PostgresReader(options: options, requirements: requirements) }
    }
}
