/* semantic — strict JSON parse, validation and canonical serialisation of
 * the semantic query. Parsing checks shapes and types (unknown keys, wrong
 * types, unknown names); validation checks meaning (limits, dates, names
 * against the catalog). Every message starts with the JSON path. */
#include "planner/semantic.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/fsutil.h"
#include "planner/joins.h"

#define PATH_MAX_LEN 96

static const char *const AGG_NAMES[] = {"sum", "avg",    "count", "count_distinct", "min",
                                        "max", "metric", "ratio", "count_per",      "share"};
static const char *const OVER_NAMES[] = {"sum", "last", "first", "avg", "min", "max", "change"};
static const char *const OP_NAMES[] = {
    "=", "!=", "in", "not in", ">", ">=", "<", "<=", "between", "like", "is null", "is not null"};
static const char *const GRAIN_NAMES[] = {"none", "day", "week", "month", "quarter", "year"};
static const char *const CMP_NAMES[] = {"none", "previous_period", "previous_year", "period",
                                        "members"};
static const char *const ORDER_VALUE_NAMES[] = {"current", "previous", "delta", "pct_change"};
static const char *const UNIT_NAMES[] = {"none", "minute", "hour", "day"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *scout_semantic_agg_name(scout_agg a)
{
    return (size_t)a < COUNT(AGG_NAMES) ? AGG_NAMES[a] : "?";
}

const char *scout_semantic_op_name(scout_op op)
{
    return (size_t)op < COUNT(OP_NAMES) ? OP_NAMES[op] : "?";
}

const char *scout_semantic_unit_name(scout_dur_unit u)
{
    return (unsigned)u < COUNT(UNIT_NAMES) ? UNIT_NAMES[u] : "?";
}

const char *scout_semantic_grain_name(scout_grain g)
{
    return (size_t)g < COUNT(GRAIN_NAMES) ? GRAIN_NAMES[g] : "?";
}

/* ---- dates ---- */

bool scout_semantic_date_add_days(const char *date, int64_t days, char out[11])
{
    int y, m, d;
    if (!scout_date_parse(date, &y, &m, &d)) return false;
    int64_t z = scout_days_from_civil(y, m, d) + days;
    scout_civil_from_days(z, &y, &m, &d);
    if (y < 1 || y > 9999) return false;
    scout_date_format(z, out);
    return true;
}

bool scout_semantic_date_add_months(const char *date, int64_t months, char out[11])
{
    int y, m, d;
    if (!scout_date_parse(date, &y, &m, &d)) return false;
    int64_t total = (int64_t)y * 12 + (m - 1) + months;
    if (total < 12 || total >= 12 * 10000) return false;
    y = (int)(total / 12);
    m = (int)(total % 12 + 1);
    if (d > scout_days_in_month(y, m))
        d = scout_days_in_month(y, m); /* Mar 31 - 1 month = Feb 28/29 */
    scout_date_format(scout_days_from_civil(y, m, d), out);
    return true;
}

/* ---- freeing ---- */

static void free_value(scout_sq_value *v)
{
    free(v->s);
    v->s = NULL;
}

static void free_ref(scout_sq_ref *r)
{
    free(r->table);
    free(r->column);
}

void scout_semantic_free(scout_semantic *q)
{
    if (!q) return;
    free(q->table);
    for (size_t i = 0; i < q->n_measures; i++) {
        free_ref(&q->measures[i].ref);
        free(q->measures[i].metric);
        free(q->measures[i].per);
        free(q->measures[i].from);
        free(q->measures[i].as);
        if (q->measures[i].where) {
            scout_sq_filter *w = q->measures[i].where;
            free_ref(&w->ref);
            free(w->than);
            for (size_t j = 0; j < w->n_values; j++) free_value(&w->values[j]);
            free(w->values);
            free(w);
        }
    }
    free(q->measures);
    for (size_t i = 0; i < q->n_dimensions; i++) {
        free_ref(&q->dimensions[i].ref);
        free(q->dimensions[i].as);
    }
    free(q->dimensions);
    for (size_t i = 0; i < q->n_filters; i++) {
        free_ref(&q->filters[i].ref);
        free(q->filters[i].than);
        for (size_t j = 0; j < q->filters[i].n_values; j++) free_value(&q->filters[i].values[j]);
        free(q->filters[i].values);
    }
    free(q->filters);
    free(q->time.column);
    free(q->time.start);
    free(q->time.end);
    free(q->time.label);
    for (size_t i = 0; i < q->n_order_by; i++) free(q->order_by[i].key);
    free(q->order_by);
    free(q->comparison.start);
    free(q->comparison.end);
    free(q->comparison.label);
    free_ref(&q->comparison.dimension);
    free_value(&q->comparison.members[0]);
    free_value(&q->comparison.members[1]);
    for (size_t i = 0; i < q->n_assumptions; i++) free(q->assumptions[i]);
    free(q->assumptions);
    free(q);
}

/* ---- JSON → struct ---- */

typedef struct pctx {
    scout_err *err;
} pctx;

static scout_rc perr(pctx *c, const char *path, const char *fmt, const char *arg)
{
    char msg[SCOUT_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, fmt, arg ? arg : "");
    return scout_err_set(c->err, SCOUT_EUSER, "%s: %s", path, msg);
}

static scout_rc nomem(pctx *c)
{
    return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory parsing the semantic query");
}

/* JSON paths only label error messages, so a very deep path is cut at
 * PATH_MAX_LEN; the return value is checked to say that on purpose. */
static void subpath(char *dst, const char *path, const char *key)
{
    int n = (!path || !*path) ? snprintf(dst, PATH_MAX_LEN, "%s", key)
                              : snprintf(dst, PATH_MAX_LEN, "%s.%s", path, key);
    if (n >= PATH_MAX_LEN) dst[PATH_MAX_LEN - 1] = '\0';
}

static void idxpath(char *dst, const char *path, size_t i)
{
    if (snprintf(dst, PATH_MAX_LEN, "%s[%zu]", path, i) >= PATH_MAX_LEN)
        dst[PATH_MAX_LEN - 1] = '\0';
}

/* Fails on any key of obj not in allowed (NULL-terminated). */
static scout_rc check_keys(pctx *c, json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0) ok = true;
        if (!ok) {
            char p[PATH_MAX_LEN];
            char shown[64];
            scout_strlcpy(shown, key, sizeof shown);
            subpath(p, path, shown);
            return perr(c, p, "unknown key '%s'", shown);
        }
        (void)v;
    }
    return SCOUT_OK;
}

