import Foundation
import CYAML
import ScoreCore

/// The only code that talks to libyaml: parses text into a `RawDocument` and frees libyaml's
/// memory before returning.
enum YAMLDocumentParser {
    enum Outcome: Sendable {
        case document(RawDocument)
        /// No document at all (empty text or only comments).
        case empty
        case failed([JobSpecError])
    }

    /// Parses `text`, which must hold at most one YAML document.
    /// - Parameters:
    ///   - columnOffset: added to every column (an override's value starts after `path=`).
    ///   - oneLine: the text is one line (an override's value): libyaml's marks after its end
    ///     (a later line, where it reports "unexpected end") are moved to just past the text.
    static func parse(_ text: String, file: String, columnOffset: Int = 0, oneLine: Bool = false) -> Outcome {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return .empty }
        // libyaml keeps a pointer to the input, so every call that reads it stays inside this closure.
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return .failed([JobSpecError(at: nil, "", "cannot initialize the YAML parser (out of memory)")])
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)

            let end = text.count + 1
            func location(_ mark: yaml_mark_t) -> SourceLocation {
                if oneLine, mark.line > 0 || Int(mark.column) + 1 > end {
                    return SourceLocation(file: file, line: 1, column: end + columnOffset)
                }
                return SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1 + columnOffset)
            }

            if let tooDeep = nestingBeyondLimit(buffer, location: location) { return .failed([tooDeep]) }

            var document = yaml_document_t()
            guard yaml_parser_load(&parser, &document) == 1 else {
                return .failed([syntaxError(parser, text: text, location: location)])
            }
            let first = copy(&document, columnOffset: columnOffset)
            yaml_document_delete(&document)
            guard let first else { return .empty }

            // A second document is a mistake (a stray `---`), not something to ignore silently.
            guard yaml_parser_load(&parser, &document) == 1 else {
                return .failed([syntaxError(parser, text: text, location: location)])
            }
            defer { yaml_document_delete(&document) }
            if let extra = yaml_document_get_root_node(&document) {
                return .failed([JobSpecError(at: location(extra.pointee.start_mark), "",
                                             "a job file holds one YAML document; found a second one",
                                             hint: "remove the '---' separator or split the file")])
            }
            return .document(first)
        }
    }

    /// Collections nested deeper than any job may be (AliasExpansion.maxDepth, plus the level
    /// holding its scalars), found by a first pass over libyaml's events that stops at the first
    /// collection past the limit. libyaml's document loader is quadratic in nesting (100k flow
    /// levels: 31 s) and the copy that follows recurses, so the depth is checked while parsing,
    /// not after. A syntax error ends the pass quietly: the loader reports it with its context.
    private static func nestingBeyondLimit(_ buffer: UnsafeMutableBufferPointer<UInt8>,
                                           location: (yaml_mark_t) -> SourceLocation) -> JobSpecError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        var depth = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                depth += 1
                if depth > AliasExpansion.maxDepth + 1 {
                    return JobSpecError(at: location(event.start_mark), "",
                                        "nesting deeper than \(AliasExpansion.maxDepth) levels",
                                        hint: "a job nests four or five levels; is this file generated?")
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                depth -= 1
            case YAML_STREAM_END_EVENT:
                return nil
            default:
                break
            }
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, text: String,
                                     location: (yaml_mark_t) -> SourceLocation) -> JobSpecError {
        let problem = parser.problem.map { String(cString: $0) } ?? "cannot parse YAML"
        if parser.error == YAML_READER_ERROR {
            // libyaml's reader leaves its marks at the start of the buffer it decodes; only the
            // byte offset is right, so the line and column are counted from it.
            var mark = yaml_mark_t()
            let before = Array(text.utf8.prefix(Int(parser.problem_offset)))
            let lineStart = (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            mark.line = before.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            mark.column = String(decoding: before[lineStart...], as: UTF8.self).count
            let byte = parser.problem_value >= 0 ? String(format: " (byte 0x%02X)", Int(parser.problem_value)) : ""
            return JobSpecError(at: location(mark), "", "YAML syntax error: \(problem)\(byte)",
                                hint: "the file must be UTF-8 text without control characters other than tab and line breaks")
        }
        var hints: [String] = []
        // libyaml's message for a tab ("cannot start any token") never mentions the tab itself.
        if line(Int(parser.problem_mark.line), of: text)?.contains("\t") == true {
            hints.append("YAML does not allow tabs for indentation; use spaces")
        }
        if let context = parser.context.map({ String(cString: $0) }) {
            let at = location(parser.context_mark)
            hints.append("\(context) at line \(at.line), column \(at.column)")
        }
        return JobSpecError(at: location(parser.problem_mark), "", "YAML syntax error: \(problem)",
                            hint: hints.isEmpty ? nil : hints.joined(separator: "; "))
    }

    /// The 0-based `index`th line of `text` (split where libyaml counts a line break), if any.
    private static func line(_ index: Int, of text: String) -> Substring? {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).dropFirst(index).makeIterator()
        return lines.next()
    }

    /// Copies libyaml's node array; nil when the document has no root (end of stream).
    private static func copy(_ document: inout yaml_document_t, columnOffset: Int) -> RawDocument? {
        guard yaml_document_get_root_node(&document) != nil, let start = document.nodes.start else { return nil }
        let count = document.nodes.top - start
        var nodes: [RawDocument.Node] = []
        nodes.reserveCapacity(count)
        for node in UnsafeBufferPointer(start: start, count: count) {
            let kind: RawDocument.Kind
            switch node.type {
            case YAML_SCALAR_NODE:
                let scalar = node.data.scalar
                let text = scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
                let style: ScalarStyle = switch scalar.style {
                case YAML_PLAIN_SCALAR_STYLE, YAML_ANY_SCALAR_STYLE: .plain
                case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: .block
                default: .quoted
                }
                kind = .scalar(text, style)
            case YAML_SEQUENCE_NODE:
                let items = node.data.sequence.items
                kind = .sequence(items.start.map { Array(UnsafeBufferPointer(start: $0, count: items.top - $0)).map(Int.init) } ?? [])
            case YAML_MAPPING_NODE:
                let pairs = node.data.mapping.pairs
                kind = .mapping(pairs.start.map {
                    UnsafeBufferPointer(start: $0, count: pairs.top - $0).map { (key: Int($0.key), value: Int($0.value)) }
                } ?? [])
            default:
                kind = .scalar("", .plain)
            }
            nodes.append(RawDocument.Node(kind: kind, line: Int(node.start_mark.line) + 1,
                                          column: Int(node.start_mark.column) + 1 + columnOffset))
        }
        return RawDocument(nodes: nodes, root: 1)
    }
}
