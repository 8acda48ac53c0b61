import ScoreCore

/// The `jsonl` writer's config declaration and factory.
extension JSONLWriter {
    /// The writer plugin: `writer: { type: jsonl, path: out/predictions.jsonl }`.
    public static let plugin = PluginRegistry.Writer(spec: spec) { section, context, schema in
        try make(section, context, schema)
    }

    /// The config the `jsonl` writer accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .writer, type: "jsonl",
        summary: "Writes JSON Lines (one object per row, the output columns in order, nulls as null) atomically, like the csv writer.",
        fields: [
            ConfigField("path", .path, required: true,
                        doc: "The output file; relative paths resolve against the job file's folder. Missing folders are created. `-` streams to stdout: not atomic (a failed job leaves the rows already written) and not resumable."),
        ],
        example: "{ type: jsonl, path: out/predictions.jsonl }")

    static func make(_ section: ConfigSection, _ context: PluginContext, _ schema: Schema) throws -> JSONLWriter {
        guard let path = section.string("path") else {
            throw JobSpecError(at: section.location, section.keyPath(of: "path"), "missing required key")
        }
        return try JSONLWriter(path: StandardStreams.isStream(path) ? path : context.resolve(path), schema: schema,
                               keepExisting: context.resuming)
    }
}
