/// How a scanned field's bytes relate to its value.
enum FieldKind: UInt8 {
    /// Unquoted: the span is the value; an empty span is null.
    case plain = 0
    /// Quoted without doubled quotes: the span is the text between the quotes (empty = empty string).
    case quoted = 1
    /// Quoted with doubled quotes or text after the closing quote: the span is the raw field,
    /// which `CSVUnescape` turns into the value.
    case escaped = 2
}

/// The field spans of scanned records, in manually grown storage.
///
/// The scanner appends two offsets and a kind per field in its hottest loop; plain pointers
/// avoid `Array.append`'s uniqueness and capacity checks there. Offsets are relative to the
/// start of the batch's bytes, so they survive the read buffer moving its contents.
///
/// `@exclusivity(unchecked)`: the table belongs to one reader used by one task, and no access
/// to these properties overlaps another; the dynamic checks cost ~15% of a scan.
final class FieldTable {
    @exclusivity(unchecked) private(set) var starts: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private(set) var ends: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private(set) var kinds: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        starts = .allocate(capacity: self.capacity)
        ends = .allocate(capacity: self.capacity)
        kinds = .allocate(capacity: self.capacity)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        kinds.deallocate()
    }

    @inline(__always)
    func append(start: Int, end: Int, kind: FieldKind) {
        if count == capacity { grow() }
        starts[count] = start
        ends[count] = end
        kinds[count] = kind.rawValue
        count &+= 1
    }

    /// Drops fields from `newCount` on (a record that was incomplete or rejected).
    @inline(__always)
    func truncate(to newCount: Int) { count = newCount }

    func removeAll() { count = 0 }

    private func grow() {
        let newCapacity = capacity * 2
        starts = Self.reallocate(starts, count: count, to: newCapacity)
        ends = Self.reallocate(ends, count: count, to: newCapacity)
        kinds = Self.reallocate(kinds, count: count, to: newCapacity)
        capacity = newCapacity
    }

    private static func reallocate<T>(_ old: UnsafeMutablePointer<T>, count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        new.moveInitialize(from: old, count: count)
        old.deallocate()
        return new
    }
}
