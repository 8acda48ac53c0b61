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

#define BS_NAME_CACHE 128

struct bs_state {
    lua_State *L;
    size_t used;              // bytes allocated by the state
    size_t limit;             // the memory cap
    int memory_hit;           // an allocation was refused since the last reset
    int budget_hit;           // the instruction budget ran out since the last reset
    int64_t budget_left;      // instructions still allowed beyond the hook's current count
    int slice;                // the hook's current count
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
    // The interned name of each column (up to BS_NAME_CACHE), or NULL: `row.income` compares the
    // key's string pointer with these before falling back to the colindex table. Lua interns short
    // strings, and colindex keeps these alive, so a pointer match means the same name.
    const char *names[BS_NAME_CACHE];
    int nnames;
    // Columns a per-row hook has read in this call ("hot"): before each row they are stored in
    // the values table behind the row, so `row.income` is a plain table read, not a C call.
    int hot[BS_NAME_CACHE];
    int nhot;
    unsigned char is_hot[BS_NAME_CACHE];
    int values_ref;           // the values table behind the row for the current call
    int hotkeys_ref;          // the hot columns' names, as Lua strings, in `hot` order
};

/// The state behind `L` (kept in Lua's extra space).
static inline bs_state *bs_of(lua_State *L) { return *(bs_state **)lua_getextraspace(L); }

void bs_buffer_append(bs_buffer *b, const char *bytes, size_t n);
/// Count hook: arms the budget for the next call.
void bs_arm_budget(bs_state *s, int64_t budget);
void bs_disarm_budget(bs_state *s);
/// Charges `steps` of C work (pattern matching) to the armed budget; raises the budget error
/// when it is spent. A no-op when no budget is armed.
void bs_charge(lua_State *L, long steps);
/// Replaces find, match, gmatch and gsub in the string table at `strlib` by the budgeted matcher.
void bs_install_patterns(lua_State *L, int strlib);
/// Marks the start of a row (lazy row table and math.random follow it).
static inline void bs_enter_row(bs_state *s, int64_t row) {
    s->call.row = row;
    s->rng_pending = 1;
    s->rng_line = s->call.lines ? s->call.lines[row] : row;
}

#endif
