/* jinja.c — a dbt-shaped Jinja renderer (see jinja.h). Not a Jinja engine:
 * it knows the handful of calls that decide what a model reads (ref, source,
 * config, this, is_incremental) and strips the rest so the SQL stays
 * parseable. */
#include "catalog/jinja.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"

#define MAX_ARGS  8
#define MAX_DEPTH 64
#define ARG_MAX   256

/* ---------- call parsing: name(arg, 'str', key='v', tags=['a','b']) ---------- */

typedef struct call_arg {
    char key[64];      /* "" for a positional argument */
    char val[ARG_MAX]; /* string value; a list's strings joined by '\x1f' */
    bool is_string;    /* a quoted literal (or a list of them) */
} call_arg;

typedef struct call {
    char name[64];
    call_arg args[MAX_ARGS];
    int n;
} call;

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p)) p++;
    return p;
}

/* Reads a quoted string at p into out; returns the position after it. */
static const char *read_quoted(const char *p, const char *end, char *out, size_t cap)
{
    char q = *p++;
    size_t n = 0;
    while (p < end && *p != q) {
        if (*p == '\\' && p + 1 < end) p++;
        if (n + 1 < cap) out[n++] = *p;
        p++;
    }
    out[n] = '\0';
    return p < end ? p + 1 : p;
}

static const char *read_ident(const char *p, const char *end, char *out, size_t cap)
{
    size_t n = 0;
    while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '.')) {
        if (n + 1 < cap) out[n++] = *p;
        p++;
    }
    out[n] = '\0';
    return p;
}

/* Skips a value that is not a string literal (a variable, a number, a dict),
 * honouring brackets and quotes, up to the next top-level ',' or ')'. */
static const char *skip_value(const char *p, const char *end)
{
    int depth = 0;
    while (p < end) {
        if (*p == '\'' || *p == '"') {
            char tmp[2];
            p = read_quoted(p, end, tmp, sizeof tmp);
            continue;
        }
        if (*p == '(' || *p == '[' || *p == '{') depth++;
        if (*p == ')' || *p == ']' || *p == '}') {
            if (depth == 0) return p;
            depth--;
        }
        if (*p == ',' && depth == 0) return p;
        p++;
    }
    return p;
}

static const char *read_list(const char *p, const char *end, call_arg *a)
{
    size_t n = 0;
    p++; /* '[' */
    a->is_string = true;
    while (p < end && *p != ']') {
        p = skip_ws(p, end);
        if (p < end && (*p == '\'' || *p == '"')) {
            char item[ARG_MAX];
            p = read_quoted(p, end, item, sizeof item);
            size_t il = strlen(item);
            if (n + il + 2 < sizeof a->val) {
                if (n) a->val[n++] = '\x1f';
                memcpy(a->val + n, item, il);
                n += il;
                a->val[n] = '\0';
            }
        } else if (p < end && *p != ']') {
            p = skip_value(p, end);
            if (p < end && *p == ',')
                p++;
            else if (p < end && *p != ']')
                p++;
            continue;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',') p++;
    }
    return p < end ? p + 1 : p;
}

static const char *read_arg(const char *p, const char *end, call_arg *a)
{
    memset(a, 0, sizeof *a);
    const char *save = p;
    char id[64];
    const char *q = read_ident(p, end, id, sizeof id);
    const char *eq = skip_ws(q, end);
    if (id[0] && eq < end && *eq == '=' && (eq + 1 >= end || eq[1] != '=')) {
        scout_strlcpy(a->key, id, sizeof a->key);
        p = skip_ws(eq + 1, end);
    } else {
        p = save;
    }
    if (p < end && (*p == '\'' || *p == '"')) {
        a->is_string = true;
        p = read_quoted(p, end, a->val, sizeof a->val);
    } else if (p < end && *p == '[') {
        p = read_list(p, end, a);
    } else {
        p = skip_value(p, end);
    }
    return skip_ws(p, end);
}

