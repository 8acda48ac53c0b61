import Foundation
import Testing
import ScoreCore
import ScoreJobSpec
@testable import ScoreRuntime
import ScoreLua
import ScoreBuiltins
import BatchScoreTestKit

/// Finding plugins on the search path, version pins, and a step's params against the manifest.
@Suite struct PluginResolverTests {
    /// Writes a minimal features plugin `name` at `version` under `dir/sub`.
    func plugin(_ dir: TempDir, _ sub: String, _ name: String, _ version: String) throws {
        try dir.write("\(sub)/\(name)/plugin.yaml", """
            name: \(name)
            version: \(version)
            kind: features
            entry: main.lua
            description: test plugin \(version)
            params:
              col: { type: string, required: true }
              as:  { type: string, default: out }
              k:   { type: number, default: 2 }
            outputs:
              "{as}": float64
            """)
        try dir.write("\(sub)/\(name)/main.lua", "function features(row, p) return { [p.as] = row[p.col] * p.k } end\n")
    }

    @Test func theSearchPathIsJobFolderThenProjectThenEnvironment() {
        let path = PluginResolver.searchPath(jobFolder: "/jobs/a", environment: ["BATCHSCORE_PLUGIN_PATH": "/opt/p1::/opt/p2"])
        #expect(path == ["/jobs/a/plugins", "./plugins", "/opt/p1", "/opt/p2"])
        // A job in the current folder: its plugins/ is the project's, listed once.
        #expect(PluginResolver.searchPath(jobFolder: ".", environment: [:]) == ["./plugins"])
    }

    @Test func theFirstFolderOnThePathWins() throws {
        let dir = try TempDir()
        for (sub, v) in [("job/plugins", "1.0.0"), ("project/plugins", "1.1.0"), ("opt", "1.2.0")] { try plugin(dir, sub, "ratio", v) }
        let path = ["job/plugins", "project/plugins", "opt"].map { dir.path + "/" + $0 }
        #expect(try PluginResolver.resolve("ratio", searchPath: path, at: nil, keyPath: "p").manifest.version == SemanticVersion(1, 0, 0))
        #expect(try PluginResolver.resolve("ratio", searchPath: Array(path.dropFirst()), at: nil, keyPath: "p").folder == path[1] + "/ratio")
        // A pin skips earlier copies that do not satisfy it.
        let pinned = try PluginResolver.resolve("ratio@^1.2", searchPath: path, at: nil, keyPath: "p")
        #expect(pinned.manifest.version == SemanticVersion(1, 2, 0) && pinned.folder == path[2] + "/ratio")
        #expect(pinned.source.contains("function features"))
    }

    @Test func anUnmatchedPinListsWhatWasFoundWhere() throws {
        let dir = try TempDir()
        try plugin(dir, "a", "ratio", "1.4.0")
        try plugin(dir, "b", "ratio", "2.0.0")
        let path = [dir.path + "/a", dir.path + "/b"]
        #expect(try PluginResolver.resolve("ratio@^1.2", searchPath: path, at: nil, keyPath: "p").manifest.version.major == 1)
        let at = SourceLocation(file: "job.yaml", line: 7, column: 13)
        do {
            _ = try PluginResolver.resolve("ratio@^3", searchPath: path, at: at, keyPath: "features[0].plugin")
            Issue.record("expected an error")
        } catch let error as JobSpecErrors {
            let text = error.description
            #expect(text.hasPrefix("job.yaml:7:13: features[0].plugin: plugin 'ratio@^3' not found; on the search path: "), "\(text)")
            #expect(text.contains("\(dir.path)/a/ratio (1.4.0 — does not satisfy ^3)"), "\(text)")
            #expect(text.contains("\(dir.path)/b/ratio (2.0.0 — does not satisfy ^3)"), "\(text)")
        }
        do {
            _ = try PluginResolver.resolve("rattio", searchPath: path, at: at, keyPath: "p")
            Issue.record("expected an error")
        } catch let error as JobSpecErrors {
            #expect(error.description.contains("searched \(dir.path)/a (ratio), \(dir.path)/b (ratio) (did you mean 'ratio'?)"), "\(error)")
        }
        #expect(throws: JobSpecErrors.self) { try PluginResolver.resolve("ratio@^x", searchPath: path, at: at, keyPath: "p") }
    }

