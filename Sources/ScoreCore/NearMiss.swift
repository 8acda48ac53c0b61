/// "Did you mean ...?" suggestions for misspelt keys, types and column names.
public enum NearMiss {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
    public static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        let w = Array(word.lowercased().utf8)
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, Array(c.lowercased().utf8))
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (candidate, d) = best else { return nil }
        let limit = max(1, min(3, (w.count + 2) / 4))
        return d <= limit ? candidate : nil
    }

    /// A hint string ("did you mean 'x'?") or nil. A candidate that is `word` plus invisible
    /// characters (a second byte order mark glued to the first header name) is named as such:
    /// printed plainly it looks exactly like the word the user typed.
    public static func hint(for word: String, among candidates: some Sequence<String>) -> String? {
        for c in candidates where c != word && c.unicodeScalars.contains(where: isInvisible) {
            guard String(String.UnicodeScalarView(c.unicodeScalars.filter { !isInvisible($0) })) == word else { continue }
            let hidden = Set(c.unicodeScalars.filter(isInvisible).map { "U+" + MessageText.hex($0) })
            let what = hidden == ["U+FEFF"] ? "an invisible U+FEFF (byte order mark: does the file start with two?)"
                : "invisible characters (\(hidden.sorted().joined(separator: ", ")))"
            return "the input's '\(MessageText.visible(c))' holds \(what); remove it from the header"
        }
        return suggestion(for: word, among: candidates).map { "did you mean '\($0)'?" }
    }

    /// `names` for a message: each quoted with invisible and control characters shown as `\u{…}`,
    /// at most `limit` of them (a 20k-column header is not echoed whole).
    /// A header holding NUL or control bytes is not echoed at all: it is no text file (it may be
    /// `/proc/self/environ`, secrets and all).
    public static func list(_ names: [String], limit: Int = 20) -> String {
        if names.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\t" } }) {
            return "(not shown: the header holds NUL or control bytes; is this a text file of the reader's format?)"
        }
        let shown = names.prefix(limit).map { "'\(MessageText.visible($0))'" }.joined(separator: ", ")
        return names.count > limit ? shown + ", … (\(names.count) in all)" : shown
    }

    /// Format characters that render as nothing: BOM / zero-width no-break space, zero-width space
    /// and joiners, word joiner, soft hyphen, bidi marks.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0 ... b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1 ... a.count {
            cur[0] = i
            for j in 1 ... b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
