/// Where each row of a batch came from: its source line and its original record text,
/// kept so a rejected row reaches the quarantine exactly as it was read.
public struct RowOrigins: Sendable, Equatable {
    /// The source position of each row (a CSV's physical line where the record starts).
    public private(set) var lines: [Int]
    /// The original text of every row's record, back to back.
    public private(set) var recordBytes: [UInt8]
    /// `recordStarts[i] ..< recordEnds[i]` indexes `recordBytes` for row `i`.
    public private(set) var recordStarts: [Int]
    /// The end of each row's record in `recordBytes`; see `recordStarts`.
    public private(set) var recordEnds: [Int]

    /// Empty origins, to be filled with `append`.
    public init() {
        lines = []
        recordBytes = []
        recordStarts = []
        recordEnds = []
    }

    /// Origins whose records all live in `recordBytes` (typically one read chunk).
    public init(lines: [Int], recordBytes: [UInt8], recordStarts: [Int], recordEnds: [Int]) {
        precondition(lines.count == recordStarts.count && lines.count == recordEnds.count)
        self.lines = lines
        self.recordBytes = recordBytes
        self.recordStarts = recordStarts
        self.recordEnds = recordEnds
    }

    /// The number of rows.
    public var count: Int { lines.count }

    /// Appends a row whose record is `record`'s UTF-8 bytes.
    public mutating func append(line: Int, record: String) {
        lines.append(line)
        recordStarts.append(recordBytes.count)
        recordBytes.append(contentsOf: Array(record.utf8))
        recordEnds.append(recordBytes.count)
    }

    /// The original text of row `i`'s record (invalid UTF-8 shown as U+FFFD).
    public func record(_ i: Int) -> String {
        String(decoding: recordBytes[recordStarts[i] ..< recordEnds[i]], as: UTF8.self)
    }

    /// The original bytes of row `i`'s record, exactly as read.
    public func recordBytes(_ i: Int) -> [UInt8] {
        Array(recordBytes[recordStarts[i] ..< recordEnds[i]])
    }

    /// The rows at `indices`; the record bytes are shared, not copied.
    public func gather(_ indices: [Int]) -> RowOrigins {
        RowOrigins(lines: indices.map { lines[$0] }, recordBytes: recordBytes,
                   recordStarts: indices.map { recordStarts[$0] },
                   recordEnds: indices.map { recordEnds[$0] })
    }
}
