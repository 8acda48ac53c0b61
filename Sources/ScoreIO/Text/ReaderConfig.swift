import ScoreCore

/// What the text readers (CSV, JSON Lines) share in building from a job section and opening
/// their input: the path, declared column types, and stdin for `-`.
enum ReaderConfig {
    /// `reader.path`, or a spec error when it is missing.
    static func path(_ section: ConfigSection) throws -> String {
        guard let path = section.string("path") else {
            throw JobSpecError(at: section.location, section.keyPath(of: "path"), "missing required key")
        }
        return path
    }

    /// `reader.columns` as (name, type) pairs, in document order.
    static func declaredColumns(_ section: ConfigSection) throws -> [(name: String, type: ColumnType)] {
        try (section.map("columns") ?? []).map { name, value in
            guard let typeName = value.stringValue, let type = ColumnType(rawValue: typeName) else {
                throw JobSpecError(at: section.location(of: "columns"), "\(section.keyPath(of: "columns")).\(name)",
                                   "'\(value)' is not a column type (\(ConfigType.columnType))",
                                   hint: NearMiss.hint(for: value.description, among: ColumnType.allCases.map(\.rawValue)))
            }
            return (name, type)
        }
    }

    /// Opens the job's input (`-` is stdin); a failure is a spec error at `reader.path`. Returns the
    /// open file and the input's name for messages and the quarantine.
    static func open(_ section: ConfigSection, path: String, context: PluginContext) throws -> (OpenedFile, String) {
        do {
            let opened = try OpenedFile.opening(written: path, resolved: context.resolve(path))
            return (opened, StandardStreams.isStream(path) ? StandardStreams.inputName : path)
        } catch {
            throw JobSpecError(at: section.location(of: "path"), section.keyPath(of: "path"), error.message)
        }
    }

    /// Opens `path` (`-` is stdin) outside a job; a failure is an input error naming the input.
    static func open(path: String, sourceName: String?) throws -> (OpenedFile, String) {
        let name = sourceName ?? (StandardStreams.isStream(path) ? StandardStreams.inputName : path)
        do {
            return (try OpenedFile.opening(written: path, resolved: path), name)
        } catch {
            throw InputError(.unreadable, file: name, error.message, transient: SystemErrors.isTransient(error.code))
        }
    }
}
