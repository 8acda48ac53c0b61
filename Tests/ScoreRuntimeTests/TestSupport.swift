import Foundation
import ScoreCore
import ScoreJobSpec
@testable import ScoreRuntime
import ScoreBuiltins
import BatchScoreTestKit

/// A logistic model on two features: z = (a - 1) / 2 + b.
let smallModel = """
    {"format": "batchscore-model", "format_version": 1, "kind": "logistic_regression", "features": ["a", "b"],
     "preprocessing": [{"type": "standardize", "mean": [1, 0], "scale": [2, 1]}],
     "classes": [0, 1], "coefficients": [[1, 1]], "intercept": [0]}
    """

/// Loads the job at `dir/job.yaml` and builds its plan with `registry`.
func makePlan(_ dir: TempDir, registry: PluginRegistry = BuiltinPlugins.registry,
              overrides: [String] = []) throws -> ScoringPlan {
    let spec = try JobSpecLoader.load(path: dir.path + "/job.yaml", registry: registry, overrides: overrides,
                                      environment: [:])
    return try ScoringPlan.build(spec: spec, registry: registry)
}

