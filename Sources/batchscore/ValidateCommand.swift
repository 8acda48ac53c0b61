import ArgumentParser
import Foundation
import ScoreCore
import ScoreJobSpec
import ScoreRuntime
import ScoreBuiltins

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a job without scoring: the spec, then cheap look-ups (files exist, the model loads, its features are in the input's header).",
        discussion: "Exit codes: 0 valid · 2 invalid job spec · 1 another failure (e.g. a broken model file).")

    @OptionGroup var options: JobArguments

    func run() throws {
        let spec: JobSpec
        do { spec = try options.loadSpec() } catch { throw fail(with: error) }
        let plan: ScoringPlan
        let redact = Redactor(spec: spec)
        do { plan = try ScoringPlan.build(spec: spec, registry: BuiltinPlugins.registry) } catch {
            throw fail(with: error, redact: redact)
        }
        print("\(options.job): ok")
        print(redact("  input   \(plan.reader.sourceName): \(plan.reader.schema)"))
        print("  model   \(plan.model.summary)")
        print("  output  \(plan.output.schema.names.joined(separator: ", "))")
        print("  checks  \(plan.validators.map(\.rule).joined(separator: ", "))")
    }
}
