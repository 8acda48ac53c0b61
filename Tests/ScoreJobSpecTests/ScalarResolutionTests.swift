import Testing
@testable import ScoreJobSpec

@Suite struct ScalarResolutionTests {
    @Test(arguments: [
        ("", ResolvedScalar.null), ("~", .null), ("null", .null), ("NULL", .null), ("Null", .null),
        ("true", .bool(true)), ("False", .bool(false)), ("TRUE", .bool(true)),
        ("yes", .string("yes")), ("NO", .string("NO")), ("on", .string("on")),
        ("0", .int(0)), ("-17", .int(-17)), ("+5", .int(5)), ("0o17", .int(15)), ("0x1F", .int(31)), ("0777", .int(777)),
        ("1.5", .float(1.5)), ("-.5", .float(-0.5)), ("1.", .float(1)), ("1e3", .float(1000)), ("2E-2", .float(0.02)),
        (".inf", .float(.infinity)), ("-.Inf", .float(-.infinity)), (".NaN", .float(.nan)),
        ("99999999999999999999", .float(1e20)), ("1_000", .string("1_000")), (".", .string(".")),
        ("1e", .string("1e")), ("abc", .string("abc")), ("1%", .string("1%")), ("0x", .string("0x")),
    ])
    func plainScalars(text: String, expected: ResolvedScalar) {
        #expect(ScalarResolution.resolvePlain(text) == expected)
    }

    @Test func quotedScalarsAreAlwaysStrings() {
        #expect(ScalarResolution.resolve("true", style: .quoted) == .string("true"))
        #expect(ScalarResolution.resolve("12", style: .block) == .string("12"))
        #expect(ScalarResolution.resolve("", style: .quoted) == .string(""))
    }
}
