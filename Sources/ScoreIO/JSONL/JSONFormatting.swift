import ScoreCore

/// Formats values as JSON text: the JSON Lines writer's strings and numbers.
enum JSONFormatting {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped,
    /// other UTF-8 as is. Invalid UTF-8 (a CSV passthrough column can hold any bytes) becomes
    /// U+FFFD, since JSON text must be UTF-8.
    static func appendString(_ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        if value.contains(where: { $0 >= 0x80 }), String(validating: value, as: UTF8.self) == nil {
            var repaired = String(decoding: value, as: UTF8.self)
            repaired.withUTF8 { appendValidString(UnsafeRawBufferPointer($0), to: &out) }
            return
        }
        appendValidString(value, to: &out)
    }

    private static func appendValidString(_ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in value {
            switch b {
            case UInt8(ascii: "\""): out.append(0x5C); out.append(b)
            case UInt8(ascii: "\\"): out.append(0x5C); out.append(b)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0 ..< 0x20, 0x7F:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0x0F)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `value` as a JSON string.
    static func appendString(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendValidString(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// Appends a number in shortest round-trip form (whole numbers without `.0`, as the CSV
    /// writer does); NaN and infinities, which JSON cannot hold, as `null`.
    @inline(__always)
    static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        if value.isFinite {
            NumberFormatting.appendCompact(value, to: &out)
        } else {
            out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        }
    }
}
