/// A libyaml document copied into Swift as it came: node indices, shared by aliases (so it may
/// hold cycles), with 1-based marks. `AliasExpansion` turns it into a `YAMLNode` tree.
struct RawDocument: Sendable {
    enum Kind: Sendable {
        case scalar(String, ScalarStyle)
        /// Item node indices.
        case sequence([Int])
        /// (key, value) node indices, in document order.
        case mapping([(key: Int, value: Int)])
    }

    struct Node: Sendable {
        var kind: Kind
        /// 1-based line and column (columns count characters).
        var line: Int
        var column: Int
    }

    /// `nodes[i - 1]` is libyaml's node `i`.
    var nodes: [Node]
    /// libyaml's 1-based index of the root node.
    var root: Int

    func node(_ index: Int) -> Node { nodes[index - 1] }

    /// The text of every scalar, keys and unreferenced anchors included (where `${VAR}` may hide).
    var scalarTexts: [String] {
        nodes.compactMap { if case .scalar(let text, _) = $0.kind { text } else { nil } }
    }
}
