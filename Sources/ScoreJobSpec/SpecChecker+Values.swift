import ScoreCore

extension SpecChecker {
    /// Checks one value against `type`; nil (with errors reported) when it does not fit.
    /// - Parameters:
    ///   - bounds: the declaring field, whose `minimum`/`maximum` apply to the numbers inside.
    ///   - expected: the type named in a mismatch message (the outer type of a `nullable`).
    mutating func value(_ node: YAMLNode, _ type: ConfigType, bounds: ConfigField,
                        keyPath: String, expected: ConfigType? = nil) -> ConfigValue? {
        if node.isInvalid { return nil }
        let expected = expected ?? type
        switch type {
        case .string, .path:
            guard let text = node.scalarText, !node.isNull else {
                return mismatch(node, expected, keyPath)
            }
            if type == .path, text.isEmpty {
                report(node.location, keyPath, "path must not be empty")
                return nil
            }
            return .string(text)
        case .int:
            guard case .int(let i)? = node.resolved else { return mismatch(node, expected, keyPath) }
            return checkBounds(Double(i), node, bounds, keyPath) ? .int(i) : nil
        case .float:
            let d: Double
            switch node.resolved {
            case .int(let i)?: d = Double(i)
            case .float(let f)?: d = f
            default: return mismatch(node, expected, keyPath)
            }
            // `.inf`, `.nan` and overflowing literals (`1e400`) are valid YAML but no valid setting.
            guard d.isFinite else {
                report(node.location, keyPath, "must be a finite number\(node.isSecret ? "" : " (got \(node.scalarText ?? ""))")")
                return nil
            }
            return checkBounds(d, node, bounds, keyPath) ? .float(d) : nil
        case .bool:
            guard case .bool(let b)? = node.resolved else { return mismatch(node, expected, keyPath) }
            return .bool(b)
        case .choice(let words):
            guard let text = node.scalarText, !node.isNull else { return mismatch(node, expected, keyPath) }
            guard words.contains(text) else {
                reportMismatch(node, expected.description, keyPath, hint: NearMiss.hint(for: text, among: words))
                return nil
            }
            return .string(text)
        case .columnType:
            let names = ColumnType.allCases.map(\.rawValue)
            guard let text = node.scalarText, !node.isNull else { return mismatch(node, expected, keyPath) }
            guard names.contains(text) else {
                reportMismatch(node, expected.description, keyPath, hint: NearMiss.hint(for: text, among: names))
                return nil
            }
            return .string(text)
        case .countOrPercent:
            return countOrPercent(node, bounds: bounds, keyPath: keyPath, expected: expected)
        case .list(let element):
            guard let items = node.items else { return mismatch(node, expected, keyPath) }
            var out: [ConfigValue] = []
            var ok = true
            for (i, item) in items.enumerated() {
                if let v = value(item, element, bounds: bounds, keyPath: keyPath.appendingIndex(i)) { out.append(v) } else { ok = false }
            }
            return ok ? .list(out) : nil
        case .map(let element):
            guard let pairs = node.pairs else { return mismatch(node, expected, keyPath) }
            var out: [(key: String, value: ConfigValue)] = []
            var ok = true
            for pair in pairs {
                if let v = value(pair.value, element, bounds: bounds, keyPath: keyPath.appendingKey(pair.keyText)) {
                    out.append((pair.keyText, v))
                } else { ok = false }
            }
            return ok ? .map(out) : nil
        case .nullable(let inner):
            if node.isNull { return .null }
            return value(node, inner, bounds: bounds, keyPath: keyPath, expected: expected)
        case .either:
            return either(node, type, bounds: bounds, keyPath: keyPath, expected: expected)
        case .section(let fields):
            guard node.pairs != nil || node.isNull else { return mismatch(node, expected, keyPath) }
            let before = errors.count
            let section = self.section(node, fields: fields, keyPath: keyPath)
            return errors.count == before ? .section(section) : nil
        case .any:
            return anyValue(node, bounds: bounds, keyPath: keyPath)
        }
    }

    /// A value of any shape, as YAML resolves it (floats must still be finite).
    private mutating func anyValue(_ node: YAMLNode, bounds: ConfigField, keyPath: String) -> ConfigValue? {
        if let items = node.items {
            var out: [ConfigValue] = []
            var ok = true
            for (i, item) in items.enumerated() {
                if let v = anyValue(item, bounds: bounds, keyPath: keyPath.appendingIndex(i)) { out.append(v) } else { ok = false }
            }
            return ok ? .list(out) : nil
        }
        if let pairs = node.pairs {
            var out: [(key: String, value: ConfigValue)] = []
            var ok = true
            for pair in pairs {
                if let v = anyValue(pair.value, bounds: bounds, keyPath: keyPath.appendingKey(pair.keyText)) {
                    out.append((pair.keyText, v))
                } else { ok = false }
            }
            return ok ? .map(out) : nil
        }
        switch node.resolved {
        case .null?: return .null
        case .bool(let b)?: return .bool(b)
        case .int(let i)?: return .int(i)
        case .float(let d)?:
            guard d.isFinite else {
                report(node.location, keyPath, "must be a finite number\(node.isSecret ? "" : " (got \(node.scalarText ?? ""))")")
                return nil
            }
            return .float(d)
        case .string(let t)?: return .string(t)
        case nil: return node.scalarText.map { .string($0) } ?? mismatch(node, .any, keyPath)
        }
    }

