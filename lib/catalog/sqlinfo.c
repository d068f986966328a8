/* sqlinfo.c — walks libpg_query's JSON parse tree (see sqlinfo.h).
 *
 * The walk keeps a scope per SELECT: the FROM items visible to its
 * expressions, each either a base relation (kept as written) or a derived
 * one (a CTE or subquery, described by its output columns, each already
 * mapped to base columns). Resolving a column reference through the scope
 * is what lets lineage see through CTE and subquery aliases. Everything the
 * result holds lives in one arena freed with the info. */
#include "catalog/sqlinfo.h"

#include <ctype.h>
#include <jansson.h>
#include <pg_query.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/fsutil.h"
#include "base/hash.h"

#define SQL_MAX_BYTES   ((size_t)4 << 20)
#define RENDER_MAX      240 /* characters of a rendered expression */
#define MAX_DEPTH       200 /* nesting the walk follows before giving up */
#define ARENA_MIN_BLOCK ((size_t)16 << 10)

/* ---------- arena ---------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block;

struct scout_sqlinfo_arena {
    arena_block *head;
    jmp_buf *oom; /* where to unwind when an allocation fails */
};

static void *arena_alloc(struct scout_sqlinfo_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_MIN_BLOCK ? n : ARENA_MIN_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b) longjmp(*a->oom, 1);
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void arena_free(struct scout_sqlinfo_arena *a)
{
    if (!a) return;
    for (arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

static char *arena_strndup(struct scout_sqlinfo_arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *arena_strdup(struct scout_sqlinfo_arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

/* Grows an arena array to hold n + 1 elements (the old copy is abandoned in
 * the arena: at most doubling the space, never a leak). */
static void *arena_grow(struct scout_sqlinfo_arena *a, void *p, size_t n, size_t *cap, size_t elt)
{
    if (n < *cap) return p;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *q = arena_alloc(a, ncap * elt);
    if (n) memcpy(q, p, n * elt);
    *cap = ncap;
    return q;
}

#define PUSH(a, arr, n, cap)                                                                       \
    ((arr) = arena_grow((a), (arr), (n), &(cap), sizeof *(arr)), &(arr)[(n)++])

/* ---------- bounded text rendering ---------- */

typedef struct tbuf {
    char d[RENDER_MAX + 8];
    size_t n;
} tbuf;

static void tput(tbuf *t, const char *s, size_t len)
{
    if (t->n >= RENDER_MAX) return;
    size_t room = RENDER_MAX - t->n;
    if (len > room) {
        memcpy(t->d + t->n, s, room);
        t->n = RENDER_MAX;
        memcpy(t->d + t->n, "...", 4);
        return;
    }
    memcpy(t->d + t->n, s, len);
    t->n += len;
    t->d[t->n] = '\0';
}

static void tputs(tbuf *t, const char *s)
{
    tput(t, s, strlen(s));
}

static const char *tstr(tbuf *t)
{
    t->d[t->n < RENDER_MAX ? t->n : RENDER_MAX + 3] = '\0';
    return t->d;
}

/* ---------- JSON helpers ---------- */

/* A parse-tree node is {"TypeName": {...}}: returns the type, body in *body. */
static const char *node_type(json_t *n, json_t **body)
{
    *body = NULL;
    if (!json_is_object(n) || json_object_size(n) != 1) return "";
    void *it = json_object_iter(n);
    *body = json_object_iter_value(it);
    return json_object_iter_key(it);
}

static bool is_type(json_t *n, const char *type, json_t **body)
{
    return strcmp(node_type(n, body), type) == 0;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int jint(json_t *o, const char *key, int dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

/* The sval of a {"String": {"sval": ...}} node. */
static const char *string_node(json_t *n)
{
    json_t *b;
    if (!is_type(n, "String", &b)) return NULL;
    const char *s = jstr(b, "sval");
    return s ? s : "";
}

/* The last String of a name list (funcname, operator name, type names). */
static const char *last_name(json_t *list)
{
    size_t n = json_array_size(list);
    for (size_t i = n; i > 0; i--) {
        const char *s = string_node(json_array_get(list, i - 1));
        if (s) return s;
    }
    return "";
}

/* ---------- analysis state ---------- */

typedef struct dcol {
    const char *name;
    const char *transform;
    scout_sql_col *src;
    size_t n, cap;
} dcol;

/* A derived relation (CTE, subquery, set operation): its output columns. */
typedef struct derived {
    dcol *cols;
    size_t n, cap;
} derived;

typedef struct item {
    const char *alias;
    const char *rel; /* base relation as written, or NULL for a derived one */
    derived *d;
} item;

typedef struct scope {
    item *items;
    size_t n, cap;
    struct scope *parent;
} scope;

typedef struct cte {
    const char *name;
    derived *d;
} cte;

typedef struct ctx {
    struct scout_sqlinfo_arena *a;
    const char *sql;
    scout_sql_info *info;
    cte *ctes;
    size_t n_ctes, cap_ctes;
    size_t cap_rels, cap_outputs, cap_joins, cap_filters, cap_grain;
    int depth;
} ctx;

typedef struct colvec {
    scout_sql_col *v;
    size_t n, cap;
} colvec;

static derived *select_node(ctx *c, json_t *node, scope *outer, bool top);
static void collect(ctx *c, json_t *node, scope *s, colvec *out);
static void render(tbuf *t, json_t *node, int depth);

static const char *adup(ctx *c, const char *s)
{
    return arena_strdup(c->a, s);
}

static void colvec_add(ctx *c, colvec *cv, const char *table, const char *column)
{
    for (size_t i = 0; i < cv->n; i++)
        if (!strcmp(cv->v[i].column, column) &&
            ((!cv->v[i].table && !table) ||
             (cv->v[i].table && table && !strcmp(cv->v[i].table, table))))
            return;
    scout_sql_col *p = PUSH(c->a, cv->v, cv->n, cv->cap);
    p->table = table;
    p->column = column;
}

static int line_at(ctx *c, json_t *body)
{
    int loc = jint(body, "location", -1);
    return loc < 0 ? 0 : scout_sqlinfo_line_of(c->sql, loc);
}

/* ---------- relations and scopes ---------- */

static derived *find_cte(ctx *c, const char *name)
{
    for (size_t i = c->n_ctes; i > 0; i--)
        if (!strcmp(c->ctes[i - 1].name, name)) return c->ctes[i - 1].d;
    return NULL;
}

static void add_rel(ctx *c, const char *name, const char *alias, int line)
{
    scout_sql_info *in = c->info;
    for (size_t i = 0; i < in->n_rels; i++)
        if (!strcmp(in->rels[i].name, name)) return;
    scout_sql_rel *r = PUSH(c->a, in->rels, in->n_rels, c->cap_rels);
    r->name = name;
    r->alias = alias;
    r->line = line;
}

static void scope_add(ctx *c, scope *s, const char *alias, const char *rel, derived *d)
{
    item *it = PUSH(c->a, s->items, s->n, s->cap);
    it->alias = alias;
    it->rel = rel;
    it->d = d;
}

/* The name a relation's columns are qualified with: its alias, else its
 * last name part. */
static bool item_matches(const item *it, const char *q)
{
    if (it->alias) return !strcmp(it->alias, q);
    if (!it->rel) return false;
    const char *dot = strrchr(it->rel, '.');
    return !strcmp(dot ? dot + 1 : it->rel, q) || !strcmp(it->rel, q);
}

static dcol *derived_col(derived *d, const char *name)
{
    for (size_t i = 0; d && i < d->n; i++)
        if (d->cols[i].name && !strcmp(d->cols[i].name, name)) return &d->cols[i];
    return NULL;
}

/* Adds the base columns `col` of item `it` stands for; returns the derived
 * column passed through (for its transform) or NULL. */
static dcol *item_column(ctx *c, item *it, const char *col, colvec *out)
{
    if (it->rel) {
        colvec_add(c, out, it->rel, col);
        return NULL;
    }
    dcol *dc = derived_col(it->d, col);
    for (size_t i = 0; dc && i < dc->n; i++)
        colvec_add(c, out, dc->src[i].table, dc->src[i].column);
    return dc;
}

/* Resolves a ColumnRef's fields (qualifier parts then the column) against the
 * scope chain; an outer scope answers for correlated subqueries. */
static dcol *resolve_ref(ctx *c, scope *s, json_t *fields, colvec *out)
{
    size_t nf = json_array_size(fields);
    const char *col = string_node(json_array_get(fields, nf ? nf - 1 : 0));
    if (!col) return NULL; /* A_Star: handled by the select list */
    col = adup(c, col);    /* the tree is freed before the result is */
    if (nf >= 2) {
        const char *q = string_node(json_array_get(fields, nf - 2));
        for (scope *sc = s; sc && q; sc = sc->parent)
            for (size_t i = 0; i < sc->n; i++)
                if (item_matches(&sc->items[i], q)) return item_column(c, &sc->items[i], col, out);
        return NULL;
    }
    for (scope *sc = s; sc; sc = sc->parent) {
        for (size_t i = 0; i < sc->n; i++)
            if (!sc->items[i].rel && derived_col(sc->items[i].d, col))
                return item_column(c, &sc->items[i], col, out);
        size_t bases = 0, last = 0;
        for (size_t i = 0; i < sc->n; i++)
            if (sc->items[i].rel) bases++, last = i;
        if (bases == 1) return item_column(c, &sc->items[last], col, out);
        if (bases > 1) {
            colvec_add(c, out, NULL, col);
            return NULL;
        }
    }
    colvec_add(c, out, NULL, col);
    return NULL;
}

/* ---------- expression rendering ---------- */

static void render_list(tbuf *t, json_t *list, const char *sep, int depth)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        if (i) tputs(t, sep);
        render(t, json_array_get(list, i), depth + 1);
    }
}

static void render_const(tbuf *t, json_t *b)
{
    json_t *v;
    char num[32];
    if (json_is_true(json_object_get(b, "isnull"))) {
        tputs(t, "null");
    } else if ((v = json_object_get(b, "ival"))) {
        snprintf(num, sizeof num, "%lld",
                 (long long)json_integer_value(json_object_get(v, "ival")));
        tputs(t, num);
    } else if ((v = json_object_get(b, "fval"))) {
        tputs(t, jstr(v, "fval") ? jstr(v, "fval") : "0");
    } else if ((v = json_object_get(b, "boolval"))) {
        tputs(t, json_is_true(json_object_get(v, "boolval")) ? "true" : "false");
    } else if ((v = json_object_get(b, "sval"))) {
        const char *s = jstr(v, "sval");
        tputs(t, "'");
        for (const char *p = s ? s : ""; *p; p++) {
            if (*p == '\'')
                tputs(t, "''");
            else
                tput(t, p, 1);
        }
        tputs(t, "'");
    } else {
        tputs(t, "?");
    }
}

static void render_func(tbuf *t, json_t *b, int depth)
{
    tputs(t, last_name(json_object_get(b, "funcname")));
    tputs(t, "(");
    if (json_is_true(json_object_get(b, "agg_distinct"))) tputs(t, "distinct ");
    if (json_is_true(json_object_get(b, "agg_star")))
        tputs(t, "*");
    else
        render_list(t, json_object_get(b, "args"), ", ", depth);
    tputs(t, ")");
    if (json_object_get(b, "over")) tputs(t, " over (...)");
}

static const char *op_text(const char *op)
{
    if (!strcmp(op, "~~")) return "like";
    if (!strcmp(op, "!~~")) return "not like";
    if (!strcmp(op, "~~*")) return "ilike";
    if (!strcmp(op, "!~~*")) return "not ilike";
    return op;
}

static void render_aexpr(tbuf *t, json_t *b, int depth)
{
    const char *kind = jstr(b, "kind");
    const char *op = op_text(last_name(json_object_get(b, "name")));
    json_t *l = json_object_get(b, "lexpr"), *r = json_object_get(b, "rexpr");
    kind = kind ? kind : "";
    if (l) {
        render(t, l, depth + 1);
        tputs(t, " ");
    }
    if (!strcmp(kind, "AEXPR_IN")) {
        tputs(t, strcmp(op, "=") ? "not in (" : "in (");
        render(t, r, depth + 1);
        tputs(t, ")");
        return;
    }
    if (!strncmp(kind, "AEXPR_BETWEEN", 13) || !strncmp(kind, "AEXPR_NOT_BETWEEN", 17)) {
        json_t *items = json_object_get(json_object_get(r, "List"), "items");
        tputs(t, strstr(kind, "NOT") ? "not between " : "between ");
        render(t, json_array_get(items, 0), depth + 1);
        tputs(t, " and ");
        render(t, json_array_get(items, 1), depth + 1);
        return;
    }
    if (!strcmp(kind, "AEXPR_DISTINCT")) op = "is distinct from";
    if (!strcmp(kind, "AEXPR_NOT_DISTINCT")) op = "is not distinct from";
    tputs(t, op);
    tputs(t, " ");
    if (!strcmp(kind, "AEXPR_OP_ANY")) tputs(t, "any(");
    if (!strcmp(kind, "AEXPR_OP_ALL")) tputs(t, "all(");
    render(t, r, depth + 1);
    if (!strcmp(kind, "AEXPR_OP_ANY") || !strcmp(kind, "AEXPR_OP_ALL")) tputs(t, ")");
}

static void render_bool(tbuf *t, json_t *b, int depth)
{
    const char *op = jstr(b, "boolop");
    json_t *args = json_object_get(b, "args");
    bool is_not = op && !strcmp(op, "NOT_EXPR");
    if (is_not) tputs(t, "not ");
    for (size_t i = 0; i < json_array_size(args); i++) {
        json_t *a = json_array_get(args, i), *ab;
        if (i) tputs(t, op && !strcmp(op, "OR_EXPR") ? " or " : " and ");
        bool paren = is_type(a, "BoolExpr", &ab) || (is_not && !is_type(a, "ColumnRef", &ab));
        if (paren) tputs(t, "(");
        render(t, a, depth + 1);
        if (paren) tputs(t, ")");
    }
}

static void render_case(tbuf *t, json_t *b, int depth)
{
    tputs(t, "case");
    if (json_object_get(b, "arg")) {
        tputs(t, " ");
        render(t, json_object_get(b, "arg"), depth + 1);
    }
    json_t *args = json_object_get(b, "args");
    for (size_t i = 0; i < json_array_size(args); i++) {
        json_t *w;
        if (!is_type(json_array_get(args, i), "CaseWhen", &w)) continue;
        tputs(t, " when ");
        render(t, json_object_get(w, "expr"), depth + 1);
        tputs(t, " then ");
        render(t, json_object_get(w, "result"), depth + 1);
    }
    if (json_object_get(b, "defresult")) {
        tputs(t, " else ");
        render(t, json_object_get(b, "defresult"), depth + 1);
    }
    tputs(t, " end");
}

static void render_sublink(tbuf *t, json_t *b, int depth)
{
    const char *kind = jstr(b, "subLinkType");
    kind = kind ? kind : "";
    if (!strcmp(kind, "EXISTS_SUBLINK")) {
        tputs(t, "exists (select ...)");
        return;
    }
    if (json_object_get(b, "testexpr")) {
        render(t, json_object_get(b, "testexpr"), depth + 1);
        tputs(t, !strcmp(kind, "ANY_SUBLINK") ? " in " : " ");
    }
    tputs(t, "(select ...)");
}

static void render_svf(tbuf *t, json_t *b)
{
    static const struct {
        const char *op, *text;
    } svf[] = {{"SVFOP_CURRENT_DATE", "current_date"},
               {"SVFOP_CURRENT_TIMESTAMP", "current_timestamp"},
               {"SVFOP_CURRENT_TIME", "current_time"},
               {"SVFOP_LOCALTIMESTAMP", "localtimestamp"},
               {"SVFOP_CURRENT_USER", "current_user"}};
    const char *op = jstr(b, "op");
    for (size_t i = 0; op && i < sizeof svf / sizeof svf[0]; i++)
        if (!strcmp(op, svf[i].op)) {
            tputs(t, svf[i].text);
            return;
        }
    tputs(t, "current_value");
}

static void render_colref(tbuf *t, json_t *b)
{
    json_t *fields = json_object_get(b, "fields");
    size_t n = json_array_size(fields);
    const char *s = n ? string_node(json_array_get(fields, n - 1)) : NULL;
    tputs(t, s ? s : "*"); /* qualifiers dropped: readable, alias-free text */
}

static void render_misc(tbuf *t, const char *type, json_t *b, int depth)
{
    if (!strcmp(type, "TypeCast")) {
        render(t, json_object_get(b, "arg"), depth + 1);
        tputs(t, "::");
        tputs(t, last_name(json_object_get(json_object_get(b, "typeName"), "names")));
    } else if (!strcmp(type, "CoalesceExpr")) {
        tputs(t, "coalesce(");
        render_list(t, json_object_get(b, "args"), ", ", depth);
        tputs(t, ")");
    } else if (!strcmp(type, "MinMaxExpr")) {
        const char *op = jstr(b, "op");
        tputs(t, op && !strcmp(op, "IS_LEAST") ? "least(" : "greatest(");
        render_list(t, json_object_get(b, "args"), ", ", depth);
        tputs(t, ")");
    } else if (!strcmp(type, "NullTest")) {
        const char *nt = jstr(b, "nulltesttype");
        render(t, json_object_get(b, "arg"), depth + 1);
        tputs(t, nt && !strcmp(nt, "IS_NOT_NULL") ? " is not null" : " is null");
    } else if (!strcmp(type, "BooleanTest")) {
        const char *bt = jstr(b, "booltesttype");
        render(t, json_object_get(b, "arg"), depth + 1);
        tputs(t, " is ");
        tputs(t, bt && strstr(bt, "NOT") ? "not " : "");
        tputs(t, bt && strstr(bt, "FALSE")     ? "false"
                 : bt && strstr(bt, "UNKNOWN") ? "unknown"
                                               : "true");
    } else if (!strcmp(type, "List")) {
        render_list(t, json_object_get(b, "items"), ", ", depth);
    } else if (!strcmp(type, "RowExpr")) {
        tputs(t, "(");
        render_list(t, json_object_get(b, "args"), ", ", depth);
        tputs(t, ")");
    } else if (!strcmp(type, "ParamRef")) {
        char num[24];
        snprintf(num, sizeof num, "$%d", jint(b, "number", 0));
        tputs(t, num);
    } else if (!strcmp(type, "CollateClause") || !strcmp(type, "A_Indirection")) {
        render(t, json_object_get(b, "arg"), depth + 1);
    } else if (!strcmp(type, "SQLValueFunction")) {
        render_svf(t, b);
    } else {
        tputs(t, "...");
    }
}

static void render(tbuf *t, json_t *node, int depth)
{
    json_t *b;
    const char *type = node_type(node, &b);
    if (depth > 40 || !b) {
        tputs(t, "...");
        return;
    }
    if (!strcmp(type, "ColumnRef"))
        render_colref(t, b);
    else if (!strcmp(type, "A_Const"))
        render_const(t, b);
    else if (!strcmp(type, "FuncCall"))
        render_func(t, b, depth);
    else if (!strcmp(type, "A_Expr"))
        render_aexpr(t, b, depth);
    else if (!strcmp(type, "BoolExpr"))
        render_bool(t, b, depth);
    else if (!strcmp(type, "CaseExpr"))
        render_case(t, b, depth);
    else if (!strcmp(type, "SubLink"))
        render_sublink(t, b, depth);
    else
        render_misc(t, type, b, depth);
}

/* ---------- filters ---------- */

/* Flag columns (is_test, has_refund, deleted_flag) read better as
 * "excludes is_test = 1" than "only is_test = 0". */
static bool is_flag_column(const char *col)
{
    size_t n = strlen(col);
    return !strncmp(col, "is_", 3) || !strncmp(col, "has_", 4) || !strncmp(col, "was_", 4) ||
           (n > 5 && !strcmp(col + n - 5, "_flag")) || !strcmp(col, "deleted") ||
           !strcmp(col, "active");
}

/* A literal 0/1/true/false: returns 1 for truthy, 0 for falsy, -1 otherwise. */
static int flag_value(const char *v)
{
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "'1'") || !strcmp(v, "'t'")) return 1;
    if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "'0'") || !strcmp(v, "'f'")) return 0;
    return -1;
}

