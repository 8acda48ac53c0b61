#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// Turns lines into a batch: each line's object into typed cells, cells into columns. A value
/// fixed once the schema is, so the workers each parse their own units with it.
struct JSONLRowParser: Sendable {
    let schema: Schema
    let columnIndex: [String: Int]
    let typeSources: [ColumnTypeSource]
    let inferRows: Int
    let columnsKeyPath: String

    /// The batch of the lines in `p[0 ..< end]`, which start on `firstLine`: blank lines are
    /// skipped, lines that are not rows become rejections. `shared`, when given, is the array `p`
    /// points into (rows keep it as their original text instead of a copy).
    func parse(_ p: UnsafePointer<UInt8>, end: Int, firstLine: Int, shared: [UInt8]? = nil) -> ReadResult {
        var records = RecordList(reserving: end / 32 + 1)
        var rejections: [Rejection] = []
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, reserving: end / 32 + 1) }
        var cells = [Cell](repeating: .null, count: schema.fields.count)
        var rel = 0
        var line = firstLine
        while rel < end {
            let lf = memchr(p + rel, 0x0A, end - rel).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - p } ?? end
            let contentEnd = lf > rel && p[lf - 1] == 0x0D ? lf - 1 : lf
            defer {
                rel = lf + 1
                line += 1
            }
            if JSONLReader.isBlank(p, from: rel, to: contentEnd) { continue }
            let bytes = Array(UnsafeBufferPointer(start: p + rel, count: contentEnd - rel))
            if let problem = convert(bytes, into: &cells) {
                rejections.append(Rejection(line: line, stage: "parse", rule: problem.rule, reason: problem.reason, record: bytes))
                continue
            }
            for c in 0 ..< cells.count { builders[c].append(cells[c]) }
            records.append(start: rel, end: contentEnd, line: line)
        }
        let columns = zip(schema.fields, builders).map { $1.column(named: $0.name) }
        return ReadResult(batch: Batch(columns: columns, origins: Self.makeOrigins(p, records: records, shared: shared)),
                          rejections: rejections)
    }

    /// The rows' original text: `shared`, or one copy of the batch's byte range.
    private static func makeOrigins(_ p: UnsafePointer<UInt8>, records: RecordList, shared: [UInt8]?) -> RowOrigins {
        guard records.count > 0 else { return RowOrigins() }
        if let shared {
            return RowOrigins(lines: records.lines, recordBytes: shared, recordStarts: records.starts, recordEnds: records.ends)
        }
        let first = records.starts[0]
        let bytes = Array(UnsafeBufferPointer(start: p + first, count: records.ends[records.count - 1] - first))
        return RowOrigins(lines: records.lines, recordBytes: bytes, recordStarts: records.starts.map { $0 - first },
                          recordEnds: records.ends.map { $0 - first })
    }

    /// Why a line is not a row.
    struct RowProblem: Error {
        /// `json` (not valid JSON, or not an object), `nested` or `type`.
        var rule: String
        var reason: String
    }

    /// Parses `bytes` and fills `cells` in schema order; nil when the line is a row.
    func convert(_ bytes: [UInt8], into cells: inout [Cell]) -> RowProblem? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return RowProblem(rule: "json", reason: "not valid JSON: column \(error.column): \(error.message)")
        }
        guard case .object(let members) = value else {
            return RowProblem(rule: "json", reason: "a JSON Lines record must be an object, found \(value.kindDescription)")
        }
        for c in 0 ..< cells.count { cells[c] = .null }
        for (key, member) in members {
            guard let c = columnIndex[key] else { continue }  // keys outside the schema are ignored
            switch cell(member, column: c) {
            case .success(let cell): cells[c] = cell
            case .failure(let problem): return problem
            }
        }
        return nil
    }

    /// `value` as a cell of column `c`'s type.
    private func cell(_ value: JSONValue, column c: Int) -> Result<Cell, RowProblem> {
        let field = schema.fields[c]
        func wrongType(_ expected: String) -> Result<Cell, RowProblem> {
            .failure(RowProblem(rule: "type", reason: reason(c, "expected \(expected), found \(value.kindDescription)")))
        }
        switch value {
        case .null:
            return .success(.null)
        case .array, .object:
            return .failure(RowProblem(
                rule: "nested",
                reason: "column '\(field.name)': nested values (\(value.kindDescription)) are not supported; flatten them before scoring"))
        default:
            break
        }
        switch field.type {
        case .float64:
            if let d = value.doubleValue { return .success(.double(d)) }
            return wrongType("a number")
        case .int64:
            switch value {
            case .int(let i):
                return .success(.int(i))
            case .double(let d) where d.rounded(.towardZero) == d:
                // Exactly representable bounds: -2^63 is an Int64, 2^63 is not.
                if d >= -9_223_372_036_854_775_808.0 && d < 9_223_372_036_854_775_808.0 { return .success(.int(Int64(d))) }
                return .failure(RowProblem(rule: "type", reason: reason(c, "\(NumberFormatting.shortest(d)) is out of the int64 range")))
            case .double(let d):
                return .failure(RowProblem(rule: "type", reason: reason(c, "\(NumberFormatting.shortest(d)) is not an integer")))
            default:
                return wrongType("an integer")
            }
        case .bool:
            if case .bool(let b) = value { return .success(.bool(b)) }
            return wrongType("true or false")
        case .string:
            switch value {
            case .string(let s): return .success(.string(s))
            // Scalars in a text column keep their JSON text, so a mixed column passes through.
            case .int(let i): return .success(.string(String(i)))
            case .double(let d): return .success(.string(NumberFormatting.shortest(d)))
            case .bool(let b): return .success(.string(b ? "true" : "false"))
            default: return .success(.null)
            }
        }
    }

    /// A type rejection's reason, saying why the column has its type.
    private func reason(_ c: Int, _ problem: String) -> String {
        let field = schema.fields[c]
        return typeSources[c].reason("column '\(field.name)': \(problem)", type: field.type, inferRows: inferRows,
                                     records: "objects", columnsKeyPath: columnsKeyPath)
    }
}

