import ScoreCore

/// The JSON records that stand for Parquet rows in the quarantine.
extension ParquetReader {
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
