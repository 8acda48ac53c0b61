import ScoreCore

/// Renders a checked spec deterministically: keys in declared order (not the order written),
/// every default filled, strings quoted, numbers typed — so two files that mean the same job
/// hash the same, and any change of meaning changes the text. Paths are not resolved, and the
/// job file's own name is left out: moving a job file does not change its hash.
enum CanonicalText {
    static func render(_ spec: JobSpec) -> String {
        var lines = ["version = \(spec.version)"]
        lines.append("name = \(spec.name.map(quoted) ?? "null")")
        lines.append("reader = \(render(spec.reader))")
        lines.append("validate = [\(spec.validators.map(render).joined(separator: ", "))]")
        lines.append("features = [\(spec.features.map(render).joined(separator: ", "))]")
        lines.append("model = \(render(spec.model))")
        lines.append("output = \(render(spec.output))")
        lines.append("writer = \(render(spec.writer))")
        lines.append("quarantine = \(render(spec.quarantine))")
        lines.append("runtime = \(render(spec.runtime))")
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ section: ConfigSection) -> String {
        let fields = section.order.compactMap { key in
            section.entries[key].map { "\(quoted(key)) = \(render($0.value))" }
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static func render(_ value: ConfigValue) -> String {
        switch value {
        case .null: "null"
        case .string(let s): quoted(s)
        case .int(let i): "int(\(i))"
        case .float(let d): "float(\(NumberFormatting.shortest(d)))"
        case .bool(let b): b ? "true" : "false"
        case .count(let c): "count(\(c))"
        case .percent(let p): "percent(\(NumberFormatting.shortest(p)))"
        case .list(let items): "[" + items.map(render).joined(separator: ", ") + "]"
        case .map(let pairs): "{" + pairs.map { "\(quoted($0.key)): \(render($0.value))" }.joined(separator: ", ") + "}"
        case .section(let s): render(s)
        }
    }

    /// A JSON-style string literal, so no value can be confused with syntax around it.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
