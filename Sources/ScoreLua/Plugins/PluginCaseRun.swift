import ScoreCore
import ScoreJobSpec


/// One test case run through the bridge, in each form the script defines.
struct PluginCaseRun {
    let plugin: ResolvedPlugin
    let file: PluginTestFile
    let testCase: PluginTestFile.Case
    let columnTypes: [String: ColumnType]

    /// What one form of the hook made of the row.
    enum Observation {
        case outputs([(key: String, value: ConfigValue)])
        case accepted
        case rejected(LuaHookState.Outcome, String)
    }

    /// Nil when the case passes; else the lines of its diff.
    func failure() -> [String]? {
        let manifest = plugin.manifest
        let definition: HookDefinition
        let batch: Batch
        do {
            // File params over the manifest's defaults, then the case's over the file's.
            var params = file.params
            for (key, value) in testCase.params {
                params.removeAll { $0.key == key }
                params.append((key, value))
            }
            let checked = try PluginResolver.checkParams(params, manifest: manifest, at: testCase.location, keyPath: "params")
            let outputs = manifest.kind == .features ? try PluginResolver.outputs(of: manifest, params: checked) : Schema([])
            definition = HookDefinition(name: manifest.name, source: plugin.source, chunkName: "@\(manifest.name)/\(manifest.entry)",
                                        moduleRoot: plugin.folder, outputs: outputs, params: checked)
            batch = try makeBatch()
        } catch let error as JobSpecErrors {
            return error.errors.map { "error: \($0.keyPath.isEmpty ? "" : "\($0.keyPath): ")\($0.message)\($0.hint.map { " (\($0))" } ?? "")" }
        } catch {
            return ["error: \(error)"]
        }

        var runs: [(form: String, observation: Observation)] = []
        for (form, columnar) in forms(definition) {
            do {
                runs.append((form, try observe(definition, batch, columnar: columnar)))
            } catch {
                return ["error: \(form) form: \(error)"]
            }
        }
        guard !runs.isEmpty else { return ["error: the script defines no \(manifest.kind == .features ? "features" : "validate") hook"] }
        var lines: [String] = []
        for run in runs {
            if let diff = compare(run.observation) {
                if runs.count > 1 { lines.append("\(run.form) form:") }
                lines += diff
            }
        }
        if lines.isEmpty, runs.count == 2, let disagreement = Self.disagreement(runs[0].observation, runs[1].observation) {
            lines = ["the per-row and columnar forms disagree:", "  per-row:  \(disagreement.0)", "  columnar: \(disagreement.1)"]
        }
        return lines.isEmpty ? nil : lines
    }

    /// The forms the script defines, per-row first: (label, columnar).
    private func forms(_ definition: HookDefinition) -> [(String, Bool)] {
        guard let probe = try? LuaHookState(definition) else { return [("per-row", false)] }  // the error shows when it runs
        let (row, batch): (LuaHookState.Hooks, LuaHookState.Hooks) =
            plugin.manifest.kind == .features ? (.features, .featuresBatch) : (.validate, .validateBatch)
        var out: [(String, Bool)] = []
        if probe.hooks.contains(row) { out.append(("per-row", false)) }
        if probe.hooks.contains(batch) { out.append(("columnar", true)) }
        return out
    }

    /// Runs one form in a fresh state, so one form's `init` or leftovers never affect the other.
    private func observe(_ definition: HookDefinition, _ batch: Batch, columnar: Bool) throws -> Observation {
        let state = try LuaHookState(definition)
        if plugin.manifest.kind == .validator {
            let result = state.validate(batch, columnar: columnar)
            return result.outcomes[0] == .ok ? .accepted : .rejected(result.outcomes[0], result.message(0))
        }
        let (columns, result) = state.features(batch, columnar: columnar)
        guard result.outcomes[0] == .ok else { return .rejected(result.outcomes[0], result.message(0)) }
        return .outputs(columns.map { ($0.name, Self.value(of: $0, at: 0)) })
    }

    /// The case's row as a one-row batch; the row's "input line" is the case's line in the test file.
    private func makeBatch() throws -> Batch {
        var columns: [Column] = []
        for (key, value) in testCase.row {
            guard let type = value == .null ? (columnTypes[key] ?? .float64) : Self.columnType(of: value) else {
                throw JobSpecErrors([JobSpecError(at: testCase.location, "row.\(key)",
                                                  "a cell holds a number, text, a boolean or null, got \(value)")])
            }
            var nulls = NullBitmap()
            nulls.append(isNull: value == .null)
            let data: ColumnData = switch (type, value) {
            case (.int64, .int(let i)): .int64([Int64(i)])
            case (.float64, _): .float64([value.doubleValue ?? 0])
            case (.string, .string(let s)): .string(StringColumn([s]))
            case (.string, _): .string(StringColumn([""]))
            case (.bool, .bool(let b)): .bool([b])
            case (.bool, _): .bool([false])
            case (.int64, _): .int64([0])
            }
            columns.append(Column(name: key, data: data, nulls: value == .null ? nulls : nil))
        }
        var origins = RowOrigins()
        origins.append(line: testCase.location?.line ?? 1, record: "")
        return Batch(columns: columns, origins: origins)
    }

    /// A YAML value's column type; nil for null, lists and maps.
    static func columnType(of value: ConfigValue) -> ColumnType? {
        switch value {
        case .int, .count: .int64
        case .float, .percent: .float64
        case .string: .string
        case .bool: .bool
        default: nil
        }
    }

    /// One cell as a config value (null for a null cell).
    static func value(of column: Column, at row: Int) -> ConfigValue {
        if column.isNull(row) { return .null }
        switch column.data {
        case .float64(let v): return .float(v[row])
        case .int64(let v): return .int(Int(v[row]))
        case .string(let s): return .string(s[row])
        case .bool(let v): return .bool(v[row])
        }
    }
}
