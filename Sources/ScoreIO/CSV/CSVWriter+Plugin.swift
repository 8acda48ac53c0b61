import ScoreCore

/// The `csv` writer's config declaration and factory.
extension CSVWriter {
    /// The writer plugin: `writer: { type: csv, path: out/predictions.csv }`.
    public static let plugin = PluginRegistry.Writer(spec: spec) { section, context, schema in
        try make(section, context, schema)
    }

    /// The config the `csv` writer accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .writer, type: "csv",
        summary: "Writes a CSV file atomically: it appears at its path, whole, only when the job succeeds.",
        fields: [
            ConfigField("path", .path, required: true,
                        doc: "The output file; relative paths resolve against the job file's folder. Missing folders are created. `-` streams to stdout: not atomic (a failed job leaves the rows already written) and not resumable."),
            ConfigField("delimiter", .string, default: .string(","), doc: "The field separator: one byte."),
            ConfigField("header", .bool, default: .bool(true), doc: "Whether the first line names the columns."),
        ],
        example: "{ type: csv, path: out/predictions.csv }")

    static func make(_ section: ConfigSection, _ context: PluginContext, _ schema: Schema) throws -> CSVWriter {
        guard let path = section.string("path") else {
            throw JobSpecError(at: section.location, section.keyPath(of: "path"), "missing required key")
        }
        let options = Options(delimiter: try CSVReader.delimiter(section), header: section.bool("header") ?? true)
        let target = StandardStreams.isStream(path) ? path : context.resolve(path)
        return try CSVWriter(path: target, schema: schema, options: options, keepExisting: context.resuming)
    }
}
