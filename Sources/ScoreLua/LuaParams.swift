import CLua
import ScoreCore

/// Hands a step's `params` to Lua as a table: integers stay integers, numbers are floats, lists
/// become arrays, maps become tables (nulls are left out, as a nil field).
enum LuaParams {
    /// Most values a params tree may hold: pushing runs on a fresh state outside `lua_pcall`, so it
    /// must stay far below the state's memory cap (at least 16 MiB) and its stack limits.
    /// Nothing else can raise there: the budget hook is off between calls, and a collection step
    /// inside an allocation runs no script code (the sandbox refuses `__gc` finalizers).
    static let maximumValues = 100_000
    static let maximumDepth = 32

    /// Pushes the params table onto `L`'s stack; false (with nothing pushed) when the params are
    /// nested deeper or hold more values than the limits above.
    static func push(_ params: [(key: String, value: ConfigValue)], into L: OpaquePointer?) -> Bool {
        var count = 0
        guard params.allSatisfy({ fits($0.value, depth: 1, count: &count) }) else { return false }
        push(map: params, into: L)
        return true
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

    static func push(map params: [(key: String, value: ConfigValue)], into L: OpaquePointer?) {
        lua_checkstack(L, 4)
        lua_createtable(L, 0, Int32(params.count))
        for (key, value) in params where value != .null {
            push(value, into: L)
            lua_setfield(L, -2, key)
        }
    }

    static func push(_ value: ConfigValue, into L: OpaquePointer?) {
        lua_checkstack(L, 4)
        switch value {
        case .null: lua_pushnil(L)
        case .string(let s): lua_pushlstring(L, s, s.utf8.count)
        case .int(let i): lua_pushinteger(L, lua_Integer(i))
        case .count(let i): lua_pushinteger(L, lua_Integer(i))
        case .float(let d): lua_pushnumber(L, d)
        case .percent(let d): lua_pushnumber(L, d)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .list(let items):
            lua_createtable(L, Int32(items.count), 0)
            for (i, item) in items.enumerated() where item != .null {
                push(item, into: L)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .map(let members):
            push(map: members, into: L)
        case .section(let section):
            push(map: section.order.compactMap { key in section[key].map { (key, $0) } }, into: L)
        }
    }
}
