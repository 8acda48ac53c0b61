import ScoreCore

/// Rows as JSON objects (`{"id":7,"name":"x"}`), formatted column by column: one type switch per
/// column instead of one per cell, raw-buffer appends, and strings copied whole when nothing in
/// them needs escaping. The JSON Lines writer's rows and the Parquet reader's quarantine records.
struct JSONRowFormatter: Sendable {
    /// Each column's `"name":`, escaped once, with the separator before it.
    let keys: [[UInt8]]
    /// `{`, or `{"@file":"part-2.parquet",` style members that every row starts with.
    let prefix: [UInt8]

    init(names: [String], leading members: [(String, String)] = []) {
        var prefix: [UInt8] = [UInt8(ascii: "{")]
        for (i, (key, value)) in members.enumerated() {
            if i > 0 { prefix.append(UInt8(ascii: ",")) }
            JSONFormatting.appendString(key, to: &prefix)
            prefix.append(UInt8(ascii: ":"))
            JSONFormatting.appendString(value, to: &prefix)
        }
        self.prefix = prefix
        keys = names.enumerated().map { i, name in
            var key: [UInt8] = i > 0 || !members.isEmpty ? [UInt8(ascii: ",")] : []
            JSONFormatting.appendString(name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    /// The rows of `columns` (in `keys` order), each followed by `terminator` if given; `ends[r]`
    /// is where row r ends (before its terminator).
    func format(_ columns: [Column], rows: Int, terminator: UInt8? = nil) -> (bytes: [UInt8], ends: [Int]) {
        let columnCount = columns.count
        var cells = ByteBuffer(capacity: rows * max(1, columnCount) * 10)
        let cellEnds = UnsafeMutablePointer<Int>.allocate(capacity: max(1, rows * columnCount))
        defer { cellEnds.deallocate() }
        for (c, column) in columns.enumerated() {
            Self.formatValues(column, into: &cells, ends: cellEnds + c * rows)
        }
        let fixed = prefix.count + 1 + (terminator == nil ? 0 : 1) + keys.reduce(0) { $0 + $1.count }
        var ends = [Int](repeating: 0, count: rows)
        let cellBytes = cells.base
        // Every key back to back, so the row loop touches no array (a retain per cell otherwise).
        let keyBytes = keys.flatMap { $0 }
        var keyEnds: [Int] = []
        for key in keys { keyEnds.append((keyEnds.last ?? 0) + key.count) }
        let bytes = [UInt8](unsafeUninitializedCapacity: cells.count + rows * fixed) { buffer, initialized in
            let out = buffer.baseAddress!
            var n = 0
            prefix.withUnsafeBufferPointer { prefix in
                keyBytes.withUnsafeBufferPointer { keyBytes in
                    keyEnds.withUnsafeBufferPointer { keyEnds in
                        ends.withUnsafeMutableBufferPointer { ends in
                            for r in 0 ..< rows {
                                ByteCopy.copy(out + n, prefix.baseAddress!, prefix.count)
                                n += prefix.count
                                for c in 0 ..< columnCount {
                                    let keyStart = c == 0 ? 0 : keyEnds[c - 1]
                                    ByteCopy.copy(out + n, keyBytes.baseAddress! + keyStart, keyEnds[c] - keyStart)
                                    n += keyEnds[c] - keyStart
                                    let k = c &* rows &+ r
                                    let start = k == 0 ? 0 : cellEnds[k &- 1]
                                    ByteCopy.copy(out + n, cellBytes + start, cellEnds[k] &- start)
                                    n += cellEnds[k] &- start
                                }
                                out[n] = UInt8(ascii: "}")
                                n += 1
                                ends[r] = n
                                if let terminator {
                                    out[n] = terminator
                                    n += 1
                                }
                            }
                        }
                    }
                }
            }
            initialized = n
        }
        return (bytes, ends)
    }

    private static let null: StaticString = "null"

    /// Every value of `column` as JSON, storing where each ends in `ends[0 ..< rows]`.
    private static func formatValues(_ column: Column, into out: inout ByteBuffer, ends: UnsafeMutablePointer<Int>) {
        let writeNull: (inout ByteBuffer) -> Void = { out in
            out.append(UnsafeRawBufferPointer(start: Self.null.utf8Start, count: Self.null.utf8CodeUnitCount))
        }
        // JSON has no NaN or infinity: they are null.
        CellFormat(null: writeNull, string: { value, out in appendString(value, to: &out) }, nonFinite: { _, out in writeNull(&out) })
            .format(column, into: &out, ends: ends)
    }

    /// A JSON string: copied whole between quotes when no byte needs escaping (plain ASCII text,
    /// the common case), else through `JSONFormatting.appendString`.
    @inline(__always)
    private static func appendString(_ value: UnsafeRawBufferPointer, to out: inout ByteBuffer) {
        var plain = true
        for b in value where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b >= 0x7F {
            plain = false
            break
        }
        if plain {
            out.reserve(value.count + 2)
            out.append(UInt8(ascii: "\""))
            out.append(value)
            out.append(UInt8(ascii: "\""))
        } else {
            var escaped: [UInt8] = []
            JSONFormatting.appendString(value, to: &escaped)
            escaped.withUnsafeBytes { out.append($0) }
        }
    }
}
