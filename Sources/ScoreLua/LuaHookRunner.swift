import ScoreCore
import Synchronization

/// A hook state behind a lock: the steps are Sendable values, the Lua state inside is used by one
/// caller at a time. (One state per worker: the parallel engine makes one step per worker.)
final class LuaHookRunner: Sendable {
    let definition: HookDefinition
    let hooks: LuaHookState.Hooks
    private let state: Mutex<LuaHookState>

    init(_ definition: HookDefinition) throws(HookError) {
        self.definition = definition
        let state = try LuaHookState(definition)
        hooks = state.hooks
        self.state = Mutex(state)
    }

    func features(_ batch: Batch, columnar: Bool) -> ([Column], LuaHookState.Result) {
        state.withLock { $0.features(batch, columnar: columnar) }
    }

    func validate(_ batch: Batch, columnar: Bool) -> LuaHookState.Result {
        state.withLock { $0.validate(batch, columnar: columnar) }
    }

    /// Turns the per-row outcomes into verdicts: budget and memory overruns always reject the row
    /// (never retried, so a runaway hook trips the error budget quickly); so does a NaN or infinite
    /// output, a problem of the row's data (0 / 0 on that row) rather than of the script, as the
    /// model stage's `non_finite`; hook errors and bad outputs reject it or stop the job, per
    /// `on_error`; validators' refusals reject it.
    func apply(_ result: LuaHookState.Result, hook: String, batch: Batch, verdicts: inout RowVerdicts) throws(HookError) {
        for (r, outcome) in result.outcomes.enumerated() where outcome != .ok {
            let message = result.message(r)
            switch outcome {
            case .ok:
                continue
            case .rejected:
                verdicts.reject(r, rule: definition.name, reason: message)
            case .budget:
                verdicts.reject(r, rule: "instruction_budget", reason: "\(definition.name): \(message)")
            case .memory:
                verdicts.reject(r, rule: "memory_limit", reason: "\(definition.name): \(message)")
            case .nonFinite:
                verdicts.reject(r, rule: "non_finite", reason: "\(definition.name) (\(hook)): \(message)")
            case .hookError, .output:
                if definition.onError == .fail {
                    throw HookError(.rowFailed, step: definition.name, hook: hook, inputLine: batch.origins.lines[r], message: message)
                }
                verdicts.reject(r, rule: outcome == .output ? "hook_output" : "hook_error",
                                reason: "\(definition.name) (\(hook)): \(message)")
            }
        }
    }
}
