#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The result of parsing an integer field.
enum IntParseResult: Equatable {
    case value(Int64)
    case invalid
    case overflow
}

/// Number parsing straight from field bytes: no `String` per field.
///
/// Doubles are correctly rounded (the same value `strtod` gives): Clinger's fast path covers the
/// common short decimals with one exact multiply or divide, and anything else goes to `strtod`
/// on a small stack copy. The syntax is checked here first, so `strtod` never sees text we would
/// reject (hex floats, `nan(...)`, trailing junk). `strtod` reads the C locale's decimal point,
/// which is `.` unless a program calls `setlocale`; BatchScore never does.
enum NumberParsing {
    /// 10^0 ... 10^22: every one is exact in a Double, which makes the fast path exact.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    /// Parses `p[0 ..< count]` as a float64: optional surrounding spaces, sign, digits with an
    /// optional decimal point, optional exponent, or `nan` / `inf` / `infinity` in any case.
    /// Overflow gives ±infinity, like `strtod`. Nil when the text is not a number.
    @inline(__always)
    static func parseDouble(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        var i = 0
        var end = count
        while i < end && isSpace(p[i]) { i += 1 }
        while end > i && isSpace(p[end - 1]) { end -= 1 }
        if i == end { return nil }
        let textStart = i
        var negative = false
        if p[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if p[i] == UInt8(ascii: "+") {
            i += 1
        }

        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var sawDigit = false
        var exceedsFastPath = false
        while i < end {
            let d = p[i] &- 48
            if d > 9 { break }
            sawDigit = true
            if mantissa != 0 || d != 0 {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significantDigits += 1
                } else {
                    exceedsFastPath = true
                }
            }
            i += 1
        }
        if i < end && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < end {
                let d = p[i] &- 48
                if d > 9 { break }
                sawDigit = true
                if mantissa != 0 || d != 0 {
                    if significantDigits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        significantDigits += 1
                        exponent -= 1
                    } else {
                        exceedsFastPath = true
                    }
                } else {
                    exponent -= 1  // a leading zero after the point only scales
                }
                i += 1
            }
        }
        if !sawDigit {
            return parseSpecial(p + i, count: end - i, negative: negative, hadPoint: i > textStart && p[i - 1] == UInt8(ascii: "."))
        }
        if i < end && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0
            var sawExponentDigit = false
            while i < end {
                let d = p[i] &- 48
                if d > 9 { break }
                sawExponentDigit = true
                if value < 100_000 { value = value * 10 + Int(d) }  // beyond this it is 0 or inf anyway
                i += 1
            }
            if !sawExponentDigit { return nil }
            exponent += exponentNegative ? -value : value
        }
        if i != end { return nil }

        if !exceedsFastPath {
            if mantissa == 0 { return negative ? -0.0 : 0.0 }
            if mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
                var value = Double(mantissa)
                exactPowersOfTen.withUnsafeBufferPointer { powers in
                    if exponent < 0 { value /= powers[-exponent] } else { value *= powers[exponent] }
                }
                return negative ? -value : value
            }
        }
        return strtodFallback(p + textStart, count: end - textStart)
    }

    /// `nan`, `inf`, `infinity` (any case) after the sign.
    private static func parseSpecial(_ p: UnsafePointer<UInt8>, count: Int, negative: Bool, hadPoint: Bool) -> Double? {
        if hadPoint { return nil }
        func matches(_ word: StaticString) -> Bool {
            guard count == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for k in 0 ..< count where (p[k] | 0x20) != w[k] { return false }
            return true
        }
        if matches("inf") || matches("infinity") { return negative ? -.infinity : .infinity }
        if matches("nan") { return negative ? -.nan : .nan }
        return nil
    }

    /// `strtod` on a NUL-terminated stack copy: the correctly rounded answer for long or extreme inputs.
    private static func strtodFallback(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> Double? in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: count)
            base[count] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &endPointer)
            guard endPointer == base + count else { return nil }
            return value
        }
    }

    /// Parses `p[0 ..< count]` as an int64: optional surrounding spaces, optional sign, digits.
    @inline(__always)
    static func parseInt64(_ p: UnsafePointer<UInt8>, count: Int) -> IntParseResult {
        var i = 0
        var end = count
        while i < end && isSpace(p[i]) { i += 1 }
        while end > i && isSpace(p[end - 1]) { end -= 1 }
        if i == end { return .invalid }
        var negative = false
        if p[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if p[i] == UInt8(ascii: "+") {
            i += 1
        }
        if i == end { return .invalid }
        var magnitude: UInt64 = 0
        var overflow = false
        while i < end {
            let d = p[i] &- 48
            if d > 9 { return .invalid }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(d))
            if o1 || o2 { overflow = true }
            magnitude = sum
            i += 1
        }
        let limit: UInt64 = negative ? 1 << 63 : UInt64(Int64.max)
        if overflow || magnitude > limit { return .overflow }
        return .value(negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude))
    }

    /// `true` / `false` in any case, with optional surrounding spaces.
    @inline(__always)
    static func parseBool(_ p: UnsafePointer<UInt8>, count: Int) -> Bool? {
        var i = 0
        var end = count
        while i < end && isSpace(p[i]) { i += 1 }
        while end > i && isSpace(p[end - 1]) { end -= 1 }
        let n = end - i
        if n == 4 && (p[i] | 0x20) == 0x74 && (p[i + 1] | 0x20) == 0x72 && (p[i + 2] | 0x20) == 0x75 && (p[i + 3] | 0x20) == 0x65 {
            return true
        }
        if n == 5 && (p[i] | 0x20) == 0x66 && (p[i + 1] | 0x20) == 0x61 && (p[i + 2] | 0x20) == 0x6C
            && (p[i + 3] | 0x20) == 0x73 && (p[i + 4] | 0x20) == 0x65 {
            return false
        }
        return nil
    }
}
