import Foundation
import ScoreCore
import ScoreLinalg

extension TreeEnsemble {
    /// Rows walked together: their features (column-major, `blockRows × features` doubles) stay in
    /// L1 while every tree passes over them, and independent rows keep the CPU's pipelines full.
    static let blockRows = 256
    /// LightGBM's kZeroThreshold (a float 1e-35 widened to double).
    static let zeroThreshold = Double(Float(1e-35))

    /// This ensemble, splitting large batches over the free cores of `cores`.
    public func sharingCores(_ cores: CPUBudget) -> any ScoringModel {
        var copy = self
        copy.cores = cores
        return copy
    }

    /// Scores every row; NaN features are missing values and follow each split's default direction.
    public func predict(_ input: consuming FeatureMatrix) throws -> Predictions {
        let n = input.rows, k = features.count
        precondition(input.columns == k, "feature matrix has \(input.columns) columns, model takes \(k)")
        guard n > 0 else { return Predictions(rows: 0) }
        let x = (consume input).values
        var margins = [Double](repeating: 0, count: n * outputs)
        // Rows are independent, so large inputs are split across the cores the job's budget has
        // free; each part writes its own rows of `margins` (disjoint indices), so the parts never
        // touch the same memory, and the bytes do not depend on how many cores took part.
        let parts = cores.map { CPUBudget.parts(rows: n, maxParts: $0.cores, minimumRows: 4 * Self.blockRows) } ?? [0 ..< n]
        x.withUnsafeBufferPointer { xp in
            margins.withUnsafeMutableBufferPointer { mp in
                nonisolated(unsafe) let input = xp, output = mp
                let work: (Range<Int>) -> Void = { range in
                    switch (self.comparison, self.accumulation) {
                    case (.lt, .float32): self.accumulate(input, rows: n, range: range, into: output, lessThan: true, float32: true)
                    case (.lt, .float64): self.accumulate(input, rows: n, range: range, into: output, lessThan: true, float32: false)
                    case (.le, .float32): self.accumulate(input, rows: n, range: range, into: output, lessThan: false, float32: true)
                    case (.le, .float64): self.accumulate(input, rows: n, range: range, into: output, lessThan: false, float32: false)
                    }
                }
                if let cores, parts.count > 1 {
                    cores.forEach(parts.count) { work(parts[$0]) }
                } else {
                    work(0 ..< n)
                }
            }
        }
        return finish(margins, rows: n)
    }

