// Hook calls over a batch. The whole loop runs inside one lua_pcall (an allocation failure while
// marshalling must not panic the process) and each hook call inside its own, so one bad row is
// a verdict for that row only.
//
// Inputs reach Lua lazily: `row.NAME` and `cols.NAME` are looked up on first use, so a hook pays
// only for the columns it reads. A per-row hook's row is an empty, read-only table whose __index is
// a values table: the columns the hook has read so far are stored there before each row (a plain
// table read for the VM), and any other read falls through to a C function that answers it and
// marks the column for the next rows. Outputs are read back with raw accesses (no metamethods run).
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

enum call_kind { FEATURES_ROWS, VALIDATE_ROWS, FEATURES_BATCH, VALIDATE_BATCH };

/// Bytes one string output may have, and one rejection reason: the host copies both outside the
/// state's memory cap, so they get caps of their own.
#define BS_MAX_CELL_BYTES (1 << 20)
#define BS_MAX_REASON_BYTES 2000

typedef struct {
    bs_state *s;
    int kind;
    bs_output *outputs;
    int noutputs;
    int64_t budget;
    bs_result *result;
    int64_t done;  // rows whose outcome is recorded
    int in_hook;   // set while the hook runs for row `done`: an error now is that row's
    int prepared;  // the call's tables are built (a restart after a row's error reuses them)
} call_args;

static const char *const type_names[] = {"float64", "int64", "string", "bool"};

// MARK: - Inputs

static void push_cell(lua_State *L, const bs_column *c, int64_t r) {
    if (c->nulls && ((c->nulls[r >> 6] >> (r & 63)) & 1)) {
        lua_pushnil(L);
        return;
    }
    switch (c->type) {
    case BS_F64: lua_pushnumber(L, ((const double *)c->values)[r]); break;
    case BS_I64: lua_pushinteger(L, ((const int64_t *)c->values)[r]); break;
    case BS_BOOL: lua_pushboolean(L, ((const uint8_t *)c->values)[r]); break;
    default: {
        const char *bytes = c->values;
        lua_pushlstring(L, bytes + c->offsets[r], (size_t)(c->offsets[r + 1] - c->offsets[r]));
    }
    }
}

/// The column index for the key at `key`, or -1.
static int column_of(lua_State *L, bs_state *s, int key) {
    if (lua_type(L, key) == LUA_TSTRING) {
        const char *k = lua_tostring(L, key);
        for (int c = 0; c < s->nnames; c++) {
            if (s->names[c] == k) return c;
        }
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->colindex_ref);
    lua_pushvalue(L, key);
    lua_rawget(L, -2);
    int c = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : -1;
    lua_pop(L, 2);
    return c;
}

/// row.NAME missed in the values table: the current row's value (nil for null or an unknown
/// column); the column is stored there for the following rows.
static int row_index(lua_State *L) {
    bs_state *s = bs_of(L);
    int c = column_of(L, s, 2);
    if (c < 0) return 0;
    if (c < BS_NAME_CACHE && !s->is_hot[c]) {
        s->is_hot[c] = 1;
        s->hot[s->nhot++] = c;
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->hotkeys_ref);
        lua_pushvalue(L, 2);
        lua_rawseti(L, -2, s->nhot);
        lua_pop(L, 1);
    }
    push_cell(L, &s->call.columns[c], s->call.row);
    return 1;
}

/// Stores the current row's value of every hot column in the values table at `values` (nil
/// removes a key, so a null reads as nil through the fallback).
static void fill_values(lua_State *L, bs_state *s, int values, int hotkeys) {
    for (int i = 0; i < s->nhot; i++) {
        int c = s->hot[i];
        lua_rawgeti(L, hotkeys, i + 1);
        push_cell(L, &s->call.columns[c], s->call.row);
        lua_rawset(L, values);
    }
}

