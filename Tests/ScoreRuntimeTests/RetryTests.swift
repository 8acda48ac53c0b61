import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import ScoreBuiltins
import BatchScoreTestKit

/// Records the waits instead of sleeping.
final class SleepRecorder: @unchecked Sendable {
    // Safe: tests call it from one thread at a time; the lock guards against surprises.
    private let lock = NSLock()
    private var waits: [Double] = []
    func record(_ s: Double) { lock.lock(); waits.append(s); lock.unlock() }
    var recorded: [Double] { lock.lock(); defer { lock.unlock() }; return waits }
}

/// A reader that fails with an I/O-like error a set number of times before each real read.
final class FlakyReader: BatchReader {
    let inner: any BatchReader
    var failuresLeft: Int
    let transient: Bool
    init(inner: any BatchReader, failures: Int, transient: Bool) {
        self.inner = inner
        self.failuresLeft = failures
        self.transient = transient
    }
    var schema: Schema { inner.schema }
    var sourceName: String { inner.sourceName }
    var totalBytes: Int64? { inner.totalBytes }
    var bytesRead: Int64 { inner.bytesRead }
    func next(maxRows: Int) throws -> ReadResult? {
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw InputError(.unreadable, file: sourceName, "injected: Input/output error", transient: transient)
        }
        return try inner.next(maxRows: maxRows)
    }
}

@Suite struct RetryTests {
    func registry(failures: Int, transient: Bool) -> PluginRegistry {
        var r = BuiltinPlugins.registry
        var spec = CSVReader.plugin.spec
        spec.type = "flaky"
        try! r.register(PluginRegistry.Reader(spec: spec) { config, context, requirements in
            FlakyReader(inner: try CSVReader.plugin.make(config, context, requirements), failures: failures, transient: transient)
        })
        return r
    }

    func plan(failures: Int, transient: Bool, attempts: Int) throws -> (TempDir, ScoringPlan, SleepRecorder) {
        let dir = try TempDir()
        try dir.write("data.csv", "a,b\n1,2\n3,4\n")
        try dir.write("model.json", smallModel)
        try dir.write("job.yaml", """
            version: 1
            reader: { type: flaky, path: data.csv }
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            runtime: { retry: { attempts: \(attempts), base_secs: 0.5, max_secs: 0.8, jitter: false } }
            """)
        let plan = try makePlan(dir, registry: registry(failures: failures, transient: transient))
        let recorder = SleepRecorder()
        plan.retry.sleep = { recorder.record($0) }
        return (dir, plan, recorder)
    }

    @Test func transientErrorsAreRetriedWithExponentialBackoff() throws {
        let (dir, plan, recorder) = try plan(failures: 2, transient: true, attempts: 3)
        let summary = try JobRunner(plan: plan, logger: quietLogger).run()
        #expect(summary.rowsWritten == 2)
        #expect(recorder.recorded == [0.5, 0.8])   // 0.5·2^0, then 0.5·2^1 capped at max_secs
        #expect(dir.exists("out.csv"))
    }

    @Test func retriesStopAfterTheLastAttempt() throws {
        let (dir, plan, recorder) = try plan(failures: 5, transient: true, attempts: 3)
        #expect(throws: JobFailure.self) { _ = try JobRunner(plan: plan, logger: quietLogger).run() }
        #expect(recorder.recorded.count == 2)
        #expect(!dir.exists("out.csv"))
    }

    @Test func deterministicErrorsAreNotRetried() throws {
        let (_, plan, recorder) = try plan(failures: 1, transient: false, attempts: 3)
        #expect(throws: JobFailure.self) { _ = try JobRunner(plan: plan, logger: quietLogger).run() }
        #expect(recorder.recorded.isEmpty)
    }

    @Test func jitterStaysWithinHalfToFullDelay() {
        var policy = RetryPolicy(attempts: 5, backoff: .exponential, baseSeconds: 1, maxSeconds: 30, jitter: true)
        policy.random = { 0 }
        #expect(policy.delay(beforeRetry: 3) == 2)
        policy.random = { 0.999 }
        #expect(policy.delay(beforeRetry: 3) > 3.99 && policy.delay(beforeRetry: 3) < 4)
        let constant = RetryPolicy(attempts: 5, backoff: .constant, baseSeconds: 1.5, maxSeconds: 30, jitter: false)
        #expect(constant.delay(beforeRetry: 4) == 1.5)
    }
}

/// The job's own clock (`JobOptions.clock`): its waits, its durations; no other job's.
struct JobClockTests {
    /// Time stands still but for the sleeps, which it records and adds.
    final class ManualClock: JobClock, @unchecked Sendable {
        // Safe: every access holds the lock.
        private let lock = NSLock()
        private var time = 0.0
        private var waits: [Double] = []
        func monotonicSeconds() -> Double { lock.withLock { time } }
        func sleep(seconds: Double) { lock.withLock { waits.append(seconds); time += seconds } }
        var slept: [Double] { lock.withLock { waits } }
    }

    @Test func retryWaitsAndTheDurationComeFromTheJobsClock() throws {
        let retry = RetryTests()
        let (_, plan, recorder) = try retry.plan(failures: 2, transient: true, attempts: 3)
        plan.retry.sleep = nil  // no recorder on the plan: the job's clock waits
        let clock = ManualClock()
        var options = JobOptions()
        options.logger = quietLogger
        options.clock = clock
        let summary = try JobRunner(plan: plan, options: options).run()
        #expect(summary.rowsWritten == 2)
        #expect(clock.slept == [0.5, 0.8] && recorder.recorded.isEmpty)
        // The run lasted exactly its waits on the job's clock, whatever the machine took.
        #expect(abs(summary.seconds - 1.3) < 1e-9, "\(summary.seconds)")
    }
}
