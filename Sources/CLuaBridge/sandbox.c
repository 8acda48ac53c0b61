// The sandbox: a capped allocator, a library set without I/O, read-only libraries, text-only
// `load`, `require` confined to the plugin's folder, per-row seeded math.random, and globals
// frozen after init so no hook can carry state from one row to the next.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

// MARK: - Memory

static void *bs_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    bs_state *s = ud;
    size_t old = ptr ? osize : 0;  // with ptr == NULL, osize encodes a type, not a size
    if (nsize == 0) {
        free(ptr);
        s->used -= old;
        return NULL;
    }
    if (nsize > old && s->used - old + nsize > s->limit) {
        s->memory_hit = 1;
        return NULL;  // Lua raises "not enough memory"; the state stays usable
    }
    void *p = realloc(ptr, nsize);
    if (p) s->used = s->used - old + nsize;
    return p;
}

size_t bs_memory_used(bs_state *s) { return s->used; }

void bs_buffer_append(bs_buffer *b, const char *bytes, size_t n) {
    if (b->length + n > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 256;
        while (cap < b->length + n) cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) abort();  // host memory exhausted: nothing sensible left to do
        b->data = grown;
        b->capacity = cap;
    }
    memcpy(b->data + b->length, bytes, n);
    b->length += n;
}

void bs_buffer_free(bs_buffer *b) {
    free(b->data);
    b->data = NULL;
    b->length = b->capacity = 0;
}

// MARK: - Instruction budget

// The count hook fires every BS_SLICE instructions at most and `budget_left` holds the rest, so
// C work the hook cannot see (the pattern matcher) can be charged to the same counter, off by at
// most the unspent part of one slice.
#define BS_SLICE 10000

static void budget_hook(lua_State *L, lua_Debug *ar);

static void budget_exceeded(lua_State *L) {
    bs_state *s = bs_of(L);
    s->budget_hit = 1;
    // From now on every instruction raises, so a script that catches the error with pcall
    // cannot keep running.
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction budget exceeded");
}

static void budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    bs_state *s = bs_of(L);
    if (s->budget_left > 0) {
        int slice = s->budget_left > BS_SLICE ? BS_SLICE : (int)s->budget_left;
        s->budget_left -= slice;
        s->slice = slice;
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, slice);
        return;
    }
    budget_exceeded(L);
}

void bs_charge(lua_State *L, long steps) {
    bs_state *s = bs_of(L);
    if (!lua_gethook(L)) return;  // no budget armed (set-up code)
    s->budget_left -= steps;
    // The current slice may be partly unspent: allow it, so a small budget is not refused early.
    if (s->budget_hit || s->budget_left + s->slice < 0) budget_exceeded(L);
}

void bs_arm_budget(bs_state *s, int64_t budget) {
    s->budget_hit = 0;
    s->memory_hit = 0;
    int count = budget > BS_SLICE ? BS_SLICE : (int)budget;
    if (count < 1) count = 1;
    s->budget_left = budget - count;
    s->slice = count;
    lua_sethook(s->L, budget_hook, LUA_MASKCOUNT, count);
}

void bs_disarm_budget(bs_state *s) { lua_sethook(s->L, NULL, 0, 0); }

// MARK: - math.random, seeded per job and row

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t next_random(bs_state *s) {
    if (s->rng_pending) {
        // The sequence depends only on the job's seed and the row's source line, so a row gets
        // the same numbers whatever the batch size, the worker or where a resume started.
        uint64_t x = s->seed ^ ((uint64_t)s->rng_line * 0xd1342543de82ef95ULL);
        for (int i = 0; i < 4; i++) s->rng[i] = splitmix(&x);
        s->rng_pending = 0;
    }
    uint64_t *r = s->rng;
    uint64_t result = rotl(r[1] * 5, 7) * 9;
    uint64_t t = r[1] << 17;
    r[2] ^= r[0]; r[3] ^= r[1]; r[1] ^= r[2]; r[0] ^= r[3];
    r[2] ^= t;
    r[3] = rotl(r[3], 45);
    return result;
}

