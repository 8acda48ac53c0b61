import CLua
import ScoreCore

/// Hands a step's `params` to Lua as a table: integers stay integers, numbers are floats, lists
/// become arrays, maps become tables (nulls are left out, as a nil field).
enum LuaParams {
    /// Pushes the params table onto `L`'s stack. Runs at start-up on a fresh state, far below
    /// its memory cap (ScoreLua requires at least 16 MiB), so it cannot raise.
    static func push(_ params: [(key: String, value: ConfigValue)], into L: OpaquePointer?) {
        lua_createtable(L, 0, Int32(params.count))
        for (key, value) in params where value != .null {
            push(value, into: L)
            lua_setfield(L, -2, key)
        }
    }

    static func push(_ value: ConfigValue, into L: OpaquePointer?) {
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
            push(members, into: L)
        case .section(let section):
            push(section.order.compactMap { key in section[key].map { (key, $0) } }, into: L)
        }
    }
}
