import Foundation
import Synchronization
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

// MARK: - 6. Pipeline

extension EngineTests {
    @Suite struct PipelineTests {
        struct Injected: Error, Equatable { var tag: String }

        static func unit(_ i: Int) -> ReadUnit {
            ReadUnit(end: InputPosition(byteOffset: Int64(i), line: i)) { throw Injected(tag: "not parsed in these tests") }
        }

        /// A scored unit whose `rowsRead` is `i`, to see which one came out.
        static func scored(_ i: Int) -> BatchScorer.Scored {
            .init(rowsRead: i, encoded: EncodedBatch(rows: 0, bytes: []), rejections: [], end: nil, footprint: 0, seconds: 0)
        }

        /// Starts `body` on a thread; the semaphore is signalled when it returns.
        static func start(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
            let done = DispatchSemaphore(value: 0)
            Thread {
                body()
                done.signal()
            }.start()
            return done
        }

        /// A worker waiting for a unit lends its reserved core (the reader's column loops may borrow it) and
        /// takes it back when the unit comes; a worker that finds work at once lends nothing.
        @Test func aWaitingWorkerLendsItsCoreUntilItHasWork() throws {
            let budget = CPUBudget(cores: 2)
            #expect(budget.reserve(upTo: 2) == 2 && budget.available == 0)
            let p = Pipeline(capacity: 4, cores: budget)
            p.submit(Self.unit(0))
            #expect(p.nextWork()?.seq == 0 && budget.available == 0)  // no wait, nothing lent
            let got = Mutex<Int?>(nil)
            let done = Self.start { got.withLock { $0 = p.nextWork()?.seq } }
            let deadline = Date().addingTimeInterval(30)
            while budget.available == 0 && Date() < deadline { usleep(1000) }
            #expect(budget.available == 1, "the waiting worker's core is free to borrow")
            p.submit(Self.unit(1))
            done.wait()
            #expect(got.withLock { $0 } == 1)
            #expect(budget.available == 0, "the worker took its core back")
            budget.release(2)
            #expect(budget.available == 2)
        }