/* Checks a string value: valid length, no control characters in names. */
static scout_rc check_text(pctx *c, const char *path, const char *s, size_t len, size_t max,
                           bool ident)
{
    if (strlen(s) != len) return perr(c, path, "NUL bytes are not allowed%s", NULL);
    if (len > max) {
        char m[32];
        snprintf(m, sizeof m, "%zu", max);
        return perr(c, path, "too long (more than %s bytes)", m);
    }
    if (ident) {
        if (len == 0) return perr(c, path, "must not be empty%s", NULL);
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                return perr(c, path, "control characters are not allowed%s", NULL);
    }
    return SCOUT_OK;
}

/* Reads an optional string member into *out (owned). */
static scout_rc get_str(pctx *c, json_t *obj, const char *path, const char *key, bool required,
                        bool ident, size_t max, char **out)
{
    char p[PATH_MAX_LEN];
    subpath(p, path, key);
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required) return perr(c, p, "required%s", NULL);
        return SCOUT_OK;
    }
    if (!json_is_string(v)) return perr(c, p, "must be a string%s", NULL);
    scout_rc rc = check_text(c, p, json_string_value(v), json_string_length(v), max, ident);
    if (rc != SCOUT_OK) return rc;
    *out = scout_strdup(json_string_value(v));
    return *out ? SCOUT_OK : nomem(c);
}

/* Maps a string member to an index in names; def when absent. */
static scout_rc get_enum(pctx *c, json_t *obj, const char *path, const char *key,
                         const char *const *names, size_t n, int def, bool required, int *out)
{
    char p[PATH_MAX_LEN];
    subpath(p, path, key);
    json_t *v = json_object_get(obj, key);
    *out = def;
    if (!v) return required ? perr(c, p, "required%s", NULL) : SCOUT_OK;
    if (!json_is_string(v)) return perr(c, p, "must be a string%s", NULL);
    const char *s = json_string_value(v);
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return SCOUT_OK;
        }
    char shown[64];
    scout_strlcpy(shown, s, sizeof shown);
    return perr(c, p, "unknown value '%s'", shown);
}

static scout_rc get_value(pctx *c, json_t *v, const char *path, scout_sq_value *out)
{
    if (json_is_string(v)) {
        scout_rc rc = check_text(c, path, json_string_value(v), json_string_length(v),
                                 SCOUT_SEMANTIC_VALUE_MAX, false);
        if (rc != SCOUT_OK) return rc;
        out->kind = SCOUT_VAL_KIND_STRING;
        out->s = scout_strdup(json_string_value(v));
        return out->s ? SCOUT_OK : nomem(c);
    }
    if (json_is_integer(v)) {
        out->kind = SCOUT_VAL_KIND_INT;
        out->i = (int64_t)json_integer_value(v);
        return SCOUT_OK;
    }
    if (json_is_real(v)) {
        out->kind = SCOUT_VAL_KIND_REAL;
        out->d = json_real_value(v);
        return SCOUT_OK;
    }
    if (json_is_boolean(v)) {
        out->kind = SCOUT_VAL_KIND_BOOL;
        out->i = json_is_true(v) ? 1 : 0;
        return SCOUT_OK;
    }
    if (json_is_null(v)) return perr(c, path, "null is not a value; use op 'is null'%s", NULL);
    return perr(c, path, "must be a string, number or boolean%s", NULL);
}

/* Reads an array member; NULL *arr and 0 when absent. */
static scout_rc get_array(pctx *c, json_t *obj, const char *path, const char *key, json_t **arr)
{
    char p[PATH_MAX_LEN];
    subpath(p, path, key);
    json_t *v = json_object_get(obj, key);
    *arr = NULL;
    if (!v) return SCOUT_OK;
    if (!json_is_array(v)) return perr(c, p, "must be an array%s", NULL);
    if (json_array_size(v) > SCOUT_SEMANTIC_LIST_MAX) return perr(c, p, "too many items%s", NULL);
    *arr = v;
    return SCOUT_OK;
}

static scout_rc get_object(pctx *c, json_t *v, const char *path)
{
    return json_is_object(v) ? SCOUT_OK : perr(c, path, "must be an object%s", NULL);
}

static scout_rc parse_ref(pctx *c, json_t *o, const char *path, bool column_required,
                          scout_sq_ref *r)
{
    scout_rc rc = get_str(c, o, path, "table", false, true, SCOUT_SEMANTIC_IDENT_MAX, &r->table);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "column", column_required, true, SCOUT_SEMANTIC_IDENT_MAX,
                     &r->column);
    return rc;
}

static scout_rc parse_filter(pctx *c, json_t *o, const char *path, scout_sq_filter *f);

static scout_rc parse_measure(pctx *c, json_t *o, const char *path, scout_sq_measure *m)
{
    static const char *const keys[] = {"agg", "column", "table", "metric", "as", "over_time",
                                       "per", "where",  "from",  "unit",   NULL};
    scout_rc rc = get_object(c, o, path);
    if (rc == SCOUT_OK) rc = check_keys(c, o, path, keys);
    int agg = -1, over = 0;
    if (rc == SCOUT_OK)
        rc = get_enum(c, o, path, "agg", AGG_NAMES, COUNT(AGG_NAMES), -1, false, &agg);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "metric", false, true, SCOUT_SEMANTIC_IDENT_MAX, &m->metric);
    if (rc == SCOUT_OK) rc = parse_ref(c, o, path, false, &m->ref);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "as", false, true, SCOUT_SEMANTIC_IDENT_MAX, &m->as);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "per", false, true, SCOUT_SEMANTIC_IDENT_MAX, &m->per);
    if (rc == SCOUT_OK)
        rc = get_enum(c, o, path, "over_time", OVER_NAMES, COUNT(OVER_NAMES), 0, false, &over);
    int unit = 0;
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "from", false, true, SCOUT_SEMANTIC_IDENT_MAX, &m->from);
    if (rc == SCOUT_OK)
        rc = get_enum(c, o, path, "unit", UNIT_NAMES, COUNT(UNIT_NAMES), 0, false, &unit);
    m->unit = (scout_dur_unit)unit;
    json_t *where = json_object_get(o, "where");
    if (rc == SCOUT_OK && where) {
        char wp[PATH_MAX_LEN];
        subpath(wp, path, "where");
        if (!(m->where = calloc(1, sizeof *m->where))) return nomem(c);
        rc = parse_filter(c, where, wp, m->where);
    }
    if (rc != SCOUT_OK) return rc;
    char p[PATH_MAX_LEN];
    subpath(p, path, "agg");
    if (agg < 0 && !m->metric) return perr(c, p, "required (or give 'metric')%s", NULL);
    if (m->metric && agg >= 0 && agg != SCOUT_AGG_METRIC)
        return perr(c, p, "must be 'metric' or absent when 'metric' is given%s", NULL);
    m->agg = m->metric ? SCOUT_AGG_METRIC : (scout_agg)agg;
    m->over_time = (scout_over_time)over;
    return SCOUT_OK;
}

