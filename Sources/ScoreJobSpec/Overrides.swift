import ScoreCore

/// `--set key.path=value` overrides, applied to the expanded tree before checking, so an
/// overridden value is checked exactly like one written in the file.
struct Override {
    enum Segment: Equatable {
        case key(String)
        case index(Int)
        /// `validate.1.max`: an index into a list, or the key "1" of a mapping.
        case keyOrIndex(String, Int)
    }

    let argument: String
    let path: String
    let segments: [Segment]
    let value: YAMLNode
    /// The path and every scalar of the value as written, for recording the variables they name
    /// even when a later override replaces this one.
    let writtenTexts: [String]

    /// Where the override's own problems are reported: the file name says which `--set` it was.
    var location: SourceLocation { SourceLocation(file: "--set \(path)", line: 1, column: 1) }

    /// Parses `key.path=value`; the value is a YAML flow scalar or collection.
    static func parse(_ argument: String) -> (Override?, [JobSpecError]) {
        guard let eq = argument.firstIndex(of: "=") else {
            return (nil, [malformed(argument, path: argument, "expected key.path=value")])
        }
        let path = String(argument[..<eq])
        let valueText = String(argument[argument.index(after: eq)...])
        // Deeper than any job file may nest (AliasExpansion.maxDepth): refused before the
        // recursive walk, which a path of thousands of parts would overflow the stack with.
        let parts = path.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: ".") || $1 == UInt8(ascii: "[") ? 1 : 0) }
        if parts > AliasExpansion.maxDepth {
            let shown = path.count > 60 ? String(path.prefix(60)) + "…" : path
            return (nil, [malformed(shown + "=…", path: shown, "the key path has \(parts) parts; a job nests at most \(AliasExpansion.maxDepth) levels")])
        }
        guard let segments = parsePath(path) else {
            return (nil, [malformed(argument, path: path, "'\(path)' is not a key path (like runtime.batch_rows or validate[1].max)")])
        }
        let file = "--set \(path)"
        let valueColumn = path.count + 1
        let value: YAMLNode
        var scalars: [String] = []
        // An override is one line: the parser keeps every mark (libyaml's "unexpected end" is on
        // a later line) on line 1 and within or just past the argument.
        switch YAMLDocumentParser.parse(valueText, file: file, columnOffset: valueColumn, oneLine: true) {
        case .empty:
            value = .null(at: SourceLocation(file: file, line: 1, column: valueColumn + 1))
        case .failed(let errors):
            return (nil, errors.map { e in
                var e = e
                e.message = "in '--set \(argument)': \(e.message)"
                return e
            })
        case .document(let raw):
            let (root, errors) = AliasExpansion.expand(raw, file: file)
            guard let root, errors.isEmpty else { return (nil, errors) }
            value = root
            scalars = raw.scalarTexts
        }
        return (Override(argument: argument, path: path, segments: segments, value: value,
                         writtenTexts: [path] + scalars), [])
    }

    private static func malformed(_ argument: String, path: String, _ message: String) -> JobSpecError {
        JobSpecError(at: SourceLocation(file: "--set \(path)", line: 1, column: 1), "",
                     "malformed override '--set \(argument)': \(message)")
    }

    /// `a.b[2].c` or `a.b.2.c` → segments; nil when malformed.
    static func parsePath(_ path: String) -> [Segment]? {
        var segments: [Segment] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            if !rest.isEmpty, rest.allSatisfy(\.isASCIIDigit), let i = Int(rest) {
                segments.append(.keyOrIndex(String(rest), i))
                continue
            }
            let name = rest.prefix { $0 != "[" }
            guard !name.isEmpty, !name.contains("]") else { return nil }
            segments.append(.key(String(name)))
            rest = rest.dropFirst(name.count)
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                      let i = Int(rest[rest.index(after: rest.startIndex) ..< close]), i >= 0 else { return nil }
                segments.append(.index(i))
                rest = rest[rest.index(after: close)...]
            }
        }
        return segments.isEmpty ? nil : segments
    }

    /// Sets the value in `root`, creating missing mapping keys; an error names the override.
    func apply(to root: inout YAMLNode) -> JobSpecError? {
        do throws(Problem) {
            try set(&root, segments[...], walked: "")
            return nil
        } catch {
            return JobSpecError(at: location, "", "cannot apply '--set \(argument)': \(error.message)")
        }
    }

    private struct Problem: Error { var message: String }

    private func set(_ node: inout YAMLNode, _ segments: ArraySlice<Segment>, walked: String) throws(Problem) {
        guard let segment = segments.first else {
            node = value
            return
        }
        let rest = segments.dropFirst()
        // An empty section (`output:`) is null; setting a key inside it makes it a mapping.
        if node.isNull, !node.isSecret, case .key = segment {
            node = YAMLNode(.mapping([]), at: node.location)
        }
        let here = walked.isEmpty ? "the top level" : "'\(walked)'"
        switch (segment, node.content) {
        case (.key(let key), .mapping(var pairs)), (.keyOrIndex(let key, _), .mapping(var pairs)):
            let path = walked.appendingKey(key)
            if let i = pairs.firstIndex(where: { $0.keyText == key }) {
                try set(&pairs[i].value, rest, walked: path)
            } else {
                if case .index? = rest.first { throw Problem(message: "'\(path)' does not exist, so it has no items") }
                var created = rest.isEmpty ? value : YAMLNode(.mapping([]), at: location)
                try set(&created, rest, walked: path)
                pairs.append(YAMLPair(key: YAMLNode(.scalar(key, .plain), at: location), value: created, keyText: key))
            }
            node.content = .mapping(pairs)
        case (.index(let i), .sequence(var items)), (.keyOrIndex(_, let i), .sequence(var items)):
            guard i < items.count else {
                throw Problem(message: "index \(i) is out of range (\(here) has \(items.count) item\(items.count == 1 ? "" : "s"))")
            }
            try set(&items[i], rest, walked: walked.appendingIndex(i))
            node.content = .sequence(items)
        case (.index, _):
            throw Problem(message: "\(here) is not a list")
        case (.key(let key), _), (.keyOrIndex(let key, _), _):
            throw Problem(message: "\(here) is a single value, so it has no key '\(key)'")
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
