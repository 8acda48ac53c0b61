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
    func makeOrigins(_ columns: [Column], firstLine: Int, fileName: String?) -> RowOrigins {
        let rows = columns.first?.count ?? 0
        var bytes: [UInt8] = []
        var starts: [Int] = [], ends: [Int] = []
        starts.reserveCapacity(rows)
        ends.reserveCapacity(rows)
        let keys: [[UInt8]] = columns.map { c in
            var k: [UInt8] = []
            JSONFormatting.appendString(c.name, to: &k)
            k.append(UInt8(ascii: ":"))
            return k
        }
        var prefix: [UInt8] = [UInt8(ascii: "{")]
        if let fileName {
            JSONFormatting.appendString("@file", to: &prefix)
            prefix.append(UInt8(ascii: ":"))
            JSONFormatting.appendString(fileName, to: &prefix)
        }
        for r in 0 ..< rows {
            starts.append(bytes.count)
            bytes.append(contentsOf: prefix)
            for (i, c) in columns.enumerated() {
                if i > 0 || fileName != nil { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: keys[i])
                Self.appendJSON(c, r, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
            ends.append(bytes.count)
        }
        return RowOrigins(lines: (0 ..< rows).map { firstLine + $0 }, recordBytes: bytes, recordStarts: starts, recordEnds: ends)
    }

    private static func appendJSON(_ c: Column, _ r: Int, to out: inout [UInt8]) {
        if c.isNull(r) { out.append(contentsOf: Array("null".utf8)); return }
        switch c.data {
        case .float64(let v): JSONFormatting.appendNumber(v[r], to: &out)
        case .int64(let v): out.append(contentsOf: Array(String(v[r]).utf8))
        case .bool(let v): out.append(contentsOf: Array((v[r] ? "true" : "false").utf8))
        case .string(let s): s.withBytes(r) { JSONFormatting.appendString($0, to: &out) }
        }
    }
}
