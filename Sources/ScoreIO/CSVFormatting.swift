import ScoreCore

/// Formats column values as CSV field bytes: shared by the CSV writer and the quarantine.
enum CSVFormatting {
    /// Appends `value` as a field, quoted when it holds the delimiter, a quote, CR or LF, or is
    /// empty (so an empty string reads back as an empty string, not as null).
    @inline(__always)
    static func appendString(_ value: UnsafeRawBufferPointer, delimiter: UInt8, to out: inout [UInt8]) {
        if !needsQuoting(value, delimiter: delimiter) {
            out.append(contentsOf: value)
            return
        }
        out.append(CSVScanner.quote)
        for b in value {
            if b == CSVScanner.quote { out.append(CSVScanner.quote) }
            out.append(b)
        }
        out.append(CSVScanner.quote)
    }

    @inline(__always)
    static func needsQuoting(_ value: UnsafeRawBufferPointer, delimiter: UInt8) -> Bool {
        if value.isEmpty { return true }
        for b in value where b == delimiter || b == CSVScanner.quote || b == CSVScanner.lf || b == CSVScanner.cr {
            return true
        }
        return false
    }

    /// Appends `value` as a field to `out`, quoted when needed (see `appendString`).
    @inline(__always)
    static func appendString(_ value: UnsafeRawBufferPointer, delimiter: UInt8, to out: inout ByteBuffer) {
        if !needsQuoting(value, delimiter: delimiter) {
            out.append(value)
            return
        }
        out.reserve(value.count * 2 + 2)
        out.append(CSVScanner.quote)
        for b in value {
            if b == CSVScanner.quote { out.append(CSVScanner.quote) }
            out.append(b)
        }
        out.append(CSVScanner.quote)
    }

    /// Formats every value of `column` into `out`, storing where each ends in `ends[0 ..< rows]`.
    /// Column by column keeps the type switch out of the per-cell loop.
    static func format(_ column: Column, delimiter: UInt8, quoteNull: Bool, into out: inout ByteBuffer,
                       ends: UnsafeMutablePointer<Int>) {
        let rows = column.count
        let nulls = column.nulls
        @inline(__always) func null(_ r: Int, _ out: inout ByteBuffer) -> Bool {
            guard let nulls, nulls.isNull(r) else { return false }
            // A lone empty field would be a blank line, which readers skip; `""` keeps the row.
            if quoteNull {
                out.append(CSVScanner.quote)
                out.append(CSVScanner.quote)
            }
            ends[r] = out.count
            return true
        }
        /// Text cells, quoted where needed.
        func strings(_ text: StringColumn, _ out: inout ByteBuffer) {
            text.bytes.withUnsafeBytes { raw in
                text.offsets.withUnsafeBufferPointer { offsets in
                    for r in 0 ..< rows where !null(r, &out) {
                        appendString(UnsafeRawBufferPointer(rebasing: raw[offsets[r] ..< offsets[r + 1]]),
                                     delimiter: delimiter, to: &out)
                        ends[r] = out.count
                    }
                }
            }
        }
        if let text = column.sourceText {
            strings(text, &out)
            return
        }
        switch column.data {
        case .float64(let values):
            values.withUnsafeBufferPointer { values in
                for r in 0 ..< rows where !null(r, &out) {
                    out.reserve(NumberFormatting.maxLength)
                    out.advance(NumberFormatting.write(values[r], to: out.end))
                    ends[r] = out.count
                }
            }
        case .int64(let values):
            values.withUnsafeBufferPointer { values in
                for r in 0 ..< rows where !null(r, &out) {
                    out.reserve(NumberFormatting.maxLength)
                    out.advance(NumberFormatting.write(values[r], to: out.end))
                    ends[r] = out.count
                }
            }
        case .bool(let values):
            for r in 0 ..< rows where !null(r, &out) {
                let text: StaticString = values[r] ? "true" : "false"
                out.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
                ends[r] = out.count
            }
        case .string(let text):
            strings(text, &out)
        }
    }
}
