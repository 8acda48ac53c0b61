/// Reads and decodes one column chunk of a flat column: its dictionary page and data pages (v1 and v2).
///
/// Supports UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW pages (see `ParquetPageDecompressor` for how
/// sizes are checked), PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE booleans, DELTA_BINARY_PACKED,
/// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT; anything else is refused with a `ParquetError` naming the codec or encoding and the column. Page CRCs are checked
/// when present. Pages are read from the file as rows are taken (`ParquetColumnCursor`), so memory is
/// bounded by a page and the rows taken, whatever the size of the row group.
public struct ParquetColumnChunkReader: Sendable {
    /// Pages claiming more values than this are refused as corrupt rather than expanded.
    public static let maxValuesPerPage = 1 << 24
    /// Dictionary-decoded byte arrays over this many bytes in one page are refused rather than built.
    public static let maxPageOutputBytes = 1 << 30

    private let file: ParquetFile
    private let column: ParquetColumn

    /// A reader of `column` (from `file.metadata.flatColumns`) in `file`.
    public init(file: ParquetFile, column: ParquetColumn) {
        self.file = file
        self.column = column
    }

    func error(_ kind: ParquetError.Kind, _ message: String) -> ParquetError {
        ParquetError(file: file.name, kind, "column '\(column.name)': \(message)")
    }

    /// Decodes the column's chunk in row group `rowGroup`, all of it.
    ///
    /// - Throws: `ParquetError` when the chunk is corrupt or uses a codec or encoding not supported.
    public func read(rowGroup: Int) throws(ParquetError) -> ParquetColumnData {
        var cursor = try cursor(rowGroup: rowGroup)
        return try cursor.take(cursor.rows)
    }

    /// A cursor over the chunk in row group `rowGroup`, which reads and decodes its pages as rows are taken.
    func cursor(rowGroup: Int) throws(ParquetError) -> ParquetColumnCursor {
        let groups = file.metadata.rowGroups
        guard groups.indices.contains(rowGroup), groups[rowGroup].columns.indices.contains(column.index) else {
            throw error(.corrupt, "no chunk in row group \(rowGroup)")
        }
        let chunk = groups[rowGroup].columns[column.index]
        guard chunk.filePath == nil else { throw error(.unsupported, "data in another file ('\(chunk.filePath!)') is not supported") }
        guard let meta = chunk.metaData else { throw error(.corrupt, "column chunk without metadata") }
        guard meta.type == column.type else { throw error(.corrupt, "chunk type \(meta.type) differs from the schema's \(column.type)") }
        guard meta.type != .int96 else { throw error(.unsupported, "physical type INT96 (legacy timestamps) is not supported") }
        guard ParquetPageDecompressor.supports(meta.codec) else { throw error(.unsupported, "codec \(meta.codec) is not supported") }
        let rows = groups[rowGroup].numRows
        guard meta.numValues == rows else { throw error(.corrupt, "chunk holds \(meta.numValues) values for \(rows) rows") }
        if rows == 0 {
            // Some writers give empty chunks no valid offsets; there is nothing to read.
            return ParquetColumnCursor(reader: self, codec: meta.codec, rows: 0, start: 0, end: 0)
        }
        var start = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        guard meta.totalCompressedSize >= 0, meta.totalCompressedSize <= file.size, start >= 4,
              start <= file.size - meta.totalCompressedSize else {
            throw error(.corrupt, "chunk byte range \(start)+\(meta.totalCompressedSize) out of range")
        }
        return ParquetColumnCursor(reader: self, codec: meta.codec, rows: Int(meta.numValues), start: start,
                                   end: start + meta.totalCompressedSize)
    }

    /// Reads `count` bytes at `offset` of the file, errors naming the column.
    func readBytes(offset: Int64, count: Int) throws(ParquetError) -> [UInt8] {
        do { return try file.read(offset: offset, count: count) } catch {
            throw self.error(error.kind, error.message)
        }
    }

    /// A decoding problem as the column's error.
    func error(_ problem: ThriftDecodingError) -> ParquetError {
        error(problem.isUnsupported ? .unsupported : .corrupt, problem.message)
    }

