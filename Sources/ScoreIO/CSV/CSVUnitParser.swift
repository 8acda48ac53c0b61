#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// Scans one cut of a CSV (whole records, from a record boundary) and converts it to a batch:
/// the per-worker part of parallel parsing. A value, so each unit carries its own.
struct CSVUnitParser: Sendable {
    let builder: CSVBatchBuilder
    let delimiter: UInt8
    let maxRecordBytes: Int
    let sourceName: String

    /// The batch of the records in `bytes`, which start on `firstLine`; field-count and type
    /// problems become rejections (sorted by line). Throws `InputError` for an unclosed quote
    /// (only possible at the end of the input) or a record over `max_record_bytes`.
    /// `shared`, when given, is the array `bytes` views: rows keep it as their original text.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, firstLine: Int, shared: [UInt8]? = nil) throws -> ReadResult {
        let end = bytes.count
        let placeholder: [UInt8] = [0]  // a valid pointer even for no bytes
        return try placeholder.withUnsafeBufferPointer { fallback -> ReadResult in
            let p = bytes.baseAddress ?? fallback.baseAddress!
            let scanner = CSVScanner(delimiter: delimiter)
            let columnCount = builder.schema.fields.count
            let fields = FieldTable(capacity: max(16, end / 4))
            var records = RecordList(reserving: end / 16 + 1)
            var rejections: [Rejection] = []
            var rel = 0, line = firstLine
            scanning: while true {
                let mark = fields.count
                // The cut ends after a terminator (or at the end of the input): EOF semantics hold.
                switch scanner.scan(p, end: end, from: rel, atEOF: true, fields: fields) {
                case .end:
                    break scanning
                case .incomplete(let openQuote):
                    let quoteLine = line + (openQuote ?? 0)
                    throw InputError(.malformed, file: sourceName, line: quoteLine, "unclosed quote starting at line \(quoteLine)")
                case .blank(let next):
                    rel = next
                    line += 1
                case .record(let span):
                    if span.contentEnd - span.start > maxRecordBytes {
                        throw CSVReader.recordTooLong(line: line, openQuote: nil, maxRecordBytes: maxRecordBytes,
                                                      sourceName: sourceName)
                    }
                    if span.fieldCount != columnCount {
                        fields.truncate(to: mark)
                        rejections.append(Rejection(
                            line: line, stage: "parse", rule: "field_count",
                            reason: "expected \(columnCount) field\(columnCount == 1 ? "" : "s"), found \(span.fieldCount)",
                            record: Array(UnsafeBufferPointer(start: p + span.start, count: span.contentEnd - span.start))))
                    } else {
                        records.append(start: span.start, end: span.contentEnd, line: line)
                    }
                    line += span.lineBreaks
                    rel = span.next
                }
            }
            let batch = builder.makeBatch(p, fields: fields, records: records, rejections: &rejections, shared: shared)
            if rejections.count > 1 { rejections.sort { $0.line < $1.line } }
            return ReadResult(batch: batch, rejections: rejections)
        }
    }
}
