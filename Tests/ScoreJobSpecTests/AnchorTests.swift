import ScoreCore
import Testing
@testable import ScoreJobSpec

@Suite struct AnchorTests {
    @Test func aliasesAreCopiedAndMergeKeysApplied() throws {
        let yaml = """
            version: 1
            writer: &w { type: csv, path: out.csv, delimiter: "|" }
            model: &m { path: m.json }
            reader:
              <<: [*w, *m]
              delimiter: ";"
            validate:
              - &rng { type: range, columns: { age: [0, 120] } }
              - *rng
              - <<: *rng
                columns: { income: [0, ~] }

            """
        let spec = try load(yaml)
        #expect(spec.reader.string("type") == "csv")
        #expect(spec.reader.string("path") == "out.csv", "earlier merge sources win over later ones")
        #expect(spec.reader.string("delimiter") == ";", "keys written in the mapping win over merged ones")
        #expect(spec.writer.string("delimiter") == "|")
        #expect(spec.validators.count == 3)
        #expect(spec.validators[1].map("columns")?.map(\.key) == ["age"])
        #expect(spec.validators[1].keyPath == "validate[1]")
        #expect(spec.validators[2].string("type") == "range")
        #expect(spec.validators[2].map("columns")?.map(\.key) == ["income"])
    }

    @Test func mergeKeyNeedsAMapping() {
        let yaml = minimalJob + "output:\n  <<: &x [a]\n"
        #expect(errorLines(yaml)
            == ["job.yaml:8:11: output.<<: a merge key needs a mapping or a list of mappings (write '<<: *anchor' where the anchor names a mapping)"])
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() {
        #expect(errorLines(minimalJob + "output: { \"<<\": 1 }\n").first?.contains("output.<<: unknown key") == true)
    }

    @Test func billionLaughsIsBounded() {
        let yaml = """
            version: 1
            a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
            g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
            h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
            i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]

            """
        let lines = errorLines(yaml)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("the document expands to more than 10000 nodes (aliases repeat this anchor too often (an alias bomb?))") == true)
        #expect(lines.first?.hasPrefix("job.yaml:") == true)
    }

    @Test func manyAliasesBelowTheBoundAreFine() throws {
        let yaml = minimalJob + "output: { passthrough: &cols [a, b, c] }\nvalidate:\n"
            + String(repeating: "  - { type: schema, required: *cols }\n", count: 500)
        let spec = try load(yaml)
        #expect(spec.validators.count == 500)
        #expect(spec.validators[499].strings("required") == ["a", "b", "c"])
    }

    @Test func cyclesAreReported() {
        let sequence = errorLines(minimalJob + "validate: &v [*v]\n")
        #expect(sequence == ["job.yaml:7:11: validate[0]: an alias refers to a node that contains it (a cycle)"])
        let merge = errorLines(minimalJob + "output: &o { <<: *o }\n")
        #expect(merge == ["job.yaml:7:9: output.<<: an alias refers to a node that contains it (a cycle)"])
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        let lines = errorLines(minimalJob + "name: \(deep)\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("nesting deeper than 64 levels") == true)
    }

    /// 100k levels took libyaml's loader 31 s before the depth error: the depth is now checked on
    /// the parser's events, so the error comes at the first collection past the limit, before any
    /// document is built (the hint is the pre-check's; the loader's error had a key path instead).
    @Test(arguments: [("[", "]", ""), ("{a: ", "}", "1")])
    func deepNestingStopsAtTheFirstLevelPastTheLimit(_ open: String, _ close: String, _ leaf: String) {
        let n = 100_000
        let deep = String(repeating: open, count: n) + leaf + String(repeating: close, count: n)
        let lines = errorLines(minimalJob + "name: \(deep)\n")
        #expect(lines.count == 1)
        let column = 7 + 64 * open.count  // the 65th bracket: the 66th collection, counting the root mapping
        #expect(lines.first?.hasPrefix("job.yaml:7:\(column): nesting deeper than 64 levels (a job nests four or five levels") == true,
                "\(lines.first?.prefix(200) ?? "")")
    }
}
