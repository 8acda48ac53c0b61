import ArgumentParser
import Foundation
import ScoreCore
import ScoreRuntime
import ScoreBuiltins

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect a model file, or verify its predictions against reference ones.",
        subcommands: [Inspect.self, Verify.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a model's kind, inputs (names, types), outputs and classes.",
            discussion: "Exit codes: 0 ok · 1 the file cannot be read or is not a valid model · 2 unknown format.")

        @Argument(help: "The model file (native JSON, XGBoost JSON, LightGBM text).")
        var path: String

        @Option(help: "The file's format; auto recognises it from its first bytes.")
        var format = "auto"

        func run() throws {
            let (model, bytes): (any ScoringModel, [UInt8])
            do { (model, bytes) = try ModelLoader.load(path: path, format: format, registry: BuiltinPlugins.registry) } catch {
                throw fail(with: error)
            }
            print("\(path): \(model.summary)")
            print("  sha256   \(SHA256.hex(bytes))")
            print("  inputs   \(model.inputs.count)")
            for input in model.inputs { print("    \(input.name): \(input.type)") }
            print("  missing  \(model.acceptsMissing ? "routed by the model (nulls and NaN follow each split's default)" : "rejected (a null or NaN input rejects the row)")")
            switch model.task {
            case .regression:
                print("  outputs  prediction (a number)")
            case .classification(let classes):
                print("  outputs  prediction, confidence, probabilities")
                print("  classes  \(classes.map(\.description).joined(separator: ", "))")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a data file and compare with reference predictions; report the worst rows.",
            discussion: """
                The reference CSV has one row per data row with a `prediction` column and, for classifiers, \
                optional `proba_<class>` columns (as scikit-learn's predict / predict_proba give them). \
                Exit codes: 0 every row within the tolerance · 1 a difference, or a file problem.
                """)

        @Argument(help: "The model file.")
        var path: String

        @Option(help: "A CSV with the model's input columns.")
        var data: String

        @Option(help: "A CSV with the reference predictions, row for row.")
        var expected: String

        @Option(help: "The largest allowed difference, relative to max(1, |expected|).")
        var tolerance = 1e-9

        @Option(help: "The model file's format; auto recognises it.")
        var format = "auto"

        func run() throws {
            do {
                let (model, _) = try ModelLoader.load(path: path, format: format, registry: BuiltinPlugins.registry)
                let report = try ModelVerifier.verify(model: model, dataPath: data, expectedPath: expected, tolerance: tolerance)
                print(report.text)
                if !report.passed { throw ExitCode.failure }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw fail(with: error)
            }
        }
    }
}
