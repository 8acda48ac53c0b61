import ScoreCore

/// A Lua hook that cannot run: a syntax error, an error in `init`, or (with `on_error: fail`) an
/// error on a row. Carries `script.lua:line` (in Lua's message), the hook and the input line.
public struct HookError: BatchScoreError, Equatable {
    /// The step's name (`ratio-features`, or the script's file name).
    public var step: String
    /// The hook function (`features`, `validate_batch`, `init`, or `load` for the script itself).
    public var hook: String
    /// The input line of the row being processed, when there is one.
    public var inputLine: Int?
    /// Lua's message, which starts with `script.lua:line:` when Lua knows the place.
    public var message: String
    /// Syntax errors and bad parameters are spec problems (exit 2); failures while scoring are not.
    public var isSpecProblem: Bool

    public init(step: String, hook: String, inputLine: Int? = nil, message: String, isSpecProblem: Bool = false) {
        self.step = step
        self.hook = hook
        self.inputLine = inputLine
        self.message = message
        self.isSpecProblem = isSpecProblem
    }

    public var category: ErrorCategory { isSpecProblem ? .invalidSpec : .failure }

    public var description: String {
        var s = "\(message) (Lua hook '\(hook)' of step '\(step)'"
        if let inputLine { s += ", input line \(inputLine)" }
        return s + ")"
    }
}
