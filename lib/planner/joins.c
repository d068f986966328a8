/* joins — the planner's catalog view and join-path search. Graphs are small
 * (the tables near one question), so plain arrays with linear lookups are
 * used; determinism matters more than asymptotics here. */
#include "planner/joins.h"

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"

#define MAX_KEY_COLS 16

typedef struct jcolumn {
    char *name, *type;
    bool pk;
} jcolumn;

typedef struct jkey {
    char *cols[MAX_KEY_COLS];
    size_t n;
} jkey;

typedef struct jtable {
    char *fqname, *source, *grain;
    jcolumn *cols;
    size_t n_cols, cap_cols;
    jkey *keys;
    size_t n_keys, cap_keys;
} jtable;

typedef struct jedge {
    char *a, *acol, *b, *bcol, *origin, *evidence;
    double confidence, cost;
} jedge;

typedef struct jmetric {
    char *name, *table, *expression, *time_column, *grain;
    char **filters;
    size_t n_filters;
} jmetric;

struct scout_joins_graph {
    jtable *tables;
    size_t n_tables, cap_tables;
    jedge *edges;
    size_t n_edges, cap_edges;
    jmetric *metrics;
    size_t n_metrics, cap_metrics;
};

static scout_rc nomem(scout_err *err)
{
    return scout_err_set(err, SCOUT_ENOMEM, "out of memory building the join graph");
}

scout_rc scout_joins_graph_new(scout_joins_graph **out, scout_err *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? SCOUT_OK : nomem(err);
}

static void free_key(jkey *k)
{
    for (size_t i = 0; i < k->n; i++) free(k->cols[i]);
}

void scout_joins_graph_free(scout_joins_graph *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n_tables; i++) {
        jtable *t = &g->tables[i];
        free(t->fqname);
        free(t->source);
        free(t->grain);
        for (size_t j = 0; j < t->n_cols; j++) {
            free(t->cols[j].name);
            free(t->cols[j].type);
        }
        free(t->cols);
        for (size_t j = 0; j < t->n_keys; j++) free_key(&t->keys[j]);
        free(t->keys);
    }
    free(g->tables);
    for (size_t i = 0; i < g->n_edges; i++) {
        jedge *e = &g->edges[i];
        free(e->a);
        free(e->acol);
        free(e->b);
        free(e->bcol);
        free(e->origin);
        free(e->evidence);
    }
    free(g->edges);
    for (size_t i = 0; i < g->n_metrics; i++) {
        jmetric *m = &g->metrics[i];
        free(m->name);
        free(m->table);
        free(m->expression);
        free(m->time_column);
        free(m->grain);
        for (size_t j = 0; j < m->n_filters; j++) free(m->filters[j]);
        free(m->filters);
    }
    free(g->metrics);
    free(g);
}

static jtable *find_table(const scout_joins_graph *g, const char *fq)
{
    if (!g || !fq) return NULL;
    for (size_t i = 0; i < g->n_tables; i++)
        if (strcmp(g->tables[i].fqname, fq) == 0) return &g->tables[i];
    return NULL;
}

static jcolumn *find_column(const jtable *t, const char *name)
{
    if (!t || !name) return NULL;
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->cols[i].name, name) == 0) return &t->cols[i];
    return NULL;
}

/* Trims spaces in place and returns the start. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n')) s[--n] = '\0';
    return s;
}

/* Parses "a, b" into a key on t. Empty lists are ignored. */
static scout_rc add_key_text(jtable *t, const char *text, scout_err *err)
{
    char *copy = scout_strdup(text);
    if (!copy) return nomem(err);
    jkey k = {.n = 0};
    char *p = copy;
    while (p && *p && k.n < MAX_KEY_COLS) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        char *c = trim(p);
        if (*c) {
            k.cols[k.n] = scout_strdup(c);
            if (!k.cols[k.n]) {
                free_key(&k);
                free(copy);
                return nomem(err);
            }
            k.n++;
        }
        p = comma ? comma + 1 : NULL;
    }
    free(copy);
    if (k.n == 0) return SCOUT_OK;
    if (!scout_array_grow((void **)&t->keys, &t->cap_keys, t->n_keys, sizeof *t->keys)) {
        free_key(&k);
        return nomem(err);
    }
    t->keys[t->n_keys++] = k;
    return SCOUT_OK;
}

/* The catalog's grain text is "cols[; unique: cols]" in any order; every
 * column list in it is unique per row, so each becomes a key. */
