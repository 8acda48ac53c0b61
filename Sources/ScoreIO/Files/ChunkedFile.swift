#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// A read-only file seen through a growable window of its bytes, filled chunk by chunk with `pread`
/// (or `read` for a stream such as stdin, which has no offsets).
///
/// `base[0 ..< count]` holds the file's bytes from `bufferOffset`. `keepFrom` marks the first
/// byte still needed; `readMore` may move the kept bytes to the front (then `keepFrom` becomes 0),
/// so callers hold offsets relative to `keepFrom`. Reads go to an explicit file offset and only
/// extend the window on success: a failed read changes nothing a caller can see.
final class ChunkedFile {
    let fd: Int32
    /// The name used in errors (the path as the job spec writes it).
    let name: String
    let chunkSize: Int
    /// A pipe or terminal: read with `read`, so the stream's position advances as bytes arrive and
    /// a failed read cannot be retried at the same place (its errors are never transient).
    let sequential: Bool
    // Unchecked exclusivity: the reader reads these once per record, and the dynamic checks
    // showed in profiles; the file belongs to one reader used by one task, with no overlapping access.
    @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var capacity: Int
    @exclusivity(unchecked) private(set) var count = 0
    /// The file offset of `base[0]`.
    @exclusivity(unchecked) private(set) var bufferOffset: Int64 = 0
    @exclusivity(unchecked) private(set) var atEOF = false
    /// Bytes before this index may be discarded.
    @exclusivity(unchecked) var keepFrom = 0

    init(fd: Int32, name: String, chunkSize: Int, sequential: Bool = false) {
        self.fd = fd
        self.name = name
        self.sequential = sequential
        self.chunkSize = max(1, chunkSize)
        capacity = self.chunkSize * 2
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
        close(fd)
    }

    /// The kept bytes: offsets relative to `keepFrom` index this.
    var kept: UnsafePointer<UInt8> { UnsafePointer(base + keepFrom) }
    var keptCount: Int { count - keepFrom }

    /// The file offset of `keepFrom`.
    var keptOffset: Int64 { bufferOffset + Int64(keepFrom) }

    /// Reads the next chunk after the window. Sets `atEOF` when the file has no more bytes.
    func readMore() throws(InputError) {
        if capacity - count < chunkSize {
            if keepFrom > 0 {
                // Move the kept tail to the front rather than grow: once per chunk, and only
                // the partial batch is copied.
                let kept = count - keepFrom
                memmove(base, base + keepFrom, kept)  // overlapping ranges
                bufferOffset += Int64(keepFrom)
                count = kept
                keepFrom = 0
            }
            if capacity - count < chunkSize {
                let newCapacity = max(capacity * 2, count + chunkSize)
                let new = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                new.update(from: base, count: count)
                base.deallocate()
                base = new
                capacity = newCapacity
            }
        }
        let fileOffset = bufferOffset + Int64(count)
        while true {
            let n = sequential ? read(fd, base + count, chunkSize) : pread(fd, base + count, chunkSize, off_t(fileOffset))
            if n > 0 {
                count += n
                return
            }
            if n == 0 {
                atEOF = true
                return
            }
            let code = errno
            if code == EINTR { continue }
            throw InputError(.unreadable, file: name, "read failed: \(SystemErrors.message(code))",
                             transient: !sequential && SystemErrors.isTransient(code))
        }
    }

    /// Forgets the window and continues reading at `offset` (a resumed run's position).
    func reposition(to offset: Int64) {
        bufferOffset = offset
        count = 0
        keepFrom = 0
        atEOF = false
    }

    /// Drops `n` kept bytes from the front (consumed input).
    func consume(_ n: Int) {
        keepFrom += n
    }
}
