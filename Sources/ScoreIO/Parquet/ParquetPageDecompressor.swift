import CLZ4
import CSnappy
import CZlib
import CZstd

/// Decompresses a Parquet page body with SNAPPY, GZIP, ZSTD or LZ4_RAW.
///
/// The uncompressed size comes from the page header, which a corrupt or hostile file controls, so it is
/// never trusted for an allocation on its own:
/// - every page is capped at `maxUncompressedPageBytes` (1 GiB);
/// - SNAPPY: the stream's own length preamble must equal the header's, and the whole stream is validated
///   (which writes nothing) before the output is allocated;
/// - LZ4_RAW: the LZ4 block format cannot expand data more than 255×, so a header claiming more than
///   `256 × compressed + 64` bytes is refused before allocating;
/// - GZIP and ZSTD (whose ratio is unbounded): the output buffer starts at a few times the compressed
///   size and grows geometrically only as the decompressor actually produces bytes, so memory follows the
///   real output, never the claim alone; ZSTD's window is also capped to what the page needs.
/// In every case the decompressed size must equal the header's exactly.
enum ParquetPageDecompressor {
    /// Pages claiming to decompress to more than this are refused as corrupt.
    static let maxUncompressedPageBytes = 1 << 30

    /// Whether `codec` can be decompressed here (UNCOMPRESSED included).
    static func supports(_ codec: ParquetCodec) -> Bool {
        [.uncompressed, .snappy, .gzip, .zstd, .lz4Raw].contains(codec)
    }

