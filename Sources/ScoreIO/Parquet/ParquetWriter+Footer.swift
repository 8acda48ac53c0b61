import ScoreCore

/// A row group already in the file, as the footer describes it.
struct ParquetWrittenRowGroup {
    var chunks: [ParquetWrittenChunk]
    var numRows: Int64
    var fileOffset: Int64
}

/// Serializes the FileMetaData footer (field ids as in parquet.thrift).
enum ParquetFooterEncoder {
    /// The format version written: 2, as the files use RLE_DICTIONARY and logical types.
    static let formatVersion: Int32 = 2
    /// ConvertedType UTF8, written beside the STRING logical type for older readers.
    static let convertedTypeUTF8: Int32 = 0

    static func encode(schema: Schema, rowGroups: [ParquetWrittenRowGroup], createdBy: String) -> [UInt8] {
        var w = ThriftCompactWriter()
        w.writeI32(1, formatVersion)

        w.beginList(2, of: .structure, count: schema.fields.count + 1)
        w.beginStructElement()
        w.writeString(4, "schema")
        w.writeI32(5, Int32(schema.fields.count))
        w.endStruct()
        for field in schema.fields {
            w.beginStructElement()
            w.writeI32(1, ParquetChunkEncoder.physicalType(field.type).rawValue)
            w.writeI32(3, ParquetRepetition.optional.rawValue)
            w.writeString(4, field.name)
            if field.type == .string {
                w.writeI32(6, convertedTypeUTF8)
                w.beginStruct(10)  // LogicalType union
                w.beginStruct(1)  // STRING: StringType {}
                w.endStruct()
                w.endStruct()
            }
            w.endStruct()
        }

        w.writeI64(3, rowGroups.reduce(0) { $0 + $1.numRows })

        w.beginList(4, of: .structure, count: rowGroups.count)
        for group in rowGroups {
            w.beginStructElement()
            w.beginList(1, of: .structure, count: group.chunks.count)
            for (chunk, field) in zip(group.chunks, schema.fields) {
                w.beginStructElement()
                w.writeI64(2, chunk.chunkOffset)
                w.beginStruct(3)
                writeColumnMetaData(&w, chunk, name: field.name)
                w.endStruct()
                w.endStruct()
            }
            w.writeI64(2, group.chunks.reduce(0) { $0 + $1.totalUncompressedSize })
            w.writeI64(3, group.numRows)
            w.writeI64(5, group.fileOffset)
            w.writeI64(6, group.chunks.reduce(0) { $0 + $1.totalCompressedSize })
            w.endStruct()
        }

        w.writeString(6, createdBy)
        // column_orders: TYPE_ORDER for every column, so readers trust min_value / max_value.
        w.beginList(7, of: .structure, count: schema.fields.count)
        for _ in schema.fields {
            w.beginStructElement()
            w.beginStruct(1)
            w.endStruct()
            w.endStruct()
        }
        w.endStruct()
        return w.bytes
    }

    private static func writeColumnMetaData(_ w: inout ThriftCompactWriter, _ chunk: ParquetWrittenChunk, name: String) {
        w.writeI32(1, chunk.type.rawValue)
        w.writeI32List(2, chunk.encodings.map(\.rawValue))
        w.writeStringList(3, [name])
        w.writeI32(4, chunk.codec.rawValue)
        w.writeI64(5, chunk.numValues)
        w.writeI64(6, chunk.totalUncompressedSize)
        w.writeI64(7, chunk.totalCompressedSize)
        w.writeI64(9, chunk.dataPageOffset)
        if let offset = chunk.dictionaryPageOffset { w.writeI64(11, offset) }
        w.beginStruct(12)
        w.writeI64(3, chunk.nullCount)
        if let max = chunk.maxValue { w.writeBinary(5, max) }
        if let min = chunk.minValue { w.writeBinary(6, min) }
        w.endStruct()
    }
}
