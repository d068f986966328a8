/* dbt.c — the dbt project loader (see dbt.h).
 *
 * A manifest can be hundreds of megabytes (70,000 models with their SQL), so
 * it is never loaded as one jansson document: the file is memory-mapped, a
 * small scanner finds each member of the top-level "nodes" and "sources"
 * objects, and only that member is parsed, converted and freed. Test nodes
 * are kept as small records and attached to their columns once every node is
 * known (their order in the file is arbitrary). */
#include "catalog/dbt.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/fsutil.h"

/* Lookup tables built once loading is done: sorted (key, node index) pairs. */
typedef struct key_idx {
    const char *key;
    size_t idx;
} key_idx;

struct scout_dbt_index {
    key_idx *by_id;   /* every node by unique_id */
    key_idx *by_name; /* models, seeds and snapshots by dbt name */
    key_idx *by_src;  /* sources by "source_name.name" (owned keys) */
    size_t n_id, n_name, n_src;
};

/* A test node, remembered until every node is loaded. */
typedef struct pending_test {
    char *node;   /* unique_id of the tested node */
    char *column; /* tested column */
    char *kind;   /* unique, not_null or relationships */
    char *to;     /* relationships: "ref('x')" or "source('a','b')" */
    char *field;  /* relationships: the referenced column */
} pending_test;

typedef struct loader {
    scout_dbt_project *p;
    size_t cap;
    pending_test *tests;
    size_t n_tests, cap_tests;
    const char *file; /* for error messages */
    scout_err *err;
} loader;

#define DBT_YAML_MAX ((size_t)64 << 20)
#define DBT_SQL_MAX  ((size_t)16 << 20)

/* ---------- small helpers ---------- */

static scout_rc oom(scout_err *err)
{
    return scout_err_set(err, SCOUT_ENOMEM, "out of memory loading a dbt project");
}

/* A non-empty JSON string's value, else NULL. */
static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

static bool jtruthy(const json_t *v)
{
    if (json_is_true(v)) return true;
    const char *s = json_string_value(v);
    return s && (!strcasecmp(s, "true") || !strcasecmp(s, "yes"));
}

static bool has_str(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s)) return true;
    return false;
}

static scout_rc push_str(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof **v);
    if (!nv) return SCOUT_ENOMEM;
    *v = nv;
    if (!(nv[*n] = strdup(s))) return SCOUT_ENOMEM;
    (*n)++;
    return SCOUT_OK;
}

/* Replaces *dst with a copy of s (NULL or "" clears it). */
static scout_rc set_str(char **dst, const char *s)
{
    char *c = s && *s ? strdup(s) : NULL;
    if (s && *s && !c) return SCOUT_ENOMEM;
    free(*dst);
    *dst = c;
    return SCOUT_OK;
}