    /// An empty list of this column's values.
    var emptyValues: ParquetValues { .empty(column.type, width: Int(column.element.typeLength ?? 0)) }

    /// Whether the column is optional (its rows carry definition levels).
    var isOptional: Bool { column.maxDefinitionLevel > 0 }

    /// The page's body, decompressed: v1 and dictionary pages are compressed whole; a v2 page keeps its
    /// level sections uncompressed and compresses the values only when `is_compressed`.
    private func pageBody(_ header: ParquetPageHeader, _ bytes: [UInt8], _ page: Range<Int>,
                          codec: ParquetCodec) throws(ThriftDecodingError) -> ([UInt8], Range<Int>) {
        if codec == .uncompressed { return (bytes, page) }
        if header.type == .dataPageV2 {
            let levels = header.definitionLevelsLength + header.repetitionLevelsLength
            guard levels <= page.count, levels <= header.uncompressedSize else {
                throw ThriftDecodingError(message: "level sections exceed the page")
            }
            guard header.isCompressed else { return (bytes, page) }
            let values = try ParquetPageDecompressor.decompress(codec, bytes, range: page.lowerBound + levels ..< page.upperBound,
                                                                uncompressedSize: header.uncompressedSize - levels)
            let body = Array(bytes[page.lowerBound ..< page.lowerBound + levels]) + values
            return (body, 0 ..< body.count)
        }
        let body = try ParquetPageDecompressor.decompress(codec, bytes, range: page, uncompressedSize: header.uncompressedSize)
        return (body, 0 ..< body.count)
    }