/// math.random with Lua 5.4's signature: () → [0,1), (m) → [1,m], (m, n) → [m,n].
static int sandbox_random(lua_State *L) {
    bs_state *s = bs_of(L);
    uint64_t rv = next_random(s);
    lua_Integer low, up;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, (lua_Number)(rv >> 11) * (0.5 / ((uint64_t)1 << 52)));
        return 1;
    case 1:
        low = 1;
        up = luaL_checkinteger(L, 1);
        break;
    case 2:
        low = luaL_checkinteger(L, 1);
        up = luaL_checkinteger(L, 2);
        break;
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    luaL_argcheck(L, low <= up, 1, "interval is empty");
    uint64_t span = (uint64_t)up - (uint64_t)low;
    uint64_t pick = span == UINT64_MAX ? rv : rv % (span + 1);  // bias below 2^-40 for spans we meet
    lua_pushinteger(L, (lua_Integer)((uint64_t)low + pick));
    return 1;
}

/// math.randomseed is a no-op: the job seeds the generator (reproducible, resumable).
static int sandbox_randomseed(lua_State *L) { (void)L; return 0; }

// MARK: - load, require, collectgarbage

/// load(chunk [, chunkname [, mode [, env]]]) for text chunks only, run in the sandbox's _ENV.
static int sandbox_load(lua_State *L) {
    size_t len;
    const char *chunk = luaL_checklstring(L, 1, &len);  // a reader function is refused too
    const char *name = luaL_optstring(L, 2, "=(load)");
    const char *mode = luaL_optstring(L, 3, "t");
    if (strchr(mode, 'b')) return luaL_error(L, "load: binary chunks are not allowed in the sandbox");
    if (len > 0 && chunk[0] == LUA_SIGNATURE[0]) return luaL_error(L, "load: binary chunks are not allowed in the sandbox");
    int hasEnv = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, chunk, len, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;  // nil, message — as the standard load
    }
    if (hasEnv) lua_pushvalue(L, 4);
    else lua_rawgeti(L, LUA_REGISTRYINDEX, bs_of(L)->env_ref);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    return 1;
}

/// require(name): a .lua file inside the plugin's (or script's) own folder, loaded once.
static int sandbox_require(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return luaL_error(L, "require '%s': module names may hold letters, digits, '_', '-' and '.' only", name);
    }
    if (strstr(name, "..") || name[0] == '.') return luaL_error(L, "require '%s': not a module name", name);
    lua_getfield(L, LUA_REGISTRYINDEX, "batchscore.loaded");
    int loaded = lua_gettop(L);
    if (lua_getfield(L, loaded, name) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "batchscore.root");
    const char *root = lua_tostring(L, -1);
    if (!root || !root[0]) return luaL_error(L, "require '%s': this hook has no module folder", name);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, root);
    luaL_addchar(&b, '/');
    for (const char *p = name; *p; p++) luaL_addchar(&b, *p == '.' ? '/' : *p);
    luaL_addstring(&b, ".lua");
    luaL_pushresult(&b);
    const char *path = lua_tostring(L, -1);
    FILE *f = fopen(path, "rb");
    if (!f) return luaL_error(L, "require '%s': no file %s in the plugin's folder", name, path);
    luaL_Buffer src;
    luaL_buffinit(L, &src);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) luaL_addlstring(&src, chunk, n);
    fclose(f);
    luaL_pushresult(&src);
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    if (len > 0 && text[0] == LUA_SIGNATURE[0]) return luaL_error(L, "require '%s': binary chunks are not allowed", name);
    lua_pushfstring(L, "@%s.lua", name);
    if (luaL_loadbufferx(L, text, len, lua_tostring(L, -1), "t") != LUA_OK) return lua_error(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, bs_of(L)->env_ref);
    lua_setupvalue(L, -2, 1);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, loaded, name);
    return 1;
}

/// collectgarbage: "count" reads memory use; "collect" and "step" are accepted but do nothing —
/// a forced full collection is C work the instruction budget cannot see (the collector runs on
/// its own). Stopping the collector or changing its mode is refused.
static int sandbox_collectgarbage(lua_State *L) {
    const char *opt = luaL_optstring(L, 1, "collect");
    if (strcmp(opt, "count") == 0) {
        lua_pushnumber(L, (lua_Number)bs_of(L)->used / 1024.0);
        return 1;
    }
    if (strcmp(opt, "collect") == 0 || strcmp(opt, "step") == 0) {
        lua_pushinteger(L, 0);
        return 1;
    }
    return luaL_error(L, "collectgarbage('%s') is not allowed in the sandbox", opt);
}

