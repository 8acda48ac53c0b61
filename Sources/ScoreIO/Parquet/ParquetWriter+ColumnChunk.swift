import ScoreCore

/// What the footer records about one written column chunk.
struct ParquetWrittenChunk {
    var type: ParquetPhysicalType
    var codec: ParquetCodec
    var encodings: [ParquetEncoding]
    var numValues: Int64
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var chunkOffset: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var minValue: [UInt8]?
    var maxValue: [UInt8]?
    var nullCount: Int64
}

/// Encodes one buffered column into a column chunk: an optional dictionary page, then data pages (v1)
/// of at most `pageRows` rows, each with its definition levels.
struct ParquetChunkEncoder {
    let codec: ParquetCodec
    let pageRows: Int

    private enum PageType: Int32 { case data = 0, dictionary = 2 }

    /// Appends the chunk for `column` to `out`, whose first byte sits at file offset `base`.
    func encode(_ column: ParquetColumnBuffer, base: Int64, to out: inout [UInt8]) throws(ThriftDecodingError) -> ParquetWrittenChunk {
        let start = out.count
        var uncompressedTotal: Int64 = 0
        let physical = Self.physicalType(column.type)
        var encodings: [ParquetEncoding] = [.rle]
        var dictionaryOffset: Int64?
        let useDictionary = column.dictionary != nil && column.valueCount > 0

        if useDictionary, let dictionary = column.dictionary {
            var body: [UInt8] = []
            body.reserveCapacity(dictionary.byteCount + 4 * dictionary.count)
            for i in 0 ..< dictionary.count {
                let entry = dictionary.entry(i)
                ParquetEncoder.appendLittleEndian(UInt32(entry.count), to: &body)
                body.append(contentsOf: entry)
            }
            dictionaryOffset = base + Int64(out.count)
            uncompressedTotal += try appendPage(.dictionary, body: body, numValues: dictionary.count, encoding: .plain, to: &out)
            encodings += [.plain, .rleDictionary]
        } else {
            encodings.append(.plain)
        }

        let dataOffset = base + Int64(out.count)
        let bitWidth = max(1, ParquetEncoder.bitWidth(for: (column.dictionary?.count ?? 1) - 1))
        var row = 0, value = 0
        repeat {
            let rowEnd = min(column.rowCount, row + pageRows)
            var body: [UInt8] = []
            // Definition levels: a 4-byte length, then the hybrid encoding with bit width 1.
            body.append(contentsOf: [0, 0, 0, 0])
            var defined = 0
            column.levels.withUnsafeBufferPointer { levels in
                let page = UnsafeBufferPointer(rebasing: levels[row ..< rowEnd])
                for l in page { defined += Int(l) }
                ParquetEncoder.appendHybrid(page, bitWidth: 1, to: &body)
            }
            let levelBytes = UInt32(body.count - 4)
            body.withUnsafeMutableBytes { $0.storeBytes(of: levelBytes.littleEndian, as: UInt32.self) }
            let values = value ..< value + defined
            if useDictionary {
                body.append(UInt8(bitWidth))
                column.indices.withUnsafeBufferPointer { indices in
                    ParquetEncoder.appendHybrid(UnsafeBufferPointer(rebasing: indices[values]), bitWidth: bitWidth, to: &body)
                }
            } else {
                appendPlain(column, values, to: &body)
            }
            uncompressedTotal += try appendPage(.data, body: body, numValues: rowEnd - row,
                                                encoding: useDictionary ? .rleDictionary : .plain, to: &out)
            row = rowEnd
            value += defined
        } while row < column.rowCount

        let nullCount = column.rowCount - column.valueCount
        let (minValue, maxValue) = Self.statistics(column)
        return ParquetWrittenChunk(
            type: physical, codec: codec, encodings: encodings, numValues: Int64(column.rowCount),
            totalUncompressedSize: uncompressedTotal, totalCompressedSize: Int64(out.count - start),
            chunkOffset: base + Int64(start), dataPageOffset: dataOffset, dictionaryPageOffset: dictionaryOffset,
            minValue: minValue, maxValue: maxValue, nullCount: Int64(nullCount))
    }

    static func physicalType(_ type: ColumnType) -> ParquetPhysicalType {
        switch type {
        case .int64: .int64
        case .float64: .double
        case .bool: .boolean
        case .string: .byteArray
        }
    }

    private func appendPlain(_ column: ParquetColumnBuffer, _ values: Range<Int>, to body: inout [UInt8]) {
        switch column.type {
        case .int64: for v in column.ints[values] { ParquetEncoder.appendLittleEndian(v, to: &body) }
        case .float64: for v in column.doubles[values] { ParquetEncoder.appendLittleEndian(v.bitPattern, to: &body) }
        case .bool: ParquetEncoder.appendPlainBooleans(column.bools[values], to: &body)
        case .string:
            for i in values {
                let s = column.string(i)
                ParquetEncoder.appendLittleEndian(UInt32(s.count), to: &body)
                body.append(contentsOf: s)
            }
        }
    }

    /// Compresses `body` and appends its page header and bytes; returns the uncompressed size (header included).
    private func appendPage(_ type: PageType, body: [UInt8], numValues: Int, encoding: ParquetEncoding,
                            to out: inout [UInt8]) throws(ThriftDecodingError) -> Int64 {
        let compressed = try ParquetPageCompressor.compress(codec, body)
        guard body.count <= Int32.max, compressed.count <= Int32.max else {
            throw ThriftDecodingError(message: "a page of \(body.count) bytes is over Parquet's 2 GiB page limit")
        }
        var header = ThriftCompactWriter()
        header.writeI32(1, type.rawValue)
        header.writeI32(2, Int32(body.count))
        header.writeI32(3, Int32(compressed.count))
        switch type {
        case .data:
            header.beginStruct(5)
            header.writeI32(1, Int32(numValues))
            header.writeI32(2, encoding.rawValue)
            header.writeI32(3, ParquetEncoding.rle.rawValue)
            header.writeI32(4, ParquetEncoding.rle.rawValue)
            header.endStruct()
        case .dictionary:
            header.beginStruct(7)
            header.writeI32(1, Int32(numValues))
            header.writeI32(2, encoding.rawValue)
            header.endStruct()
        }
        header.endStruct()
        out.append(contentsOf: header.bytes)
        out.append(contentsOf: compressed)
        return Int64(header.bytes.count + body.count)
    }
}