    /// Decodes one page (`stored` holds it as in the file, `header` already read) and appends its
    /// rows to `values` / `validity`; a dictionary page becomes `dictionary`. Returns the rows the
    /// page held (0 for dictionary and index pages). `remaining` is the chunk's rows still to come.
    func decodePage(_ header: ParquetPageHeader, _ stored: [UInt8], codec: ParquetCodec, remaining: Int,
                    dictionary: inout ParquetValues?, values: inout ParquetValues,
                    validity: inout [Bool]?) throws(ThriftDecodingError) -> Int {
        if let crc = header.crc, UInt32(bitPattern: crc) != ParquetCRC32.checksum(stored, 0 ..< stored.count) {
            throw ThriftDecodingError(message: "page CRC mismatch (the page is corrupt)")
        }
        if header.type == .indexPage { return 0 }
        let width = Int(column.element.typeLength ?? 0)
        let (bytes, page) = try pageBody(header, stored, 0 ..< stored.count, codec: codec)
        switch header.type {
        case .indexPage:
            return 0
        case .dictionaryPage:
            guard dictionary == nil else { throw ThriftDecodingError(message: "a second dictionary page") }
            guard header.encoding == .plain || header.encoding == .plainDictionary else {
                throw ThriftDecodingError(message: "dictionary page encoding \(header.encoding) is not supported", isUnsupported: true)
            }
            guard header.numValues <= Self.maxValuesPerPage else {
                throw ThriftDecodingError(message: "dictionary of \(header.numValues) entries is over the limit")
            }
            var dict = ParquetValues.empty(column.type, width: width)
            try ParquetPlainDecoder.decode(bytes, range: page, count: header.numValues, into: &dict)
            dictionary = dict
            return 0
        case .dataPage, .dataPageV2:
            guard header.numValues <= remaining, header.numValues <= Self.maxValuesPerPage else {
                throw ThriftDecodingError(message: "page of \(header.numValues) values exceeds the chunk's remaining \(remaining)")
            }
            var valueStart = page.lowerBound
            var present = header.numValues
            if header.type == .dataPageV2 {
                let levels = header.definitionLevelsLength + header.repetitionLevelsLength
                guard levels <= page.count else { throw ThriftDecodingError(message: "level sections exceed the page") }
                // A flat column's repetition levels are all 0 (bit width 0); some writers still store a
                // run of them, which precede the definition levels and are skipped.
                if validity != nil {
                    let definitions = page.lowerBound + header.repetitionLevelsLength
                    let range = definitions ..< definitions + header.definitionLevelsLength
                    present = try readLevels(bytes, range: range, count: header.numValues, into: &validity!)
                }
                valueStart += levels
            } else if validity != nil {
                guard header.definitionLevelEncoding == .rle else {
                    throw ThriftDecodingError(message: "definition level encoding \(header.definitionLevelEncoding) is not supported", isUnsupported: true)
                }
                guard page.count >= 4 else { throw ThriftDecodingError(message: "definition levels truncated") }
                let p = page.lowerBound
                let length = Int(UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
                guard length <= page.count - 4 else { throw ThriftDecodingError(message: "definition levels exceed the page") }
                present = try readLevels(bytes, range: p + 4 ..< p + 4 + length, count: header.numValues, into: &validity!)
                valueStart = p + 4 + length
            }
            let before = values.count
            try decodeValues(bytes, range: valueStart ..< page.upperBound, count: present,
                             encoding: header.encoding, dictionary: dictionary, into: &values)
            guard values.count - before == present else {
                throw ThriftDecodingError(message: "decoded \(values.count - before) values where the levels promise \(present)")
            }
            return header.numValues
        }
    }

    /// Appends one validity flag per value; returns how many are present.
    private func readLevels(_ bytes: [UInt8], range: Range<Int>, count: Int, into validity: inout [Bool]) throws(ThriftDecodingError) -> Int {
        var decoder = ParquetRLEDecoder(bytes, range: range, bitWidth: 1)
        var present = 0
        try decoder.decode(count: count) { (level, n) throws(ThriftDecodingError) in
            guard level <= 1 else { throw ThriftDecodingError(message: "definition level \(level) above the maximum 1") }
            validity.append(contentsOf: repeatElement(level == 1, count: n))
            if level == 1 { present += n }
        }
        return present
    }

    private func decodeValues(_ bytes: [UInt8], range: Range<Int>, count: Int, encoding: ParquetEncoding,
                              dictionary: ParquetValues?, into values: inout ParquetValues) throws(ThriftDecodingError) {
        switch encoding {
        case .plain:
            try ParquetPlainDecoder.decode(bytes, range: range, count: count, into: &values)
        case .rle where column.type == .boolean:
            // RLE booleans: a 4-byte length, then the hybrid with bit width 1.
            guard range.count >= 4 else { throw ThriftDecodingError(message: "RLE boolean data truncated") }
            guard case .boolean(var v) = values else { return }
            values = .int32([])
            var decoder = ParquetRLEDecoder(bytes, range: range.lowerBound + 4 ..< range.upperBound, bitWidth: 1)
            try decoder.decode(count: count) { (bit, n) throws(ThriftDecodingError) in
                v.append(contentsOf: repeatElement(bit == 1, count: n))
            }
            values = .boolean(v)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw ThriftDecodingError(message: "dictionary-encoded page without a dictionary page") }
            guard count > 0 else { return }
            guard !range.isEmpty else { throw ThriftDecodingError(message: "dictionary indices truncated") }
            let bitWidth = Int(bytes[range.lowerBound])
            guard bitWidth <= 32 else { throw ThriftDecodingError(message: "dictionary index bit width \(bitWidth)") }
            var indices: [Int] = []
            var decoder = ParquetRLEDecoder(bytes, range: range.lowerBound + 1 ..< range.upperBound, bitWidth: bitWidth)
            let size = dictionary.count
            try decoder.decode(count: count) { (index, n) throws(ThriftDecodingError) in
                guard Int(index) < size else { throw ThriftDecodingError(message: "dictionary index \(index) out of \(size) entries") }
                indices.append(contentsOf: repeatElement(Int(index), count: n))
            }
            try Self.gather(dictionary, indices, into: &values)
        case .deltaBinaryPacked where column.type == .int32 || column.type == .int64:
            let isInt32 = column.type == .int32
            let decoded = try ParquetDeltaDecoder.binaryPacked(bytes, range: range, count: count, maxBitWidth: isInt32 ? 32 : 64).values
            switch values {
            case .int32(var v): values = .boolean([]); v.append(contentsOf: decoded.lazy.map { Int32(truncatingIfNeeded: $0) }); values = .int32(v)
            case .int64(var v): values = .boolean([]); v.append(contentsOf: decoded); values = .int64(v)
            default: break
            }
        case .deltaLengthByteArray where column.type == .byteArray:
            guard case .byteArray(var v) = values else { return }
            values = .boolean([])
            try ParquetDeltaDecoder.lengthByteArray(bytes, range: range, count: count, into: &v)
            values = .byteArray(v)
        case .deltaByteArray where column.type == .byteArray || column.type == .fixedLenByteArray:
            switch values {
            case .byteArray(var v):
                values = .boolean([])
                try ParquetDeltaDecoder.byteArray(bytes, range: range, count: count, maxOutputBytes: Self.maxPageOutputBytes, into: &v)
                values = .byteArray(v)
            case .fixedLenByteArray(let w, var v):
                values = .boolean([])
                try ParquetDeltaDecoder.byteArray(bytes, range: range, count: count, width: w,
                                                  maxOutputBytes: Self.maxPageOutputBytes, into: &v)
                values = .fixedLenByteArray(width: w, v)
            default: break
            }
        case .byteStreamSplit where column.type != .boolean && column.type != .byteArray:
            let width: Int
            switch column.type {
            case .int32, .float: width = 4
            case .int64, .double: width = 8
            default: width = Int(column.element.typeLength ?? 0)
            }
            guard width > 0 else { throw ThriftDecodingError(message: "BYTE_STREAM_SPLIT without a positive type_length") }
            // Reassembled, the values are laid out exactly as PLAIN stores them.
            let plain = try ParquetDeltaDecoder.byteStreamSplit(bytes, range: range, count: count, width: width)
            try ParquetPlainDecoder.decode(plain, range: 0 ..< plain.count, count: count, into: &values)
        default:
            throw ThriftDecodingError(message: "encoding \(encoding) is not supported for \(column.type)", isUnsupported: true)
        }
    }