/// cols.NAME: the whole column as an array of n values (nil for null), built once per call.
static int cols_index(lua_State *L) {
    bs_state *s = bs_of(L);
    int c = column_of(L, s, 2);
    if (c < 0) return 0;
    const bs_column *col = &s->call.columns[c];
    int64_t n = s->call.nrows;
    lua_createtable(L, n > 0x7fffffff ? 0x7fffffff : (int)n, 0);
    for (int64_t r = 0; r < n; r++) {
        if (col->nulls && ((col->nulls[r >> 6] >> (r & 63)) & 1)) continue;
        push_cell(L, col, r);
        lua_rawseti(L, -2, r + 1);
    }
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);  // cache it: the second access is a plain table read
    return 1;
}

static int readonly(lua_State *L) { return luaL_error(L, "the row is read-only: return new values instead"); }

/// Pushes an empty table whose writes fail; its metatable is hidden (`getmetatable` answers false)
/// so a hook cannot unlock it. Its reads go to `index` when given (the caller sets `__index`
/// otherwise).
static void push_readonly_table(lua_State *L, lua_CFunction index) {
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 3);
    if (index) {
        lua_pushcfunction(L, index);
        lua_setfield(L, -2, "__index");
    }
    lua_pushcfunction(L, readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/// Makes the name → index table of the current columns and the reused lazy row table.
static void prepare_inputs(lua_State *L, bs_state *s) {
    if (s->colindex_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, s->colindex_ref);
    lua_createtable(L, 0, s->call.ncolumns);
    for (int c = 0; c < s->call.ncolumns; c++) {
        lua_pushinteger(L, c);
        lua_setfield(L, -2, s->call.columns[c].name);
    }
    s->colindex_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    // Only short names: Lua interns strings of at most 40 bytes (LUAI_MAXSHORTLEN), so the
    // pointer of a pushed copy is that of colindex's key, which stays alive. A long name gets a
    // fresh object each time; it is looked up in colindex instead.
    s->nnames = 0;
    for (int c = 0; c < s->call.ncolumns && c < BS_NAME_CACHE; c++) {
        const char *name = s->call.columns[c].name;
        size_t len = strlen(name);
        const char *interned = NULL;
        if (len <= 40) {
            lua_pushlstring(L, name, len);
            interned = lua_tostring(L, -1);
            lua_pop(L, 1);
        }
        s->names[c] = interned;
        s->nnames = c + 1;
    }
    if (s->row_ref == LUA_NOREF) {
        // row: empty and read-only; its __index (the values table) is set per call below.
        push_readonly_table(L, NULL);
        s->row_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    // A fresh values table per call (the columns may differ), falling back to row_index.
    if (s->values_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, s->values_ref);
    lua_createtable(L, 0, s->call.ncolumns < 64 ? s->call.ncolumns : 64);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, row_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->row_ref);
    lua_getmetatable(L, -1);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 2);
    s->values_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (s->hotkeys_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, s->hotkeys_ref);
    lua_createtable(L, 8, 0);
    s->hotkeys_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    s->nhot = 0;
    memset(s->is_hot, 0, sizeof s->is_hot);
}

// MARK: - Outcomes

static void finish_row(call_args *a, int64_t r) {
    bs_result *res = a->result;
    res->offsets[r + 1] = (int64_t)res->messages->length;
    for (int o = 0; o < a->noutputs; o++) {
        bs_output *out = &a->outputs[o];
        if (out->type == BS_STR) out->offsets[r + 1] = (int64_t)out->strings->length;
    }
    a->done = r + 1;
}

static void set_outcome(call_args *a, int64_t r, int status, const char *message, size_t length) {
    bs_result *res = a->result;
    if (res->status[r] != BS_OK) return;  // the first problem of a row is its reason
    res->status[r] = (uint8_t)status;
    // A reason is for a person; a hook must not smuggle megabytes past the memory cap through it.
    if (length > BS_MAX_REASON_BYTES) length = BS_MAX_REASON_BYTES;
    bs_buffer_append(res->messages, message, length);
}

