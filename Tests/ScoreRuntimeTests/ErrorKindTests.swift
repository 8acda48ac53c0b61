import Foundation
import Testing
import ScoreCore
import ScoreModels
import ScoreLua
import ScoreBuiltins
@testable import ScoreRuntime
import BatchScoreTestKit

/// Each domain error says what sort of problem it is (a `Kind` a caller can match with `==`), and the
/// kind — not a flag set beside the message — decides the exit code (and, later, the HTTP status).
@Suite struct ErrorKindTests {
    func hook(_ source: String, onError: HookDefinition.OnError = .quarantine) -> HookDefinition {
        HookDefinition(name: "k", source: source, chunkName: "@k.lua", moduleRoot: nil,
                       outputs: Schema([.init(name: "x", type: .float64)]), params: [], onError: onError,
                       instructionsPerRow: 1_000_000, memoryLimit: 64 << 20, seed: 1)
    }

    func hookError(_ make: () throws -> Void) -> HookError? {
        do { try make(); return nil } catch { return error as? HookError }
    }

    @Test func hookKindsDecideSpecProblemOrFailure() throws {
        let syntax = hookError { _ = try LuaFeatureStep(hook("function features(row)\n  return {\nend")) }
        #expect(syntax?.kind == .script)
        #expect(syntax.map(ExitStatus.code(for:)) == ExitStatus.invalidSpec)

        let noHook = hookError { _ = try LuaValidator(hook("x = 1")) }
        #expect(noHook?.kind == .script)

        let initFails = hookError { _ = try LuaFeatureStep(hook("function init(p) error('no') end\nfunction features(r) return {} end")) }
        #expect(initFails?.kind == .initFailed)
        #expect(initFails.map(ExitStatus.code(for:)) == ExitStatus.failure)

        let step = try LuaFeatureStep(hook("function features(row) error('bad row') end", onError: .fail))
        var origins = RowOrigins()
        origins.append(line: 2, record: "1")
        let batch = Batch(columns: [Column(name: "a", data: .float64([1]))], origins: origins)
        var verdicts = RowVerdicts(rowCount: 1)
        let rowFails = hookError { _ = try step.apply(batch, verdicts: &verdicts) }
        #expect(rowFails?.kind == .rowFailed)
        #expect(rowFails?.inputLine == 2)
    }

    @Test func modelKindsTellAMalformedFileFromAnUnsupportedFeature() {
        func modelError(_ text: String) -> ModelError? {
            do { _ = try NativeModelFormat.load(bytes: Array(text.utf8), path: "m.json"); return nil } catch { return error }
        }
        #expect(modelError("{")?.kind == .malformed)
        #expect(modelError(#"{"format": "batchscore-model", "format_version": "one"}"#)?.kind == .malformed)
        #expect(modelError(#"{"format": "batchscore-model", "format_version": 99}"#)?.kind == .unsupported)
        #expect(modelError(#"{"format": "batchscore-model", "format_version": 99}"#).map(ExitStatus.code(for:)) == ExitStatus.failure)
    }

    @Test func aMissingModelFileIsUnreadableInput() throws {
        let dir = try TempDir()
        #expect {
            _ = try ModelLoader.load(path: dir.path + "/absent.json", registry: BuiltinPlugins.registry)
        } throws: { error in
            (error as? InputError)?.kind == .unreadable && "\(error)".hasSuffix("no such model file")
        }
    }

    @Test func aSecondWriterOfOneOutputIsLocked() throws {
        let dir = try TempDir()
        let output = dir.path + "/out.csv"
        let held = try OutputLock(output: output)
        #expect {
            _ = try OutputLock(output: output)
        } throws: { error in
            guard let e = error as? OutputError else { return false }
            return e.kind == .locked && e.file == output && !e.isTransient
        }
        withExtendedLifetime(held) {}
    }

    @Test func aDamagedCheckpointSaysSo() throws {
        let dir = try TempDir()
        try dir.write("cp.json", "{ not json")
        #expect {
            _ = try Checkpoint.load(path: dir.path + "/cp.json")
        } throws: { error in
            guard let e = error as? CheckpointError else { return false }
            return e.kind == .damaged && e.message.contains("run again without --resume")
        }
        try dir.write("old.json", #"{"version": 0}"#)
        #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(path: dir.path + "/old.json") }
    }

    @Test func featureMatrixErrorsNameTheirColumn() {
        #expect(FeatureMatrixError.missingColumn("age").column == "age")
        #expect(FeatureMatrixError.notNumeric("region", .string).column == "region")
        #expect(FeatureMatrixError.missingColumn("age") != FeatureMatrixError.notNumeric("age", .string))
    }
}