static scout_rc parse_dimension(pctx *c, json_t *o, const char *path, scout_sq_dimension *d)
{
    static const char *const keys[] = {"column", "table", "as", NULL};
    scout_rc rc = get_object(c, o, path);
    if (rc == SCOUT_OK) rc = check_keys(c, o, path, keys);
    if (rc == SCOUT_OK) rc = parse_ref(c, o, path, true, &d->ref);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "as", false, true, SCOUT_SEMANTIC_IDENT_MAX, &d->as);
    return rc;
}

/* How many values op takes: 0, 1, 2 (between) or -1 (a list). */
static int op_arity(scout_op op)
{
    switch (op) {
    case SCOUT_OP_IS_NULL:
    case SCOUT_OP_IS_NOT_NULL:
        return 0;
    case SCOUT_OP_IN:
    case SCOUT_OP_NOT_IN:
        return -1;
    case SCOUT_OP_BETWEEN:
        return 2;
    default:
        return 1;
    }
}

static scout_rc parse_filter_values(pctx *c, json_t *v, const char *path, scout_sq_filter *f)
{
    int arity = op_arity(f->op);
    char p[PATH_MAX_LEN];
    subpath(p, path, "value");
    if (arity == 0) return v ? perr(c, p, "not allowed with op '%s'", OP_NAMES[f->op]) : SCOUT_OK;
    if (!v) return perr(c, p, "required with op '%s'", OP_NAMES[f->op]);
    size_t n = 1;
    if (arity != 1) {
        if (!json_is_array(v)) return perr(c, p, "must be an array with op '%s'", OP_NAMES[f->op]);
        n = json_array_size(v);
        if (arity == 2 && n != 2) return perr(c, p, "must hold exactly two values%s", NULL);
        if (n == 0) return perr(c, p, "must not be empty%s", NULL);
        if (n > SCOUT_SEMANTIC_LIST_MAX) return perr(c, p, "too many values%s", NULL);
    }
    f->values = calloc(n, sizeof *f->values);
    if (!f->values) return nomem(c);
    for (size_t i = 0; i < n; i++) {
        char ip[PATH_MAX_LEN];
        if (arity == 1)
            scout_strlcpy(ip, p, sizeof ip);
        else
            idxpath(ip, p, i);
        scout_rc rc = get_value(c, arity == 1 ? v : json_array_get(v, i), ip, &f->values[i]);
        f->n_values = i + 1;
        if (rc != SCOUT_OK) return rc;
    }
    if (f->op == SCOUT_OP_LIKE && f->values[0].kind != SCOUT_VAL_KIND_STRING)
        return perr(c, p, "must be a string with op 'like'%s", NULL);
    return SCOUT_OK;
}

/* Is op a comparison of two single values (what a column-to-column
 * filter may use)? */
static bool compares_two(scout_op op)
{
    return op == SCOUT_OP_EQ || op == SCOUT_OP_NE || op == SCOUT_OP_GT || op == SCOUT_OP_GE ||
           op == SCOUT_OP_LT || op == SCOUT_OP_LE;
}

/* {"column": "p95_ms", "op": ">", "than": "p95_target_ms"}: another column
 * of the same row instead of a value. */
static scout_rc parse_than(pctx *c, json_t *o, const char *path, scout_sq_filter *f)
{
    char p[PATH_MAX_LEN];
    subpath(p, path, "than");
    if (json_object_get(o, "value")) return perr(c, p, "cannot be combined with 'value'%s", NULL);
    if (!compares_two(f->op)) return perr(c, p, "needs op =, !=, <, <=, > or >=%s", NULL);
    return get_str(c, o, path, "than", true, true, SCOUT_SEMANTIC_IDENT_MAX, &f->than);
}

static scout_rc parse_filter(pctx *c, json_t *o, const char *path, scout_sq_filter *f)
{
    static const char *const keys[] = {"column", "table", "op", "value", "than", NULL};
    scout_rc rc = get_object(c, o, path);
    if (rc == SCOUT_OK) rc = check_keys(c, o, path, keys);
    if (rc == SCOUT_OK) rc = parse_ref(c, o, path, true, &f->ref);
    int op = 0;
    if (rc == SCOUT_OK) rc = get_enum(c, o, path, "op", OP_NAMES, COUNT(OP_NAMES), 0, true, &op);
    if (rc != SCOUT_OK) return rc;
    f->op = (scout_op)op;
    if (json_object_get(o, "than")) return parse_than(c, o, path, f);
    return parse_filter_values(c, json_object_get(o, "value"), path, f);
}

static scout_rc parse_time(pctx *c, json_t *o, scout_sq_time *t)
{
    static const char *const keys[] = {"column", "start", "end", "label", "grain", "holds", NULL};
    const char *path = "time";
    scout_rc rc = get_object(c, o, path);
    if (rc == SCOUT_OK) rc = check_keys(c, o, path, keys);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "column", false, true, SCOUT_SEMANTIC_IDENT_MAX, &t->column);
    if (rc == SCOUT_OK) rc = get_str(c, o, path, "start", false, true, 10, &t->start);
    if (rc == SCOUT_OK) rc = get_str(c, o, path, "end", false, true, 10, &t->end);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "label", false, false, SCOUT_SEMANTIC_TEXT_MAX, &t->label);
    int g = 0;
    if (rc == SCOUT_OK)
        rc = get_enum(c, o, path, "grain", GRAIN_NAMES, COUNT(GRAIN_NAMES), 0, false, &g);
    t->grain = (scout_grain)g;
    int h = 0;
    if (rc == SCOUT_OK)
        rc = get_enum(c, o, path, "holds", GRAIN_NAMES, COUNT(GRAIN_NAMES), 0, false, &h);
    t->holds = (scout_grain)h;
    return rc;
}

static scout_rc parse_order(pctx *c, json_t *o, const char *path, scout_sq_order *ob)
{
    static const char *const keys[] = {"key", "value", "dir", NULL};
    static const char *const dirs[] = {"asc", "desc"};
    scout_rc rc = get_object(c, o, path);
    if (rc == SCOUT_OK) rc = check_keys(c, o, path, keys);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "key", true, true, SCOUT_SEMANTIC_IDENT_MAX, &ob->key);
    int val = 0, dir = 1;
    if (rc == SCOUT_OK)
        rc = get_enum(c, o, path, "value", ORDER_VALUE_NAMES, COUNT(ORDER_VALUE_NAMES), 0, false,
                      &val);
    if (rc == SCOUT_OK) rc = get_enum(c, o, path, "dir", dirs, 2, 1, false, &dir);
    ob->value = (scout_order_value)val;
    ob->desc = dir == 1;
    return rc;
}

