import Foundation

/// Crash points for the resume tests: a job given `FaultPoints(name:index:)` SIGKILLs its process
/// when it reaches point `name` (for the batch `index`, counted from 0 in this run) — a real kill at
/// an exact place, which a timer cannot give. Per job, passed in `JobOptions`; the CLI builds it from
/// `BATCHSCORE_FAULT=NAME[:INDEX]`. With none, a point costs one comparison.
public struct FaultPoints: Sendable, Equatable {
    let name: String?
    let index: Int?

    /// No fault: every point passes.
    public static let none = FaultPoints(name: nil, index: nil)

    /// Kill at point `name` (for batch `index`, or the first time when nil).
    ///
    /// Points: `read` (the reader has cut unit INDEX, which no worker has seen yet), `mid-batch` (a
    /// batch's rows written, its rejections and checkpoint not yet), `after-checkpoint`,
    /// `before-renames` (both outputs durable), `between-renames` (the quarantine published, the
    /// output not yet).
    public init(name: String?, index: Int? = nil) {
        self.name = name
        self.index = index
    }

    /// `BATCHSCORE_FAULT=NAME[:INDEX]` from `environment`, or `.none`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> FaultPoints {
        guard let value = environment["BATCHSCORE_FAULT"], !value.isEmpty else { return .none }
        let parts = value.split(separator: ":", maxSplits: 1)
        return FaultPoints(name: String(parts[0]), index: parts.count > 1 ? Int(parts[1]) : nil)
    }

    func point(_ point: String, index at: Int = 0) {
        guard let name, name == point, index == nil || index == at else { return }
        kill(getpid(), SIGKILL)
    }
}