/// Records why a hook call failed: the budget, the memory cap, or the Lua error's message.
static void set_failure(call_args *a, lua_State *L, int64_t r, int status) {
    bs_state *s = a->s;
    char text[160];
    if (s->budget_hit) {
        snprintf(text, sizeof text, "instruction budget of %lld exceeded (a runaway loop?)", (long long)a->budget);
        set_outcome(a, r, BS_BUDGET, text, strlen(text));
    } else if (status == LUA_ERRMEM) {
        snprintf(text, sizeof text, "memory limit of %zu MiB exceeded", s->limit >> 20);
        set_outcome(a, r, BS_MEMORY, text, strlen(text));
    } else {
        size_t len = 0;
        const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        if (!m) {
            m = "error (the error object is not a string)";
            len = strlen(m);
        }
        set_outcome(a, r, BS_HOOK_ERROR, m, len);
    }
}

static const char *lua_kind(lua_State *L, int idx) {
    int t = lua_type(L, idx);
    if (t == LUA_TNUMBER) return lua_isinteger(L, idx) ? "an integer" : "a float";
    if (t == LUA_TNIL) return "nil";
    static _Thread_local char buf[32];
    snprintf(buf, sizeof buf, "a %s", lua_typename(L, t));
    return buf;
}

/// Stores the value at `v` as row r of output `o`; on a problem records it and returns 0.
static int store_output(call_args *a, lua_State *L, int v, bs_output *o, int64_t r) {
    int t = lua_type(L, v);
    int ok = 0;
    switch (o->type) {
    case BS_F64:
        if (t == LUA_TNUMBER) {
            double x = lua_tonumber(L, v);
            ((double *)o->values)[r] = x;
            if (!isfinite(x) && !o->allow_nonfinite) {
                // A NaN would be written into the predictions as "nan" (or fed to the model): the
                // row's data is the problem (0 / 0 on this row), so the row is rejected, as the
                // model stage rejects a non-finite feature.
                char text[240];
                snprintf(text, sizeof text, "output '%s' is %s; outputs must be finite numbers "
                                            "(give the step allow_nonfinite: true to keep NaN and infinities)",
                         o->name, isnan(x) ? "NaN" : x > 0 ? "+infinity" : "-infinity");
                set_outcome(a, r, BS_NON_FINITE, text, strlen(text));
                return 0;
            }
            ok = 1;
        } else {
            ((double *)o->values)[r] = 0;
        }
        break;
    case BS_I64: {
        int isnum = 0;
        lua_Integer x = t == LUA_TNUMBER ? lua_tointegerx(L, v, &isnum) : 0;
        ((int64_t *)o->values)[r] = isnum ? x : 0;
        ok = isnum;
        break;
    }
    case BS_BOOL:
        ((uint8_t *)o->values)[r] = t == LUA_TBOOLEAN ? (uint8_t)lua_toboolean(L, v) : 0;
        ok = t == LUA_TBOOLEAN;
        break;
    default:
        if (t == LUA_TSTRING) {
            size_t len;
            const char *str = lua_tolstring(L, v, &len);
            if (len <= BS_MAX_CELL_BYTES) {
                bs_buffer_append(o->strings, str, len);
                ok = 1;
            } else {
                char text[200];
                snprintf(text, sizeof text, "output '%s' is a string of %zu bytes, over the %d MiB limit for one value",
                         o->name, len, BS_MAX_CELL_BYTES >> 20);
                set_outcome(a, r, BS_OUTPUT, text, strlen(text));
                return 0;
            }
        }
    }
    if (!ok) {
        char text[200];
        if (t == LUA_TNIL) snprintf(text, sizeof text, "output '%s' is missing (nil)", o->name);
        else snprintf(text, sizeof text, "output '%s' is %s, expected %s", o->name, lua_kind(L, v), type_names[o->type]);
        set_outcome(a, r, BS_OUTPUT, text, strlen(text));
    }
    return ok;
}