/* Parses `name(args)` at the start of expr; false when expr is not a call. */
static bool parse_call(const char *expr, size_t len, call *c)
{
    const char *p = expr, *end = expr + len;
    memset(c, 0, sizeof *c);
    p = read_ident(skip_ws(p, end), end, c->name, sizeof c->name);
    p = skip_ws(p, end);
    if (!c->name[0] || p >= end || *p != '(') return false;
    p = skip_ws(p + 1, end);
    while (p < end && *p != ')' && c->n < MAX_ARGS) {
        p = read_arg(p, end, &c->args[c->n++]);
        if (p < end && *p == ',')
            p = skip_ws(p + 1, end);
        else if (p < end && *p != ')')
            return false;
    }
    return true;
}

static const char *positional(const call *c, int i)
{
    for (int k = 0, seen = 0; k < c->n; k++) {
        if (c->args[k].key[0]) continue;
        if (seen++ == i) return c->args[k].is_string ? c->args[k].val : NULL;
    }
    return NULL;
}

static const call_arg *kwarg(const call *c, const char *key)
{
    for (int k = 0; k < c->n; k++)
        if (!strcmp(c->args[k].key, key)) return &c->args[k];
    return NULL;
}

/* ---------- renderer state ---------- */

typedef enum { FRAME_IF, FRAME_FOR, FRAME_OTHER } frame_kind;

typedef struct frame {
    frame_kind kind;
    bool skipping;    /* this branch's text is dropped */
    bool incremental; /* an is_incremental() block */
    bool taken;       /* a branch of this if was kept already */
} frame;

typedef struct rstate {
    const scout_jinja_opts *o;
    scout_jinja_result *r;
    scout_buf out;
    frame stack[MAX_DEPTH];
    int depth;
    int line;
    scout_rc rc;
} rstate;

static bool skipping(const rstate *s)
{
    for (int i = 0; i < s->depth; i++)
        if (s->stack[i].skipping) return true;
    return false;
}

static void emit(rstate *s, const char *p, size_t n)
{
    if (!s->rc) s->rc = scout_buf_append(&s->out, p, n);
}

/* Removed text keeps its newlines so later line numbers still match the file. */
static void emit_newlines(rstate *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == '\n') emit(s, "\n", 1);
}

static void warn(rstate *s, const char *what)
{
    if (s->r->warning) return;
    char msg[160];
    snprintf(msg, sizeof msg, "%s at line %d", what, s->line);
    s->r->warning = scout_strdup(msg);
}

static void add_relation(rstate *s, const char *rel)
{
    scout_jinja_result *r = s->r;
    for (size_t i = 0; i < r->n_relations; i++)
        if (!strcmp(r->relations[i], rel)) return;
    char **v = realloc(r->relations, (r->n_relations + 1) * sizeof *v);
    char *d = scout_strdup(rel);
    if (!v || !d) {
        free(d);
        if (v) r->relations = v;
        s->rc = SCOUT_ENOMEM;
        return;
    }
    r->relations = v;
    r->relations[r->n_relations++] = d;
}

/* Each part double-quoted, so any schema or table name stays one identifier. */
static void emit_relation(rstate *s, const char *rel)
{
    emit(s, "\"", 1);
    for (const char *p = rel; *p; p++) {
        if (*p == '.')
            emit(s, "\".\"", 3);
        else if (*p != '"')
            emit(s, p, 1);
    }
    emit(s, "\"", 1);
}

/* ref()/source(): the relation it names, resolved when possible. */
static void relation_call(rstate *s, const call *c, bool out)
{
    bool is_ref = !strcmp(c->name, "ref");
    const char *a = positional(c, 0), *b = positional(c, 1);
    if (!a) {
        if (out) emit(s, SCOUT_JINJA_PLACEHOLDER, strlen(SCOUT_JINJA_PLACEHOLDER));
        s->r->stripped_exprs++;
        return;
    }
    scout_buf rel = SCOUT_BUF_INIT;
    bool known = s->o && s->o->resolve &&
                 s->o->resolve(s->o->ud, is_ref ? SCOUT_JINJA_REF : SCOUT_JINJA_SOURCE, a, b, &rel);
    if (!known) {
        s->r->unresolved++;
        scout_buf_reset(&rel);
        if (is_ref)
            scout_buf_puts(&rel, b ? b : a);
        else
            scout_buf_printf(&rel, "%s.%s", a, b ? b : "");
    }
    add_relation(s, scout_buf_cstr(&rel));
    if (out) emit_relation(s, scout_buf_cstr(&rel));
    scout_buf_free(&rel);
}

