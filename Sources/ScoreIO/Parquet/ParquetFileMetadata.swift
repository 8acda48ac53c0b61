/// One node of a Parquet schema, as listed depth-first in the footer.
public struct ParquetSchemaElement: Sendable, Equatable {
    /// The field name.
    public var name: String
    /// The physical type; nil for a group.
    public var type: ParquetPhysicalType?
    /// The byte width of a FIXED_LEN_BYTE_ARRAY.
    public var typeLength: Int32?
    /// Required, optional or repeated; nil for the root.
    public var repetition: ParquetRepetition?
    /// The number of children of a group; nil (or 0) for a leaf.
    public var numChildren: Int32?
    /// The deprecated converted-type annotation (its Thrift value: 0 UTF8, 5 DECIMAL, 6 DATE, ...).
    public var convertedType: Int32?
    /// Decimal scale (the deprecated field beside `convertedType`).
    public var scale: Int32?
    /// Decimal precision (the deprecated field beside `convertedType`).
    public var precision: Int32?
    /// The logical-type annotation.
    public var logicalType: ParquetLogicalType?

    /// True for a group (an inner node).
    public var isGroup: Bool { type == nil || (numChildren ?? 0) > 0 }
}

/// Where a column chunk's pages are and how they are stored.
public struct ParquetColumnMetaData: Sendable, Equatable {
    /// The physical type of the values.
    public var type: ParquetPhysicalType
    /// Every encoding used in the chunk's pages.
    public var encodings: [ParquetEncoding]
    /// The column's path from the root (one name for a flat column).
    public var pathInSchema: [String]
    /// How the pages are compressed.
    public var codec: ParquetCodec
    /// Values in the chunk, nulls included.
    public var numValues: Int64
    /// Bytes of all pages, headers included, before compression.
    public var totalUncompressedSize: Int64
    /// Bytes of all pages, headers included, as stored.
    public var totalCompressedSize: Int64
    /// File offset of the first data page.
    public var dataPageOffset: Int64
    /// File offset of the dictionary page, when there is one.
    public var dictionaryPageOffset: Int64?
}

/// One column of one row group.
public struct ParquetColumnChunk: Sendable, Equatable {
    /// Another file holding the data (unsupported when set).
    public var filePath: String?
    /// The deprecated offset of the chunk's metadata.
    public var fileOffset: Int64
    /// The chunk's metadata (required by this reader, though optional in the format).
    public var metaData: ParquetColumnMetaData?
}

/// A horizontal slice of the file: one chunk per column.
public struct ParquetRowGroup: Sendable, Equatable {
    /// The chunks, in schema leaf order.
    public var columns: [ParquetColumnChunk]
    /// Uncompressed bytes of all column data.
    public var totalByteSize: Int64
    /// Rows in the row group.
    public var numRows: Int64
}

/// A leaf column of a flat schema, with what a page reader needs to know about it.
public struct ParquetColumn: Sendable, Equatable {
    /// The column name.
    public var name: String
    /// Its position among the leaves (and in each row group's `columns`).
    public var index: Int
    /// Its schema element.
    public var element: ParquetSchemaElement
    /// The physical type.
    public var type: ParquetPhysicalType { element.type ?? .int32 }
    /// 1 for a nullable column, 0 for a required one.
    public var maxDefinitionLevel: Int { element.repetition == .optional ? 1 : 0 }
}

/// A Parquet file's footer: its schema, row groups and key-value metadata.
public struct ParquetFileMetadata: Sendable, Equatable {
    /// The format version the writer declares.
    public var version: Int32
    /// The schema, depth-first; element 0 is the root.
    public var schema: [ParquetSchemaElement]
    /// Rows in the file.
    public var numRows: Int64
    /// The row groups, in file order.
    public var rowGroups: [ParquetRowGroup]
    /// Application metadata (pandas and Arrow schemas, ...).
    public var keyValueMetadata: [ParquetKeyValue]
    /// The writer (`parquet-cpp-arrow version 14.0.0`).
    public var createdBy: String?

    /// The leaf columns of a flat schema: the root's children, each a primitive that is not repeated.
    ///
    /// - Throws: `ParquetError` (unsupported) naming the first nested or repeated column.
    public func flatColumns(file: String) throws(ParquetError) -> [ParquetColumn] {
        guard let root = schema.first else { throw ParquetError(file: file, .corrupt, "the schema is empty") }
        let count = Int(root.numChildren ?? 0)
        guard count == schema.count - 1 else {
            // Some child is a group: name the first one.
            let group = schema.dropFirst().first { $0.isGroup }
            throw ParquetError(file: file, .unsupported,
                               "column '\(group?.name ?? "?")' is nested (a group); nested columns are not supported")
        }
        var columns: [ParquetColumn] = []
        for (i, element) in schema.dropFirst().enumerated() {
            if element.isGroup {
                throw ParquetError(file: file, .unsupported, "column '\(element.name)' is nested (a group); nested columns are not supported")
            }
            if element.repetition == .repeated || element.repetition == .vector {
                throw ParquetError(file: file, .unsupported, "column '\(element.name)' is \(element.repetition!); repeated columns are not supported")
            }
            columns.append(ParquetColumn(name: element.name, index: i, element: element))
        }
        for (g, group) in rowGroups.enumerated() where group.columns.count != columns.count {
            throw ParquetError(file: file, .corrupt, "row group \(g) has \(group.columns.count) column chunks for \(columns.count) columns")
        }
        return columns
    }
}

/// One entry of the footer's key-value metadata.
public struct ParquetKeyValue: Sendable, Equatable {
    /// The key (`ARROW:schema`).
    public var key: String
    /// The value, when set.
    public var value: String?
}