    private mutating func mismatch(_ node: YAMLNode, _ expected: ConfigType, _ keyPath: String) -> ConfigValue? {
        reportMismatch(node, expected.description, keyPath)
        return nil
    }

    private mutating func checkBounds(_ v: Double, _ node: YAMLNode, _ field: ConfigField, _ keyPath: String) -> Bool {
        let shown = node.isSecret ? "" : " (got \(node.scalarText ?? ""))"
        if let min = field.minimum, !(v >= min) {
            report(node.location, keyPath, "must be at least \(ConfigField.boundText(min))\(shown)")
            return false
        }
        if let max = field.maximum, !(v <= max) {
            report(node.location, keyPath, "must be at most \(ConfigField.boundText(max))\(shown)")
            return false
        }
        return true
    }

    private mutating func countOrPercent(_ node: YAMLNode, bounds: ConfigField, keyPath: String,
                                         expected: ConfigType) -> ConfigValue? {
        if case .int(let i)? = node.resolved {
            if i < 0 {
                report(node.location, keyPath, "a row count must be at least 0")
                return nil
            }
            return checkBounds(Double(i), node, bounds, keyPath) ? .count(i) : nil
        }
        guard let text = node.scalarText, text.hasSuffix("%"),
              let number = ScalarResolution.number(String(text.dropLast()).trimmingSpaces) else {
            return mismatch(node, expected, keyPath)
        }
        let p: Double = switch number {
        case .int(let i): Double(i)
        case .float(let d): d
        default: .nan
        }
        guard p >= 0, p <= 100 else {
            report(node.location, keyPath, "a percent must be between 0% and 100%\(node.isSecret ? "" : " (got \(text))")")
            return nil
        }
        return .percent(p)
    }

    /// Tries each alternative whose shape fits the node; the first that checks cleanly wins.
    private mutating func either(_ node: YAMLNode, _ type: ConfigType, bounds: ConfigField,
                                 keyPath: String, expected: ConfigType) -> ConfigValue? {
        let candidates = Self.alternatives(type).filter { Self.fits(node, $0) }
        guard !candidates.isEmpty else { return mismatch(node, expected, keyPath) }
        var failures: [(type: ConfigType, errors: [JobSpecError])] = []
        for candidate in candidates {
            var trial = SpecChecker(registry: registry)
            if let v = trial.value(node, candidate, bounds: bounds, keyPath: keyPath), trial.errors.isEmpty {
                return v
            }
            failures.append((candidate, trial.errors))
        }
        // Report the most specific failure: "must be at least 1" says more than "expected auto".
        let best = failures.first { !Self.acceptsAnyScalar($0.type) } ?? failures[0]
        // A word that is not one of the choices: name every alternative (`auto | integer`),
        // keeping the choice's near-miss hint (`did you mean 'auto'?`).
        if case .choice = best.type {
            let hint = best.errors.first?.hint
            _ = mismatch(node, expected, keyPath)
            if let hint, !errors.isEmpty { errors[errors.count - 1].hint = hint }
            return nil
        }
        errors += best.errors
        return nil
    }

    private static func alternatives(_ type: ConfigType) -> [ConfigType] {
        if case .either(let a, let b) = type { return alternatives(a) + alternatives(b) }
        return [type]
    }

    private static func acceptsAnyScalar(_ type: ConfigType) -> Bool {
        switch type {
        case .string, .path, .choice, .columnType: true
        default: false
        }
    }

    /// Whether the node has the right shape for `type` (not whether its value is valid).
    static func fits(_ node: YAMLNode, _ type: ConfigType) -> Bool {
        let resolved = node.resolved
        switch type {
        case .string, .path, .choice, .columnType: return node.scalarText != nil && resolved != .null
        case .int: if case .int? = resolved { return true } else { return false }
        case .float:
            switch resolved {
            case .int?, .float?: return true
            default: return false
            }
        case .bool: if case .bool? = resolved { return true } else { return false }
        case .countOrPercent:
            if case .int? = resolved { return true }
            return node.scalarText?.hasSuffix("%") ?? false
        case .list: return node.items != nil
        case .map, .section: return node.pairs != nil
        case .nullable(let inner): return resolved == .null || fits(node, inner)
        case .either(let a, let b): return fits(node, a) || fits(node, b)
        case .any: return true
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
