import Foundation
import ScoreCore
import ScoreJobSpec

/// Renders plugin and job-section docs from their config declarations — the one source for
/// `batchscore plugins` and the README's reference (a test keeps the README in step).
public enum PluginCatalog {
    /// Every registered component, grouped by kind, with its fields.
    public static func render(_ registry: PluginRegistry) -> String {
        var out: [String] = []
        for kind in PluginKind.allCases {
            let specs = registry.specs(kind)
            guard !specs.isEmpty else { continue }
            out.append("\(kind.title.uppercased())")
            for spec in specs {
                out.append("  \(spec.type) — \(spec.summary)")
                out.append("    example: \(spec.example)")
                for field in spec.fields { out.append(fieldLine(field, indent: "    ")) }
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// The Markdown reference of the job-level sections and every plugin's fields.
    public static func markdown(_ registry: PluginRegistry) -> String {
        var out: [String] = []
        var model = JobSections.model
        for i in model.indices where model[i].name == "format" {
            model[i].type = .choice(["auto"] + registry.modelFormats.keys.sorted())
        }
        let sections: [(String, [ConfigField])] = [
            ("model", model), ("output", JobSections.output),
            ("quarantine", JobSections.quarantine), ("runtime", JobSections.runtime),
        ]
        for (name, fields) in sections {
            out.append("#### `\(name)`")
            out.append("")
            out.append(contentsOf: markdownTable(fields))
            out.append("")
        }
        for kind in PluginKind.allCases {
            for spec in registry.specs(kind) {
                let key = kind == .model ? "model.format: \(spec.type)" : "\(kind.rawValue) `type: \(spec.type)`"
                out.append("#### \(key)")
                out.append("")
                let summary = spec.summary.hasSuffix(".") ? spec.summary : spec.summary + "."
                out.append("\(summary) Example: `\(spec.example)`")
                out.append("")
                if !spec.fields.isEmpty { out.append(contentsOf: markdownTable(spec.fields)); out.append("") }
            }
        }
        return out.joined(separator: "\n")
    }

    static func markdownTable(_ fields: [ConfigField], prefix: String = "") -> [String] {
        var rows = ["| key | type | default | description |", "|---|---|---|---|"]
        func add(_ fields: [ConfigField], _ prefix: String) {
            for f in fields {
                if case .section(let inner) = f.type {
                    add(inner, prefix + f.name + ".")
                    continue
                }
                let def = f.required ? "required" : (f.defaultValue.map { "`\($0)`" } ?? "—")
                let cells = ["`\(prefix)\(f.name)`", "\(f.type)", def, f.doc].map { $0.replacingOccurrences(of: "|", with: "\\|") }
                rows.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        add(fields, prefix)
        return rows
    }

    static func fieldLine(_ f: ConfigField, indent: String) -> String {
        let def = f.required ? "required" : (f.defaultValue.map { "default \($0)" } ?? "optional")
        return "\(indent)\(f.name): \(f.type) (\(def)) — \(f.doc)"
    }
}
