/* compile — semantic query → SQL. The statement is assembled from a few
 * fixed shapes so output is predictable and reviewable:
 *   aggregate   SELECT bucket, dims, measures FROM base JOIN ... WHERE ... GROUP BY
 *   over time   the aggregate per time point first, then the value at the
 *               last/first point of each period (or avg/min/max over points)
 *   comparison  one aggregate per side (period or member) joined on the
 *               dimensions: current, previous, delta, pct_change
 * Every measure is computed on the base table's rows; joined tables only add
 * dimensions and filters, and joins that could repeat base rows are refused
 * or rewritten as semi-joins (IN subqueries). */
#include "planner/compile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"

#define SQL_MAX   ((size_t)1 << 20)
#define ALIAS_MAX 16

typedef struct cctx {
    const scout_semantic *q;
    const scout_joins_graph *g;
    scout_dialect d;
    int64_t max_rows;
    scout_joins_plan *plan;
    bool *semi; /* per plan step: rendered as an IN subquery, not a join */
    const char *time_col;
    scout_joins_metric metric_filters; /* the filters every metric measure shares */
    bool has_metric_filters;
    scout_compiled *out;
    scout_err *err;
} cctx;

const char *scout_compile_role_name(scout_col_role r)
{
    static const char *const names[] = {"time", "dimension", "measure", "delta", "pct"};
    return (unsigned)r < 5 ? names[r] : "?";
}

void scout_compile_free(scout_compiled *c)
{
    if (!c) return;
    free(c->sql);
    for (size_t i = 0; i < c->n_cols; i++) {
        free(c->cols[i].name);
        free(c->cols[i].measure);
        free(c->cols[i].label);
    }
    free(c->cols);
    for (size_t i = 0; i < c->n_tables; i++) free(c->tables[i]);
    free(c->tables);
    for (size_t i = 0; i < c->n_notes; i++) free(c->notes[i]);
    free(c->notes);
    free(c);
}

static scout_rc nomem(cctx *c)
{
    return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory compiling the query");
}

/* Maps a buffer failure to a message; passes other codes through. */
static scout_rc bufrc(cctx *c, scout_rc rc)
{
    if (rc == SCOUT_ELIMIT) return scout_err_set(c->err, rc, "generated sql exceeds 1 MiB");
    if (rc == SCOUT_ENOMEM) return nomem(c);
    return rc;
}

static scout_rc add_note(cctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static scout_rc add_note(cctx *c, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char **n = realloc(c->out->notes, (c->out->n_notes + 1) * sizeof *n);
    if (!n) return nomem(c);
    c->out->notes = n;
    if (!(n[c->out->n_notes] = scout_strdup(text))) return nomem(c);
    c->out->n_notes++;
    return SCOUT_OK;
}

static scout_rc add_col(cctx *c, const char *name, scout_col_role role, const char *type,
                        const char *measure, const char *variant, const char *label)
{
    scout_compiled_col *n = realloc(c->out->cols, (c->out->n_cols + 1) * sizeof *n);
    if (!n) return nomem(c);
    c->out->cols = n;
    scout_compiled_col *col = &n[c->out->n_cols];
    *col = (scout_compiled_col){scout_strdup(name),    role,    type,
                                scout_strdup(measure), variant, scout_strdup(label)};
    if (!col->name || (measure && !col->measure) || (label && !col->label)) {
        free(col->name);
        free(col->measure);
        free(col->label);
        return nomem(c);
    }
    c->out->n_cols++;
    return SCOUT_OK;
}

/* ---- names and references ---- */

static const char *ref_table(const cctx *c, const scout_sq_ref *r)
{
    return r->table ? r->table : c->q->table;
}

/* The alias index of a table: 0 for the base, i+1 for plan step i. */
static size_t alias_of(const cctx *c, const char *fq)
{
    if (strcmp(fq, c->q->table) == 0) return 0;
    for (size_t i = 0; c->plan && i < c->plan->n_steps; i++)
        if (strcmp(c->plan->steps[i].to_table, fq) == 0) return i + 1;
    return 0;
}

static scout_rc ident(cctx *c, const char *name, scout_buf *b)
{
    return bufrc(c, scout_dialect_ident(c->d, name, b));
}

/* Appends tN."column". */
static scout_rc colref(cctx *c, const char *fq, const char *column, scout_buf *b)
{
    scout_rc rc = scout_buf_printf(b, "t%zu.", alias_of(c, fq));
    return rc == SCOUT_OK ? ident(c, column, b) : bufrc(c, rc);
}

/* Does the query join another table into its FROM (not as an IN subquery)? */
static bool joins_tables(const cctx *c)
{
    for (size_t i = 0; c->plan && i < c->plan->n_steps; i++)
        if (!c->semi[i]) return true;
    return false;
}

static bool ident_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/* A curated SQL fragment (a metric's expression, its filters) is used
 * verbatim; it names the base table's columns bare. Once another table is
 * joined in, a name both have ("amount_usd", "status") is ambiguous, so
 * each bare name of a base-table column is qualified with the base alias.
 * Quoted strings and identifiers, function names and qualified names are
 * left as written. */
static scout_rc emit_curated(cctx *c, const char *sql, scout_buf *b)
{
    if (!joins_tables(c)) return bufrc(c, scout_buf_puts(b, sql));
    scout_rc rc = SCOUT_OK;
    for (const char *p = sql; *p && rc == SCOUT_OK;) {
        if (*p == '\'' || *p == '"') { /* through the closing quote; doubled quotes stay inside */
            const char *e = p + 1;
            while (*e && (*e != *p || e[1] == *p)) e += *e == *p ? 2 : 1;
            if (*e) e++;
            rc = scout_buf_append(b, p, (size_t)(e - p));
            p = e;
            continue;
        }
        bool starts = (isalpha((unsigned char)*p) || *p == '_') &&
                      (p == sql || (!ident_char(p[-1]) && p[-1] != '.'));
        if (!starts) {
            rc = scout_buf_putc(b, *p++);
            continue;
        }
        const char *e = p;
        while (ident_char(*e)) e++;
        const char *after = e;
        while (*after == ' ') after++;
        char name[SCOUT_SEMANTIC_IDENT_MAX + 1];
        size_t n = (size_t)(e - p);
        bool column = n < sizeof name && *after != '(' && *after != '.';
        if (column) {
            memcpy(name, p, n);
            name[n] = 0;
            column = scout_joins_has_column(c->g, c->q->table, name);
        }
        rc = column ? colref(c, c->q->table, name, b) : scout_buf_append(b, p, n);
        p = e;
    }
    return bufrc(c, rc);
}

/* A column expression as a temporary string (caller frees). */
static char *colref_str(cctx *c, const char *fq, const char *column)
{
    scout_buf b;
    scout_buf_init(&b, 4096);
    if (colref(c, fq, column, &b) != SCOUT_OK) {
        scout_buf_free(&b);
        return NULL;
    }
    return scout_buf_take(&b);
}

static const char *type_of_decl(const char *decl)
{
    if (!decl || !*decl) return "text";
    char up[64];
    size_t i = 0;
    for (; i < sizeof up - 1 && decl[i]; i++)
        up[i] = (char)((decl[i] >= 'a' && decl[i] <= 'z') ? decl[i] - 32 : decl[i]);
    up[i] = '\0';
    if (strstr(up, "INT")) return "integer";
    if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB") || strstr(up, "NUM") ||
        strstr(up, "DEC"))
        return "number";
    if (strstr(up, "DATE") || strstr(up, "TIME")) return "date";
    return "text";
}

static const char *measure_type(const scout_sq_measure *m)
{
    return m->agg == SCOUT_AGG_COUNT || m->agg == SCOUT_AGG_COUNT_DISTINCT ? "integer" : "number";
}

/* ---- joins ---- */

static bool dup_insensitive(scout_agg a)
{
    return a == SCOUT_AGG_COUNT_DISTINCT || a == SCOUT_AGG_MIN || a == SCOUT_AGG_MAX;
}

