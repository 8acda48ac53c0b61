/// One record found by `CSVScanner`.
struct RecordSpan {
    /// Offset of the record's first byte.
    var start: Int
    /// Offset just past the record's text, before its line terminator.
    var contentEnd: Int
    /// Offset of the next record (past the terminator).
    var next: Int
    /// Physical line breaks the record spans, its terminator included: the next record
    /// starts this many lines further down.
    var lineBreaks: Int
    var fieldCount: Int
}

/// The result of scanning at one position.
enum ScanStep {
    case record(RecordSpan)
    /// An empty line (skipped, but it counts as a physical line).
    case blank(next: Int)
    /// The bytes end inside the record: read more and scan it again. `openQuoteLineBreaks` is set
    /// when the end falls inside a quoted field (the line breaks before its opening quote), so an
    /// end of file there can name the line the quote opened on.
    case incomplete(openQuoteLineBreaks: Int?)
    /// No bytes left at the end of the input.
    case end
}

/// The RFC 4180 tokenizer: finds record and field boundaries in one pass over raw bytes,
/// without copying or allocating per field.
///
/// Lenient where RFC 4180 is silent, like Python's `csv`: a quote inside an unquoted field is
/// literal, and text after a closing quote joins the field. Line terminators are LF, CRLF or a bare CR.
struct CSVScanner {
    let delimiter: UInt8

    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    init(delimiter: UInt8) {
        self.delimiter = delimiter
    }

    /// Scans the record starting at `pos` of `p[0 ..< end]`, appending its fields to `fields`.
    /// On `.incomplete` the caller truncates `fields` back and scans again with more bytes:
    /// a record always starts outside quotes, so rescanning from its start is always right.
    @inline(__always)
    func scan(_ p: UnsafePointer<UInt8>, end: Int, from pos: Int, atEOF: Bool, fields: FieldTable) -> ScanStep {
        let quote = Self.quote, lf = Self.lf, cr = Self.cr, delimiter = self.delimiter
        if pos >= end { return atEOF ? .end : .incomplete(openQuoteLineBreaks: nil) }
        let first = p[pos]
        if first == lf { return .blank(next: pos + 1) }
        if first == cr {
            if pos + 1 < end { return .blank(next: p[pos + 1] == lf ? pos + 2 : pos + 1) }
            return atEOF ? .blank(next: pos + 1) : .incomplete(openQuoteLineBreaks: nil)
        }

        var i = pos
        var breaks = 0
        var fieldCount = 0
        while true {
            var e: Int  // where the field ends: a delimiter, a terminator, or `end` at EOF
            if i < end && p[i] == quote {
                let breaksBeforeQuote = breaks
                var j = i + 1
                var escaped = false
                // Find the closing quote; doubled quotes are content. Count line breaks inside.
                while true {
                    while j < end {
                        let c = p[j]
                        if c == quote { break }
                        if c == lf {
                            breaks += 1
                        } else if c == cr && j + 1 < end && p[j + 1] != lf {
                            breaks += 1
                        }
                        j += 1
                    }
                    if j >= end { return .incomplete(openQuoteLineBreaks: breaksBeforeQuote) }
                    if j + 1 < end {
                        if p[j + 1] == quote {
                            escaped = true
                            j += 2
                            continue
                        }
                    } else if !atEOF {
                        // A quote as the last byte: it may be the first of a doubled pair.
                        return .incomplete(openQuoteLineBreaks: breaksBeforeQuote)
                    }
                    break
                }
                e = j + 1
                if e < end, p[e] != delimiter, p[e] != lf, p[e] != cr {
                    // Text after the closing quote: keep it, like Python's csv.
                    while e < end {
                        let c = p[e]
                        if c == delimiter || c == lf || c == cr { break }
                        e += 1
                    }
                    if e == end && !atEOF { return .incomplete(openQuoteLineBreaks: nil) }
                    fields.append(start: i, end: e, kind: .escaped)
                } else if escaped {
                    fields.append(start: i, end: e, kind: .escaped)
                } else {
                    fields.append(start: i + 1, end: j, kind: .quoted)
                }
            } else {
                e = i
                while e < end {
                    let c = p[e]
                    // Most bytes are above CR and not the delimiter: one well-predicted branch each.
                    if c == delimiter || (c <= cr && (c == lf || c == cr)) { break }
                    e += 1
                }
                if e == end && !atEOF { return .incomplete(openQuoteLineBreaks: nil) }
                fields.append(start: i, end: e, kind: .plain)
            }
            fieldCount += 1

            if e >= end {
                return .record(RecordSpan(start: pos, contentEnd: end, next: end, lineBreaks: breaks, fieldCount: fieldCount))
            }
            let c = p[e]
            if c == delimiter {
                i = e + 1
                continue
            }
            if c == lf {
                return .record(RecordSpan(start: pos, contentEnd: e, next: e + 1, lineBreaks: breaks + 1, fieldCount: fieldCount))
            }
            // CR: CRLF or a bare CR; at the end of the bytes we can't tell yet.
            let next: Int
            if e + 1 < end {
                next = p[e + 1] == lf ? e + 2 : e + 1
            } else if atEOF {
                next = e + 1
            } else {
                return .incomplete(openQuoteLineBreaks: nil)
            }
            return .record(RecordSpan(start: pos, contentEnd: e, next: next, lineBreaks: breaks + 1, fieldCount: fieldCount))
        }
    }
}

/// Turns a raw `.escaped` field into its value: the opening quote starts quoted text, `""`
/// inside it is one quote, a lone quote ends it, and anything after is literal.
enum CSVUnescape {
    @inline(__always)
    static func forEachByte(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, _ body: (UInt8) -> Void) {
        let quote = CSVScanner.quote
        var i = start
        var inQuotes = false
        if i < end && p[i] == quote {
            inQuotes = true
            i += 1
        }
        while i < end {
            let c = p[i]
            if inQuotes && c == quote {
                if i + 1 < end && p[i + 1] == quote {
                    body(quote)
                    i += 2
                    continue
                }
                inQuotes = false
                i += 1
                continue
            }
            body(c)
            i += 1
        }
    }

    /// The unescaped value as bytes (for the rare escaped numeric field, and for names).
    static func bytes(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        forEachByte(p, from: start, to: end) { out.append($0) }
        return out
    }
}
