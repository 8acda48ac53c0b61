import Foundation
import Synchronization
import Testing
import ScoreCore
@testable import ScoreModels

/// The cores one process shares between jobs, and tree evaluation split over them: the same bytes
/// whatever the budget lends.
struct CPUBudgetTests {
    @Test func partsCoverEveryRowOnce() {
        let parts = CPUBudget.parts(rows: 10_001, maxParts: 3, minimumRows: 1000)
        #expect(parts.count == 3)
        #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == 10_001)
        #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(CPUBudget.parts(rows: 500, maxParts: 8, minimumRows: 1000).count == 1)
        #expect(CPUBudget.parts(rows: 0, maxParts: 8, minimumRows: 1000).isEmpty)
    }

    @Test func reservationsGrantWhatIsFreeAndAlwaysOne() {
        let budget = CPUBudget(cores: 2)
        #expect(budget.reserve(upTo: 4) == 2)
        #expect(budget.available == 0)
        // Nothing free: a started job still gets its one worker, and loops borrow nothing.
        #expect(budget.reserve(upTo: 4) == 1)
        #expect(budget.borrow(upTo: 3) == 0)
        budget.release(1)
        #expect(budget.available == 0, "the oversubscribed core comes back first")
        budget.release(2)
        #expect(budget.available == 2)
        #expect(budget.borrow(upTo: 1) == 1 && budget.available == 1)
        budget.giveBack(1)
    }

    /// A waiting worker's lent core goes to loops only, never to another job's reservation, and comes back
    /// to its worker whichever of the two — the loop giving back, the worker reclaiming — happens first.
    @Test func lentCoresGoToLoopsNotToReservations() {
        let budget = CPUBudget(cores: 2)
        #expect(budget.reserve(upTo: 2) == 2)
        budget.lend()
        #expect(budget.available == 1)
        #expect(budget.reserve(upTo: 2) == 1, "a new job gets its one guaranteed worker, not the lent core")
        budget.release(1)
        // The loop gives back before the worker reclaims.
        #expect(budget.borrow(upTo: 4) == 1 && budget.available == 0)
        budget.giveBack(1)
        #expect(budget.available == 1)
        budget.reclaim()
        #expect(budget.available == 0)
        // The worker reclaims while the loop still holds the core: oversubscribed until the loop ends.
        budget.lend()
        #expect(budget.borrow(upTo: 1) == 1)
        budget.reclaim()
        #expect(budget.available == 0 && budget.reserve(upTo: 1) == 1)
        budget.release(1)
        budget.giveBack(1)
        #expect(budget.available == 0, "every core is back with the first job's workers")
        budget.release(2)
        #expect(budget.available == 2)
    }

    /// Every index runs once, the borrowed cores come back, and no more threads run at once than
    /// the calling one plus the free cores.
    @Test(arguments: [1, 2, 4])
    func forEachRunsEveryIndexOnceWithinTheFreeCores(cores: Int) {
        let budget = CPUBudget(cores: cores)
        let seen = Mutex([Int](repeating: 0, count: 97))
        let running = Atomic<Int>(0), peak = Atomic<Int>(0)
        budget.forEach(97) { i in
            let now = running.add(1, ordering: .relaxed).newValue
            _ = peak.max(now, ordering: .relaxed)
            usleep(200)
            seen.withLock { $0[i] += 1 }
            running.subtract(1, ordering: .relaxed)
        }
        #expect(seen.withLock { $0 } == [Int](repeating: 1, count: 97))
        #expect(peak.load(ordering: .relaxed) <= cores + 1)
        #expect(budget.available == cores)
    }

    @Test func parallelTreePredictionsEqualSerialOnes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/zoo/wine.xgboost.json")
        let model = try XGBoostFormat.load(bytes: [UInt8](try Data(contentsOf: url)), path: "wine.xgboost.json")
        let n = 20_000, k = model.features.count
        var rng = SystemRandomNumberGenerator()
        let values = (0 ..< n * k).map { i in i % 97 == 0 ? Double.nan : Double.random(in: 0 ... 100, using: &rng) }
        let x = FeatureMatrix(rows: n, featureNames: model.features, values: values)
        let serial = try model.predict(x)
        let busy = CPUBudget(cores: 4)
        _ = busy.reserve(upTo: 4)  // every core taken: the split parts run on the calling thread
        for cores in [CPUBudget(cores: 4), busy] {
            let parallel = try model.sharingCores(cores).predict(x)
            #expect(serial.probabilities == parallel.probabilities)
            #expect(serial.classIndex == parallel.classIndex)
        }
    }
}