static void set_str(char **dst, const call_arg *a)
{
    if (!a || !a->is_string || *dst) return;
    *dst = scout_strdup(a->val);
}

static void config_call(rstate *s, const call *c)
{
    scout_jinja_result *r = s->r;
    set_str(&r->materialized, kwarg(c, "materialized"));
    set_str(&r->schema, kwarg(c, "schema"));
    set_str(&r->alias, kwarg(c, "alias"));
    const call_arg *tags = kwarg(c, "tags");
    if (!tags || !tags->is_string || r->tags) return;
    for (const char *p = tags->val; *p;) {
        const char *e = strchr(p, '\x1f');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char **v = realloc(r->tags, (r->n_tags + 1) * sizeof *v);
        if (!v) {
            s->rc = SCOUT_ENOMEM;
            return;
        }
        r->tags = v;
        r->tags[r->n_tags] = malloc(n + 1);
        if (!r->tags[r->n_tags]) {
            s->rc = SCOUT_ENOMEM;
            return;
        }
        memcpy(r->tags[r->n_tags], p, n);
        r->tags[r->n_tags++][n] = '\0';
        p += n + (e ? 1 : 0);
    }
}

/* Finds ref(/source( calls nested anywhere in an expression
 * (dbt_utils.star(from=ref('x'))) so the dependency is still recorded. */
static void nested_relations(rstate *s, const char *e, size_t n)
{
    static const char *const names[] = {"ref(", "source("};
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            size_t nl = strlen(names[k]);
            if (i + nl > n || strncmp(e + i, names[k], nl)) continue;
            if (i > 0 && (isalnum((unsigned char)e[i - 1]) || e[i - 1] == '_')) continue;
            call c;
            if (parse_call(e + i, n - i, &c)) relation_call(s, &c, false);
        }
}

/* Trims whitespace and Jinja's '-' / '+' whitespace-control marks. */
static void trim(const char **p, size_t *n)
{
    const char *b = *p, *e = *p + *n;
    while (b < e && (isspace((unsigned char)*b) || *b == '-' || *b == '+')) b++;
    while (e > b && (isspace((unsigned char)e[-1]) || e[-1] == '-' || e[-1] == '+')) e--;
    *p = b;
    *n = (size_t)(e - b);
}

static void expression(rstate *s, const char *e, size_t n)
{
    trim(&e, &n);
    call c;
    bool out = !skipping(s);
    if (parse_call(e, n, &c) && (!strcmp(c.name, "ref") || !strcmp(c.name, "source"))) {
        relation_call(s, &c, out);
        return;
    }
    if (parse_call(e, n, &c) && !strcmp(c.name, "config")) {
        config_call(s, &c);
        return;
    }
    if (n == 4 && !strncmp(e, "this", 4) && s->o && s->o->this_relation) {
        if (out) emit_relation(s, s->o->this_relation);
        return;
    }
    nested_relations(s, e, n);
    s->r->stripped_exprs++;
    if (out) emit(s, SCOUT_JINJA_PLACEHOLDER, strlen(SCOUT_JINJA_PLACEHOLDER));
}

/* ---------- statements ---------- */

static bool word_is(const char *p, size_t n, const char *w)
{
    size_t wl = strlen(w);
    return n >= wl && !strncmp(p, w, wl) && (n == wl || !isalnum((unsigned char)p[wl]));
}

static bool contains(const char *p, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        if (!strncmp(p + i, w, wl)) return true;
    return false;
}