/* Whether fq is read by a measure, a dimension or the compared dimension. */
static bool used_beyond_filters(const cctx *c, const char *fq)
{
    const scout_semantic *q = c->q;
    for (size_t i = 0; i < q->n_measures; i++)
        if (q->measures[i].ref.table && strcmp(q->measures[i].ref.table, fq) == 0) return true;
    for (size_t i = 0; i < q->n_dimensions; i++)
        if (strcmp(ref_table(c, &q->dimensions[i].ref), fq) == 0) return true;
    if (q->comparison.type == SCOUT_CMP_MEMBERS &&
        strcmp(ref_table(c, &q->comparison.dimension), fq) == 0)
        return true;
    return false;
}

static bool is_leaf(const cctx *c, const char *fq)
{
    for (size_t i = 0; i < c->plan->n_steps; i++)
        if (strcmp(c->plan->steps[i].from_table, fq) == 0) return false;
    return true;
}

/* The fan-out rule: a one-to-many step used only by filters becomes a
 * semi-join (IN subquery), which cannot repeat rows; otherwise it is allowed
 * only when every measure ignores duplicates (count distinct, min, max). */
static scout_rc decide_fanout(cctx *c)
{
    bool all_safe = true;
    for (size_t i = 0; i < c->q->n_measures; i++)
        all_safe &= dup_insensitive(c->q->measures[i].agg);
    for (size_t i = 0; i < c->plan->n_steps; i++) {
        const scout_joins_step *s = &c->plan->steps[i];
        if (!s->fanout) continue;
        if (!used_beyond_filters(c, s->to_table) && is_leaf(c, s->to_table)) {
            c->semi[i] = true;
            scout_rc rc = add_note(c,
                                   "%s is one-to-many from %s; filtered with IN (...) so rows "
                                   "are not repeated",
                                   s->to_table, s->from_table);
            if (rc != SCOUT_OK) return rc;
            continue;
        }
        if (!all_safe)
            return scout_err_set(c->err, SCOUT_EUSER,
                                 "refusing a join that would inflate the measures: %s; "
                                 "use a table at the grain of the dimension or count distinct",
                                 s->reason);
        c->out->fanout_risk = true;
        scout_rc rc = add_note(c, "fan-out: %s (measures ignore duplicates)", s->reason);
        if (rc != SCOUT_OK) return rc;
    }
    return SCOUT_OK;
}

static scout_rc add_target(const char ***v, size_t *n, const char *fq)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], fq) == 0) return SCOUT_OK;
    const char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) return SCOUT_ENOMEM;
    *v = nv;
    nv[(*n)++] = fq;
    return SCOUT_OK;
}

static scout_rc plan_joins(cctx *c)
{
    const scout_semantic *q = c->q;
    const char **t = NULL;
    size_t n = 0;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < q->n_measures && rc == SCOUT_OK; i++)
        if (q->measures[i].ref.table) rc = add_target(&t, &n, q->measures[i].ref.table);
    for (size_t i = 0; i < q->n_dimensions && rc == SCOUT_OK; i++)
        rc = add_target(&t, &n, ref_table(c, &q->dimensions[i].ref));
    for (size_t i = 0; i < q->n_filters && rc == SCOUT_OK; i++)
        rc = add_target(&t, &n, ref_table(c, &q->filters[i].ref));
    if (q->comparison.type == SCOUT_CMP_MEMBERS && rc == SCOUT_OK)
        rc = add_target(&t, &n, ref_table(c, &q->comparison.dimension));
    if (rc != SCOUT_OK) {
        free(t);
        return nomem(c);
    }
    rc = scout_joins_plan_paths(c->g, q->table, t, n, &c->plan, c->err);
    free(t);
    if (rc != SCOUT_OK)
        return rc == SCOUT_ENOTFOUND
                   ? scout_err_set(c->err, SCOUT_EUSER, "%s", c->err ? c->err->msg : "")
                   : rc;
    c->semi = calloc(c->plan->n_steps + 1, sizeof *c->semi);
    if (!c->semi) return nomem(c);
    rc = decide_fanout(c);
    if (rc != SCOUT_OK) return rc;
    size_t joins = 0;
    for (size_t i = 0; i < c->plan->n_steps; i++) joins += !c->semi[i];
    if (c->d == SCOUT_DIALECT_CLICKHOUSE && joins > 1)
        return scout_err_set(c->err, SCOUT_EUSER,
                             "clickhouse 18.16 joins one table per select; this query needs %zu",
                             joins);
    /* Tables read, base first, for the answer's "tables used". */
    c->out->tables = calloc(c->plan->n_steps + 1, sizeof *c->out->tables);
    if (!c->out->tables) return nomem(c);
    if (!(c->out->tables[c->out->n_tables++] = scout_strdup(q->table))) return nomem(c);
    for (size_t i = 0; i < c->plan->n_steps; i++) {
        const scout_joins_step *s = &c->plan->steps[i];
        if (!(c->out->tables[c->out->n_tables++] = scout_strdup(s->to_table))) return nomem(c);
        rc = add_note(c, "join %s.%s = %s.%s (%s)", s->from_table, s->from_column, s->to_table,
                      s->to_column, s->origin);
        if (rc != SCOUT_OK) return rc;
    }
    return SCOUT_OK;
}

/* FROM base AS t0 LEFT JOIN ... (semi-join steps are skipped here). */
static scout_rc emit_from(cctx *c, scout_buf *b)
{
    scout_rc rc = scout_buf_puts(b, " FROM ");
    if (rc == SCOUT_OK) rc = scout_dialect_table(c->d, c->q->table, b, c->err);
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, " AS t0");
    for (size_t i = 0; c->plan && i < c->plan->n_steps && rc == SCOUT_OK; i++) {
        if (c->semi[i]) continue;
        const scout_joins_step *s = &c->plan->steps[i];
        /* LEFT keeps base rows whose key has no match (a dimension is then
         * NULL); filters on the joined table still drop them in WHERE. */
        rc =
            scout_buf_puts(b, c->d == SCOUT_DIALECT_CLICKHOUSE ? " ALL LEFT JOIN " : " LEFT JOIN ");
        if (rc == SCOUT_OK) rc = scout_dialect_table(c->d, s->to_table, b, c->err);
        if (rc == SCOUT_OK) rc = scout_buf_printf(b, " AS t%zu ON ", i + 1);
        if (rc == SCOUT_OK) rc = colref(c, s->to_table, s->to_column, b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, " = ");
        if (rc == SCOUT_OK) rc = colref(c, s->from_table, s->from_column, b);
    }
    return bufrc(c, rc);
}

/* ---- WHERE ---- */

static scout_rc emit_filter(cctx *c, const scout_sq_filter *f, scout_buf *b)
{
    scout_rc rc = colref(c, ref_table(c, &f->ref), f->ref.column, b);
    if (rc != SCOUT_OK) return rc;
    switch (f->op) {
    case SCOUT_OP_IS_NULL:
        return bufrc(c, scout_buf_puts(b, " IS NULL"));
    case SCOUT_OP_IS_NOT_NULL:
        return bufrc(c, scout_buf_puts(b, " IS NOT NULL"));
    case SCOUT_OP_IN:
    case SCOUT_OP_NOT_IN:
        rc = scout_buf_puts(b, f->op == SCOUT_OP_IN ? " IN (" : " NOT IN (");
        for (size_t i = 0; i < f->n_values && rc == SCOUT_OK; i++) {
            if (i) rc = scout_buf_puts(b, ", ");
            if (rc == SCOUT_OK) rc = scout_dialect_literal(c->d, &f->values[i], b, c->err);
        }
        return bufrc(c, rc == SCOUT_OK ? scout_buf_putc(b, ')') : rc);
    case SCOUT_OP_BETWEEN:
        rc = scout_buf_puts(b, " BETWEEN ");
        if (rc == SCOUT_OK) rc = scout_dialect_literal(c->d, &f->values[0], b, c->err);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, " AND ");
        if (rc == SCOUT_OK) rc = scout_dialect_literal(c->d, &f->values[1], b, c->err);
        return bufrc(c, rc);
    default:
        rc = scout_buf_printf(b, " %s ",
                              f->op == SCOUT_OP_NE     ? "<>"
                              : f->op == SCOUT_OP_LIKE ? "LIKE"
                                                       : scout_semantic_op_name(f->op));
        if (rc == SCOUT_OK && f->than) /* another column of the same row */
            return colref(c, ref_table(c, &f->ref), f->than, b);
        if (rc == SCOUT_OK) rc = scout_dialect_literal(c->d, &f->values[0], b, c->err);
        return bufrc(c, rc);
    }
}

