/* curated.c — context layer 2 (see curated.h; the YAML format is in
 * docs/context.md).
 *
 * Where the facts live. The merged per-table and per-column facts are kept
 * in this module's own fqname-keyed tables, curated_tables and
 * curated_columns, because a curated file may describe a table the crawl has
 * not seen yet (or that a re-crawl drops and re-adds). After every import
 * they are copied onto the crawl's `tables` / `columns` rows that exist
 * (description, description_source, owner, trust, trust_reason,
 * deprecated_by, tags; column description/description_source/synonyms);
 * scout_curated_apply repeats that copy after a crawl. Metrics, verified
 * queries, caveats, synonyms and FK hints (join_keys, origin 'yaml') go
 * straight into the shared fqname-keyed tables with origin 'dbt' or
 * 'curated', which is how a re-import finds and replaces them. */
#include "catalog/curated.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "catalog/catalog_int.h"
#include "catalog/dbt.h"

/* Idempotent DDL for the tables this module adds; run by scout_catalog_open.
 * pk_hint: the column has unique + not_null tests (dbt) or `primary_key: true`. */
const char scout_curated_schema[] = "CREATE TABLE IF NOT EXISTS curated_tables ("
                                    "  fqname TEXT PRIMARY KEY,"
                                    "  description TEXT,"
                                    "  description_source TEXT,"
                                    "  owner TEXT,"
                                    "  trust TEXT,"
                                    "  trust_reason TEXT,"
                                    "  deprecated_by TEXT,"
                                    "  tags TEXT,"
                                    "  synonyms TEXT,"
                                    "  origin_path TEXT);"
                                    "CREATE TABLE IF NOT EXISTS curated_columns ("
                                    "  fqname TEXT NOT NULL,"
                                    "  column_name TEXT NOT NULL,"
                                    "  description TEXT,"
                                    "  description_source TEXT,"
                                    "  synonyms TEXT,"
                                    "  data_type TEXT,"
                                    "  pk_hint INTEGER NOT NULL DEFAULT 0,"
                                    "  origin_path TEXT,"
                                    "  PRIMARY KEY (fqname, column_name));"
                                    "CREATE TABLE IF NOT EXISTS curated_filters ("
                                    "  fqname TEXT NOT NULL,"
                                    "  condition TEXT NOT NULL,"
                                    "  reason TEXT,"
                                    "  origin_path TEXT,"
                                    "  PRIMARY KEY (fqname, condition));";

#define CURATED_FILE_MAX ((size_t)8 << 20)

/* State of one import run. */
typedef struct importer {
    scout_catalog *cat;
    const scout_config *cfg;
    scout_dbt_project **dbt; /* loaded projects, for name resolution */
    size_t n_dbt;
    scout_layer_stats *st;
    /* prepared statements by SQL text: a big dbt project writes ~10 facts
     * per model, so re-preparing each time would dominate the import */
    struct {
        char *sql;
        sqlite3_stmt *st;
    } cache[48];
    size_t n_cache;
    /* the YAML file being read */
    const char *file;
    yaml_document_t *doc;
    scout_err *err;
} importer;

/* ---------- catalog writes ---------- */

static sqlite3_stmt *cached(importer *im, const char *sql, scout_err *err)
{
    for (size_t i = 0; i < im->n_cache; i++)
        if (!strcmp(im->cache[i].sql, sql)) {
            sqlite3_reset(im->cache[i].st);
            sqlite3_clear_bindings(im->cache[i].st);
            return im->cache[i].st;
        }
    sqlite3_stmt *st;
    if (scout_catalog_prepare(im->cat, sql, &st, err)) return NULL;
    if (im->n_cache == sizeof im->cache / sizeof im->cache[0]) return st; /* caller finalizes */
    im->cache[im->n_cache].sql = strdup(sql);
    if (!im->cache[im->n_cache].sql) return st;
    im->cache[im->n_cache++].st = st;
    return st;
}

static bool is_cached(const importer *im, const sqlite3_stmt *st)
{
    for (size_t i = 0; i < im->n_cache; i++)
        if (im->cache[i].st == st) return true;
    return false;
}

static void free_cache(importer *im)
{
    for (size_t i = 0; i < im->n_cache; i++) {
        sqlite3_finalize(im->cache[i].st);
        free(im->cache[i].sql);
    }
    im->n_cache = 0;
}

/* Runs sql with n text parameters (NULL binds SQL NULL). */
static scout_rc run(importer *im, const char *sql, const char *const *args, int n, scout_err *err)
{
    sqlite3_stmt *st = cached(im, sql, err);
    if (!st) return SCOUT_ESQL;
    scout_rc rc = SCOUT_OK;
    for (int i = 0; i < n; i++) sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) rc = scout_catalog_sqlerr(im->cat, err, "storing a fact");
    if (is_cached(im, st))
        sqlite3_reset(st);
    else
        sqlite3_finalize(st);
    return rc;
}

/* Sets one field of a table's curated facts (field names are this file's constants). */
static scout_rc set_table_field(importer *im, const char *fq, const char *field, const char *v,
                                scout_err *err)
{
    const char *a[] = {fq};
    scout_rc rc =
        run(im, "INSERT INTO curated_tables (fqname) VALUES (?) ON CONFLICT DO NOTHING", a, 1, err);
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE curated_tables SET %s = ?2 WHERE fqname = ?1", field);
    const char *b[] = {fq, v};
    if (!rc) rc = run(im, sql, b, 2, err);
    if (!rc) im->st->records++;
    return rc;
}