static scout_rc parse_comparison(pctx *c, json_t *o, scout_sq_comparison *cmp)
{
    static const char *const keys[] = {"type",      "start",   "end", "label",
                                       "dimension", "members", NULL};
    const char *path = "comparison";
    scout_rc rc = get_object(c, o, path);
    if (rc == SCOUT_OK) rc = check_keys(c, o, path, keys);
    int type = 0;
    if (rc == SCOUT_OK)
        rc = get_enum(c, o, path, "type", CMP_NAMES + 1, COUNT(CMP_NAMES) - 1, 0, true, &type);
    if (rc != SCOUT_OK) return rc;
    cmp->type = (scout_cmp_type)(type + 1);
    rc = get_str(c, o, path, "start", false, true, 10, &cmp->start);
    if (rc == SCOUT_OK) rc = get_str(c, o, path, "end", false, true, 10, &cmp->end);
    if (rc == SCOUT_OK)
        rc = get_str(c, o, path, "label", false, false, SCOUT_SEMANTIC_TEXT_MAX, &cmp->label);
    json_t *dim = json_object_get(o, "dimension");
    if (rc == SCOUT_OK && dim) {
        static const char *const dkeys[] = {"column", "table", NULL};
        rc = get_object(c, dim, "comparison.dimension");
        if (rc == SCOUT_OK) rc = check_keys(c, dim, "comparison.dimension", dkeys);
        if (rc == SCOUT_OK) rc = parse_ref(c, dim, "comparison.dimension", true, &cmp->dimension);
    }
    json_t *mem = json_object_get(o, "members");
    if (rc == SCOUT_OK && mem) {
        if (!json_is_array(mem) || json_array_size(mem) != 2)
            return perr(c, "comparison.members", "must be an array of two values%s", NULL);
        rc = get_value(c, json_array_get(mem, 0), "comparison.members[0]", &cmp->members[0]);
        if (rc == SCOUT_OK)
            rc = get_value(c, json_array_get(mem, 1), "comparison.members[1]", &cmp->members[1]);
    }
    return rc;
}

/* Parses one array member into a freshly allocated array of items. */
#define PARSE_LIST(c, root, key, arrp, np, fn)                                                     \
    do {                                                                                           \
        json_t *arr_;                                                                              \
        scout_rc rc_ = get_array(c, root, "", key, &arr_);                                         \
        if (rc_ != SCOUT_OK) return rc_;                                                           \
        if (!arr_) break;                                                                          \
        size_t n_ = json_array_size(arr_);                                                         \
        *(arrp) = calloc(n_ ? n_ : 1, sizeof **(arrp));                                            \
        if (!*(arrp)) return nomem(c);                                                             \
        for (size_t i_ = 0; i_ < n_; i_++) {                                                       \
            char p_[PATH_MAX_LEN];                                                                 \
            idxpath(p_, key, i_);                                                                  \
            *(np) = i_ + 1;                                                                        \
            rc_ = fn(c, json_array_get(arr_, i_), p_, &(*(arrp))[i_]);                             \
            if (rc_ != SCOUT_OK) return rc_;                                                       \
        }                                                                                          \
    } while (0)

static scout_rc parse_assumption(pctx *c, json_t *v, const char *path, char **out)
{
    if (!json_is_string(v)) return perr(c, path, "must be a string%s", NULL);
    scout_rc rc = check_text(c, path, json_string_value(v), json_string_length(v),
                             SCOUT_SEMANTIC_TEXT_MAX, false);
    if (rc != SCOUT_OK) return rc;
    *out = scout_strdup(json_string_value(v));
    return *out ? SCOUT_OK : nomem(c);
}

static scout_rc parse_root(pctx *c, json_t *root, scout_semantic *q)
{
    static const char *const keys[] = {"version",    "table",       "measures", "dimensions",
                                       "filters",    "time",        "order_by", "limit",
                                       "comparison", "assumptions", NULL};
    if (!json_is_object(root))
        return scout_err_set(c->err, SCOUT_EUSER, "semantic query: must be a JSON object");
    scout_rc rc = check_keys(c, root, "", keys);
    if (rc != SCOUT_OK) return rc;
    json_t *ver = json_object_get(root, "version");
    q->version = SCOUT_SEMANTIC_VERSION;
    if (ver && (!json_is_integer(ver) || json_integer_value(ver) != SCOUT_SEMANTIC_VERSION))
        return perr(c, "version", "must be 1%s", NULL);
    rc = get_str(c, root, "", "table", true, true, SCOUT_SEMANTIC_IDENT_MAX, &q->table);
    if (rc != SCOUT_OK) return rc;
    PARSE_LIST(c, root, "measures", &q->measures, &q->n_measures, parse_measure);
    PARSE_LIST(c, root, "dimensions", &q->dimensions, &q->n_dimensions, parse_dimension);
    PARSE_LIST(c, root, "filters", &q->filters, &q->n_filters, parse_filter);
    PARSE_LIST(c, root, "order_by", &q->order_by, &q->n_order_by, parse_order);
    PARSE_LIST(c, root, "assumptions", &q->assumptions, &q->n_assumptions, parse_assumption);
    json_t *t = json_object_get(root, "time");
    if (t) {
        q->has_time = true;
        rc = parse_time(c, t, &q->time);
        if (rc != SCOUT_OK) return rc;
    }
    json_t *lim = json_object_get(root, "limit");
    if (lim) {
        if (!json_is_integer(lim)) return perr(c, "limit", "must be an integer%s", NULL);
        q->limit = (int64_t)json_integer_value(lim);
        if (q->limit < 1 || q->limit > SCOUT_SEMANTIC_LIMIT_MAX)
            return perr(c, "limit", "must be between 1 and 10000%s", NULL);
    }
    json_t *cmp = json_object_get(root, "comparison");
    if (cmp) rc = parse_comparison(c, cmp, &q->comparison);
    return rc;
}

scout_rc scout_semantic_parse(const char *json, size_t len, const scout_joins_graph *graph,
                              scout_semantic **out, scout_err *err)
{
    *out = NULL;
    if (len > SCOUT_SEMANTIC_JSON_MAX)
        return scout_err_set(err, SCOUT_ELIMIT, "semantic query: larger than 1 MiB");
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return scout_err_set(err, SCOUT_EUSER, "semantic query: invalid json at line %d: %s",
                             je.line, je.text);
    scout_semantic *q = calloc(1, sizeof *q);
    if (!q) {
        json_decref(root);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory parsing the semantic query");
    }
    pctx c = {err};
    scout_rc rc = parse_root(&c, root, q);
    json_decref(root);
    if (rc == SCOUT_OK) rc = scout_semantic_validate(q, graph, err);
    if (rc != SCOUT_OK) {
        scout_semantic_free(q);
        return rc;
    }
    *out = q;
    return SCOUT_OK;
}

