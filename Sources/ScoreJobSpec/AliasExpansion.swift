import ScoreCore

/// Turns a `RawDocument` (a graph: aliases share nodes) into a `YAMLNode` tree: aliases are
/// copied, merge keys (`<<: *base`) applied and duplicate keys reported. Expansion is bounded,
/// so an alias bomb ("billion laughs") or a cycle ends with an error instead of a hang.
struct AliasExpansion {
    /// Expanded nodes allowed per document; a real job has a few hundred.
    static let maxNodes = 10_000
    /// Nesting allowed; a real job nests four or five levels.
    static let maxDepth = 64

    private let document: RawDocument
    private let file: String
    private var nodeCount = 0
    /// Node indices being expanded (the current path), to recognise a cycle.
    private var onPath: Set<Int> = []
    private(set) var errors: [JobSpecError] = []

    /// Expands `document`; nil (with `errors`) when a bound is exceeded or a cycle is found.
    static func expand(_ document: RawDocument, file: String) -> (root: YAMLNode?, errors: [JobSpecError]) {
        var expansion = AliasExpansion(document: document, file: file)
        let root = expansion.expand(document.root, keyPath: "", depth: 1)
        return (root, expansion.errors)
    }

    private init(document: RawDocument, file: String) {
        self.document = document
        self.file = file
    }

    private func location(_ index: Int) -> SourceLocation {
        let node = document.node(index)
        return SourceLocation(file: file, line: node.line, column: node.column)
    }

    private mutating func expand(_ index: Int, keyPath: String, depth: Int) -> YAMLNode? {
        let at = location(index)
        nodeCount += 1
        if nodeCount > Self.maxNodes {
            errors.append(JobSpecError(at: at, keyPath, "the document expands to more than \(Self.maxNodes) nodes",
                                       hint: "aliases repeat this anchor too often (an alias bomb?)"))
            return nil
        }
        if depth > Self.maxDepth {
            errors.append(JobSpecError(at: at, keyPath, "nesting deeper than \(Self.maxDepth) levels"))
            return nil
        }
        if onPath.contains(index) {
            errors.append(JobSpecError(at: at, keyPath, "an alias refers to a node that contains it (a cycle)"))
            return nil
        }
        onPath.insert(index)
        defer { onPath.remove(index) }

        switch document.node(index).kind {
        case .scalar(let text, let style):
            return YAMLNode(.scalar(text, style), at: at)
        case .sequence(let items):
            var out: [YAMLNode] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard let node = expand(item, keyPath: keyPath.appendingIndex(i), depth: depth + 1) else { return nil }
                out.append(node)
            }
            return YAMLNode(.sequence(out), at: at)
        case .mapping(let pairs):
            return expandMapping(pairs, at: at, keyPath: keyPath, depth: depth)
        }
    }

    private func isMergeKey(_ index: Int) -> Bool {
        if case .scalar("<<", .plain) = document.node(index).kind { return true }
        return false
    }

    private func keyText(_ index: Int) -> String? {
        if case .scalar(let text, _) = document.node(index).kind { return text }
        return nil
    }

    private mutating func expandMapping(_ pairs: [(key: Int, value: Int)], at: SourceLocation,
                                        keyPath: String, depth: Int) -> YAMLNode? {
        // Keys written in this mapping win over merged ones, wherever the `<<` stands.
        let explicitKeys = Set(pairs.filter { !isMergeKey($0.key) }.compactMap { keyText($0.key) })
        var out: [YAMLPair] = []
        var firstSeen: [String: SourceLocation] = [:]
        var merged: Set<String> = []
        for pair in pairs {
            if isMergeKey(pair.key) {
                guard let sources = mergeSources(pair.value, keyPath: keyPath.appendingKey("<<"), depth: depth) else {
                    return nil
                }
                // Earlier sources in `<<: [*a, *b]` win over later ones.
                for source in sources {
                    for p in source where !explicitKeys.contains(p.keyText) && !merged.contains(p.keyText) {
                        merged.insert(p.keyText)
                        out.append(p)
                    }
                }
                continue
            }
            guard let text = keyText(pair.key) else {
                errors.append(JobSpecError(at: location(pair.key), keyPath, "mapping keys must be plain words, not lists or mappings"))
                continue
            }
            nodeCount += 1
            let keyNode = YAMLNode(.scalar(text, .plain), at: location(pair.key))
            if let first = firstSeen[text] {
                errors.append(JobSpecError(at: keyNode.location, keyPath.appendingKey(text), "duplicate key",
                                           hint: "first given at line \(first.line), column \(first.column)"))
                continue
            }
            firstSeen[text] = keyNode.location
            guard let value = expand(pair.value, keyPath: keyPath.appendingKey(text), depth: depth + 1) else { return nil }
            out.append(YAMLPair(key: keyNode, value: value, keyText: text))
        }
        return YAMLNode(.mapping(out), at: at)
    }

    /// The pairs of each mapping a merge key names; nil after an error that ends the expansion.
    private mutating func mergeSources(_ index: Int, keyPath: String, depth: Int) -> [[YAMLPair]]? {
        let candidates: [Int]
        if case .sequence(let items) = document.node(index).kind { candidates = items } else { candidates = [index] }
        var sources: [[YAMLPair]] = []
        for candidate in candidates {
            guard case .mapping = document.node(candidate).kind else {
                errors.append(JobSpecError(at: location(candidate), keyPath, "a merge key needs a mapping or a list of mappings",
                                           hint: "write '<<: *anchor' where the anchor names a mapping"))
                continue
            }
            guard let node = expand(candidate, keyPath: keyPath, depth: depth + 1) else { return nil }
            sources.append(node.pairs ?? [])
        }
        return sources
    }
}