static scout_rc set_column_field(importer *im, const char *fq, const char *col, const char *field,
                                 const char *v, scout_err *err)
{
    const char *a[] = {fq, col};
    scout_rc rc = run(im,
                      "INSERT INTO curated_columns (fqname, column_name) VALUES (?, ?)"
                      " ON CONFLICT DO NOTHING",
                      a, 2, err);
    char sql[180];
    snprintf(sql, sizeof sql,
             "UPDATE curated_columns SET %s = ?3 WHERE fqname = ?1 AND column_name = ?2", field);
    const char *b[] = {fq, col, v};
    if (!rc) rc = run(im, sql, b, 3, err);
    if (!rc) im->st->records++;
    return rc;
}

static scout_rc add_synonym(importer *im, const char *term, const char *kind, const char *target,
                            const char *origin, scout_err *err)
{
    const char *a[] = {term, kind, target, origin};
    return run(im,
               "INSERT OR IGNORE INTO synonyms (term, target_kind, target, origin)"
               " VALUES (?, ?, ?, ?)",
               a, 4, err);
}

static scout_rc record_file(importer *im, const char *path, const char *kind, const char *error)
{
    const char *a[] = {path, kind, error};
    scout_err e2 = {0};
    scout_rc rc = run(im,
                      "INSERT OR REPLACE INTO context_files (path, kind, layer, loaded_at, error)"
                      " VALUES (?, ?, 2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)",
                      a, 3, &e2);
    if (rc) scout_warn("%s", e2.msg);
    return rc;
}

/* Forgets the previous import: undoes what it copied onto tables/columns
 * (only values still equal to what it wrote), then drops its rows. */
static scout_rc forget_previous(importer *im, scout_err *err)
{
    static const char SQL[] =
        "UPDATE tables SET"
        " description = CASE WHEN tables.description_source IN ('dbt','curated') THEN NULL"
        "   ELSE tables.description END,"
        " description_source = CASE WHEN tables.description_source IN ('dbt','curated')"
        "   THEN NULL ELSE tables.description_source END,"
        " owner = CASE WHEN tables.owner IS c.owner THEN NULL ELSE tables.owner END,"
        " trust = CASE WHEN tables.trust IS c.trust THEN 'normal' ELSE tables.trust END,"
        " trust_reason = CASE WHEN tables.trust_reason IS c.trust_reason THEN NULL"
        "   ELSE tables.trust_reason END,"
        " deprecated_by = CASE WHEN tables.deprecated_by IS c.deprecated_by THEN NULL"
        "   ELSE tables.deprecated_by END,"
        " tags = CASE WHEN tables.tags IS c.tags THEN NULL ELSE tables.tags END"
        " FROM curated_tables c WHERE c.fqname = tables.fqname;"
        "UPDATE columns SET"
        " description = CASE WHEN columns.description_source IN ('dbt','curated') THEN NULL"
        "   ELSE columns.description END,"
        " description_source = CASE WHEN columns.description_source IN ('dbt','curated')"
        "   THEN NULL ELSE columns.description_source END,"
        " synonyms = CASE WHEN columns.synonyms IS c.synonyms THEN NULL ELSE columns.synonyms END"
        " FROM curated_columns c, tables t"
        " WHERE t.id = columns.table_id AND c.fqname = t.fqname"
        "   AND c.column_name = columns.name COLLATE NOCASE;"
        "DELETE FROM curated_tables; DELETE FROM curated_columns; DELETE FROM curated_filters;"
        "DELETE FROM metrics WHERE origin IN ('dbt','curated');"
        "DELETE FROM verified_queries WHERE origin IN ('dbt','curated');"
        "DELETE FROM caveats WHERE origin IN ('dbt','curated');"
        "DELETE FROM synonyms WHERE origin IN ('dbt','curated');"
        "DELETE FROM join_keys WHERE origin = 'yaml';"
        "DELETE FROM context_files WHERE layer = 2;";
    return scout_catalog_exec(im->cat, SQL, err);
}

scout_rc scout_curated_apply(scout_catalog *cat, scout_err *err)
{
    static const char SQL[] =
        "UPDATE tables SET"
        " description = coalesce(c.description, tables.description),"
        " description_source = CASE WHEN c.description IS NOT NULL THEN c.description_source"
        "   ELSE tables.description_source END,"
        " owner = coalesce(c.owner, tables.owner),"
        " trust = coalesce(c.trust, tables.trust),"
        " trust_reason = coalesce(c.trust_reason, tables.trust_reason),"
        " deprecated_by = coalesce(c.deprecated_by, tables.deprecated_by),"
        " tags = coalesce(c.tags, tables.tags)"
        " FROM curated_tables c WHERE c.fqname = tables.fqname;"
        "UPDATE columns SET"
        " description = coalesce(c.description, columns.description),"
        " description_source = CASE WHEN c.description IS NOT NULL THEN c.description_source"
        "   ELSE columns.description_source END,"
        " synonyms = coalesce(c.synonyms, columns.synonyms)"
        " FROM curated_columns c, tables t"
        " WHERE t.id = columns.table_id AND c.fqname = t.fqname"
        "   AND c.column_name = columns.name COLLATE NOCASE;";
    return scout_catalog_exec(cat, SQL, err);
}

/* ---------- dbt ---------- */

static char *json_list(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_string(v[i]));
    char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return s;
}

