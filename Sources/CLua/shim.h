// Lua 5.4's C API for Swift. Function-like macros, variadic functions and LUA_REGISTRYINDEX do not
// import, so the few ScoreLua needs are wrapped here as static inline functions.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

static inline int clua_pcall(lua_State *L, int nargs, int nresults, int msgh) { return lua_pcall(L, nargs, nresults, msgh); }
static inline const char *clua_tostring(lua_State *L, int i) { return lua_tolstring(L, i, NULL); }
static inline void clua_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
static inline void clua_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
static inline int clua_isnil(lua_State *L, int i) { return lua_type(L, i) == LUA_TNIL; }
static inline int clua_registryindex(void) { return LUA_REGISTRYINDEX; }
