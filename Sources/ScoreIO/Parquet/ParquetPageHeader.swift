/// The kind of a page in a column chunk.
enum ParquetPageType: Int32 {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

/// A decoded PageHeader: the fields of the page kinds this reader handles.
struct ParquetPageHeader {
    var type: ParquetPageType
    var uncompressedSize: Int
    var compressedSize: Int
    var crc: Int32?
    /// Values in the page, nulls included (data pages) or entries (dictionary page).
    var numValues: Int = 0
    /// The values' encoding.
    var encoding = ParquetEncoding.plain
    /// v1: how definition levels are encoded.
    var definitionLevelEncoding = ParquetEncoding.rle
    /// v2: nulls in the page.
    var numNulls = 0
    /// v2: byte lengths of the level sections, which precede the values uncompressed.
    var definitionLevelsLength = 0
    var repetitionLevelsLength = 0
    /// v2: whether the values section is compressed (default true).
    var isCompressed = true

    /// Decodes a header at the reader's position.
    static func decode(_ r: inout ThriftCompactReader) throws(ThriftDecodingError) -> ParquetPageHeader {
        var type: Int32?, uncompressed: Int32?, compressed: Int32?
        var header = ParquetPageHeader(type: .dataPage, uncompressedSize: 0, compressedSize: 0, crc: nil)
        var hasBody = false
        try r.readStruct { (r, id, t) throws(ThriftDecodingError) in
            switch id {
            case 1: try r.expect(t, .i32, field: "type"); type = try r.readI32()
            case 2: try r.expect(t, .i32, field: "uncompressed_page_size"); uncompressed = try r.readI32()
            case 3: try r.expect(t, .i32, field: "compressed_page_size"); compressed = try r.readI32()
            case 4: try r.expect(t, .i32, field: "crc"); header.crc = try r.readI32()
            case 5:
                try r.expect(t, .structure, field: "data_page_header"); hasBody = true
                try r.readStruct { (r, id, t) throws(ThriftDecodingError) in
                    switch (id, t) {
                    case (1, .i32): header.numValues = Int(try r.readI32())
                    case (2, .i32): header.encoding = ParquetEncoding(rawValue: try r.readI32())
                    case (3, .i32): header.definitionLevelEncoding = ParquetEncoding(rawValue: try r.readI32())
                    default: try r.skip(t)
                    }
                }
            case 7:
                try r.expect(t, .structure, field: "dictionary_page_header"); hasBody = true
                try r.readStruct { (r, id, t) throws(ThriftDecodingError) in
                    switch (id, t) {
                    case (1, .i32): header.numValues = Int(try r.readI32())
                    case (2, .i32): header.encoding = ParquetEncoding(rawValue: try r.readI32())
                    default: try r.skip(t)
                    }
                }
            case 8:
                try r.expect(t, .structure, field: "data_page_header_v2"); hasBody = true
                try r.readStruct { (r, id, t) throws(ThriftDecodingError) in
                    switch (id, t) {
                    case (1, .i32): header.numValues = Int(try r.readI32())
                    case (2, .i32): header.numNulls = Int(try r.readI32())
                    case (4, .i32): header.encoding = ParquetEncoding(rawValue: try r.readI32())
                    case (5, .i32): header.definitionLevelsLength = Int(try r.readI32())
                    case (6, .i32): header.repetitionLevelsLength = Int(try r.readI32())
                    case (7, .boolTrue), (7, .boolFalse): header.isCompressed = try r.boolValue(fieldType: t)
                    default: try r.skip(t)
                    }
                }
            default: try r.skip(t)
            }
        }
        guard let type, let uncompressed, let compressed else {
            throw ThriftDecodingError(message: "page header lacks type or sizes")
        }
        guard let pageType = ParquetPageType(rawValue: type) else { throw ThriftDecodingError(message: "unknown page type \(type)") }
        guard uncompressed >= 0, compressed >= 0 else { throw ThriftDecodingError(message: "negative page size") }
        guard header.numValues >= 0, header.numNulls >= 0, header.numNulls <= header.numValues,
              header.definitionLevelsLength >= 0, header.repetitionLevelsLength >= 0 else {
            throw ThriftDecodingError(message: "negative or inconsistent counts in page header")
        }
        if pageType != .indexPage && !hasBody { throw ThriftDecodingError(message: "page header lacks its \(pageType) header") }
        header.type = pageType
        header.uncompressedSize = Int(uncompressed)
        header.compressedSize = Int(compressed)
        return header
    }
}