static scout_rc dbt_column(importer *im, const scout_dbt_project *p, const scout_dbt_node *n,
                           const scout_dbt_column *c, scout_err *err)
{
    scout_rc rc = SCOUT_OK;
    if (c->description) {
        rc = set_column_field(im, n->fqname, c->name, "description", c->description, err);
        if (!rc) rc = set_column_field(im, n->fqname, c->name, "description_source", "dbt", err);
    }
    if (!rc && c->data_type)
        rc = set_column_field(im, n->fqname, c->name, "data_type", c->data_type, err);
    if (!rc && c->unique && c->not_null)
        rc = set_column_field(im, n->fqname, c->name, "pk_hint", "1", err);
    if (!rc && c->references) {
        /* "src.schema.table.column": the last part is the column. */
        const char *dot = strrchr(c->references, '.');
        char *to = strndup(c->references, (size_t)(dot - c->references));
        scout_buf ev = SCOUT_BUF_INIT;
        scout_buf_printf(&ev, "dbt relationships test on %s.%s (%s)", n->name, c->name,
                         n->path ? n->path : p->dir);
        const char *a[] = {n->fqname, c->name, to, dot + 1, scout_buf_cstr(&ev)};
        rc = to ? run(im,
                      "INSERT INTO join_keys (left_fqname, left_column, right_fqname,"
                      " right_column, cardinality, origin, confidence, evidence)"
                      " VALUES (?, ?, ?, ?, 'many_to_one', 'yaml', 0.95, ?)",
                      a, 5, err)
                : scout_err_set(err, SCOUT_ENOMEM, "out of memory");
        if (!rc) im->st->records++;
        free(to);
        scout_buf_free(&ev);
    }
    return rc;
}

static scout_rc dbt_node(importer *im, const scout_dbt_project *p, const scout_dbt_node *n,
                         scout_err *err)
{
    if (!n->fqname) return SCOUT_OK;
    const char *fq = n->fqname;
    scout_rc rc = SCOUT_OK;
    if (n->description) {
        rc = set_table_field(im, fq, "description", n->description, err);
        if (!rc) rc = set_table_field(im, fq, "description_source", "dbt", err);
    }
    if (!rc && n->owner) rc = set_table_field(im, fq, "owner", n->owner, err);
    if (!rc && n->n_tags) {
        char *tags = json_list(n->tags, n->n_tags);
        rc = set_table_field(im, fq, "tags", tags, err);
        free(tags);
    }
    if (!rc && n->deprecated) {
        const char *repl = scout_dbt_resolve_fqname(p, n->replaced_by);
        rc = set_table_field(im, fq, "trust", SCOUT_TRUST_DEPRECATED, err);
        if (!rc) rc = set_table_field(im, fq, "trust_reason", n->deprecated_reason, err);
        if (!rc && repl) rc = set_table_field(im, fq, "deprecated_by", repl, err);
    }
    if (!rc && n->path) rc = set_table_field(im, fq, "origin_path", n->path, err);
    for (size_t i = 0; !rc && i < n->n_columns; i++) rc = dbt_column(im, p, n, &n->columns[i], err);
    return rc;
}

static scout_rc import_dbt(importer *im, const char *dir, scout_err *err)
{
    scout_dbt_project *p = NULL;
    scout_err lerr = {0};
    im->st->files++;
    if (scout_dbt_load(dir, &p, &lerr)) {
        scout_warn("%s", lerr.msg);
        im->st->errors++;
        return record_file(im, dir, "dbt", lerr.msg);
    }
    scout_dbt_project **v = realloc(im->dbt, (im->n_dbt + 1) * sizeof *v);
    if (!v) {
        scout_dbt_free(p);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    im->dbt = v;
    v[im->n_dbt++] = p;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; !rc && i < p->n_nodes; i++) rc = dbt_node(im, p, &p->nodes[i], err);
    if (!rc) rc = record_file(im, p->manifest_path ? p->manifest_path : p->dir, "dbt", NULL);
    return rc;
}

/* ---------- curated YAML: reading helpers ---------- */

static int line_of(const yaml_node_t *n)
{
    return n ? (int)n->start_mark.line + 1 : 0;
}

static scout_rc bad(importer *im, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A file error: "<file>:<line>: <what>". */
static scout_rc bad(importer *im, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return scout_err_set(im->err, SCOUT_EUSER, "%s:%d: %s", im->file, line_of(n), msg);
}

static yaml_node_t *node_at(importer *im, int i)
{
    return yaml_document_get_node(im->doc, i);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static scout_rc want_str(importer *im, const yaml_node_t *n, const char *key, const char **out)
{
    *out = scalar(n);
    if (!*out) return bad(im, n, "'%s' must be a string", key);
    return SCOUT_OK;
}

static scout_rc want_bool(importer *im, const yaml_node_t *n, const char *key, bool *out)
{
    const char *s = scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
        *out = true;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
        *out = false;
    else
        return bad(im, n, "'%s' must be true or false", key);
    return SCOUT_OK;
}

/* A string or a list of strings, as a JSON array text (caller frees). */
static scout_rc want_list(importer *im, const yaml_node_t *n, const char *key, char **out)
{
    json_t *a = json_array();
    if (scalar(n)) {
        json_array_append_new(a, json_string(scalar(n)));
    } else if (n && n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            const char *s = scalar(node_at(im, *it));
            if (!s) {
                json_decref(a);
                return bad(im, node_at(im, *it), "'%s' must list strings", key);
            }
            json_array_append_new(a, json_string(s));
        }
    } else {
        json_decref(a);
        return bad(im, n, "'%s' must be a string or a list of strings", key);
    }
    *out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return *out ? SCOUT_OK : scout_err_set(im->err, SCOUT_ENOMEM, "out of memory");
}

/* Value of key in a mapping node, or NULL. */
static yaml_node_t *map_get(importer *im, const yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(node_at(im, p->key));
        if (k && !strcmp(k, key)) return node_at(im, p->value);
    }
    return NULL;
}

/* Rejects keys not in allowed (NULL-terminated) so typos are caught. */
static scout_rc check_keys(importer *im, const yaml_node_t *map, const char *what,
                           const char *const *allowed)
{
    if (!map || map->type != YAML_MAPPING_NODE) return bad(im, map, "%s must be a mapping", what);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = node_at(im, p->key);
        const char *k = scalar(kn);
        bool ok = false;
        for (const char *const *a = allowed; k && *a && !ok; a++) ok = !strcmp(*a, k);
        if (!ok) return bad(im, kn, "unknown key '%s' in %s", k ? k : "?", what);
    }
    return SCOUT_OK;
}

