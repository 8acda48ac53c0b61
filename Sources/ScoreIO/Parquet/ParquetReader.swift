import Dispatch
import ScoreCore

/// A streaming Parquet reader over one file or several with the same columns, read in order.
///
/// Reads the projected columns page by page, a batch's rows at a time (columns in parallel), so
/// memory is bounded by a page per column and the batches in flight, never by the row group or
/// the file. A row's origin is its 1-based index in its file; its record (for the
/// quarantine) is a JSON object of its projected values, with an `"@file"` member naming the file
/// when the input has several. A class used by one task at a time, as `BatchReader` requires.
public final class ParquetReader: BatchReader {
    /// Which columns to read and as what (the plugin's config, checked).
    public struct Options: Sendable {
        /// Columns to read, in this order; nil reads every column in file order.
        public var select: [String]?
        /// Types that override the natural ones (int64 → float64, anything → string).
        public var columns: [(name: String, type: ColumnType)]
        /// The job's cores: a batch's columns are decoded side by side on the free ones. Nil decodes
        /// them one after the other on the calling thread.
        public var cores: CPUBudget?

        /// Creates options.
        public init(select: [String]? = nil, columns: [(name: String, type: ColumnType)] = [], cores: CPUBudget? = nil) {
            self.select = select
            self.columns = columns
            self.cores = cores
        }
    }

    /// Why the reader could not be built from a job's plan: a problem with the spec, not the file.
    public struct PlanProblem: Error, Sendable, Equatable {
        /// Which key to point at: `select`, `columns` or the reader itself.
        public enum Key: Sendable, Equatable { case select, columns, reader }
        /// The key the problem is about.
        public var key: Key
        /// What is wrong.
        public var message: String
    }

    /// One projected column: where it is in the file and the type it has in batches.
    struct Projected: Sendable {
        var mapping: ParquetColumnMapping
        var type: ColumnType
    }

    /// The columns of every batch.
    public let schema: Schema
    /// The input's name in messages and the quarantine (the path as the job spec gives it).
    public let sourceName: String
    /// The total size of the files.
    public let totalBytes: Int64?
    /// Bytes consumed, estimated from the rows read in the current file.
    public var bytesRead: Int64 {
        guard let current, current.rows > 0 else { return doneBytes }
        return doneBytes + current.file.size * Int64(current.rowsBefore + current.offset) / current.rows
    }

    /// The files, as (path to open, name in records and errors).
    let files: [(path: String, name: String)]
    let projection: [Projected]

    /// The open file and the row group being read: a page cursor per projected column.
    struct Cursor {
        var file: ParquetFile
        var readers: [ParquetColumnChunkReader]
        var rows: Int64
        var nextGroup = 0
        /// Rows of the groups before the current one.
        var rowsBefore = 0
        var columns: [ParquetColumnCursor] = []
        var groupRows = 0
        var offset = 0
    }

    private var nextFile = 0
    private var current: Cursor?
    private let cores: CPUBudget?
    private var doneBytes: Int64 = 0

    /// Opens the footers of `files` (read in this order), checks they have the projected columns with
    /// the same types, and fixes the schema.
    ///
    /// - Parameters:
    ///   - files: paths to open and the names to show for them.
    ///   - sourceName: the input's name for messages and the quarantine.
    ///   - requirements: columns the plan uses as numbers or needs as an exact type.
    /// - Throws: `ParquetError` for an unreadable file or an unsupported column, `PlanProblem` when the
    ///   spec asks for something the file cannot give, `InputError` when files disagree on the schema.
    public init(files: [(path: String, name: String)], sourceName: String, options: Options = Options(),
                requirements: ReaderRequirements = ReaderRequirements()) throws {
        precondition(!files.isEmpty, "a Parquet reader needs at least one file")
        self.files = files
        self.sourceName = sourceName
        self.cores = options.cores
        let first = try ParquetFile(path: files[0].path, name: files[0].name)
        let projection = try Self.project(first, name: files[0].name, options: options, requirements: requirements)
        self.projection = projection
        self.schema = Schema(projection.map { .init(name: $0.mapping.column.name, type: $0.type) })
        var total = first.size
        for file in files.dropFirst() {
            let other = try ParquetFile(path: file.path, name: file.name)
            try Self.check(other, name: file.name, against: projection, firstName: files[0].name)
            total += other.size
        }
        self.totalBytes = total
        current = try Self.cursor(first, name: files[0].name, projection: projection)
        nextFile = 1
    }

