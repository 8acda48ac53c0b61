#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// The `parquet` reader's config declaration and factory.
extension ParquetReader {
    /// The reader plugin: `reader: { type: parquet, path: data/customers.parquet }`.
    public static let plugin = PluginRegistry.Reader(spec: spec) { section, context, requirements in
        try make(section, context, requirements)
    }

    /// The config the `parquet` reader accepts; it drives spec checking and the docs.
    public static let spec = PluginSpec(
        kind: .reader, type: "parquet",
        summary: "Reads Parquet files with a flat schema, one row group at a time, decoding only the selected columns. Integers, dates (days), times and timestamps (in their unit) are int64; floats, doubles and decimals float64; strings (and unannotated byte arrays, as their raw bytes) string. INT96, FLOAT16, UUID, nested and repeated columns are refused by name. A row's line is its 1-based index in its file; its quarantine record is a JSON object of its values.",
        fields: [
            ConfigField("path", .path, required: true,
                        doc: "A Parquet file, a folder (its *.parquet files, read in name order) or a glob such as data/part-*.parquet (matches read in name order); relative paths resolve against the job file's folder. Every file must have the selected columns with the same types."),
            ConfigField("select", .list(.string),
                        doc: "The columns to read, in this order; the others are never decompressed or decoded, so reading is cheaper. Default: every column."),
            ConfigField("columns", .map(.columnType),
                        doc: "Type overrides, e.g. { id: string, age: float64 }: int64 can become float64, and any column string. Other columns keep the type their Parquet type gives."),
        ],
        example: "{ type: parquet, path: data/customers.parquet, select: [id, age, income] }")

    static func make(_ section: ConfigSection, _ context: PluginContext, _ requirements: ReaderRequirements) throws -> ParquetReader {
        guard let path = section.string("path") else {
            throw JobSpecError(at: section.location, section.keyPath(of: "path"), "missing required key")
        }
        var options = Options(cores: context.cores)
        if section.list("select") != nil { options.select = section.strings("select") }
        for (name, value) in section.map("columns") ?? [] {
            guard let typeName = value.stringValue, let type = ColumnType(rawValue: typeName) else {
                throw JobSpecError(at: section.location(of: "columns"), "\(section.keyPath(of: "columns")).\(name)",
                                   "'\(value)' is not a column type (\(ConfigType.columnType))",
                                   hint: NearMiss.hint(for: value.description, among: ColumnType.allCases.map(\.rawValue)))
            }
            options.columns.append((name, type))
        }
        let files: [(path: String, name: String)]
        do {
            files = try expand(written: path, resolved: context.resolve(path))
        } catch let problem as PathProblem {
            throw JobSpecError(at: section.location(of: "path"), section.keyPath(of: "path"), problem.message)
        }
        do {
            return try ParquetReader(files: files, sourceName: path, options: options, requirements: requirements)
        } catch let problem as PlanProblem {
            switch problem.key {
            case .select: throw JobSpecError(at: section.location(of: "select"), section.keyPath(of: "select"), problem.message)
            case .columns: throw JobSpecError(at: section.location(of: "columns"), section.keyPath(of: "columns"), problem.message)
            case .reader: throw JobSpecError(at: section.location, section.keyPath, problem.message)
            }
        } catch let error as ParquetError where error.kind == .unsupported && options.select == nil {
            throw JobSpecError(at: section.location, section.keyPath, error.description,
                               hint: "list the columns the job needs in `select` to leave this one out")
        }
    }

    /// A path that names no readable Parquet input.
    struct PathProblem: Error {
        var message: String
    }

    /// The files `path` stands for, in name order: the file itself, a folder's `*.parquet` files,
    /// or a glob's matches. Each comes back as (path to open, name as written under the job's path).
    static func expand(written: String, resolved: String) throws -> [(path: String, name: String)] {
        let isPattern = written.contains(where: { "*?[".contains($0) })
        if !isPattern {
            var st = stat()
            guard stat(resolved, &st) == 0 else {
                throw PathProblem(message: "cannot open '\(written)': \(SystemErrors.message(errno))")
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR else { return [(resolved, written)] }
            let prefix = written.hasSuffix("/") ? written : written + "/"
            let found = try matches(resolved.hasSuffix("/") ? resolved + "*.parquet" : resolved + "/*.parquet")
            guard !found.isEmpty else { throw PathProblem(message: "the folder '\(written)' has no *.parquet files") }
            return found.map { ($0, prefix + String($0.split(separator: "/").last ?? "")) }
        }
        let found = try matches(resolved)
        guard !found.isEmpty else { throw PathProblem(message: "no file matches '\(written)'") }
        // Show matches as written: the pattern's folder part, then each match's file name.
        let folder = written.contains("/") ? String(written[...written.lastIndex(of: "/")!]) : ""
        return found.map { ($0, folder + String($0.split(separator: "/").last ?? "")) }
    }

    /// The regular files matching `pattern`, sorted by byte order.
    private static func matches(_ pattern: String) throws -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        let rc = glob(pattern, 0, nil, &g)
        if rc == GLOB_NOMATCH { return [] }
        guard rc == 0 else { throw PathProblem(message: "cannot list '\(pattern)' (glob error \(rc))") }
        var out: [String] = []
        for i in 0 ..< Int(g.gl_pathc) {
            guard let p = g.gl_pathv[i] else { continue }
            let path = String(cString: p)
            var st = stat()
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { out.append(path) }
        }
        return out.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
