import ScoreCore

/// Hands a step's `params` to Lua: integers stay integers, numbers are floats, lists become arrays,
/// maps become tables (nulls are left out, as a nil field or a hole). Swift only encodes them; the
/// bridge builds the tables in C inside a protected call (`bs_set_params`), because any allocating
/// Lua call can raise "not enough memory" — and a Lua error outside a protected call aborts the
/// process (a script may leave its state next to its memory cap when it is loaded).
enum LuaParams {
    /// Most values a params tree may hold, and how deep it may nest: job files are small, these
    /// keep a generated one from building something absurd.
    static let maximumValues = 100_000
    static let maximumDepth = 32

    /// The params in the bridge's encoding (bridge.h, `bs_set_params`); nil when they are nested
    /// deeper or hold more values than the limits above.
    static func encode(_ params: [(key: String, value: ConfigValue)]) -> [UInt8]? {
        var count = 0
        guard params.allSatisfy({ fits($0.value, depth: 1, count: &count) }) else { return nil }
        var out: [UInt8] = []
        encode(map: params, into: &out)
        return out
    }

    static func fits(_ value: ConfigValue, depth: Int, count: inout Int) -> Bool {
        count += 1
        guard depth <= maximumDepth, count <= maximumValues else { return false }
        switch value {
        case .list(let items): return items.allSatisfy { fits($0, depth: depth + 1, count: &count) }
        case .map(let members): return members.allSatisfy { fits($0.value, depth: depth + 1, count: &count) }
        case .section(let section): return section.order.allSatisfy { section[$0].map { fits($0, depth: depth + 1, count: &count) } ?? true }
        default: return true
        }
    }

    static func encode(map members: [(key: String, value: ConfigValue)], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "m"))
        append(UInt64(members.count), to: &out)
        for (key, value) in members {
            append(UInt64(key.utf8.count), to: &out)
            out += key.utf8
            encode(value, into: &out)
        }
    }

    static func encode(_ value: ConfigValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(UInt8(ascii: "n"))
        case .string(let s):
            out.append(UInt8(ascii: "s"))
            append(UInt64(s.utf8.count), to: &out)
            out += s.utf8
        case .int(let i), .count(let i):
            out.append(UInt8(ascii: "i"))
            append(UInt64(bitPattern: Int64(i)), to: &out)
        case .float(let d), .percent(let d):
            out.append(UInt8(ascii: "f"))
            append(d.bitPattern, to: &out)
        case .bool(let b): out += [UInt8(ascii: "b"), b ? 1 : 0]
        case .list(let items):
            out.append(UInt8(ascii: "a"))
            append(UInt64(items.count), to: &out)
            for item in items { encode(item, into: &out) }
        case .map(let members):
            encode(map: members, into: &out)
        case .section(let section):
            encode(map: section.order.compactMap { key in section[key].map { (key, $0) } }, into: &out)
        }
    }

    /// Little-endian, as the bridge reads it.
    static func append(_ x: UInt64, to out: inout [UInt8]) {
        for i in 0 ..< 8 { out.append(UInt8(truncatingIfNeeded: x >> (8 * UInt64(i)))) }
    }
}