static scout_rc add_grain_keys(jtable *t, const char *grain, scout_err *err)
{
    char *copy = scout_strdup(grain);
    if (!copy) return nomem(err);
    scout_rc rc = SCOUT_OK;
    char *p = copy;
    while (p && rc == SCOUT_OK) {
        char *semi = strchr(p, ';');
        if (semi) *semi = '\0';
        char *part = trim(p);
        if (strncmp(part, "unique:", 7) == 0) part = trim(part + 7);
        rc = add_key_text(t, part, err);
        p = semi ? semi + 1 : NULL;
    }
    free(copy);
    return rc;
}

scout_rc scout_joins_add_table(scout_joins_graph *g, const char *fqname, const char *grain,
                               scout_err *err)
{
    if (find_table(g, fqname)) return SCOUT_OK;
    if (!scout_array_grow((void **)&g->tables, &g->cap_tables, g->n_tables, sizeof *g->tables))
        return nomem(err);
    jtable *t = &g->tables[g->n_tables];
    memset(t, 0, sizeof *t);
    t->fqname = scout_strdup(fqname);
    const char *dot = strchr(fqname, '.');
    t->source = dot ? strndup(fqname, (size_t)(dot - fqname)) : scout_strdup(fqname);
    t->grain = scout_strdup(grain);
    if (!t->fqname || !t->source || (grain && !t->grain)) {
        free(t->fqname);
        free(t->source);
        free(t->grain);
        return nomem(err);
    }
    g->n_tables++;
    return grain ? add_grain_keys(t, grain, err) : SCOUT_OK;
}

scout_rc scout_joins_add_column(scout_joins_graph *g, const char *fqname, const char *column,
                                const char *type, bool pk, scout_err *err)
{
    jtable *t = find_table(g, fqname);
    if (!t) return scout_err_set(err, SCOUT_ENOTFOUND, "unknown table '%s'", fqname);
    if (find_column(t, column)) return SCOUT_OK;
    if (!scout_array_grow((void **)&t->cols, &t->cap_cols, t->n_cols, sizeof *t->cols))
        return nomem(err);
    jcolumn *c = &t->cols[t->n_cols];
    c->name = scout_strdup(column);
    c->type = scout_strdup(type ? type : "");
    c->pk = pk;
    if (!c->name || !c->type) {
        free(c->name);
        free(c->type);
        return nomem(err);
    }
    t->n_cols++;
    return SCOUT_OK;
}

scout_rc scout_joins_add_unique(scout_joins_graph *g, const char *fqname, const char *columns,
                                scout_err *err)
{
    jtable *t = find_table(g, fqname);
    if (!t) return scout_err_set(err, SCOUT_ENOTFOUND, "unknown table '%s'", fqname);
    return add_key_text(t, columns, err);
}

/* Lower is better: declared keys are facts, curated YAML is a person's word,
 * code is inferred from a model that ran, the query log is what people did. */
static double origin_cost(const char *origin)
{
    if (!origin) return 3.0;
    if (strcmp(origin, "declared_fk") == 0) return 1.0;
    if (strcmp(origin, "yaml") == 0 || strcmp(origin, "curated") == 0) return 1.2;
    if (strcmp(origin, "code") == 0) return 1.5;
    if (strcmp(origin, "query_log") == 0) return 2.0;
    return 3.0;
}

static bool same_edge(const jedge *e, const char *a, const char *ac, const char *b, const char *bc)
{
    return (!strcmp(e->a, a) && !strcmp(e->acol, ac) && !strcmp(e->b, b) && !strcmp(e->bcol, bc)) ||
           (!strcmp(e->a, b) && !strcmp(e->acol, bc) && !strcmp(e->b, a) && !strcmp(e->bcol, ac));
}

static scout_rc set_edge(jedge *e, const char *a, const char *ac, const char *b, const char *bc,
                         const char *origin, double conf, const char *evidence, double cost,
                         scout_err *err)
{
    jedge n = {scout_strdup(a),
               scout_strdup(ac),
               scout_strdup(b),
               scout_strdup(bc),
               scout_strdup(origin),
               scout_strdup(evidence),
               conf,
               cost};
    if (!n.a || !n.acol || !n.b || !n.bcol || !n.origin || (evidence && !n.evidence)) {
        free(n.a);
        free(n.acol);
        free(n.b);
        free(n.bcol);
        free(n.origin);
        free(n.evidence);
        return nomem(err);
    }
    *e = n;
    return SCOUT_OK;
}