static void push(rstate *s, frame_kind kind, bool skip, bool incremental)
{
    if (s->depth >= MAX_DEPTH) {
        warn(s, "jinja nested too deeply");
        return;
    }
    s->stack[s->depth++] = (frame){kind, skip, incremental, !skip};
}

static void pop(rstate *s, frame_kind kind, const char *tag)
{
    if (s->depth == 0 || s->stack[s->depth - 1].kind != kind) {
        char what[64];
        snprintf(what, sizeof what, "unmatched {%% %s %%}", tag);
        warn(s, what);
        return;
    }
    s->depth--;
}

/* else/elif: an incremental block's alternative is the full-refresh SQL and
 * is kept; any other if keeps only its first branch. */
static void branch(rstate *s, bool is_else)
{
    if (s->depth == 0 || s->stack[s->depth - 1].kind != FRAME_IF) {
        warn(s, "{% else %} outside {% if %}");
        return;
    }
    frame *f = &s->stack[s->depth - 1];
    if (f->incremental) {
        f->skipping = !is_else;
        return;
    }
    f->skipping = true;
    s->r->stripped_stmts++;
}

/* Skips from p to the end of the matching {% end<name> %}; returns the
 * position after it (or end). */
static const char *skip_block(rstate *s, const char *p, const char *end, const char *name)
{
    char open[32], close[40];
    snprintf(open, sizeof open, "%s", name);
    snprintf(close, sizeof close, "end%s", name);
    int depth = 1;
    const char *q = p;
    while (q < end) {
        const char *t = strstr(q, "{%");
        if (!t || t >= end) break;
        const char *te = strstr(t + 2, "%}");
        if (!te) break;
        const char *w = t + 2;
        size_t wn = (size_t)(te - w);
        trim(&w, &wn);
        if (word_is(w, wn, open)) depth++;
        if (word_is(w, wn, close) && --depth == 0) {
            emit_newlines(s, p, (size_t)(te + 2 - p));
            return te + 2;
        }
        q = te + 2;
    }
    char what[64];
    snprintf(what, sizeof what, "unterminated {%% %s %%}", name);
    warn(s, what);
    emit_newlines(s, p, (size_t)(end - p));
    return end;
}

/* Handles one {% statement %}; may consume text after it (raw, macro, set
 * blocks). Returns where scanning continues. */
static const char *statement(rstate *s, const char *w, size_t n, const char *after, const char *end)
{
    trim(&w, &n);
    if (word_is(w, n, "if")) {
        bool inc = contains(w, n, "is_incremental");
        if (inc) s->r->incremental_blocks++;
        push(s, FRAME_IF, inc, inc);
    } else if (word_is(w, n, "elif")) {
        branch(s, false);
    } else if (word_is(w, n, "else")) {
        branch(s, true);
    } else if (word_is(w, n, "endif")) {
        pop(s, FRAME_IF, "endif");
    } else if (word_is(w, n, "for")) {
        push(s, FRAME_FOR, false, false);
        s->r->stripped_stmts++;
    } else if (word_is(w, n, "endfor")) {
        pop(s, FRAME_FOR, "endfor");
    } else if (word_is(w, n, "raw")) {
        const char *e = strstr(after, "{% endraw %}");
        if (!e) e = strstr(after, "{%- endraw -%}");
        if (!e || e > end) {
            warn(s, "unterminated {% raw %}");
            e = end;
        }
        if (!skipping(s)) emit(s, after, (size_t)(e - after));
        const char *close = e < end ? strstr(e, "%}") : NULL;
        return close ? close + 2 : end;
    } else if (word_is(w, n, "macro") || word_is(w, n, "docs") || word_is(w, n, "call") ||
               word_is(w, n, "test") || word_is(w, n, "materialization")) {
        char name[32];
        size_t k = 0;
        while (k < n && k < sizeof name - 1 && isalpha((unsigned char)w[k])) name[k] = w[k], k++;
        name[k] = '\0';
        s->r->stripped_stmts++;
        return skip_block(s, after, end, name);
    } else if (word_is(w, n, "set") && !memchr(w, '=', n)) {
        s->r->stripped_stmts++;
        return skip_block(s, after, end, "set");
    } else if (!word_is(w, n, "snapshot") && !word_is(w, n, "endsnapshot")) {
        s->r->stripped_stmts++;
    }
    return after;
}

