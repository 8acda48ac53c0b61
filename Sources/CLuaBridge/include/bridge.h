// BatchScore's Lua bridge: a sandboxed lua_State with a memory cap, an instruction budget per
// call, a per-row random generator, and batch loops that move columns in and out of Lua.
//
// Everything that can raise a Lua error runs here, in C, inside lua_pcall: a longjmp never
// crosses a Swift frame. Swift sees plain return codes and messages.
#ifndef BATCHSCORE_LUA_BRIDGE_H
#define BATCHSCORE_LUA_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct lua_State lua_State;

/// Column value types, as ScoreCore's ColumnType.
enum bs_type { BS_F64 = 0, BS_I64 = 1, BS_STR = 2, BS_BOOL = 3 };

/// Hooks a script defines (a bit mask from bs_hooks).
enum bs_hook {
    BS_HOOK_FEATURES = 1, BS_HOOK_FEATURES_BATCH = 2, BS_HOOK_VALIDATE = 4, BS_HOOK_VALIDATE_BATCH = 8,
    BS_HOOK_INIT = 16
};

/// Per-row outcome of a hook call.
enum bs_status {
    BS_OK = 0,
    BS_REJECTED = 1,        // a validator said false (reason given)
    BS_HOOK_ERROR = 2,      // the hook raised an error or returned the wrong shape
    BS_BUDGET = 3,          // the instruction budget ran out
    BS_MEMORY = 4,          // the state's memory cap was reached
    BS_OUTPUT = 5,          // a declared output is missing or of the wrong type
    BS_NON_FINITE = 6       // a float64 output is NaN or ±infinity (and its step does not allow that)
};

/// An input column, borrowed for one call. Strings: `values` is the byte buffer and `offsets`
/// its n + 1 offsets. Bools: one byte each. `nulls`: one bit per row, set = null; may be NULL.
typedef struct {
    const char *name;
    int type;
    const void *values;
    const int64_t *offsets;
    const uint64_t *nulls;
} bs_column;

/// A growable byte buffer owned by C (free with bs_buffer_free).
typedef struct {
    char *data;
    size_t length;
    size_t capacity;
} bs_buffer;

/// A declared output column, filled by a features call. Numbers and bools go to `values`
/// (n doubles / int64s / bytes, allocated by the caller); strings go to `strings` with their
/// n + 1 `offsets` (caller-allocated). A float64 output that is NaN or ±infinity rejects its row
/// (BS_NON_FINITE) unless `allow_nonfinite` is non-zero.
typedef struct {
    const char *name;
    int type;
    void *values;
    bs_buffer *strings;
    int64_t *offsets;
    int allow_nonfinite;
} bs_output;

/// The outcome of one call over n rows: a status per row, and a message per row whose status is
/// not BS_OK (message i is messages[offsets[i] ..< offsets[i + 1]]).
typedef struct {
    uint8_t *status;
    bs_buffer *messages;
    int64_t *offsets;
} bs_result;

typedef struct bs_state bs_state;

/// A new sandboxed state; NULL if even that fails (message in err).
bs_state *bs_open(size_t memory_limit, uint64_t seed, char *err, size_t errlen);
void bs_close(bs_state *s);
size_t bs_memory_used(bs_state *s);

/// Loads and runs a script's text in the sandbox. `root`: the folder `require` may load from
/// (NULL: none). Returns 0, or non-zero with the message (script.lua:line: ...) in err.
int bs_load(bs_state *s, const char *source, size_t length, const char *chunkname, const char *root,
            char *err, size_t errlen);
/// Which hooks the loaded script defines (enum bs_hook bits).
int bs_hooks(bs_state *s);
/// Builds the `params` passed to every hook, read-only at every level, from `encoded` — built in C,
/// inside a protected call, so running out of the state's memory is an error, not an abort. The
/// encoding: a value is a tag byte and its payload, integers as 8 bytes little-endian:
/// 'n' (nil) | 'b' byte | 'i' int64 | 'f' float64 bits | 's' length, bytes |
/// 'a' count, count values (an array; a nil leaves a hole) | 'm' count, count × (length, key bytes, value)
/// (a map; a nil value is an absent field). The whole is one 'm'.
/// Returns 0, or non-zero with the message in err.
int bs_set_params(bs_state *s, const unsigned char *encoded, size_t length, char *err, size_t errlen);
/// Runs init(params) if defined, then freezes globals (assigning one in a hook is an error).
int bs_init(bs_state *s, int64_t budget, char *err, size_t errlen);

/// features(row, params) per row. `lines` are the rows' source lines (seeding math.random).
/// Returns 0, or non-zero when the call could not run at all (message in result row 0).
int bs_features_rows(bs_state *s, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                     bs_output *outputs, int noutputs, int64_t budget, bs_result *result);
/// validate(row, params) per row: true, or false plus a reason.
int bs_validate_rows(bs_state *s, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                     int64_t budget, bs_result *result);
/// features_batch(cols, n, params): one call, outputs as arrays of n values.
int bs_features_batch(bs_state *s, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                      bs_output *outputs, int noutputs, int64_t budget, bs_result *result);
/// validate_batch(cols, n, params): one call, an array of n verdicts (true or a reason).
int bs_validate_batch(bs_state *s, const bs_column *columns, int ncolumns, int64_t nrows, const int64_t *lines,
                      int64_t budget, bs_result *result);

void bs_buffer_free(bs_buffer *b);

/// Runs a chunk in the sandbox (its _ENV, `budget` instructions) and appends its result, or the
/// error message, to `out` as text. Returns 0, or non-zero when the chunk raised. For tests.
int bs_eval(bs_state *s, const char *source, size_t length, int64_t budget, bs_buffer *out);
/// The same in a fresh stock state (luaL_openlibs, no sandbox, no budget): the reference.
int bs_eval_stock(const char *source, size_t length, bs_buffer *out);

#endif