static bool is_value(json_t *n)
{
    json_t *b;
    const char *type = node_type(n, &b);
    if (!strcmp(type, "TypeCast")) return is_value(json_object_get(b, "arg"));
    return !strcmp(type, "A_Const");
}

/* col = value / col <> value as "only ..." or "excludes ...". */
static bool describe_compare(tbuf *t, json_t *b)
{
    const char *op = last_name(json_object_get(b, "name"));
    bool eq = !strcmp(op, "="), ne = !strcmp(op, "<>") || !strcmp(op, "!=");
    json_t *l = json_object_get(b, "lexpr"), *r = json_object_get(b, "rexpr"), *cb;
    if (!(eq || ne)) return false;
    if (!is_type(l, "ColumnRef", &cb)) {
        json_t *tmp = l;
        l = r;
        r = tmp;
    }
    if (!is_type(l, "ColumnRef", &cb) || !is_value(r)) return false;
    tbuf col = {.n = 0}, val = {.n = 0};
    render(&col, l, 0);
    render(&val, r, 0);
    const char *cs = tstr(&col), *vs = tstr(&val);
    int fv = is_flag_column(cs) ? flag_value(vs) : -1;
    if (fv >= 0) {
        bool keeps_true = (fv == 1) == eq;
        tputs(t, keeps_true ? "only " : "excludes ");
        tputs(t, cs);
        tputs(t, strchr("01'", vs[0]) ? " = 1" : " = true");
        return true;
    }
    tputs(t, eq ? "only " : "excludes ");
    tputs(t, cs);
    tputs(t, " = ");
    tputs(t, vs);
    return true;
}