static scout_rc want_seq(importer *im, const yaml_node_t *n, const char *key)
{
    if (!n || n->type != YAML_SEQUENCE_NODE) return bad(im, n, "'%s' must be a list", key);
    return SCOUT_OK;
}

/* ---------- table references ---------- */

static bool known_source(const importer *im, const char *fq)
{
    const char *dot = strchr(fq, '.');
    for (size_t i = 0; dot && i < im->cfg->n_sources; i++) {
        const char *name = im->cfg->sources[i].name;
        if (strlen(name) == (size_t)(dot - fq) && !strncasecmp(name, fq, (size_t)(dot - fq)))
            return true;
    }
    return false;
}

static int count_dots(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '.';
    return n;
}

/* Resolves a table reference to an fqname (caller frees): the catalog first
 * (exact, schema.table or table when unambiguous), then the dbt projects
 * (fqname or dbt model name), then any source.schema.table whose source is
 * configured (a table the crawl has not reached yet). */
static scout_rc resolve_table(importer *im, const yaml_node_t *n, const char *ref, char **fq)
{
    scout_err e = {0};
    scout_rc rc = scout_catalog_resolve(im->cat, ref, fq, &e);
    if (rc == SCOUT_OK) return SCOUT_OK;
    if (rc != SCOUT_ENOTFOUND) return bad(im, n, "%s", e.msg);
    for (size_t i = 0; i < im->n_dbt; i++) {
        const scout_dbt_node *d = scout_dbt_find(im->dbt[i], ref);
        if (d && d->fqname) return (*fq = strdup(d->fqname)) ? SCOUT_OK : SCOUT_ENOMEM;
        for (size_t k = 0; k < im->dbt[i]->n_nodes; k++) {
            const char *f = im->dbt[i]->nodes[k].fqname;
            if (f && !strcasecmp(f, ref)) return (*fq = strdup(f)) ? SCOUT_OK : SCOUT_ENOMEM;
        }
    }
    if (count_dots(ref) == 2 && known_source(im, ref))
        return (*fq = strdup(ref)) ? SCOUT_OK : SCOUT_ENOMEM;
    return bad(im, n, "unknown table '%s'", ref);
}

/* A crawled table must have the column; an uncrawled one is taken on trust. */
static scout_rc check_column(importer *im, const yaml_node_t *n, const char *fq, const char *col)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(im->cat,
                                        "SELECT count(*), sum(c.name = ?2 COLLATE NOCASE)"
                                        " FROM tables t JOIN columns c ON c.table_id = t.id"
                                        " WHERE t.fqname = ?1",
                                        &st, im->err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, fq, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0 &&
        sqlite3_column_int64(st, 1) == 0)
        rc = bad(im, n, "unknown column '%s' in table %s", col, fq);
    sqlite3_finalize(st);
    return rc;
}

/* ---------- curated YAML: sections ---------- */

static scout_rc add_caveat(importer *im, const char *fq, const char *col, const yaml_node_t *n)
{
    static const char *const KEYS[] = {"text", "severity", "column", NULL};
    const char *text = scalar(n), *sev = "info";
    scout_rc rc = SCOUT_OK;
    if (!text) {
        if ((rc = check_keys(im, n, "a caveat", KEYS))) return rc;
        const yaml_node_t *t = map_get(im, n, "text"), *s = map_get(im, n, "severity"),
                          *c = map_get(im, n, "column");
        if (!t) return bad(im, n, "caveat needs 'text'");
        if ((rc = want_str(im, t, "text", &text))) return rc;
        if (s && (rc = want_str(im, s, "severity", &sev))) return rc;
        if (strcmp(sev, "info") && strcmp(sev, "warn") && strcmp(sev, "critical"))
            return bad(im, s, "severity must be info, warn or critical, not '%s'", sev);
        if (c && (rc = want_str(im, c, "column", &col))) return rc;
        if (c && fq && (rc = check_column(im, c, fq, col))) return rc;
    }
    const char *a[] = {fq, col, text, sev, im->file};
    rc = run(im,
             "INSERT INTO caveats (fqname, column_name, text, severity, origin, evidence_path)"
             " VALUES (?, ?, ?, ?, 'curated', ?)",
             a, 5, im->err);
    if (!rc) im->st->records++;
    return rc;
}

static scout_rc add_caveats(importer *im, const char *fq, const char *col, const yaml_node_t *n)
{
    if (scalar(n)) return add_caveat(im, fq, col, n);
    scout_rc rc = want_seq(im, n, "caveats");
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         !rc && it < n->data.sequence.items.top; it++)
        rc = add_caveat(im, fq, col, node_at(im, *it));
    return rc;
}

/* synonyms: [..] for a table/column/metric: JSON on the row plus synonyms rows. */
static scout_rc add_synonyms(importer *im, const yaml_node_t *n, const char *kind,
                             const char *target, char **json_out)
{
    char *list = NULL;
    scout_rc rc = want_list(im, n, "synonyms", &list);
    json_t *a = rc ? NULL : json_loads(list, 0, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!rc) rc = add_synonym(im, json_string_value(v), kind, target, "curated", im->err);
        if (!rc) im->st->records++;
    }
    json_decref(a);
    if (json_out && !rc)
        *json_out = list;
    else
        free(list);
    return rc;
}

