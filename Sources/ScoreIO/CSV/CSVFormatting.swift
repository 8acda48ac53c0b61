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
    /// Cells read from a CSV keep their text (`sourceText`), so they pass through as typed.
    static func format(_ column: Column, delimiter: UInt8, quoteNull: Bool, into out: inout ByteBuffer,
                       ends: UnsafeMutablePointer<Int>) {
        let cells = CellFormat(
            null: { out in
                // A lone empty field would be a blank line, which readers skip; `""` keeps the row.
                if quoteNull {
                    out.append(CSVScanner.quote)
                    out.append(CSVScanner.quote)
                }
            },
            string: { value, out in appendString(value, delimiter: delimiter, to: &out) },
            nonFinite: { value, out in
                out.reserve(NumberFormatting.maxLength)
                out.advance(NumberFormatting.write(value, to: out.end))
            })
        cells.format(column, text: column.sourceText, textIsPlain: sourceTextIsPlain(delimiter: delimiter),
                     into: &out, ends: ends)
    }

    /// Whether a parsed number or boolean's text can be written without the quoting check: it holds
    /// only spaces, tabs, signs, digits, `.` and letters (`e`, `nan`, `inf`, `true`, ...), never a
    /// quote or a line break, so only a delimiter among those could need quotes.
    static func sourceTextIsPlain(delimiter: UInt8) -> Bool {
        let c = delimiter | 0x20  // ASCII letters to lower case
        let isLetter = c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")
        let isDigit = delimiter >= UInt8(ascii: "0") && delimiter <= UInt8(ascii: "9")
        return !(isLetter || isDigit || delimiter == 0x20 || delimiter == 0x09 || delimiter == UInt8(ascii: "+")
            || delimiter == UInt8(ascii: "-") || delimiter == UInt8(ascii: ".") || delimiter >= 0x80)
    }
}
