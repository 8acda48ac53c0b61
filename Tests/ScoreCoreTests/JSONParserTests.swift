import Foundation
import Testing
@testable import ScoreCore

@Suite struct JSONParserTests {
    @Test func parsesNestedDocumentsInOrder() throws {
        let v = try JSONParser.parse(#"{"b": [1, 2.5, "x", true, null], "a": {"k": -0.0}}"#)
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(v["b"] == .array([.int(1), .double(2.5), .string("x"), .bool(true), .null]))
        #expect(v["a"]?["k"] == .double(-0.0))
    }

    @Test func numbersAreCorrectlyRounded() throws {
        // Linux Foundation's JSONSerialization gets these wrong in the last bit; model parity needs them exact.
        let texts = ["0.30000000000000004", "2.2250738585072014e-308", "123456.78901234567", "1e-320",
                     "9007199254740993", "0.1", "-1.7976931348623157e308", "5e-324"]
        for t in texts {
            let parsed = try JSONParser.parse(t).doubleValue
            #expect(parsed == Double(t)!, "\(t)")
        }
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9.223372036854775808e18))
    }

    @Test func stringsDecodeEscapesAndSurrogates() throws {
        #expect(try JSONParser.parse(#""a\"b\\c\n\u00e9\ud83d\ude00""#) == .string("a\"b\\c\né😀"))
    }

    @Test(arguments: [
        ("{\"a\": 1", "unexpected end of input"),
        ("{\"a\": 1,}", "expected a string key"),
        ("[1 2]", "expected ',' or ']'"),
        ("{\"a\":1,\"a\":2}", "duplicate key"),
        ("01", "unexpected text"),
        ("1e400", "out of range"),
        ("\"abc", "unterminated string"),
        ("nul", "invalid literal"),
        ("[1.]", "digits expected"),
    ])
    func rejectsMalformedText(text: String, message: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": tru\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 8)
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(deep) }
    }
}