static bool describe_aexpr(tbuf *t, json_t *b)
{
    const char *kind = jstr(b, "kind");
    const char *op = last_name(json_object_get(b, "name"));
    kind = kind ? kind : "";
    if (!strcmp(kind, "AEXPR_OP")) return describe_compare(t, b);
    bool negated = (!strcmp(kind, "AEXPR_IN") && strcmp(op, "=")) || op[0] == '!';
    if (!strcmp(kind, "AEXPR_IN") || !strcmp(kind, "AEXPR_LIKE") || !strcmp(kind, "AEXPR_ILIKE")) {
        tputs(t, negated ? "excludes " : "only ");
        render(t, json_object_get(b, "lexpr"), 1);
        if (!strcmp(kind, "AEXPR_IN")) {
            tputs(t, " in (");
            render(t, json_object_get(b, "rexpr"), 1);
            tputs(t, ")");
        } else {
            tputs(t, !strcmp(kind, "AEXPR_LIKE") ? " like " : " ilike ");
            render(t, json_object_get(b, "rexpr"), 1);
        }
        return true;
    }
    return false;
}

/* Renders a WHERE/HAVING/ON conjunct the way a reader would state it. */
static void describe(tbuf *t, json_t *node)
{
    json_t *b;
    const char *type = node_type(node, &b);
    if (!strcmp(type, "A_Expr") && describe_aexpr(t, b)) return;
    if (!strcmp(type, "NullTest")) {
        const char *nt = jstr(b, "nulltesttype");
        bool not_null = nt && !strcmp(nt, "IS_NOT_NULL");
        tputs(t, not_null ? "excludes " : "only ");
        render(t, json_object_get(b, "arg"), 1);
        tputs(t, " is null");
        return;
    }
    if (!strcmp(type, "BoolExpr") && jstr(b, "boolop") && !strcmp(jstr(b, "boolop"), "NOT_EXPR")) {
        tputs(t, "excludes ");
        render(t, json_array_get(json_object_get(b, "args"), 0), 1);
        return;
    }
    if (!strcmp(type, "ColumnRef")) tputs(t, "only ");
    render(t, node, 0);
}