/* A tag value may be a string or an array of strings (dbt accepts both). */
static scout_rc add_tags(scout_dbt_node *n, const json_t *tags)
{
    if (json_is_string(tags)) {
        const char *t = json_string_value(tags);
        if (*t && !has_str(n->tags, n->n_tags, t)) return push_str(&n->tags, &n->n_tags, t);
        return SCOUT_OK;
    }
    size_t i;
    const json_t *t;
    json_array_foreach(tags, i, t)
    {
        const char *s = json_string_value(t);
        if (s && *s && !has_str(n->tags, n->n_tags, s) && push_str(&n->tags, &n->n_tags, s))
            return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

/* ---------- nodes ---------- */

static void free_node(scout_dbt_node *n)
{
    free(n->unique_id);
    free(n->resource_type);
    free(n->name);
    free(n->source_name);
    free(n->fqname);
    free(n->path);
    free(n->raw_sql);
    free(n->compiled_sql);
    free(n->description);
    free(n->owner);
    for (size_t i = 0; i < n->n_tags; i++) free(n->tags[i]);
    free(n->tags);
    free(n->deprecated_reason);
    free(n->replaced_by);
    free(n->materialized);
    for (size_t i = 0; i < n->n_columns; i++) {
        free(n->columns[i].name);
        free(n->columns[i].description);
        free(n->columns[i].data_type);
        free(n->columns[i].references);
    }
    free(n->columns);
    for (size_t i = 0; i < n->n_depends_on; i++) free(n->depends_on[i]);
    free(n->depends_on);
}

static scout_dbt_node *new_node(loader *L)
{
    scout_dbt_project *p = L->p;
    if (p->n_nodes == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 256;
        scout_dbt_node *nv = realloc(p->nodes, cap * sizeof *nv);
        if (!nv) return NULL;
        p->nodes = nv;
        L->cap = cap;
    }
    scout_dbt_node *n = &p->nodes[p->n_nodes++];
    memset(n, 0, sizeof *n);
    return n;
}

static scout_dbt_column *find_column(scout_dbt_node *n, const char *name)
{
    for (size_t i = 0; i < n->n_columns; i++)
        if (!strcasecmp(n->columns[i].name, name)) return &n->columns[i];
    return NULL;
}

static scout_dbt_column *add_column(scout_dbt_node *n, const char *name)
{
    scout_dbt_column *c = find_column(n, name);
    if (c) return c;
    scout_dbt_column *nv = realloc(n->columns, (n->n_columns + 1) * sizeof *nv);
    if (!nv) return NULL;
    n->columns = nv;
    c = &nv[n->n_columns];
    memset(c, 0, sizeof *c);
    if (!(c->name = strdup(name))) return NULL;
    n->n_columns++;
    return c;
}

static scout_rc push_test(loader *L, const char *node, const char *column, const char *kind,
                          const char *to, const char *field)
{
    if (!node || !column || !kind) return SCOUT_OK;
    if (L->n_tests == L->cap_tests) {
        size_t cap = L->cap_tests ? L->cap_tests * 2 : 256;
        pending_test *nv = realloc(L->tests, cap * sizeof *nv);
        if (!nv) return SCOUT_ENOMEM;
        L->tests = nv;
        L->cap_tests = cap;
    }
    pending_test *t = &L->tests[L->n_tests++];
    *t = (pending_test){strdup(node), strdup(column), strdup(kind), to ? strdup(to) : NULL,
                        field ? strdup(field) : NULL};
    if (!t->node || !t->column || !t->kind) return SCOUT_ENOMEM;
    return SCOUT_OK;
}

/* A schema.yml column test: "unique", "not_null", or {relationships: {to, field}}
 * (also {name: relationships, ...} / {test_name: ...} spellings). */
static scout_rc yml_column_test(loader *L, const char *node, const char *column, const json_t *t)
{
    if (json_is_string(t)) return push_test(L, node, column, json_string_value(t), NULL, NULL);
    if (!json_is_object(t)) return SCOUT_OK;
    const json_t *rel = json_object_get(t, "relationships");
    if (rel) {
        const json_t *args = json_object_get(rel, "arguments");
        if (!args) args = rel;
        return push_test(L, node, column, "relationships", jstr(args, "to"), jstr(args, "field"));
    }
    if (json_object_get(t, "unique")) return push_test(L, node, column, "unique", NULL, NULL);
    if (json_object_get(t, "not_null")) return push_test(L, node, column, "not_null", NULL, NULL);
    return SCOUT_OK;
}

/* Model-level tests in schema.yml name their column in their arguments:
 * `- unique: {column_name: id}` (or under `arguments:` as dbt 1.10 writes). */
static scout_rc yml_model_tests(loader *L, const char *node, const json_t *tests)
{
    size_t i;
    const json_t *t;
    json_array_foreach(tests, i, t)
    {
        const char *kind;
        const json_t *args;
        json_object_foreach((json_t *)t, kind, args)
        {
            const json_t *a = json_object_get(args, "arguments");
            if (!a) a = args;
            const char *col = jstr(a, "column_name");
            if (col && push_test(L, node, col, kind, jstr(a, "to"), jstr(a, "field")))
                return SCOUT_ENOMEM;
        }
    }
    return SCOUT_OK;
}

static scout_rc convert_column(loader *L, scout_dbt_node *n, const char *key, const json_t *c)
{
    const char *name = jstr(c, "name");
    if (!name) name = key;
    if (!name) return SCOUT_OK;
    scout_dbt_column *col = add_column(n, name);
    if (!col) return SCOUT_ENOMEM;
    const char *dt = jstr(c, "data_type");
    if (set_str(&col->description, jstr(c, "description"))) return SCOUT_ENOMEM;
    if (set_str(&col->data_type, dt ? dt : jstr(c, "type"))) return SCOUT_ENOMEM;
    const char *const keys[] = {"tests", "data_tests"};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        const json_t *t;
        json_array_foreach(json_object_get(c, keys[k]), i, t)
        {
            if (yml_column_test(L, n->unique_id, name, t)) return SCOUT_ENOMEM;
        }
    }
    return SCOUT_OK;
}

/* Columns are an object keyed by name in a manifest, a list in schema.yml. */
static scout_rc convert_columns(loader *L, scout_dbt_node *n, const json_t *cols)
{
    const char *key;
    const json_t *c;
    size_t i;
    if (json_is_object(cols)) {
        json_object_foreach((json_t *)cols, key, c)
        {
            if (convert_column(L, n, key, c)) return SCOUT_ENOMEM;
        }
    }
    json_array_foreach(cols, i, c)
    {
        if (convert_column(L, n, NULL, c)) return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

/* meta may sit on the node or in its config; the node's own wins. */
static const json_t *meta_get(const json_t *node, const char *key)
{
    const json_t *v = json_object_get(json_object_get(node, "meta"), key);
    if (!v) v = json_object_get(json_object_get(json_object_get(node, "config"), "meta"), key);
    return v;
}

static const char *meta_str(const json_t *node, const char *const *keys)
{
    for (; *keys; keys++) {
        const char *s = json_string_value(meta_get(node, *keys));
        if (s && *s) return s;
    }
    return NULL;
}

/* The text after "-- DEPRECATED:" in the model's SQL header, if any. */
static char *sql_deprecation_comment(const char *sql)
{
    if (!sql) return NULL;
    for (const char *p = sql; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *q = p;
        while (q < p + len && isspace((unsigned char)*q)) q++;
        if (q + 2 <= p + len && q[0] == '-' && q[1] == '-') {
            q += 2;
            while (q < p + len && isspace((unsigned char)*q)) q++;
            if ((size_t)(p + len - q) > 11 && !strncasecmp(q, "deprecated", 10)) {
                q += 10;
                while (q < p + len && (*q == ':' || *q == ' ' || *q == '-')) q++;
                return q < p + len ? strndup(q, (size_t)(p + len - q)) : NULL;
            }
        } else if (q < p + len && strncmp(q, "{{", 2) != 0) {
            break; /* the header comments are over */
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

/* "Use finance.mart.revenue_daily instead" → "finance.mart.revenue_daily". */
static char *replacement_in_text(const char *text)
{
    for (const char *p = text; p && *p; p++) {
        if (strncasecmp(p, "use ", 4) != 0 || (p > text && isalnum((unsigned char)p[-1]))) continue;
        const char *q = p + 4;
        while (*q == ' ' || *q == '`' || *q == '\'' || *q == '"') q++;
        const char *s = q;
        while (isalnum((unsigned char)*q) || *q == '_' || *q == '.') q++;
        while (q > s && q[-1] == '.') q--;
        if (q > s && memchr(s, '.', (size_t)(q - s))) return strndup(s, (size_t)(q - s));
    }
    return NULL;
}

static scout_rc convert_deprecation(scout_dbt_node *n, const json_t *j)
{
    n->deprecated = jtruthy(meta_get(j, "deprecated")) ||
                    has_str(n->tags, n->n_tags, "deprecated") || jstr(j, "deprecation_date");
    if (!n->deprecated) return SCOUT_OK;
    static const char *const REASON[] = {"deprecated_reason", "deprecation_reason", "reason", NULL};
    static const char *const REPL[] = {"replaced_by", "replacement", "use_instead", "successor",
                                       NULL};
    const char *reason = meta_str(j, REASON);
    if (reason) {
        if (set_str(&n->deprecated_reason, reason)) return SCOUT_ENOMEM;
    } else {
        n->deprecated_reason = sql_deprecation_comment(n->raw_sql);
        if (!n->deprecated_reason && set_str(&n->deprecated_reason, n->description))
            return SCOUT_ENOMEM;
    }
    const char *repl = meta_str(j, REPL);
    if (repl) return set_str(&n->replaced_by, repl);
    n->replaced_by = replacement_in_text(n->deprecated_reason);
    if (!n->replaced_by) n->replaced_by = replacement_in_text(n->description);
    return SCOUT_OK;
}

/* Copies the i-th dot-separated part of an fqname into out, if present. */
static const char *fq_part(const char *fq, int i, char *out, size_t cap)
{
    for (int k = 0; fq && k < i; k++) {
        fq = strchr(fq, '.');
        if (fq) fq++;
    }
    if (!fq) return NULL;
    const char *e = i < 2 ? strchr(fq, '.') : NULL;
    size_t len = e ? (size_t)(e - fq) : strlen(fq);
    if (len >= cap) return NULL;
    memcpy(out, fq, len);
    out[len] = '\0';
    return out;
}

/* database.schema.alias (identifier for sources). Parts the entry does not
 * state keep their current value, so a schema.yml `config: {alias: x}` only
 * renames the relation a SQL file already placed. */
static scout_rc convert_fqname(scout_dbt_node *n, const json_t *j)
{
    const json_t *cfg = json_object_get(j, "config");
    char cur[3][256];
    const char *db = jstr(j, "database"), *schema = jstr(j, "schema");
    const char *rel = jstr(j, !strcmp(n->resource_type, "source") ? "identifier" : "alias");
    if (!db) db = jstr(cfg, "database");
    if (!schema) schema = jstr(cfg, "schema");
    if (!rel) rel = jstr(cfg, "alias");
    if (!db) db = fq_part(n->fqname, 0, cur[0], sizeof cur[0]);
    if (!schema) schema = fq_part(n->fqname, 1, cur[1], sizeof cur[1]);
    if (!rel) rel = fq_part(n->fqname, 2, cur[2], sizeof cur[2]);
    if (!rel) rel = n->name;
    if (!db || !schema || !rel) return SCOUT_OK;
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_printf(&b, "%s.%s.%s", db, schema, rel);
    free(n->fqname);
    n->fqname = scout_buf_take(&b);
    return n->fqname ? SCOUT_OK : SCOUT_ENOMEM;
}

static scout_rc convert_depends(scout_dbt_node *n, const json_t *j)
{
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(json_object_get(j, "depends_on"), "nodes"), i, d)
    {
        const char *s = json_string_value(d);
        if (s && !has_str(n->depends_on, n->n_depends_on, s) &&
            push_str(&n->depends_on, &n->n_depends_on, s))
            return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

/* Fills (or, for schema.yml entries merged onto a SQL file, overlays) n from
 * one manifest node / YAML entry. */
static scout_rc convert_node(loader *L, scout_dbt_node *n, const json_t *j)
{
    const json_t *cfg = json_object_get(j, "config");
    const char *code = jstr(j, "raw_code"), *compiled = jstr(j, "compiled_code");
    static const char *const OWNER[] = {"owner", NULL};
    if (!code) code = jstr(j, "raw_sql");
    if (!compiled) compiled = jstr(j, "compiled_sql");
    if ((jstr(j, "original_file_path") && set_str(&n->path, jstr(j, "original_file_path"))) ||
        (code && set_str(&n->raw_sql, code)) || (compiled && set_str(&n->compiled_sql, compiled)) ||
        (jstr(j, "description") && set_str(&n->description, jstr(j, "description"))) ||
        (meta_str(j, OWNER) && set_str(&n->owner, meta_str(j, OWNER))) ||
        (jstr(cfg, "materialized") && set_str(&n->materialized, jstr(cfg, "materialized"))) ||
        add_tags(n, json_object_get(j, "tags")) || add_tags(n, json_object_get(cfg, "tags")) ||
        convert_fqname(n, j) || convert_columns(L, n, json_object_get(j, "columns")) ||
        convert_deprecation(n, j) || convert_depends(n, j) ||
        yml_model_tests(L, n->unique_id, json_object_get(j, "tests")) ||
        yml_model_tests(L, n->unique_id, json_object_get(j, "data_tests")))
        return SCOUT_ENOMEM;
    return SCOUT_OK;
}

static bool wanted_type(const char *t)
{
    return t && (!strcmp(t, "model") || !strcmp(t, "seed") || !strcmp(t, "snapshot") ||
                 !strcmp(t, "source"));
}

/* A manifest test node: test_metadata {name, kwargs{column_name, to, field}},
 * attached to attached_node or else its first dependency. */
static scout_rc manifest_test(loader *L, const json_t *j)
{
    const json_t *md = json_object_get(j, "test_metadata");
    const json_t *kw = json_object_get(md, "kwargs");
    const char *kind = jstr(md, "name");
    const char *col = jstr(kw, "column_name");
    if (!col) col = jstr(j, "column_name");
    const char *node = jstr(j, "attached_node");
    if (!node)
        node = json_string_value(
            json_array_get(json_object_get(json_object_get(j, "depends_on"), "nodes"), 0));
    return push_test(L, node, col, kind, jstr(kw, "to"), jstr(kw, "field"));
}

static scout_rc manifest_node(loader *L, const json_t *j)
{
    const char *type = jstr(j, "resource_type");
    if (type && !strcmp(type, "test")) return manifest_test(L, j);
    if (!wanted_type(type) || !jstr(j, "unique_id") || !jstr(j, "name")) return SCOUT_OK;
    scout_dbt_node *n = new_node(L);
    if (!n || !(n->unique_id = strdup(jstr(j, "unique_id"))) ||
        !(n->resource_type = strdup(type)) || !(n->name = strdup(jstr(j, "name"))) ||
        set_str(&n->source_name, jstr(j, "source_name")))
        return SCOUT_ENOMEM;
    return convert_node(L, n, j);
}

/* ---------- index and lookups ---------- */

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const key_idx *)a)->key, ((const key_idx *)b)->key);
}

static void free_index(struct scout_dbt_index *x)
{
    if (!x) return;
    for (size_t i = 0; i < x->n_src; i++) free((char *)x->by_src[i].key);
    free(x->by_id);
    free(x->by_name);
    free(x->by_src);
    free(x);
}

static scout_rc build_index(scout_dbt_project *p)
{
    struct scout_dbt_index *x = calloc(1, sizeof *x);
    size_t n = p->n_nodes ? p->n_nodes : 1;
    if (!x || !(x->by_id = malloc(n * sizeof *x->by_id)) ||
        !(x->by_name = malloc(n * sizeof *x->by_name)) ||
        !(x->by_src = malloc(n * sizeof *x->by_src))) {
        free_index(x);
        return SCOUT_ENOMEM;
    }
    p->index = x;
    for (size_t i = 0; i < p->n_nodes; i++) {
        const scout_dbt_node *nd = &p->nodes[i];
        x->by_id[x->n_id++] = (key_idx){nd->unique_id, i};
        if (strcmp(nd->resource_type, "source") != 0) {
            x->by_name[x->n_name++] = (key_idx){nd->name, i};
            continue;
        }
        scout_buf b = SCOUT_BUF_INIT;
        scout_buf_printf(&b, "%s.%s", nd->source_name ? nd->source_name : "", nd->name);
        char *k = scout_buf_take(&b);
        if (!k) return SCOUT_ENOMEM;
        x->by_src[x->n_src++] = (key_idx){k, i};
    }
    if (x->n_id) qsort(x->by_id, x->n_id, sizeof *x->by_id, cmp_key);
    if (x->n_name) qsort(x->by_name, x->n_name, sizeof *x->by_name, cmp_key);
    if (x->n_src) qsort(x->by_src, x->n_src, sizeof *x->by_src, cmp_key);
    return SCOUT_OK;
}

static scout_dbt_node *lookup(const scout_dbt_project *p, const key_idx *v, size_t n,
                              const char *key)
{
    if (!v || !key) return NULL;
    key_idx k = {key, 0};
    const key_idx *hit = bsearch(&k, v, n, sizeof *v, cmp_key);
    return hit ? &p->nodes[hit->idx] : NULL;
}

const scout_dbt_node *scout_dbt_find(const scout_dbt_project *p, const char *id_or_name)
{
    if (!p || !p->index) return NULL;
    const scout_dbt_node *n = lookup(p, p->index->by_id, p->index->n_id, id_or_name);
    return n ? n : lookup(p, p->index->by_name, p->index->n_name, id_or_name);
}

const scout_dbt_node *scout_dbt_find_source(const scout_dbt_project *p, const char *source_name,
                                            const char *table)
{
    if (!p || !p->index || !source_name || !table) return NULL;
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_printf(&b, "%s.%s", source_name, table);
    const scout_dbt_node *n = lookup(p, p->index->by_src, p->index->n_src, scout_buf_cstr(&b));
    scout_buf_free(&b);
    return n;
}

/* Copies the i-th quoted argument of "f('a', 'b')" into out (cap bytes). */
static bool call_arg(const char *s, int i, char *out, size_t cap)
{
    const char *p = strchr(s, '(');
    for (int k = 0; p && *p && *p != ')'; p++) {
        if (*p != '\'' && *p != '"') continue;
        char q = *p;
        const char *e = strchr(p + 1, q);
        if (!e) return false;
        if (k++ == i) {
            size_t len = (size_t)(e - p - 1);
            if (len >= cap) return false;
            memcpy(out, p + 1, len);
            out[len] = '\0';
            return true;
        }
        p = e;
    }
    return false;
}

const char *scout_dbt_resolve_fqname(const scout_dbt_project *p, const char *ref)
{
    if (!ref) return NULL;
    while (*ref == ' ' || *ref == '{') ref++;
    char a[256], b[256];
    if (!strncmp(ref, "ref(", 4)) {
        /* ref('pkg', 'model') names the model last. */
        if (!call_arg(ref, 0, a, sizeof a)) return NULL;
        if (call_arg(ref, 1, b, sizeof b)) scout_strlcpy(a, b, sizeof a);
        const scout_dbt_node *n = scout_dbt_find(p, a);
        return n ? n->fqname : NULL;
    }
    if (!strncmp(ref, "source(", 7)) {
        if (!call_arg(ref, 0, a, sizeof a) || !call_arg(ref, 1, b, sizeof b)) return NULL;
        const scout_dbt_node *n = scout_dbt_find_source(p, a, b);
        return n ? n->fqname : NULL;
    }
    const scout_dbt_node *n = scout_dbt_find(p, ref);
    if (n && n->fqname) return n->fqname;
    /* "schema.table" (as prose often says) names the one node ending so. */
    const char *dot = strchr(ref, '.');
    if (dot && !strchr(dot + 1, '.') && p) {
        const char *hit = NULL;
        size_t rl = strlen(ref);
        for (size_t i = 0; i < p->n_nodes; i++) {
            const char *f = p->nodes[i].fqname;
            size_t fl = f ? strlen(f) : 0;
            if (fl <= rl || f[fl - rl - 1] != '.' || strcmp(f + fl - rl, ref) != 0) continue;
            if (hit && strcmp(hit, f) != 0) return ref; /* ambiguous: leave as written */
            hit = f;
        }
        if (hit) return hit;
    }
    return dot ? ref : NULL;
}

/* Folds the collected tests into the tested nodes' columns. */
static scout_rc attach_tests(loader *L)
{
    for (size_t i = 0; i < L->n_tests; i++) {
        const pending_test *t = &L->tests[i];
        scout_dbt_node *n = (scout_dbt_node *)scout_dbt_find(L->p, t->node);
        if (!n) continue;
        scout_dbt_column *c = add_column(n, t->column);
        if (!c) return SCOUT_ENOMEM;
        if (!strcmp(t->kind, "unique")) c->unique = true;
        if (!strcmp(t->kind, "not_null")) c->not_null = true;
        if (strcmp(t->kind, "relationships") != 0 || !t->to || c->references) continue;
        const char *fq = scout_dbt_resolve_fqname(L->p, t->to);
        if (!fq) continue;
        scout_buf b = SCOUT_BUF_INIT;
        scout_buf_printf(&b, "%s.%s", fq, t->field ? t->field : t->column);
        if (!(c->references = scout_buf_take(&b))) return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

static void free_tests(loader *L)
{
    for (size_t i = 0; i < L->n_tests; i++) {
        free(L->tests[i].node);
        free(L->tests[i].column);
        free(L->tests[i].kind);
        free(L->tests[i].to);
        free(L->tests[i].field);
    }
    free(L->tests);
}

/* ---------- manifest scanning ---------- */

typedef struct scanner {
    const char *base, *p, *end;
} scanner;

static void skip_ws(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

/* Skips a string starting at s->p ('"'); false when unterminated. */
static bool skip_string(scanner *s)
{
    for (s->p++; s->p < s->end; s->p++) {
        if (*s->p == '\\') {
            s->p++;
        } else if (*s->p == '"') {
            s->p++;
            return true;
        }
    }
    return false;
}

/* Skips one JSON value without validating it (jansson validates what is kept). */
static bool skip_value(scanner *s)
{
    skip_ws(s);
    if (s->p >= s->end) return false;
    if (*s->p == '"') return skip_string(s);
    if (*s->p != '{' && *s->p != '[') {
        while (s->p < s->end && !strchr(",}] \n\r\t", *s->p)) s->p++;
        return true;
    }
    int depth = 0;
    while (s->p < s->end) {
        char c = *s->p;
        if (c == '"') {
            if (!skip_string(s)) return false;
            continue;
        }
        if (c == '{' || c == '[') depth++;
        if (c == '}' || c == ']') depth--;
        s->p++;
        if (depth == 0) return true;
    }
    return false;
}

static bool expect(scanner *s, char c)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p != c) return false;
    s->p++;
    return true;
}

/* Positions of an object member: its key (quotes included) and value. */
typedef struct member {
    const char *key;
    size_t key_len;
    const char *val;
    size_t val_len;
} member;

/* Reads the next member of an object; *done at the closing brace. */
static bool next_member(scanner *s, bool first, member *m, bool *done)
{
    skip_ws(s);
    *done = s->p < s->end && *s->p == '}';
    if (*done) {
        s->p++;
        return true;
    }
    if (!first && !expect(s, ',')) return false;
    skip_ws(s);
    if (s->p >= s->end || *s->p != '"') return false;
    m->key = s->p;
    if (!skip_string(s)) return false;
    m->key_len = (size_t)(s->p - m->key);
    if (!expect(s, ':')) return false;
    skip_ws(s);
    m->val = s->p;
    if (!skip_value(s)) return false;
    m->val_len = (size_t)(s->p - m->val);
    return true;
}

static void line_col(const char *base, const char *at, int *line, int *col)
{
    *line = 1;
    const char *ls = base;
    for (const char *p = base; (p = memchr(p, '\n', (size_t)(at - p))) != NULL; p++) {
        (*line)++;
        ls = p + 1;
    }
    *col = (int)(at - ls) + 1;
}

/* A syntax error: let jansson parse the whole file for the precise position. */
static scout_rc scan_error(loader *L, scanner *s)
{
    json_error_t je;
    json_t *all = json_loadb(s->base, (size_t)(s->end - s->base), 0, &je);
    if (!all)
        return scout_err_set(L->err, SCOUT_EUSER, "%s:%d:%d: malformed manifest: %s", L->file,
                             je.line, je.column, je.text);
    json_decref(all);
    int line, col;
    line_col(s->base, s->p < s->end ? s->p : s->end, &line, &col);
    return scout_err_set(L->err, SCOUT_EUSER, "%s:%d:%d: malformed manifest: unexpected structure",
                         L->file, line, col);
}

/* Parses one node object (a span of the file) and converts it. */
static scout_rc scan_node(loader *L, scanner *s, const member *m)
{
    json_error_t je;
    json_t *j = json_loadb(m->val, m->val_len, 0, &je);
    if (!j) {
        int line, col;
        line_col(s->base, m->val, &line, &col);
        return scout_err_set(L->err, SCOUT_EUSER, "%s:%d:%d: malformed manifest: %s", L->file,
                             line + je.line - 1, je.line == 1 ? col + je.column - 1 : je.column,
                             je.text);
    }
    scout_rc rc = json_is_object(j) ? manifest_node(L, j) : SCOUT_OK;
    json_decref(j);
    return rc ? oom(L->err) : SCOUT_OK;
}

static scout_rc scan_nodes(loader *L, scanner *s)
{
    if (!expect(s, '{')) return scan_error(L, s);
    member m;
    bool done = false;
    for (bool first = true; !done; first = false) {
        if (!next_member(s, first, &m, &done)) return scan_error(L, s);
        if (done) break;
        scout_rc rc = scan_node(L, s, &m);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* metadata.project_name names the project (small object: parse it whole). */
static scout_rc scan_metadata(loader *L, scanner *s, const member *m)
{
    json_t *j = json_loadb(m->val, m->val_len, 0, NULL);
    scout_rc rc = j ? set_str(&L->p->name, jstr(j, "project_name")) : SCOUT_OK;
    json_decref(j);
    return rc ? oom(L->err) : SCOUT_OK;
}

static scout_rc scan_manifest(loader *L, const char *data, size_t len)
{
    scanner s = {data, data, data + len};
    if (!expect(&s, '{')) return scan_error(L, &s);
    member m;
    bool done = false;
    for (bool first = true;; first = false) {
        if (!next_member(&s, first, &m, &done)) return scan_error(L, &s);
        if (done) break;
        scout_rc rc = SCOUT_OK;
        bool nodes = m.key_len == 7 && !memcmp(m.key, "\"nodes\"", 7);
        bool sources = m.key_len == 9 && !memcmp(m.key, "\"sources\"", 9);
        if (nodes || sources) {
            scanner sub = {data, m.val, m.val + m.val_len};
            rc = scan_nodes(L, &sub);
        } else if (m.key_len == 10 && !memcmp(m.key, "\"metadata\"", 10)) {
            rc = scan_metadata(L, &s, &m);
        }
        if (rc) return rc;
    }
    skip_ws(&s);
    if (s.p != s.end) return scan_error(L, &s);
    return SCOUT_OK;
}

static scout_rc load_manifest(loader *L, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return scout_err_set(L->err, SCOUT_EIO, "cannot open %s", path);
    struct stat sb;
    if (fstat(fd, &sb) != 0 || sb.st_size == 0) {
        close(fd);
        return scout_err_set(L->err, SCOUT_EUSER, "%s:1:1: malformed manifest: empty file", path);
    }
    size_t len = (size_t)sb.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) return scout_err_set(L->err, SCOUT_EIO, "cannot map %s", path);
    /* Pages are read once, front to back. */
    madvise(map, len, MADV_SEQUENTIAL);
    L->file = path;
    scout_rc rc = scan_manifest(L, map, len);
    munmap(map, len);
    return rc;
}

/* ---------- YAML (schema.yml, dbt_project.yml) as jansson values ---------- */

static json_t *yaml_to_json(yaml_document_t *doc, yaml_node_t *n, int depth)
{
    if (!n || depth > 64) return json_null();
    if (n->type == YAML_SCALAR_NODE) {
        const char *v = (const char *)n->data.scalar.value;
        if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
            if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "yes")) return json_true();
            if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "no")) return json_false();
            if (!*v || !strcmp(v, "~") || !strcmp(v, "null")) return json_null();
        }
        return json_string(v);
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        json_t *a = json_array();
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             a && it < n->data.sequence.items.top; it++)
            json_array_append_new(a,
                                  yaml_to_json(doc, yaml_document_get_node(doc, *it), depth + 1));
        return a;
    }
    json_t *o = json_object();
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; o && pr < n->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        if (!k || k->type != YAML_SCALAR_NODE) continue;
        json_object_set_new(o, (const char *)k->data.scalar.value,
                            yaml_to_json(doc, yaml_document_get_node(doc, pr->value), depth + 1));
    }
    return o;
}

