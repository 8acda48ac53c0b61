import Foundation
import Testing
import ScoreCore
import ScoreJobSpec
@testable import ScoreRuntime
import ScoreBuiltins

/// Docs come from the plugins' declarations; these tests fail when the README falls behind
/// or a plugin's own example stops parsing.
@Suite struct ReferenceDocsTests {
    @Test func readmeReferenceIsCurrent() throws {
        let readme = try String(contentsOf: CLITests.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = "<!-- BEGIN GENERATED REFERENCE: batchscore plugins --markdown -->\n"
        let end = "<!-- END GENERATED REFERENCE -->"
        guard let b = readme.range(of: begin), let e = readme.range(of: end) else {
            Issue.record("README.md lacks the generated reference markers")
            return
        }
        let current = String(readme[b.upperBound ..< e.lowerBound])
        let generated = PluginCatalog.markdown(BuiltinPlugins.registry) + "\n"
        #expect(current == generated, "README.md is stale: run tools/update-readme-reference.sh")
    }

    @Test func everyBuiltinPluginDocumentsItselfAndItsExampleParses() throws {
        let registry = BuiltinPlugins.registry
        for kind in PluginKind.allCases {
            for spec in registry.specs(kind) {
                #expect(!spec.summary.isEmpty, "\(spec.type)")
                for field in spec.fields { #expect(!field.doc.isEmpty, "\(spec.type).\(field.name)") }
                _ = try JobSpecLoader.checkPluginExample(spec, registry: registry)
            }
        }
    }
}