static void add_filter(ctx *c, json_t *node, scope *s, const char *clause)
{
    tbuf t = {.n = 0};
    describe(&t, node);
    const char *text = tstr(&t);
    colvec cols = {0};
    collect(c, node, s, &cols);
    scout_sql_info *in = c->info;
    for (size_t i = 0; i < in->n_filters; i++)
        if (!strcmp(in->filters[i].text, text)) return;
    json_t *b;
    node_type(node, &b);
    scout_sql_filter *f = PUSH(c->a, in->filters, in->n_filters, c->cap_filters);
    f->text = adup(c, text);
    f->clause = clause;
    f->columns = cols.v;
    f->n_columns = cols.n;
    f->line = line_at(c, b);
}

/* ---------- joins ---------- */

static bool same_col(const scout_sql_col *a, const scout_sql_col *b)
{
    return a->table && b->table && !strcmp(a->table, b->table) && !strcmp(a->column, b->column);
}

static void add_join(ctx *c, const scout_sql_col *l, const scout_sql_col *r, bool is_using,
                     int line)
{
    scout_sql_info *in = c->info;
    if (!l->table || !r->table || !strcmp(l->table, r->table)) return;
    for (size_t i = 0; i < in->n_joins; i++) {
        scout_sql_join *j = &in->joins[i];
        if ((same_col(&j->left, l) && same_col(&j->right, r)) ||
            (same_col(&j->left, r) && same_col(&j->right, l)))
            return;
    }
    scout_sql_join *j = PUSH(c->a, in->joins, in->n_joins, c->cap_joins);
    j->left = *l;
    j->right = *r;
    j->is_using = is_using;
    j->line = line;
}

/* a.x = b.y between two columns: a join when the sides resolve to different
 * relations. Returns false when the conjunct is not such an equality. */
static bool try_join(ctx *c, json_t *node, scope *s)
{
    json_t *b, *lb, *rb;
    if (!is_type(node, "A_Expr", &b)) return false;
    const char *kind = jstr(b, "kind");
    if (!kind || strcmp(kind, "AEXPR_OP") || strcmp(last_name(json_object_get(b, "name")), "="))
        return false;
    json_t *l = json_object_get(b, "lexpr"), *r = json_object_get(b, "rexpr");
    if (!is_type(l, "ColumnRef", &lb) || !is_type(r, "ColumnRef", &rb)) return false;
    colvec lc = {0}, rc = {0};
    resolve_ref(c, s, json_object_get(lb, "fields"), &lc);
    resolve_ref(c, s, json_object_get(rb, "fields"), &rc);
    int line = line_at(c, b);
    for (size_t i = 0; i < lc.n; i++)
        for (size_t k = 0; k < rc.n; k++) add_join(c, &lc.v[i], &rc.v[k], false, line);
    return lc.n && rc.n;
}

static void predicate(ctx *c, json_t *node, scope *s, const char *clause)
{
    json_t *b;
    if (is_type(node, "BoolExpr", &b) && jstr(b, "boolop") &&
        !strcmp(jstr(b, "boolop"), "AND_EXPR")) {
        json_t *args = json_object_get(b, "args");
        for (size_t i = 0; i < json_array_size(args); i++)
            predicate(c, json_array_get(args, i), s, clause);
        return;
    }
    if (try_join(c, node, s)) return;
    add_filter(c, node, s, clause);
}

/* ---------- column collection ---------- */