        @Test func outcomesComeOutInSequenceOrderWhateverOrderWorkersFinish() throws {
            let p = Pipeline(capacity: 8)
            for i in 0 ..< 8 { p.submit(Self.unit(i)) }
            p.finishSource()
            var work: [(seq: Int, unit: ReadUnit)] = []
            while let w = p.nextWork() { work.append(w) }
            #expect(work.map(\.seq) == Array(0 ..< 8))
            #expect(work.map { $0.unit.end?.line } == Array(0 ..< 8))
            // Finish 7, 6, ..., 1 first; take(0) must wait for 0 and not hand out another.
            for w in work.reversed().dropLast() { p.complete(w.seq, .success(Self.scored(w.seq))) }
            let first = Box<Int>()
            let tookFirst = Self.start { first.value = try? p.take(0)?.get().rowsRead }
            #expect(tookFirst.wait(timeout: .now() + 0.2) == .timedOut, "take(0) returned before unit 0 was done")
            p.complete(0, .success(Self.scored(0)))
            #expect(tookFirst.wait(timeout: .now() + 5) == .success)
            #expect(first.value == 0)
            for seq in 1 ..< 8 { #expect(try p.take(seq)?.get().rowsRead == seq) }
            #expect(p.take(8) == nil, "after the last unit")
        }

        @Test func concurrentWorkersFinishingAtRandomStillYieldInputOrder() throws {
            let p = Pipeline(capacity: 6)
            let total = 400
            let reader = Self.start {
                var i = 0
                while i < total && p.waitForRoom() {
                    p.submit(Self.unit(i))
                    i += 1
                }
                p.finishSource()
            }
            var workers: [DispatchSemaphore] = []
            for _ in 0 ..< 4 {
                workers.append(Self.start {
                    while let w = p.nextWork() {
                        usleep(UInt32.random(in: 0 ... 800))
                        p.complete(w.seq, .success(Self.scored(w.seq)))
                    }
                })
            }
            var seen: [Int] = []
            var seq = 0
            while let outcome = p.take(seq) {
                seen.append(try outcome.get().rowsRead)
                seq += 1
            }
            #expect(seen == Array(0 ..< total))
            #expect(reader.wait(timeout: .now() + 5) == .success)
            for w in workers { #expect(w.wait(timeout: .now() + 5) == .success) }
        }

        @Test func theReaderWaitsForRoom() {
            let p = Pipeline(capacity: 2)
            #expect(p.capacity == 2)
            p.submit(Self.unit(0))
            p.submit(Self.unit(1))
            let room = Box<Bool>()
            let waited = Self.start { room.value = p.waitForRoom() }
            #expect(waited.wait(timeout: .now() + 0.2) == .timedOut, "two units in flight: no room")
            // Scored but not yet taken still counts.
            let w = p.nextWork()!
            p.complete(w.seq, .success(Self.scored(w.seq)))
            #expect(waited.wait(timeout: .now() + 0.2) == .timedOut, "a scored unit not yet taken still holds room")
            _ = p.take(0)
            #expect(waited.wait(timeout: .now() + 5) == .success)
            #expect(room.value == true)
        }

        @Test func cancelWakesABlockedTakeNextWorkAndWaitForRoom() {
            let p = Pipeline(capacity: 1)
            p.submit(Self.unit(0))
            #expect(p.nextWork()?.seq == 0)  // in flight, queue empty, source open: everyone must wait
            let room = Box<Bool>(), work = Box<Int>(), taken = Box<Int>()
            room.value = true
            work.value = -2
            taken.value = -2
            let a = Self.start { room.value = p.waitForRoom() }
            let b = Self.start { work.value = p.nextWork()?.seq ?? -1 }
            let c = Self.start { taken.value = (try? p.take(0)?.get().rowsRead) ?? -1 }
            Thread.sleep(forTimeInterval: 0.2)
            for s in [a, b, c] { #expect(s.wait(timeout: .now()) == .timedOut, "returned before cancel") }
            p.cancel()
            for s in [a, b, c] { #expect(s.wait(timeout: .now() + 5) == .success, "cancel did not wake a waiter") }
            #expect(room.value == false && work.value == -1 && taken.value == -1)
            // After a cancel nothing waits any more.
            #expect(p.waitForRoom() == false && p.nextWork() == nil && p.take(0) == nil)
        }

        @Test func aSourceFailureComesAfterTheEarlierUnits() throws {
            let p = Pipeline(capacity: 8)
            p.submit(Self.unit(0))
            p.submit(Self.unit(1))
            p.fail(Injected(tag: "disk on fire"))
            // Units queued before the failure are still handed out, then no more.
            let w0 = p.nextWork(), w1 = p.nextWork()
            #expect(w0?.seq == 0 && w1?.seq == 1)
            #expect(p.nextWork() == nil)
            // The failure waits behind the units before it, even when they finish late.
            let failure = Box<String>()
            let sawFailure = Self.start {
                guard case .failure(let e)? = p.take(2) else { return }
                failure.value = (e as? Injected)?.tag
            }
            #expect(sawFailure.wait(timeout: .now() + 0.2) == .success, "take(2) only waits for its own seq")
            #expect(failure.value == "disk on fire")
            p.complete(1, .success(Self.scored(1)))
            p.complete(0, .success(Self.scored(0)))
            #expect(try p.take(0)?.get().rowsRead == 0)
            #expect(try p.take(1)?.get().rowsRead == 1)
            #expect(p.take(3) == nil)
        }

        @Test func theSinkMeetsTheFailureAfterTheEarlierUnitsInOrder() throws {
            // As the runner uses it: take(0), take(1), ... in order; the failure is the third outcome.
            let p = Pipeline(capacity: 4)
            let reader = Self.start {
                for i in 0 ..< 2 {
                    _ = p.waitForRoom()
                    p.submit(Self.unit(i))
                }
                p.fail(Injected(tag: "read error"))
            }
            let worker = Self.start {
                while let w = p.nextWork() {
                    usleep(20_000)
                    p.complete(w.seq, .success(Self.scored(w.seq)))
                }
            }
            var outcomes: [String] = []
            var seq = 0
            while let o = p.take(seq) {
                switch o {
                case .success(let s): outcomes.append("unit \(s.rowsRead)")
                case .failure(let e): outcomes.append("error \((e as? Injected)?.tag ?? "?")")
                }
                seq += 1
            }
            #expect(outcomes == ["unit 0", "unit 1", "error read error"])
            #expect(reader.wait(timeout: .now() + 5) == .success && worker.wait(timeout: .now() + 5) == .success)
        }
    }
}