static scout_rc load_yaml(const char *path, json_t **out, scout_err *err)
{
    *out = NULL;
    scout_buf b;
    scout_buf_init(&b, DBT_YAML_MAX);
    scout_rc rc = scout_buf_read_file(&b, path, err);
    if (rc) {
        scout_buf_free(&b);
        return rc;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)scout_buf_cstr(&b), b.len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = scout_err_set(err, SCOUT_EUSER, "%s:%d: yaml error: %s", path,
                           (int)parser.problem_mark.line + 1,
                           parser.problem ? parser.problem : "unreadable");
    } else {
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        *out = root ? yaml_to_json(&doc, root, 0) : json_object();
        yaml_document_delete(&doc);
        if (!*out) rc = oom(err);
    }
    yaml_parser_delete(&parser);
    scout_buf_free(&b);
    return rc;
}

/* ---------- loading from files ---------- */

typedef struct files_ctx {
    loader *L;
    const char *root;    /* project dir */
    json_t *project_cfg; /* dbt_project.yml models.<project> tree, borrowed */
    json_t **ymls;       /* schema/sources YAML documents, applied after the SQL walk */
    char **yml_paths;
    size_t n_ymls;
    size_t n_indexed; /* nodes covered by the temporary name index */
} files_ctx;

/* Reads the value of key='...' inside the file's {{ config(...) }}, if any. */
static bool sql_config(const char *sql, const char *key, char *out, size_t cap)
{
    const char *c = strstr(sql, "config(");
    if (!c) return false;
    const char *end = strstr(c, ")");
    size_t kl = strlen(key);
    for (const char *p = c; end && p < end; p++) {
        if (strncmp(p, key, kl) != 0 || isalnum((unsigned char)p[-1]) || p[-1] == '_') continue;
        const char *q = p + kl;
        while (*q == ' ') q++;
        if (*q != '=') continue;
        q++;
        while (*q == ' ') q++;
        if (*q != '\'' && *q != '"') continue;
        const char *e = strchr(q + 1, *q);
        if (!e || (size_t)(e - q - 1) >= cap) return false;
        memcpy(out, q + 1, (size_t)(e - q - 1));
        out[e - q - 1] = '\0';
        return true;
    }
    return false;
}