/* Appends " AND " between conditions (nothing before the first). */
static scout_rc cond_sep(scout_buf *b, bool *first)
{
    scout_rc rc = scout_buf_puts(b, *first ? " WHERE " : " AND ");
    *first = false;
    return rc;
}

/* tP.col IN (SELECT tS.col FROM table AS tS WHERE <its filters>). */
static scout_rc emit_semi(cctx *c, size_t step, scout_buf *b)
{
    const scout_joins_step *s = &c->plan->steps[step];
    scout_rc rc = colref(c, s->from_table, s->from_column, b);
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, " IN (SELECT ");
    if (rc == SCOUT_OK) rc = colref(c, s->to_table, s->to_column, b);
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, " FROM ");
    if (rc == SCOUT_OK) rc = scout_dialect_table(c->d, s->to_table, b, c->err);
    if (rc == SCOUT_OK) rc = scout_buf_printf(b, " AS t%zu", step + 1);
    bool first = true;
    for (size_t i = 0; i < c->q->n_filters && rc == SCOUT_OK; i++) {
        const scout_sq_filter *f = &c->q->filters[i];
        if (strcmp(ref_table(c, &f->ref), s->to_table) != 0) continue;
        rc = cond_sep(b, &first);
        if (rc == SCOUT_OK) rc = emit_filter(c, f, b);
    }
    return bufrc(c, rc == SCOUT_OK ? scout_buf_putc(b, ')') : rc);
}

static bool on_semi_table(const cctx *c, const char *fq)
{
    for (size_t i = 0; c->plan && i < c->plan->n_steps; i++)
        if (c->semi[i] && strcmp(c->plan->steps[i].to_table, fq) == 0) return true;
    return false;
}

/* The period label a text-period column uses for the period holding date d:
 * 'YYYY-MM' for months, 'YYYY-Qn' for quarters. */
static void text_period(scout_grain holds, const char *d, char out[16])
{
    if (holds == SCOUT_GRAIN_QUARTER)
        snprintf(out, 16, "%.4s-Q%d", d, ((atoi(d + 5) + 11) % 12) / 3 + 1);
    else
        snprintf(out, 16, "%.7s", d);
}

/* A period on a column of text periods ("2026-10" months): the labels of
 * the periods holding start and end, compared as strings (they sort in time
 * order); one period is an equality, as people write it. */
static scout_rc emit_text_range(cctx *c, const char *x, const char *start, const char *end,
                                scout_buf *b)
{
    char lo[16] = "", hi[16] = "";
    scout_grain h = c->q->time.holds;
    if (start) text_period(h, start, lo);
    if (end) text_period(h, end, hi);
    scout_rc rc = scout_buf_puts(b, x);
    if (rc != SCOUT_OK) return bufrc(c, rc);
    if (start && end && strcmp(lo, hi) == 0) {
        rc = scout_buf_puts(b, " = ");
        return rc == SCOUT_OK ? scout_dialect_string(c->d, lo, b, c->err) : bufrc(c, rc);
    }
    if (start && end) {
        rc = scout_buf_puts(b, " BETWEEN ");
        if (rc == SCOUT_OK) rc = scout_dialect_string(c->d, lo, b, c->err);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, " AND ");
        return rc == SCOUT_OK ? scout_dialect_string(c->d, hi, b, c->err) : bufrc(c, rc);
    }
    rc = scout_buf_puts(b, start ? " >= " : " <= ");
    return rc == SCOUT_OK ? scout_dialect_string(c->d, start ? lo : hi, b, c->err) : bufrc(c, rc);
}

/* WHERE: the period, the query's filters, semi-joins, a compared member and
 * the curated filters of the metrics. */
static scout_rc emit_where(cctx *c, const char *start, const char *end,
                           const scout_sq_value *member, scout_buf *b)
{
    bool first = true;
    scout_rc rc = SCOUT_OK;
    if (start || end) {
        char *x = colref_str(c, c->q->table, c->time_col);
        if (!x) return nomem(c);
        rc = cond_sep(b, &first);
        if (rc == SCOUT_OK)
            rc = c->q->time.holds != SCOUT_GRAIN_NONE
                     ? emit_text_range(c, x, start, end, b)
                     : scout_dialect_date_range(c->d, x, start, end, b, c->err);
        free(x);
    }
    for (size_t i = 0; i < c->q->n_filters && rc == SCOUT_OK; i++) {
        const scout_sq_filter *f = &c->q->filters[i];
        if (on_semi_table(c, ref_table(c, &f->ref))) continue;
        rc = cond_sep(b, &first);
        if (rc == SCOUT_OK) rc = emit_filter(c, f, b);
    }
    for (size_t i = 0; c->plan && i < c->plan->n_steps && rc == SCOUT_OK; i++) {
        if (!c->semi[i]) continue;
        rc = cond_sep(b, &first);
        if (rc == SCOUT_OK) rc = emit_semi(c, i, b);
    }
    if (member && rc == SCOUT_OK) {
        const scout_sq_ref *r = &c->q->comparison.dimension;
        rc = cond_sep(b, &first);
        if (rc == SCOUT_OK) rc = colref(c, ref_table(c, r), r->column, b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, " = ");
        if (rc == SCOUT_OK) rc = scout_dialect_literal(c->d, member, b, c->err);
    }
    for (size_t i = 0; c->has_metric_filters && i < c->metric_filters.n_filters && rc == SCOUT_OK;
         i++) {
        rc = cond_sep(b, &first);
        if (rc == SCOUT_OK) rc = scout_buf_putc(b, '(');
        if (rc == SCOUT_OK) rc = emit_curated(c, c->metric_filters.filters[i], b);
        if (rc == SCOUT_OK) rc = scout_buf_putc(b, ')');
    }
    return bufrc(c, rc);
}

/* ---- SELECT lists ---- */

/* A rate from its parts: the sums divide, so a month's error rate weighs
 * each day by its requests (an average of daily rates would not). NULL when
 * the denominator sums to 0; the same text in every dialect. */
static scout_rc emit_ratio(cctx *c, const scout_sq_measure *m, scout_buf *b)
{
    const char *t = ref_table(c, &m->ref);
    scout_rc rc = scout_buf_puts(b, "CASE WHEN SUM(");
    if (rc == SCOUT_OK) rc = colref(c, t, m->per, b);
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, ") = 0 THEN NULL ELSE 1.0 * SUM(");
    if (rc == SCOUT_OK) rc = colref(c, t, m->ref.column, b);
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, ") / SUM(");
    if (rc == SCOUT_OK) rc = colref(c, t, m->per, b);
    return bufrc(c, rc == SCOUT_OK ? scout_buf_puts(b, ") END") : rc);
}

/* "Tickets per account": the things counted over the distinct things they
 * belong to, NULL when there are none. */
