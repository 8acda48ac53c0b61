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
