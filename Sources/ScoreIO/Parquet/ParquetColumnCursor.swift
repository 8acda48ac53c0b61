/// One column chunk read page by page: `take(n)` reads and decodes pages from the file only as far
/// as the next n rows need, so memory is a page plus the rows taken, whatever the row group's size
/// (pyarrow writes row groups of a million rows; a file can be one row group).
struct ParquetColumnCursor: Sendable {
    let reader: ParquetColumnChunkReader
    let codec: ParquetCodec
    /// Rows in the chunk.
    let rows: Int
    /// The file offset of the next page, and the end of the chunk.
    private var next: Int64
    private let end: Int64
    private var dictionary: ParquetValues?
    /// Rows decoded from pages so far.
    private var decoded = 0
    /// Decoded rows not all taken yet: `pending` from row `pendingRow` (value `pendingValue`) on.
    private var pending: ParquetColumnData
    private var pendingRow = 0
    private var pendingValue = 0

    /// A page header is read through a window of this many bytes, doubled while it is too short.
    private static let headerWindow = 4096
    private static let maxHeaderBytes = 16 << 20

    init(reader: ParquetColumnChunkReader, codec: ParquetCodec, rows: Int, start: Int64, end: Int64) {
        self.reader = reader
        self.codec = codec
        self.rows = rows
        self.next = start
        self.end = end
        pending = ParquetColumnData(values: reader.emptyValues, validity: reader.isOptional ? [] : nil, rowCount: 0)
    }

    /// Rows not taken yet.
    var remaining: Int { rows - decoded + pending.rowCount - pendingRow }

    /// The next `count` rows (fewer at the end of the chunk).
    mutating func take(_ count: Int) throws(ParquetError) -> ParquetColumnData {
        while pending.rowCount - pendingRow < count && decoded < rows {
            if pendingRow > 0 { compact() }
            try readPage()
        }
        let n = min(count, pending.rowCount - pendingRow)
        let validity = pending.validity.map { Array($0[pendingRow ..< pendingRow + n]) }
        let present = validity.map { v in v.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? n
        let values = pendingRow == 0 && n == pending.rowCount ? pending.values
            : pending.values.slice(pendingValue ..< pendingValue + present)
        pendingRow += n
        pendingValue += present
        return ParquetColumnData(values: values, validity: validity, rowCount: n)
    }

    /// Drops the rows already taken (once per page read, so copying stays linear).
    private mutating func compact() {
        pending = ParquetColumnData(values: pending.values.slice(pendingValue ..< pending.values.count),
                                    validity: pending.validity.map { Array($0[pendingRow...]) },
                                    rowCount: pending.rowCount - pendingRow)
        pendingRow = 0
        pendingValue = 0
    }

    /// Reads the next page from the file and decodes it onto `pending`.
    private mutating func readPage() throws(ParquetError) {
        guard next < end else { throw reader.error(.corrupt, "chunk ends after \(decoded) of \(rows) values") }
        var window = Self.headerWindow
        var header: ParquetPageHeader
        var headerSize: Int
        while true {
            let available = Int(min(Int64(window), end - next))
            let bytes = try reader.readBytes(offset: next, count: available)
            var r = ThriftCompactReader(bytes, range: 0 ..< bytes.count, maxDepth: 16)
            do {
                header = try ParquetPageHeader.decode(&r)
                headerSize = r.position
                break
            } catch {
                // Too short a window looks like a truncated header: widen it while the chunk allows.
                if available < window || window >= Self.maxHeaderBytes { throw reader.error(error) }
                window *= 2
            }
        }
        guard header.compressedSize >= 0, Int64(header.compressedSize) <= end - next - Int64(headerSize) else {
            throw reader.error(.corrupt, "page of \(header.compressedSize) bytes runs past the chunk")
        }
        let stored = try reader.readBytes(offset: next + Int64(headerSize), count: header.compressedSize)
        next += Int64(headerSize + header.compressedSize)
        do {
            var values = pending.values, validity = pending.validity
            pending.values = reader.emptyValues  // keep the arrays uniquely referenced while decoding
            decoded += try reader.decodePage(header, stored, codec: codec, remaining: rows - decoded,
                                             dictionary: &dictionary, values: &values, validity: &validity)
            pending = ParquetColumnData(values: values, validity: validity,
                                        rowCount: validity?.count ?? values.count)
        } catch {
            throw reader.error(error)
        }
    }
}

extension ParquetValues {
    /// The values at `range`, in a list of their own.
    func slice(_ range: Range<Int>) -> ParquetValues {
        switch self {
        case .boolean(let v): .boolean(Array(v[range]))
        case .int32(let v): .int32(Array(v[range]))
        case .int64(let v): .int64(Array(v[range]))
        case .float(let v): .float(Array(v[range]))
        case .double(let v): .double(Array(v[range]))
        case .byteArray(let v): .byteArray(v.slice(range))
        case .fixedLenByteArray(let width, let v): .fixedLenByteArray(width: width, v.slice(range))
        }
    }
}

extension ParquetByteArrays {
    /// The values at `range`, with their own bytes and offsets.
    func slice(_ range: Range<Int>) -> ParquetByteArrays {
        let start = offsets[range.lowerBound], stop = offsets[range.upperBound]
        var out = ParquetByteArrays()
        out.bytes = Array(bytes[start ..< stop])
        out.offsets = offsets[range.lowerBound ... range.upperBound].map { $0 - start }
        return out
    }
}
