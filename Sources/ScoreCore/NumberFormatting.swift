/// Shortest round-trip text for numbers, as Python's `repr` writes them (`0.1`, `1e-05`, `inf`).
public enum NumberFormatting {
    /// The shortest decimal that parses back to exactly `value`.
    public static func shortest(_ value: Double) -> String {
        // Swift's description is already shortest round-trip with Python-like exponent style.
        value.description
    }

    /// Appends the shortest round-trip text of `value` to `out`.
    @inline(__always)
    public static func appendShortest(_ value: Double, to out: inout [UInt8]) {
        var s = value.description
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Appends `value` as text that parses back to exactly `value`: whole numbers below 10^15 as
    /// integers (`86`, not `86.0` — a column of counts parsed as float64 reads back as it was
    /// written, and no String is allocated), everything else in shortest round-trip form.
    @inline(__always)
    public static func appendCompact(_ value: Double, to out: inout [UInt8]) {
        if value.rounded(.towardZero) == value, abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
            appendInteger(Int64(value), to: &out)
        } else {
            appendShortest(value, to: &out)
        }
    }

    /// Appends the decimal text of `value` to `out` without allocating.
    @inline(__always)
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let start = out.count
        while magnitude > 0 {
            out.append(UInt8(truncatingIfNeeded: magnitude % 10) &+ 48)
            magnitude /= 10
        }
        out[start...].reverse()
    }
}