// MARK: - The loops

static int message_handler(lua_State *L) {
    // Keep Lua's "script.lua:12: message"; a traceback would bury it in the quarantine.
    if (!lua_isstring(L, 1)) lua_pushliteral(L, "error (the error object is not a string)");
    return 1;
}

/// Pushes the hook function `name` from the script's globals; 0 if it is not defined.
static int push_hook(lua_State *L, bs_state *s, const char *name) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->globals_ref);
    int t = lua_getfield(L, -1, name);
    lua_remove(L, -2);
    return t == LUA_TFUNCTION;
}

static int run_rows(lua_State *L, call_args *a) {
    bs_state *s = a->s;
    int features = a->kind == FEATURES_ROWS;
    lua_pushcfunction(L, message_handler);
    int handler = lua_gettop(L);
    if (!push_hook(L, s, features ? "features" : "validate")) return luaL_error(L, "the script defines no %s function", features ? "features" : "validate");
    int fn = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->row_ref);
    int row = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->params_ref);
    int params = lua_gettop(L);
    lua_getfield(L, LUA_REGISTRYINDEX, "batchscore.outnames");
    int outnames = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->values_ref);
    int values = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->hotkeys_ref);
    int hotkeys = lua_gettop(L);
    int base = lua_gettop(L);
    (void)handler;
    // Rows from the first undecided one (a restart after a row's error begins past it). The hook is
    // called unprotected: the protected call around this loop catches an error, `call` records it
    // for row `done` and restarts here at the next row — a setjmp per restart, not per row.
    for (int64_t r = a->done; r < s->call.nrows; r++) {
        bs_enter_row(s, r);
        fill_values(L, s, values, hotkeys);
        lua_pushvalue(L, fn);
        lua_pushvalue(L, row);
        lua_pushvalue(L, params);
        bs_arm_budget(s, a->budget);
        a->in_hook = 1;
        lua_call(L, 2, features ? 1 : 2);
        a->in_hook = 0;
        if (features) {
            if (lua_type(L, -1) != LUA_TTABLE) {
                char text[120];
                snprintf(text, sizeof text, "features must return a table of outputs, got %s", lua_kind(L, -1));
                set_outcome(a, r, BS_HOOK_ERROR, text, strlen(text));
            } else {
                int t = lua_gettop(L);
                for (int o = 0; o < a->noutputs; o++) {
                    lua_rawgeti(L, outnames, o + 1);
                    lua_rawget(L, t);
                    store_output(a, L, lua_gettop(L), &a->outputs[o], r);
                    lua_settop(L, t);
                }
            }
        } else {
            int v = lua_gettop(L) - 1;
            if (lua_type(L, v) == LUA_TBOOLEAN && lua_toboolean(L, v)) {
                // accepted
            } else if (lua_type(L, v) == LUA_TBOOLEAN) {
                size_t len = 0;
                const char *why = lua_type(L, v + 1) == LUA_TSTRING ? lua_tolstring(L, v + 1, &len) : NULL;
                if (!why) { why = "rejected by validate (no reason given)"; len = strlen(why); }
                set_outcome(a, r, BS_REJECTED, why, len);
            } else {
                char text[120];
                snprintf(text, sizeof text, "validate must return true, or false and a reason; got %s", lua_kind(L, v));
                set_outcome(a, r, BS_HOOK_ERROR, text, strlen(text));
            }
        }
        lua_settop(L, base);
        finish_row(a, r);
    }
    return 0;
}

