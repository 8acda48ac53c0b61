import CSnappy
import CZlib
import CZstd

/// Compresses Parquet page bodies for the writer: SNAPPY (raw), GZIP (one gzip member) or ZSTD (one frame).
enum ParquetPageCompressor {
    /// The zstd level: libzstd's default, a good speed / size balance for columnar pages.
    static let zstdLevel: Int32 = 3

    /// `bytes` compressed with `codec`; UNCOMPRESSED returns them as they are.
    /// - Throws: a message when the codec is not one the writer supports or the library fails.
    static func compress(_ codec: ParquetCodec, _ bytes: [UInt8]) throws(ThriftDecodingError) -> [UInt8] {
        switch codec {
        case .uncompressed: return bytes
        case .snappy: return try snappy(bytes)
        case .zstd: return try zstd(bytes)
        case .gzip: return try gzip(bytes)
        default: throw ThriftDecodingError(message: "the writer cannot compress with \(codec)", isUnsupported: true)
        }
    }

    private static func snappy(_ bytes: [UInt8]) throws(ThriftDecodingError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: snappy_max_compressed_length(bytes.count))
        var length = out.count
        // An empty input still needs a valid pointer.
        let source = bytes.isEmpty ? [0] : bytes
        let status = source.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                snappy_compress(input.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count,
                                output.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        guard status == SNAPPY_OK else { throw ThriftDecodingError(message: "SNAPPY compression failed (status \(status.rawValue))") }
        out.removeLast(out.count - length)
        return out
    }

    private static func zstd(_ bytes: [UInt8]) throws(ThriftDecodingError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let written = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                ZSTD_compress(output.baseAddress, output.count, input.baseAddress, input.count, zstdLevel)
            }
        }
        guard ZSTD_isError(written) == 0 else {
            throw ThriftDecodingError(message: "ZSTD compression failed (\(String(cString: ZSTD_getErrorName(written))))")
        }
        out.removeLast(out.count - written)
        return out
    }

    private static func gzip(_ bytes: [UInt8]) throws(ThriftDecodingError) -> [UInt8] {
        guard bytes.count < Int(UInt32.max) else { throw ThriftDecodingError(message: "GZIP page too large") }
        var stream = z_stream()
        // 15 + 16: a gzip wrapper (not zlib), as Parquet's GZIP codec specifies.
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ThriftDecodingError(message: "GZIP compressor could not start")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let rc = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
                stream.avail_in = UInt32(input.count)
                stream.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(clamping: output.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { throw ThriftDecodingError(message: "GZIP compression failed (zlib error \(rc))") }
        out.removeLast(out.count - Int(stream.total_out))
        return out
    }
}