/* ---------- main loop ---------- */

/* The end of a tag opened at p (just after "{{" etc.): the closing marker,
 * ignoring markers inside quoted strings. NULL when unterminated. */
static const char *tag_end(const char *p, const char *end, const char *close)
{
    while (p + 1 < end) {
        if (*p == '\'' || *p == '"') {
            char q = *p++;
            while (p < end && *p != q) p += (*p == '\\') ? 2 : 1;
            p++;
            continue;
        }
        if (p[0] == close[0] && p[1] == close[1]) return p;
        p++;
    }
    return NULL;
}

static int count_lines(const char *p, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++) k += p[i] == '\n';
    return k;
}

static void render_all(rstate *s, const char *src)
{
    const char *p = src, *end = src + strlen(src);
    while (p < end && !s->rc) {
        const char *t = strchr(p, '{');
        while (t && t[1] != '{' && t[1] != '%' && t[1] != '#') t = strchr(t + 1, '{');
        if (!t) t = end;
        if (skipping(s))
            emit_newlines(s, p, (size_t)(t - p));
        else
            emit(s, p, (size_t)(t - p));
        s->line += count_lines(p, (size_t)(t - p));
        if (t >= end) break;
        char open = t[1];
        const char *close = open == '{' ? "}}" : open == '%' ? "%}" : "#}";
        const char *e = open == '#' ? strstr(t + 2, "#}") : tag_end(t + 2, end, close);
        if (!e) {
            warn(s, open == '{'   ? "unterminated {{"
                    : open == '%' ? "unterminated {%"
                                  : "unterminated {#");
            emit_newlines(s, t, (size_t)(end - t));
            break;
        }
        const char *after = e + 2;
        emit_newlines(s, t, (size_t)(after - t));
        s->line += count_lines(t, (size_t)(after - t));
        if (open == '#')
            s->r->comments++;
        else if (open == '{')
            expression(s, t + 2, (size_t)(e - t - 2));
        else {
            const char *next = statement(s, t + 2, (size_t)(e - t - 2), after, end);
            s->line += count_lines(after, (size_t)(next - after));
            after = next;
        }
        p = after;
    }
    if (s->depth > 0) warn(s, "unclosed {% if %} or {% for %}");
}

scout_rc scout_jinja_render(const char *src, const scout_jinja_opts *opts, scout_jinja_result *out,
                            scout_err *err)
{
    memset(out, 0, sizeof *out);
    rstate s = {.o = opts, .r = out, .line = 1};
    scout_buf_init(&s.out, 0);
    render_all(&s, src ? src : "");
    if (!s.rc) {
        out->sql = scout_buf_take(&s.out);
        if (!out->sql) s.rc = SCOUT_ENOMEM;
    }
    scout_buf_free(&s.out);
    if (s.rc) {
        scout_jinja_result_free(out);
        return scout_err_set(err, s.rc,
                             s.rc == SCOUT_ELIMIT ? "rendered sql is too large"
                                                  : "out of memory rendering jinja");
    }
    return SCOUT_OK;
}

int scout_jinja_stripped(const scout_jinja_result *r)
{
    return r->stripped_exprs + r->stripped_stmts;
}

void scout_jinja_result_free(scout_jinja_result *r)
{
    if (!r) return;
    free(r->sql);
    free(r->materialized);
    free(r->schema);
    free(r->alias);
    for (size_t i = 0; i < r->n_tags; i++) free(r->tags[i]);
    free(r->tags);
    for (size_t i = 0; i < r->n_relations; i++) free(r->relations[i]);
    free(r->relations);
    free(r->warning);
    memset(r, 0, sizeof *r);
}
