#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ScoreCore

/// Finds where the next N records of a CSV end, without tokenizing them: the serial part of
/// parallel parsing. Workers then scan each cut on their own, so the cut must fall exactly where
/// `CSVScanner` would end a record — never inside a quoted field.
///
/// Quote-free input (most files) is cut with `memchr` for LF: every LF ends a record there. When
/// the bytes up to the cut hold a quote or a CR, the cut is redone by `exactCut`, a byte-level
/// replica of the scanner's states (field start, unquoted, quoted, after a closing quote; a quote
/// inside an unquoted field is literal; LF, CRLF and a bare CR end a record; blank lines are lines
/// but not records). Either way the reader only reads ahead; it consumes nothing.
struct CSVRecordBoundaries {
    let file: ChunkedFile
    let delimiter: UInt8
    let maxRecordBytes: Int
    /// The physical line of the first kept byte (for errors).
    let firstLine: Int

    /// The cut: bytes from the start of the kept bytes, the physical lines they span and the records
    /// (non-blank) they hold. `bytes == 0` only at the end of the input.
    struct Cut {
        var bytes: Int
        var lines: Int
        var records: Int
    }

    /// The cut after `limit` records; `tryLines` false skips the `memchr` attempt (the input has
    /// shown quotes or CRs before, so it would most likely be redone).
    func cut(records limit: Int, tryLines: Bool = true) throws -> (cut: Cut, byLines: Bool) {
        if tryLines, let cut = try lineCut(records: limit) { return (cut, true) }
        return (try exactCut(records: limit), false)
    }

    /// Cuts after `limit` non-blank LF-terminated lines; nil when the bytes up to the cut hold a
    /// quote or a CR (then lines are not records, and `exactCut` decides).
    private func lineCut(records limit: Int) throws -> Cut? {
        var pos = 0, lines = 0, records = 0
        while records < limit {
            let remaining = file.keptCount - pos
            if remaining > 0, let found = memchr(file.kept + pos, Int32(CSVScanner.lf), remaining) {
                let at = UnsafeRawPointer(found) - UnsafeRawPointer(file.kept)
                if at - pos > maxRecordBytes { return nil }  // `exactCut` reports it with its line
                if at > pos { records += 1 }
                lines += 1
                pos = at + 1
                continue
            }
            if file.atEOF {
                if remaining > 0 {
                    records += 1  // a last record without a line break
                    pos = file.keptCount
                }
                break
            }
            if remaining > maxRecordBytes { return nil }
            try file.readMore()
        }
        let p = UnsafeMutableRawPointer(mutating: file.kept)
        if pos > 0 && (memchr(p, Int32(CSVScanner.quote), pos) != nil || memchr(p, Int32(CSVScanner.cr), pos) != nil) {
            return nil
        }
        return Cut(bytes: pos, lines: lines, records: records)
    }

    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    /// The scanner's record boundaries, byte by byte.
    private func exactCut(records limit: Int) throws -> Cut {
        let quote = CSVScanner.quote, lf = CSVScanner.lf, cr = CSVScanner.cr, delimiter = self.delimiter
        var state = State.fieldStart
        var i = 0, lines = 0, records = 0
        var recordStart = 0, recordLines = 0
        var quoteLines = 0  // lines before the open quote of the current record
        var p = file.kept
        while records < limit {
            if i >= file.keptCount || (p[i] == cr && i + 1 >= file.keptCount) {
                // Out of bytes (or a CR whose meaning depends on the next byte).
                if file.atEOF {
                    if i >= file.keptCount {
                        if i > recordStart { records += 1 }  // the last record (an unclosed quote is the worker's to report)
                        break
                    }
                } else {
                    if i - recordStart > maxRecordBytes {
                        throw CSVReader.recordTooLong(line: firstLine + recordLines,
                                                      openQuote: state == .quoted ? firstLine + quoteLines : nil,
                                                      maxRecordBytes: maxRecordBytes, sourceName: file.name)
                    }
                    try file.readMore()
                    p = file.kept
                    continue
                }
            }
            let c = p[i]
            var boundary = false
            switch state {
            case .fieldStart, .unquoted, .afterQuote:
                if c == lf || c == cr {
                    boundary = true
                } else if c == delimiter {
                    state = .fieldStart
                } else if c == quote {
                    if state == .fieldStart {
                        state = .quoted
                        quoteLines = lines
                    } else if state == .afterQuote {
                        state = .quoted  // a doubled quote: still inside the field
                    }
                } else {
                    state = .unquoted
                }
            case .quoted:
                if c == quote {
                    state = .afterQuote
                } else if c == lf {
                    lines += 1
                } else if c == cr && i + 1 < file.keptCount && p[i + 1] != lf {
                    lines += 1
                }
            }
            let terminator = i
            i += 1
            if boundary {
                if c == cr && i < file.keptCount && p[i] == lf { i += 1 }
                lines += 1
                if terminator > recordStart { records += 1 }  // otherwise a blank line
                state = .fieldStart
                recordStart = i
                recordLines = lines
            }
        }
        return Cut(bytes: i, lines: lines, records: records)
    }
}
