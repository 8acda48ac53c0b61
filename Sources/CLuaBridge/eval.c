// Evaluating a chunk and returning its result as text: what the differential pattern tests need
// to run the same code in the sandbox and in a stock Lua state (the reference semantics).
#include <string.h>
#include "internal.h"

static int run(lua_State *L, const char *source, size_t length, int env_ref, bs_buffer *out) {
    int top = lua_gettop(L);
    int status = luaL_loadbufferx(L, source, length, "=eval", "t");
    if (status == LUA_OK) {
        if (env_ref != LUA_NOREF) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, env_ref);
            lua_setupvalue(L, -2, 1);
        }
        status = lua_pcall(L, 0, 1, 0);
    }
    size_t len = 0;
    const char *text = lua_tolstring(L, -1, &len);
    if (!text) {
        text = "(not a string)";
        len = strlen(text);
    }
    bs_buffer_append(out, text, len);
    lua_settop(L, top);
    return status != LUA_OK;
}

int bs_eval(bs_state *s, const char *source, size_t length, int64_t budget, bs_buffer *out) {
    bs_arm_budget(s, budget);
    int failed = run(s->L, source, length, s->env_ref, out);
    bs_disarm_budget(s);
    return failed;
}

int bs_eval_stock(const char *source, size_t length, bs_buffer *out) {
    lua_State *L = luaL_newstate();
    if (!L) return 1;
    luaL_openlibs(L);
    int failed = run(L, source, length, LUA_NOREF, out);
    lua_close(L);
    return failed;
}
