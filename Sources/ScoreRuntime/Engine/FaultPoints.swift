import Foundation

/// Crash points for the resume tests: a job given `FaultPoints(name:index:)` SIGKILLs its process
/// when it reaches point `name` (for the batch `index`, counted from 0 in this run) — a real kill at
/// an exact place, which a timer cannot give. With `action: .hold` the job instead waits there until
/// it is asked to stop (a cancel, a signal): a job held mid-run, for tests that interrupt a running
/// job without racing it to its end. Per job, passed in `JobOptions`; the CLI and the server build it
/// from `BATCHSCORE_FAULT=NAME[:INDEX][:hold]`. With none, a point costs one comparison.
public struct FaultPoints: Sendable, Equatable {
    /// What a job does at the point.
    public enum Action: String, Sendable, Equatable {
        /// SIGKILL the process.
        case kill
        /// Wait until the job is asked to stop, then go on (to stop at the next batch boundary).
        case hold
    }

    let name: String?
    let index: Int?
    let action: Action

    /// No fault: every point passes.
    public static let none = FaultPoints(name: nil, index: nil)

    /// Kill at point `name` (for batch `index`, or the first time when nil).
    ///
    /// Points: `read` (the reader has cut unit INDEX, which no worker has seen yet), `mid-batch` (a
    /// batch's rows written, its rejections and checkpoint not yet), `after-checkpoint`,
    /// `before-renames` (both outputs durable), `between-renames` (the quarantine published, the
    /// output not yet).
    /// `.hold` is honoured where the job can be stopped (`after-checkpoint`); elsewhere it passes.
    public init(name: String?, index: Int? = nil, action: Action = .kill) {
        self.name = name
        self.index = index
        self.action = action
    }

    /// `BATCHSCORE_FAULT=NAME[:INDEX][:hold]` from `environment`, or `.none`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> FaultPoints {
        guard let value = environment["BATCHSCORE_FAULT"], !value.isEmpty else { return .none }
        var parts = value.split(separator: ":").map(String.init)
        var action = Action.kill
        if parts.count > 1, let last = parts.last.flatMap(Action.init(rawValue:)) {
            action = last
            parts.removeLast()
        }
        return FaultPoints(name: parts[0], index: parts.count > 1 ? Int(parts[1]) : nil, action: action)
    }

    /// Kills the process at the point; or, for `.hold` with a `stop` token, returns once the job
    /// has been asked to stop.
    func point(_ point: String, index at: Int = 0, stop: StopToken? = nil) {
        guard let name, name == point, index == nil || index == at else { return }
        if action == .hold {
            // Where no stop token reaches, a hold would never end: the point passes.
            guard let stop else { return }
            while stop.reason == nil { usleep(10_000) }
            return
        }
        kill(getpid(), SIGKILL)
    }
}
