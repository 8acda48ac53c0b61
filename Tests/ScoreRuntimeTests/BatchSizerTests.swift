import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

// MARK: - 5. BatchSizer

extension EngineTests {
    @Suite struct BatchSizerTests {
        static func isPowerOfTwo(_ n: Int) -> Bool { n > 0 && n & (n - 1) == 0 }

        @Test func aFixedSizeStaysFixed() {
            for fixed in [1, 7, 1000, 100_000] {
                let sizer = BatchSizer(fixed: fixed, inFlight: 8)
                #expect(!sizer.isAdaptive)
                let observations: [(seconds: Double, bytes: Int)] = [(10.0, 1 << 30), (1e-9, 1), (0.005, 4096)]
                for (seconds, bytes) in observations {
                    sizer.observe(rows: fixed, seconds: seconds, bytes: bytes)
                    #expect(sizer.rows == fixed)
                }
            }
        }

        // The range and the start, whatever their values (they are tuned): powers of two, in order.
        static let floor = BatchSizer.rowRange.lowerBound, ceiling = BatchSizer.rowRange.upperBound

        @Test func theRangeAndTheStartArePowersOfTwo() {
            #expect(Self.isPowerOfTwo(Self.floor) && Self.isPowerOfTwo(Self.ceiling) && Self.floor < Self.ceiling)
            #expect(Self.isPowerOfTwo(BatchSizer.initialRows) && BatchSizer.rowRange.contains(BatchSizer.initialRows))
        }

        @Test func autoStartsAtTheInitialSizeAndMovesTowardTheTimeTarget() {
            let slow = BatchSizer(fixed: nil, inFlight: 4)
            #expect(slow.isAdaptive && slow.rows == BatchSizer.initialRows)
            // 1 ms per row: 5 ms is 5 rows, below the range: the floor.
            for _ in 0 ..< 3 { slow.observe(rows: slow.rows, seconds: Double(slow.rows) * 1e-3, bytes: slow.rows * 100) }
            #expect(slow.rows == Self.floor)

            // 50 ns per row: 5 ms is 100,000 rows, above the range: it climbs to the ceiling.
            let fast = BatchSizer(fixed: nil, inFlight: 4)
            var sizes: [Int] = []
            for _ in 0 ..< 20 {
                fast.observe(rows: fast.rows, seconds: Double(fast.rows) * 50e-9, bytes: fast.rows * 10)
                sizes.append(fast.rows)
            }
            #expect(sizes.last == Self.ceiling)
            #expect(sizes == sizes.sorted(), "it moves one way toward the target: \(sizes)")

            // About 0.3 µs per row: 5 ms is ~16,700 rows, so 16384, and it settles there; then the
            // rows get 10 times slower (~1,670 rows): it comes down to 2048 (or the floor).
            let middle = BatchSizer(fixed: nil, inFlight: 4)
            for _ in 0 ..< 20 { middle.observe(rows: middle.rows, seconds: Double(middle.rows) * 0.3e-6, bytes: middle.rows * 10) }
            #expect(middle.rows == 16384)
            for _ in 0 ..< 40 { middle.observe(rows: middle.rows, seconds: Double(middle.rows) * 3e-6, bytes: middle.rows * 10) }
            #expect(middle.rows == max(2048, Self.floor))

            // An empty batch tells nothing.
            let empty = BatchSizer(fixed: nil, inFlight: 4)
            empty.observe(rows: 0, seconds: 1, bytes: 0)
            #expect(empty.rows == BatchSizer.initialRows)
        }

        @Test func sizesArePowersOfTwoInTheRange() {
            var seconds = 1e-10
            while seconds < 1 {
                var bytes = 0.0
                while bytes < 1e8 {
                    for inFlight in [1, 2, 8, 64] {
                        let n = BatchSizer.size(secondsPerRow: seconds, bytesPerRow: bytes, inFlight: inFlight)
                        #expect(Self.isPowerOfTwo(n) && BatchSizer.rowRange.contains(n),
                                "size(\(seconds), \(bytes), \(inFlight)) = \(n)")
                    }
                    bytes = bytes == 0 ? 1 : bytes * 3.7
                }
                seconds *= 2.9
            }
            #expect(BatchSizer.size(secondsPerRow: 0, bytesPerRow: 0, inFlight: 4) == Self.ceiling)
            #expect(BatchSizer.size(secondsPerRow: 1, bytesPerRow: 1e9, inFlight: 4) == Self.floor, "the floor wins over everything")
        }

        @Test func theMemoryCapLowersTheSize() {
            // Fast rows want the ceiling; 1 KiB rows × 8 in flight allow 4096 in 32 MiB.
            #expect(BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: 1024, inFlight: 8) == max(4096, Self.floor))
            #expect(BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: 256, inFlight: 8) == 16384)
            #expect(BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: 256, inFlight: 2) == min(65536, Self.ceiling))
            // Through observe: 4 KiB rows, 8 in flight (1024 rows fit) pull a fast job down.
            let sizer = BatchSizer(fixed: nil, inFlight: 8)
            for _ in 0 ..< 10 { sizer.observe(rows: sizer.rows, seconds: Double(sizer.rows) * 1e-9, bytes: sizer.rows * 4096) }
            #expect(sizer.rows == max(1024, Self.floor))
        }

        /// Whenever the memory budget allows at least the floor, the chosen size keeps the batches in
        /// flight within it ("while in-flight batches stay under 32 MiB together"; `size` says it rounds
        /// "without exceeding the memory cap's floor").
        @Test
        func theChosenSizeNeverExceedsTheMemoryCap() {
            // Fast rows (the time target wants the ceiling), 4600 bytes each, one batch in flight: the
            // cap is 7294 rows, so 4096 is the largest power of two within it; 8192 is 37.7 MB.
            #expect(BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: 4600, inFlight: 1) == 4096)
            for inFlight in [1, 2, 4, 8, 16] {
                var bytes = 1.0
                while bytes < 1e5 {
                    let cap = Double(BatchSizer.memoryBudget) / (Double(inFlight) * bytes)
                    if cap >= Double(BatchSizer.rowRange.lowerBound) {
                        let n = BatchSizer.size(secondsPerRow: 1e-9, bytesPerRow: bytes, inFlight: inFlight)
                        if Double(n) * bytes * Double(inFlight) > Double(BatchSizer.memoryBudget) {
                            Issue.record("\(n) rows × \(bytes) B × \(inFlight) in flight > 32 MiB (cap \(Int(cap)) rows)")
                            break
                        }
                    }
                    bytes *= 1.13
                }
            }
        }
    }
}