static void collect(ctx *c, json_t *node, scope *s, colvec *out)
{
    if (c->depth > MAX_DEPTH) return;
    c->depth++;
    json_t *b;
    if (json_is_array(node)) {
        for (size_t i = 0; i < json_array_size(node); i++)
            collect(c, json_array_get(node, i), s, out);
    } else if (json_is_object(node)) {
        const char *type = node_type(node, &b);
        if (!strcmp(type, "ColumnRef")) {
            resolve_ref(c, s, json_object_get(b, "fields"), out);
        } else if (!strcmp(type, "SubLink")) {
            select_node(c, json_object_get(b, "subselect"), s, false);
            collect(c, json_object_get(b, "testexpr"), s, out);
        } else if (!strcmp(type, "SelectStmt")) {
            select_node(c, node, s, false);
        } else {
            const char *key;
            json_t *v;
            json_object_foreach(node, key, v)
            {
                if (json_is_object(v) || json_is_array(v)) collect(c, v, s, out);
            }
        }
    }
    c->depth--;
}

/* ---------- FROM ---------- */

static const char *range_name(ctx *c, json_t *b)
{
    const char *parts[3] = {jstr(b, "catalogname"), jstr(b, "schemaname"), jstr(b, "relname")};
    char name[768];
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        if (!parts[i]) continue;
        int w = snprintf(name + n, sizeof name - n, "%s%s", n ? "." : "", parts[i]);
        if (w < 0 || (size_t)w >= sizeof name - n) break;
        n += (size_t)w;
    }
    return arena_strndup(c->a, name, n);
}

static const char *alias_of(ctx *c, json_t *b)
{
    return adup(c, jstr(json_object_get(b, "alias"), "aliasname"));
}

/* Finds `col` among the items [from, to) for USING: the single item, a
 * derived one that has it, else the last base relation. */
static void using_side(ctx *c, scope *s, size_t from, size_t to, const char *col, colvec *out)
{
    if (to - from == 1) {
        item_column(c, &s->items[from], col, out);
        return;
    }
    for (size_t i = from; i < to; i++)
        if (!s->items[i].rel && derived_col(s->items[i].d, col)) {
            item_column(c, &s->items[i], col, out);
            return;
        }
    for (size_t i = to; i > from; i--)
        if (s->items[i - 1].rel) {
            item_column(c, &s->items[i - 1], col, out);
            return;
        }
}

static void from_item(ctx *c, json_t *node, scope *s);

static void join_expr(ctx *c, json_t *b, scope *s)
{
    c->info->has_join = true;
    size_t start = s->n;
    from_item(c, json_object_get(b, "larg"), s);
    size_t mid = s->n;
    from_item(c, json_object_get(b, "rarg"), s);
    json_t *using = json_object_get(b, "usingClause");
    for (size_t i = 0; i < json_array_size(using); i++) {
        const char *col = string_node(json_array_get(using, i));
        colvec l = {0}, r = {0};
        if (!col) continue;
        col = adup(c, col);
        using_side(c, s, start, mid, col, &l);
        using_side(c, s, mid, s->n, col, &r);
        for (size_t a = 0; a < l.n; a++)
            for (size_t k = 0; k < r.n; k++) add_join(c, &l.v[a], &r.v[k], true, 0);
    }
    if (json_object_get(b, "quals")) predicate(c, json_object_get(b, "quals"), s, "join");
}

static void from_item(ctx *c, json_t *node, scope *s)
{
    json_t *b;
    const char *type = node_type(node, &b);
    if (!b) return;
    if (!strcmp(type, "RangeVar")) {
        const char *name = range_name(c, b);
        const char *alias = alias_of(c, b);
        derived *d = strchr(name, '.') ? NULL : find_cte(c, name);
        if (d) {
            scope_add(c, s, alias ? alias : name, NULL, d);
            return;
        }
        add_rel(c, name, alias, line_at(c, b));
        scope_add(c, s, alias, name, NULL);
    } else if (!strcmp(type, "RangeSubselect")) {
        derived *d = select_node(c, json_object_get(b, "subquery"), s, false);
        scope_add(c, s, alias_of(c, b), NULL, d);
    } else if (!strcmp(type, "JoinExpr")) {
        join_expr(c, b, s);
    } else {
        /* Table functions (generate_series, unnest): no relation, but their
         * arguments may hold subqueries. */
        colvec ignored = {0};
        collect(c, node, s, &ignored);
        scope_add(c, s, alias_of(c, b), NULL, NULL);
    }
}

/* ---------- SELECT ---------- */

static dcol *add_dcol(ctx *c, derived *d, const char *name, const char *transform)
{
    dcol *dc = PUSH(c->a, d->cols, d->n, d->cap);
    memset(dc, 0, sizeof *dc);
    dc->name = name;
    dc->transform = transform;
    return dc;
}

static void star_item(ctx *c, derived *d, item *it)
{
    if (it->rel) {
        dcol *dc = add_dcol(c, d, "*", NULL);
        scout_sql_col *sc = PUSH(c->a, dc->src, dc->n, dc->cap);
        sc->table = it->rel;
        sc->column = "*";
        return;
    }
    for (size_t i = 0; it->d && i < it->d->n; i++) {
        dcol *src = &it->d->cols[i];
        dcol *dc = add_dcol(c, d, src->name, src->transform);
        dc->src = src->src;
        dc->n = dc->cap = src->n;
    }
}

static void star(ctx *c, derived *d, scope *s, json_t *fields)
{
    size_t nf = json_array_size(fields);
    const char *q = nf >= 2 ? string_node(json_array_get(fields, nf - 2)) : NULL;
    for (size_t i = 0; i < s->n; i++)
        if (!q || item_matches(&s->items[i], q)) star_item(c, d, &s->items[i]);
}

static const char *target_name(ctx *c, json_t *rt)
{
    const char *name = jstr(rt, "name");
    if (name) return adup(c, name);
    json_t *val = json_object_get(rt, "val"), *b;
    const char *type = node_type(val, &b);
    if (!strcmp(type, "TypeCast")) type = node_type(json_object_get(b, "arg"), &b);
    if (!strcmp(type, "ColumnRef")) {
        json_t *f = json_object_get(b, "fields");
        const char *s = string_node(json_array_get(f, json_array_size(f) - 1));
        if (s) return adup(c, s);
    }
    if (!strcmp(type, "FuncCall")) return adup(c, last_name(json_object_get(b, "funcname")));
    return "?column?";
}

static void target(ctx *c, derived *d, scope *s, json_t *rt)
{
    json_t *val = json_object_get(rt, "val"), *b;
    if (is_type(val, "ColumnRef", &b)) {
        json_t *fields = json_object_get(b, "fields");
        json_t *last = json_array_get(fields, json_array_size(fields) - 1), *sb;
        if (is_type(last, "A_Star", &sb)) {
            star(c, d, s, fields);
            return;
        }
    }
    colvec cols = {0};
    dcol *through = NULL;
    if (is_type(val, "ColumnRef", &b))
        through = resolve_ref(c, s, json_object_get(b, "fields"), &cols);
    else
        collect(c, val, s, &cols);
    const char *transform = NULL;
    if (!is_type(val, "ColumnRef", &b)) {
        tbuf t = {.n = 0};
        render(&t, val, 0);
        transform = adup(c, tstr(&t));
    } else if (through) {
        transform = through->transform;
    }
    dcol *dc = add_dcol(c, d, target_name(c, rt), transform);
    dc->src = cols.v;
    dc->n = dc->cap = cols.n;
}