static scout_rc emit_count_per(cctx *c, const scout_sq_measure *m, scout_buf *b)
{
    const char *t = ref_table(c, &m->ref);
    scout_rc rc = scout_buf_puts(b, "CASE WHEN COUNT(DISTINCT ");
    if (rc == SCOUT_OK) rc = colref(c, t, m->per, b);
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, ") = 0 THEN NULL ELSE 1.0 * COUNT(");
    if (rc == SCOUT_OK && m->ref.column)
        rc = colref(c, t, m->ref.column, b);
    else if (rc == SCOUT_OK)
        rc = scout_buf_putc(b, '*');
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, ") / COUNT(DISTINCT ");
    if (rc == SCOUT_OK) rc = colref(c, t, m->per, b);
    return bufrc(c, rc == SCOUT_OK ? scout_buf_puts(b, ") END") : rc);
}

/* "Share of tickets still open": the rows meeting the condition over all
 * rows of the group (so the condition is not a WHERE filter). */
static scout_rc emit_share(cctx *c, const scout_sq_measure *m, scout_buf *b)
{
    scout_rc rc = scout_buf_puts(b, "1.0 * SUM(CASE WHEN ");
    if (rc == SCOUT_OK) rc = emit_filter(c, m->where, b);
    return bufrc(c, rc == SCOUT_OK ? scout_buf_puts(b, " THEN 1 ELSE 0 END) / COUNT(*)") : rc);
}

/* "Average hours to resolve": the aggregate of each row's time from its
 * start column to its end column; rows without an end (not yet resolved)
 * are NULL and drop out of every aggregate. */
static scout_rc emit_duration(cctx *c, const scout_sq_measure *m, const char *fn, scout_buf *b)
{
    const char *t = ref_table(c, &m->ref);
    char *from = colref_str(c, t, m->from), *to = colref_str(c, t, m->ref.column);
    scout_rc rc = from && to ? scout_buf_printf(b, "%s(", fn) : SCOUT_ENOMEM;
    if (rc == SCOUT_OK) rc = scout_dialect_duration(c->d, from, to, m->unit, b);
    if (rc == SCOUT_OK) rc = scout_buf_putc(b, ')');
    free(from);
    free(to);
    return bufrc(c, rc);
}

static scout_rc emit_measure(cctx *c, const scout_sq_measure *m, scout_buf *b)
{
    static const char *const fn[] = {"SUM", "AVG", "COUNT", "COUNT", "MIN", "MAX"};
    if (m->agg == SCOUT_AGG_METRIC) {
        scout_joins_metric jm;
        if (!scout_joins_metric_find(c->g, m->metric, &jm))
            return scout_err_set(c->err, SCOUT_EUSER, "unknown metric '%s'", m->metric);
        return emit_curated(c, jm.expression, b); /* curated: verbatim, qualified when joined */
    }
    if (m->agg == SCOUT_AGG_COUNT && !m->ref.column) return bufrc(c, scout_buf_puts(b, "COUNT(*)"));
    if (m->agg == SCOUT_AGG_RATIO) return emit_ratio(c, m, b);
    if (m->agg == SCOUT_AGG_COUNT_PER) return emit_count_per(c, m, b);
    if (m->agg == SCOUT_AGG_SHARE) return emit_share(c, m, b);
    if (m->from) return emit_duration(c, m, fn[m->agg], b);
    scout_rc rc = scout_buf_printf(b, "%s(%s", fn[m->agg],
                                   m->agg == SCOUT_AGG_COUNT_DISTINCT ? "DISTINCT " : "");
    if (rc == SCOUT_OK) rc = colref(c, ref_table(c, &m->ref), m->ref.column, b);
    return bufrc(c, rc == SCOUT_OK ? scout_buf_putc(b, ')') : rc);
}

static scout_rc emit_as(cctx *c, const char *name, const char *suffix, scout_buf *b)
{
    scout_rc rc = scout_buf_puts(b, " AS ");
    if (rc != SCOUT_OK) return bufrc(c, rc);
    if (!suffix || !*suffix) return ident(c, name, b);
    char full[SCOUT_SEMANTIC_IDENT_MAX + 32];
    snprintf(full, sizeof full, "%s%s", name, suffix);
    return ident(c, full, b);
}

static const char *grain_col(const cctx *c)
{
    return c->q->has_time && c->q->time.grain != SCOUT_GRAIN_NONE
               ? scout_semantic_grain_name(c->q->time.grain)
               : NULL;
}

/* The bucket and dimension expressions, each followed by its alias when
 * with_alias; used for both SELECT and GROUP BY. */
static scout_rc emit_keys(cctx *c, bool with_alias, const char *extra, scout_buf *b, bool *any)
{
    scout_rc rc = SCOUT_OK;
    *any = false;
    if (grain_col(c)) {
        char *x = colref_str(c, c->q->table, c->time_col);
        if (!x) return nomem(c);
        rc = scout_dialect_bucket(c->d, c->q->time.grain, x, b);
        free(x);
        if (rc == SCOUT_OK && with_alias) rc = emit_as(c, grain_col(c), NULL, b);
        *any = true;
    }
    for (size_t i = 0; i < c->q->n_dimensions && rc == SCOUT_OK; i++) {
        const scout_sq_dimension *dm = &c->q->dimensions[i];
        if (*any) rc = scout_buf_puts(b, ", ");
        if (rc == SCOUT_OK) rc = colref(c, ref_table(c, &dm->ref), dm->ref.column, b);
        if (rc == SCOUT_OK && with_alias) rc = emit_as(c, dm->as, NULL, b);
        *any = true;
    }
    if (extra && rc == SCOUT_OK) {
        if (*any) rc = scout_buf_puts(b, ", ");
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, extra);
        *any = true;
    }
    return bufrc(c, rc);
}

/* SELECT keys, [point AS "__t",] measures FROM ... WHERE ... GROUP BY ... */
static scout_rc emit_plain_agg(cctx *c, const char *start, const char *end,
                               const scout_sq_value *member, const char *point, const char *suffix,
                               scout_buf *b)
{
    bool any = false;
    scout_rc rc = scout_buf_puts(b, "SELECT ");
    if (rc == SCOUT_OK) rc = emit_keys(c, true, NULL, b, &any);
    if (rc == SCOUT_OK && point) {
        rc = scout_buf_printf(b, "%s%s AS ", any ? ", " : "", point);
        if (rc == SCOUT_OK) rc = ident(c, "__t", b);
        any = true;
    }
    for (size_t i = 0; i < c->q->n_measures && rc == SCOUT_OK; i++) {
        if (any || i) rc = scout_buf_puts(b, ", ");
        if (rc == SCOUT_OK) rc = emit_measure(c, &c->q->measures[i], b);
        if (rc == SCOUT_OK) rc = emit_as(c, c->q->measures[i].as, suffix, b);
    }
    if (rc == SCOUT_OK) rc = emit_from(c, b);
    if (rc == SCOUT_OK) rc = emit_where(c, start, end, member, b);
    size_t mark = b->len;
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, " GROUP BY ");
    if (rc == SCOUT_OK) rc = emit_keys(c, false, point, b, &any);
    if (rc == SCOUT_OK && !any) { /* a single aggregate row: no GROUP BY */
        b->len = mark;
        b->data[mark] = '\0';
    }
    return bufrc(c, rc);
}

/* Appends the output names of the keys ("month", "region") quoted, with an
 * optional qualifier, comma-separated. */
static scout_rc emit_key_names(cctx *c, const char *qual, scout_buf *b, bool *any)
{
    scout_rc rc = SCOUT_OK;
    *any = false;
    const char *g = grain_col(c);
    if (g) {
        if (qual) rc = scout_buf_printf(b, "%s.", qual);
        if (rc == SCOUT_OK) rc = ident(c, g, b);
        *any = true;
    }
    for (size_t i = 0; i < c->q->n_dimensions && rc == SCOUT_OK; i++) {
        if (*any) rc = scout_buf_puts(b, ", ");
        if (rc == SCOUT_OK && qual) rc = scout_buf_printf(b, "%s.", qual);
        if (rc == SCOUT_OK) rc = ident(c, c->q->dimensions[i].as, b);
        *any = true;
    }
    return bufrc(c, rc);
}