static int run_batch(lua_State *L, call_args *a) {
    bs_state *s = a->s;
    int features = a->kind == FEATURES_BATCH;
    int64_t n = s->call.nrows;
    prepare_inputs(L, s);
    lua_pushcfunction(L, message_handler);
    int handler = lua_gettop(L);
    if (!push_hook(L, s, features ? "features_batch" : "validate_batch"))
        return luaL_error(L, "the script defines no %s function", features ? "features_batch" : "validate_batch");
    push_readonly_table(L, cols_index);
    lua_pushinteger(L, n);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->params_ref);
    if (n > 0) bs_enter_row(s, 0);  // the batch's random sequence starts from its first line
    int64_t budget = a->budget;
    bs_arm_budget(s, n > 0 && budget > INT64_MAX / n ? INT64_MAX : budget * (n > 0 ? n : 1));
    // features_batch may return a second value: an array whose element i, when a string, rejects
    // row i with that reason (the columnar twin of raising an error in features).
    int status = lua_pcall(L, 3, features ? 2 : 1, handler);
    int result = features && status == LUA_OK ? lua_gettop(L) - 1 : lua_gettop(L);
    if (status != LUA_OK) {
        for (int64_t r = 0; r < n; r++) {
            set_failure(a, L, r, status);
            finish_row(a, r);
        }
        return 0;
    }
    if (features) {
        if (lua_type(L, result) != LUA_TTABLE) {
            char text[140];
            snprintf(text, sizeof text, "features_batch must return a table of output arrays, got %s", lua_kind(L, result));
            for (int64_t r = 0; r < n; r++) { set_outcome(a, r, BS_HOOK_ERROR, text, strlen(text)); finish_row(a, r); }
            return 0;
        }
        // All output arrays on the stack, then row by row: messages and offsets stay in row order.
        luaL_checkstack(L, a->noutputs + 8, "too many declared outputs");
        int first = lua_gettop(L) + 1;
        for (int o = 0; o < a->noutputs; o++) {
            lua_getfield(L, LUA_REGISTRYINDEX, "batchscore.outnames");
            lua_rawgeti(L, -1, o + 1);
            lua_rawget(L, result);
            lua_remove(L, -2);
        }
        int errors = lua_type(L, result + 1) == LUA_TTABLE ? result + 1 : 0;
        for (int64_t r = 0; r < n; r++) {
            int rejected = 0;
            if (errors) {
                lua_rawgeti(L, errors, r + 1);
                if (lua_type(L, -1) == LUA_TSTRING) {
                    size_t len;
                    const char *why = lua_tolstring(L, -1, &len);
                    set_outcome(a, r, BS_HOOK_ERROR, why, len);
                    rejected = 1;
                }
                lua_pop(L, 1);
            }
            for (int o = 0; o < a->noutputs && !rejected; o++) {
                if (lua_type(L, first + o) == LUA_TTABLE) lua_rawgeti(L, first + o, r + 1);
                else lua_pushnil(L);
                store_output(a, L, lua_gettop(L), &a->outputs[o], r);
                lua_pop(L, 1);
            }
            finish_row(a, r);
        }
    } else if (lua_type(L, result) != LUA_TTABLE) {
        char text[140];
        snprintf(text, sizeof text, "validate_batch must return an array of %lld verdicts, got %s", (long long)n, lua_kind(L, result));
        for (int64_t r = 0; r < n; r++) { set_outcome(a, r, BS_HOOK_ERROR, text, strlen(text)); finish_row(a, r); }
        return 0;
    } else {
        for (int64_t r = 0; r < n; r++) {
            lua_rawgeti(L, result, r + 1);
            int t = lua_type(L, -1);
            if (t == LUA_TBOOLEAN && lua_toboolean(L, -1)) {
                // accepted
            } else if (t == LUA_TSTRING) {
                size_t len;
                const char *why = lua_tolstring(L, -1, &len);
                set_outcome(a, r, BS_REJECTED, why, len);
            } else if (t == LUA_TBOOLEAN) {
                const char *why = "rejected by validate_batch (no reason given)";
                set_outcome(a, r, BS_REJECTED, why, strlen(why));
            } else {
                char text[140];
                snprintf(text, sizeof text, "validate_batch verdict %lld is %s; expected true or a reason string", (long long)(r + 1), lua_kind(L, -1));
                set_outcome(a, r, BS_HOOK_ERROR, text, strlen(text));
            }
            lua_pop(L, 1);
            finish_row(a, r);
        }
    }
    return 0;
}