scout_rc scout_joins_add_edge(scout_joins_graph *g, const char *left_fq, const char *left_col,
                              const char *right_fq, const char *right_col, const char *origin,
                              double confidence, const char *evidence, scout_err *err)
{
    if (!left_fq || !left_col || !right_fq || !right_col) return SCOUT_OK;
    if (!origin) origin = "unknown";
    if (confidence <= 0 || confidence > 1) confidence = 0.8;
    /* Confidence 1.0 keeps the origin's cost; 0.5 makes it 50% dearer. */
    double cost = origin_cost(origin) * (2.0 - confidence);
    for (size_t i = 0; i < g->n_edges; i++) {
        jedge *e = &g->edges[i];
        if (!same_edge(e, left_fq, left_col, right_fq, right_col)) continue;
        if (cost >= e->cost) return SCOUT_OK;
        jedge old = *e;
        scout_rc rc = set_edge(e, left_fq, left_col, right_fq, right_col, origin, confidence,
                               evidence, cost, err);
        if (rc != SCOUT_OK) return rc;
        free(old.a);
        free(old.acol);
        free(old.b);
        free(old.bcol);
        free(old.origin);
        free(old.evidence);
        return SCOUT_OK;
    }
    if (!scout_array_grow((void **)&g->edges, &g->cap_edges, g->n_edges, sizeof *g->edges))
        return nomem(err);
    scout_rc rc = set_edge(&g->edges[g->n_edges], left_fq, left_col, right_fq, right_col, origin,
                           confidence, evidence, cost, err);
    if (rc == SCOUT_OK) g->n_edges++;
    return rc;
}

/* Metric filters arrive as a JSON array of conditions or as one condition. */
static scout_rc parse_metric_filters(jmetric *m, const char *filters, scout_err *err)
{
    if (!filters || !*filters) return SCOUT_OK;
    json_t *j = json_loads(filters, JSON_DECODE_ANY, NULL);
    size_t n = j && json_is_array(j) ? json_array_size(j) : 1;
    m->filters = calloc(n, sizeof *m->filters);
    if (!m->filters) {
        json_decref(j);
        return nomem(err);
    }
    if (j && json_is_array(j)) {
        for (size_t i = 0; i < n; i++) {
            const char *s = json_string_value(json_array_get(j, i));
            if (s && *s) m->filters[m->n_filters++] = scout_strdup(s);
        }
    } else if (j && json_is_string(j)) {
        m->filters[m->n_filters++] = scout_strdup(json_string_value(j));
    } else {
        m->filters[m->n_filters++] = scout_strdup(filters);
    }
    json_decref(j);
    for (size_t i = 0; i < m->n_filters; i++)
        if (!m->filters[i]) return nomem(err);
    return SCOUT_OK;
}

scout_rc scout_joins_add_metric(scout_joins_graph *g, const char *name, const char *table_fq,
                                const char *expression, const char *filters,
                                const char *time_column, const char *grain, scout_err *err)
{
    for (size_t i = 0; i < g->n_metrics; i++)
        if (strcmp(g->metrics[i].name, name) == 0) return SCOUT_OK;
    if (!scout_array_grow((void **)&g->metrics, &g->cap_metrics, g->n_metrics, sizeof *g->metrics))
        return nomem(err);
    jmetric *m = &g->metrics[g->n_metrics++];
    memset(m, 0, sizeof *m);
    m->name = scout_strdup(name);
    m->table = scout_strdup(table_fq);
    m->expression = scout_strdup(expression);
    m->time_column = scout_strdup(time_column);
    m->grain = scout_strdup(grain);
    if (!m->name || !m->expression) return nomem(err);
    return parse_metric_filters(m, filters, err);
}

bool scout_joins_has_table(const scout_joins_graph *g, const char *fqname)
{
    return find_table(g, fqname) != NULL;
}

bool scout_joins_has_column(const scout_joins_graph *g, const char *fqname, const char *column)
{
    return find_column(find_table(g, fqname), column) != NULL;
}

const char *scout_joins_column_type(const scout_joins_graph *g, const char *fqname,
                                    const char *column)
{
    const jcolumn *c = find_column(find_table(g, fqname), column);
    return c ? c->type : NULL;
}

static bool in_set(const char *const *cols, size_t n, const char *c)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cols[i], c) == 0) return true;
    return false;
}

