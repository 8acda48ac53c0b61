// The sandbox's own Lua pattern matcher (string.find, match, gmatch, gsub), written from the
// Lua 5.4 manual, §6.4.1. The stock matcher backtracks in C, where the count hook never fires, so
// `(" "):rep(1e5):find("%s+$")` or `.-.-b` ran for minutes. This one counts its steps (each
// character test and each match attempt) and charges them to the row's instruction budget, so a
// runaway match ends with the same "instruction budget" error as a runaway loop.
//
// Semantics follow 5.4 exactly, error messages included (a differential test compares both), and
// so does the recursion structure: "pattern too complex" comes at the same 200 levels.
#include <ctype.h>
#include <string.h>
#include "internal.h"

#define PM_MAXDEPTH 200
#define PM_MAXCAPTURES 32  // stock Lua's LUA_MAXCAPTURES (set inside lstrlib.c, in no header)
#define PM_ESC '%'
#define PM_SPECIALS "^$*+?.([%-"
#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
// Steps are added up locally and charged in chunks: the common short match costs one
// subtraction per call, not one per character.
#define PM_CHUNK 1024

typedef struct {
    const char *src, *src_end;
    const char *p_end;
    lua_State *L;
    int depth;      // match levels left before "pattern too complex"
    int level;      // captures open or closed so far
    long steps;     // not yet charged
    struct {
        const char *init;
        ptrdiff_t len;
    } cap[PM_MAXCAPTURES];
} pm_state;

static void pm_flush(pm_state *m) {
    long n = m->steps;
    m->steps = 0;
    bs_charge(m->L, n);
}

static inline void pm_step(pm_state *m) {
    if (++m->steps >= PM_CHUNK) pm_flush(m);
}

// Class tests are the matcher's innermost work: a byte's classes as bits, looked up once, not a
// ctype call chain per test. Built at load time (in the "C" locale, as a Swift process runs).
static uint16_t class_of_byte[256];   // bit k: the byte is in class k
static uint16_t class_bit[256];       // for a class letter (either case): its bit; 0 for others
static uint8_t class_negated[256];    // for an upper-case class letter: 1

__attribute__((constructor)) static void build_class_tables(void) {
    static const char letters[] = "acdglpsuwxz";
    for (int k = 0; letters[k]; k++) {
        uint16_t bit = (uint16_t)(1u << k);
        int l = letters[k];
        class_bit[l] = class_bit[toupper(l)] = bit;
        class_negated[toupper(l)] = 1;
        for (int c = 0; c < 256; c++) {
            int in;
            switch (l) {
            case 'a': in = isalpha(c); break;
            case 'c': in = iscntrl(c); break;
            case 'd': in = isdigit(c); break;
            case 'g': in = isgraph(c); break;
            case 'l': in = islower(c); break;
            case 'p': in = ispunct(c); break;
            case 's': in = isspace(c); break;
            case 'u': in = isupper(c); break;
            case 'w': in = isalnum(c); break;
            case 'x': in = isxdigit(c); break;
            default: in = c == 0; break;  // %z: not in the 5.4 manual, but Debian's 5.4 keeps it
            }
            if (in) class_of_byte[c] |= bit;
        }
    }
}

/// A class letter (%a, %D, ...) against byte c; any other letter stands for itself.
static inline int class_has(int c, int cl) {
    uint16_t bit = class_bit[cl];
    if (!bit) return cl == c;
    return ((class_of_byte[c] & bit) != 0) ^ class_negated[cl];
}

/// Where the single-character class starting at p ends (past `%x`, `[...]` or one byte).
static const char *item_end(pm_state *m, const char *p) {
    char c = *p++;
    if (c == PM_ESC) {
        if (p >= m->p_end) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c == '[') {
        if (*p == '^') p++;
        // The first byte of a set is a member even when it is ']'.
        do {
            if (p >= m->p_end) luaL_error(m->L, "malformed pattern (missing ']')");
            c = *p++;
            if (c == PM_ESC && p < m->p_end) p++;
        } while (*p != ']');
        return p + 1;
    }
    return p;
}

/// A set [...] (p at '[', last at its ']') against byte c.
static int set_has(int c, const char *p, const char *last) {
    int yes = 1;
    if (p[1] == '^') {
        yes = 0;
        p++;
    }
    while (++p < last) {
        if (*p == PM_ESC) {
            p++;
            if (class_has(c, (unsigned char)*p)) return yes;
        } else if (p[1] == '-' && p + 2 < last) {
            p += 2;
            if ((unsigned char)p[-2] <= c && c <= (unsigned char)*p) return yes;
        } else if ((unsigned char)*p == c) {
            return yes;
        }
    }
    return !yes;
}

