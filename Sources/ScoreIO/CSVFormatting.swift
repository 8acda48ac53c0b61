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

    /// Formats every value of `column` into `out`, recording where each ends in `ends`.
    /// Column by column keeps the type switch out of the per-cell loop.
    static func format(_ column: Column, delimiter: UInt8, quoteNull: Bool, into out: inout [UInt8], ends: inout [Int]) {
        let rows = column.count
        @inline(__always) func null(_ r: Int) -> Bool {
            guard column.isNull(r) else { return false }
            // A lone empty field would be a blank line, which readers skip; `""` keeps the row.
            if quoteNull { out.append(CSVScanner.quote); out.append(CSVScanner.quote) }
            ends.append(out.count)
            return true
        }
        switch column.data {
        case .float64(let values):
            for r in 0 ..< rows where !null(r) {
                NumberFormatting.appendCompact(values[r], to: &out)
                ends.append(out.count)
            }
        case .int64(let values):
            for r in 0 ..< rows where !null(r) {
                NumberFormatting.appendInteger(values[r], to: &out)
                ends.append(out.count)
            }
        case .bool(let values):
            for r in 0 ..< rows where !null(r) {
                if values[r] {
                    out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
                } else {
                    out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
                }
                ends.append(out.count)
            }
        case .string(let strings):
            strings.bytes.withUnsafeBytes { raw in
                for r in 0 ..< rows where !null(r) {
                    let value = UnsafeRawBufferPointer(rebasing: raw[strings.offsets[r] ..< strings.offsets[r + 1]])
                    appendString(value, delimiter: delimiter, to: &out)
                    ends.append(out.count)
                }
            }
        }
    }
}
