import Foundation
import ScoreCore

/// Rows read, written and quarantined so far, and rejections by `stage/rule`.
struct JobCounts {
    var read = 0, written = 0, quarantined = 0
    var byRule: [String: Int] = [:]

    init() {}

    init(_ checkpoint: Checkpoint) {
        read = checkpoint.records
        written = checkpoint.rowsWritten
        quarantined = checkpoint.rowsQuarantined
        byRule = checkpoint.quarantinedByRule
    }

    mutating func add(read r: Int, written w: Int, rejections: [Rejection]) {
        read += r
        written += w
        quarantined += rejections.count
        for x in rejections { byRule["\(x.stage)/\(x.rule)", default: 0] += 1 }
    }

    func summary(plan: ScoringPlan, status: JobSummary.Status, elapsed seconds: Double, output: String, error: (any Error)?) -> JobSummary {
        return JobSummary(job: plan.spec.name ?? plan.spec.file, status: status, rowsRead: read, rowsWritten: written,
                          rowsQuarantined: quarantined, quarantinedByRule: byRule, seconds: seconds,
                          rowsPerSecond: seconds > 0 ? Double(read) / seconds : 0, output: output,
                          quarantine: plan.quarantinePath, error: error.map { "\($0)" })
    }
}