/* Appends a measure's name plus suffix, quoted. */
static scout_rc measure_name(cctx *c, const char *name, const char *suffix, scout_buf *b)
{
    char full[SCOUT_SEMANTIC_IDENT_MAX + 32];
    snprintf(full, sizeof full, "%s%s", name, suffix ? suffix : "");
    return ident(c, full, b);
}

/* The per-time-point relation both semi-additive forms start from: each
 * measure aggregated per point of the time column (the day, or the text
 * period itself when the column holds periods), named __t. */
static scout_rc emit_points(cctx *c, const char *start, const char *end,
                            const scout_sq_value *member, const char *suffix, scout_buf *inner)
{
    char *x = colref_str(c, c->q->table, c->time_col);
    if (!x) return SCOUT_ENOMEM;
    scout_buf point;
    scout_buf_init(&point, 4096);
    scout_rc rc = c->q->time.holds != SCOUT_GRAIN_NONE
                      ? scout_buf_puts(&point, x)
                      : scout_dialect_bucket(c->d, SCOUT_GRAIN_DAY, x, &point);
    free(x);
    if (rc == SCOUT_OK)
        rc = emit_plain_agg(c, start, end, member, scout_buf_cstr(&point), suffix, inner);
    scout_buf_free(&point);
    return rc;
}

/* Semi-additive measures: aggregate per time point (inner), then keep the
 * last (or first) point of each period, or combine points with avg/min/max.
 * Written with subqueries and USING so ClickHouse 18.16 takes it too. */
static scout_rc emit_over_time_agg(cctx *c, const char *start, const char *end,
                                   const scout_sq_value *member, const char *suffix, scout_buf *b)
{
    static const char *const comb[] = {"SUM", "MAX", "MIN", "AVG", "MIN", "MAX"};
    scout_over_time ot = c->q->measures[0].over_time;
    bool pick = ot == SCOUT_OVER_LAST || ot == SCOUT_OVER_FIRST;
    scout_buf inner;
    scout_buf_init(&inner, SQL_MAX);
    scout_rc rc = emit_points(c, start, end, member, suffix, &inner);
    bool any = false;
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, "SELECT ");
    if (rc == SCOUT_OK) rc = emit_key_names(c, NULL, b, &any);
    for (size_t i = 0; i < c->q->n_measures && rc == SCOUT_OK; i++) {
        if (any || i) rc = scout_buf_puts(b, ", ");
        if (rc == SCOUT_OK && !pick) rc = scout_buf_printf(b, "%s(", comb[ot]);
        if (rc == SCOUT_OK) rc = measure_name(c, c->q->measures[i].as, suffix, b);
        if (rc == SCOUT_OK && !pick) {
            rc = scout_buf_putc(b, ')');
            if (rc == SCOUT_OK) rc = emit_as(c, c->q->measures[i].as, suffix, b);
        }
    }
    if (rc == SCOUT_OK) rc = scout_buf_printf(b, " FROM (%s) AS s", scout_buf_cstr(&inner));
    if (rc == SCOUT_OK && pick) {
        /* l holds the chosen time point of each period. */
        const char *g = grain_col(c);
        rc = scout_buf_puts(b, c->d == SCOUT_DIALECT_CLICKHOUSE ? " ALL INNER JOIN (SELECT "
                                                                : " INNER JOIN (SELECT ");
        if (rc == SCOUT_OK && g) {
            rc = ident(c, g, b);
            if (rc == SCOUT_OK) rc = scout_buf_puts(b, ", ");
        }
        if (rc == SCOUT_OK) rc = scout_buf_printf(b, "%s(", ot == SCOUT_OVER_LAST ? "MAX" : "MIN");
        if (rc == SCOUT_OK) rc = ident(c, "__t", b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, ") AS ");
        if (rc == SCOUT_OK) rc = ident(c, "__t", b);
        if (rc == SCOUT_OK) rc = scout_buf_printf(b, " FROM (%s) AS s2", scout_buf_cstr(&inner));
        if (rc == SCOUT_OK && g) {
            rc = scout_buf_puts(b, " GROUP BY ");
            if (rc == SCOUT_OK) rc = ident(c, g, b);
        }
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, ") AS l USING (");
        if (rc == SCOUT_OK && g) {
            rc = ident(c, g, b);
            if (rc == SCOUT_OK) rc = scout_buf_puts(b, ", ");
        }
        if (rc == SCOUT_OK) rc = ident(c, "__t", b);
        if (rc == SCOUT_OK) rc = scout_buf_putc(b, ')');
    } else if (rc == SCOUT_OK) {
        size_t mark = b->len;
        rc = scout_buf_puts(b, " GROUP BY ");
        if (rc == SCOUT_OK) rc = emit_key_names(c, NULL, b, &any);
        if (rc == SCOUT_OK && !any) {
            b->len = mark;
            b->data[mark] = '\0';
        }
    }
    scout_buf_free(&inner);
    return bufrc(c, rc);
}

/* A level's change over each period ("subscribers added since January"):
 * its value at the period's latest time point minus its value at the
 * earliest. l holds both points per period; s the per-point values. */
static scout_rc emit_change_agg(cctx *c, const char *start, const char *end,
                                const scout_sq_value *member, const char *suffix, scout_buf *b)
{
    const char *g = grain_col(c);
    bool ch = c->d == SCOUT_DIALECT_CLICKHOUSE;
    scout_buf inner;
    scout_buf_init(&inner, SQL_MAX);
    scout_rc rc = emit_points(c, start, end, member, suffix, &inner);
    bool any = false;
    if (rc == SCOUT_OK) rc = scout_buf_puts(b, "SELECT ");
    if (rc == SCOUT_OK) rc = emit_key_names(c, NULL, b, &any);
    for (size_t i = 0; i < c->q->n_measures && rc == SCOUT_OK; i++) {
        for (int side = 0; side < 2 && rc == SCOUT_OK; side++) {
            rc = scout_buf_puts(b, side         ? " - SUM(CASE WHEN "
                                   : (any || i) ? ", SUM(CASE WHEN "
                                                : "SUM(CASE WHEN ");
            if (rc == SCOUT_OK) rc = ident(c, "__t", b);
            if (rc == SCOUT_OK) rc = scout_buf_puts(b, " = ");
            if (rc == SCOUT_OK) rc = ident(c, side ? "__first" : "__last", b);
            if (rc == SCOUT_OK) rc = scout_buf_puts(b, " THEN ");
            if (rc == SCOUT_OK) rc = measure_name(c, c->q->measures[i].as, suffix, b);
            if (rc == SCOUT_OK) rc = scout_buf_puts(b, " ELSE 0 END)");
        }
        if (rc == SCOUT_OK) rc = emit_as(c, c->q->measures[i].as, suffix, b);
    }
    if (rc == SCOUT_OK)
        rc = scout_buf_printf(b, " FROM (%s) AS s %s (SELECT ", scout_buf_cstr(&inner),
                              !g   ? "CROSS JOIN"
                              : ch ? "ALL INNER JOIN"
                                   : "INNER JOIN");
    if (rc == SCOUT_OK && g) {
        rc = ident(c, g, b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, ", ");
    }
    const char *pts[2][2] = {{"MAX(", "__last"}, {"MIN(", "__first"}};
    for (int k = 0; k < 2 && rc == SCOUT_OK; k++) {
        rc = scout_buf_puts(b, k ? ", " : "");
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, pts[k][0]);
        if (rc == SCOUT_OK) rc = ident(c, "__t", b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, ") AS ");
        if (rc == SCOUT_OK) rc = ident(c, pts[k][1], b);
    }
    if (rc == SCOUT_OK) rc = scout_buf_printf(b, " FROM (%s) AS s2", scout_buf_cstr(&inner));
    if (rc == SCOUT_OK && g) {
        rc = scout_buf_puts(b, " GROUP BY ");
        if (rc == SCOUT_OK) rc = ident(c, g, b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, ") AS l USING (");
        if (rc == SCOUT_OK) rc = ident(c, g, b);
        if (rc == SCOUT_OK) rc = scout_buf_putc(b, ')');
    } else if (rc == SCOUT_OK) {
        rc = scout_buf_puts(b, ") AS l");
    }
    if (rc == SCOUT_OK) {
        size_t mark = b->len;
        rc = scout_buf_puts(b, " GROUP BY ");
        if (rc == SCOUT_OK) rc = emit_key_names(c, NULL, b, &any);
        if (rc == SCOUT_OK && !any) {
            b->len = mark;
            b->data[mark] = '\0';
        }
    }
    scout_buf_free(&inner);
    return bufrc(c, rc);
}

