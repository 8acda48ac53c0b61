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

    @Test func aNameThatCanBeSwitchedOffReadsAsNilWhenFalse() {
        let confidence = FieldHandle<String?>.nameOrOff("confidence", default: "confidence", whenTrue: "confidence", doc: "c")
        let prefix = FieldHandle<String?>.nameOrOff("probabilities", default: nil, whenTrue: "proba_", doc: "p")
        #expect(confidence.declaration.type == .either(.bool, .string) && confidence.declaration.defaultValue == .string("confidence"))
        #expect(prefix.declaration.defaultValue == .bool(false))
        #expect(Self.section([])[confidence] == "confidence" && Self.section([])[prefix] == nil)
        #expect(Self.section([("confidence", .bool(false))])[confidence] == nil)
        #expect(Self.section([("confidence", .string("p_max"))])[confidence] == "p_max")
        #expect(Self.section([("probabilities", .bool(true))])[prefix] == "proba_")
        #expect(Self.section([("probabilities", .string("p_"))])[prefix] == "p_")
    }

    @Test func aChoiceAmongRunTimeWordsDeclaresThemAndItsDefault() {
        let format = FieldHandle<String>.choice("format", among: ["auto", "xgboost"], default: "auto", doc: "f")
        #expect(format.declaration.type == .choice(["auto", "xgboost"]))
        #expect(Self.section([])[format] == "auto" && Self.section([("format", .string("xgboost"))])[format] == "xgboost")
    }

    @Test func aConfigValueConformsToAFieldAsTheCheckerWouldHaveIt() throws {
        let k = ConfigField("k", .float, minimum: 1, maximum: 10, doc: "k")
        #expect(try k.conform(.int(3)).get() == .float(3))
        #expect(k.conform(.int(30)).failureText == "must be at most 10")
        #expect(k.conform(.float(0.5)).failureText == "must be at least 1")
        #expect(k.conform(.string("big")).failureText == "expected number, got string \"big\"")
        #expect(try k.conform(.null).get() == .null)
        #expect(ConfigField("k", .int, required: true, doc: "k").conform(.null).failureText == "expected integer, got null")
        #expect(try ConfigField("l", .list(.any), doc: "l").conform(.list([.int(1), .string("a")])).get() == .list([.int(1), .string("a")]))
        #expect(ConfigField("l", .list(.any), doc: "l").conform(.int(1)).failureText == "expected list, got integer 1")
        #expect(try ConfigField("m", .map(.int), doc: "m").conform(.map([("a", .count(2))])).get() == .map([("a", .int(2))]))
        #expect(k.conform(.float(.nan)).failureText == "must be a finite number")
        #expect(ConfigField("n", .nullable(.int), required: true, doc: "n").conform(.string("x")).failureText
                == "expected integer or null, got string \"x\"")
        #expect(k.conform(.string("s3cret")).map { $0 }.mapError(\.redacted).failureText == "expected number, got <redacted>")
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

extension Result where Failure == ConfigMismatch {
    /// The mismatch's message, or nil on success.
    var failureText: String? { if case .failure(let m) = self { m.description } else { nil } }
}