/* ---- validation ---- */

typedef struct vctx {
    const scout_semantic *q;
    const scout_joins_graph *g;
    scout_err *err;
} vctx;

static scout_rc verr(vctx *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static scout_rc verr(vctx *v, const char *path, const char *fmt, ...)
{
    char msg[SCOUT_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return scout_err_set(v->err, SCOUT_EUSER, "%s: %s", path, msg);
}

static bool ident_ok(const char *s)
{
    if (!s || !*s || strlen(s) > SCOUT_SEMANTIC_IDENT_MAX) return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) return false;
    return true;
}

/* A table name is source.schema.table (at least three dotted parts). */
static bool fqname_ok(const char *s)
{
    if (!ident_ok(s)) return false;
    const char *d1 = strchr(s, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    return d1 && d2 && d1 > s && d2 > d1 + 1 && d2[1];
}

static scout_rc check_ref(vctx *v, const char *path, const scout_sq_ref *r, bool need_column)
{
    char p[PATH_MAX_LEN];
    if (r->table) {
        subpath(p, path, "table");
        if (!fqname_ok(r->table)) return verr(v, p, "must be source.schema.table");
        if (v->g && !scout_joins_has_table(v->g, r->table))
            return verr(v, p, "unknown table '%s'", r->table);
    }
    subpath(p, path, "column");
    if (!r->column) return need_column ? verr(v, p, "required") : SCOUT_OK;
    if (!ident_ok(r->column)) return verr(v, p, "must be a column name");
    const char *t = r->table ? r->table : v->q->table;
    if (v->g && !scout_joins_has_column(v->g, t, r->column))
        return verr(v, p, "unknown column '%s' in %s", r->column, t);
    return SCOUT_OK;
}

static char *derive_measure_name(const scout_sq_measure *m)
{
    if (m->agg == SCOUT_AGG_METRIC) return scout_strdup(m->metric);
    if (!m->ref.column && m->agg != SCOUT_AGG_SHARE && m->agg != SCOUT_AGG_COUNT_PER)
        return scout_strdup("count");
    if (m->agg == SCOUT_AGG_RATIO && m->per) {
        size_t n = strlen(m->ref.column) + strlen(m->per) + 6;
        char *s = malloc(n);
        if (s) snprintf(s, n, "%s_per_%s", m->ref.column, m->per);
        return s;
    }
    if (m->agg == SCOUT_AGG_SHARE && m->where && m->where->ref.column) {
        size_t n = strlen(m->where->ref.column) + 7;
        char *s = malloc(n);
        if (s) snprintf(s, n, "share_%s", m->where->ref.column);
        return s;
    }
    if (m->agg == SCOUT_AGG_COUNT_PER && m->per) {
        const char *what = m->ref.column ? m->ref.column : "count";
        size_t n = strlen(what) + strlen(m->per) + 6;
        char *s = malloc(n);
        if (s) snprintf(s, n, "%s_per_%s", what, m->per);
        return s;
    }
    if (m->from && m->unit != SCOUT_DUR_NONE) {
        size_t n = strlen(AGG_NAMES[m->agg]) + strlen(m->ref.column) + 16;
        char *s = malloc(n);
        if (s)
            snprintf(s, n, "%s_%ss_to_%s", AGG_NAMES[m->agg], UNIT_NAMES[m->unit], m->ref.column);
        return s;
    }
    size_t n = strlen(AGG_NAMES[m->agg]) + strlen(m->ref.column) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s_%s", AGG_NAMES[m->agg], m->ref.column);
    return s;
}

static scout_rc check_where(vctx *v, const char *path, const scout_sq_filter *f);

/* A duration names its start column and its unit together, measures time
 * with an aggregate that adds or compares (a count of durations is a count
 * of rows), and reads both columns from one table. */
static scout_rc check_duration(vctx *v, const char *path, const scout_sq_measure *m)
{
    char p[PATH_MAX_LEN];
    if (!m->from && m->unit == SCOUT_DUR_NONE) return SCOUT_OK;
    subpath(p, path, m->from ? "unit" : "from");
    if (!m->from || m->unit == SCOUT_DUR_NONE) return verr(v, p, "required for a duration");
    subpath(p, path, "from");
    if (!ident_ok(m->from)) return verr(v, p, "must be a column name");
    if (m->agg != SCOUT_AGG_SUM && m->agg != SCOUT_AGG_AVG && m->agg != SCOUT_AGG_MIN &&
        m->agg != SCOUT_AGG_MAX)
        return verr(v, p, "a duration takes agg sum, avg, min or max, not '%s'", AGG_NAMES[m->agg]);
    if (m->over_time != SCOUT_OVER_SUM) return verr(v, p, "a duration takes no over_time");
    const char *t = m->ref.table ? m->ref.table : v->q->table;
    if (v->g && !scout_joins_has_column(v->g, t, m->from))
        return verr(v, p, "unknown column '%s' in %s", m->from, t);
    return SCOUT_OK;
}

static scout_rc check_measure(vctx *v, size_t i, scout_sq_measure *m)
{
    char path[PATH_MAX_LEN], p[PATH_MAX_LEN];
    idxpath(path, "measures", i);
    if (m->agg == SCOUT_AGG_METRIC) {
        subpath(p, path, "metric");
        if (!ident_ok(m->metric)) return verr(v, p, "must be a metric name");
        if (m->ref.column || m->ref.table)
            return verr(v, path, "a metric takes no column or table: its expression is curated");
        if (m->from || m->unit != SCOUT_DUR_NONE)
            return verr(v, path, "a metric takes no duration: its expression is curated");
        scout_joins_metric jm;
        if (v->g) {
            if (!scout_joins_metric_find(v->g, m->metric, &jm))
                return verr(v, p, "unknown metric '%s'", m->metric);
            if (jm.table && strcmp(jm.table, v->q->table) != 0)
                return verr(v, p, "metric '%s' is defined on %s, not on %s", m->metric, jm.table,
                            v->q->table);
        }
    } else {
        if (m->metric) return verr(v, path, "'metric' needs agg 'metric'");
        bool need =
            m->agg != SCOUT_AGG_COUNT && m->agg != SCOUT_AGG_COUNT_PER && m->agg != SCOUT_AGG_SHARE;
        scout_rc rc = check_ref(v, path, &m->ref, need);
        if (rc != SCOUT_OK) return rc;
        subpath(p, path, "where");
        if (m->agg == SCOUT_AGG_SHARE && !m->where) return verr(v, p, "required for agg 'share'");
        if (m->agg != SCOUT_AGG_SHARE && m->where) return verr(v, p, "only agg 'share' takes one");
        if (m->where) {
            if (m->ref.column) return verr(v, path, "agg 'share' takes no column, only 'where'");
            if (m->where->ref.table && strcmp(m->where->ref.table, v->q->table) != 0)
                return verr(v, p, "must be on the base table %s", v->q->table);
            if ((rc = check_where(v, p, m->where)) != SCOUT_OK) return rc;
        }
        if (m->agg == SCOUT_AGG_RATIO || m->agg == SCOUT_AGG_COUNT_PER) {
            const char *t = m->ref.table ? m->ref.table : v->q->table;
            subpath(p, path, "per");
            if (!m->per) return verr(v, p, "required for agg '%s'", AGG_NAMES[m->agg]);
            if (!ident_ok(m->per)) return verr(v, p, "must be a column name");
            if (v->g && !scout_joins_has_column(v->g, t, m->per))
                return verr(v, p, "unknown column '%s' in %s", m->per, t);
        } else if (m->per) {
            subpath(p, path, "per");
            return verr(v, p, "only aggs 'ratio' and 'count_per' take a denominator");
        }
        if ((rc = check_duration(v, path, m)) != SCOUT_OK) return rc;
    }
    if (!m->as && !(m->as = derive_measure_name(m)))
        return scout_err_set(v->err, SCOUT_ENOMEM, "out of memory validating the semantic query");
    subpath(p, path, "as");
    if (!ident_ok(m->as)) return verr(v, p, "must be a name");
    return SCOUT_OK;
}

static scout_rc check_value(vctx *v, const char *path, const scout_sq_value *x)
{
    if (x->kind != SCOUT_VAL_KIND_STRING) return SCOUT_OK;
    if (!x->s) return verr(v, path, "missing string");
    if (strlen(x->s) > SCOUT_SEMANTIC_VALUE_MAX) return verr(v, path, "too long");
    return SCOUT_OK;
}

static scout_rc check_filter(vctx *v, size_t i, const scout_sq_filter *f)
{
    char path[PATH_MAX_LEN];
    idxpath(path, "filters", i);
    return check_where(v, path, f);
}

static scout_rc check_where(vctx *v, const char *path, const scout_sq_filter *f)
{
    char p[PATH_MAX_LEN];
    scout_rc rc = check_ref(v, path, &f->ref, true);
    if (rc != SCOUT_OK) return rc;
    if (f->than) {
        subpath(p, path, "than");
        if (!compares_two(f->op) || f->n_values)
            return verr(v, p, "needs op =, !=, <, <=, > or >= and no value");
        scout_sq_ref other = {.table = f->ref.table, .column = f->than};
        return check_ref(v, p, &other, true);
    }
    int arity = op_arity(f->op);
    subpath(p, path, "value");
    if (arity == 0 && f->n_values) return verr(v, p, "not allowed with op '%s'", OP_NAMES[f->op]);
    if (arity == 1 && f->n_values != 1) return verr(v, p, "needs one value");
    if (arity == 2 && f->n_values != 2) return verr(v, p, "must hold exactly two values");
    if (arity < 0 && (f->n_values == 0 || f->n_values > SCOUT_SEMANTIC_LIST_MAX))
        return verr(v, p, "needs 1 to 1000 values");
    for (size_t j = 0; j < f->n_values; j++) {
        char ip[PATH_MAX_LEN];
        idxpath(ip, p, j);
        rc = check_value(v, ip, &f->values[j]);
        if (rc != SCOUT_OK) return rc;
    }
    return SCOUT_OK;
}

static scout_rc check_date(vctx *v, const char *path, const char *s)
{
    int y, m, d;
    if (s && !scout_date_parse(s, &y, &m, &d))
        return verr(v, path, "'%.16s' is not a YYYY-MM-DD date", s);
    return SCOUT_OK;
}

/* The time column: the query's, else the metric's (first metric wins). */
static const char *time_column(const vctx *v)
{
    if (v->q->has_time && v->q->time.column) return v->q->time.column;
    for (size_t i = 0; v->g && i < v->q->n_measures; i++) {
        scout_joins_metric jm;
        if (v->q->measures[i].agg == SCOUT_AGG_METRIC &&
            scout_joins_metric_find(v->g, v->q->measures[i].metric, &jm) && jm.time_column)
            return jm.time_column;
    }
    return NULL;
}

static scout_rc check_time(vctx *v)
{
    const scout_sq_time *t = &v->q->time;
    if (!v->q->has_time) return SCOUT_OK;
    scout_rc rc = check_date(v, "time.start", t->start);
    if (rc == SCOUT_OK) rc = check_date(v, "time.end", t->end);
    if (rc != SCOUT_OK) return rc;
    if (t->start && t->end && strcmp(t->start, t->end) > 0)
        return verr(v, "time.end", "%s is before time.start %s", t->end, t->start);
    if (t->holds != SCOUT_GRAIN_NONE && t->holds != SCOUT_GRAIN_MONTH &&
        t->holds != SCOUT_GRAIN_QUARTER)
        return verr(v, "time.holds", "must be 'month' or 'quarter'");
    if (t->holds != SCOUT_GRAIN_NONE && t->grain != SCOUT_GRAIN_NONE)
        return verr(v, "time.grain",
                    "cannot bucket a column of text periods; group by the column instead");
    if (t->column) {
        if (!ident_ok(t->column)) return verr(v, "time.column", "must be a column name");
        if (v->g && !scout_joins_has_column(v->g, v->q->table, t->column))
            return verr(v, "time.column", "unknown column '%s' in %s", t->column, v->q->table);
    } else if (v->g && !time_column(v)) {
        return verr(v, "time.column", "required (no metric gives a time column)");
    } else if (!v->g) {
        bool metric = false;
        for (size_t i = 0; i < v->q->n_measures; i++)
            metric |= v->q->measures[i].agg == SCOUT_AGG_METRIC;
        if (!metric) return verr(v, "time.column", "required");
    }
    return SCOUT_OK;
}

static scout_rc check_comparison(vctx *v)
{
    const scout_sq_comparison *c = &v->q->comparison;
    if (c->type == SCOUT_CMP_NONE) return SCOUT_OK;
    if (v->q->n_measures == 0) return verr(v, "comparison", "needs a measure to compare");
    bool period = c->type != SCOUT_CMP_MEMBERS;
    if (v->q->has_time && v->q->time.grain != SCOUT_GRAIN_NONE)
        return verr(v, "comparison",
                    "cannot be combined with time.grain; compare totals, or "
                    "ask for a time series without a comparison");
    if (period && (!v->q->has_time || !v->q->time.start || !v->q->time.end))
        return verr(v, "comparison", "'%s' needs time.start and time.end", CMP_NAMES[c->type]);
    if (c->type == SCOUT_CMP_PERIOD) {
        if (!c->start || !c->end) return verr(v, "comparison", "'period' needs start and end");
        scout_rc rc = check_date(v, "comparison.start", c->start);
        if (rc == SCOUT_OK) rc = check_date(v, "comparison.end", c->end);
        if (rc != SCOUT_OK) return rc;
        if (strcmp(c->start, c->end) > 0)
            return verr(v, "comparison.end", "%s is before comparison.start %s", c->end, c->start);
    } else if (c->start || c->end) {
        return verr(v, "comparison", "start/end are only for type 'period'");
    }
    if (c->type == SCOUT_CMP_MEMBERS) {
        if (!c->dimension.column)
            return verr(v, "comparison.dimension", "required for type 'members'");
        if (c->members[0].kind == SCOUT_VAL_KIND_STRING && !c->members[0].s)
            return verr(v, "comparison.members", "required for type 'members'");
        scout_rc rc = check_ref(v, "comparison.dimension", &c->dimension, true);
        if (rc == SCOUT_OK) rc = check_value(v, "comparison.members[0]", &c->members[0]);
        if (rc == SCOUT_OK) rc = check_value(v, "comparison.members[1]", &c->members[1]);
        return rc;
    }
    if (c->dimension.column || c->dimension.table || c->members[0].s)
        return verr(v, "comparison", "dimension/members are only for type 'members'");
    return SCOUT_OK;
}

/* Output names must be unique: they become result columns and sort keys. */
static scout_rc check_names(vctx *v)
{
    const scout_semantic *q = v->q;
    for (size_t i = 0; i < q->n_dimensions; i++)
        for (size_t j = 0; j < q->n_measures; j++)
            if (strcmp(q->dimensions[i].as, q->measures[j].as) == 0) {
                char p[PATH_MAX_LEN];
                idxpath(p, "dimensions", i);
                return verr(v, p, "name '%s' is also a measure's name", q->dimensions[i].as);
            }
    for (size_t i = 0; i < q->n_measures; i++)
        for (size_t j = i + 1; j < q->n_measures; j++)
            if (strcmp(q->measures[i].as, q->measures[j].as) == 0) {
                char p[PATH_MAX_LEN];
                idxpath(p, "measures", j);
                return verr(v, p, "duplicate name '%s'; set 'as'", q->measures[j].as);
            }
    for (size_t i = 0; i < q->n_dimensions; i++)
        for (size_t j = i + 1; j < q->n_dimensions; j++)
            if (strcmp(q->dimensions[i].as, q->dimensions[j].as) == 0) {
                char p[PATH_MAX_LEN];
                idxpath(p, "dimensions", j);
                return verr(v, p, "duplicate name '%s'; set 'as'", q->dimensions[j].as);
            }
    return SCOUT_OK;
}

static scout_rc check_order(vctx *v)
{
    const scout_semantic *q = v->q;
    for (size_t i = 0; i < q->n_order_by; i++) {
        char p[PATH_MAX_LEN], kp[PATH_MAX_LEN];
        idxpath(p, "order_by", i);
        subpath(kp, p, "key");
        const scout_sq_order *o = &q->order_by[i];
        if (!ident_ok(o->key)) return verr(v, kp, "must be a name");
        bool measure = false, found = false;
        for (size_t j = 0; j < q->n_measures; j++)
            if (strcmp(q->measures[j].as, o->key) == 0) found = measure = true;
        for (size_t j = 0; j < q->n_dimensions; j++)
            if (strcmp(q->dimensions[j].as, o->key) == 0) found = true;
        if (q->has_time && q->time.grain != SCOUT_GRAIN_NONE &&
            strcmp(o->key, GRAIN_NAMES[q->time.grain]) == 0)
            found = true;
        if (!found) return verr(v, kp, "'%s' is not a measure or dimension of this query", o->key);
        if (o->value != SCOUT_ORDER_CURRENT && (!measure || q->comparison.type == SCOUT_CMP_NONE)) {
            char vp[PATH_MAX_LEN];
            subpath(vp, p, "value");
            return verr(v, vp, "'%s' needs a comparison and a measure key",
                        ORDER_VALUE_NAMES[o->value]);
        }
    }
    return SCOUT_OK;
}

/* Semi-additive measures are computed per time point first, so all measures
 * of the query must combine over time the same way. */
static scout_rc check_over_time(vctx *v)
{
    const scout_semantic *q = v->q;
    for (size_t i = 1; i < q->n_measures; i++)
        if (q->measures[i].over_time != q->measures[0].over_time) {
            char m[PATH_MAX_LEN], p[PATH_MAX_LEN];
            idxpath(m, "measures", i);
            subpath(p, m, "over_time");
            return verr(v, p, "all measures must use the same over_time ('%s')",
                        OVER_NAMES[q->measures[0].over_time]);
        }
    if (q->n_measures && q->measures[0].over_time != SCOUT_OVER_SUM && !time_column(v) &&
        (v->g || !q->has_time))
        return verr(v, "measures[0].over_time", "needs a time column (time.column)");
    return SCOUT_OK;
}

scout_rc scout_semantic_validate(scout_semantic *q, const scout_joins_graph *graph, scout_err *err)
{
    vctx v = {q, graph, err};
    if (q->version != SCOUT_SEMANTIC_VERSION) return verr(&v, "version", "must be 1");
    if (!fqname_ok(q->table)) return verr(&v, "table", "must be source.schema.table");
    if (graph && !scout_joins_has_table(graph, q->table))
        return verr(&v, "table", "unknown table '%s'", q->table);
    /* No measure is a listing: the distinct rows of the dimensions ("which
     * components have a target above 200 ms"). */
    if (q->n_measures == 0 && q->n_dimensions == 0)
        return verr(&v, "measures",
                    "at least one measure (or, to list rows, a dimension) is "
                    "required");
    if (q->n_measures > 50) return verr(&v, "measures", "at most 50 measures");
    if (q->limit < 0 || q->limit > SCOUT_SEMANTIC_LIMIT_MAX)
        return verr(&v, "limit", "must be between 1 and 10000");
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < q->n_measures && rc == SCOUT_OK; i++)
        rc = check_measure(&v, i, &q->measures[i]);
    for (size_t i = 0; i < q->n_dimensions && rc == SCOUT_OK; i++) {
        char path[PATH_MAX_LEN];
        idxpath(path, "dimensions", i);
        rc = check_ref(&v, path, &q->dimensions[i].ref, true);
        if (rc == SCOUT_OK && !q->dimensions[i].as &&
            !(q->dimensions[i].as = scout_strdup(q->dimensions[i].ref.column)))
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory validating the semantic query");
    }
    for (size_t i = 0; i < q->n_filters && rc == SCOUT_OK; i++)
        rc = check_filter(&v, i, &q->filters[i]);
    if (rc == SCOUT_OK) rc = check_time(&v);
    if (rc == SCOUT_OK) rc = check_comparison(&v);
    if (rc == SCOUT_OK) rc = check_names(&v);
    if (rc == SCOUT_OK) rc = check_order(&v);
    if (rc == SCOUT_OK) rc = check_over_time(&v);
    for (size_t i = 0; i < q->n_assumptions && rc == SCOUT_OK; i++)
        if (!q->assumptions[i] || strlen(q->assumptions[i]) > SCOUT_SEMANTIC_TEXT_MAX) {
            char p[PATH_MAX_LEN];
            idxpath(p, "assumptions", i);
            rc = verr(&v, p, "missing or too long");
        }
    return rc;
}

/* ---- struct → JSON ---- */

static json_t *value_json(const scout_sq_value *x)
{
    switch (x->kind) {
    case SCOUT_VAL_KIND_STRING:
        return json_string(x->s ? x->s : "");
    case SCOUT_VAL_KIND_INT:
        return json_integer((json_int_t)x->i);
    case SCOUT_VAL_KIND_REAL:
        return json_real(x->d);
    case SCOUT_VAL_KIND_BOOL:
        return json_boolean(x->i);
    }
    return json_null();
}

static void set_str(json_t *o, const char *k, const char *s)
{
    if (s) json_object_set_new(o, k, json_string(s));
}

static void set_ref(json_t *o, const scout_sq_ref *r)
{
    set_str(o, "table", r->table);
    set_str(o, "column", r->column);
}

static json_t *filter_json(const scout_sq_filter *f);

static json_t *measures_json(const scout_semantic *q)
{
    json_t *a = json_array();
    for (size_t i = 0; i < q->n_measures; i++) {
        const scout_sq_measure *m = &q->measures[i];
        json_t *o = json_object();
        set_str(o, "agg", AGG_NAMES[m->agg]);
        set_str(o, "metric", m->metric);
        set_ref(o, &m->ref);
        set_str(o, "per", m->per);
        set_str(o, "from", m->from);
        if (m->unit != SCOUT_DUR_NONE) set_str(o, "unit", UNIT_NAMES[m->unit]);
        if (m->where) json_object_set_new(o, "where", filter_json(m->where));
        set_str(o, "as", m->as);
        if (m->over_time != SCOUT_OVER_SUM) set_str(o, "over_time", OVER_NAMES[m->over_time]);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *filter_json(const scout_sq_filter *f)
{
    json_t *o = json_object();
    set_ref(o, &f->ref);
    set_str(o, "op", OP_NAMES[f->op]);
    int arity = op_arity(f->op);
    if (f->than) {
        set_str(o, "than", f->than);
    } else if (arity == 1 && f->n_values) {
        json_object_set_new(o, "value", value_json(&f->values[0]));
    } else if (arity != 0) {
        json_t *vals = json_array();
        for (size_t j = 0; j < f->n_values; j++)
            json_array_append_new(vals, value_json(&f->values[j]));
        json_object_set_new(o, "value", vals);
    }
    return o;
}

static json_t *filters_json(const scout_semantic *q)
{
    json_t *a = json_array();
    for (size_t i = 0; i < q->n_filters; i++) json_array_append_new(a, filter_json(&q->filters[i]));
    return a;
}

static json_t *rest_json(const scout_semantic *q, json_t *root)
{
    if (q->has_time) {
        json_t *t = json_object();
        set_str(t, "column", q->time.column);
        set_str(t, "start", q->time.start);
        set_str(t, "end", q->time.end);
        set_str(t, "label", q->time.label);
        if (q->time.grain != SCOUT_GRAIN_NONE) set_str(t, "grain", GRAIN_NAMES[q->time.grain]);
        if (q->time.holds != SCOUT_GRAIN_NONE) set_str(t, "holds", GRAIN_NAMES[q->time.holds]);
        json_object_set_new(root, "time", t);
    }
    if (q->n_order_by) {
        json_t *a = json_array();
        for (size_t i = 0; i < q->n_order_by; i++) {
            json_t *o = json_object();
            set_str(o, "key", q->order_by[i].key);
            set_str(o, "value", ORDER_VALUE_NAMES[q->order_by[i].value]);
            set_str(o, "dir", q->order_by[i].desc ? "desc" : "asc");
            json_array_append_new(a, o);
        }
        json_object_set_new(root, "order_by", a);
    }
    if (q->limit > 0) json_object_set_new(root, "limit", json_integer((json_int_t)q->limit));
    const scout_sq_comparison *c = &q->comparison;
    if (c->type != SCOUT_CMP_NONE) {
        json_t *o = json_object();
        set_str(o, "type", CMP_NAMES[c->type]);
        set_str(o, "start", c->start);
        set_str(o, "end", c->end);
        set_str(o, "label", c->label);
        if (c->type == SCOUT_CMP_MEMBERS) {
            json_t *d = json_object();
            set_ref(d, &c->dimension);
            json_object_set_new(o, "dimension", d);
            json_t *m = json_array();
            json_array_append_new(m, value_json(&c->members[0]));
            json_array_append_new(m, value_json(&c->members[1]));
            json_object_set_new(o, "members", m);
        }
        json_object_set_new(root, "comparison", o);
    }
    if (q->n_assumptions) {
        json_t *a = json_array();
        for (size_t i = 0; i < q->n_assumptions; i++)
            json_array_append_new(a, json_string(q->assumptions[i]));
        json_object_set_new(root, "assumptions", a);
    }
    return root;
}

scout_rc scout_semantic_to_json(const scout_semantic *q, scout_buf *out, scout_err *err)
{
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(q->version));
    set_str(root, "table", q->table);
    json_object_set_new(root, "measures", measures_json(q));
    if (q->n_dimensions) {
        json_t *a = json_array();
        for (size_t i = 0; i < q->n_dimensions; i++) {
            json_t *o = json_object();
            set_ref(o, &q->dimensions[i].ref);
            set_str(o, "as", q->dimensions[i].as);
            json_array_append_new(a, o);
        }
        json_object_set_new(root, "dimensions", a);
    }
    if (q->n_filters) json_object_set_new(root, "filters", filters_json(q));
    rest_json(q, root);
    char *s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(root);
    if (!s) return scout_err_set(err, SCOUT_ENOMEM, "out of memory serialising the query");
    scout_rc rc = scout_buf_puts(out, s);
    free(s);
    return rc == SCOUT_OK ? SCOUT_OK : scout_err_set(err, rc, "semantic query json too large");
}
