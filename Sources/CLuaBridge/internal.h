// Shared between the bridge's C files; not part of its interface.
#ifndef BATCHSCORE_LUA_INTERNAL_H
#define BATCHSCORE_LUA_INTERNAL_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "bridge.h"

/// Where the current call is: the row being processed (for lazy row tables and the
/// per-row random seed) and the borrowed input columns.
typedef struct {
    const bs_column *columns;
    int ncolumns;
    int64_t nrows;
    int64_t row;
    const int64_t *lines;
} bs_call;

struct bs_state {
    lua_State *L;
    size_t used;              // bytes allocated by the state
    size_t limit;             // the memory cap
    int memory_hit;           // an allocation was refused since the last reset
    int budget_hit;           // the instruction budget ran out since the last reset
    int64_t budget_left;      // instructions still allowed beyond the hook's current count
    uint64_t seed;            // the job's seed for math.random
    uint64_t rng[4];          // xoshiro256** state
    int rng_pending;          // reseed from (seed, current line) before the next draw
    int64_t rng_line;
    bs_call call;
    int params_ref;           // registry refs
    int env_ref;              // the script's _ENV proxy
    int globals_ref;          // the table behind the proxy
    int row_ref;              // the reused, read-only, lazy row table
    int colindex_ref;         // column name -> index for the current call
    int hooks;
};

/// The state behind `L` (kept in Lua's extra space).
static inline bs_state *bs_of(lua_State *L) { return *(bs_state **)lua_getextraspace(L); }

void bs_buffer_append(bs_buffer *b, const char *bytes, size_t n);
/// Count hook: arms the budget for the next call.
void bs_arm_budget(bs_state *s, int64_t budget);
void bs_disarm_budget(bs_state *s);
/// Marks the start of a row (lazy row table and math.random follow it).
static inline void bs_enter_row(bs_state *s, int64_t row) {
    s->call.row = row;
    s->rng_pending = 1;
    s->rng_line = s->call.lines ? s->call.lines[row] : row;
}

#endif
