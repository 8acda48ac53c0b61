import Foundation
import Testing
@testable import ScoreIO

@Suite struct NumberParsingTests {
    func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { NumberParsing.parseDouble($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }

    func parseInt(_ text: String) -> IntParseResult {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { NumberParsing.parseInt64($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }

    /// The reference: strtod in the C locale.
    func reference(_ text: String) -> Double {
        text.withCString { strtod($0, nil) }
    }

    func same(_ a: Double?, _ b: Double) -> Bool {
        guard let a else { return false }
        return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
    }

    @Test func edgeCases() {
        let exact = [
            "0", "-0", "+0", "0.0", "1", "-1", "0.1", ".5", "5.", "1e10", "1E-5", "1e+22", "1e23", "9007199254740993",
            "9007199254740992", "123456789012345678901234567890", "0.30000000000000004", "2.2250738585072011e-308",
            "2.2250738585072014e-308", "4.9e-324", "2e-324", "1e-400", "1.7976931348623157e308", "1.7976931348623159e308",
            "1e309", "-1e309", "0.000000000000000000000000000001", "3.14159265358979323846264338327950288",
            "  42  ", "\t-7.25", "1e0000000000000000000000005", "0e999999", "00000000000000000000000001.5",
            "1.00000000000000000000000000000000000001", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174",
            "7.038531e-26", "8.98846567431158e307", "4.5035996273704985e15", "89255.0e-22", "2.4703282292062328e-324",
        ]
        for text in exact {
            #expect(same(parse(text), reference(text)), "\(text): \(String(describing: parse(text))) vs \(reference(text))")
        }
        #expect(parse("nan")!.isNaN && parse("NaN")!.isNaN && parse("-nan")!.isNaN)
        #expect(parse("inf") == .infinity && parse("-Infinity") == -.infinity && parse("INF") == .infinity && parse("+inf") == .infinity)
        for bad in ["", " ", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "12x", "x12", "0x10", "1,5", "in", "infinit", "nan(1)", "--1", ".e1", "1 2", ".inf"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    @Test func randomDecimalsMatchStrtod() {
        var rng = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        for _ in 0 ..< 200_000 {
            let digits = Int.random(in: 1 ... 25, using: &rng)
            var text = Bool.random(using: &rng) ? "-" : ""
            let point = Int.random(in: 0 ... digits, using: &rng)
            for k in 0 ..< digits {
                if k == point && k > 0 { text += "." }
                text += String(Int.random(in: 0 ... 9, using: &rng))
            }
            if Int.random(in: 0 ..< 3, using: &rng) == 0 { text += "e\(Int.random(in: -330 ... 310, using: &rng))" }
            if !same(parse(text), reference(text)) { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func randomDoublesRoundTrip() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 200_000 {
            let d = Double(bitPattern: rng.next())
            if d.isNaN { continue }
            let text = d.description
            #expect(same(parse(text), d), "\(text)")
            let exponential = String(format: "%.17e", d)
            #expect(same(parse(exponential), reference(exponential)), "\(exponential)")
            let short = String(format: "%.6g", d)
            #expect(same(parse(short), reference(short)), "\(short)")
        }
    }

    @Test func integers() {
        #expect(parseInt("0") == .value(0))
        #expect(parseInt(" -42 ") == .value(-42))
        #expect(parseInt("+7") == .value(7))
        #expect(parseInt("9223372036854775807") == .value(.max))
        #expect(parseInt("-9223372036854775808") == .value(.min))
        #expect(parseInt("9223372036854775808") == .overflow)
        #expect(parseInt("-9223372036854775809") == .overflow)
        #expect(parseInt("99999999999999999999999") == .overflow)
        for bad in ["", "-", "1.0", "1e3", "12a", " ", "0x1"] { #expect(parseInt(bad) == .invalid, "\(bad)") }
    }

    @Test func booleans() {
        func parse(_ s: String) -> Bool? {
            Array(s.utf8).withUnsafeBufferPointer { NumberParsing.parseBool($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
        }
        #expect(parse("true") == true && parse("TRUE") == true && parse(" False ") == false)
        #expect(parse("yes") == nil && parse("1") == nil && parse("") == nil && parse("truee") == nil)
    }
}
