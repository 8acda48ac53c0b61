// Decoding of the footer's Thrift structures (FileMetaData and what it holds), field ids as in parquet.thrift.

extension ParquetFileMetadata {
    /// Decodes a serialized FileMetaData.
    ///
    /// - Throws: `ParquetError` (corrupt) naming the file when the bytes are not a valid FileMetaData.
    public init(thrift bytes: [UInt8], file: String) throws(ParquetError) {
        var reader = ThriftCompactReader(bytes)
        do {
            self = try Self.decode(&reader)
        } catch {
            if error.isUnsupported { throw ParquetError(file: file, .unsupported, error.message) }
            throw ParquetError(file: file, .corrupt, "invalid footer metadata: \(error.message)")
        }
    }

    static func decode(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetFileMetadata {
        var version: Int32?, numRows: Int64?, schema: [ParquetSchemaElement]?, rowGroups: [ParquetRowGroup]?
        var keyValues: [ParquetKeyValue] = [], createdBy: String?
        var encrypted = false
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            switch id {
            case 1: try r.expect(type, .i32, field: "version"); version = try r.readI32()
            case 2: try r.expect(type, .list, field: "schema")
                schema = try r.readList(of: .structure) { (r) throws(ThriftDecodingError) in try decodeSchemaElement(&r) }
            case 3: try r.expect(type, .i64, field: "num_rows"); numRows = try r.readI64()
            case 4: try r.expect(type, .list, field: "row_groups")
                rowGroups = try r.readList(of: .structure) { (r) throws(ThriftDecodingError) in try decodeRowGroup(&r) }
            case 5: try r.expect(type, .list, field: "key_value_metadata")
                keyValues = try r.readList(of: .structure) { (r) throws(ThriftDecodingError) in try decodeKeyValue(&r) }
            case 6: try r.expect(type, .binary, field: "created_by"); createdBy = try r.readString()
            case 8: encrypted = true; try r.skip(type)
            default: try r.skip(type)
            }
        }
        if encrypted { throw ThriftDecodingError(message: "encrypted columns (plaintext footer): encryption is not supported", isUnsupported: true) }
        guard let version, let numRows, let schema, let rowGroups else {
            throw ThriftDecodingError(message: "FileMetaData lacks a required field (version, schema, num_rows or row_groups)")
        }
        guard numRows >= 0 else { throw ThriftDecodingError(message: "negative num_rows \(numRows)") }
        return ParquetFileMetadata(version: version, schema: schema, numRows: numRows, rowGroups: rowGroups,
                                   keyValueMetadata: keyValues, createdBy: createdBy)
    }

    private static func decodeSchemaElement(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetSchemaElement {
        var e = ParquetSchemaElement(name: "", type: nil, typeLength: nil, repetition: nil, numChildren: nil,
                                     convertedType: nil, scale: nil, precision: nil, logicalType: nil)
        var hasName = false
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            switch id {
            case 1:
                try r.expect(type, .i32, field: "type")
                let raw = try r.readI32()
                guard let t = ParquetPhysicalType(rawValue: raw) else { throw ThriftDecodingError(message: "unknown physical type \(raw)") }
                e.type = t
            case 2: try r.expect(type, .i32, field: "type_length"); e.typeLength = try r.readI32()
            case 3:
                try r.expect(type, .i32, field: "repetition_type")
                let raw = try r.readI32()
                guard let rep = ParquetRepetition(rawValue: raw) else { throw ThriftDecodingError(message: "unknown repetition type \(raw)") }
                e.repetition = rep
            case 4: try r.expect(type, .binary, field: "name"); e.name = try r.readString(); hasName = true
            case 5:
                try r.expect(type, .i32, field: "num_children")
                let n = try r.readI32()
                guard n >= 0 else { throw ThriftDecodingError(message: "negative num_children \(n)") }
                e.numChildren = n
            case 6: try r.expect(type, .i32, field: "converted_type"); e.convertedType = try r.readI32()
            case 7: try r.expect(type, .i32, field: "scale"); e.scale = try r.readI32()
            case 8: try r.expect(type, .i32, field: "precision"); e.precision = try r.readI32()
            case 10: try r.expect(type, .structure, field: "logicalType"); e.logicalType = try decodeLogicalType(&r)
            default: try r.skip(type)
            }
        }
        guard hasName else { throw ThriftDecodingError(message: "a schema element has no name") }
        return e
    }

