import Foundation
import ScoreCore
import ScoreJobSpec

/// Runs a plugin's `tests/*.yaml` cases through the real Lua bridge: each case's row becomes a
/// one-row batch, run through every form the script defines (per-row and columnar), and the
/// outputs or verdicts are compared with what the case expects.
public enum PluginTestRunner {
    /// Runs every case of the plugin in `pluginFolder`.
    /// - Throws: when the plugin itself cannot be loaded (an invalid `plugin.yaml`, a missing script).
    ///   Problems with single test files are reported in the result instead, so other files still run.
    public static func run(pluginFolder: String) throws -> PluginTestReport {
        let plugin = try PluginResolver.load(folder: pluginFolder)
        var report = PluginTestReport(plugin: "\(plugin.manifest.name) \(plugin.manifest.version)", folder: pluginFolder,
                                      results: [], problems: [])
        let testsFolder = PluginResolver.join(pluginFolder, "tests")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: testsFolder)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var files: [PluginTestFile] = []
        for name in names {
            do {
                files.append(try PluginTestFileLoader.load(path: PluginResolver.join(testsFolder, name)))
            } catch {
                report.problems.append(error.errors.map(\.description).joined(separator: "\n"))
            }
        }
        if names.isEmpty { report.problems.append("no test cases: add tests/*.yaml (see `batchscore plugins new`)") }
        let nullTypes = columnTypes(files)
        for file in files {
            let shortName = "tests/" + (file.file as NSString).lastPathComponent
            for c in file.cases {
                let failure = PluginCaseRun(plugin: plugin, file: file, testCase: c, columnTypes: nullTypes).failure()
                report.results.append(PluginTestReport.CaseResult(file: shortName, name: c.name, location: c.location,
                                                                  failure: failure))
            }
        }
        return report
    }

    /// The type of each column as the cases give it (the first non-null value wins), so a null
    /// cell gets its column's type; columns only ever null are float64.
    static func columnTypes(_ files: [PluginTestFile]) -> [String: ColumnType] {
        var types: [String: ColumnType] = [:]
        for file in files {
            for c in file.cases {
                for (key, value) in c.row where types[key] == nil {
                    types[key] = PluginCaseRun.columnType(of: value)
                }
            }
        }
        return types
    }
}
