/// A growable byte buffer on raw memory, for the writers' formatting loops (in this module, so the
/// compiler inlines its appends): appends are a capacity check
/// and a store, without `Array.append`'s uniqueness checks and generic paths (a third of the CSV
/// writer's time before). Owned by one formatting call; `~Copyable`, so it cannot be shared by
/// accident, and it frees its memory when it goes away.
struct ByteBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `n` more bytes; `end` then points at the first of them.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(to: count &+ n) }
    }

    /// The first unwritten byte (call `reserve` first, then `advance` by what was written).
    @inline(__always)
    var end: UnsafeMutablePointer<UInt8> { base + count }

    @inline(__always)
    mutating func advance(_ n: Int) { count &+= n }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0 else { return }
        reserve(n)
        ByteCopy.copy(base + count, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), n)
        count &+= n
    }

    mutating func removeAll() { count = 0 }

    /// The bytes written, as an array (one copy).
    func array() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        new.update(from: base, count: count)
        base.deallocate()
        base = new
        capacity = newCapacity
    }
}

/// Copies of a few bytes, the size of most CSV cells: a byte loop there beats a call to `memmove`
/// (which per-cell copies were spending a tenth of their time entering); long runs still use it.
enum ByteCopy {
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<UInt8>, _ source: UnsafePointer<UInt8>, _ count: Int) {
        if count <= 16 {
            var i = 0
            while i < count {
                destination[i] = source[i]
                i &+= 1
            }
        } else {
            destination.update(from: source, count: count)
        }
    }
}