/// Does the item p..ep match the byte at s?
static int item_matches(pm_state *m, const char *s, const char *p, const char *ep) {
    pm_step(m);
    if (s >= m->src_end) return 0;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case PM_ESC: return class_has(c, (unsigned char)p[1]);
    case '[': return set_has(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

static const char *do_match(pm_state *m, const char *s, const char *p);

/// %bxy at s: x, then balanced x/y pairs, up to the closing y.
static const char *match_balance(pm_state *m, const char *s, const char *p) {
    if (p >= m->p_end - 1) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->src_end || *s != *p) return NULL;
    char open = p[0], close = p[1];
    int depth = 1;
    while (++s < m->src_end) {
        pm_step(m);
        if (*s == close) {
            if (--depth == 0) return s + 1;
        } else if (*s == open) {
            depth++;
        }
    }
    return NULL;
}

/// Greedy `*` (and `+` past its first byte): the longest run, then shorter ones.
static const char *expand_greedy(pm_state *m, const char *s, const char *p, const char *ep) {
    ptrdiff_t i = 0;
    while (item_matches(m, s + i, p, ep)) i++;
    for (; i >= 0; i--) {
        const char *r = do_match(m, s + i, ep + 1);
        if (r) return r;
    }
    return NULL;
}

/// Lazy `-`: the shortest run that lets the rest match.
static const char *expand_lazy(pm_state *m, const char *s, const char *p, const char *ep) {
    for (;;) {
        const char *r = do_match(m, s, ep + 1);
        if (r) return r;
        if (!item_matches(m, s, p, ep)) return NULL;
        s++;
    }
}

static const char *open_capture(pm_state *m, const char *s, const char *p, ptrdiff_t what) {
    if (m->level >= PM_MAXCAPTURES) luaL_error(m->L, "too many captures");
    m->cap[m->level].init = s;
    m->cap[m->level].len = what;
    m->level++;
    const char *r = do_match(m, s, p);
    if (!r) m->level--;
    return r;
}

static const char *close_capture(pm_state *m, const char *s, const char *p) {
    int l = m->level - 1;
    while (l >= 0 && m->cap[l].len != CAP_UNFINISHED) l--;
    if (l < 0) luaL_error(m->L, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].init;
    const char *r = do_match(m, s, p);
    if (!r) m->cap[l].len = CAP_UNFINISHED;
    return r;
}

/// %1..%9: the index of a closed capture.
static int capture_index(pm_state *m, int digit) {
    int l = digit - '1';
    if (l < 0 || l >= m->level || m->cap[l].len == CAP_UNFINISHED)
        luaL_error(m->L, "invalid capture index %%%d", l + 1);
    return l;
}

/// Matches pattern p (to p_end) at s; the end of the match or NULL. Simple items loop here;
/// choices (quantifiers, captures) recurse, counted against PM_MAXDEPTH.
static const char *do_match(pm_state *m, const char *s, const char *p) {
    if (m->depth-- == 0) luaL_error(m->L, "pattern too complex");
    pm_step(m);
    for (;;) {
        if (p >= m->p_end) break;
        if (*p == '(') {
            s = p + 1 < m->p_end && p[1] == ')' ? open_capture(m, s, p + 2, CAP_POSITION)
                                                 : open_capture(m, s, p + 1, CAP_UNFINISHED);
            break;
        }
        if (*p == ')') {
            s = close_capture(m, s, p + 1);
            break;
        }
        if (*p == '$' && p + 1 == m->p_end) {
            if (s != m->src_end) s = NULL;
            break;
        }
        if (*p == PM_ESC && p + 1 < m->p_end) {
            char next = p[1];
            if (next == 'b') {
                s = match_balance(m, s, p + 2);
                if (!s) break;
                p += 4;
                continue;
            }
            if (next == 'f') {
                p += 2;
                if (p >= m->p_end || *p != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
                const char *ep = item_end(m, p);
                int before = s == m->src ? 0 : (unsigned char)s[-1];
                int here = s < m->src_end ? (unsigned char)*s : 0;
                pm_step(m);
                if (!set_has(before, p, ep - 1) && set_has(here, p, ep - 1)) {
                    p = ep;
                    continue;
                }
                s = NULL;
                break;
            }
            if (isdigit((unsigned char)next)) {
                int l = capture_index(m, next);
                size_t len = (size_t)m->cap[l].len;
                m->steps += (long)(len / 16);  // memcmp's work, roughly
                pm_step(m);
                if ((size_t)(m->src_end - s) >= len && memcmp(m->cap[l].init, s, len) == 0) {
                    s += len;
                    p += 2;
                    continue;
                }
                s = NULL;
                break;
            }
        }
        // A single-character item, perhaps with a quantifier.
        const char *ep = item_end(m, p);
        char q = ep < m->p_end ? *ep : '\0';
        if (!item_matches(m, s, p, ep)) {
            if (q == '*' || q == '?' || q == '-') {
                p = ep + 1;
                continue;
            }
            s = NULL;
            break;
        }
        if (q == '?') {
            const char *r = do_match(m, s + 1, ep + 1);
            if (r) {
                s = r;
                break;
            }
            p = ep + 1;
            continue;
        }
        if (q == '+') {
            s = expand_greedy(m, s + 1, p, ep);
            break;
        }
        if (q == '*') {
            s = expand_greedy(m, s, p, ep);
            break;
        }
        if (q == '-') {
            s = expand_lazy(m, s, p, ep);
            break;
        }
        s++;
        p = ep;
    }
    m->depth++;
    return s;
}

static void pm_init(pm_state *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    m->L = L;
    m->src = s;
    m->src_end = s + ls;
    m->p_end = p + lp;
    m->steps = 0;
}

static inline void pm_reset(pm_state *m) {
    m->level = 0;
    m->depth = PM_MAXDEPTH;
}

/// Pushes capture i of the match s..e (capture 0 without captures: the whole match).
static void push_capture(pm_state *m, int i, const char *s, const char *e) {
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s));
        return;
    }
    ptrdiff_t len = m->cap[i].len;
    if (len == CAP_UNFINISHED) luaL_error(m->L, "unfinished capture");
    if (len == CAP_POSITION) lua_pushinteger(m->L, (lua_Integer)(m->cap[i].init - m->src) + 1);
    else lua_pushlstring(m->L, m->cap[i].init, (size_t)len);
}

