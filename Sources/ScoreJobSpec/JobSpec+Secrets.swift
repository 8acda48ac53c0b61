import ScoreCore

extension JobSpec {
    /// Every value (and each list or map element) that came from `${VAR}`, as text, and the value
    /// of every variable referred to anywhere in the job (keys and replaced values included), so
    /// logs, errors and summaries can be scrubbed of them, even inside longer derived strings.
    public var secretValues: [String] {
        var out: [String] = []
        if nameIsSecret, let name { out.append(name) }
        func leaves(_ v: ConfigValue) {
            switch v {
            case .list(let items): items.forEach(leaves)
            case .map(let members): members.forEach { leaves($0.value) }
            case .section(let s): collect(s, all: true)
            case .null: break
            default: out.append(v.description)
            }
        }
        func collect(_ section: ConfigSection, all: Bool) {
            for key in section.order {
                guard let entry = section.entries[key] else { continue }
                if all || entry.isSecret { leaves(entry.value) } else if case .section(let inner) = entry.value { collect(inner, all: false) }
            }
        }
        for s in [reader, model, output, writer, quarantine, runtime] + validators + features { collect(s, all: false) }
        for v in environmentValues where !out.contains(v) { out.append(v) }
        return out
    }
}