/* Folder configs from dbt_project.yml: keys with '+' (or the bare config
 * names) apply to every model below the folder; other keys are subfolders. */
static void apply_folder_config(json_t *acc, const json_t *level)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)level, key, v)
    {
        const char *k = key[0] == '+' ? key + 1 : key;
        bool is_cfg = key[0] == '+' || !strcmp(k, "materialized") || !strcmp(k, "tags") ||
                      !strcmp(k, "meta") || !strcmp(k, "schema") || !strcmp(k, "database") ||
                      !strcmp(k, "alias");
        if (!is_cfg) continue;
        if (!strcmp(k, "meta") && json_is_object(v)) {
            json_t *m = json_object_get(acc, "meta");
            if (!m) json_object_set_new(acc, "meta", m = json_object());
            json_object_update(m, v);
        } else if (!strcmp(k, "tags")) {
            json_t *t = json_object_get(acc, "tags");
            if (!t) json_object_set_new(acc, "tags", t = json_array());
            if (json_is_array(v))
                json_array_extend(t, v);
            else if (json_is_string(v))
                json_array_append(t, v);
        } else {
            json_object_set(acc, k, v);
        }
    }
}

/* The config a model at models/<dirs...>/x.sql inherits from dbt_project.yml. */
static json_t *folder_config(const files_ctx *fc, char **dirs, size_t n_dirs)
{
    json_t *acc = json_object();
    const json_t *level = fc->project_cfg;
    if (level) apply_folder_config(acc, level);
    for (size_t i = 0; level && i < n_dirs; i++) {
        level = json_object_get(level, dirs[i]);
        if (json_is_object(level)) apply_folder_config(acc, level);
    }
    return acc;
}