static int protected_call(lua_State *L) {
    call_args *a = lua_touserdata(L, 1);
    if (!a->prepared) {
        // Output names, interned once per call so reading a row's outputs allocates nothing.
        lua_createtable(L, a->noutputs, 0);
        for (int o = 0; o < a->noutputs; o++) {
            lua_pushstring(L, a->outputs[o].name);
            lua_rawseti(L, -2, o + 1);
        }
        lua_setfield(L, LUA_REGISTRYINDEX, "batchscore.outnames");
        if (a->kind == FEATURES_ROWS || a->kind == VALIDATE_ROWS) prepare_inputs(L, a->s);
        a->prepared = 1;
    }
    return (a->kind == FEATURES_ROWS || a->kind == VALIDATE_ROWS) ? run_rows(L, a) : run_batch(L, a);
}

static int call(bs_state *s, int kind, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                bs_output *outputs, int noutputs, int64_t budget, bs_result *result) {
    lua_State *L = s->L;
    int top = lua_gettop(L);
    s->call.columns = columns;
    s->call.ncolumns = ncolumns;
    s->call.nrows = nrows;
    s->call.lines = lines;
    s->call.row = 0;
    memset(result->status, 0, (size_t)nrows);
    result->offsets[0] = (int64_t)result->messages->length;
    for (int o = 0; o < noutputs; o++) if (outputs[o].type == BS_STR) outputs[o].offsets[0] = (int64_t)outputs[o].strings->length;
    call_args a = {s, kind, outputs, noutputs, budget, result, 0, 0, 0};
    int status;
    while (1) {
        lua_pushcfunction(L, protected_call);
        lua_pushlightuserdata(L, &a);
        status = lua_pcall(L, 1, 0, 0);
        if (status == LUA_OK || !a.in_hook) break;
        // A row's hook failed (an error, the budget, the memory cap): that row's verdict; go on
        // with the next. The stack is back where the protected call started.
        a.in_hook = 0;
        bs_disarm_budget(s);
        set_failure(&a, L, a.done, status);
        finish_row(&a, a.done);
        lua_settop(L, top);
    }
    bs_disarm_budget(s);
    int failed = 0;
    if (status != LUA_OK) {
        // The loop itself failed (no such hook, or memory ran out while marshalling): every row
        // not yet decided gets the reason.
        for (int64_t r = a.done; r < nrows; r++) {
            set_failure(&a, L, r, status);
            finish_row(&a, r);
        }
        failed = a.done == 0 && !s->memory_hit && !s->budget_hit;
    }
    lua_settop(L, top);
    return failed;
}

int bs_features_rows(bs_state *s, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                     bs_output *outputs, int noutputs, int64_t budget, bs_result *result) {
    return call(s, FEATURES_ROWS, columns, ncolumns, nrows, lines, outputs, noutputs, budget, result);
}

int bs_validate_rows(bs_state *s, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                     int64_t budget, bs_result *result) {
    return call(s, VALIDATE_ROWS, columns, ncolumns, nrows, lines, NULL, 0, budget, result);
}

int bs_features_batch(bs_state *s, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                      bs_output *outputs, int noutputs, int64_t budget, bs_result *result) {
    return call(s, FEATURES_BATCH, columns, ncolumns, nrows, lines, outputs, noutputs, budget, result);
}

int bs_validate_batch(bs_state *s, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                      int64_t budget, bs_result *result) {
    return call(s, VALIDATE_BATCH, columns, ncolumns, nrows, lines, NULL, 0, budget, result);
}
