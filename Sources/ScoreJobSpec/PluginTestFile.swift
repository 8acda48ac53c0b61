import ScoreCore

/// One file of a plugin's `tests/`: params shared by its cases, and the cases.
public struct PluginTestFile: Sendable {
    /// One case: an input row and what the hook should make of it.
    public struct Case: Sendable {
        /// What a case expects.
        public enum Expectation: Sendable {
            /// A features plugin's outputs (only the columns listed are compared).
            case outputs([(key: String, value: ConfigValue)])
            /// A validator accepts the row (`expect: true`).
            case accepted
            /// A validator refuses the row; the reason contains the text (`expect: "underage"`), or any reason (`expect: false`).
            case refused(String?)
            /// The row is rejected for any reason (a hook error, a bad output, a refusal) containing the text.
            case error(String)
        }

        /// The case's name, or `case N` when it has none.
        public var name: String
        /// Where the case starts in the file.
        public var location: SourceLocation?
        /// Params that override the file's for this case.
        public var params: [(key: String, value: ConfigValue)]
        /// The input row, in the order written.
        public var row: [(key: String, value: ConfigValue)]
        /// What should happen.
        public var expectation: Expectation
    }

    /// The file's path.
    public var file: String
    /// Params merged over the manifest's defaults for every case.
    public var params: [(key: String, value: ConfigValue)]
    /// The cases, in file order.
    public var cases: [Case]
}

/// Reads a plugin test file with the job spec's checker, so a typo in a test names its line.
public enum PluginTestFileLoader {
    static let caseFields: [ConfigField] = [
        ConfigField("name", .string, doc: "What the case shows."),
        ConfigField("params", .map(.any), default: .map([]), doc: "Params overriding the file's for this case."),
        ConfigField("row", .map(.any), required: true, doc: "The input row: column → value."),
        ConfigField("expect", .any, doc: "Outputs (features), or true / a reason (validators)."),
        ConfigField("expect_error", .string, doc: "The row is rejected with a reason containing this text."),
    ]

    static let fields: [ConfigField] = [
        ConfigField("params", .map(.any), default: .map([]), doc: "Params for every case."),
    ]

    /// Reads and checks one test file.
    /// - Throws: every problem found, sorted by location.
    public static func load(path: String) throws(JobSpecErrors) -> PluginTestFile {
        try load(text: try YAMLFile.read(path, what: "test file"), file: path)
    }

    /// Same, from text.
    public static func load(text: String, file: String) throws(JobSpecErrors) -> PluginTestFile {
        guard let root = try YAMLFile.tree(text, file: file) else {
            throw JobSpecErrors([JobSpecError(at: SourceLocation(file: file, line: 1, column: 1), "", "the test file is empty",
                                              hint: "add 'cases:' with at least one row")])
        }
        var checker = SpecChecker(registry: PluginRegistry())
        let section = checker.section(root, fields: fields, keyPath: "", reservedKeys: ["cases"])
        let caseNodes = root.child("cases")?.items ?? []
        if root.pairs != nil, caseNodes.isEmpty {
            checker.report(root.child("cases")?.location ?? root.location, "cases", "expected a list of cases, each with 'row' and 'expect'")
        }
        var errors = checker.errors
        var cases: [PluginTestFile.Case] = []
        for (i, node) in caseNodes.enumerated() {
            let path = "cases[\(i)]"
            // `row` and `expect` hold cells, which may be .nan or .inf (a spec value may not), so
            // they are read here rather than by the checker.
            let before = checker.errors.count
            var c = checker.section(node, fields: caseFields.filter { !["row", "expect"].contains($0.name) }, keyPath: path,
                                    reservedKeys: ["row", "expect"])
            for key in ["row", "expect"] {
                guard let value = node.child(key) else { continue }
                if let cells = Self.cells(value, keyPath: "\(path).\(key)", errors: &checker.errors) {
                    c.set(key, ConfigSection.Entry(value: cells, location: value.location))
                }
            }
            if node.child("row") == nil { checker.report(node.location, path, "missing required key 'row'") }
            errors += checker.errors[before...]
            guard checker.errors.count == before else { continue }
            let expectation: PluginTestFile.Case.Expectation
            switch (c["expect"], c.string("expect_error")) {
            case (let e?, nil):
                switch e {
                case .map(let outputs): expectation = .outputs(outputs)
                case .bool(true): expectation = .accepted
                case .bool(false): expectation = .refused(nil)
                case .string(let reason): expectation = .refused(reason)
                default:
                    errors.append(JobSpecError(at: c.location(of: "expect"), path + ".expect",
                                               "expected outputs (a mapping), true, or a reason, got \(e)"))
                    continue
                }
            case (nil, let text?): expectation = .error(text)
            case (nil, nil):
                errors.append(JobSpecError(at: c.location, path, "a case needs 'expect' or 'expect_error'"))
                continue
            case (_?, _?):
                errors.append(JobSpecError(at: c.location(of: "expect_error"), path + ".expect_error",
                                           "give 'expect' or 'expect_error', not both"))
                continue
            }
            cases.append(PluginTestFile.Case(name: c.string("name") ?? "case \(i + 1)", location: c.location,
                                             params: c.map("params") ?? [], row: c.map("row") ?? [],
                                             expectation: expectation))
        }
        if !errors.isEmpty { throw JobSpecErrors(JobSpecLoader.sorted(errors, mainFile: file)) }
        return PluginTestFile(file: file, params: section.map("params") ?? [], cases: cases)
    }

    /// A scalar as YAML resolves it (non-finite numbers included), or a mapping of such scalars.
    static func cells(_ node: YAMLNode, keyPath: String, errors: inout [JobSpecError]) -> ConfigValue? {
        if let pairs = node.pairs {
            var out: [(key: String, value: ConfigValue)] = []
            for pair in pairs {
                guard let v = cells(pair.value, keyPath: keyPath.appendingKey(pair.keyText), errors: &errors) else { return nil }
                if case .map = v {
                    errors.append(JobSpecError(at: pair.value.location, keyPath.appendingKey(pair.keyText),
                                               "a cell holds a number, text, a boolean or null"))
                    return nil
                }
                out.append((pair.keyText, v))
            }
            return .map(out)
        }
        switch node.resolved {
        case .null?: return .null
        case .bool(let b)?: return .bool(b)
        case .int(let i)?: return .int(i)
        case .float(let d)?: return .float(d)
        case .string(let s)?: return .string(s)
        case nil:
            errors.append(JobSpecError(at: node.location, keyPath, "expected a mapping of cells or a scalar, got a list"))
            return nil
        }
    }
}
