import ScoreCore

/// The `csv` writer's config declaration and factory.
extension CSVWriter {
    /// The writer plugin: `writer: { type: csv, path: out/predictions.csv }`.
    public static let plugin = PluginRegistry.Writer(spec: spec) { section, context, schema in
        try make(section, context, schema)
    }

    /// The fields with defaults, declared once for the checker, the docs and `make`.
    public enum Fields {
        public static let delimiter = FieldHandle<String>.string("delimiter", default: ",", doc: "The field separator: one byte.")
        public static let header = FieldHandle<Bool>.bool("header", default: true, doc: "Whether the first line names the columns.")
    }

    /// The config the `csv` writer accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .writer, type: "csv",
        summary: "Writes a CSV file atomically: it appears at its path, whole, only when the job succeeds.",
        fields: [
            ConfigField("path", .path, required: true,
                        doc: "The output file; relative paths resolve against the job file's folder. Missing folders are created. `-` streams to stdout: not atomic (a failed job leaves the rows already written) and not resumable."),
            Fields.delimiter.declaration,
            Fields.header.declaration,
        ],
        example: "{ type: csv, path: out/predictions.csv }")

    static func make(_ section: ConfigSection, _ context: PluginContext, _ schema: Schema) throws -> CSVWriter {
        guard let path = section.string("path") else {
            throw JobSpecError(at: section.location, section.keyPath(of: "path"), "missing required key")
        }
        let options = Options(delimiter: try CSVReader.delimiter(section), header: section[Fields.header])
        let target = StandardStreams.isStream(path) ? path : context.resolve(path)
        return try CSVWriter(path: target, schema: schema, options: options, keepExisting: context.resuming)
    }
}
