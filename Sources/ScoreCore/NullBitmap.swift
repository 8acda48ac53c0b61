/// One bit per row: set means the value is null. Kept as 64-bit words so a whole
/// batch's nulls are a few cache lines and "no nulls" is a cheap check.
public struct NullBitmap: Sendable, Equatable {
    /// The bits, row `i` at bit `i % 64` of word `i / 64`.
    public private(set) var words: [UInt64]
    /// The number of rows.
    public private(set) var count: Int
    /// How many rows are null.
    public private(set) var nullCount: Int

    /// A bitmap of `count` rows, none null.
    public init(count: Int = 0) {
        self.count = count
        self.words = Array(repeating: 0, count: (count + 63) >> 6)
        self.nullCount = 0
    }

    /// Whether `row` is null.
    @inline(__always)
    public func isNull(_ row: Int) -> Bool {
        (words[row >> 6] >> UInt64(row & 63)) & 1 == 1
    }

    /// Appends one row.
    @inline(__always)
    public mutating func append(isNull: Bool) {
        if count & 63 == 0 { words.append(0) }
        if isNull {
            words[count >> 6] |= 1 << UInt64(count & 63)
            nullCount += 1
        }
        count += 1
    }

    /// Marks `row` null.
    public mutating func setNull(_ row: Int) {
        let bit: UInt64 = 1 << UInt64(row & 63)
        if words[row >> 6] & bit == 0 {
            words[row >> 6] |= bit
            nullCount += 1
        }
    }

    /// Reserves room for `n` rows.
    public mutating func reserveCapacity(_ n: Int) { words.reserveCapacity((n + 63) >> 6) }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int]) -> NullBitmap {
        var out = NullBitmap()
        out.reserveCapacity(indices.count)
        for i in indices { out.append(isNull: isNull(i)) }
        return out
    }
}
