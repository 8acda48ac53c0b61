import ScoreCore

/// The column-at-a-time cell loop shared by the text writers (CSV cells, JSON values): one type
/// switch per column, numbers formatted straight into a raw buffer, and the format's own rules for
/// nulls, strings and non-finite numbers passed in.
struct CellFormat {
    /// Writes a null cell.
    var null: (inout ByteBuffer) -> Void
    /// Writes a text cell (quoting or escaping it as the format needs).
    var string: (UnsafeRawBufferPointer, inout ByteBuffer) -> Void
    /// Writes NaN or an infinity (CSV: `nan`, `inf`; JSON, which has neither: `null`).
    var nonFinite: (Double, inout ByteBuffer) -> Void

    /// Formats every value of `column` into `out`, storing where each ends in `ends[0 ..< rows]`;
    /// `text`, when given, is written instead of the values (a column's `sourceText`), as it is
    /// when `textIsPlain` (nothing in it can need quoting or escaping), through `string` otherwise.
    @inline(__always)
    func format(_ column: Column, text: SourceText? = nil, textIsPlain: Bool = false, into out: inout ByteBuffer,
                ends: UnsafeMutablePointer<Int>) {
        let rows = column.count
        let nulls = column.nulls
        @inline(__always) func isNull(_ r: Int, _ out: inout ByteBuffer) -> Bool {
            guard let nulls, nulls.isNull(r) else { return false }
            null(&out)
            ends[r] = out.count
            return true
        }
        func strings(_ text: StringColumn, _ out: inout ByteBuffer) {
            text.bytes.withUnsafeBytes { raw in
                text.offsets.withUnsafeBufferPointer { offsets in
                    for r in 0 ..< rows where !isNull(r, &out) {
                        string(UnsafeRawBufferPointer(rebasing: raw[offsets[r] ..< offsets[r + 1]]), &out)
                        ends[r] = out.count
                    }
                }
            }
        }
        if let text {
            text.bytes.withUnsafeBytes { raw in
                text.starts.withUnsafeBufferPointer { starts in
                    text.ends.withUnsafeBufferPointer { textEnds in
                        for r in 0 ..< rows where !isNull(r, &out) {
                            let cell = UnsafeRawBufferPointer(rebasing: raw[starts[r] ..< textEnds[r]])
                            if textIsPlain { out.append(cell) } else { string(cell, &out) }
                            ends[r] = out.count
                        }
                    }
                }
            }
            return
        }
        switch column.data {
        case .float64(let values):
            values.withUnsafeBufferPointer { values in
                for r in 0 ..< rows where !isNull(r, &out) {
                    if values[r].isFinite {
                        out.reserve(NumberFormatting.maxLength)
                        out.advance(NumberFormatting.write(values[r], to: out.end))
                    } else {
                        nonFinite(values[r], &out)
                    }
                    ends[r] = out.count
                }
            }
        case .int64(let values):
            values.withUnsafeBufferPointer { values in
                for r in 0 ..< rows where !isNull(r, &out) {
                    out.reserve(NumberFormatting.maxLength)
                    out.advance(NumberFormatting.write(values[r], to: out.end))
                    ends[r] = out.count
                }
            }
        case .bool(let values):
            for r in 0 ..< rows where !isNull(r, &out) {
                let word: StaticString = values[r] ? "true" : "false"
                out.append(UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
                ends[r] = out.count
            }
        case .string(let text):
            strings(text, &out)
        }
    }
}
