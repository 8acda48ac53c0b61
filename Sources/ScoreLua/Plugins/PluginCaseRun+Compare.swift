import ScoreCore
import ScoreJobSpec


extension PluginCaseRun {
    /// Nil when `got` meets the case's expectation; else `- expected` / `+ got` lines.
    func compare(_ got: Observation) -> [String]? {
        let kind = plugin.manifest.kind
        switch (testCase.expectation, got) {
        case (.outputs(let expected), .outputs(let outputs)):
            guard kind == .features else { return ["error: a validator's case expects true, false or a reason"] }
            var lines: [String] = []
            for (key, want) in expected {
                guard let have = outputs.first(where: { $0.key == key })?.value else {
                    lines.append("error: '\(key)' is not an output of the plugin (outputs: \(outputs.map(\.key).joined(separator: ", ")))")
                    continue
                }
                if !Self.same(want, have) {
                    lines.append("- expected: \(key) = \(Self.show(want))")
                    lines.append("+ got:      \(key) = \(Self.show(have))")
                }
            }
            return lines.isEmpty ? nil : lines
        case (.accepted, .accepted):
            return nil
        case (.refused(let text), .rejected(let outcome, let message)) where outcome == .rejected:
            return text.map { message.contains($0) } ?? true ? nil
                : ["- expected: rejected, reason containing \"\(text!)\"", "+ got:      rejected: \(message)"]
        case (.error(let text), .rejected(_, let message)):
            return message.contains(text) ? nil
                : ["- expected: rejected, reason containing \"\(text)\"", "+ got:      rejected: \(message)"]
        case (.accepted, _), (.refused, _):
            if kind == .features { return ["error: a features plugin's case expects outputs (a mapping) or expect_error"] }
            return ["- expected: \(Self.show(testCase.expectation))", "+ got:      \(Self.show(got))"]
        default:
            return ["- expected: \(Self.show(testCase.expectation))", "+ got:      \(Self.show(got))"]
        }
    }

    /// When both forms meet the expectation but still differ (an output the case does not list,
    /// a different verdict), what each form did.
    static func disagreement(_ a: Observation, _ b: Observation) -> (String, String)? {
        switch (a, b) {
        case (.outputs(let x), .outputs(let y)):
            let same = x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && Self.same($0.value, $1.value) }
            return same ? nil : (show(a), show(b))
        case (.accepted, .accepted), (.rejected, .rejected): return nil
        default: return (show(a), show(b))
        }
    }

    /// Equal, with numbers equal within 1e-12 relative (ints and floats compare by value).
    static func same(_ a: ConfigValue, _ b: ConfigValue) -> Bool {
        if case .string = a { return a == b }
        if case .string = b { return a == b }
        if let x = a.doubleValue, let y = b.doubleValue {
            if x == y || (x.isNaN && y.isNaN) { return true }
            return abs(x - y) <= 1e-12 * max(abs(x), abs(y))
        }
        return a == b
    }

    static func show(_ value: ConfigValue) -> String {
        switch value {
        case .string(let s): "\"\(s)\""
        case .map(let pairs): "{ " + pairs.map { "\($0.key): \(show($0.value))" }.joined(separator: ", ") + " }"
        default: value.description
        }
    }

    static func show(_ expectation: PluginTestFile.Case.Expectation) -> String {
        switch expectation {
        case .outputs(let pairs): show(.map(pairs))
        case .accepted: "accepted"
        case .refused(let text?): "rejected, reason containing \"\(text)\""
        case .refused(nil): "rejected"
        case .error(let text): "rejected, reason containing \"\(text)\""
        }
    }

    static func show(_ observation: Observation) -> String {
        switch observation {
        case .outputs(let pairs): show(.map(pairs))
        case .accepted: "accepted"
        case .rejected(let outcome, let message):
            outcome == .rejected ? "rejected: \(message)" : "rejected (\(Self.label(outcome))): \(message)"
        }
    }

    static func label(_ outcome: LuaHookState.Outcome) -> String {
        switch outcome {
        case .ok: "ok"
        case .rejected: "refused"
        case .hookError: "hook error"
        case .budget: "instruction budget"
        case .memory: "memory limit"
        case .output: "bad output"
        case .nonFinite: "non-finite output"
        }
    }
}