/* Merges the right arm of a set operation into the left, column by column. */
static derived *merge_setop(ctx *c, derived *l, derived *r)
{
    if (!l) return r;
    for (size_t i = 0; r && i < l->n && i < r->n; i++) {
        dcol *dl = &l->cols[i], *dr = &r->cols[i];
        colvec cv = {dl->src, dl->n, dl->cap};
        for (size_t k = 0; k < dr->n; k++) colvec_add(c, &cv, dr->src[k].table, dr->src[k].column);
        dl->src = cv.v;
        dl->n = cv.n;
        dl->cap = cv.cap;
        if (!dl->transform) dl->transform = dr->transform;
    }
    return l;
}

static void with_clause(ctx *c, json_t *with)
{
    json_t *ctes = json_object_get(with, "ctes");
    bool recursive = json_is_true(json_object_get(with, "recursive"));
    for (size_t i = 0; i < json_array_size(ctes); i++) {
        json_t *b;
        if (!is_type(json_array_get(ctes, i), "CommonTableExpr", &b)) continue;
        cte *e = PUSH(c->a, c->ctes, c->n_ctes, c->cap_ctes);
        e->name = adup(c, jstr(b, "ctename") ? jstr(b, "ctename") : "");
        /* A recursive CTE refers to itself: make the name visible (empty)
         * first so it is not mistaken for a table. */
        e->d = recursive ? arena_alloc(c->a, sizeof(derived)) : NULL;
        if (e->d) memset(e->d, 0, sizeof(derived));
        size_t idx = c->n_ctes - 1;
        derived *d = select_node(c, json_object_get(b, "ctequery"), NULL, false);
        c->ctes[idx].d = d ? d : c->ctes[idx].d;
    }
}

static bool looks_aggregate(const char *transform)
{
    static const char *const aggs[] = {"count(", "sum(", "avg(", "min(", "max(", "group_concat("};
    for (size_t i = 0; transform && i < sizeof aggs / sizeof aggs[0]; i++)
        if (strstr(transform, aggs[i])) return true;
    return false;
}

static void grain(ctx *c, json_t *group, derived *d)
{
    scout_sql_info *in = c->info;
    for (size_t i = 0; i < json_array_size(group); i++) {
        json_t *g = json_array_get(group, i), *b;
        const char *key = NULL;
        if (is_type(g, "A_Const", &b) && json_object_get(b, "ival")) {
            long k = (long)json_integer_value(json_object_get(json_object_get(b, "ival"), "ival"));
            if (k >= 1 && (size_t)k <= d->n) key = d->cols[k - 1].name;
        }
        if (!key) {
            tbuf t = {.n = 0};
            render(&t, g, 0);
            key = adup(c, tstr(&t));
        }
        *PUSH(c->a, in->grain, in->n_grain, c->cap_grain) = key;
    }
}

static void top_facts(ctx *c, json_t *sel, derived *d)
{
    scout_sql_info *in = c->info;
    in->outputs = arena_alloc(c->a, (d->n ? d->n : 1) * sizeof *in->outputs);
    in->n_outputs = d->n;
    for (size_t i = 0; i < d->n; i++) {
        in->outputs[i] =
            (scout_sql_output){d->cols[i].name, d->cols[i].transform, d->cols[i].src, d->cols[i].n};
        if (!strcmp(d->cols[i].name, "*")) in->select_star = true;
        if (looks_aggregate(d->cols[i].transform)) in->has_aggregate = true;
    }
    json_t *group = json_object_get(sel, "groupClause");
    if (json_array_size(group)) {
        in->has_aggregate = true;
        grain(c, group, d);
    }
    in->distinct = json_object_get(sel, "distinctClause") != NULL;
    in->has_limit = json_object_get(sel, "limitCount") != NULL;
    in->has_where = json_object_get(sel, "whereClause") != NULL;
}

static derived *simple_select(ctx *c, json_t *sel, scope *outer)
{
    scope s = {.parent = outer};
    derived *d = arena_alloc(c->a, sizeof *d);
    memset(d, 0, sizeof *d);
    json_t *from = json_object_get(sel, "fromClause");
    for (size_t i = 0; i < json_array_size(from); i++) from_item(c, json_array_get(from, i), &s);
    if (json_array_size(from) > 1) c->info->has_join = true;
    json_t *targets = json_object_get(sel, "targetList"), *rt;
    for (size_t i = 0; i < json_array_size(targets); i++)
        if (is_type(json_array_get(targets, i), "ResTarget", &rt)) target(c, d, &s, rt);
    if (json_object_get(sel, "whereClause"))
        predicate(c, json_object_get(sel, "whereClause"), &s, "where");
    if (json_object_get(sel, "havingClause"))
        predicate(c, json_object_get(sel, "havingClause"), &s, "having");
    colvec ignored = {0};
    collect(c, json_object_get(sel, "groupClause"), &s, &ignored);
    collect(c, json_object_get(sel, "sortClause"), &s, &ignored);
    return d;
}

/* Analyses a SelectStmt body; top marks the statement's own result. Set
 * operation arms (larg/rarg) are bodies without the node wrapper. */
static derived *select_body(ctx *c, json_t *sel, scope *outer, bool top)
{
    if (!json_is_object(sel) || c->depth > MAX_DEPTH) return NULL;
    c->depth++;
    size_t saved_ctes = c->n_ctes;
    if (json_object_get(sel, "withClause")) with_clause(c, json_object_get(sel, "withClause"));
    const char *op = jstr(sel, "op");
    derived *d;
    if (op && strcmp(op, "SETOP_NONE")) {
        derived *l = select_body(c, json_object_get(sel, "larg"), outer, false);
        derived *r = select_body(c, json_object_get(sel, "rarg"), outer, false);
        d = merge_setop(c, l, r);
        if (!d) d = arena_alloc(c->a, sizeof *d), memset(d, 0, sizeof *d);
    } else {
        d = simple_select(c, sel, outer);
    }
    if (top) top_facts(c, sel, d);
    c->n_ctes = saved_ctes;
    c->depth--;
    return d;
}

/* Analyses a {"SelectStmt": ...} node. */
static derived *select_node(ctx *c, json_t *node, scope *outer, bool top)
{
    json_t *sel;
    if (!is_type(node, "SelectStmt", &sel)) return NULL;
    return select_body(c, sel, outer, top);
}

/* ---------- statements ---------- */

static const char *stmt_kind(const char *type)
{
    static const struct {
        const char *type, *kind;
    } kinds[] = {{"SelectStmt", "select"},
                 {"InsertStmt", "insert"},
                 {"UpdateStmt", "update"},
                 {"DeleteStmt", "delete"},
                 {"CreateTableAsStmt", "create_table_as"},
                 {"ViewStmt", "create_view"},
                 {"CreateStmt", "create_table"},
                 {"DropStmt", "drop"},
                 {"ExplainStmt", "explain"},
                 {"CopyStmt", "copy"}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].type, type)) return kinds[i].kind;
    return "other";
}

