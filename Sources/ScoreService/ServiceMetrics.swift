import Foundation
import CoreMetrics
import Prometheus

/// The service's Prometheus metrics, recorded through swift-metrics into a registry of this
/// server's own (not the process-global bootstrap, so a test process can run several servers).
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    let rowsScored: CoreMetrics.Counter
    let rowsRejected: CoreMetrics.Counter
    let submissions: CoreMetrics.Counter
    let jobDuration: CoreMetrics.Timer
    let queueWait: CoreMetrics.Timer

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["batchscore_job_duration_seconds"] =
            [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600].map { Duration.seconds($0) }
        factory.durationHistogramBuckets["batchscore_queue_wait_seconds"] =
            [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300].map { Duration.milliseconds(Int($0 * 1000)) }
        self.factory = factory
        rowsScored = CoreMetrics.Counter(label: "batchscore_rows_scored_total", factory: factory)
        rowsRejected = CoreMetrics.Counter(label: "batchscore_rows_rejected_total", factory: factory)
        submissions = CoreMetrics.Counter(label: "batchscore_jobs_submitted_total", factory: factory)
        jobDuration = CoreMetrics.Timer(label: "batchscore_job_duration_seconds", factory: factory)
        queueWait = CoreMetrics.Timer(label: "batchscore_queue_wait_seconds", factory: factory)
    }

    /// One finished job of `state`.
    func jobFinished(state: JobState) {
        CoreMetrics.Counter(label: "batchscore_jobs_finished_total", dimensions: [("state", state.rawValue)], factory: factory).increment()
    }

    /// One HTTP request: its route pattern (not its path, so ids do not make series), status and time.
    func request(method: String, route: String, status: Int, seconds: Double) {
        CoreMetrics.Timer(label: "batchscore_http_request_duration_seconds",
                      dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// The text `/metrics` answers, with the jobs-by-state gauges set from the queue as it is now.
    func exposition(jobsByState: [JobState: Int]) -> [UInt8] {
        for state in JobState.allCases {
            CoreMetrics.Gauge(label: "batchscore_jobs", dimensions: [("state", state.rawValue)], factory: factory)
                .record(Double(jobsByState[state] ?? 0))
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
