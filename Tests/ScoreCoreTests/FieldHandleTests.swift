import Testing
@testable import ScoreCore

/// A typed field handle: one declaration gives the checker its rules and the factory its value.
struct FieldHandleTests {
    enum Codec: String, CaseIterable, Sendable { case snappy, zstd, none }

    static let rows = FieldHandle<Int>.int("row_group_rows", default: 131_072, minimum: 1, maximum: 1e9, doc: "rows")
    static let codec = FieldHandle<Codec>.choice("compression", default: .snappy, doc: "codec")
    static let header = FieldHandle<Bool>.bool("header", default: true, doc: "header")
    static let base = FieldHandle<Double>.float("base_secs", default: 0.5, minimum: 0, doc: "wait")

    static func section(_ entries: [(String, ConfigValue)]) -> ConfigSection {
        ConfigSection(keyPath: "writer", location: nil, entries: entries.map { ($0.0, .init(value: $0.1, location: nil)) })
    }

    @Test func theDeclarationCarriesTheDefaultAndTheBounds() {
        #expect(Self.rows.declaration == ConfigField("row_group_rows", .int, default: .int(131_072), minimum: 1, maximum: 1e9, doc: "rows"))
        #expect(Self.codec.declaration.type == .choice(["snappy", "zstd", "none"]))
        #expect(Self.codec.declaration.defaultValue == .string("snappy"))
    }

    @Test func anAbsentKeyReadsAsTheDeclaredDefault() {
        let empty = Self.section([])
        #expect(empty[Self.rows] == 131_072 && empty[Self.codec] == .snappy && empty[Self.header] && empty[Self.base] == 0.5)
        #expect(Self.rows.value(in: nil) == 131_072)
    }

    @Test func aPresentKeyReadsAsWritten() {
        let s = Self.section([("row_group_rows", .int(4000)), ("compression", .string("zstd")), ("header", .bool(false)),
                              ("base_secs", .int(2))])
        #expect(s[Self.rows] == 4000 && s[Self.codec] == .zstd && !s[Self.header] && s[Self.base] == 2)
    }
}

/// Rules across a section's fields, declared with them.
struct ConfigRuleTests {
    @Test func exactlyOneNamesWhatIsMissingOrExtra() {
        let rule = ConfigRule.exactlyOne(["script", "plugin"])
        #expect(rule.violation(present: ["script"]) == nil)
        #expect(rule.violation(present: ["plugin", "params"]) == nil)
        #expect(rule.violation(present: []) == "give one of `script` or `plugin`")
        #expect(rule.violation(present: ["script", "plugin"]) == "give only one of `script` or `plugin`, not both")
        let nulls = ConfigSection(keyPath: "features[0]", location: nil,
                                  entries: [("script", .init(value: .null, location: nil)), ("plugin", .init(value: .string("ratio"), location: nil))])
        #expect(rule.violation(in: nulls) == nil, "a null key counts as absent")
    }
}
