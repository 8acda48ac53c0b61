import ScoreCore

/// Turns a batch's field spans into typed columns: one pass per column over the spans, parsing
/// numbers from the bytes in place. A value fixed once the schema is: workers each use a copy.
struct CSVBatchBuilder: Sendable {
    let schema: Schema
    let typeSources: [ColumnTypeSource]
    let inferRows: Int
    let columnsKeyPath: String

    /// Builds the batch from `records` (all with the schema's field count, fields in `fields`,
    /// row-major). Rows with a cell that does not parse become `type` rejections.
    /// `shared`, when given, is the array `p` points into: the rows' origins keep it instead of a copy.
    func makeBatch(_ p: UnsafePointer<UInt8>, fields: FieldTable, records: RecordList, rejections: inout [Rejection],
                   shared: [UInt8]? = nil) -> Batch {
        let rows = records.count
        let columnCount = schema.fields.count
        var rowErrors: [Int: String] = [:]  // rare: a dictionary keeps the clean path free of bookkeeping
        // The batch's bytes, which the rows' origins and the typed columns' source text share:
        // the unit's own buffer, or one copy of the records' range.
        let first = shared == nil && rows > 0 ? records.starts[0] : 0
        let buffer = shared ?? (rows > 0 ? Array(UnsafeBufferPointer(start: p + first, count: records.ends[rows - 1] - first)) : [])
        var columns: [Column] = []
        columns.reserveCapacity(columnCount)
        for (c, field) in schema.fields.enumerated() {
            let cells = ColumnCells(p: p, fields: fields, column: c, stride: columnCount, rows: rows)
            let context = CellContext(column: field.name, type: field.type, source: typeSources[c],
                                      inferRows: inferRows, columnsKeyPath: columnsKeyPath)
            var column = Self.makeColumn(cells, context, rowErrors: &rowErrors)
            if context.type != .string {
                // The cells' text too, as spans of the shared bytes, so a CSV writer passes the
                // values through as they were typed. (A cell with doubled quotes never parses as
                // a number or a boolean, so its row is rejected: raw spans are exact here.)
                column.sourceText = Self.sourceText(cells, buffer: buffer, first: first)
            }
            columns.append(column)
        }

        var kept: [Int]?
        if !rowErrors.isEmpty {
            var keep: [Int] = []
            keep.reserveCapacity(rows - rowErrors.count)
            for r in 0 ..< rows {
                if let reason = rowErrors[r] {
                    rejections.append(Rejection(
                        line: records.lines[r], stage: "parse", rule: "type", reason: reason,
                        record: Array(UnsafeBufferPointer(start: p + records.starts[r],
                                                          count: records.ends[r] - records.starts[r]))))
                } else {
                    keep.append(r)
                }
            }
            columns = columns.map { $0.gather(keep) }
            kept = keep
        }
        return Batch(columns: columns, origins: makeOrigins(records: records, kept: kept, buffer: buffer, first: first))
    }

    private static func sourceText(_ cells: ColumnCells, buffer: [UInt8], first: Int) -> SourceText {
        var starts = [Int](repeating: 0, count: cells.rows), ends = [Int](repeating: 0, count: cells.rows)
        for r in 0 ..< cells.rows {
            let f = cells.field(r)
            starts[r] = cells.fields.starts[f] - first
            ends[r] = cells.fields.ends[f] - first
        }
        return SourceText(bytes: buffer, starts: starts, ends: ends)
    }

    /// Each row's line and its record's span in `buffer` (which starts at `first` of the scanned bytes).
    private func makeOrigins(records: RecordList, kept: [Int]?, buffer: [UInt8], first: Int) -> RowOrigins {
        guard records.count > 0 else { return RowOrigins() }
        guard let kept else {
            return RowOrigins(lines: records.lines, recordBytes: buffer,
                              recordStarts: first == 0 ? records.starts : records.starts.map { $0 - first },
                              recordEnds: first == 0 ? records.ends : records.ends.map { $0 - first })
        }
        return RowOrigins(lines: kept.map { records.lines[$0] }, recordBytes: buffer,
                          recordStarts: kept.map { records.starts[$0] - first }, recordEnds: kept.map { records.ends[$0] - first })
    }

    private static func makeColumn(_ cells: ColumnCells, _ context: CellContext, rowErrors: inout [Int: String]) -> Column {
        switch context.type {
        case .float64: makeFloatColumn(cells, context, rowErrors: &rowErrors)
        case .int64: makeIntColumn(cells, context, rowErrors: &rowErrors)
        case .bool: makeBoolColumn(cells, context, rowErrors: &rowErrors)
        case .string: makeStringColumn(cells, context)
        }
    }

    private static func makeFloatColumn(_ cells: ColumnCells, _ context: CellContext, rowErrors: inout [Int: String]) -> Column {
        var nullRows: [Int] = []
        let values = [Double](unsafeUninitializedCapacity: cells.rows) { buffer, initialized in
            for r in 0 ..< cells.rows {
                let f = cells.field(r)
                let start = cells.fields.starts[f], end = cells.fields.ends[f]
                if start == end {
                    buffer[r] = 0
                    nullRows.append(r)
                    continue
                }
                let parsed: Double?
                parsed = cells.parse(f, NumberParsing.parseDouble)
                if let parsed {
                    buffer[r] = parsed
                } else {
                    buffer[r] = 0
                    if rowErrors[r] == nil { rowErrors[r] = context.reason(cells.display(f), "is not a number") }
                }
            }
            initialized = cells.rows
        }
        return Column(name: context.column, data: .float64(values), nulls: nullBitmap(cells.rows, nullRows))
    }

