import ScoreCore
import ScoreJobSpec

/// The text of `plugins list` (the Lua part) and `plugins show`, from the manifests.
public enum PluginListing {
    /// The Lua plugins on `searchPath`: name, version, kind, folder and description, then the
    /// ones that fail to load with their errors. A plugin hidden by an earlier one of the same
    /// name is marked, since a job would never get it.
    public static func render(searchPath: [String]) -> String {
        var lines = ["LUA PLUGINS (search path: \(searchPath.joined(separator: ", ")))"]
        let found = PluginResolver.discover(searchPath: searchPath)
        var seen: Set<String> = []
        var broken: [String] = []
        for (folder, result) in found {
            switch result {
            case .success(let m):
                let shadowed = !seen.insert(m.name).inserted
                lines.append("  \(m.name) \(m.version) — \(m.kind.rawValue) — \(folder)\(shadowed ? " (hidden by an earlier \(m.name))" : "")")
                if !m.description.isEmpty { lines.append("    \(m.description)") }
            case .failure(let errors):
                broken.append("  \(folder): cannot load")
                broken += errors.errors.map { "    error: \($0)" }
            }
        }
        if found.isEmpty { lines.append("  (none; `batchscore plugins new NAME --kind features` makes one)") }
        if !broken.isEmpty { lines += ["", "LUA PLUGINS THAT FAIL TO LOAD"] + broken }
        return lines.joined(separator: "\n")
    }

    /// One plugin in full: description, folder, entry, params (type, default, required, doc), inputs, outputs.
    public static func show(_ plugin: ResolvedPlugin) -> String {
        let m = plugin.manifest
        var lines = ["\(m.name) \(m.version) — \(m.kind.rawValue) plugin"]
        if !m.description.isEmpty { lines.append("  \(m.description)") }
        lines.append("  folder: \(plugin.folder)")
        lines.append("  entry:  \(m.entry)")
        lines.append("  params:")
        if m.params.isEmpty { lines.append("    (none)") }
        for p in m.params {
            let def = p.required ? "required" : (p.defaultValue.map { "default \(show($0))" } ?? "optional")
            lines.append("    \(p.name): \(PluginManifest.spelling(of: p.type))\(bounds(p)) (\(def))\(p.doc.isEmpty ? "" : " — \(p.doc)")")
        }
        if !m.inputs.isEmpty {
            lines.append("  inputs:")
            for (name, type) in m.inputs { lines.append("    \(name): \(type)") }
        }
        if m.kind == .features {
            lines.append("  outputs:")
            for (name, type) in m.outputs { lines.append("    \(name): \(type)") }
            if m.outputs.contains(where: { $0.name.contains("{") }) {
                lines.append("    ({param} is filled from the step's params)")
            }
        }
        lines.append("  use: { type: lua, plugin: \(m.name)@^\(m.version.major == 0 ? "0.\(m.version.minor)" : "\(m.version.major)"), params: { ... } }")
        return lines.joined(separator: "\n")
    }

    static func show(_ value: ConfigValue) -> String {
        if case .string(let s) = value { return "\"\(s)\"" }
        return value.description
    }

    /// ` 1…10`, ` ≥ 0`, ` ≤ 1`, or nothing for a param without bounds.
    static func bounds(_ p: ConfigField) -> String {
        switch (p.minimum.map(ConfigField.boundText), p.maximum.map(ConfigField.boundText)) {
        case (let min?, let max?): " \(min)…\(max)"
        case (let min?, nil): " ≥ \(min)"
        case (nil, let max?): " ≤ \(max)"
        case (nil, nil): ""
        }
    }
}
