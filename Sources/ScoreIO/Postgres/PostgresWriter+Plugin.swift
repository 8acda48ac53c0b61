import ScoreCore

/// The `postgres` writer's config declaration and factory.
extension PostgresWriter {
    /// The writer plugin: `writer: { type: postgres, url: ${PG_URL}, table: scores, mode: replace }`.
    public static let plugin = PluginRegistry.Writer(spec: spec) { section, _, schema in
        try make(section, schema)
    }

    /// The config the `postgres` writer accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .writer, type: "postgres",
        summary: "Writes the output into a PostgreSQL table with COPY, in one transaction committed with the job: a job that fails, stops or is killed leaves the table as it was. Columns are typed from the output (float64 → double precision, int64 → bigint, string → text, bool → boolean). Not resumable: a resumed run writes every row again. The quarantine stays a file (quarantine.path, default output.rejected.csv beside the job file).",
        fields: [
            PostgresURL.field,
            ConfigField("table", .string, required: true, doc: "The table: NAME or SCHEMA.NAME."),
            ConfigField("mode", .choice(Mode.allCases.map(\.rawValue)), default: .string(Mode.create.rawValue),
                        doc: "create: make the table (it must not exist); append: add rows to an existing table that has the output's columns; replace: write a new table and swap it in at the commit."),
        ],
        example: "{ type: postgres, url: \"postgres://scorer@db/crm\", table: scores, mode: replace }")

    static func make(_ section: ConfigSection, _ schema: Schema) throws -> PostgresWriter {
        let mode = section.string("mode").flatMap(Mode.init(rawValue:)) ?? .create
        return try PostgresError.reportingSpecKeys(in: section) {
            try PostgresWriter(url: section.string("url") ?? "", table: section.string("table") ?? "", mode: mode, schema: schema)
        }
    }
}
