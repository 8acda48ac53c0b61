import Foundation
import Testing
import ScoreFuzzTargets

/// Every file of fuzz/corpus/TARGET/ and fuzz/regressions/TARGET/ through its harness body, without
/// sanitizers: the campaigns (fuzz/run.sh) are too slow for `swift test`, the replay is not.
@Suite struct CorpusReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz").path

    /// Inputs that still crash, "TARGET/FILE" (fuzz/regressions/KNOWN_ISSUES, one a line, `#` comments):
    /// skipped with a printed message so the suite stays green until they are fixed.
    static let knownIssues: Set<String> = {
        guard let text = try? String(contentsOfFile: fuzzDirectory + "/regressions/KNOWN_ISSUES", encoding: .utf8) else { return [] }
        return Set(text.split(separator: "\n").map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }()

    static func files(_ kind: String, _ target: String) -> [String] {
        let dir = fuzzDirectory + "/" + kind + "/" + target
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { dir + "/" + $0 }
    }

    @Test(arguments: FuzzTargets.names)
    func replay(target: String) throws {
        let corpus = Self.files("corpus", target), regressions = Self.files("regressions", target)
        #expect(!corpus.isEmpty, "fuzz/corpus/\(target) has no seeds")
        for path in corpus + regressions {
            let key = target + "/" + (path as NSString).lastPathComponent
            if Self.knownIssues.contains(key) {
                print("CorpusReplayTests: skipping known issue \(key) (see fuzz/regressions/KNOWN_ISSUES)")
                continue
            }
            let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            FuzzTargets.run(target, data)
        }
    }

    @Test func luaRecipeDecodesEmptyInput() {
        let recipe = FuzzTargets.LuaRecipe([])
        #expect(recipe.ints == [0] && recipe.strings == [[]] && !recipe.columnar)
    }
}