    @Test func paramsAreCheckedAndDefaultsFilled() throws {
        let dir = try TempDir()
        try plugin(dir, "p", "ratio", "1.0.0")
        let manifest = try PluginResolver.load(folder: dir.path + "/p/ratio").manifest
        let at = SourceLocation(file: "job.yaml", line: 5, column: 9)
        let filled = try PluginResolver.checkParams([("col", .string("income")), ("k", .int(3))], manifest: manifest,
                                                    at: at, keyPath: "features[0].params")
        #expect(filled.map(\.key) == ["col", "as", "k"])
        #expect(filled[2].value == .float(3))
        #expect(try PluginResolver.outputs(of: manifest, params: filled) == Schema([.init(name: "out", type: .float64)]))
        do {
            _ = try PluginResolver.checkParams([("cols", .string("x")), ("k", .string("big"))], manifest: manifest,
                                               at: at, keyPath: "features[0].params")
            Issue.record("expected an error")
        } catch let error as JobSpecErrors {
            let lines = error.errors.map(\.description)
            #expect(lines.contains("job.yaml:5:9: features[0].params.cols: plugin 'ratio' has no param 'cols' (did you mean 'col'?)"), "\(lines)")
            #expect(lines.contains("job.yaml:5:9: features[0].params.k: expected number, got string \"big\""), "\(lines)")
            #expect(lines.contains("job.yaml:5:9: features[0].params: missing required param 'col' of plugin 'ratio'"), "\(lines)")
        }
        // A string param takes text only: a bare number is refused (plugins/README.md says to quote it).
        #expect {
            _ = try PluginResolver.checkParams([("col", .int(123))], manifest: manifest, at: at, keyPath: "p")
        } throws: { error in
            "\(error)".contains("p.col: expected string, got integer 123")
        }
    }

    /// A plugin's params are config fields: a job's wrong param is reported at its own `file:line:col` when the
    /// plan is built (the manifest is a file, so the pure spec check cannot see it), bounds included.
    @Test func aJobsParamErrorsPointAtEachParam() throws {
        let dir = try TempDir()
        try plugin(dir, "plugins", "ratio", "1.0.0")
        try dir.write("plugins/ratio/plugin.yaml", """
            name: ratio
            version: 1.0.0
            kind: features
            entry: main.lua
            params:
              col: { type: string, required: true }
              as:  { type: string, default: out }
              k:   { type: number, default: 2, minimum: 1, maximum: 10 }
            outputs:
              "{as}": float64
            """)
        try dir.write("data.csv", "a,b\n1,2\n")
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            features:
              - type: lua
                plugin: ratio
                params:
                  col: a
                  k: 50
                  kk: 3
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            """)
        do {
            _ = try makePlan(dir)
            Issue.record("expected an error")
        } catch let error as JobSpecErrors {
            let lines = error.errors.map(\.description)
            #expect(lines.contains(dir.path + "/job.yaml:8:10: features[0].params.k: must be at most 10"), "\(lines)")
            #expect(lines.contains(dir.path + "/job.yaml:9:7: features[0].params.kk: plugin 'ratio' has no param 'kk' (did you mean 'k'?)"), "\(lines)")
        }
        try dir.write("job.yaml", try String(contentsOfFile: dir.path + "/job.yaml", encoding: .utf8)
            .replacingOccurrences(of: "k: 50", with: "k: lots").replacingOccurrences(of: "      kk: 3\n", with: ""))
        do {
            _ = try makePlan(dir)
            Issue.record("expected an error")
        } catch let error as JobSpecErrors {
            #expect(error.errors.map(\.description) == [dir.path + "/job.yaml:8:10: features[0].params.k: expected number, got string \"lots\""])
        }
    }

    @Test func aSecretParamIsNotPrintedInItsError() throws {
        let dir = try TempDir()
        try plugin(dir, "plugins", "ratio", "1.0.0")
        try dir.write("data.csv", "a,b\n1,2\n")
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: csv, path: data.csv }
            features: [{ type: lua, plugin: ratio, params: { col: a, k: "${K}" } }]
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            """)
        let registry = BuiltinPlugins.registry
        let spec = try JobSpecLoader.load(path: dir.path + "/job.yaml", registry: registry, overrides: [],
                                          environment: ["K": "hunter2"])
        #expect {
            _ = try ScoringPlan.build(spec: spec, registry: registry)
        } throws: { error in
            let text = "\(error)"
            return text.contains("features[0].params.k: expected number, got <redacted>") && !text.contains("hunter2")
        }
    }

    @Test func aManifestsBoundsAndDefaultsAreCheckedTogether() throws {
        let dir = try TempDir()
        try plugin(dir, "p", "ratio", "1.0.0")
        let file = dir.path + "/p/ratio/plugin.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "k:   { type: number, default: 2 }", with: "k:   { type: number, default: 20, minimum: 5, maximum: 1 }")
            .replacingOccurrences(of: "as:  { type: string, default: out }", with: "as:  { type: string, default: out, minimum: 0 }")
            .write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try PluginResolver.load(folder: dir.path + "/p/ratio")
            Issue.record("expected an error")
        } catch let error as JobSpecErrors {
            let lines = error.errors.map(\.description)
            #expect(lines.contains { $0.contains("params.as.minimum: only an integer or number param has bounds") }, "\(lines)")
            #expect(lines.contains { $0.contains("params.k.maximum: is below the minimum (5)") }, "\(lines)")
            #expect(lines.contains { $0.contains("params.k.default: must be at most 1") }, "\(lines)")
        }
    }
}