/// Pushes all captures (or the whole match, when s is given and there are none); their count.
static int push_captures(pm_state *m, const char *s, const char *e) {
    int n = m->level == 0 && s ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++) push_capture(m, i, s, e);
    return n;
}

/// A relative start position (negative counts from the end) clamped to 1 from below.
static size_t start_at(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0) return 1;
    if (pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t lp) {
    for (size_t i = 0; i < lp; i++)
        if (p[i] && strchr(PM_SPECIALS, p[i])) return 1;
    return 0;
}

/// Plain substring search, charged by the bytes it may scan.
static const char *find_plain(lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    if (lp == 0) return s;
    if (lp > ls) return NULL;
    const char *end = s + (ls - lp) + 1;
    const char *at = s;
    long scanned = 0;
    while (at < end) {
        const char *hit = memchr(at, *p, (size_t)(end - at));
        if (!hit) break;
        scanned += (hit - at) / 16 + (long)lp / 16 + 1;
        if (memcmp(hit + 1, p + 1, lp - 1) == 0) {
            bs_charge(L, scanned);
            return hit;
        }
        at = hit + 1;
        if (scanned >= PM_CHUNK) {
            bs_charge(L, scanned);
            scanned = 0;
        }
    }
    bs_charge(L, scanned + (end > at ? (end - at) / 16 : 0));
    return NULL;
}

static int find_or_match(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const char *hit = find_plain(L, s + init, ls - init, p, lp);
        if (hit) {
            lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
            lua_pushinteger(L, (lua_Integer)(hit - s + lp));
            return 2;
        }
        luaL_pushfail(L);
        return 1;
    }
    pm_state m;
    int anchor = lp > 0 && *p == '^';
    if (anchor) {
        p++;
        lp--;
    }
    pm_init(&m, L, s, ls, p, lp);
    const char *at = s + init;
    do {
        pm_reset(&m);
        const char *e = do_match(&m, at, p);
        if (e) {
            pm_flush(&m);
            if (find) {
                lua_pushinteger(L, (lua_Integer)(at - s) + 1);
                lua_pushinteger(L, (lua_Integer)(e - s));
                return push_captures(&m, NULL, NULL) + 2;
            }
            return push_captures(&m, at, e);
        }
    } while (at++ < m.src_end && !anchor);
    pm_flush(&m);
    luaL_pushfail(L);
    return 1;
}