/// setmetatable(t, mt) as the standard one, except that a metatable with a `__gc` field is refused.
/// Lua runs finalizers with debug hooks off (lgc.c, GCTM), so the instruction budget cannot stop a
/// loop in one — and a finalizer runs wherever the collector does: in any allocation (including the
/// host's own lua_* calls outside a protected call, where raising an error would abort), in a full
/// collection, and in lua_close, where a looping one hung the process after the job had committed.
/// Lua marks a table for finalization only if its metatable has `__gc` when it is set, so refusing
/// it here means no script object is ever finalized: closing a state runs no script code. A hook
/// holds no resource a finalizer could release; work at the end of a scope belongs in a `<close>`
/// variable, whose `__close` runs as ordinary code under the budget.
static int sandbox_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        // A raw read, as Lua's own check: any non-nil value (even `false`) would mark the table.
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc finalizers are not allowed in the sandbox (Lua runs them outside "
                                 "the instruction budget); remove the __gc field (use a <close> variable for work at the end of a scope)");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/// xpcall runs the message handler after unwinding, not inside the error: Lua calls a handler
/// with hooks off, where a loop in it would escape the instruction budget. A spent budget is
/// re-raised rather than handled.
static int sandbox_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 1);
    for (int i = 3; i <= n; i++) lua_pushvalue(L, i);
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 0);
    if (status == LUA_OK) {
        lua_pushboolean(L, 1);
        lua_insert(L, n + 1);
        return lua_gettop(L) - n;
    }
    if (bs_of(L)->budget_hit || status == LUA_ERRMEM) return lua_error(L);
    lua_pushvalue(L, 2);
    lua_insert(L, -2);
    lua_call(L, 1, 1);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

/// print writes to stderr: stdout may carry data (a pipe), and a hook's print is a debugging aid.
static int sandbox_print(lua_State *L) {
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1) fputc('\t', stderr);
        fwrite(s, 1, len, stderr);
        lua_pop(L, 1);
    }
    fputc('\n', stderr);
    return 0;
}

static int readonly_newindex(lua_State *L) {
    return luaL_error(L, "attempt to modify a read-only table (library tables and the row are read-only)");
}

static int frozen_global(lua_State *L) {
    const char *key = lua_tostring(L, 2);
    return luaL_error(L, "assignment to global '%s' in a hook: hooks must not keep state between rows "
                         "(use locals; init(params) may prepare read-only tables)", key ? key : "?");
}

/// next() over the real table behind a proxy, which stays in the closure's upvalue: iteration
/// hands out keys and values, never the table itself.
static int proxy_next(lua_State *L) {
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 2);
    if (lua_next(L, -2)) return 2;
    return 0;
}

