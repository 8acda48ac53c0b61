/// Text from input files, job files and the environment, made safe to print in a message: bounded
/// in length and with invisible and control characters spelled out, so an error never echoes
/// megabytes of input or raw terminal control bytes.
public enum MessageText {
    /// Characters a message line keeps before it is cut.
    public static let lineLimit = 2000

    /// `text` with invisible and control characters written as `\u{XXXX}`, and cut to 80 characters.
    public static func visible(_ text: String) -> String {
        var out = ""
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if i == 80 { return out + "…" }
            if NearMiss.isInvisible(scalar) || scalar.properties.generalCategory == .control {
                out += "\\u{" + hex(scalar) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Each line of `message` with control characters (tabs aside) spelled out and cut to
    /// `lineLimit` characters, saying how many were left out.
    public static func bounded(_ message: String) -> String {
        message.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var out = ""
            var kept = 0
            for scalar in line.unicodeScalars {
                if kept == lineLimit {
                    return out + "… (\(line.unicodeScalars.count - kept) more characters not shown)"
                }
                if scalar.properties.generalCategory == .control && scalar != "\t" {
                    out += "\\u{" + hex(scalar) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
                kept += 1
            }
            return out
        }.joined(separator: "\n")
    }

    /// `U+XXXX`'s digits: at least four, upper case.
    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
