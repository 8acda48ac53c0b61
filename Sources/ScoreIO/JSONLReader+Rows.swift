import ScoreCore

/// Turning one line's object into typed cells, and cells into columns.
extension JSONLReader {
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
        let base = "column '\(field.name)': \(problem)"
        switch typeSources[c] {
        case .declared:
            return base
        case .required:
            return base + " (the job requires \(field.type))"
        case .requiredNumeric:
            return base + " (the job uses this column as a number)"
        case .inferred:
            return base + " (\(field.type) was inferred from the first \(options.inferRows) objects; declare the column's type under \(options.columnsKeyPath))"
        }
    }
}

/// One value of a row, converted to its column's type.
enum Cell {
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
