import ScoreCore

/// A Lua hook that cannot run: a syntax error, an error in `init`, or (with `on_error: fail`) an
/// error on a row. Carries `script.lua:line` (in Lua's message), the hook and the input line.
public struct HookError: BatchScoreError, Equatable {
    /// What sort of problem it is; new kinds may be added, so match with `==`, not an exhaustive switch.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case sandbox, script, params, initFailed = "init failed", rowFailed = "row failed" }
        private let base: Base
        /// The sandbox could not be created (out of memory under `memory_mb`).
        public static let sandbox = Kind(base: .sandbox)
        /// The script does not load: a syntax error, a failing top level, or no hook this step can call.
        public static let script = Kind(base: .script)
        /// The step's params cannot be handed to the script (too deep or too large).
        public static let params = Kind(base: .params)
        /// `init(params)` raised an error or ran out of budget.
        public static let initFailed = Kind(base: .initFailed)
        /// A row's hook failed under `on_error: fail`.
        public static let rowFailed = Kind(base: .rowFailed)
        /// `script`, `init failed`, ...
        public var description: String { base.rawValue }
    }

    /// The sort of problem.
    public var kind: Kind
    /// The step's name (`ratio-features`, or the script's file name).
    public var step: String
    /// The hook function (`features`, `validate_batch`, `init`, or `load` for the script itself).
    public var hook: String
    /// The input line of the row being processed, when there is one.
    public var inputLine: Int?
    /// Lua's message, which starts with `script.lua:line:` when Lua knows the place.
    public var message: String

    /// Creates an error of `kind` in `hook` of `step`.
    public init(_ kind: Kind, step: String, hook: String, inputLine: Int? = nil, message: String) {
        self.kind = kind
        self.step = step
        self.hook = hook
        self.inputLine = inputLine
        self.message = message
    }

    /// A script that does not load and params it cannot take are spec problems (exit 2); failures while running are not.
    public var category: ErrorCategory { kind == .script || kind == .params ? .invalidSpec : .failure }

    /// Lua's message, then the hook, step and input line.
    public var description: String {
        var s = "\(message) (Lua hook '\(hook)' of step '\(step)'"
        if let inputLine { s += ", input line \(inputLine)" }
        return s + ")"
    }
}