    /// Adds every tree's leaf values into `out` (`out[j * rows + r]`), block by block, and applies the
    /// aggregation and base score. `lessThan` and `float32` are constants at each call site, so the
    /// inlined loops specialize on them.
    @inline(__always)
    private func accumulate(_ x: UnsafeBufferPointer<Double>, rows n: Int, range: Range<Int>,
                            into out: UnsafeMutableBufferPointer<Double>, lessThan: Bool, float32: Bool) {
        let block = Self.blockRows
        let zero = Self.zeroThreshold
        let useMean = aggregation == .mean
        let width = valueWidth
        let featureCount = features.count
        let hasZeroMode = nodeFlags.contains { $0 & 2 != 0 }
        var index = [Int32](repeating: 0, count: block)
        var acc32 = [Float](repeating: 0, count: float32 ? block * outputs : 0)
        var local = [Double](repeating: 0, count: featureCount * block)
        let round32 = featurePrecision == .float32
        nodeColumnOffset.withUnsafeBufferPointer { feature in
        nodeThreshold.withUnsafeBufferPointer { threshold in
        nodeChildren.withUnsafeBufferPointer { children in
        nodeFlags.withUnsafeBufferPointer { flags in
        leafValues.withUnsafeBufferPointer { leaf in
        leafValues32.withUnsafeBufferPointer { leaf32 in
        local.withUnsafeMutableBufferPointer { rowBase in
        index.withUnsafeMutableBufferPointer { idx in
        acc32.withUnsafeMutableBufferPointer { acc in
            let xb = x.baseAddress!
            var start = range.lowerBound
            while start < range.upperBound {
                let b = min(block, range.upperBound - start)
                // Boosting starts from the base score so the running sum rounds as the library's does.
                for j in 0 ..< outputs {
                    let initial = useMean ? 0 : baseScore[j]
                    if float32 {
                        for i in 0 ..< b { acc[j * block + i] = Float(initial) }
                    } else {
                        for i in 0 ..< b { out[j * n + start + i] = initial }
                    }
                }
                // Copy the block's rows (stride `block`, so a node's column offset is fixed), rounding
                // to float32 once per value rather than once per comparison, and note any NaN: the
                // common case, no NaN and no zero-mode node, takes a lighter loop.
                var sawNaN = false
                for c in 0 ..< featureCount {
                    let src = xb + (c &* n &+ start), dst = rowBase.baseAddress! + c &* block
                    for i in 0 ..< b {
                        let v = round32 ? Double(Float(src[i])) : src[i]
                        sawNaN = sawNaN || v.isNaN
                        dst[i] = v
                    }
                }
                let plain = !hasZeroMode && !sawNaN
                for t in 0 ..< treeRoot.count {
                    let root = treeRoot[t]
                    for i in 0 ..< b { idx[i] = root }
                    for _ in 0 ..< treeDepth[t] {
                        if plain {
                            // No NaN in this block and no zero-mode node: only the comparison matters.
                            for i in 0 ..< b {
                                let node = Int(idx[i])
                                let v = rowBase[Int(feature[node]) &+ i]
                                let below = (lessThan ? v < threshold[node] : v <= threshold[node]) ? 1 : 0
                                idx[i] = children[2 &* node &+ 1 &- below]
                            }
                            continue
                        }
                        for i in 0 ..< b {
                            let node = Int(idx[i])
                            let v = rowBase[Int(feature[node]) &+ i]
                            let th = threshold[node]
                            let fl = flags[node]
                            // Branch-free: the comparison's outcome is data-random, a branch on it
                            // would mispredict half the time. NaN compares false, so it goes left
                            // only when bit 0 says so.
                            let below: UInt8 = (lessThan ? v < th : v <= th) ? 1 : 0
                            let nan: UInt8 = v.isNaN ? 1 : 0
                            var goLeft = below | (nan & fl)
                            if fl & 2 != 0, v.magnitude <= zero { goLeft = (fl >> 2) & 1 }
                            idx[i] = children[2 &* node &+ Int(1 &- goLeft)]
                        }
                    }
                    if width == 1 {
                        let o = Int(treeOutput[t])
                        if float32 {
                            for i in 0 ..< b { acc[o * block + i] += leaf32[Int(idx[i])] }
                        } else {
                            let dst = out.baseAddress! + o * n + start
                            for i in 0 ..< b { dst[i] += leaf[Int(idx[i])] }
                        }
                    } else {
                        for i in 0 ..< b {
                            let v = Int(idx[i]) * width
                            for j in 0 ..< width {
                                if float32 { acc[j * block + i] += leaf32[v + j] } else { out[j * n + start + i] += leaf[v + j] }
                            }
                        }
                    }
                }
                if float32 {
                    for j in 0 ..< outputs { for i in 0 ..< b { out[j * n + start + i] = Double(acc[j * block + i]) } }
                }
                if useMean {
                    for j in 0 ..< outputs {
                        let count = Double(max(treesPerOutput[j], 1))
                        for i in 0 ..< b { out[j * n + start + i] = out[j * n + start + i] / count + baseScore[j] }
                    }
                }
                start += b
            }
        }}}}}}}}}
    }

    /// Applies the link and forms `Predictions` like the linear models do.
    private func finish(_ margins: consuming [Double], rows n: Int) -> Predictions {
        guard case .classification(let classes) = task else { return Predictions(rows: n, values: margins) }
        var z = margins
        if outputs == 1 {
            // Binary: P(class 1) from the single margin; P(class 0) = 1 - P(class 1) as the libraries form it.
            var proba = [Double](repeating: 0, count: 2 * n)
            var classIndex = [Int](repeating: 0, count: n)
            for r in 0 ..< n {
                let p1 = link == .logistic ? VectorOps.sigmoid(z[r]) : z[r]
                proba[r] = 1 - p1
                proba[n + r] = p1
                classIndex[r] = p1 > proba[r] ? 1 : 0
            }
            return Predictions(rows: n, classIndex: classIndex, probabilities: proba)
        }
        let c = classes.count
        if link == .softmax { z.withUnsafeMutableBufferPointer { VectorOps.softmaxRows($0, rows: n, classes: c) } }
        let classIndex = z.withUnsafeBufferPointer { VectorOps.argmaxRows($0, rows: n, classes: c) }
        return Predictions(rows: n, classIndex: classIndex, probabilities: z)
    }
}
