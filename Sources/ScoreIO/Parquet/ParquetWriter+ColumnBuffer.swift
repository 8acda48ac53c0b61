#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// One column of the row group being built: a definition level per row and the non-null values
/// (Parquet stores nulls only as levels). Strings are also dictionary-coded as they arrive, until
/// the dictionary outgrows its limits; then the chunk falls back to PLAIN.
struct ParquetColumnBuffer {
    let name: String
    let type: ColumnType
    private let maxDictionaryEntries: Int
    private let maxDictionaryBytes: Int

    /// 1 for a value, 0 for a null; one per row.
    private(set) var levels: [UInt32] = []
    private(set) var ints: [Int64] = []
    private(set) var doubles: [Double] = []
    private(set) var bools: [Bool] = []
    /// The non-null strings back to back, PLAIN fallback and statistics read them.
    private(set) var stringBytes: [UInt8] = []
    private(set) var stringOffsets: [Int] = [0]
    /// The dictionary, nil once it outgrew its limits for this row group.
    private(set) var dictionary: ParquetStringDictionary?
    /// Each non-null string's dictionary index (meaningful while `dictionary` is set).
    private(set) var indices: [UInt32] = []

    init(name: String, type: ColumnType, maxDictionaryEntries: Int, maxDictionaryBytes: Int) {
        self.name = name
        self.type = type
        self.maxDictionaryEntries = maxDictionaryEntries
        self.maxDictionaryBytes = maxDictionaryBytes
        if type == .string { dictionary = ParquetStringDictionary() }
    }

    /// Rows buffered.
    var rowCount: Int { levels.count }
    /// Non-null values buffered.
    var valueCount: Int {
        switch type {
        case .int64: ints.count
        case .float64: doubles.count
        case .bool: bools.count
        case .string: stringOffsets.count - 1
        }
    }

    /// Appends `column`'s `rows`; the column must have this buffer's type.
    mutating func append(_ column: Column, rows: Range<Int>) {
        let nulls = column.nulls
        levels.reserveCapacity(levels.count + rows.count)
        for r in rows { levels.append(nulls?.isNull(r) == true ? 0 : 1) }
        switch column.data {
        case .int64(let values):
            if nulls == nil { ints.append(contentsOf: values[rows]) } else { for r in rows where !column.isNull(r) { ints.append(values[r]) } }
        case .float64(let values):
            if nulls == nil { doubles.append(contentsOf: values[rows]) } else { for r in rows where !column.isNull(r) { doubles.append(values[r]) } }
        case .bool(let values):
            if nulls == nil { bools.append(contentsOf: values[rows]) } else { for r in rows where !column.isNull(r) { bools.append(values[r]) } }
        case .string(let strings):
            for r in rows where !column.isNull(r) {
                strings.withBytes(r) { appendString($0) }
            }
        }
    }

    private mutating func appendString(_ value: UnsafeRawBufferPointer) {
        stringBytes.append(contentsOf: value)
        stringOffsets.append(stringBytes.count)
        guard dictionary != nil else { return }
        let index = dictionary!.index(of: value)
        if dictionary!.count > maxDictionaryEntries || dictionary!.byteCount > maxDictionaryBytes {
            dictionary = nil
            indices = []
        } else {
            indices.append(UInt32(index))
        }
    }

    /// The bytes of non-null string `i`.
    func string(_ i: Int) -> ArraySlice<UInt8> { stringBytes[stringOffsets[i] ..< stringOffsets[i + 1]] }

    /// Empties the buffer for the next row group, keeping capacity.
    mutating func reset() {
        levels.removeAll(keepingCapacity: true)
        ints.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        bools.removeAll(keepingCapacity: true)
        stringBytes.removeAll(keepingCapacity: true)
        stringOffsets.removeAll(keepingCapacity: true)
        stringOffsets.append(0)
        indices.removeAll(keepingCapacity: true)
        if type == .string { dictionary = ParquetStringDictionary() }
    }
}

/// Distinct strings in first-seen order with an open-addressing index, so a repeated value is
/// found without allocating.
struct ParquetStringDictionary {
    /// The distinct values back to back (PLAIN order for the dictionary page).
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int] = [0]
    /// Slot → entry index + 1 (0 is empty); the capacity is a power of two kept under half full.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)

    /// Distinct values.
    var count: Int { offsets.count - 1 }
    /// Bytes of the distinct values.
    var byteCount: Int { bytes.count }

    /// The bytes of entry `i`.
    func entry(_ i: Int) -> ArraySlice<UInt8> { bytes[offsets[i] ..< offsets[i + 1]] }

    /// The index of `value`, added when new.
    mutating func index(of value: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: value)
        let mask = slots.count - 1
        var slot = hasher.finalize() & mask
        while slots[slot] != 0 {
            let i = Int(slots[slot]) - 1
            let matches = bytes.withUnsafeBytes { all in
                let start = offsets[i], end = offsets[i + 1]
                return end - start == value.count && (value.isEmpty || memcmp(all.baseAddress! + start, value.baseAddress!, value.count) == 0)
            }
            if matches { return i }
            slot = (slot + 1) & mask
        }
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
        slots[slot] = Int32(count)
        if count * 2 > slots.count { grow() }
        return count - 1
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        bytes.withUnsafeBytes { all in
            for i in 0 ..< count {
                var hasher = Hasher()
                hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: all[offsets[i] ..< offsets[i + 1]]))
                var slot = hasher.finalize() & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(i + 1)
            }
        }
    }
}
