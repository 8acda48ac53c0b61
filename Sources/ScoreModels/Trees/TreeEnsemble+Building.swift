import ScoreCore

extension TreeEnsemble {
    /// Checks the trees and flattens them. Every index read from a file is bounds-checked here, and
    /// a child reached twice (a cycle, a self-loop, a shared node) is refused, so evaluation never
    /// needs a check.
    /// - Parameters:
    ///   - file: the model file's path, for errors.
    ///   - classes: the class labels for classification (ignored when `task` is regression).
    ///   - valueWidth: 1 (each tree adds to `tree.output`) or `outputs` (every node holds a vector).
    /// - Throws: `ModelError` naming the file, the tree and the node.
    public init(file: String, origin: String, features: [String], classes: [ClassLabel]?, comparison: Comparison,
                featurePrecision: FeaturePrecision, aggregation: Aggregation, link: Link, outputs: Int,
                baseScore: [Double], accumulation: Accumulation, valueWidth: Int, trees: [Tree]) throws(ModelError) {
        func fail(_ message: String) -> ModelError { ModelError(.malformed, file: file, message) }
        guard !features.isEmpty else { throw fail("the model has no features") }
        guard features.count <= Int(Int32.max) / Self.blockRows else { throw fail("too many features (\(features.count))") }
        guard !trees.isEmpty else { throw fail("the model has no trees") }
        guard outputs >= 1 else { throw fail("the model has \(outputs) outputs") }
        guard valueWidth == 1 || valueWidth == outputs else {
            throw fail("leaf vectors have \(valueWidth) values, expected 1 or \(outputs) (one per output)")
        }
        guard baseScore.count == outputs else {
            throw fail("base_score has \(baseScore.count) values, expected \(outputs) (one per output)")
        }
        guard baseScore.allSatisfy(\.isFinite) else { throw fail("base_score must be finite numbers") }
        if let classes {
            switch link {
            case .logistic:
                guard classes.count == 2, outputs == 1 else {
                    throw fail("a logistic link needs 2 classes and 1 output (found \(classes.count) classes, \(outputs) outputs)")
                }
            case .softmax:
                guard classes.count >= 2, outputs == classes.count else {
                    throw fail("a softmax link needs one output per class (found \(classes.count) classes, \(outputs) outputs)")
                }
            case .identity:
                guard classes.count >= 2, outputs == classes.count || (classes.count == 2 && outputs == 1) else {
                    throw fail("class probabilities need one output per class (found \(classes.count) classes, \(outputs) outputs)")
                }
            }
            task = .classification(classes: classes)
        } else {
            guard outputs == 1, link == .identity else {
                throw fail("a regression model has one output and the identity link (found \(outputs) outputs, link \(link.rawValue))")
            }
            task = .regression
        }

        var total = 0
        for tree in trees {
            total += tree.feature.count
            guard total <= Self.maxTotalNodes else { throw fail("more than \(Self.maxTotalNodes) nodes in all") }
        }
        var feature = [Int32](), threshold = [Double](), left = [Int32](), right = [Int32](), flags = [UInt8]()
        var values = [Double]()
        feature.reserveCapacity(total); threshold.reserveCapacity(total); left.reserveCapacity(total)
        right.reserveCapacity(total); flags.reserveCapacity(total); values.reserveCapacity(total * valueWidth)
        var roots = [Int32](), depths = [Int32](), treeOutputs = [Int32]()
        var perOutput = [Int](repeating: 0, count: outputs)

        for tree in trees {
            let depth = try Self.check(tree, file: file, featureCount: features.count, valueWidth: valueWidth, outputs: outputs)
            let base = feature.count
            roots.append(Int32(base))
            depths.append(Int32(depth))
            treeOutputs.append(Int32(valueWidth == 1 ? tree.output : 0))
            if valueWidth == 1 { perOutput[tree.output] += 1 } else { for j in 0 ..< outputs { perOutput[j] += 1 } }
            for i in 0 ..< tree.feature.count {
                guard tree.left[i] >= 0 else {
                    // A leaf loops to itself: feature 0 and threshold 0 are read but change nothing.
                    feature.append(0); threshold.append(0)
                    left.append(Int32(base + i)); right.append(Int32(base + i)); flags.append(0)
                    continue
                }
                let t = tree.threshold[i]
                let stored = comparison == .lt && featurePrecision == .float32 ? Double(Float(t)) : t
                feature.append(Int32(tree.feature[i]))
                threshold.append(stored)
                left.append(Int32(base + tree.left[i]))
                right.append(Int32(base + tree.right[i]))
                let defaultLeft = tree.defaultLeft[i]
                let zeroGoesLeft: Bool = comparison == .le ? 0 <= stored : 0 < stored
                var f: UInt8
                switch tree.missing[i] {
                case .nan: f = defaultLeft ? 1 : 0
                case .none: f = zeroGoesLeft ? 1 : 0
                case .zero: f = (defaultLeft ? 1 : 0) | 2 | (defaultLeft ? 4 : 0)
                }
                flags.append(f)
            }
            values.append(contentsOf: tree.values)
        }
        self.features = features
        self.comparison = comparison
        self.featurePrecision = featurePrecision
        self.aggregation = aggregation
        self.link = link
        self.outputs = outputs
        self.baseScore = baseScore
        self.accumulation = accumulation
        self.valueWidth = valueWidth
        self.origin = origin
        nodeFeature = feature
        nodeColumnOffset = feature.map { $0 * Int32(Self.blockRows) }
        nodeThreshold = threshold
        var children = [Int32](repeating: 0, count: 2 * left.count)
        for i in left.indices {
            children[2 * i] = left[i]
            children[2 * i + 1] = right[i]
        }
        nodeChildren = children
        nodeFlags = flags
        leafValues = values
        leafValues32 = values.map { Float($0) }
        treeRoot = roots
        treeDepth = depths
        treeOutput = treeOutputs
        treesPerOutput = perOutput
    }