/* One aggregate relation (a whole query, or one side of a comparison). */
static scout_rc emit_agg(cctx *c, const char *start, const char *end, const scout_sq_value *member,
                         const char *suffix, scout_buf *b)
{
    scout_over_time ot = c->q->n_measures ? c->q->measures[0].over_time : SCOUT_OVER_SUM;
    if (ot == SCOUT_OVER_CHANGE) return emit_change_agg(c, start, end, member, suffix, b);
    if (ot != SCOUT_OVER_SUM) return emit_over_time_agg(c, start, end, member, suffix, b);
    return emit_plain_agg(c, start, end, member, NULL, suffix, b);
}

/* ---- periods ---- */

static bool is_month_start(const char *d)
{
    return d && strcmp(d + 8, "01") == 0;
}

static bool is_month_end(const char *d)
{
    char next[11];
    return scout_semantic_date_add_days(d, 1, next) && is_month_start(next);
}

/* The other side of a period comparison. Whole calendar months shift by
 * months (the quarter before Q3 is Q2, not "92 days earlier"); other spans
 * shift by their length in days. */
static scout_rc previous_range(cctx *c, char ps[11], char pe[11])
{
    const scout_sq_comparison *k = &c->q->comparison;
    const char *s = c->q->time.start, *e = c->q->time.end;
    bool ok = true;
    if (k->type == SCOUT_CMP_PERIOD) {
        memcpy(ps, k->start, 11);
        memcpy(pe, k->end, 11);
    } else if (k->type == SCOUT_CMP_PREVIOUS_YEAR) {
        ok = scout_semantic_date_add_months(s, -12, ps) &&
             scout_semantic_date_add_months(e, -12, pe);
        if (ok && is_month_end(e)) { /* keep month ends: Feb 28 2025 ↔ Feb 29 2024 */
            char first[11];
            ok = scout_semantic_date_add_months(e, -11, first);
            if (ok) memcpy(first + 8, "01", 3);
            ok = ok && scout_semantic_date_add_days(first, -1, pe);
        }
    } else if (is_month_start(s) && is_month_end(e)) {
        int months = (atoi(e) - atoi(s)) * 12 + (atoi(e + 5) - atoi(s + 5)) + 1;
        ok = scout_semantic_date_add_months(s, -months, ps) &&
             scout_semantic_date_add_days(s, -1, pe);
    } else {
        int64_t len = 0;
        char cur[11];
        memcpy(cur, s, 11);
        while (strcmp(cur, e) <= 0 && len < 100000 && ok) {
            ok = scout_semantic_date_add_days(cur, 1, cur);
            len++;
        }
        ok = ok && scout_semantic_date_add_days(s, -len, ps) &&
             scout_semantic_date_add_days(s, -1, pe);
    }
    if (!ok)
        return scout_err_set(c->err, SCOUT_EUSER, "comparison: cannot compute the other period");
    return SCOUT_OK;
}

/* ---- ordering ---- */

static const char *order_suffix(scout_order_value v)
{
    static const char *const s[] = {"_current", "_previous", "_delta", "_pct_change"};
    return s[v];
}

static bool is_measure(const scout_semantic *q, const char *key)
{
    for (size_t i = 0; i < q->n_measures; i++)
        if (strcmp(q->measures[i].as, key) == 0) return true;
    return false;
}

/* ORDER BY: the requested keys, then (for a stable order) the time bucket
 * and every dimension not named yet. Defaults: time ascending for a series,
 * else the first measure (or its delta when comparing) descending. */
static scout_rc emit_order(cctx *c, bool comparing, scout_buf *b)
{
    const scout_semantic *q = c->q;
    const char *g = grain_col(c);
    scout_buf names;
    scout_buf_init(&names, SQL_MAX);
    scout_rc rc = SCOUT_OK;
    bool any = false;
    char full[SCOUT_SEMANTIC_IDENT_MAX + 32];
    for (size_t i = 0; i < q->n_order_by && rc == SCOUT_OK; i++) {
        const scout_sq_order *o = &q->order_by[i];
        bool m = is_measure(q, o->key);
        snprintf(full, sizeof full, "%s%s", o->key, m && comparing ? order_suffix(o->value) : "");
        rc = scout_buf_puts(b, any ? ", " : " ORDER BY ");
        if (rc == SCOUT_OK) rc = ident(c, full, b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, o->desc ? " DESC" : " ASC");
        if (rc == SCOUT_OK) rc = scout_buf_printf(&names, "|%s|", o->key);
        any = true;
    }
    if (rc == SCOUT_OK && !any && !g && q->n_dimensions > 0 && q->n_measures > 0) {
        snprintf(full, sizeof full, "%s%s", q->measures[0].as, comparing ? "_delta" : "");
        rc = scout_buf_puts(b, " ORDER BY ");
        if (rc == SCOUT_OK) rc = ident(c, full, b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, " DESC");
        any = true;
    }
    char probe[SCOUT_SEMANTIC_IDENT_MAX + 4];
    if (g && rc == SCOUT_OK) {
        snprintf(probe, sizeof probe, "|%s|", g);
        if (!strstr(scout_buf_cstr(&names), probe)) {
            rc = scout_buf_puts(b, any ? ", " : " ORDER BY ");
            if (rc == SCOUT_OK) rc = ident(c, g, b);
            if (rc == SCOUT_OK) rc = scout_buf_puts(b, " ASC");
            any = true;
        }
    }
    for (size_t i = 0; i < q->n_dimensions && rc == SCOUT_OK; i++) {
        snprintf(probe, sizeof probe, "|%s|", q->dimensions[i].as);
        if (strstr(scout_buf_cstr(&names), probe)) continue;
        rc = scout_buf_puts(b, any ? ", " : " ORDER BY ");
        if (rc == SCOUT_OK) rc = ident(c, q->dimensions[i].as, b);
        if (rc == SCOUT_OK) rc = scout_buf_puts(b, " ASC");
        any = true;
    }
    scout_buf_free(&names);
    return bufrc(c, rc);
}

static scout_rc emit_limit(cctx *c, scout_buf *b)
{
    const scout_semantic *q = c->q;
    c->out->single_row = q->n_dimensions == 0 && !grain_col(c);
    if (c->out->single_row) return SCOUT_OK;
    int64_t lim = q->limit > 0 && q->limit < c->max_rows ? q->limit : c->max_rows;
    return bufrc(c, scout_buf_printf(b, " LIMIT %lld", (long long)lim));
}

/* ---- columns ---- */

static scout_rc key_columns(cctx *c)
{
    scout_rc rc = SCOUT_OK;
    /* Months, quarters and years are text labels ("2026-07", "2026-Q3"). */
    scout_grain gr = c->q->has_time ? c->q->time.grain : SCOUT_GRAIN_NONE;
    const char *gtype = gr == SCOUT_GRAIN_DAY || gr == SCOUT_GRAIN_WEEK ? "date" : "text";
    if (grain_col(c)) rc = add_col(c, grain_col(c), SCOUT_ROLE_TIME, gtype, NULL, NULL, NULL);
    for (size_t i = 0; i < c->q->n_dimensions && rc == SCOUT_OK; i++) {
        const scout_sq_dimension *dm = &c->q->dimensions[i];
        const char *t = scout_joins_column_type(c->g, ref_table(c, &dm->ref), dm->ref.column);
        rc = add_col(c, dm->as, SCOUT_ROLE_DIMENSION, type_of_decl(t), NULL, NULL, NULL);
    }
    return rc;
}