/* The query a writing statement is built from, and the relation it writes. */
static json_t *stmt_query(ctx *c, const char *type, json_t *b)
{
    json_t *rv = NULL, *q = NULL, *rb;
    if (!strcmp(type, "InsertStmt")) {
        rv = json_object_get(b, "relation");
        q = json_object_get(b, "selectStmt");
    } else if (!strcmp(type, "CreateTableAsStmt")) {
        rv = json_object_get(json_object_get(b, "into"), "rel");
        q = json_object_get(b, "query");
    } else if (!strcmp(type, "ViewStmt")) {
        rv = json_object_get(b, "view");
        q = json_object_get(b, "query");
    }
    if (rv && !c->info->target) {
        json_t *inner = rv;
        if (is_type(rv, "RangeVar", &rb)) inner = rb;
        c->info->target = range_name(c, inner);
    }
    return q;
}

static void statement(ctx *c, json_t *raw, bool first)
{
    json_t *b;
    const char *type = node_type(json_object_get(raw, "stmt"), &b);
    const char *kind = stmt_kind(type);
    if (first) c->info->kind = kind;
    if (strcmp(kind, "select")) c->info->is_select = false;
    json_t *q = strcmp(kind, "select") ? stmt_query(c, type, b) : json_object_get(raw, "stmt");
    if (q) {
        select_node(c, q, NULL, first);
    } else if (b) {
        colvec ignored = {0};
        collect(c, b, NULL, &ignored); /* UPDATE/DELETE: subqueries still read tables */
    }
}

static void analyze_tree(ctx *c, json_t *root)
{
    json_t *stmts = json_object_get(root, "stmts");
    c->info->parsed = true;
    c->info->is_select = json_array_size(stmts) > 0;
    c->info->kind = "empty";
    c->info->n_statements = (int)json_array_size(stmts);
    for (size_t i = 0; i < json_array_size(stmts); i++)
        statement(c, json_array_get(stmts, i), i == 0);
}

/* ---------- tokenizer fallback ---------- */

typedef struct tok {
    const char *p;
    size_t len;
    char kind; /* 'w' word, 'q' quoted identifier, 's' string, 'p' punctuation, 0 end */
} tok;

