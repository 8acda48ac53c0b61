import CLZ4
import CSnappy
import CZlib
import CZstd
import Testing
@testable import ScoreIO

/// Compressors from the same C libraries, to round-trip through `ParquetPageDecompressor`.
enum TestCompressor {
    static func snappy(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: snappy_max_compressed_length(input.count))
        var length = out.count
        let status = input.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in
                snappy_compress(i.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                                o.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        precondition(status == SNAPPY_OK)
        return Array(out.prefix(length))
    }

    /// One gzip member (deflate with a gzip header and trailer).
    static func gzip(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        var source = input
        let rc = source.withUnsafeMutableBytes { i in
            out.withUnsafeMutableBytes { o in
                stream.next_in = i.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_in = UInt32(input.count)
                stream.next_out = o.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(o.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        precondition(rc == Z_STREAM_END)
        return Array(out.prefix(Int(stream.total_out)))
    }

    static func zstd(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let n = input.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in ZSTD_compress(o.baseAddress, o.count, i.baseAddress, input.count, 3) }
        }
        precondition(ZSTD_isError(n) == 0)
        return Array(out.prefix(n))
    }

    /// An LZ4 block (no frame), as LZ4_RAW stores it.
    static func lz4(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(LZ4_compressBound(Int32(input.count))))
        let n = input.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in
                LZ4_compress_default(i.baseAddress?.assumingMemoryBound(to: CChar.self), o.baseAddress!.assumingMemoryBound(to: CChar.self),
                                     Int32(input.count), Int32(o.count))
            }
        }
        precondition(n > 0)
        return Array(out.prefix(Int(n)))
    }

    static func compress(_ codec: ParquetCodec, _ input: [UInt8]) -> [UInt8] {
        switch codec {
        case .snappy: snappy(input)
        case .gzip: gzip(input)
        case .zstd: zstd(input)
        case .lz4Raw: lz4(input)
        default: input
        }
    }
}

struct ParquetCodecTests {
    static let codecs: [ParquetCodec] = [.snappy, .gzip, .zstd, .lz4Raw]

    /// Mixed data: a compressible run, text, and pseudo-random bytes.
    static func sample(_ count: Int) -> [UInt8] {
        var seed: UInt64 = 42
        return (0 ..< count).map { i in
            if i % 1000 < 300 { return 7 }
            if i % 1000 < 600 { return Array("parquet page ".utf8)[i % 13] }
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: seed >> 56)
        }
    }

    @Test(arguments: codecs, [0, 1, 100, 70_000, 1 << 20])
    func roundTrip(codec: ParquetCodec, size: Int) throws {
        let input = Self.sample(size)
        // Surrounded by other bytes, as a page sits inside a column chunk.
        let compressed = [1, 2, 3] + TestCompressor.compress(codec, input) + [9, 9]
        let out = try ParquetPageDecompressor.decompress(codec, compressed, range: 3 ..< compressed.count - 2, uncompressedSize: size)
        #expect(out == input)
    }

    @Test func highlyCompressibleDataGrowsTheBufferGradually() throws {
        // 8 MiB of zeros compresses to a few hundred bytes: far past any fixed ratio, yet valid.
        let input = [UInt8](repeating: 0, count: 8 << 20)
        for codec in [ParquetCodec.gzip, .zstd, .lz4Raw, .snappy] {
            let compressed = TestCompressor.compress(codec, input)
            let out = try ParquetPageDecompressor.decompress(codec, compressed, range: 0 ..< compressed.count, uncompressedSize: input.count)
            #expect(out == input, "\(codec)")
        }
    }

    @Test func concatenatedGzipMembers() throws {
        let a = Self.sample(5000), b = Array("second member".utf8)
        let both = TestCompressor.gzip(a) + TestCompressor.gzip(b)
        let out = try ParquetPageDecompressor.decompress(.gzip, both, range: 0 ..< both.count, uncompressedSize: a.count + b.count)
        #expect(out == a + b)
        // Concatenated ZSTD frames too.
        let frames = TestCompressor.zstd(a) + TestCompressor.zstd(b)
        #expect(try ParquetPageDecompressor.decompress(.zstd, frames, range: 0 ..< frames.count, uncompressedSize: a.count + b.count) == a + b)
    }

    @Test(arguments: codecs)
    func truncatedDataIsAnError(codec: ParquetCodec) {
        let input = Self.sample(50_000)
        let compressed = TestCompressor.compress(codec, input)
        for cut in [1, 2, compressed.count / 2, compressed.count - 1] where cut < compressed.count {
            #expect(throws: ThriftDecodingError.self, "\(codec) cut to \(cut)") {
                _ = try ParquetPageDecompressor.decompress(codec, compressed, range: 0 ..< cut, uncompressedSize: input.count)
            }
        }
    }

    @Test(arguments: codecs)
    func aLyingUncompressedSizeIsAnError(codec: ParquetCodec) {
        let input = Self.sample(10_000)
        let compressed = TestCompressor.compress(codec, input)
        for claimed in [0, 1, input.count - 1, input.count + 1, input.count * 2, 900 << 20, 1 << 30, (1 << 30) + 1, Int(Int32.max)] {
            #expect(throws: ThriftDecodingError.self, "\(codec) claiming \(claimed)") {
                _ = try ParquetPageDecompressor.decompress(codec, compressed, range: 0 ..< compressed.count, uncompressedSize: claimed)
            }
        }
    }

    @Test(arguments: codecs)
    func garbageAndBitFlipsAreErrorsOrExactOutput(codec: ParquetCodec) {
        let input = Self.sample(20_000)
        let compressed = TestCompressor.compress(codec, input)
        var seed: UInt64 = 7
        for _ in 0 ..< 200 {
            var copy = compressed
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            copy[Int(seed >> 33) % copy.count] ^= 1 << UInt8(seed >> 61)
            // A flip may go unnoticed (snappy and LZ4 carry no checksum), but the size must still hold.
            if let out = try? ParquetPageDecompressor.decompress(codec, copy, range: 0 ..< copy.count, uncompressedSize: input.count) {
                #expect(out.count == input.count)
            }
        }
        let garbage: [UInt8] = Array(repeating: 0xFF, count: 64)
        #expect(throws: ThriftDecodingError.self) {
            _ = try ParquetPageDecompressor.decompress(codec, garbage, range: 0 ..< garbage.count, uncompressedSize: 1000)
        }
    }

    @Test func emptyPagesAndUnsupportedCodecs() throws {
        #expect(try ParquetPageDecompressor.decompress(.zstd, [], range: 0 ..< 0, uncompressedSize: 0) == [])
        #expect(throws: ThriftDecodingError.self) { _ = try ParquetPageDecompressor.decompress(.zstd, [], range: 0 ..< 0, uncompressedSize: 5) }
        #expect(try ParquetPageDecompressor.decompress(.uncompressed, [1, 2, 3], range: 1 ..< 3, uncompressedSize: 2) == [2, 3])
        #expect(!ParquetPageDecompressor.supports(ParquetCodec(rawValue: 5)))
        do {
            _ = try ParquetPageDecompressor.decompress(ParquetCodec(rawValue: 5), [1, 2], range: 0 ..< 2, uncompressedSize: 2)
            Issue.record("Hadoop LZ4 accepted")
        } catch {
            #expect(error.isUnsupported && error.message.contains("LZ4 (deprecated"))
        }
    }
}