    private static func gather(_ dictionary: ParquetValues, _ indices: [Int], into values: inout ParquetValues) throws(ThriftDecodingError) {
        switch (dictionary, values) {
        case (.boolean(let d), .boolean(var v)): values = .int32([]); v.append(contentsOf: indices.map { d[$0] }); values = .boolean(v)
        case (.int32(let d), .int32(var v)): values = .boolean([]); v.append(contentsOf: indices.map { d[$0] }); values = .int32(v)
        case (.int64(let d), .int64(var v)): values = .boolean([]); v.append(contentsOf: indices.map { d[$0] }); values = .int64(v)
        case (.float(let d), .float(var v)): values = .boolean([]); v.append(contentsOf: indices.map { d[$0] }); values = .float(v)
        case (.double(let d), .double(var v)): values = .boolean([]); v.append(contentsOf: indices.map { d[$0] }); values = .double(v)
        case (.byteArray(let d), .byteArray(var v)):
            try checkOutput(d, indices)
            values = .boolean([])
            for i in indices { v.append(d[i]) }
            values = .byteArray(v)
        case (.fixedLenByteArray(_, let d), .fixedLenByteArray(let w, var v)):
            try checkOutput(d, indices)
            values = .boolean([])
            for i in indices { v.append(d[i]) }
            values = .fixedLenByteArray(width: w, v)
        default:
            throw ThriftDecodingError(message: "dictionary type differs from the column's")
        }
    }

    /// Refuses a page whose dictionary lookups would build more than `maxPageOutputBytes`.
    private static func checkOutput(_ d: ParquetByteArrays, _ indices: [Int]) throws(ThriftDecodingError) {
        var total = 0
        for i in indices {
            total += d.offsets[i + 1] - d.offsets[i]
            if total > maxPageOutputBytes { throw ThriftDecodingError(message: "dictionary-decoded page exceeds \(maxPageOutputBytes) bytes") }
        }
    }
}