    private static func decodeLogicalType(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetLogicalType? {
        var result: ParquetLogicalType?
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            guard type == .structure else { try r.skip(type); return }
            switch id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 6: result = .date
            case 11: result = .null
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
                    switch (id, type) {
                    case (1, .i32): scale = try r.readI32()
                    case (2, .i32): precision = try r.readI32()
                    default: try r.skip(type)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
                return
            case 7, 8:
                var utc = false, unit = ParquetTimeUnit.millis
                try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
                    switch (id, type) {
                    case (1, .boolTrue), (1, .boolFalse): utc = try r.boolValue(fieldType: type)
                    case (2, .structure): unit = try decodeTimeUnit(&r)
                    default: try r.skip(type)
                    }
                }
                result = id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
                return
            case 10:
                var width: Int8 = 0, signed = true
                try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
                    switch (id, type) {
                    case (1, .byte): width = Int8(bitPattern: try r.readByte())
                    case (2, .boolTrue), (2, .boolFalse): signed = try r.boolValue(fieldType: type)
                    default: try r.skip(type)
                    }
                }
                result = .integer(bitWidth: width, isSigned: signed)
                return
            default: result = .other(id: id)
            }
            try r.skip(type)
        }
        return result
    }

    private static func decodeTimeUnit(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetTimeUnit {
        var unit = ParquetTimeUnit.millis
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            switch id {
            case 2: unit = .micros
            case 3: unit = .nanos
            default: break
            }
            try r.skip(type)
        }
        return unit
    }

    private static func decodeRowGroup(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetRowGroup {
        var columns: [ParquetColumnChunk]?, totalByteSize: Int64 = 0, numRows: Int64?
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            switch id {
            case 1: try r.expect(type, .list, field: "columns")
                columns = try r.readList(of: .structure) { (r) throws(ThriftDecodingError) in try decodeColumnChunk(&r) }
            case 2: try r.expect(type, .i64, field: "total_byte_size"); totalByteSize = try r.readI64()
            case 3: try r.expect(type, .i64, field: "num_rows"); numRows = try r.readI64()
            default: try r.skip(type)
            }
        }
        guard let columns, let numRows else { throw ThriftDecodingError(message: "a row group lacks columns or num_rows") }
        guard numRows >= 0 else { throw ThriftDecodingError(message: "a row group has negative num_rows \(numRows)") }
        return ParquetRowGroup(columns: columns, totalByteSize: totalByteSize, numRows: numRows)
    }

    private static func decodeColumnChunk(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetColumnChunk {
        var chunk = ParquetColumnChunk(filePath: nil, fileOffset: 0, metaData: nil)
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            switch id {
            case 1: try r.expect(type, .binary, field: "file_path"); chunk.filePath = try r.readString()
            case 2: try r.expect(type, .i64, field: "file_offset"); chunk.fileOffset = try r.readI64()
            case 3: try r.expect(type, .structure, field: "meta_data"); chunk.metaData = try decodeColumnMetaData(&r)
            default: try r.skip(type)
            }
        }
        return chunk
    }

    private static func decodeColumnMetaData(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetColumnMetaData {
        var type: ParquetPhysicalType?, encodings: [ParquetEncoding] = [], path: [String]?, codec: ParquetCodec?
        var numValues: Int64?, uncompressed: Int64?, compressed: Int64?, dataPage: Int64?, dictionaryPage: Int64?
        try r.readStruct { (r, id, t) throws(ThriftDecodingError) in
            switch id {
            case 1:
                try r.expect(t, .i32, field: "type")
                let raw = try r.readI32()
                guard let p = ParquetPhysicalType(rawValue: raw) else { throw ThriftDecodingError(message: "unknown physical type \(raw)") }
                type = p
            case 2: try r.expect(t, .list, field: "encodings")
                encodings = try r.readList(of: .i32) { (r) throws(ThriftDecodingError) in ParquetEncoding(rawValue: try r.readI32()) }
            case 3: try r.expect(t, .list, field: "path_in_schema")
                path = try r.readList(of: .binary) { (r) throws(ThriftDecodingError) in try r.readString() }
            case 4: try r.expect(t, .i32, field: "codec"); codec = ParquetCodec(rawValue: try r.readI32())
            case 5: try r.expect(t, .i64, field: "num_values"); numValues = try r.readI64()
            case 6: try r.expect(t, .i64, field: "total_uncompressed_size"); uncompressed = try r.readI64()
            case 7: try r.expect(t, .i64, field: "total_compressed_size"); compressed = try r.readI64()
            case 9: try r.expect(t, .i64, field: "data_page_offset"); dataPage = try r.readI64()
            case 11: try r.expect(t, .i64, field: "dictionary_page_offset"); dictionaryPage = try r.readI64()
            default: try r.skip(t)
            }
        }
        guard let type, let path, let codec, let numValues, let uncompressed, let compressed, let dataPage else {
            throw ThriftDecodingError(message: "a column's metadata lacks a required field")
        }
        return ParquetColumnMetaData(type: type, encodings: encodings, pathInSchema: path, codec: codec, numValues: numValues,
                                     totalUncompressedSize: uncompressed, totalCompressedSize: compressed,
                                     dataPageOffset: dataPage, dictionaryPageOffset: dictionaryPage)
    }

    private static func decodeKeyValue(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetKeyValue {
        var kv = ParquetKeyValue(key: "", value: nil)
        try r.readStruct { (r, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .binary): kv.key = try r.readString()
            case (2, .binary): kv.value = try r.readString()
            default: try r.skip(type)
            }
        }
        return kv
    }
}