static scout_rc curated_column(importer *im, const char *fq, const yaml_node_t *n)
{
    static const char *const KEYS[] = {"name",    "description", "synonyms",
                                       "caveats", "primary_key", NULL};
    scout_rc rc = check_keys(im, n, "a column", KEYS);
    const char *name = NULL, *s;
    const yaml_node_t *nn = rc ? NULL : map_get(im, n, "name");
    if (!rc && !nn) rc = bad(im, n, "column needs 'name'");
    if (!rc) rc = want_str(im, nn, "name", &name);
    if (!rc) rc = check_column(im, nn, fq, name);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; !rc && p < n->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(node_at(im, p->key));
        yaml_node_t *v = node_at(im, p->value);
        if (!strcmp(k, "description") && !(rc = want_str(im, v, k, &s))) {
            rc = set_column_field(im, fq, name, "description", s, im->err);
            if (!rc) rc = set_column_field(im, fq, name, "description_source", "curated", im->err);
        } else if (!strcmp(k, "synonyms")) {
            char *json = NULL;
            scout_buf target = SCOUT_BUF_INIT;
            scout_buf_printf(&target, "%s.%s", fq, name);
            rc = add_synonyms(im, v, "column", scout_buf_cstr(&target), &json);
            if (!rc) rc = set_column_field(im, fq, name, "synonyms", json, im->err);
            free(json);
            scout_buf_free(&target);
        } else if (!strcmp(k, "caveats")) {
            rc = add_caveats(im, fq, name, v);
        } else if (!strcmp(k, "primary_key")) {
            bool b = false;
            if (!(rc = want_bool(im, v, k, &b)))
                rc = set_column_field(im, fq, name, "pk_hint", b ? "1" : "0", im->err);
        }
    }
    return rc;
}

static scout_rc curated_deprecated(importer *im, const char *fq, const yaml_node_t *v)
{
    static const char *const KEYS[] = {"replacement", "reason", NULL};
    const char *reason = scalar(v), *repl = NULL;
    char *repl_fq = NULL;
    scout_rc rc = SCOUT_OK;
    if (!reason) {
        rc = check_keys(im, v, "'deprecated'", KEYS);
        const yaml_node_t *r = rc ? NULL : map_get(im, v, "replacement");
        const yaml_node_t *why = rc ? NULL : map_get(im, v, "reason");
        if (!rc && why) rc = want_str(im, why, "reason", &reason);
        if (!rc && r) rc = want_str(im, r, "replacement", &repl);
        if (!rc && repl) rc = resolve_table(im, r, repl, &repl_fq);
    } else if (!strcmp(reason, "false")) {
        return SCOUT_OK;
    } else if (!strcmp(reason, "true")) {
        reason = NULL;
    }
    if (!rc) rc = set_table_field(im, fq, "trust", SCOUT_TRUST_DEPRECATED, im->err);
    if (!rc) rc = set_table_field(im, fq, "trust_reason", reason, im->err);
    if (!rc) rc = set_table_field(im, fq, "deprecated_by", repl_fq, im->err);
    free(repl_fq);
    return rc;
}

/* One scalar-valued table key (description, owner, tags, source_of_truth). */
static scout_rc curated_table_key(importer *im, const char *fq, const char *k, const yaml_node_t *v)
{
    const char *s;
    scout_rc rc = SCOUT_OK;
    if (!strcmp(k, "description") && !(rc = want_str(im, v, k, &s))) {
        rc = set_table_field(im, fq, "description", s, im->err);
        if (!rc) rc = set_table_field(im, fq, "description_source", "curated", im->err);
    } else if (!strcmp(k, "owner") && !(rc = want_str(im, v, k, &s))) {
        rc = set_table_field(im, fq, "owner", s, im->err);
    } else if (!strcmp(k, "tags")) {
        char *tags = NULL;
        if (!(rc = want_list(im, v, k, &tags))) rc = set_table_field(im, fq, "tags", tags, im->err);
        free(tags);
    } else if (!strcmp(k, "source_of_truth")) {
        bool b = false;
        if (!(rc = want_bool(im, v, k, &b)) && b)
            rc = set_table_field(im, fq, "trust", SCOUT_TRUST_SOURCE_OF_TRUTH, im->err);
    }
    return rc;
}

/* ---------- default filters ---------- */

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    return p;
}

/* Case-insensitive keyword at p followed by a non-identifier byte. */
static const char *keyword(const char *p, const char *kw)
{
    size_t n = strlen(kw);
    if (strncasecmp(p, kw, n) != 0) return NULL;
    char c = p[n];
    if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return NULL;
    return p + n;
}

static const char *parse_ident(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return NULL;
    while (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
           (*p >= '0' && *p <= '9')) {
        if (n + 1 >= cap) return NULL;
        out[n++] = *p++;
    }
    out[n] = 0;
    return p;
}

static const char *parse_op(const char *p, char *op, size_t cap)
{
    static const char *const OPS[][2] = {{"!=", "!="}, {"<>", "!="}, {"<=", "<="}, {">=", ">="},
                                         {"=", "="},   {"<", "<"},   {">", ">"}};
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (!strncmp(p, OPS[i][0], strlen(OPS[i][0]))) {
            snprintf(op, cap, "%s", OPS[i][1]);
            return p + strlen(OPS[i][0]);
        }
    return NULL;
}

/* A single-quoted string ('' is a quote) or a number; true/false as 1/0. */
static const char *parse_literal(const char *p, scout_curated_filter *f)
{
    size_t n = 0;
    const char *e;
    if (*p == '\'') {
        for (p++; *p; p++) {
            if (*p == '\'' && p[1] != '\'') break;
            if (*p == '\'') p++;
            if (n + 1 >= sizeof f->value) return NULL;
            f->value[n++] = *p;
        }
        if (*p != '\'') return NULL;
        f->value[n] = 0;
        f->kind = 3;
        return p + 1;
    }
    if ((e = keyword(p, "true")) || (e = keyword(p, "false"))) {
        snprintf(f->value, sizeof f->value, "%d", tolower((unsigned char)*p) == 't');
        f->kind = 1;
        return e;
    }
    bool dot = false;
    if (*p == '-') f->value[n++] = *p++;
    while ((*p >= '0' && *p <= '9') || (*p == '.' && !dot)) {
        dot = dot || *p == '.';
        if (n + 1 >= sizeof f->value) return NULL;
        f->value[n++] = *p++;
    }
    f->value[n] = 0;
    if (n == 0 || (n == 1 && f->value[0] == '-') || f->value[n - 1] == '.') return NULL;
    f->kind = dot ? 2 : 1;
    return p;
}