bool scout_joins_is_unique(const scout_joins_graph *g, const char *fqname,
                           const char *const *columns, size_t n)
{
    const jtable *t = find_table(g, fqname);
    if (!t) return false;
    /* The primary key, all of its columns together. */
    size_t n_pk = 0, covered = 0;
    for (size_t i = 0; i < t->n_cols; i++) {
        if (!t->cols[i].pk) continue;
        n_pk++;
        if (in_set(columns, n, t->cols[i].name)) covered++;
    }
    if (n_pk > 0 && covered == n_pk) return true;
    for (size_t k = 0; k < t->n_keys; k++) {
        size_t hit = 0;
        for (size_t i = 0; i < t->keys[k].n; i++)
            if (in_set(columns, n, t->keys[k].cols[i])) hit++;
        if (hit == t->keys[k].n) return true;
    }
    return false;
}

bool scout_joins_metric_find(const scout_joins_graph *g, const char *name, scout_joins_metric *m)
{
    if (!g || !name) return false;
    for (size_t i = 0; i < g->n_metrics; i++) {
        const jmetric *x = &g->metrics[i];
        if (strcmp(x->name, name) != 0) continue;
        m->name = x->name;
        m->table = x->table;
        m->expression = x->expression;
        m->time_column = x->time_column;
        m->grain = x->grain;
        m->filters = (const char *const *)x->filters;
        m->n_filters = x->n_filters;
        return true;
    }
    return false;
}

/* ---- loading from the catalog ---- */