    private static func makeIntColumn(_ cells: ColumnCells, _ context: CellContext, rowErrors: inout [Int: String]) -> Column {
        var nullRows: [Int] = []
        let values = [Int64](unsafeUninitializedCapacity: cells.rows) { buffer, initialized in
            for r in 0 ..< cells.rows {
                let f = cells.field(r)
                let start = cells.fields.starts[f], end = cells.fields.ends[f]
                buffer[r] = 0
                if start == end {
                    nullRows.append(r)
                    continue
                }
                let parsed: IntParseResult
                parsed = cells.parse(f, NumberParsing.parseInt64)
                switch parsed {
                case .value(let v):
                    buffer[r] = v
                case .invalid:
                    if rowErrors[r] == nil { rowErrors[r] = context.reason(cells.display(f), "is not an integer") }
                case .overflow:
                    if rowErrors[r] == nil { rowErrors[r] = context.reason(cells.display(f), "is out of the int64 range") }
                }
            }
            initialized = cells.rows
        }
        return Column(name: context.column, data: .int64(values), nulls: nullBitmap(cells.rows, nullRows))
    }

    private static func makeBoolColumn(_ cells: ColumnCells, _ context: CellContext, rowErrors: inout [Int: String]) -> Column {
        var nullRows: [Int] = []
        var values: [Bool] = []
        values.reserveCapacity(cells.rows)
        for r in 0 ..< cells.rows {
            let f = cells.field(r)
            let start = cells.fields.starts[f], end = cells.fields.ends[f]
            if start == end {
                values.append(false)
                nullRows.append(r)
                continue
            }
            let parsed: Bool?
            parsed = cells.parse(f, NumberParsing.parseBool)
            values.append(parsed ?? false)
            if parsed == nil, rowErrors[r] == nil {
                rowErrors[r] = context.reason(cells.display(f), "is not a boolean (true or false)")
            }
        }
        return Column(name: context.column, data: .bool(values), nulls: nullBitmap(cells.rows, nullRows))
    }

    /// The cells as text: one pass to size the buffers, one to fill them with plain stores (the
    /// per-value `Array.append` calls this replaced were a tenth of a CSV job's time). Escaped
    /// cells (doubled quotes) unescape in place; their value is never longer than their span.
    static func makeStringColumn(_ cells: ColumnCells, _ context: CellContext) -> Column {
        let rows = cells.rows
        var byteCount = 0
        for r in 0 ..< rows {
            let f = cells.field(r)
            byteCount += cells.fields.ends[f] - cells.fields.starts[f]
        }
        var nullRows: [Int] = []
        var offsets = [Int](repeating: 0, count: rows + 1)
        let bytes = offsets.withUnsafeMutableBufferPointer { offsets in
            [UInt8](unsafeUninitializedCapacity: max(1, byteCount)) { buffer, initialized in
                let out = buffer.baseAddress!
                var o = 0
                for r in 0 ..< rows {
                    let f = cells.field(r)
                    let start = cells.fields.starts[f], end = cells.fields.ends[f]
                    let kind = cells.fields.kinds[f]
                    if kind == FieldKind.escaped.rawValue {
                        CSVUnescape.forEachByte(cells.p, from: start, to: end) { b in
                            out[o] = b
                            o += 1
                        }
                    } else {
                        if start == end && kind == FieldKind.plain.rawValue { nullRows.append(r) }
                        ByteCopy.copy(out + o, cells.p + start, end - start)
                        o += end - start
                    }
                    offsets[r + 1] = o
                }
                initialized = o
            }
        }
        return Column(name: context.column, data: .string(StringColumn(bytes: bytes, offsets: offsets)),
                      nulls: nullBitmap(rows, nullRows))
    }

    private static func nullBitmap(_ rows: Int, _ nullRows: [Int]) -> NullBitmap? {
        if nullRows.isEmpty { return nil }
        var bitmap = NullBitmap(count: rows)
        for r in nullRows { bitmap.setNull(r) }
        return bitmap
    }
}

/// The cells of one column in a batch's row-major field table.
struct ColumnCells {
    let p: UnsafePointer<UInt8>
    let fields: FieldTable
    let column: Int
    let stride: Int
    let rows: Int

    @inline(__always)
    func field(_ row: Int) -> Int { row &* stride &+ column }

    /// Runs `parse` on field `f`'s bytes, unescaping doubled quotes first when the field has them
    /// (rare, so only that path copies).
    @inline(__always)
    func parse<T>(_ f: Int, _ parse: (UnsafePointer<UInt8>, Int) -> T) -> T {
        let start = fields.starts[f], end = fields.ends[f]
        guard fields.kinds[f] == FieldKind.escaped.rawValue else { return parse(p + start, end - start) }
        return CSVUnescape.bytes(p, from: start, to: end).withUnsafeBufferPointer { parse($0.baseAddress ?? p, $0.count) }
    }

    /// The cell's value for a message, cut short when long.
    func display(_ f: Int) -> String {
        let start = fields.starts[f], end = fields.ends[f]
        var text: String
        if fields.kinds[f] == FieldKind.escaped.rawValue {
            text = String(decoding: CSVUnescape.bytes(p, from: start, to: end), as: UTF8.self)
        } else {
            text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        }
        if text.count > 60 { text = String(text.prefix(57)) + "..." }
        return text
    }
}

/// What a type rejection's reason says about the column.
struct CellContext {
    let column: String
    let type: ColumnType
    let source: ColumnTypeSource
    let inferRows: Int
    let columnsKeyPath: String

    func reason(_ value: String, _ problem: String) -> String {
        source.reason("column '\(column)': '\(value)' \(problem)", type: type, inferRows: inferRows,
                      records: "records", columnsKeyPath: columnsKeyPath)
    }
}