bool scout_curated_filter_parse(const char *cond, scout_curated_filter *out)
{
    memset(out, 0, sizeof *out);
    const char *p = cond ? parse_ident(skip_space(cond), out->column, sizeof out->column) : NULL;
    if (!p) return false;
    p = skip_space(p);
    const char *e = keyword(p, "is");
    if (e) {
        e = skip_space(e);
        const char *not = keyword(e, "not");
        if (not ) e = skip_space(not );
        if (!(e = keyword(e, "null"))) return false;
        snprintf(out->op, sizeof out->op, "%s", not ? "is not null" : "is null");
        return *skip_space(e) == 0;
    }
    if (!(p = parse_op(p, out->op, sizeof out->op))) return false;
    if (!(p = parse_literal(skip_space(p), out))) return false;
    return *skip_space(p) == 0;
}

/* default_filters: ["is_test = 0", {condition: "...", reason: "..."}] */
static scout_rc add_default_filter(importer *im, const char *fq, const yaml_node_t *n)
{
    static const char *const KEYS[] = {"condition", "reason", NULL};
    const char *cond = scalar(n), *reason = NULL;
    scout_rc rc = SCOUT_OK;
    const yaml_node_t *cn = n;
    if (!cond) {
        if ((rc = check_keys(im, n, "a default filter", KEYS))) return rc;
        cn = map_get(im, n, "condition");
        const yaml_node_t *r = map_get(im, n, "reason");
        if (!cn) return bad(im, n, "default filter needs 'condition'");
        if ((rc = want_str(im, cn, "condition", &cond))) return rc;
        if (r && (rc = want_str(im, r, "reason", &reason))) return rc;
    }
    scout_curated_filter f;
    if (!scout_curated_filter_parse(cond, &f))
        return bad(im, cn,
                   "default filter '%s' must be 'column op value' or 'column is [not] null'", cond);
    if ((rc = check_column(im, cn, fq, f.column))) return rc;
    const char *a[] = {fq, cond, reason, im->file};
    rc = run(im,
             "INSERT INTO curated_filters (fqname, condition, reason, origin_path)"
             " VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET reason = excluded.reason",
             a, 4, im->err);
    if (!rc) im->st->records++;
    return rc;
}

static scout_rc add_default_filters(importer *im, const char *fq, const yaml_node_t *n)
{
    scout_rc rc = want_seq(im, n, "default_filters");
    for (yaml_node_item_t *it = rc ? NULL : n->data.sequence.items.start;
         !rc && it < n->data.sequence.items.top; it++)
        rc = add_default_filter(im, fq, node_at(im, *it));
    return rc;
}

static scout_rc curated_table(importer *im, const yaml_node_t *n)
{
    static const char *const KEYS[] = {
        "table",           "description",     "owner",   "tags",
        "synonyms",        "caveats",         "columns", "deprecated",
        "source_of_truth", "default_filters", NULL};
    scout_rc rc = check_keys(im, n, "a table", KEYS);
    const yaml_node_t *tn = rc ? NULL : map_get(im, n, "table");
    const char *ref = NULL;
    char *fq = NULL;
    if (!rc && !tn) rc = bad(im, n, "table entry needs 'table' (its name)");
    if (!rc) rc = want_str(im, tn, "table", &ref);
    if (!rc) rc = resolve_table(im, tn, ref, &fq);
    const yaml_node_t *sot = rc ? NULL : map_get(im, n, "source_of_truth");
    const yaml_node_t *dep = rc ? NULL : map_get(im, n, "deprecated");
    if (sot && dep && !strcmp(scalar(sot) ? scalar(sot) : "", "true") &&
        strcmp(scalar(dep) ? scalar(dep) : "", "false") != 0)
        rc = bad(im, sot, "a table cannot be both source_of_truth and deprecated");
    if (!rc) rc = set_table_field(im, fq, "origin_path", im->file, im->err);
    for (yaml_node_pair_t *p = rc ? NULL : n->data.mapping.pairs.start;
         !rc && p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(node_at(im, p->key));
        yaml_node_t *v = node_at(im, p->value);
        if (!strcmp(k, "synonyms")) {
            char *json = NULL;
            rc = add_synonyms(im, v, "table", fq, &json);
            if (!rc) rc = set_table_field(im, fq, "synonyms", json, im->err);
            free(json);
        } else if (!strcmp(k, "caveats")) {
            rc = add_caveats(im, fq, NULL, v);
        } else if (!strcmp(k, "default_filters")) {
            rc = add_default_filters(im, fq, v);
        } else if (!strcmp(k, "deprecated")) {
            rc = curated_deprecated(im, fq, v);
        } else if (!strcmp(k, "columns")) {
            rc = want_seq(im, v, k);
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 !rc && it < v->data.sequence.items.top; it++)
                rc = curated_column(im, fq, node_at(im, *it));
        } else {
            rc = curated_table_key(im, fq, k, v);
        }
    }
    free(fq);
    return rc;
}

/* Strings of a mapping, by key, into out[] (NULL when absent). */
static scout_rc read_strings(importer *im, const yaml_node_t *n, const char *const *keys,
                             const char **out)
{
    for (size_t i = 0; keys[i]; i++) {
        const yaml_node_t *v = map_get(im, n, keys[i]);
        out[i] = NULL;
        scout_rc rc = v ? want_str(im, v, keys[i], &out[i]) : SCOUT_OK;
        if (rc) return rc;
    }
    return SCOUT_OK;
}