    /// Decompresses `bytes[range]`, which the header says holds `uncompressedSize` bytes once decompressed.
    static func decompress(_ codec: ParquetCodec, _ bytes: [UInt8], range: Range<Int>,
                           uncompressedSize claimed: Int) throws(ThriftDecodingError) -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
            throw ThriftDecodingError(message: "compressed page range out of bounds")
        }
        guard claimed >= 0, claimed <= maxUncompressedPageBytes else {
            throw ThriftDecodingError(message: "uncompressed page size \(claimed) is over the \(maxUncompressedPageBytes)-byte limit")
        }
        if codec == .uncompressed {
            guard range.count == claimed else {
                throw ThriftDecodingError(message: "uncompressed page of \(range.count) bytes where the header says \(claimed)")
            }
            return Array(bytes[range])
        }
        if range.isEmpty {
            guard claimed == 0 else { throw ThriftDecodingError(message: "empty \(codec) page claims \(claimed) bytes") }
            return []
        }
        do {
            switch codec {
            case .snappy: return try snappy(bytes, range, claimed)
            case .gzip: return try gzip(bytes, range, claimed)
            case .zstd: return try zstd(bytes, range, claimed)
            case .lz4Raw: return try lz4(bytes, range, claimed)
            default: throw ThriftDecodingError(message: "codec \(codec) is not supported", isUnsupported: true)
            }
        } catch let error as ThriftDecodingError {
            throw error
        } catch {
            throw ThriftDecodingError(message: "\(codec) decompression failed: \(error)")
        }
    }

    private static func mismatch(_ codec: String, _ got: Int, _ claimed: Int) -> ThriftDecodingError {
        ThriftDecodingError(message: "\(codec) page decompressed to \(got) bytes where the header says \(claimed)")
    }

    // MARK: Snappy

    private static func snappy(_ bytes: [UInt8], _ range: Range<Int>, _ claimed: Int) throws -> [UInt8] {
        try bytes.withUnsafeBytes { raw in
            let input = (raw.baseAddress! + range.lowerBound).assumingMemoryBound(to: CChar.self)
            var length = 0
            guard snappy_uncompressed_length(input, range.count, &length) == SNAPPY_OK else {
                throw ThriftDecodingError(message: "SNAPPY page has a corrupt length preamble")
            }
            guard length == claimed else { throw mismatch("SNAPPY", length, claimed) }
            guard snappy_validate_compressed_buffer(input, range.count) == SNAPPY_OK else {
                throw ThriftDecodingError(message: "SNAPPY page is corrupt or truncated")
            }
            var out = [UInt8](repeating: 0, count: claimed)
            var written = claimed
            let status = out.withUnsafeMutableBytes { o in
                snappy_uncompress(input, range.count, o.baseAddress?.assumingMemoryBound(to: CChar.self), &written)
            }
            guard status == SNAPPY_OK else { throw ThriftDecodingError(message: "SNAPPY page is corrupt or truncated") }
            guard written == claimed else { throw mismatch("SNAPPY", written, claimed) }
            return out
        }
    }

    // MARK: LZ4_RAW

    private static func lz4(_ bytes: [UInt8], _ range: Range<Int>, _ claimed: Int) throws -> [UInt8] {
        guard claimed <= range.count * 256 + 64 else {
            throw ThriftDecodingError(message: "LZ4_RAW page of \(range.count) bytes cannot decompress to the \(claimed) bytes the header says")
        }
        guard claimed > 0 else {
            // A valid empty block is a single zero token; anything else would write output.
            guard range.count == 1, bytes[range.lowerBound] == 0 else { throw mismatch("LZ4_RAW", -1, 0) }
            return []
        }
        var out = [UInt8](repeating: 0, count: claimed)
        let written = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBytes { o in
                LZ4_decompress_safe((raw.baseAddress! + range.lowerBound).assumingMemoryBound(to: CChar.self),
                                    o.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(range.count), Int32(claimed))
            }
        }
        guard written >= 0 else { throw ThriftDecodingError(message: "LZ4_RAW page is corrupt, truncated or larger than the header says") }
        guard Int(written) == claimed else { throw mismatch("LZ4_RAW", Int(written), claimed) }
        return out
    }

    // MARK: Streaming codecs

    /// Runs `step` (which fills the free output space it is given and reports bytes written and whether
    /// the stream is complete) into a buffer that grows only as output is produced. One byte beyond
    /// `claimed` is allowed for, so output longer than the header says is detected.
    private static func streamed(_ name: String, compressed: Int, claimed: Int,
                                 _ step: (UnsafeMutableRawBufferPointer) throws -> (written: Int, finished: Bool)) throws -> [UInt8] {
        let limit = claimed + 1
        var out = [UInt8](repeating: 0, count: min(limit, max(4 * compressed, 1 << 16)))
        var produced = 0
        while true {
            let (written, finished) = try out.withUnsafeMutableBytes { o in
                try step(UnsafeMutableRawBufferPointer(rebasing: o[produced...]))
            }
            produced += written
            guard produced <= claimed else {
                throw ThriftDecodingError(message: "\(name) page decompresses to more than the \(claimed) bytes the header says")
            }
            if finished { break }
            if produced == out.count {
                out.append(contentsOf: repeatElement(0, count: min(limit, out.count * 2) - out.count))
            }
        }
        guard produced == claimed else { throw mismatch(name, produced, claimed) }
        out.removeLast(out.count - produced)
        return out
    }

    /// GZIP: one or more gzip members back to back (zlib-wrapped streams are accepted too).
    private static func gzip(_ bytes: [UInt8], _ range: Range<Int>, _ claimed: Int) throws -> [UInt8] {
        guard range.count <= Int(UInt32.max) else { throw ThriftDecodingError(message: "GZIP page too large") }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ThriftDecodingError(message: "GZIP decompressor could not start")
        }
        defer { inflateEnd(&stream) }
        return try bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var position = range.lowerBound
            return try streamed("GZIP", compressed: range.count, claimed: claimed) { out in
                stream.next_in = UnsafeMutablePointer(mutating: base + position)
                stream.avail_in = UInt32(range.upperBound - position)
                stream.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(clamping: out.count)
                let rc = inflate(&stream, Z_NO_FLUSH)
                let written = out.count - Int(stream.avail_out)
                position = range.upperBound - Int(stream.avail_in)
                switch rc {
                case Z_STREAM_END:
                    if position == range.upperBound { return (written, true) }
                    // Another member follows.
                    guard inflateReset(&stream) == Z_OK else { throw ThriftDecodingError(message: "GZIP reset failed") }
                    return (written, false)
                case Z_OK, Z_BUF_ERROR:
                    if position == range.upperBound && stream.avail_out > 0 {
                        throw ThriftDecodingError(message: "GZIP page is truncated")
                    }
                    return (written, false)
                default:
                    throw ThriftDecodingError(message: "GZIP page is corrupt (zlib error \(rc))")
                }
            }
        }
    }

    /// ZSTD: one or more frames back to back.
    private static func zstd(_ bytes: [UInt8], _ range: Range<Int>, _ claimed: Int) throws -> [UInt8] {
        guard let context = ZSTD_createDCtx() else { throw ThriftDecodingError(message: "ZSTD decompressor could not start") }
        defer { ZSTD_freeDCtx(context) }
        // libzstd allocates its window from the frame header; allow no more than the page needs (but at
        // least the 8 MiB any non-"ultra" level uses), instead of libzstd's default of 128 MiB.
        let windowLog = min(27, max(23, Int.bitWidth - max(claimed, 1).leadingZeroBitCount))
        guard ZSTD_isError(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, Int32(windowLog))) == 0 else {
            throw ThriftDecodingError(message: "ZSTD decompressor could not be configured")
        }
        return try bytes.withUnsafeBytes { raw in
            var input = ZSTD_inBuffer(src: raw.baseAddress! + range.lowerBound, size: range.count, pos: 0)
            return try streamed("ZSTD", compressed: range.count, claimed: claimed) { out in
                var output = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let rc = ZSTD_decompressStream(context, &output, &input)
                if ZSTD_isError(rc) != 0 {
                    throw ThriftDecodingError(message: "ZSTD page is corrupt (\(String(cString: ZSTD_getErrorName(rc))))")
                }
                let exhausted = input.pos == input.size
                if rc == 0 && exhausted { return (output.pos, true) }
                if exhausted && output.pos < output.size { throw ThriftDecodingError(message: "ZSTD page is truncated") }
                return (output.pos, false)
            }
        }
    }
}