/// #proxy is the length of the real table (a list param such as `edges` reads as a list).
static int proxy_len(lua_State *L) {
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

static int lib_pairs(lua_State *L) {
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushcclosure(L, proxy_next, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    return 3;
}

/// Pushes a read-only proxy of the table at the top of the stack (replacing it).
static void make_readonly(lua_State *L) {
    lua_createtable(L, 0, 0);          // proxy
    lua_createtable(L, 0, 5);          // its metatable
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, lib_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushcfunction(L, proxy_len);
    lua_setfield(L, -2, "__len");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");  // getmetatable answers false: the metatable cannot be reached
    lua_setmetatable(L, -2);
    lua_remove(L, -2);
}

// MARK: - The state

static int open_sandbox(lua_State *L) {
    bs_state *s = lua_touserdata(L, 1);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
    lua_settop(L, 1);

    // The table of what scripts can see: base functions minus the escapes, and read-only libraries.
    lua_createtable(L, 0, 40);
    int G = lua_gettop(L);
    static const char *const base[] = {
        "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget", "rawlen",
        "select", "tonumber", "tostring", "type", "_VERSION", NULL,
    };
    lua_pushglobaltable(L);
    for (int i = 0; base[i]; i++) {
        lua_getfield(L, -1, base[i]);
        lua_setfield(L, G, base[i]);
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, sandbox_load);
    lua_setfield(L, G, "load");
    lua_pushcfunction(L, sandbox_require);
    lua_setfield(L, G, "require");
    lua_pushcfunction(L, sandbox_collectgarbage);
    lua_setfield(L, G, "collectgarbage");
    lua_pushcfunction(L, sandbox_setmetatable);
    lua_setfield(L, G, "setmetatable");
    lua_pushcfunction(L, sandbox_xpcall);
    lua_setfield(L, G, "xpcall");
    lua_pushcfunction(L, sandbox_print);
    lua_setfield(L, G, "print");

    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    int loaded = lua_gettop(L);
    // string.dump makes bytecode, which nothing here may load; strings reach it as a method too.
    lua_getfield(L, loaded, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    // The stock matcher's backtracking is out of the count hook's reach; ours charges the budget.
    // The string table is also the strings' __index, so s:find(...) gets it too.
    bs_install_patterns(L, -1);
    lua_pop(L, 1);
    const char *const libs[] = {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_UTF8LIBNAME, NULL};
    for (int i = 0; libs[i]; i++) {
        lua_getfield(L, loaded, libs[i]);
        make_readonly(L);
        lua_setfield(L, G, libs[i]);
    }
    // math, with the job-seeded generator.
    lua_createtable(L, 0, 32);
    lua_getfield(L, loaded, LUA_MATHLIBNAME);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, -5);
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, sandbox_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, sandbox_randomseed);
    lua_setfield(L, -2, "randomseed");
    make_readonly(L);
    lua_setfield(L, G, LUA_MATHLIBNAME);
    // os: the clock and the calendar only.
    lua_createtable(L, 0, 3);
    lua_getfield(L, loaded, LUA_OSLIBNAME);
    const char *const os[] = {"time", "clock", "date", "difftime", NULL};
    for (int i = 0; os[i]; i++) {
        lua_getfield(L, -1, os[i]);
        lua_setfield(L, -3, os[i]);
    }
    lua_pop(L, 1);
    make_readonly(L);
    lua_setfield(L, G, LUA_OSLIBNAME);
    lua_pop(L, 1);  // loaded

    // Strings share one metatable; hide it so a script cannot change string methods.
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    // _ENV: an empty proxy over G; writes go to G until init is done, then fail.
    lua_pushvalue(L, G);
    s->globals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, G);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, G);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, G, "_G");
    s->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    lua_createtable(L, 0, 0);
    lua_setfield(L, LUA_REGISTRYINDEX, "batchscore.loaded");
    return 0;
}

bs_state *bs_open(size_t memory_limit, uint64_t seed, char *err, size_t errlen) {
    bs_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->limit = memory_limit;
    s->seed = seed;
    s->params_ref = s->env_ref = s->globals_ref = s->row_ref = s->colindex_ref = s->values_ref = s->hotkeys_ref = LUA_NOREF;
    s->L = lua_newstate(bs_alloc, s);
    if (!s->L) {
        snprintf(err, errlen, "cannot create a Lua state within %zu bytes", memory_limit);
        free(s);
        return NULL;
    }
    *(bs_state **)lua_getextraspace(s->L) = s;
    lua_gc(s->L, LUA_GCGEN, 0, 0);
    lua_pushcfunction(s->L, open_sandbox);
    lua_pushlightuserdata(s->L, s);
    if (lua_pcall(s->L, 1, 0, 0) != LUA_OK) {
        snprintf(err, errlen, "cannot set up the Lua sandbox: %s", lua_tostring(s->L, -1));
        lua_close(s->L);
        free(s);
        return NULL;
    }
    return s;
}

void bs_close(bs_state *s) {
    if (!s) return;
    // Bounded: no script table can have a finalizer (see sandbox_setmetatable), so closing runs only
    // Lua's own C ones. An instruction budget here would not help: Lua runs finalizers with hooks off.
    lua_close(s->L);
    free(s);
}

static void copy_error(lua_State *L, char *err, size_t errlen) {
    const char *m = lua_tostring(L, -1);
    snprintf(err, errlen, "%s", m ? m : "(error object is not a string)");
}

static int traceback_free_message(lua_State *L) {
    // Keep the message as Lua gives it ("script.lua:12: ..."); a traceback would bury it.
    if (!lua_isstring(L, 1)) lua_pushliteral(L, "(error object is not a string)");
    return 1;
}