    /// A reader of one file, named by its path.
    public convenience init(path: String, options: Options = Options(),
                            requirements: ReaderRequirements = ReaderRequirements()) throws {
        try self.init(files: [(path, path)], sourceName: path, options: options, requirements: requirements)
    }

    /// Reads up to `maxRows` rows (at least one); a batch never spans two row groups. Parquet rows
    /// are typed by the file, so there are no parse rejections.
    public func next(maxRows: Int) throws -> ReadResult? {
        try nextSlice(maxRows: maxRows)?.read()
    }

    /// The next rows as a unit: the reader decodes row groups (their columns in parallel), and the
    /// worker that takes the unit slices its rows out and builds their quarantine records.
    public func nextUnit(maxRows: Int) throws -> ReadUnit? {
        guard let slice = try nextSlice(maxRows: maxRows) else { return nil }
        return ReadUnit(end: nil) { slice.read() }
    }

    /// Rows taken from a row group, as columns; the worker that takes the unit builds their
    /// quarantine records.
    struct Slice: Sendable {
        var columns: [Column]
        var firstLine: Int
        var fileName: String?

        func read() -> ReadResult {
            let origins = ParquetReader.makeOrigins(columns, firstLine: firstLine, fileName: fileName)
            return ReadResult(batch: Batch(columns: columns, origins: origins), rejections: [])
        }
    }

    private func nextSlice(maxRows: Int) throws -> Slice? {
        let limit = max(1, maxRows)
        while current == nil || current!.offset >= current!.groupRows {
            if current != nil, current!.nextGroup < current!.file.metadata.rowGroups.count {
                try openNextGroup()
                continue
            }
            if let done = current {
                doneBytes += done.file.size
                current = nil
            }
            guard nextFile < files.count else { return nil }
            let f = files[nextFile]
            let file = try ParquetFile(path: f.path, name: f.name)
            try Self.check(file, name: f.name, against: projection, firstName: files[0].name)
            current = try Self.cursor(file, name: f.name, projection: projection)
            nextFile += 1
        }
        var c = current!
        let n = min(limit, c.groupRows - c.offset)
        let columns = try Self.take(n, from: &c.columns, projection: projection, fileName: c.file.name, cores: cores)
        let firstLine = c.rowsBefore + c.offset + 1
        c.offset += n
        current = c
        return Slice(columns: columns, firstLine: firstLine, fileName: files.count > 1 ? files[nextFile - 1].name : nil)
    }

    /// The next `n` rows of every column, read and decoded column-parallel on the free `cores` (the
    /// columns' pages are independent); the cursors move only when all columns succeed.
    private static func take(_ n: Int, from cursors: inout [ParquetColumnCursor], projection: [Projected],
                             fileName: String, cores: CPUBudget?) throws -> [Column] {
        var moved = cursors
        var results = [Result<Column, ParquetError>?](repeating: nil, count: cursors.count)
        moved.withUnsafeMutableBufferPointer { cursorSlots in
            results.withUnsafeMutableBufferPointer { resultSlots in
                nonisolated(unsafe) let cursorSlots = cursorSlots, resultSlots = resultSlots  // each iteration owns its index
                CPUBudget.forEach(cursorSlots.count, on: cores) { i in
                    resultSlots[i] = Result { () throws(ParquetError) -> Column in
                        let p = projection[i]
                        let data = try cursorSlots[i].take(n)
                        guard data.rowCount == n else {
                            throw ParquetError(file: fileName, .corrupt, "column '\(p.mapping.column.name)': \(data.rowCount) rows where \(n) were due")
                        }
                        do throws(ParquetError) { return try p.mapping.makeColumn(data, as: p.type) } catch {
                            throw ParquetError(file: fileName, error.kind, error.message)
                        }
                    }
                }
            }
        }
        var columns: [Column] = []
        for result in results { columns.append(try result!.get()) }
        cursors = moved
        return columns
    }