static scout_rc curated_metric(importer *im, const yaml_node_t *n)
{
    static const char *const KEYS[] = {"name",     "label",       "description", "expression",
                                       "table",    "time_column", "grain",       "filters",
                                       "synonyms", "owner",       NULL};
    static const char *const STR[] = {"name",        "label", "description", "expression", "table",
                                      "time_column", "grain", "owner",       NULL};
    const char *v[9] = {0};
    char *fq = NULL, *filters = NULL;
    scout_rc rc = check_keys(im, n, "a metric", KEYS);
    if (!rc) rc = read_strings(im, n, STR, v);
    if (!rc && (!v[0] || !v[3])) rc = bad(im, n, "metric needs 'name' and 'expression'");
    if (!rc && v[4]) rc = resolve_table(im, map_get(im, n, "table"), v[4], &fq);
    if (!rc && v[5] && fq) rc = check_column(im, map_get(im, n, "time_column"), fq, v[5]);
    const yaml_node_t *f = rc ? NULL : map_get(im, n, "filters");
    if (f) rc = want_list(im, f, "filters", &filters);
    const yaml_node_t *syn = rc ? NULL : map_get(im, n, "synonyms");
    if (syn) rc = add_synonyms(im, syn, "metric", v[0], NULL);
    if (!rc) {
        const char *a[] = {v[0], v[1], v[2], fq, v[3], filters, v[5], v[6], v[7], im->file};
        sqlite3_stmt *st;
        rc = scout_catalog_prepare(im->cat,
                                   "INSERT INTO metrics (name, label, description, table_fqname,"
                                   " expression, filters, time_column, grain, owner, origin,"
                                   " evidence_path) VALUES (?,?,?,?,?,?,?,?,?,'curated',?)",
                                   &st, im->err);
        for (int i = 0; !rc && i < 10; i++) sqlite3_bind_text(st, i + 1, a[i], -1, SQLITE_STATIC);
        int s = rc ? SQLITE_DONE : sqlite3_step(st);
        if (!rc && s == SQLITE_CONSTRAINT)
            rc = bad(im, n, "metric '%s' is defined twice", v[0]);
        else if (!rc && s != SQLITE_DONE)
            rc = scout_catalog_sqlerr(im->cat, im->err, "storing a metric");
        sqlite3_finalize(st);
        if (!rc) im->st->records++;
    }
    free(fq);
    free(filters);
    return rc;
}

static scout_rc curated_query(importer *im, const yaml_node_t *n)
{
    static const char *const KEYS[] = {"question", "sql", "tables", "verified_by", "date", NULL};
    static const char *const STR[] = {"question", "sql", "verified_by", "date", NULL};
    const char *v[4] = {0};
    scout_rc rc = check_keys(im, n, "a verified query", KEYS);
    if (!rc) rc = read_strings(im, n, STR, v);
    if (!rc && (!v[0] || !v[1])) rc = bad(im, n, "verified query needs 'question' and 'sql'");
    json_t *tables = json_array();
    const yaml_node_t *tn = rc ? NULL : map_get(im, n, "tables");
    if (tn) {
        char *list = NULL;
        rc = want_list(im, tn, "tables", &list);
        json_t *a = rc ? NULL : json_loads(list, 0, NULL);
        size_t i;
        json_t *t;
        json_array_foreach(a, i, t)
        {
            char *fq = NULL;
            if (!rc) rc = resolve_table(im, tn, json_string_value(t), &fq);
            if (!rc) json_array_append_new(tables, json_string(fq));
            free(fq);
        }
        json_decref(a);
        free(list);
    }
    char *tj = json_dumps(tables, JSON_COMPACT);
    const char *a[] = {v[0], v[1], tj, v[2], v[3], im->file};
    if (!rc)
        rc = run(im,
                 "INSERT INTO verified_queries (question, sql, tables, author, verified_at,"
                 " origin, evidence_path) VALUES (?, ?, ?, ?, ?, 'curated', ?)",
                 a, 6, im->err);
    if (!rc) im->st->records++;
    free(tj);
    json_decref(tables);
    return rc;
}

/* synonyms: [{term, table|column|metric|value}] */
static scout_rc curated_synonym(importer *im, const yaml_node_t *n)
{
    static const char *const KEYS[] = {"term", "table", "column", "metric", "value", NULL};
    static const char *const STR[] = {"term", "table", "column", "metric", "value", NULL};
    const char *v[5] = {0};
    scout_rc rc = check_keys(im, n, "a synonym", KEYS);
    if (!rc) rc = read_strings(im, n, STR, v);
    int targets = !!v[1] + !!v[2] + !!v[3] + !!v[4];
    if (!rc && (!v[0] || targets != 1))
        rc = bad(im, n, "synonym needs 'term' and exactly one of table, column, metric, value");
    if (rc) return rc;
    char *fq = NULL;
    if (v[1]) {
        rc = resolve_table(im, map_get(im, n, "table"), v[1], &fq);
        if (!rc) rc = add_synonym(im, v[0], "table", fq, "curated", im->err);
    } else if (v[2]) {
        /* table.column: the table part resolves like any table reference. */
        const char *dot = strrchr(v[2], '.');
        char *tref = dot ? strndup(v[2], (size_t)(dot - v[2])) : NULL;
        const yaml_node_t *cn = map_get(im, n, "column");
        rc = tref ? resolve_table(im, cn, tref, &fq)
                  : bad(im, cn, "column synonym must name table.column");
        if (!rc) rc = check_column(im, cn, fq, dot + 1);
        scout_buf t = SCOUT_BUF_INIT;
        scout_buf_printf(&t, "%s.%s", fq ? fq : "", dot ? dot + 1 : "");
        if (!rc) rc = add_synonym(im, v[0], "column", scout_buf_cstr(&t), "curated", im->err);
        scout_buf_free(&t);
        free(tref);
    } else {
        rc = add_synonym(im, v[0], v[3] ? "metric" : "value", v[3] ? v[3] : v[4], "curated",
                         im->err);
    }
    if (!rc) im->st->records++;
    free(fq);
    return rc;
}