/* Adds "model.<project>.<dep>" / "source.<project>.<a>.<b>" for every
 * ref()/source() call in the SQL. */
static scout_rc sql_depends(const files_ctx *fc, scout_dbt_node *n)
{
    const char *proj = fc->L->p->name ? fc->L->p->name : "project";
    for (const char *p = n->raw_sql; p && (p = strstr(p, "{{")); p += 2) {
        const char *q = p + 2;
        while (*q == ' ') q++;
        char a[256], b[256];
        scout_buf id = SCOUT_BUF_INIT;
        if (!strncmp(q, "ref(", 4) && call_arg(q, 0, a, sizeof a)) {
            if (call_arg(q, 1, b, sizeof b)) scout_strlcpy(a, b, sizeof a);
            scout_buf_printf(&id, "model.%s.%s", proj, a);
        } else if (!strncmp(q, "source(", 7) && call_arg(q, 0, a, sizeof a) &&
                   call_arg(q, 1, b, sizeof b)) {
            scout_buf_printf(&id, "source.%s.%s.%s", proj, a, b);
        }
        scout_rc rc = SCOUT_OK;
        if (id.len && !has_str(n->depends_on, n->n_depends_on, scout_buf_cstr(&id)))
            rc = push_str(&n->depends_on, &n->n_depends_on, scout_buf_cstr(&id));
        scout_buf_free(&id);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* One models/.../<name>.sql file: a model whose relation comes from its
 * config() call, the folder configs, or the folder convention. */
static scout_rc file_model(files_ctx *fc, const char *path, const char *rel, char **dirs,
                           size_t n_dirs, const char *stem)
{
    loader *L = fc->L;
    scout_buf sql;
    scout_buf_init(&sql, DBT_SQL_MAX);
    scout_rc rc = scout_buf_read_file(&sql, path, L->err);
    if (rc) {
        scout_buf_free(&sql);
        return rc;
    }
    scout_dbt_node *n = new_node(L);
    scout_buf id = SCOUT_BUF_INIT;
    scout_buf_printf(&id, "model.%s.%s", L->p->name ? L->p->name : "project", stem);
    json_t *cfg = folder_config(fc, dirs, n_dirs);
    char v[256];
    /* The folder convention, unless dbt_project.yml folder configs say
     * otherwise; the file's own config() beats both. */
    if (cfg && !jstr(cfg, "database"))
        json_object_set_new(cfg, "database",
                            json_string(n_dirs >= 1  ? dirs[0]
                                        : L->p->name ? L->p->name
                                                     : "main"));
    if (cfg && !jstr(cfg, "schema"))
        json_object_set_new(cfg, "schema", json_string(n_dirs >= 2 ? dirs[1] : "main"));
    const char *const keys[] = {"database", "schema", "alias", "materialized"};
    for (size_t k = 0; k < 4; k++)
        if (sql_config(scout_buf_cstr(&sql), keys[k], v, sizeof v))
            json_object_set_new(cfg, keys[k], json_string(v));
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:O}", "resource_type", "model", "name", stem,
                  "original_file_path", rel, "raw_code", scout_buf_cstr(&sql), "config", cfg);
    if (j && json_object_get(cfg, "meta")) json_object_set(j, "meta", json_object_get(cfg, "meta"));
    if (j) json_object_set(j, "tags", json_object_get(cfg, "tags"));
    if (!n || !cfg || !j || !(n->unique_id = scout_buf_take(&id)) ||
        !(n->resource_type = strdup("model")) || !(n->name = strdup(stem)) ||
        convert_node(L, n, j) || sql_depends(fc, n))
        rc = oom(L->err);
    json_decref(j);
    json_decref(cfg);
    scout_buf_free(&id);
    scout_buf_free(&sql);
    return rc;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a directory (deterministic order across filesystems). */
static char **list_dir(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **v = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (push_str(&v, n, e->d_name)) break;
    }
    closedir(d);
    if (v) qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

static scout_rc walk(files_ctx *fc, const char *dir, const char *rel, char **dirs, size_t depth)
{
    size_t n = 0;
    char **names = list_dir(dir, &n);
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        char *path = scout_path_join(dir, names[i]);
        char *r = scout_path_join(rel, names[i]);
        if (!path || !r) {
            rc = oom(fc->L->err);
        } else if (scout_path_is_dir(path)) {
            if (depth < 32) {
                dirs[depth] = names[i];
                rc = walk(fc, path, r, dirs, depth + 1);
            }
        } else if (has_suffix(names[i], ".sql")) {
            char *stem = strndup(names[i], strlen(names[i]) - 4);
            rc = stem ? file_model(fc, path, r, dirs, depth, stem) : oom(fc->L->err);
            free(stem);
        } else if (has_suffix(names[i], ".yml") || has_suffix(names[i], ".yaml")) {
            json_t *y = NULL;
            rc = load_yaml(path, &y, fc->L->err);
            json_t **ny = rc ? NULL : realloc(fc->ymls, (fc->n_ymls + 1) * sizeof *ny);
            char **np = ny ? realloc(fc->yml_paths, (fc->n_ymls + 1) * sizeof *np) : NULL;
            if (ny) fc->ymls = ny;
            if (np) fc->yml_paths = np;
            if (!rc && (!ny || !np)) rc = oom(fc->L->err);
            if (!rc) {
                fc->ymls[fc->n_ymls] = y;
                fc->yml_paths[fc->n_ymls++] = r;
                r = NULL;
            } else {
                json_decref(y);
            }
        }
        free(path);
        free(r);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

/* sources: [{name, database?, schema?, description?, meta?, tables: [...]}] */
static scout_rc yml_sources(files_ctx *fc, const json_t *srcs)
{
    loader *L = fc->L;
    const char *proj = L->p->name ? L->p->name : "project";
    size_t i, k;
    const json_t *s, *t;
    json_array_foreach(srcs, i, s)
    {
        const char *sname = jstr(s, "name");
        if (!sname) continue;
        json_array_foreach(json_object_get(s, "tables"), k, t)
        {
            const char *tname = jstr(t, "name");
            if (!tname) continue;
            json_t *j = json_deep_copy(t);
            const char *db = jstr(s, "database"), *schema = jstr(s, "schema");
            json_object_set_new(j, "database", json_string(db ? db : sname));
            json_object_set_new(j, "schema", json_string(schema ? schema : sname));
            if (!jstr(t, "identifier")) json_object_set_new(j, "identifier", json_string(tname));
            /* Source-level meta (owner) applies to its tables unless they say otherwise. */
            const json_t *sm = json_object_get(s, "meta");
            if (json_is_object(sm)) {
                json_t *m = json_deep_copy(sm);
                json_object_update(m, json_object_get(t, "meta"));
                json_object_set_new(j, "meta", m);
            }
            scout_buf id = SCOUT_BUF_INIT;
            scout_buf_printf(&id, "source.%s.%s.%s", proj, sname, tname);
            scout_dbt_node *n = new_node(L);
            bool fail = !j || !n || !(n->unique_id = scout_buf_take(&id)) ||
                        !(n->resource_type = strdup("source")) || !(n->name = strdup(tname)) ||
                        !(n->source_name = strdup(sname)) || convert_node(L, n, j);
            json_decref(j);
            scout_buf_free(&id);
            if (fail) return oom(L->err);
        }
    }
    return SCOUT_OK;
}

/* models:/seeds:/snapshots: entries describe nodes the SQL walk found
 * (or seeds/snapshots, created here). */
static scout_rc yml_models(files_ctx *fc, const json_t *list, const char *type)
{
    loader *L = fc->L;
    size_t i;
    const json_t *m;
    json_array_foreach(list, i, m)
    {
        const char *name = jstr(m, "name");
        if (!name) continue;
        /* The index covers the SQL walk's models; entries made here are few. */
        scout_dbt_node *n = lookup(L->p, L->p->index->by_name, L->p->index->n_name, name);
        for (size_t k = fc->n_indexed; k < L->p->n_nodes && !n; k++)
            if (strcmp(L->p->nodes[k].resource_type, "source") != 0 &&
                !strcmp(L->p->nodes[k].name, name))
                n = &L->p->nodes[k];
        if (!n) {
            scout_buf id = SCOUT_BUF_INIT;
            scout_buf_printf(&id, "%s.%s.%s", type, L->p->name ? L->p->name : "project", name);
            n = new_node(L);
            if (!n || !(n->unique_id = scout_buf_take(&id)) || !(n->resource_type = strdup(type)) ||
                !(n->name = strdup(name)))
                return oom(L->err);
        }
        /* The SQL file's own config() beats schema.yml's config for the relation. */
        json_t *j = json_deep_copy(m);
        const char *const keys[] = {"database", "schema", "alias"};
        char v[256];
        for (size_t k = 0; k < 3 && n->raw_sql; k++)
            if (sql_config(n->raw_sql, keys[k], v, sizeof v))
                json_object_del(json_object_get(j, "config"), keys[k]);
        scout_rc rc = j ? convert_node(L, n, j) : SCOUT_ENOMEM;
        json_decref(j);
        if (rc) return oom(L->err);
    }
    return SCOUT_OK;
}

static scout_rc load_project_yml(files_ctx *fc, json_t **proj, scout_err *err)
{
    char *path = scout_path_join(fc->root, "dbt_project.yml");
    *proj = NULL;
    scout_rc rc = path && scout_path_exists(path) ? load_yaml(path, proj, err) : SCOUT_OK;
    free(path);
    if (rc || !*proj) return rc;
    if (set_str(&fc->L->p->name, jstr(*proj, "name"))) return oom(err);
    if (fc->L->p->name)
        fc->project_cfg = json_object_get(json_object_get(*proj, "models"), fc->L->p->name);
    return SCOUT_OK;
}

static scout_rc load_files(loader *L, const char *dir)
{
    files_ctx fc = {.L = L, .root = dir};
    json_t *proj = NULL;
    scout_rc rc = load_project_yml(&fc, &proj, L->err);
    const json_t *paths = json_object_get(proj, "model-paths");
    if (!paths) paths = json_object_get(proj, "source-paths");
    size_t n_paths = json_is_array(paths) ? json_array_size(paths) : 1;
    for (size_t i = 0; !rc && i < n_paths; i++) {
        const char *mp = json_string_value(json_array_get(paths, i));
        if (!mp) mp = "models";
        char *abs = scout_path_join(dir, mp);
        char *dirs[32];
        if (!abs) rc = oom(L->err);
        if (!rc && scout_path_is_dir(abs)) rc = walk(&fc, abs, mp, dirs, 0);
        free(abs);
    }
    if (!rc && !L->p->n_nodes && !fc.n_ymls)
        rc = scout_err_set(L->err, SCOUT_ENOTFOUND,
                           "%s: no dbt project here (no target/manifest.json, no models/)", dir);
    if (!rc && build_index(L->p)) rc = oom(L->err);
    fc.n_indexed = L->p->n_nodes;
    for (size_t i = 0; !rc && i < fc.n_ymls; i++) {
        rc = yml_sources(&fc, json_object_get(fc.ymls[i], "sources"));
        if (!rc) rc = yml_models(&fc, json_object_get(fc.ymls[i], "models"), "model");
        if (!rc) rc = yml_models(&fc, json_object_get(fc.ymls[i], "seeds"), "seed");
        if (!rc) rc = yml_models(&fc, json_object_get(fc.ymls[i], "snapshots"), "snapshot");
    }
    for (size_t i = 0; i < fc.n_ymls; i++) {
        json_decref(fc.ymls[i]);
        free(fc.yml_paths[i]);
    }
    free(fc.ymls);
    free(fc.yml_paths);
    json_decref(proj);
    /* Rebuilt with every node once loading is done. */
    free_index(L->p->index);
    L->p->index = NULL;
    return rc;
}

/* ---------- entry points ---------- */

scout_rc scout_dbt_load(const char *dir, scout_dbt_project **out, scout_err *err)
{
    *out = NULL;
    scout_dbt_project *p = calloc(1, sizeof *p);
    if (!p || !(p->dir = realpath(dir, NULL))) {
        free(p);
        return p ? scout_err_set(err, SCOUT_ENOTFOUND, "dbt project %s does not exist", dir)
                 : oom(err);
    }
    loader L = {.p = p, .err = err};
    char *manifest = scout_path_join(p->dir, "target/manifest.json");
    scout_rc rc = manifest ? SCOUT_OK : oom(err);
    if (!rc && scout_path_exists(manifest)) {
        p->manifest_path = manifest;
        manifest = NULL;
        rc = load_manifest(&L, p->manifest_path);
    } else if (!rc) {
        rc = load_files(&L, p->dir);
    }
    free(manifest);
    if (!rc && build_index(p)) rc = oom(err);
    if (!rc && attach_tests(&L)) rc = oom(err);
    free_tests(&L);
    if (rc) {
        scout_dbt_free(p);
        return rc;
    }
    *out = p;
    return SCOUT_OK;
}

void scout_dbt_free(scout_dbt_project *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n_nodes; i++) free_node(&p->nodes[i]);
    free(p->nodes);
    free_index(p->index);
    free(p->dir);
    free(p->manifest_path);
    free(p->name);
    free(p);
}