static int protected_find_hooks(lua_State *L) {
    bs_state *s = lua_touserdata(L, 1);
    static const char *const names[] = {"features", "features_batch", "validate", "validate_batch", "init"};
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->globals_ref);
    for (int i = 0; i < 5; i++) {
        if (lua_getfield(L, -1, names[i]) == LUA_TFUNCTION) s->hooks |= 1 << i;
        lua_pop(L, 1);
    }
    return 0;
}

int bs_load(bs_state *s, const char *source, size_t length, const char *chunkname, const char *root,
            char *err, size_t errlen) {
    lua_State *L = s->L;
    int top = lua_gettop(L);
    if (root) {
        lua_pushstring(L, root);
        lua_setfield(L, LUA_REGISTRYINDEX, "batchscore.root");
    }
    if (length > 0 && source[0] == LUA_SIGNATURE[0]) {
        snprintf(err, errlen, "%s: binary chunks are not allowed; give the script's text", chunkname + 1);
        return 1;
    }
    if (luaL_loadbufferx(L, source, length, chunkname, "t") != LUA_OK) {
        copy_error(L, err, errlen);
        lua_settop(L, top);
        return 1;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->env_ref);
    lua_setupvalue(L, -2, 1);
    lua_pushcfunction(L, traceback_free_message);
    lua_insert(L, -2);
    bs_arm_budget(s, 100000000);
    int status = lua_pcall(L, 0, 0, -2);
    bs_disarm_budget(s);
    if (status != LUA_OK) {
        if (s->memory_hit || status == LUA_ERRMEM) snprintf(err, errlen, "%s: loading the script exceeded the memory limit", chunkname + 1);
        else if (s->budget_hit) snprintf(err, errlen, "%s: loading the script exceeded the instruction budget", chunkname + 1);
        else copy_error(L, err, errlen);
        lua_settop(L, top);
        return 1;
    }
    lua_settop(L, top);
    // A name the script never used is a new string (an allocation): look them up protected too.
    s->hooks = 0;
    lua_pushcfunction(L, protected_find_hooks);
    lua_pushlightuserdata(L, s);
    status = lua_pcall(L, 1, 0, 0);
    lua_settop(L, top);
    if (status != LUA_OK) {
        snprintf(err, errlen, "%s: the script leaves no memory to look up its hooks (raise memory_mb)", chunkname + 1);
        return 1;
    }
    return 0;
}

int bs_hooks(bs_state *s) { return s->hooks; }

/// Replaces every nested table of the table at the top by a read-only proxy, then the table itself.
static void make_readonly_deep(lua_State *L, int depth) {
    luaL_checkstack(L, 6, "params nested too deeply");
    if (depth > 64) luaL_error(L, "params nested more than 64 levels deep");
    int t = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -1) == LUA_TTABLE) {
            make_readonly_deep(L, depth + 1);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, t);  // assigning an existing field keeps the traversal valid
        } else {
            lua_pop(L, 1);
        }
    }
    make_readonly(L);
}

/// Reads the params encoding (see bridge.h) from `*p` up to `end`.
typedef struct {
    const unsigned char *p, *end;
} params_reader;

static const unsigned char *params_take(lua_State *L, params_reader *r, size_t n) {
    if ((size_t)(r->end - r->p) < n) luaL_error(L, "params: the encoding is cut short (a bug in the host)");
    const unsigned char *at = r->p;
    r->p += n;
    return at;
}

static uint64_t params_u64(lua_State *L, params_reader *r) {
    const unsigned char *b = params_take(L, r, 8);
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = (x << 8) | b[i];
    return x;
}

