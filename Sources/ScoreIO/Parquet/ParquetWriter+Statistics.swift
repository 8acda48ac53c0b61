/// Column-chunk statistics: min and max, PLAIN-encoded, in each type's sort order (signed for
/// INT64 and DOUBLE, false < true for BOOLEAN, unsigned byte-wise for UTF-8 strings).
extension ParquetChunkEncoder {
    /// Strings longer than this are left out of min / max (the footer should stay small).
    static let maxStatisticsStringBytes = 256

    /// The chunk's (min, max); nil when there is no non-null value (or, for doubles, only NaNs).
    static func statistics(_ column: ParquetColumnBuffer) -> ([UInt8]?, [UInt8]?) {
        var minBytes: [UInt8] = [], maxBytes: [UInt8] = []
        switch column.type {
        case .int64:
            guard let lo = column.ints.min(), let hi = column.ints.max() else { return (nil, nil) }
            ParquetEncoder.appendLittleEndian(lo, to: &minBytes)
            ParquetEncoder.appendLittleEndian(hi, to: &maxBytes)
        case .float64:
            // NaN is not ordered, so the spec leaves it out of min / max.
            var lo = Double.infinity, hi = -Double.infinity, any = false
            for v in column.doubles where !v.isNaN {
                any = true
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
            guard any else { return (nil, nil) }
            // A zero min is written as -0.0 and a zero max as +0.0, so readers comparing either sign stay right.
            if lo == 0 { lo = -0.0 }
            if hi == 0 { hi = 0.0 }
            ParquetEncoder.appendLittleEndian(lo.bitPattern, to: &minBytes)
            ParquetEncoder.appendLittleEndian(hi.bitPattern, to: &maxBytes)
        case .bool:
            guard !column.bools.isEmpty else { return (nil, nil) }
            minBytes = [column.bools.contains(false) ? 0 : 1]
            maxBytes = [column.bools.contains(true) ? 1 : 0]
        case .string:
            guard column.valueCount > 0 else { return (nil, nil) }
            // The dictionary holds each distinct value once, so scan it when there is one.
            let count = column.dictionary?.count ?? column.valueCount
            let value: (Int) -> ArraySlice<UInt8> = { i in column.dictionary?.entry(i) ?? column.string(i) }
            var lo = value(0), hi = lo
            for i in 1 ..< count {
                let s = value(i)
                if s.lexicographicallyPrecedes(lo) { lo = s }
                if hi.lexicographicallyPrecedes(s) { hi = s }
            }
            guard lo.count <= maxStatisticsStringBytes, hi.count <= maxStatisticsStringBytes else { return (nil, nil) }
            minBytes = Array(lo)
            maxBytes = Array(hi)
        }
        return (minBytes, maxBytes)
    }
}