    /// Checks one tree's arrays and shape; returns its depth.
    static func check(_ tree: Tree, file: String, featureCount: Int, valueWidth: Int, outputs: Int) throws(ModelError) -> Int {
        func fail(_ message: String) -> ModelError { ModelError(.malformed, file: file, "\(tree.name): \(message)") }
        let n = tree.feature.count
        guard n > 0 else { throw fail("has no nodes") }
        for (name, count) in [("threshold", tree.threshold.count), ("left", tree.left.count), ("right", tree.right.count),
                              ("default_left", tree.defaultLeft.count), ("missing", tree.missing.count)] where count != n {
            throw fail("\(name) has \(count) entries, expected \(n) (one per node)")
        }
        guard tree.values.count == n * valueWidth else {
            throw fail("has \(tree.values.count) leaf values, expected \(n * valueWidth) (\(valueWidth) per node)")
        }
        if valueWidth == 1, !(0 ..< outputs).contains(tree.output) {
            throw fail("output \(tree.output) is out of range (the model has \(outputs) outputs)")
        }
        // Depth-first from the root; a node seen twice means a cycle or a shared subtree.
        var seen = [Bool](repeating: false, count: n)
        var stack: [(node: Int, depth: Int)] = [(0, 0)]
        seen[0] = true
        var maxDepth = 0
        while let (i, depth) = stack.popLast() {
            maxDepth = max(maxDepth, depth)
            let l = tree.left[i], r = tree.right[i]
            if l == -1 {
                guard r == -1 else { throw fail("node \(i) is a leaf (left = -1) but has right child \(r)") }
                for j in 0 ..< valueWidth where !tree.values[i * valueWidth + j].isFinite {
                    throw fail("leaf \(i) has a value that is not a finite number")
                }
                continue
            }
            for (side, c) in [("left", l), ("right", r)] {
                guard c >= 0, c < n else { throw fail("node \(i)'s \(side) child \(c) is out of range (the tree has \(n) nodes)") }
                guard !seen[c] else {
                    throw fail(c == i ? "node \(i) is its own \(side) child" : "node \(c) is reached twice (a cycle or a shared node), via node \(i)")
                }
                seen[c] = true
                stack.append((c, depth + 1))
            }
            let f = tree.feature[i]
            guard f >= 0, f < featureCount else {
                throw fail("node \(i) splits on feature \(f), out of range (the model has \(featureCount) features)")
            }
            guard !tree.threshold[i].isNaN else { throw fail("node \(i) has a NaN threshold") }
        }
        return maxDepth
    }
}