/// Pushes the next encoded value (nil for 'n').
static void params_value(lua_State *L, params_reader *r, int depth) {
    luaL_checkstack(L, 4, "params nested too deeply");
    if (depth > 64) luaL_error(L, "params nested more than 64 levels deep");
    unsigned char tag = *params_take(L, r, 1);
    switch (tag) {
    case 'n': lua_pushnil(L); break;
    case 'b': lua_pushboolean(L, *params_take(L, r, 1)); break;
    case 'i': lua_pushinteger(L, (lua_Integer)params_u64(L, r)); break;
    case 'f': {
        uint64_t bits = params_u64(L, r);
        double d;
        memcpy(&d, &bits, sizeof d);
        lua_pushnumber(L, d);
        break;
    }
    case 's': {
        uint64_t n = params_u64(L, r);
        if (n > (uint64_t)(r->end - r->p)) luaL_error(L, "params: the encoding is cut short (a bug in the host)");
        lua_pushlstring(L, (const char *)params_take(L, r, (size_t)n), (size_t)n);
        break;
    }
    case 'a': {
        uint64_t n = params_u64(L, r);
        // A size hint only when plausible: each item takes a byte at least.
        lua_createtable(L, n > (uint64_t)(r->end - r->p) || n > 0x7fffffff ? 0 : (int)n, 0);
        for (uint64_t i = 1; i <= n; i++) {
            params_value(L, r, depth + 1);
            if (lua_isnil(L, -1)) lua_pop(L, 1);  // a null item leaves a hole
            else lua_rawseti(L, -2, (lua_Integer)i);
        }
        break;
    }
    case 'm': {
        uint64_t n = params_u64(L, r);
        lua_createtable(L, 0, n > (uint64_t)(r->end - r->p) || n > 0x7fffffff ? 0 : (int)n);
        for (uint64_t i = 0; i < n; i++) {
            uint64_t klen = params_u64(L, r);
            if (klen > (uint64_t)(r->end - r->p)) luaL_error(L, "params: the encoding is cut short (a bug in the host)");
            lua_pushlstring(L, (const char *)params_take(L, r, (size_t)klen), (size_t)klen);
            params_value(L, r, depth + 1);
            if (lua_isnil(L, -1)) lua_pop(L, 2);  // a null is an absent field
            else lua_rawset(L, -3);
        }
        break;
    }
    default: luaL_error(L, "params: unknown tag %d in the encoding (a bug in the host)", (int)tag);
    }
}

static int protected_set_params(lua_State *L) {
    bs_state *s = lua_touserdata(L, 1);
    params_reader *r = lua_touserdata(L, 2);
    lua_settop(L, 0);
    params_value(L, r, 0);
    if (!lua_istable(L, -1)) return luaL_error(L, "params: the encoding is not a map (a bug in the host)");
    make_readonly_deep(L, 0);
    s->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int bs_set_params(bs_state *s, const unsigned char *encoded, size_t length, char *err, size_t errlen) {
    if (s->params_ref != LUA_NOREF) luaL_unref(s->L, LUA_REGISTRYINDEX, s->params_ref);
    s->params_ref = LUA_NOREF;
    params_reader r = {encoded, encoded + length};
    int top = lua_gettop(s->L);
    s->memory_hit = 0;
    lua_pushcfunction(s->L, protected_set_params);
    lua_pushlightuserdata(s->L, s);
    lua_pushlightuserdata(s->L, &r);
    int status = lua_pcall(s->L, 2, 0, 0);
    if (status != LUA_OK) {
        if (s->memory_hit || status == LUA_ERRMEM)
            snprintf(err, errlen, "params do not fit in the memory limit of %zu MiB with what the script keeps (raise memory_mb)",
                     s->limit >> 20);
        else copy_error(s->L, err, errlen);
        lua_settop(s->L, top);
        return 1;
    }
    return 0;
}

int bs_init(bs_state *s, int64_t budget, char *err, size_t errlen) {
    lua_State *L = s->L;
    int top = lua_gettop(L);
    if (s->hooks & BS_HOOK_INIT) {
        lua_pushcfunction(L, traceback_free_message);
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->globals_ref);
        lua_getfield(L, -1, "init");
        lua_remove(L, -2);
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->params_ref);
        bs_arm_budget(s, budget);
        int status = lua_pcall(L, 1, 0, top + 1);
        bs_disarm_budget(s);
        if (status != LUA_OK) {
            if (s->memory_hit || status == LUA_ERRMEM) snprintf(err, errlen, "init: the memory limit was exceeded");
            else if (s->budget_hit) snprintf(err, errlen, "init: the instruction budget was exceeded");
            else copy_error(L, err, errlen);
            lua_settop(L, top);
            return 1;
        }
    }
    // Freeze: from here on, assigning a global is an error.
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->env_ref);
    lua_getmetatable(L, -1);
    lua_pushcfunction(L, frozen_global);
    lua_setfield(L, -2, "__newindex");
    lua_settop(L, top);
    lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
