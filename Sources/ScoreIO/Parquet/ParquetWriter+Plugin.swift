import ScoreCore

/// The `parquet` writer's config declaration and factory.
extension ParquetWriter {
    /// The writer plugin, stamping `createdBy` (`batchscore 0.1.0`) into each file's footer.
    public static func plugin(createdBy: String) -> PluginRegistry.Writer {
        PluginRegistry.Writer(spec: spec) { section, context, schema in
            try make(section, context, schema, createdBy: createdBy)
        }
    }

    /// A `compression` value.
    public enum Compression: String, CaseIterable, Sendable {
        case snappy, zstd, gzip, none

        public var codec: ParquetCodec {
            switch self {
            case .snappy: .snappy
            case .zstd: .zstd
            case .gzip: .gzip
            case .none: .uncompressed
            }
        }
    }

    /// The fields with defaults, declared once for the checker, the docs and `make`.
    public enum Fields {
        public static let compression = FieldHandle<Compression>.choice("compression", default: .snappy, doc: "The page codec.")
        public static let rowGroupRows = FieldHandle<Int>.int("row_group_rows", default: 131_072, minimum: 1, maximum: 1e9,
            doc: "Rows per row group; the writer holds one row group in memory.")
    }

    /// The config the `parquet` writer accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .writer, type: "parquet",
        summary: "Writes a Parquet file atomically: one nullable column per output field (INT64, DOUBLE, BOOLEAN, UTF-8 strings), numbers PLAIN, strings dictionary-encoded, with min / max / null-count statistics.",
        fields: [
            ConfigField("path", .path, required: true,
                        doc: "The output file; relative paths resolve against the job file's folder. Missing folders are created. `-` (stdout) is not supported."),
            Fields.compression.declaration,
            Fields.rowGroupRows.declaration,
        ],
        example: "{ type: parquet, path: out/predictions.parquet, compression: zstd }")

    static func make(_ section: ConfigSection, _ context: PluginContext, _ schema: Schema,
                     createdBy: String) throws -> ParquetWriter {
        guard let path = section.string("path") else {
            throw JobSpecError(at: section.location, section.keyPath(of: "path"), "missing required key")
        }
        if StandardStreams.isStream(path) {
            throw JobSpecError(at: section.location(of: "path"), section.keyPath(of: "path"),
                               "the parquet writer cannot stream to stdout (a Parquet file ends with its footer); use a file path")
        }
        // The checked spec holds one of the declared choices; an unchecked section falls back to the default.
        let options = Options(codec: section[Fields.compression].codec, rowGroupRows: section[Fields.rowGroupRows],
                              createdBy: createdBy, cores: context.cores)
        return try ParquetWriter(path: context.resolve(path), schema: schema, options: options)
    }
}