static int pm_find(lua_State *L) { return find_or_match(L, 1); }
static int pm_match(lua_State *L) { return find_or_match(L, 0); }

/// gmatch's iterator: upvalues are the subject, the pattern and the position state.
typedef struct {
    size_t next;      // where the next search starts
    size_t last;      // end of the previous match + 1 (0: none yet): an empty match there is skipped
} pm_gmatch;

static int gmatch_step(lua_State *L) {
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    pm_gmatch *g = lua_touserdata(L, lua_upvalueindex(3));
    pm_state m;
    pm_init(&m, L, s, ls, p, lp);
    for (const char *at = s + g->next; at <= m.src_end; at++) {
        pm_reset(&m);
        const char *e = do_match(&m, at, p);
        if (e && (g->last == 0 || e != s + g->last - 1)) {
            g->next = (size_t)(e - s);
            g->last = g->next + 1;
            pm_flush(&m);
            return push_captures(&m, at, e);
        }
    }
    g->next = ls + 1;  // past the end: later calls find nothing
    pm_flush(&m);
    return 0;
}

static int pm_gmatch_fn(lua_State *L) {
    size_t ls;
    luaL_checklstring(L, 1, &ls);
    luaL_checkstring(L, 2);
    size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) init = ls + 1;
    lua_settop(L, 2);
    pm_gmatch *g = lua_newuserdatauv(L, sizeof *g, 0);
    g->next = init;
    g->last = 0;
    lua_pushcclosure(L, gmatch_step, 3);
    return 1;
}

/// Appends the replacement string for the match s..e, expanding %0-%9 and %%.
static void add_expanded(pm_state *m, luaL_Buffer *b, const char *s, const char *e) {
    size_t lr;
    const char *r = lua_tolstring(m->L, 3, &lr);
    const char *end = r + lr;
    while (r < end) {
        const char *esc = memchr(r, PM_ESC, (size_t)(end - r));
        if (!esc) {
            luaL_addlstring(b, r, (size_t)(end - r));
            break;
        }
        luaL_addlstring(b, r, (size_t)(esc - r));
        r = esc + 1;
        char c = r < end ? *r : '\0';
        if (c == PM_ESC) {
            luaL_addchar(b, PM_ESC);
        } else if (c == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit((unsigned char)c)) {
            push_capture(m, c - '1', s, e);
            luaL_tolstring(m->L, -1, NULL);
            lua_remove(m->L, -2);
            luaL_addvalue(b);
        } else {
            luaL_error(m->L, "invalid use of '%c' in replacement string", PM_ESC);
        }
        r++;
        m->steps += 1;
    }
    m->steps += (long)(lr / 16);
}

/// Appends what replaces the match s..e: the string's expansion, or the table's or function's
/// value for the first capture (false or nil keep the match).
static void add_replacement(pm_state *m, luaL_Buffer *b, const char *s, const char *e, int kind) {
    lua_State *L = m->L;
    if (kind == LUA_TFUNCTION) {
        // The function is Lua code: its own instructions are counted by the hook.
        pm_flush(m);
        lua_pushvalue(L, 3);
        int n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (kind == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_expanded(m, b, s, e);
        return;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

static int pm_gsub(lua_State *L) {
    size_t ls, lp;
    const char *src = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *last = NULL;
    int kind = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE, 3,
                     "string/function/table");
    int anchor = lp > 0 && *p == '^';
    if (anchor) {
        p++;
        lp--;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    pm_state m;
    pm_init(&m, L, src, ls, p, lp);
    lua_Integer n = 0;
    while (n < max) {
        pm_reset(&m);
        const char *e = do_match(&m, src, p);
        if (e && e != last) {
            n++;
            add_replacement(&m, &b, src, e, kind);
            src = last = e;
        } else if (src < m.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchor) break;
    }
    pm_flush(&m);
    if (n == 0) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(m.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

void bs_install_patterns(lua_State *L, int strlib) {
    static const luaL_Reg fns[] = {
        {"find", pm_find}, {"match", pm_match}, {"gmatch", pm_gmatch_fn}, {"gsub", pm_gsub}, {NULL, NULL},
    };
    strlib = lua_absindex(L, strlib);
    for (int i = 0; fns[i].name; i++) {
        lua_pushcfunction(L, fns[i].func);
        lua_setfield(L, strlib, fns[i].name);
    }
}
