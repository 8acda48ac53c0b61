import ScoreCore

/// Gradient-boosted trees or a random forest, flattened into struct-of-arrays node tables and
/// evaluated a block of rows at a time (see `TreeEnsemble+Evaluation.swift`).
///
/// Loaders (`TreeEnsembleFormat`, `XGBoostFormat`, `LightGBMFormat`) describe each tree as a
/// `TreeEnsemble.Tree` and the initializer checks and flattens them, so every loader gets the same
/// bounds, cycle and consistency checks.
public struct TreeEnsemble: ScoringModel {
    /// How a split compares the feature with its threshold; `x` goes left when the comparison holds.
    public enum Comparison: String, Sendable, CaseIterable {
        /// `x < threshold` (XGBoost).
        case lt
        /// `x <= threshold` (scikit-learn, LightGBM).
        case le
    }

    /// The precision features are compared in.
    public enum FeaturePrecision: String, Sendable, CaseIterable {
        /// The feature is rounded to float32 first. With `lt` the threshold is rounded to float32 too
        /// (XGBoost stores float32 thresholds); with `le` it is kept as written (scikit-learn compares
        /// its float32 copy of X with float64 thresholds).
        case float32
        /// Doubles compared with double thresholds (LightGBM, HistGradientBoosting).
        case float64
    }

    /// How the trees' outputs combine.
    public enum Aggregation: String, Sendable, CaseIterable {
        /// Boosting: each tree adds its leaf value to its output, starting from `baseScore`.
        case sum
        /// Forests: each output is the mean over the trees that contribute to it, then `baseScore` is added.
        case mean
    }

    /// The transform from aggregated margins to predictions.
    public enum Link: String, Sendable, CaseIterable {
        /// Regression values, or class probabilities already (forests).
        case identity
        /// Binary classification: P(class 1) = 1 / (1 + exp(-margin)).
        case logistic
        /// Multi-class classification: softmax over the outputs.
        case softmax
    }

    /// Which input values follow a split's default direction (LightGBM's missing types).
    public enum MissingMode: String, Sendable, CaseIterable {
        /// NaN goes the default direction (XGBoost, scikit-learn, LightGBM `NaN`).
        case nan
        /// NaN is read as 0, and 0 (|x| <= 1e-35) goes the default direction (LightGBM `Zero`).
        case zero
        /// NaN is read as 0 and compared like any value (LightGBM `None`).
        case none
    }

    /// The precision leaf values are summed in, matching the library that trained the model.
    public enum Accumulation: String, Sendable {
        /// float32 running sums starting from the base score (XGBoost's predictor).
        case float32
        /// float64 (LightGBM, scikit-learn).
        case float64
    }

    /// One tree as a loader read it: parallel arrays indexed by node, node 0 the root.
    public struct Tree: Sendable {
        /// How messages name this tree (`trees[3]`, `Tree=3`).
        public var name: String
        /// The output the leaf values add to (ignored when leaves carry a vector per node).
        public var output: Int
        /// Split feature per node (index into `features`; ignored for leaves).
        public var feature: [Int]
        /// Split threshold per node.
        public var threshold: [Double]
        /// Left child per node; -1 marks a leaf.
        public var left: [Int]
        /// Right child per node; -1 for leaves.
        public var right: [Int]
        /// Where missing values go at each node.
        public var defaultLeft: [Bool]
        /// How each node decides that a value is missing.
        public var missing: [MissingMode]
        /// Leaf values: one per node, or `valueWidth` per node (row-major) for per-class vectors.
        public var values: [Double]

        /// Creates a tree; `missing` defaults to `.nan` everywhere.
        public init(name: String, output: Int, feature: [Int], threshold: [Double], left: [Int], right: [Int],
                    defaultLeft: [Bool], missing: [MissingMode]? = nil, values: [Double]) {
            self.name = name
            self.output = output
            self.feature = feature
            self.threshold = threshold
            self.left = left
            self.right = right
            self.defaultLeft = defaultLeft
            self.missing = missing ?? Array(repeating: .nan, count: feature.count)
            self.values = values
        }
    }

    /// Input column names, in the order split features index them.
    public let features: [String]
    /// Regression or classification over `classes`.
    public let task: ModelTask
    /// `lt` or `le`.
    public let comparison: Comparison
    /// float32 or float64 comparisons.
    public let featurePrecision: FeaturePrecision
    /// `sum` or `mean`.
    public let aggregation: Aggregation
    /// The output transform.
    public let link: Link
    /// The number of margins per row (1 for regression and binary, one per class otherwise).
    public let outputs: Int
    /// Added to each output's margin (before the trees for `sum`, after averaging for `mean`).
    public let baseScore: [Double]
    /// Summation precision of leaf values.
    public let accumulation: Accumulation
    /// 1 when each tree adds one value to its output; `outputs` when every leaf holds a vector.
    public let valueWidth: Int
    /// Where the model came from (`XGBoost binary:logistic`), for `summary`.
    public let origin: String

    // Flattened nodes of all trees. Leaves loop to themselves (left = right = self, feature 0), so a
    // tree is walked a fixed number of steps (its depth) without a leaf test.
    let nodeFeature: [Int32]
    let nodeThreshold: [Double]
    /// `feature * blockRows`: where the node's feature starts in a block's copy of the rows.
    let nodeColumnOffset: [Int32]
    /// `[left, right]` per node, so the next node is one load at `2 * node + goesRight`, no branch.
    let nodeChildren: [Int32]
    /// Bit 0: NaN goes left; bit 1: zero-mode node; bit 2: zero goes left.
    let nodeFlags: [UInt8]
    /// `valueWidth` values per node (float64 and float32 copies).
    let leafValues: [Double]
    let leafValues32: [Float]
    let treeRoot: [Int32]
    let treeDepth: [Int32]
    let treeOutput: [Int32]
    /// Per output: how many trees add to it (the divisor for `mean`).
    let treesPerOutput: [Int]

    /// Missing values (NaN) are meaningful to trees: they follow each split's default direction.
    /// The job's cores, when it lent them (`sharingCores`): large batches are then split over the
    /// free ones. Nil scores on the calling thread.
    var cores: CPUBudget?

    public var acceptsMissing: Bool { true }
    /// The number of trees.
    public var treeCount: Int { treeRoot.count }
    /// The number of nodes over all trees.
    public var nodeCount: Int { nodeFeature.count }
    /// The deepest tree's depth (a lone leaf has depth 0).
    public var maxDepth: Int { Int(treeDepth.max() ?? 0) }

    /// Most nodes a model may have in all; a file claiming more is refused before allocating.
    public static let maxTotalNodes = 64 << 20

    /// `tree ensemble (XGBoost binary:logistic), 100 trees, max depth 6, 4 features, classes [0, 1]`.
    public var summary: String {
        var s = "tree ensemble (\(origin)), \(treeCount) trees, max depth \(maxDepth), \(features.count) features"
        if case .classification(let classes) = task { s += ", classes [\(classes.map(\.description).joined(separator: ", "))]" }
        return s
    }
}
