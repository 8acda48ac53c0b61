import ScoreCore

/// The `jsonl` reader's config declaration and factory.
extension JSONLReader {
    /// The reader plugin: `reader: { type: jsonl, path: data/customers.jsonl }`.
    public static let plugin = PluginRegistry.Reader(spec: spec) { section, context, requirements in
        try make(section, context, requirements)
    }

    /// The fields with defaults, declared once for the checker, the docs and `make`.
    public enum Fields {
        public static let inferRows = FieldHandle<Int>.int("infer_rows", default: 1000, minimum: 1,
            doc: "How many objects name the columns and type the undeclared ones; a later value of another type rejects its row.")
        public static let maxRecordBytes = FieldHandle<Int>.int("max_record_bytes", default: 1_048_576, minimum: 1024,
            doc: "The longest line accepted; a longer one stops the job.")
    }

    /// The config the `jsonl` reader accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .reader, type: "jsonl",
        summary: "Reads JSON Lines (one object per line, LF or CRLF, blank lines skipped), streaming in chunks. The columns are the keys of the first infer_rows objects; a key missing from a row is null, a key not among the columns is ignored; a line that is not a flat object of the columns' types goes to the quarantine.",
        fields: [
            ConfigField("path", .path, required: true,
                        doc: "The JSON Lines file; relative paths resolve against the job file's folder. `-` reads stdin (streamed; its size is unknown, so progress has no ETA)."),
            ConfigField("columns", .map(.columnType),
                        doc: "Column types, e.g. { id: int64, zip: string }; a declared column no sampled object has is still read (null where missing). Columns the model or a validator uses as numbers are float64 unless declared; other columns are float64 when the sample holds only numbers, bool when only booleans, else string (numbers and booleans kept as their JSON text)."),
            Fields.inferRows.declaration,
            Fields.maxRecordBytes.declaration,
        ],
        example: "{ type: jsonl, path: data/customers.jsonl }")

    static func make(_ section: ConfigSection, _ context: PluginContext, _ requirements: ReaderRequirements) throws -> JSONLReader {
        var options = Options()
        options.inferRows = section[Fields.inferRows]
        options.maxRecordBytes = section[Fields.maxRecordBytes]
        options.columnsKeyPath = section.keyPath(of: "columns")
        options.columns = try ReaderConfig.declaredColumns(section)
        return try JSONLReader(input: TextInput(section, context: context), options: options, requirements: requirements)
    }
}
