#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open Parquet file: its footer, read at open, and positioned reads of its column chunks.
///
/// Only the footer and the column chunks asked for are read, never the whole file.
public final class ParquetFile: Sendable {
    /// The file as named by the caller (used in errors).
    public let name: String
    /// The file's size in bytes.
    public let size: Int64
    /// The decoded footer.
    public let metadata: ParquetFileMetadata
    /// Footers above this are refused as corrupt rather than read into memory.
    public static let maxFooterLength = 256 << 20
    private let fd: Int32

    /// Opens `path` and reads its footer.
    ///
    /// - Throws: `ParquetError` when the file cannot be read, lacks the `PAR1` magic, or its footer is invalid.
    public init(path: String, name: String? = nil) throws(ParquetError) {
        let name = name ?? path
        self.name = name
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw ParquetError(file: name, .io, "cannot open: \(SystemErrors.message(code))", transient: SystemErrors.isTransient(code))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw ParquetError(file: name, .io, "cannot stat: \(SystemErrors.message(code))")
        }
        self.fd = fd
        self.size = Int64(st.st_size)
        do {
            self.metadata = try Self.readFooter(fd: fd, size: Int64(st.st_size), name: name)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    private static func readFooter(fd: Int32, size: Int64, name: String) throws(ParquetError) -> ParquetFileMetadata {
        guard size >= 12 else {
            throw ParquetError(file: name, .notParquet, "too short to be Parquet (\(size) bytes; at least 12 needed)")
        }
        let head = try read(fd: fd, offset: 0, count: 4, name: name)
        let tail = try read(fd: fd, offset: size - 8, count: 8, name: name)
        let magic: [UInt8] = Array("PAR1".utf8)
        if Array(tail[4...]) == Array("PARE".utf8) {
            throw ParquetError(file: name, .unsupported, "encrypted footer (PARE magic): encryption is not supported")
        }
        guard head == magic else { throw ParquetError(file: name, .notParquet, "missing PAR1 magic at the start") }
        guard Array(tail[4...]) == magic else { throw ParquetError(file: name, .notParquet, "missing PAR1 magic at the end") }
        let length = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard length > 0, Int64(length) <= size - 12, length <= maxFooterLength else {
            throw ParquetError(file: name, .corrupt, "footer length \(length) out of range for a \(size)-byte file")
        }
        let footer = try read(fd: fd, offset: size - 8 - Int64(length), count: length, name: name)
        return try ParquetFileMetadata(thrift: footer, file: name)
    }

    /// Reads `count` bytes at `offset`; the range must lie inside the file.
    func read(offset: Int64, count: Int) throws(ParquetError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, Int64(count) <= size - offset else {
            throw ParquetError(file: name, .corrupt, "byte range \(offset)+\(count) lies outside the \(size)-byte file")
        }
        return try Self.read(fd: fd, offset: offset, count: count, name: name)
    }

    private static func read(fd: Int32, offset: Int64, count: Int, name: String) throws(ParquetError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw ParquetError(file: name, .io, "read failed: \(SystemErrors.message(code))", transient: SystemErrors.isTransient(code))
            }
            if n == 0 { throw ParquetError(file: name, .corrupt, "truncated: end of file at byte \(offset + Int64(done))") }
            done += n
        }
        return buffer
    }
}
