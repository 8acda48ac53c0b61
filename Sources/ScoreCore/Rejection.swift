/// One rejected input record, as it is written to the quarantine.
public struct Rejection: Sendable, Equatable {
    /// The input's position of the record (a CSV's physical line).
    public var line: Int
    /// Which part of the plan rejected it: `parse`, `validate`, `features`, `model`.
    public var stage: String
    /// The rule within the stage (`field_count`, `type`, `range`, `missing_value`, ...).
    public var rule: String
    /// A sentence a person can act on.
    public var reason: String
    /// The original record's bytes, exactly as read (not necessarily valid UTF-8).
    public var record: [UInt8]

    /// Creates a rejection carrying the record's raw bytes.
    public init(line: Int, stage: String, rule: String, reason: String, record: [UInt8]) {
        self.line = line
        self.stage = stage
        self.rule = rule
        self.reason = reason
        self.record = record
    }

    /// Creates a rejection from record text, stored as its UTF-8 bytes.
    public init(line: Int, stage: String, rule: String, reason: String, record: String) {
        self.init(line: line, stage: stage, rule: rule, reason: reason, record: Array(record.utf8))
    }

    /// The record as text (invalid UTF-8 shown as U+FFFD), for messages and tests.
    public var recordText: String { String(decoding: record, as: UTF8.self) }
}

/// The verdicts of one stage over a batch: which rows it rejects and why (the first reason wins).
public struct RowVerdicts: Sendable {
    /// One rejected row and why.
    public struct Verdict: Sendable, Equatable {
        /// The row's index in the batch.
        public var row: Int
        /// The rule that rejected it.
        public var rule: String
        /// A sentence a person can act on.
        public var reason: String
    }

    /// The number of rows in the batch judged.
    public let rowCount: Int
    private var rejected: [Bool]
    /// The rejections, in the order they were made.
    public private(set) var verdicts: [Verdict] = []

    /// Starts with every row of a `rowCount`-row batch kept.
    public init(rowCount: Int) {
        self.rowCount = rowCount
        self.rejected = Array(repeating: false, count: rowCount)
    }

    /// How many rows are rejected.
    public var rejectedCount: Int { verdicts.count }

    /// Whether `row` is rejected.
    @inline(__always)
    public func isRejected(_ row: Int) -> Bool { rejected[row] }

    /// Rejects `row`; a row already rejected keeps its first reason.
    public mutating func reject(_ row: Int, rule: String, reason: @autoclosure () -> String) {
        if rejected[row] { return }
        rejected[row] = true
        verdicts.append(Verdict(row: row, rule: rule, reason: reason()))
    }

    /// The rows not rejected, in order.
    public func keptRows() -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(rowCount - rejectedCount)
        for i in 0 ..< rowCount where !rejected[i] { out.append(i) }
        return out
    }

    /// The quarantine records for this stage's rejections, in row order.
    public func rejections(stage: String, origins: RowOrigins) -> [Rejection] {
        verdicts.sorted { $0.row < $1.row }.map {
            Rejection(line: origins.lines[$0.row], stage: stage, rule: $0.rule, reason: $0.reason,
                      record: origins.recordBytes($0.row))
        }
    }
}