/// One value of a row, converted to its column's type.
enum Cell: Sendable {
    case null
    case double(Double)
    case int(Int64)
    case bool(Bool)
    case string(String)
}

/// Accumulates one column of a batch.
struct ColumnBuilder {
    let type: ColumnType
    private var doubles: [Double] = []
    private var ints: [Int64] = []
    private var bools: [Bool] = []
    private var strings = StringColumn()
    private var nulls = NullBitmap()
    private var hasNull = false

    init(type: ColumnType, reserving n: Int) {
        self.type = type
        switch type {
        case .float64: doubles.reserveCapacity(n)
        case .int64: ints.reserveCapacity(n)
        case .bool: bools.reserveCapacity(n)
        case .string: strings.reserveCapacity(rows: n, bytes: n * 8)
        }
    }

    /// Appends `cell`, which `JSONLReader.convert` made of this column's type (or null).
    mutating func append(_ cell: Cell) {
        let isNull: Bool
        if case .null = cell { isNull = true } else { isNull = false }
        nulls.append(isNull: isNull)
        hasNull = hasNull || isNull
        switch (type, cell) {
        case (.float64, .double(let d)): doubles.append(d)
        case (.float64, _): doubles.append(0)
        case (.int64, .int(let i)): ints.append(i)
        case (.int64, _): ints.append(0)
        case (.bool, .bool(let b)): bools.append(b)
        case (.bool, _): bools.append(false)
        case (.string, .string(let s)): strings.append(s)
        case (.string, _): strings.appendEmpty()
        }
    }

    func column(named name: String) -> Column {
        let data: ColumnData = switch type {
        case .float64: .float64(doubles)
        case .int64: .int64(ints)
        case .bool: .bool(bools)
        case .string: .string(strings)
        }
        return Column(name: name, data: data, nulls: hasNull ? nulls : nil)
    }
}
