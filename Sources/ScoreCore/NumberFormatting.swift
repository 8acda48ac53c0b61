/// Shortest round-trip text for numbers, as Python's `repr` writes them (`0.1`, `1e-05`, `inf`).
public enum NumberFormatting {
    /// The shortest decimal that parses back to exactly `value`.
    public static func shortest(_ value: Double) -> String {
        // Swift's description is already shortest round-trip with Python-like exponent style.
        value.description
    }

    /// Appends the shortest round-trip text of `value` to `out`, without building a String
    /// (a String over 15 bytes, like most probabilities, is a heap allocation per value).
    @inline(__always)
    public static func appendShortest(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            // `write(to:)` uses the debug form for NaN (payloads, `-nan`); keep `description`'s.
            let text: StaticString = value.isNaN ? "nan" : value < 0 ? "-inf" : "inf"
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
            return
        }
        var sink = ByteSink(out: out)
        out = []
        value.write(to: &sink)
        out = sink.out
    }

    /// The most bytes `write` produces (`-2.2250738585072014e-308` is 24).
    public static let maxLength = 32

    /// Writes `value` as `appendCompact` does to `out`, which has room for `maxLength` bytes;
    /// returns the bytes written.
    @inline(__always)
    public static func write(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value.rounded(.towardZero) == value, abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
            return write(Int64(value), to: out)
        }
        guard value.isFinite else {
            let text: StaticString = value.isNaN ? "nan" : value < 0 ? "-inf" : "inf"
            out.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            return text.utf8CodeUnitCount
        }
        var sink = PointerSink(base: out, count: 0)
        value.write(to: &sink)
        return sink.count
    }

    /// Writes the decimal text of `value` to `out` (room for 20 bytes); returns the bytes written.
    @inline(__always)
    public static func write(_ value: Int64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, filled from the end
        return withUnsafeMutableBytes(of: &digits) { scratch in
            var i = scratch.count
            repeat {
                i -= 1
                scratch[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
            } while magnitude > 0
            var n = 0
            if value < 0 {
                out[0] = UInt8(ascii: "-")
                n = 1
            }
            let length = scratch.count - i
            (out + n).update(from: scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, count: length)
            return n + length
        }
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

/// A text stream over a byte array. The standard library formats a Double into a stack buffer
/// and hands it to `_writeASCII`; taking the bytes there skips the String.
struct ByteSink: TextOutputStream {
    var out: [UInt8]

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { out.append(contentsOf: $0) }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        out.append(contentsOf: buffer)
    }
}

/// A text stream writing into raw memory the caller sized (see `NumberFormatting.maxLength`).
struct PointerSink: TextOutputStream {
    let base: UnsafeMutablePointer<UInt8>
    var count: Int

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            guard let source = bytes.baseAddress else { return }
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress else { return }
        (base + count).update(from: source, count: buffer.count)
        count += buffer.count
    }
}
