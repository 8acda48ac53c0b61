import Foundation
import Testing
import ScoreCore
@testable import ScoreJobSpec

/// `plugin.yaml` is checked like a job: every problem with file:line:col, key path and a hint.
@Suite struct PluginManifestTests {
    static let valid = """
        name: ratio
        version: 1.2.0
        kind: features
        entry: ratio.lua
        description: Safe ratio.
        params:
          num: { type: string, required: true, doc: "numerator" }
          as:  { type: string, default: ratio }
          k:   { type: number, default: 1 }
        outputs:
          "{as}": float64
        """

    func errors(_ text: String, folder: String? = "ratio") -> [String] {
        do {
            _ = try PluginManifestLoader.load(text: text, file: "plugin.yaml", folderName: folder)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func aValidManifestLoads() throws {
        let m = try PluginManifestLoader.load(text: Self.valid, file: "plugin.yaml", folderName: "ratio")
        #expect(m.name == "ratio" && m.version == SemanticVersion(1, 2, 0) && m.kind == .features)
        #expect(m.params.map(\.name) == ["num", "as", "k"])
        #expect(m.param("k")?.defaultValue == .float(1))  // an integer default widens to the declared number
        #expect(m.outputs.map(\.name) == ["{as}"] && m.outputs[0].type == .float64)
    }

    @Test func unknownKeysAndBadTypesPointIntoTheFile() {
        let text = Self.valid.replacingOccurrences(of: "entry:", with: "entyr:")
            .replacingOccurrences(of: "type: number", with: "type: numbr")
        let e = errors(text)
        #expect(e.contains("plugin.yaml:4:1: entyr: unknown key (did you mean 'entry'?)"), "\(e)")
        #expect(e.contains { $0.hasPrefix("plugin.yaml:9:16: params.k.type: expected string | integer | number") && $0.contains("did you mean 'number'?") }, "\(e)")
        #expect(e.contains { $0.contains("missing required key 'entry'") }, "\(e)")
        #expect(!e.contains { $0.contains("outputs") }, "one mistake, one message: \(e)")
    }

    @Test func nameVersionEntryAndPlaceholdersAreChecked() {
        let text = Self.valid.replacingOccurrences(of: "1.2.0", with: "1.2")
            .replacingOccurrences(of: "ratio.lua", with: "../x.lua")
            .replacingOccurrences(of: "\"{as}\"", with: "\"{ass}\"")
        let e = errors(text, folder: "other")
        #expect(e.contains { $0.hasPrefix("plugin.yaml:1:7: name: the plugin is called 'ratio' but its folder is 'other'") }, "\(e)")
        #expect(e.contains("plugin.yaml:2:10: version: '1.2' is not a semantic version (write MAJOR.MINOR.PATCH, e.g. 1.0.0)"), "\(e)")
        #expect(e.contains { $0.hasPrefix("plugin.yaml:4:8: entry: the entry script must be inside the plugin folder") }, "\(e)")
        #expect(e.contains("plugin.yaml:11:3: outputs.{ass}: '{ass}' names no declared param (did you mean 'as'?)"), "\(e)")
    }

    @Test func defaultsMustFitAndKindsMatchOutputs() {
        let text = Self.valid.replacingOccurrences(of: "default: 1", with: "default: lots")
            .replacingOccurrences(of: "kind: features", with: "kind: validator")
        let e = errors(text)
        #expect(e.contains { $0.hasPrefix("plugin.yaml:9:33: params.k.default: expected number, got string \"lots\"") }, "\(e)")
        #expect(e.contains { $0.contains("outputs: a validator plugin has no outputs") }, "\(e)")
    }

    @Test func semanticVersionsParseAndOrder() {
        #expect(SemanticVersion("1.2.3") == SemanticVersion(1, 2, 3))
        for bad in ["1.2", "1.2.3.4", "01.2.3", "a.b.c", "1.-2.3", ""] { #expect(SemanticVersion(bad) == nil, "\(bad)") }
        #expect(SemanticVersion(1, 10, 0) > SemanticVersion(1, 9, 9))
        #expect(SemanticVersion(2, 0, 0).description == "2.0.0")
    }

    @Test func requirementsMatchAsSemverSays() {
        func ok(_ req: String, _ v: String) -> Bool { VersionRequirement(req)!.isSatisfied(by: SemanticVersion(v)!) }
        #expect(ok("^1.2", "1.2.0") && ok("^1.2", "1.9.3") && !ok("^1.2", "1.1.9") && !ok("^1.2", "2.0.0"))
        #expect(ok("^1", "1.0.0") && !ok("^1", "0.9.0"))
        #expect(ok("^0.2", "0.2.5") && !ok("^0.2", "0.3.0"))
        #expect(ok("~1.2.3", "1.2.9") && !ok("~1.2.3", "1.3.0") && !ok("~1.2.3", "1.2.2"))
        #expect(ok("1.2.3", "1.2.3") && !ok("1.2.3", "1.2.4"))
        #expect(ok(">=1.0", "7.0.0") && !ok(">=1.0", "0.9.9"))
        #expect(ok("*", "0.0.1"))
        for bad in ["1.2", "^x", ">1.0", "^1.2.3.4", "~"] { #expect(VersionRequirement(bad) == nil, "\(bad)") }
        #expect(VersionRequirement("^1.2")?.description == "^1.2")
    }

    @Test func testFilesAreCheckedToo() throws {
        let file = try PluginTestFileLoader.load(text: """
            params: { num: a }
            cases:
              - name: nan input
                row: { a: .nan, b: 2 }
                expect: { out: 1.5 }
              - row: { age: 12 }
                expect: "underage"
            """, file: "t.yaml")
        #expect(file.cases.count == 2 && file.cases[1].name == "case 2")
        #expect(file.cases[0].row[0].value.doubleValue?.isNaN == true)
        do {
            _ = try PluginTestFileLoader.load(text: "cases:\n  - row: { a: 1 }\n    expct: 2\n", file: "t.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.description).contains("t.yaml:3:5: cases[0].expct: unknown key (did you mean 'expect'?)"), "\(error)")
        }
    }
}
