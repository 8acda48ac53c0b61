import ScoreCore

/// The `csv` reader's config declaration and factory.
extension CSVReader {
    /// The reader plugin: `reader: { type: csv, path: data/customers.csv }`.
    public static let plugin = PluginRegistry.Reader(spec: spec) { section, context, requirements in
        try make(section, context, requirements)
    }

    /// The fields with defaults, declared once for the checker, the docs and `make`.
    public enum Fields {
        public static let delimiter = FieldHandle<String>.string("delimiter", default: ",",
            doc: "The field separator: one byte, e.g. \",\", \";\" or \"\\t\".")
        public static let header = FieldHandle<Bool>.bool("header", default: true,
            doc: "Whether the first record names the columns; otherwise they are column_1, column_2, ...")
        public static let inferRows = FieldHandle<Int>.int("infer_rows", default: 0, minimum: 0,
            doc: "0 keeps undeclared, unused columns as text. N > 0 infers int64 / float64 / bool for them from the first N records (a later cell that does not fit rejects its row).")
        public static let maxRecordBytes = FieldHandle<Int>.int("max_record_bytes", default: 1_048_576, minimum: 1024,
            doc: "The longest record accepted; a longer one (often an unclosed quote) stops the job.")
    }

    /// The config the `csv` reader accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .reader, type: "csv",
        summary: "Reads an RFC 4180 CSV file (quoted fields, CRLF or LF, UTF-8 BOM), streaming in chunks.",
        fields: [
            ConfigField("path", .path, required: true,
                        doc: "The CSV file; relative paths resolve against the job file's folder. `-` reads stdin (streamed; its size is unknown, so progress has no ETA)."),
            Fields.delimiter.declaration,
            Fields.header.declaration,
            ConfigField("columns", .map(.columnType),
                        doc: "Column types, e.g. { id: int64, zip: string }. Columns the model or a validator uses as numbers are float64 unless declared; other undeclared columns are text, passed through as read."),
            Fields.inferRows.declaration,
            Fields.maxRecordBytes.declaration,
        ],
        example: "{ type: csv, path: data/customers.csv }")

    static func make(_ section: ConfigSection, _ context: PluginContext, _ requirements: ReaderRequirements) throws -> CSVReader {
        var options = Options()
        options.delimiter = try delimiter(section)
        options.header = section[Fields.header]
        options.inferRows = section[Fields.inferRows]
        options.maxRecordBytes = section[Fields.maxRecordBytes]
        options.columnsLocation = section.location(of: "columns")
        options.columnsKeyPath = section.keyPath(of: "columns")
        options.columns = try ReaderConfig.declaredColumns(section)
        return try CSVReader(input: TextInput(section, context: context), options: options, requirements: requirements)
    }

    /// The `delimiter` value as one byte; shared with the writer.
    static func delimiter(_ section: ConfigSection) throws -> UInt8 {
        let text = section[Fields.delimiter]
        let bytes = Array(text.utf8)
        guard bytes.count == 1 else {
            throw JobSpecError(at: section.location(of: "delimiter"), section.keyPath(of: "delimiter"),
                               "the delimiter must be one byte, got '\(text)' (\(bytes.count) bytes)",
                               hint: "use \"\\t\" for a tab")
        }
        guard bytes[0] != CSVScanner.quote, bytes[0] != CSVScanner.lf, bytes[0] != CSVScanner.cr else {
            throw JobSpecError(at: section.location(of: "delimiter"), section.keyPath(of: "delimiter"),
                               "the delimiter cannot be a quote or a line break")
        }
        return bytes[0]
    }
}
