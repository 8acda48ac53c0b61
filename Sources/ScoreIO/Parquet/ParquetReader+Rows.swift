import ScoreCore

/// Slicing a decoded row group into batches, and the JSON records that stand for rows in the quarantine.
extension ParquetReader {
    /// Rows `range` of `column`.
    static func slice(_ column: Column, _ range: Range<Int>) -> Column {
        if range.lowerBound == 0 && range.upperBound == column.count { return column }
        let data: ColumnData
        switch column.data {
        case .float64(let v): data = .float64(Array(v[range]))
        case .int64(let v): data = .int64(Array(v[range]))
        case .bool(let v): data = .bool(Array(v[range]))
        case .string(let s):
            let start = s.offsets[range.lowerBound], end = s.offsets[range.upperBound]
            data = .string(StringColumn(bytes: Array(s.bytes[start ..< end]),
                                        offsets: s.offsets[range.lowerBound ... range.upperBound].map { $0 - start }))
        }
        var nulls: NullBitmap?
        if let all = column.nulls {
            var n = NullBitmap()
            n.reserveCapacity(range.count)
            for r in range { n.append(isNull: all.isNull(r)) }
            nulls = n
        }
        return Column(name: column.name, data: data, nulls: nulls)
    }

    /// Each row as a JSON object of its values (`{"@file":"part-2.parquet","id":7,"name":"x"}`), the line
    /// being its 1-based index in its file.
    static func makeOrigins(_ columns: [Column], firstLine: Int, fileName: String?) -> RowOrigins {
        let rows = columns.first?.count ?? 0
        let formatter = JSONRowFormatter(names: columns.map(\.name), leading: fileName.map { [("@file", $0)] } ?? [])
        let (bytes, ends) = formatter.format(columns, rows: rows)
        var starts = [Int](repeating: 0, count: rows)
        for r in 1 ..< max(1, rows) { starts[r] = ends[r - 1] }
        return RowOrigins(lines: Array(firstLine ..< firstLine + rows), recordBytes: bytes, recordStarts: starts, recordEnds: ends)
    }
}