static scout_rc load_table(scout_joins_graph *g, scout_catalog *cat, const char *fq, bool *found,
                           scout_err *err)
{
    *found = false;
    if (find_table(g, fq)) {
        *found = true;
        return SCOUT_OK;
    }
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(
        cat,
        "SELECT t.grain, c.name, c.type, c.pk FROM tables t LEFT JOIN columns c"
        " ON c.table_id = t.id WHERE t.fqname = ?1 ORDER BY c.ordinal",
        &st, err);
    if (rc != SCOUT_OK) return rc;
    sqlite3_bind_text(st, 1, fq, -1, SQLITE_TRANSIENT);
    while (rc == SCOUT_OK && sqlite3_step(st) == SQLITE_ROW) {
        if (!*found) {
            rc = scout_joins_add_table(g, fq, scout_catalog_col_text(st, 0), err);
            *found = true;
        }
        const char *col = scout_catalog_col_text(st, 1);
        if (rc == SCOUT_OK && col)
            rc = scout_joins_add_column(g, fq, col, scout_catalog_col_text(st, 2),
                                        sqlite3_column_int(st, 3) > 0, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Appends a copy of table to the next frontier of the breadth-first load. */
static scout_rc push_next(char ***next, size_t *n_next, size_t *cap_next, const char *table,
                          scout_err *err)
{
    if (!scout_array_grow((void **)next, cap_next, *n_next, sizeof **next)) return nomem(err);
    if (!((*next)[*n_next] = scout_strdup(table))) return nomem(err);
    (*n_next)++;
    return SCOUT_OK;
}

/* Adds every edge touching fq; appends the far ends to next (owned strings). */
static scout_rc load_edges(scout_joins_graph *g, scout_catalog *cat, const char *fq, char ***next,
                           size_t *n_next, size_t *cap_next, scout_err *err)
{
    static const char sql[] =
        "SELECT t.fqname, f.from_column, f.to_fqname, f.to_column, 'declared_fk', 1.0, NULL"
        " FROM foreign_keys f JOIN tables t ON t.id = f.table_id"
        " WHERE (t.fqname = ?1 OR f.to_fqname = ?1) AND f.to_column IS NOT NULL"
        " AND f.to_fqname IS NOT NULL"
        " UNION ALL SELECT left_fqname, left_column, right_fqname, right_column, origin,"
        " confidence, evidence FROM join_keys WHERE left_fqname = ?1 OR right_fqname = ?1"
        " ORDER BY 1, 2, 3, 4";
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(cat, sql, &st, err);
    if (rc != SCOUT_OK) return rc;
    sqlite3_bind_text(st, 1, fq, -1, SQLITE_TRANSIENT);
    while (rc == SCOUT_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *a = scout_catalog_col_text(st, 0), *b = scout_catalog_col_text(st, 2);
        rc = scout_joins_add_edge(g, a, scout_catalog_col_text(st, 1), b,
                                  scout_catalog_col_text(st, 3), scout_catalog_col_text(st, 4),
                                  sqlite3_column_double(st, 5), scout_catalog_col_text(st, 6), err);
        const char *other = a && strcmp(a, fq) == 0 ? b : a;
        if (rc == SCOUT_OK && other) rc = push_next(next, n_next, cap_next, other, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Has fq an edge on column col already (declared, curated, code or log)? */
static bool has_edge_on(const scout_joins_graph *g, const char *fq, const char *col)
{
    for (size_t i = 0; i < g->n_edges; i++) {
        const jedge *e = &g->edges[i];
        if ((!strcmp(e->a, fq) && !strcmp(e->acol, col)) ||
            (!strcmp(e->b, fq) && !strcmp(e->bcol, col)))
            return true;
    }
    return false;
}

/* Warehouses often declare nothing: a column <x>_id (or a plain column x,
 * as error_rates_daily.service) with no known edge joins the table of the
 * same source named for <x> (x, xs, dim_x, dim_xs) whose primary or unique
 * key it is, the same schema first. The naming
 * convention is the weakest evidence, so such an edge costs the most. */
static scout_rc infer_named_edges(scout_joins_graph *g, scout_catalog *cat, const char *fq,
                                  char ***next, size_t *n_next, size_t *cap_next, scout_err *err)
{
    static const char sql[] = "SELECT t.fqname FROM tables t JOIN columns c ON c.table_id = t.id"
                              " JOIN tables me ON me.fqname = ?1"
                              " WHERE t.source = me.source AND t.fqname <> ?1 AND c.name = ?2"
                              " AND t.trust <> 'deprecated'"
                              " AND (c.pk > 0 OR t.grain = 'unique: ' || ?2)"
                              " AND t.name IN (?3, ?3 || 's', 'dim_' || ?3, 'dim_' || ?3 || 's')"
                              " ORDER BY t.schema_name = me.schema_name DESC, t.fqname LIMIT 1";
    const jtable *t = find_table(g, fq);
    if (!t) return SCOUT_OK;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < t->n_cols && rc == SCOUT_OK; i++) {
        const char *col = t->cols[i].name;
        size_t n = strlen(col);
        const char *key[1] = {col};
        bool id = n > 3 && !strcmp(col + n - 3, "_id");
        if (n <= 3 || n > 120 || t->cols[i].pk || scout_joins_is_unique(g, fq, key, 1) ||
            has_edge_on(g, fq, col))
            continue;
        /* <x>_id names entity x; a plain column ("service") names itself */
        char entity[128];
        memcpy(entity, col, id ? n - 3 : n);
        entity[id ? n - 3 : n] = 0;
        sqlite3_stmt *st = NULL;
        if ((rc = scout_catalog_prepare(cat, sql, &st, err)) != SCOUT_OK) return rc;
        sqlite3_bind_text(st, 1, fq, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, col, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, entity, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *other = scout_catalog_col_text(st, 0);
            rc = scout_joins_add_edge(g, fq, col, other, col, "naming", 0.5,
                                      "same column name, table named for it", err);
            if (rc == SCOUT_OK && other) rc = push_next(next, n_next, cap_next, other, err);
        }
        sqlite3_finalize(st);
    }
    return rc;
}

static scout_rc load_metrics(scout_joins_graph *g, scout_catalog *cat, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(cat,
                                        "SELECT name, table_fqname, expression, filters,"
                                        " time_column, grain FROM metrics ORDER BY name",
                                        &st, err);
    if (rc != SCOUT_OK) return rc;
    while (rc == SCOUT_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *c[6];
        for (int i = 0; i < 6; i++) c[i] = scout_catalog_col_text(st, i);
        if (c[0] && c[2]) rc = scout_joins_add_metric(g, c[0], c[1], c[2], c[3], c[4], c[5], err);
    }
    sqlite3_finalize(st);
    return rc;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

scout_rc scout_joins_load(scout_joins_graph *g, scout_catalog *cat, const char *const *fqnames,
                          size_t n, int hops, scout_err *err)
{
    char **frontier = NULL, **next = NULL;
    size_t n_front = 0, cap_front = 0, n_next = 0, cap_next = 0;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < n && rc == SCOUT_OK; i++) {
        if (!scout_array_grow((void **)&frontier, &cap_front, n_front, sizeof *frontier))
            rc = nomem(err);
        else if (!(frontier[n_front] = scout_strdup(fqnames[i])))
            rc = nomem(err);
        else
            n_front++;
    }
    for (int h = 0; h <= hops && rc == SCOUT_OK && n_front > 0; h++) {
        for (size_t i = 0; i < n_front && rc == SCOUT_OK; i++) {
            bool known = find_table(g, frontier[i]) != NULL, found = false;
            if (known) continue; /* its edges were loaded when it was added */
            rc = load_table(g, cat, frontier[i], &found, err);
            if (rc == SCOUT_OK && found && h < hops)
                rc = load_edges(g, cat, frontier[i], &next, &n_next, &cap_next, err);
            if (rc == SCOUT_OK && found && h < hops)
                rc = infer_named_edges(g, cat, frontier[i], &next, &n_next, &cap_next, err);
        }
        free_list(frontier, n_front);
        frontier = next;
        n_front = n_next;
        cap_front = cap_next;
        next = NULL;
        n_next = cap_next = 0;
    }
    free_list(frontier, n_front);
    free_list(next, n_next);
    return rc == SCOUT_OK ? load_metrics(g, cat, err) : rc;
}

size_t scout_joins_neighbours(const scout_joins_graph *g, const char *fqname,
                              scout_joins_neighbour *out, size_t max)
{
    const jtable *t = find_table(g, fqname);
    size_t n = 0;
    for (size_t i = 0; t && i < g->n_edges && n < max; i++) {
        const jedge *e = &g->edges[i];
        bool from_a = !strcmp(e->a, fqname);
        if (!from_a && strcmp(e->b, fqname) != 0) continue;
        const char *other = from_a ? e->b : e->a, *ocol = from_a ? e->bcol : e->acol;
        const jtable *o = find_table(g, other);
        if (!o || !strcmp(other, fqname) || strcmp(o->source, t->source) != 0) continue;
        size_t k = 0;
        while (k < n && strcmp(out[k].table, other) != 0) k++;
        const char *key[1] = {ocol};
        bool unique = scout_joins_is_unique(g, other, key, 1);
        if (k < n) {
            out[k].many_to_one = out[k].many_to_one || unique;
            continue;
        }
        out[n].table = other;
        out[n++].many_to_one = unique;
    }
    return n;
}

/* ---- planning ---- */

void scout_joins_plan_free(scout_joins_plan *p)
{
    if (!p) return;
    free(p->steps);
    free(p);
}

/* The edge end that is not the t side (t is the a end when t_is_a), with
 * the near and far join columns. */
static const char *other_end(const jedge *e, bool t_is_a, const char **col_from,
                             const char **col_to)
{
    if (t_is_a) {
        *col_from = e->acol;
        *col_to = e->bcol;
        return e->b;
    }
    *col_from = e->bcol;
    *col_to = e->acol;
    return e->a;
}

typedef struct node {
    double dist;
    bool done;
    long prev_edge; /* -1 for the base */
    bool prev_is_a; /* the predecessor is edge.a */
} node;

/* Dijkstra over the (small) graph from base; ties go to the smaller fqname
 * and, for equal distances through several edges, the first edge in the
 * stored order, so the same catalog always yields the same plan. */
static void shortest_paths(const scout_joins_graph *g, size_t base, node *nodes)
{
    for (size_t i = 0; i < g->n_tables; i++) nodes[i] = (node){INFINITY, false, -1, false};
    nodes[base].dist = 0;
    for (;;) {
        long u = -1;
        for (size_t i = 0; i < g->n_tables; i++) {
            if (nodes[i].done || isinf(nodes[i].dist)) continue;
            if (u < 0 || nodes[i].dist < nodes[u].dist ||
                (nodes[i].dist == nodes[u].dist &&
                 strcmp(g->tables[i].fqname, g->tables[u].fqname) < 0))
                u = (long)i;
        }
        if (u < 0) return;
        nodes[u].done = true;
        const jtable *tu = &g->tables[u];
        for (size_t e = 0; e < g->n_edges; e++) {
            const jedge *ed = &g->edges[e];
            bool is_a = strcmp(ed->a, tu->fqname) == 0;
            if (!is_a && strcmp(ed->b, tu->fqname) != 0) continue;
            const char *cf, *ct;
            const char *to = other_end(ed, is_a, &cf, &ct);
            const jtable *tv = find_table(g, to);
            if (!tv || strcmp(tv->source, tu->source) != 0) continue; /* one warehouse only */
            if (!find_column(tu, cf) || !find_column(tv, ct)) continue;
            size_t v = (size_t)(tv - g->tables);
            double d = nodes[u].dist + ed->cost;
            if (d < nodes[v].dist - 1e-9) {
                nodes[v].dist = d;
                nodes[v].prev_edge = (long)e;
                nodes[v].prev_is_a = is_a; /* the predecessor u is the edge's a end */
            }
        }
    }
}

static void fill_step(const scout_joins_graph *g, const node *nodes, size_t v, scout_joins_step *s)
{
    const jedge *e = &g->edges[nodes[v].prev_edge];
    const jtable *to = &g->tables[v];
    if (nodes[v].prev_is_a) {
        s->from_table = e->a;
        s->from_column = e->acol;
        s->to_column = e->bcol;
    } else {
        s->from_table = e->b;
        s->from_column = e->bcol;
        s->to_column = e->acol;
    }
    s->to_table = to->fqname;
    s->origin = e->origin;
    s->evidence = e->evidence;
    s->confidence = e->confidence;
    const char *cols[1] = {s->to_column};
    s->fanout = !scout_joins_is_unique(g, to->fqname, cols, 1);
    if (s->fanout)
        snprintf(s->reason, sizeof s->reason,
                 "%s.%s is not a unique key of %s (grain: %s), so the join may repeat rows of %s",
                 to->fqname, s->to_column, to->fqname, to->grain ? to->grain : "unknown",
                 s->from_table);
    else
        s->reason[0] = '\0';
}

/* Whether table index v is already in the plan (as base or a step). */
static bool planned(const scout_joins_graph *g, const scout_joins_plan *p, const char *base,
                    size_t v)
{
    const char *fq = g->tables[v].fqname;
    if (strcmp(fq, base) == 0) return true;
    for (size_t i = 0; i < p->n_steps; i++)
        if (strcmp(p->steps[i].to_table, fq) == 0) return true;
    return false;
}

/* Appends the path to v (ancestors first) to the plan. */
static void add_path(const scout_joins_graph *g, const node *nodes, const char *base, size_t v,
                     scout_joins_plan *p)
{
    size_t chain[64];
    size_t n = 0;
    while (!planned(g, p, base, v) && n < 64) {
        chain[n++] = v;
        const jedge *e = &g->edges[nodes[v].prev_edge];
        const jtable *pt = find_table(g, nodes[v].prev_is_a ? e->a : e->b);
        v = (size_t)(pt - g->tables);
    }
    while (n > 0) {
        scout_joins_step *s = &p->steps[p->n_steps++];
        fill_step(g, nodes, chain[--n], s);
        if (s->fanout && !p->fanout_risk) {
            p->fanout_risk = true;
            scout_strlcpy(p->reason, s->reason, sizeof p->reason);
        }
    }
}

scout_rc scout_joins_plan_paths(const scout_joins_graph *g, const char *base,
                                const char *const *targets, size_t n, scout_joins_plan **out,
                                scout_err *err)
{
    *out = NULL;
    const jtable *bt = find_table(g, base);
    if (!bt) return scout_err_set(err, SCOUT_ENOTFOUND, "unknown table '%s'", base);
    scout_joins_plan *p = calloc(1, sizeof *p);
    node *nodes = calloc(g->n_tables ? g->n_tables : 1, sizeof *nodes);
    if (p) p->steps = calloc(g->n_tables ? g->n_tables : 1, sizeof *p->steps);
    if (!p || !nodes || !p->steps) {
        free(nodes);
        scout_joins_plan_free(p);
        return nomem(err);
    }
    shortest_paths(g, (size_t)(bt - g->tables), nodes);
    for (size_t i = 0; i < n; i++) {
        const jtable *t = find_table(g, targets[i]);
        if (!t) {
            free(nodes);
            scout_joins_plan_free(p);
            return scout_err_set(err, SCOUT_ENOTFOUND, "unknown table '%s'", targets[i]);
        }
        size_t v = (size_t)(t - g->tables);
        if (t == bt) continue;
        if (isinf(nodes[v].dist)) {
            free(nodes);
            scout_joins_plan_free(p);
            return scout_err_set(err, SCOUT_ENOTFOUND, "no join path from %s to %s", base,
                                 targets[i]);
        }
        add_path(g, nodes, base, v, p);
    }
    free(nodes);
    *out = p;
    return SCOUT_OK;
}