/* ---- comparison ---- */

/* The two sides' labels: periods as "start..end", members as their values. */
static void side_label(const scout_sq_value *v, const char *s, const char *e, const char *given,
                       char *dst, size_t n)
{
    if (given)
        snprintf(dst, n, "%s", given);
    else if (v && v->kind == SCOUT_VAL_KIND_STRING)
        snprintf(dst, n, "%s", v->s);
    else if (v)
        snprintf(dst, n, "%lld", (long long)v->i);
    else
        snprintf(dst, n, "%s..%s", s ? s : "", e ? e : "");
}

static scout_rc emit_comparison_select(cctx *c, const char *cl, const char *pl, scout_buf *b)
{
    bool ch = c->d == SCOUT_DIALECT_CLICKHOUSE;
    scout_rc rc = scout_buf_puts(b, "SELECT ");
    bool any = false;
    for (size_t i = 0; i < c->q->n_dimensions && rc == SCOUT_OK; i++) {
        const char *as = c->q->dimensions[i].as;
        if (i) rc = scout_buf_puts(b, ", ");
        if (ch)
            rc = rc == SCOUT_OK ? ident(c, as, b) : rc;
        else {
            rc = rc == SCOUT_OK ? scout_buf_puts(b, "COALESCE(cur.") : rc;
            if (rc == SCOUT_OK) rc = ident(c, as, b);
            if (rc == SCOUT_OK) rc = scout_buf_puts(b, ", prev.");
            if (rc == SCOUT_OK) rc = ident(c, as, b);
            if (rc == SCOUT_OK) rc = scout_buf_putc(b, ')');
        }
        if (rc == SCOUT_OK) rc = emit_as(c, as, NULL, b);
        any = true;
    }
    for (size_t i = 0; i < c->q->n_measures && rc == SCOUT_OK; i++) {
        const scout_sq_measure *m = &c->q->measures[i];
        scout_buf cur, prev;
        scout_buf_init(&cur, 4096);
        scout_buf_init(&prev, 4096);
        if (ch) {
            rc = measure_name(c, m->as, "_current", &cur);
            if (rc == SCOUT_OK) rc = measure_name(c, m->as, "_previous", &prev);
        } else {
            rc = scout_buf_puts(&cur, "cur.");
            if (rc == SCOUT_OK) rc = ident(c, m->as, &cur);
            if (rc == SCOUT_OK) rc = scout_buf_puts(&prev, "prev.");
            if (rc == SCOUT_OK) rc = ident(c, m->as, &prev);
        }
        const char *cs = scout_buf_cstr(&cur), *ps = scout_buf_cstr(&prev);
        if (rc == SCOUT_OK && (any || i)) rc = scout_buf_puts(b, ", ");
        if (rc == SCOUT_OK && !ch) {
            rc = scout_buf_printf(b, "%s", cs);
            if (rc == SCOUT_OK) rc = emit_as(c, m->as, "_current", b);
            if (rc == SCOUT_OK) rc = scout_buf_printf(b, ", %s", ps);
            if (rc == SCOUT_OK) rc = emit_as(c, m->as, "_previous", b);
            if (rc == SCOUT_OK)
                rc = scout_buf_printf(b, ", COALESCE(%s, 0) - COALESCE(%s, 0)", cs, ps);
            if (rc == SCOUT_OK) rc = emit_as(c, m->as, "_delta", b);
            if (rc == SCOUT_OK)
                rc = scout_buf_printf(b,
                                      ", CASE WHEN %s IS NULL OR %s = 0 THEN NULL ELSE "
                                      "(COALESCE(%s, 0) - %s) * 100.0 / %s END",
                                      ps, ps, cs, ps, ps);
        } else if (rc == SCOUT_OK) {
            /* ClickHouse fills a missing side with 0, never NULL. */
            rc = scout_buf_printf(b, "%s, %s, %s - %s", cs, ps, cs, ps);
            if (rc == SCOUT_OK) rc = emit_as(c, m->as, "_delta", b);
            if (rc == SCOUT_OK)
                rc = scout_buf_printf(b, ", if(%s = 0, NULL, (%s - %s) * 100.0 / %s)", ps, cs, ps,
                                      ps);
        }
        if (rc == SCOUT_OK) rc = emit_as(c, m->as, "_pct_change", b);
        scout_buf_free(&cur);
        scout_buf_free(&prev);
        const char *t = measure_type(m);
        if (rc == SCOUT_OK) rc = add_col(c, "", SCOUT_ROLE_MEASURE, t, m->as, "current", cl);
        if (rc == SCOUT_OK) rc = add_col(c, "", SCOUT_ROLE_MEASURE, t, m->as, "previous", pl);
        if (rc == SCOUT_OK) rc = add_col(c, "", SCOUT_ROLE_DELTA, t, m->as, NULL, NULL);
        if (rc == SCOUT_OK) rc = add_col(c, "", SCOUT_ROLE_PCT, "number", m->as, NULL, NULL);
    }
    return bufrc(c, rc);
}

/* Names the four comparison columns added with empty names above. */
static scout_rc name_comparison_cols(cctx *c)
{
    for (size_t i = 0; i < c->out->n_cols; i++) {
        scout_compiled_col *col = &c->out->cols[i];
        if (col->name[0]) continue;
        const char *suffix = col->role == SCOUT_ROLE_DELTA          ? "_delta"
                             : col->role == SCOUT_ROLE_PCT          ? "_pct_change"
                             : strcmp(col->variant, "current") == 0 ? "_current"
                                                                    : "_previous";
        size_t n = strlen(col->measure) + strlen(suffix) + 1;
        char *name = malloc(n);
        if (!name) return nomem(c);
        snprintf(name, n, "%s%s", col->measure, suffix);
        free(col->name);
        col->name = name;
    }
    return SCOUT_OK;
}

static scout_rc emit_comparison_join(cctx *c, scout_buf *b)
{
    scout_rc rc = SCOUT_OK;
    bool ch = c->d == SCOUT_DIALECT_CLICKHOUSE;
    if (c->q->n_dimensions == 0) return bufrc(c, scout_buf_puts(b, ch ? "" : " CROSS JOIN prev"));
    if (ch) {
        bool any;
        rc = scout_buf_puts(b, " USING (");
        if (rc == SCOUT_OK) rc = emit_key_names(c, NULL, b, &any);
        return bufrc(c, rc == SCOUT_OK ? scout_buf_putc(b, ')') : rc);
    }
    rc = scout_buf_puts(b, " FULL JOIN prev ON ");
    for (size_t i = 0; i < c->q->n_dimensions && rc == SCOUT_OK; i++) {
        scout_buf l, r;
        scout_buf_init(&l, 4096);
        scout_buf_init(&r, 4096);
        rc = scout_buf_puts(&l, "cur.");
        if (rc == SCOUT_OK) rc = ident(c, c->q->dimensions[i].as, &l);
        if (rc == SCOUT_OK) rc = scout_buf_puts(&r, "prev.");
        if (rc == SCOUT_OK) rc = ident(c, c->q->dimensions[i].as, &r);
        if (rc == SCOUT_OK && i) rc = scout_buf_puts(b, " AND ");
        if (rc == SCOUT_OK)
            rc = scout_dialect_null_safe_eq(c->d, scout_buf_cstr(&l), scout_buf_cstr(&r), b);
        scout_buf_free(&l);
        scout_buf_free(&r);
    }
    return bufrc(c, rc);
}

