import Foundation

/// Crash points for the resume tests: `BATCHSCORE_FAULT=NAME[:INDEX]` makes the process SIGKILL
/// itself when it reaches point NAME (for the batch INDEX, counted from 0 in this run) — a real
/// kill at an exact place, which a timer cannot give. Unset, a point costs one comparison.
enum FaultInjection {
    private static let target: (name: String, index: Int?)? = {
        guard let value = ProcessInfo.processInfo.environment["BATCHSCORE_FAULT"], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) : nil)
    }()

    /// Points: `read` (the reader has cut unit INDEX, which no worker has seen yet), `mid-batch` (a batch's rows written, its rejections and checkpoint not yet),
    /// `after-checkpoint`, `before-renames` (both outputs durable), `between-renames` (the quarantine
    /// published, the output not yet).
    static func point(_ name: String, index: Int = 0) {
        guard let target, target.name == name, target.index == nil || target.index == index else { return }
        kill(getpid(), SIGKILL)
    }
}