static const char *skip_space(const char *p)
{
    for (;;) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

static tok next_tok(const char **pp)
{
    const char *p = skip_space(*pp);
    tok t = {p, 0, 0};
    if (!*p) return t;
    if (*p == '\'' || *p == '"' || *p == '`') {
        char q = *p;
        const char *e = p + 1;
        while (*e && !(*e == q && e[1] != q)) e += (*e == q) ? 2 : 1;
        t = (tok){p + 1, (size_t)(e - p - 1), q == '\'' ? 's' : 'q'};
        *pp = *e ? e + 1 : e;
        return t;
    }
    if (isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
        const char *e = p;
        while (isalnum((unsigned char)*e) || *e == '_' || *e == '$' || (unsigned char)*e >= 0x80)
            e++;
        t = (tok){p, (size_t)(e - p), 'w'};
        *pp = e;
        return t;
    }
    t = (tok){p, 1, 'p'};
    *pp = p + 1;
    return t;
}

static bool tok_is(const tok *t, const char *word)
{
    return t->kind == 'w' && strlen(word) == t->len && !strncasecmp(t->p, word, t->len);
}

static bool tok_is_clause(const tok *t)
{
    static const char *const kw[] = {
        "where",  "group",     "order",    "limit",   "having", "join",    "on",
        "using",  "inner",     "left",     "right",   "full",   "cross",   "union",
        "except", "intersect", "window",   "natural", "outer",  "lateral", "select",
        "offset", "format",    "settings", "final",   "sample"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (tok_is(t, kw[i])) return true;
    return false;
}

/* Reads a dotted name starting at t; returns false when it is not a
 * relation (a subquery or a table function). */
static bool read_relname(ctx *c, const char **pp, tok t, char *name, size_t cap)
{
    size_t n = 0;
    for (;;) {
        if (t.kind != 'w' && t.kind != 'q') return false;
        if (n + t.len + 2 > cap) return false;
        if (n) name[n++] = '.';
        for (size_t i = 0; i < t.len; i++)
            name[n++] = t.kind == 'q' ? t.p[i] : (char)tolower((unsigned char)t.p[i]);
        name[n] = '\0';
        const char *save = *pp;
        tok d = next_tok(pp);
        if (d.kind == 'p' && d.p[0] == '.') {
            t = next_tok(pp);
            continue;
        }
        tok paren = d;
        *pp = save;
        return !(paren.kind == 'p' && paren.p[0] == '(');
    }
}

static bool is_cte_name(const char *sql, const char *name)
{
    const char *p = sql;
    tok a = next_tok(&p), b = next_tok(&p), cc = next_tok(&p);
    while (a.kind) {
        if ((a.kind == 'w' || a.kind == 'q') && tok_is(&b, "as") && cc.kind == 'p' &&
            cc.p[0] == '(' && a.len == strlen(name) && !strncasecmp(a.p, name, a.len))
            return true;
        a = b;
        b = cc;
        cc = next_tok(&p);
    }
    return false;
}

static void fallback_scan(ctx *c)
{
    const char *p = c->sql;
    bool in_from = false;
    tok t = next_tok(&p);
    if (t.kind == 'w') {
        char kind[32];
        size_t n = t.len < sizeof kind - 1 ? t.len : sizeof kind - 1;
        for (size_t i = 0; i < n; i++) kind[i] = (char)tolower((unsigned char)t.p[i]);
        kind[n] = '\0';
        c->info->kind = adup(c, kind);
        c->info->is_select = !strcmp(kind, "select") || !strcmp(kind, "with");
        if (!strcmp(kind, "with")) c->info->kind = "select";
    }
    while (t.kind) {
        bool starts = tok_is(&t, "from") || tok_is(&t, "join");
        bool more = in_from && t.kind == 'p' && t.p[0] == ',';
        if (starts || more) {
            in_from = tok_is(&t, "from") || (more && in_from);
            if (tok_is(&t, "join")) in_from = false;
            tok n = next_tok(&p);
            char name[768];
            if (read_relname(c, &p, n, name, sizeof name) && !tok_is(&n, "select") &&
                !is_cte_name(c->sql, name))
                add_rel(c, adup(c, name), NULL, scout_sqlinfo_line_of(c->sql, (int)(n.p - c->sql)));
        } else if (tok_is_clause(&t) || (t.kind == 'p' && (t.p[0] == '(' || t.p[0] == ')'))) {
            in_from = false;
        }
        t = next_tok(&p);
    }
}

/* ---------- entry points ---------- */

int scout_sqlinfo_line_of(const char *sql, int pos)
{
    int line = 1;
    for (int i = 0; i < pos && sql[i]; i++)
        if (sql[i] == '\n') line++;
    return line;
}

static void record_error(ctx *c, const PgQueryError *e)
{
    char msg[400];
    int line = e->cursorpos > 0 ? scout_sqlinfo_line_of(c->sql, e->cursorpos - 1) : 0;
    if (line)
        snprintf(msg, sizeof msg, "%s (line %d)", e->message ? e->message : "parse error", line);
    else
        snprintf(msg, sizeof msg, "%s", e->message ? e->message : "parse error");
    c->info->error = adup(c, msg);
    c->info->error_line = line;
}

static void analyze(ctx *c)
{
    PgQueryParseResult r = pg_query_parse(c->sql);
    if (r.error) {
        record_error(c, r.error);
        pg_query_free_parse_result(r);
        fallback_scan(c);
        return;
    }
    json_error_t je;
    json_t *root = json_loads(r.parse_tree, 0, &je);
    pg_query_free_parse_result(r);
    if (!root) {
        c->info->error = "parse tree could not be read";
        fallback_scan(c);
        return;
    }
    /* The tree must be released even when an allocation unwinds. */
    jmp_buf *outer = c->a->oom, here;
    if (setjmp(here)) {
        json_decref(root);
        c->a->oom = outer;
        longjmp(*outer, 1);
    }
    c->a->oom = &here;
    analyze_tree(c, root);
    c->a->oom = outer;
    json_decref(root);
}

scout_rc scout_sqlinfo_analyze(const char *sql, scout_sql_info **out, scout_err *err)
{
    *out = NULL;
    if (!sql) sql = "";
    if (strlen(sql) > SQL_MAX_BYTES)
        return scout_err_set(err, SCOUT_ELIMIT, "sql statement is larger than 4 MiB");
    struct scout_sqlinfo_arena *a = calloc(1, sizeof *a);
    if (!a) return scout_err_set(err, SCOUT_ENOMEM, "out of memory analysing sql");
    jmp_buf oom;
    a->oom = &oom;
    ctx *c = NULL;
    if (setjmp(oom)) {
        arena_free(a);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory analysing sql");
    }
    c = arena_alloc(a, sizeof *c);
    memset(c, 0, sizeof *c);
    c->a = a;
    c->sql = arena_strdup(a, sql);
    c->info = arena_alloc(a, sizeof *c->info);
    memset(c->info, 0, sizeof *c->info);
    c->info->kind = "other";
    analyze(c);
    c->info->arena = a;
    *out = c->info;
    return SCOUT_OK;
}

void scout_sqlinfo_free(scout_sql_info *info)
{
    if (info) arena_free(info->arena);
}

bool scout_sqlinfo_fingerprint(const char *sql, char *out, size_t cap)
{
    PgQueryFingerprintResult r = pg_query_fingerprint(sql);
    bool ok = !r.error && r.fingerprint_str;
    if (ok) scout_strlcpy(out, r.fingerprint_str, cap);
    pg_query_free_fingerprint_result(r);
    return ok;
}

char *scout_sqlinfo_normalize(const char *sql)
{
    PgQueryNormalizeResult r = pg_query_normalize(sql);
    char *s = r.error ? NULL : scout_strdup(r.normalized_query);
    pg_query_free_normalize_result(r);
    return s;
}

/* ---------- resolver ---------- */

typedef struct rentry {
    char *key; /* default_source '\x1f' written */
    char *fq;
} rentry;

struct scout_sqlinfo_resolver {
    scout_catalog *cat;
    rentry *slots;
    size_t cap, n;
};

scout_sqlinfo_resolver *scout_sqlinfo_resolver_new(scout_catalog *cat)
{
    scout_sqlinfo_resolver *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->cat = cat;
    r->cap = 256;
    r->slots = calloc(r->cap, sizeof *r->slots);
    if (!r->slots) {
        free(r);
        return NULL;
    }
    return r;
}

void scout_sqlinfo_resolver_free(scout_sqlinfo_resolver *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->cap; i++) {
        free(r->slots[i].key);
        free(r->slots[i].fq);
    }
    free(r->slots);
    free(r);
}

static rentry *slot_for(rentry *slots, size_t cap, const char *key)
{
    size_t i = scout_fnv64_update_str(SCOUT_FNV64_INIT, key) & (cap - 1);
    while (slots[i].key && strcmp(slots[i].key, key)) i = (i + 1) & (cap - 1);
    return &slots[i];
}

static bool resolver_grow(scout_sqlinfo_resolver *r)
{
    if ((r->n + 1) * 2 <= r->cap) return true;
    size_t ncap = r->cap * 2;
    rentry *ns = calloc(ncap, sizeof *ns);
    if (!ns) return false;
    for (size_t i = 0; i < r->cap; i++)
        if (r->slots[i].key) *slot_for(ns, ncap, r->slots[i].key) = r->slots[i];
    free(r->slots);
    r->slots = ns;
    r->cap = ncap;
    return true;
}

static int count_parts(const char *s)
{
    int n = 1;
    for (; *s; s++) n += *s == '.';
    return n;
}

/* Lower-cases and drops identifier quotes. */
static char *clean_name(const char *written)
{
    size_t n = strlen(written);
    char *s = malloc(n + 1), *o = s;
    if (!s) return NULL;
    for (const char *p = written; *p; p++)
        if (*p != '"' && *p != '`') *o++ = (char)tolower((unsigned char)*p);
    *o = '\0';
    return s;
}

static char *lookup(scout_sqlinfo_resolver *r, const char *src, const char *name)
{
    int parts = count_parts(name);
    if (parts >= 3) return scout_strdup(name);
    char *fq = NULL;
    scout_err err;
    if (r->cat && src) {
        char q[768];
        snprintf(q, sizeof q, "%s.%s", src, name);
        if (scout_catalog_resolve(r->cat, q, &fq, &err) == SCOUT_OK) return fq;
    }
    if (r->cat && scout_catalog_resolve(r->cat, name, &fq, &err) == SCOUT_OK) return fq;
    if (src && parts == 2) {
        char q[768];
        snprintf(q, sizeof q, "%s.%s", src, name);
        return scout_strdup(q);
    }
    return scout_strdup(name);
}

const char *scout_sqlinfo_resolve(scout_sqlinfo_resolver *r, const char *default_source,
                                  const char *written)
{
    char *name = clean_name(written);
    if (!name) return NULL;
    size_t ks = strlen(name) + (default_source ? strlen(default_source) : 0) + 2;
    char *key = malloc(ks);
    if (!key || !resolver_grow(r)) {
        free(name);
        free(key);
        return NULL;
    }
    snprintf(key, ks, "%s\x1f%s", default_source ? default_source : "", name);
    rentry *e = slot_for(r->slots, r->cap, key);
    if (e->key) {
        free(key);
        free(name);
        return e->fq;
    }
    char *fq = lookup(r, default_source, name);
    free(name);
    if (!fq) {
        free(key);
        return NULL;
    }
    e->key = key;
    e->fq = fq;
    r->n++;
    return fq;
}