static scout_rc emit_comparison(cctx *c, scout_buf *b)
{
    const scout_semantic *q = c->q;
    const scout_sq_comparison *k = &q->comparison;
    bool members = k->type == SCOUT_CMP_MEMBERS;
    bool ch = c->d == SCOUT_DIALECT_CLICKHOUSE;
    char ps[11] = "", pe[11] = "", cl[256], pl[256];
    const char *cs = q->has_time ? q->time.start : NULL, *ce = q->has_time ? q->time.end : NULL;
    scout_rc rc = members ? SCOUT_OK : previous_range(c, ps, pe);
    if (rc != SCOUT_OK) return rc;
    for (size_t i = 0; i < q->n_dimensions; i++)
        if (members && strcmp(q->dimensions[i].ref.column, k->dimension.column) == 0 &&
            strcmp(ref_table(c, &q->dimensions[i].ref), ref_table(c, &k->dimension)) == 0)
            return scout_err_set(c->err, SCOUT_EUSER,
                                 "comparison.dimension: '%s' cannot also be a dimension",
                                 k->dimension.column);
    side_label(members ? &k->members[0] : NULL, cs, ce, members ? NULL : q->time.label, cl,
               sizeof cl);
    side_label(members ? &k->members[1] : NULL, ps, pe, members ? NULL : k->label, pl, sizeof pl);
    if (!members)
        rc = add_note(c, "compared with %s = %s..%s",
                      k->type == SCOUT_CMP_PREVIOUS_YEAR ? "the same period a year earlier"
                      : k->type == SCOUT_CMP_PERIOD      ? "the given period"
                                                         : "the previous period",
                      ps, pe);
    const char *pstart = members ? cs : ps, *pend = members ? ce : pe;
    scout_buf cur, prev;
    scout_buf_init(&cur, SQL_MAX);
    scout_buf_init(&prev, SQL_MAX);
    if (rc == SCOUT_OK)
        rc = emit_agg(c, cs, ce, members ? &k->members[0] : NULL, ch ? "_current" : NULL, &cur);
    if (rc == SCOUT_OK)
        rc = emit_agg(c, pstart, pend, members ? &k->members[1] : NULL, ch ? "_previous" : NULL,
                      &prev);
    if (rc == SCOUT_OK && !ch)
        rc = scout_buf_printf(b, "WITH cur AS (%s), prev AS (%s) ", scout_buf_cstr(&cur),
                              scout_buf_cstr(&prev));
    if (rc == SCOUT_OK) rc = key_columns(c);
    if (rc == SCOUT_OK) rc = emit_comparison_select(c, cl, pl, b);
    if (rc == SCOUT_OK && ch)
        rc = scout_buf_printf(b, " FROM (%s) %s (%s)", scout_buf_cstr(&cur),
                              q->n_dimensions ? "ALL FULL OUTER JOIN" : "CROSS JOIN",
                              scout_buf_cstr(&prev));
    else if (rc == SCOUT_OK)
        rc = scout_buf_puts(b, " FROM cur");
    if (rc == SCOUT_OK) rc = emit_comparison_join(c, b);
    scout_buf_free(&cur);
    scout_buf_free(&prev);
    if (rc == SCOUT_OK) rc = name_comparison_cols(c);
    return bufrc(c, rc);
}

/* ---- entry point ---- */

/* Metric measures bring their curated filters; they apply to the whole
 * statement, so all metrics of one query must agree on them. */
static scout_rc collect_metric_filters(cctx *c)
{
    for (size_t i = 0; i < c->q->n_measures; i++) {
        const scout_sq_measure *m = &c->q->measures[i];
        if (m->agg != SCOUT_AGG_METRIC) continue;
        scout_joins_metric jm;
        if (!scout_joins_metric_find(c->g, m->metric, &jm))
            return scout_err_set(c->err, SCOUT_EUSER, "measures[%zu].metric: unknown metric '%s'",
                                 i, m->metric);
        if (!c->time_col && jm.time_column) c->time_col = jm.time_column;
        if (!c->has_metric_filters) {
            c->metric_filters = jm;
            c->has_metric_filters = true;
            for (size_t j = 0; j < jm.n_filters; j++) {
                scout_rc rc =
                    add_note(c, "metric %s counts only rows where %s", jm.name, jm.filters[j]);
                if (rc != SCOUT_OK) return rc;
            }
            continue;
        }
        bool same = jm.n_filters == c->metric_filters.n_filters;
        for (size_t j = 0; same && j < jm.n_filters; j++)
            same = strcmp(jm.filters[j], c->metric_filters.filters[j]) == 0;
        if (!same)
            return scout_err_set(c->err, SCOUT_EUSER,
                                 "metrics %s and %s have different curated filters; ask for them "
                                 "separately",
                                 c->metric_filters.name, jm.name);
    }
    return SCOUT_OK;
}

static scout_rc compile_body(cctx *c, scout_buf *b)
{
    const scout_semantic *q = c->q;
    c->time_col = q->has_time ? q->time.column : NULL;
    scout_rc rc = collect_metric_filters(c);
    if (rc == SCOUT_OK && q->has_time && !c->time_col)
        rc = scout_err_set(c->err, SCOUT_EUSER, "time.column: required");
    if (rc == SCOUT_OK && q->n_measures && q->measures[0].over_time != SCOUT_OVER_SUM &&
        !c->time_col)
        rc = scout_err_set(c->err, SCOUT_EUSER, "measures[0].over_time: needs time.column");
    for (size_t i = 0; i < q->n_assumptions && rc == SCOUT_OK; i++)
        rc = add_note(c, "%s", q->assumptions[i]);
    if (rc == SCOUT_OK && q->has_time && q->time.label)
        rc = add_note(c, "period: %s", q->time.label);
    if (rc == SCOUT_OK) rc = plan_joins(c);
    if (rc != SCOUT_OK) return rc;
    bool comparing = q->comparison.type != SCOUT_CMP_NONE;
    if (comparing) {
        rc = emit_comparison(c, b);
    } else {
        rc = emit_agg(c, q->has_time ? q->time.start : NULL, q->has_time ? q->time.end : NULL, NULL,
                      NULL, b);
        if (rc == SCOUT_OK) rc = key_columns(c);
        for (size_t i = 0; i < q->n_measures && rc == SCOUT_OK; i++)
            rc = add_col(c, q->measures[i].as, SCOUT_ROLE_MEASURE, measure_type(&q->measures[i]),
                         q->measures[i].as, NULL, q->has_time ? q->time.label : NULL);
    }
    if (rc == SCOUT_OK) rc = emit_order(c, comparing, b);
    if (rc == SCOUT_OK) rc = emit_limit(c, b);
    return rc;
}

scout_rc scout_compile_query(const scout_semantic *q, const scout_joins_graph *g,
                             const scout_compile_opts *opts, scout_compiled **out, scout_err *err)
{
    *out = NULL;
    if (!q || !g) return scout_err_set(err, SCOUT_EINTERNAL, "compile needs a query and a graph");
    if (q->n_measures == 0 && q->n_dimensions == 0)
        return scout_err_set(err, SCOUT_EUSER,
                             "measures: at least one measure (or, to list rows, a dimension) "
                             "is required");
    cctx c = {.q = q, .g = g, .err = err};
    c.d = opts ? opts->dialect : SCOUT_DIALECT_SQLITE;
    c.max_rows = opts && opts->max_rows > 0 ? opts->max_rows : SCOUT_SEMANTIC_LIMIT_MAX;
    c.out = calloc(1, sizeof *c.out);
    if (!c.out) return nomem(&c);
    scout_buf b;
    scout_buf_init(&b, SQL_MAX);
    scout_rc rc = compile_body(&c, &b);
    if (rc == SCOUT_OK && !(c.out->sql = scout_buf_take(&b))) rc = nomem(&c);
    scout_buf_free(&b);
    scout_joins_plan_free(c.plan);
    free(c.semi);
    if (rc != SCOUT_OK) {
        scout_compile_free(c.out);
        return rc;
    }
    *out = c.out;
    return SCOUT_OK;
}