    /// The files read, for a checkpoint's input identity.
    public var inputPaths: [String] { files.map(\.path) }

    /// Opens the next row group of the current file: a page cursor per column, nothing decoded yet.
    private func openNextGroup() throws {
        var c = current!
        let g = c.nextGroup
        c.columns = try c.readers.map { reader throws(ParquetError) in try reader.cursor(rowGroup: g) }
        c.rowsBefore += c.groupRows
        c.groupRows = Int(c.file.metadata.rowGroups[g].numRows)
        c.offset = 0
        c.nextGroup = g + 1
        current = c
    }

    // MARK: - Schema

    private static func cursor(_ file: ParquetFile, name: String, projection: [Projected]) throws -> Cursor {
        let readers = projection.map { ParquetColumnChunkReader(file: file, column: $0.mapping.column) }
        return Cursor(file: file, readers: readers, rows: file.metadata.numRows)
    }

    /// The projected columns of `file`, typed: `columns` overrides, then the plan's pinned types, then
    /// the natural type (a column the plan uses as a number must be numeric).
    static func project(_ file: ParquetFile, name: String, options: Options,
                        requirements: ReaderRequirements) throws -> [Projected] {
        let all = try file.metadata.flatColumns(file: name)
        let byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var chosen: [ParquetColumn] = []
        if let select = options.select {
            for n in select {
                guard let column = byName[n] else {
                    throw PlanProblem(key: .select, message: "\(name) has no column '\(n)' (its columns: \(all.map(\.name).joined(separator: ", ")))")
                }
                if !chosen.contains(where: { $0.name == n }) { chosen.append(column) }
            }
        } else {
            chosen = all
        }
        let declared = Dictionary(options.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { _, last in last })
        for n in declared.keys.sorted() where !chosen.contains(where: { $0.name == n }) {
            throw PlanProblem(key: .columns, message: byName[n] == nil ? "\(name) has no column '\(n)'"
                              : "column '\(n)' is not among the selected columns")
        }
        var projected: [Projected] = []
        for column in chosen {
            let mapping = try ParquetColumnMapping(column, file: name)
            let type: ColumnType
            if let t = declared[column.name] {
                guard mapping.canConvert(to: t) else {
                    throw PlanProblem(key: .columns, message: "column '\(column.name)' is \(mapping.parquetType) in \(name) and cannot be read as \(t)")
                }
                type = t
            } else if let t = requirements.columnTypes[column.name] {
                guard mapping.canConvert(to: t) else {
                    throw PlanProblem(key: .reader, message: "the plan needs column '\(column.name)' as \(t), but it is \(mapping.parquetType) in \(name)")
                }
                type = t
            } else {
                if requirements.numericColumns.contains(column.name) && !mapping.naturalType.isNumeric {
                    throw PlanProblem(key: .reader, message: "the plan uses column '\(column.name)' as a number, but it is \(mapping.parquetType) in \(name)")
                }
                type = mapping.naturalType
            }
            projected.append(Projected(mapping: mapping, type: type))
        }
        return projected
    }

    /// Checks a later file has each projected column, with the same mapping as the first file.
    static func check(_ file: ParquetFile, name: String, against projection: [Projected], firstName: String) throws {
        let all = try file.metadata.flatColumns(file: name)
        for p in projection {
            guard let column = all.first(where: { $0.name == p.mapping.column.name }) else {
                throw InputError(.inconsistent, file: name, "has no column '\(p.mapping.column.name)', which \(firstName) has")
            }
            let mapping = try ParquetColumnMapping(column, file: name)
            guard mapping.parquetType == p.mapping.parquetType else {
                throw InputError(.inconsistent, file: name, "column '\(column.name)' is \(mapping.parquetType), but \(p.mapping.parquetType) in \(firstName)")
            }
        }
    }
}