typedef scout_rc (*entry_fn)(importer *im, const yaml_node_t *n);

static scout_rc each_entry(importer *im, const yaml_node_t *list, const char *key, entry_fn fn)
{
    scout_rc rc = want_seq(im, list, key);
    for (yaml_node_item_t *it = rc ? NULL : list->data.sequence.items.start;
         !rc && it < list->data.sequence.items.top; it++)
        rc = fn(im, node_at(im, *it));
    return rc;
}

static scout_rc curated_document(importer *im, const yaml_node_t *root)
{
    static const char *const KEYS[] = {"version",          "tables",   "metrics",
                                       "verified_queries", "synonyms", NULL};
    if (!root) return SCOUT_OK; /* an empty file */
    scout_rc rc = check_keys(im, root, "the file", KEYS);
    const yaml_node_t *v;
    if (!rc && (v = map_get(im, root, "tables"))) rc = each_entry(im, v, "tables", curated_table);
    if (!rc && (v = map_get(im, root, "metrics")))
        rc = each_entry(im, v, "metrics", curated_metric);
    if (!rc && (v = map_get(im, root, "verified_queries")))
        rc = each_entry(im, v, "verified_queries", curated_query);
    if (!rc && (v = map_get(im, root, "synonyms")))
        rc = each_entry(im, v, "synonyms", curated_synonym);
    return rc;
}

/* Parses and stores one file; on a file error its rows are rolled back. */
static scout_rc curated_file(importer *im, const char *path, scout_err *err)
{
    scout_err ferr = {0};
    scout_buf b;
    scout_buf_init(&b, CURATED_FILE_MAX);
    im->st->files++;
    im->file = path;
    im->err = &ferr;
    scout_rc rc = scout_buf_read_file(&b, path, &ferr);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    bool loaded = false;
    if (!rc) {
        yaml_parser_set_input_string(&parser, (const unsigned char *)scout_buf_cstr(&b), b.len);
        loaded = yaml_parser_load(&parser, &doc);
        if (!loaded)
            rc = scout_err_set(
                &ferr, SCOUT_EUSER, "%s:%d: yaml syntax error: %s%s%s (line %d)", path,
                (int)parser.problem_mark.line + 1, parser.problem ? parser.problem : "unreadable",
                parser.context ? " " : "", parser.context ? parser.context : "",
                (int)(parser.context ? parser.context_mark.line : parser.problem_mark.line) + 1);
    }
    int64_t records = im->st->records;
    if (!rc && !(rc = scout_catalog_exec(im->cat, "SAVEPOINT curated_file", err))) {
        im->doc = &doc; /* cppcheck-suppress autoVariables ; cleared below */
        rc = curated_document(im, yaml_document_get_root_node(&doc));
        im->doc = NULL;
        if (rc && rc != SCOUT_ESQL && rc != SCOUT_ENOMEM) {
            scout_catalog_exec(im->cat, "ROLLBACK TO curated_file", NULL);
            im->st->records = records;
        }
        scout_catalog_exec(im->cat, "RELEASE curated_file", NULL);
    }
    if (loaded) yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    scout_buf_free(&b);
    im->err = NULL;
    if (rc == SCOUT_ESQL || rc == SCOUT_ENOMEM) {
        *err = ferr;
        return rc;
    }
    if (rc) {
        scout_warn("%s", ferr.msg);
        im->st->errors++;
    }
    return record_file(im, path, "curated", rc ? ferr.msg : NULL);
}

static bool is_yaml(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.yaml / *.yml under dir (recursively), in name order. */
static scout_rc curated_dir(importer *im, const char *dir, int depth, scout_err *err)
{
    DIR *d = depth < 16 ? opendir(dir) : NULL;
    if (!d) return SCOUT_OK;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char **nv = realloc(names, (n + 1) * sizeof *nv);
        if (!nv) break;
        names = nv;
        if ((names[n] = strdup(e->d_name))) n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_name);
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < n; i++) {
        char *path = scout_path_join(dir, names[i]);
        if (!rc && path && scout_path_is_dir(path))
            rc = curated_dir(im, path, depth + 1, err);
        else if (!rc && path && is_yaml(names[i]))
            rc = curated_file(im, path, err);
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* ---------- the import ---------- */

static scout_rc import_all(importer *im, const char *home_context_dir, scout_err *err)
{
    scout_rc rc = forget_previous(im, err);
    for (size_t i = 0; !rc && i < im->cfg->context.dbt.n; i++)
        rc = import_dbt(im, im->cfg->context.dbt.v[i], err);
    for (size_t i = 0; !rc && i < im->cfg->context.curated.n; i++)
        rc = curated_dir(im, im->cfg->context.curated.v[i], 0, err);
    if (!rc && home_context_dir) rc = curated_dir(im, home_context_dir, 0, err);
    if (!rc) rc = scout_curated_apply(im->cat, err);
    return rc;
}

scout_rc scout_curated_import(scout_catalog *cat, const scout_config *cfg,
                              const char *home_context_dir, scout_layer_stats *st, scout_err *err)
{
    double t0 = scout_now_ms();
    scout_layer_stats local = {0};
    if (!st) st = &local;
    memset(st, 0, sizeof *st);
    importer im = {.cat = cat, .cfg = cfg, .st = st};
    /* One transaction: readers see the old layer 2 or the new one, never half. */
    scout_rc rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err);
    if (!rc) rc = import_all(&im, home_context_dir, err);
    if (!rc) rc = scout_catalog_exec(cat, "COMMIT", err);
    if (rc) {
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
        scout_err_prefix(err, "curated import");
    }
    free_cache(&im);
    for (size_t i = 0; i < im.n_dbt; i++) scout_dbt_free(im.dbt[i]);
    free(im.dbt);
    st->elapsed_ms = scout_now_ms() - t0;
    return rc;
}
