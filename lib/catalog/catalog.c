/* catalog.c — opening and migrating catalog.db, counts, table listing and
 * reference resolution. The crawl lives in crawl.c, cards in card.c.
 *
 * catalog.db schema (PRAGMA user_version = 1). WAL mode, foreign keys on.
 * Tables the crawl (layer 1) owns are keyed by row id with ON DELETE CASCADE,
 * so removing a table removes its columns, statistics and declared FKs.
 * Everything later layers derive from code, docs or query logs refers to
 * tables *by fqname* (source.schema.table) instead: those facts may name a
 * table before the crawl has seen it (or one that is never crawled), and a
 * re-crawl must never wipe them.
 *
 *   sources            one row per configured warehouse source
 *                      (name, kind, description, restricted, indexed_at)
 *   tables             layer 1: fqname UNIQUE, source_id, source, schema_name,
 *                      name, is_view, comment, create_sql, row_count,
 *                      n_columns, fingerprint, freshness, freshness_column,
 *                      sampled, sample_rows, crawled_at, crawl_ms, crawl_error;
 *                      layers 2/3 (never written by the crawl): description,
 *                      description_source, owner, trust
 *                      (source_of_truth|normal|deprecated), trust_reason,
 *                      deprecated_by (replacement fqname), grain, pipeline_path,
 *                      filters, tags (JSON array); usage (query-history):
 *                      query_count, user_count, last_queried_at, usage_score
 *   columns            per table column: ordinal, name, type, not_null, pk
 *                      (1-based position, 0 = not in the PK); statistics:
 *                      null_count, null_rate, distinct_estimate,
 *                      distinct_sampled, min_value, max_value, sampled;
 *                      layer 2: description, description_source, synonyms
 *                      (JSON array), semantic_type (time|dimension|measure|id)
 *   column_top_values  top-k values of low-cardinality text columns
 *                      (column_id, rank, value, count)
 *   foreign_keys       declared FKs (table_id, seq, from_column, to_schema,
 *                      to_table, to_column, to_fqname)
 *   lineage_edges      layer 3: from_fqname/from_column -> to_fqname/to_column
 *                      (column NULL = table-level edge), kind, transform,
 *                      origin, evidence_path, evidence_line
 *   join_keys          layer 3: left/right fqname + column, cardinality,
 *                      origin (declared_fk|code|yaml|inferred), confidence, evidence
 *   metrics            layer 2: curated metrics (name UNIQUE, label, description,
 *                      table_fqname, expression, filters, time_column, grain, owner)
 *   verified_queries   layer 2: question, sql, tables (JSON), author, verified_at
 *   caveats            layer 2/3: fqname, column_name, text, severity
 *                      (info|warn|critical), origin, evidence_path
 *   synonyms           layer 2: term -> target_kind (table|column|metric|value), target
 *   knowledge_docs     layer 4: uri UNIQUE, kind (markdown|notion|gdoc|slack),
 *                      title, author, channel, content_hash, acl_public,
 *                      acl_groups / acl_users (JSON arrays), created_at, updated_at
 *   knowledge_chunks   layer 4: doc_id, ordinal, heading, text, tokens, with the
 *                      document's ACL copied in so retrieval filters without a join
 *   chunk_mentions     layer 4: which tables/columns a chunk names
 *   query_clusters     query history: fingerprint UNIQUE, normalized_sql,
 *                      example_sql, tier (canonical|trusted|adhoc|noise),
 *                      tier_reason, run_count, user_count, dashboard, first/last_seen
 *   cluster_tables     query history: cluster_id -> fqname (+ columns JSON)
 *   memories           layer 5: scope (global|team|personal), owner, team,
 *                      status (proposed|confirmed|rejected|archived), kind, text,
 *                      fqname, column_name, session_id, created_by, timestamps
 *   context_files      layers 2/4: every curated file read (path PRIMARY KEY,
 *                      kind, layer, content_hash, mtime, loaded_at, error)
 *   index_runs         one row per `scout index` run with its counts
 *
 * Layer 6 (live probes) runs at question time and stores nothing here. */
#include "catalog/catalog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/fsutil.h"

/* Migration steps, applied in order; user_version = number applied. Later
 * issues append steps and never edit a shipped one. */
static const char *const MIGRATIONS[] = {
    /* 1: all six layers' tables. */
    "CREATE TABLE sources ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL,"
    "  description TEXT,"
    "  restricted INTEGER NOT NULL DEFAULT 0,"
    "  indexed_at TEXT);"
    "CREATE TABLE tables ("
    "  id INTEGER PRIMARY KEY,"
    "  fqname TEXT NOT NULL UNIQUE,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  source TEXT NOT NULL,"
    "  schema_name TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  is_view INTEGER NOT NULL DEFAULT 0,"
    "  comment TEXT,"
    "  create_sql TEXT,"
    "  row_count INTEGER,"
    "  n_columns INTEGER NOT NULL DEFAULT 0,"
    "  fingerprint TEXT,"
    "  freshness TEXT,"
    "  freshness_column TEXT,"
    "  sampled INTEGER NOT NULL DEFAULT 0,"
    "  sample_rows INTEGER,"
    "  crawled_at TEXT,"
    "  crawl_ms REAL,"
    "  crawl_error TEXT,"
    "  description TEXT,"
    "  description_source TEXT,"
    "  owner TEXT,"
    "  trust TEXT NOT NULL DEFAULT 'normal'"
    "    CHECK (trust IN ('source_of_truth','normal','deprecated')),"
    "  trust_reason TEXT,"
    "  deprecated_by TEXT,"
    "  grain TEXT,"
    "  pipeline_path TEXT,"
    "  filters TEXT,"
    "  tags TEXT,"
    "  query_count INTEGER NOT NULL DEFAULT 0,"
    "  user_count INTEGER NOT NULL DEFAULT 0,"
    "  last_queried_at TEXT,"
    "  usage_score REAL NOT NULL DEFAULT 0);"
    "CREATE INDEX tables_name ON tables(name COLLATE NOCASE);"
    "CREATE INDEX tables_source ON tables(source_id);"
    "CREATE TABLE columns ("
    "  id INTEGER PRIMARY KEY,"
    "  table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  type TEXT,"
    "  not_null INTEGER NOT NULL DEFAULT 0,"
    "  pk INTEGER NOT NULL DEFAULT 0,"
    "  null_count INTEGER,"
    "  null_rate REAL,"
    "  distinct_estimate INTEGER,"
    "  distinct_sampled INTEGER NOT NULL DEFAULT 0,"
    "  min_value TEXT,"
    "  max_value TEXT,"
    "  sampled INTEGER NOT NULL DEFAULT 0,"
    "  description TEXT,"
    "  description_source TEXT,"
    "  synonyms TEXT,"
    "  semantic_type TEXT,"
    "  UNIQUE (table_id, name));"
    "CREATE TABLE column_top_values ("
    "  column_id INTEGER NOT NULL REFERENCES columns(id) ON DELETE CASCADE,"
    "  rank INTEGER NOT NULL,"
    "  value TEXT NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  PRIMARY KEY (column_id, rank));"
    "CREATE TABLE foreign_keys ("
    "  id INTEGER PRIMARY KEY,"
    "  table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  from_column TEXT NOT NULL,"
    "  to_schema TEXT,"
    "  to_table TEXT NOT NULL,"
    "  to_column TEXT,"
    "  to_fqname TEXT);"
    "CREATE INDEX foreign_keys_table ON foreign_keys(table_id);"
    "CREATE INDEX foreign_keys_to ON foreign_keys(to_fqname);"
    "CREATE TABLE lineage_edges ("
    "  id INTEGER PRIMARY KEY,"
    "  from_fqname TEXT NOT NULL,"
    "  from_column TEXT,"
    "  to_fqname TEXT NOT NULL,"
    "  to_column TEXT,"
    "  kind TEXT,"
    "  transform TEXT,"
    "  origin TEXT,"
    "  evidence_path TEXT,"
    "  evidence_line INTEGER);"
    "CREATE INDEX lineage_from ON lineage_edges(from_fqname);"
    "CREATE INDEX lineage_to ON lineage_edges(to_fqname);"
    "CREATE TABLE join_keys ("
    "  id INTEGER PRIMARY KEY,"
    "  left_fqname TEXT NOT NULL,"
    "  left_column TEXT NOT NULL,"
    "  right_fqname TEXT NOT NULL,"
    "  right_column TEXT NOT NULL,"
    "  cardinality TEXT,"
    "  origin TEXT,"
    "  confidence REAL,"
    "  evidence TEXT);"
    "CREATE INDEX join_keys_left ON join_keys(left_fqname);"
    "CREATE INDEX join_keys_right ON join_keys(right_fqname);"
    "CREATE TABLE metrics ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  label TEXT,"
    "  description TEXT,"
    "  table_fqname TEXT,"
    "  expression TEXT NOT NULL,"
    "  filters TEXT,"
    "  time_column TEXT,"
    "  grain TEXT,"
    "  owner TEXT,"
    "  origin TEXT,"
    "  evidence_path TEXT);"
    "CREATE TABLE verified_queries ("
    "  id INTEGER PRIMARY KEY,"
    "  question TEXT NOT NULL,"
    "  sql TEXT NOT NULL,"
    "  tables TEXT,"
    "  author TEXT,"
    "  verified_at TEXT,"
    "  origin TEXT,"
    "  evidence_path TEXT);"
    "CREATE TABLE caveats ("
    "  id INTEGER PRIMARY KEY,"
    "  fqname TEXT,"
    "  column_name TEXT,"
    "  text TEXT NOT NULL,"
    "  severity TEXT NOT NULL DEFAULT 'info' CHECK (severity IN ('info','warn','critical')),"
    "  origin TEXT,"
    "  evidence_path TEXT);"
    "CREATE INDEX caveats_fqname ON caveats(fqname);"
    "CREATE TABLE synonyms ("
    "  id INTEGER PRIMARY KEY,"
    "  term TEXT NOT NULL,"
    "  target_kind TEXT NOT NULL CHECK (target_kind IN ('table','column','metric','value')),"
    "  target TEXT NOT NULL,"
    "  origin TEXT,"
    "  UNIQUE (term, target_kind, target));"
    "CREATE TABLE knowledge_docs ("
    "  id INTEGER PRIMARY KEY,"
    "  uri TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL,"
    "  title TEXT,"
    "  author TEXT,"
    "  channel TEXT,"
    "  content_hash TEXT,"
    "  acl_public INTEGER NOT NULL DEFAULT 0,"
    "  acl_groups TEXT,"
    "  acl_users TEXT,"
    "  created_at TEXT,"
    "  updated_at TEXT,"
    "  indexed_at TEXT);"
    "CREATE TABLE knowledge_chunks ("
    "  id INTEGER PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL REFERENCES knowledge_docs(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL,"
    "  heading TEXT,"
    "  text TEXT NOT NULL,"
    "  tokens INTEGER,"
    "  acl_public INTEGER NOT NULL DEFAULT 0,"
    "  acl_groups TEXT,"
    "  acl_users TEXT,"
    "  UNIQUE (doc_id, ordinal));"
    "CREATE TABLE chunk_mentions ("
    "  chunk_id INTEGER NOT NULL REFERENCES knowledge_chunks(id) ON DELETE CASCADE,"
    "  fqname TEXT NOT NULL,"
    "  column_name TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (chunk_id, fqname, column_name));"
    "CREATE INDEX chunk_mentions_fqname ON chunk_mentions(fqname);"
    "CREATE TABLE query_clusters ("
    "  id INTEGER PRIMARY KEY,"
    "  fingerprint TEXT NOT NULL UNIQUE,"
    "  normalized_sql TEXT,"
    "  example_sql TEXT,"
    "  tier TEXT NOT NULL DEFAULT 'adhoc'"
    "    CHECK (tier IN ('canonical','trusted','adhoc','noise')),"
    "  tier_reason TEXT,"
    "  run_count INTEGER NOT NULL DEFAULT 0,"
    "  user_count INTEGER NOT NULL DEFAULT 0,"
    "  dashboard TEXT,"
    "  first_seen TEXT,"
    "  last_seen TEXT);"
    "CREATE TABLE cluster_tables ("
    "  cluster_id INTEGER NOT NULL REFERENCES query_clusters(id) ON DELETE CASCADE,"
    "  fqname TEXT NOT NULL,"
    "  columns TEXT,"
    "  PRIMARY KEY (cluster_id, fqname));"
    "CREATE INDEX cluster_tables_fqname ON cluster_tables(fqname);"
    "CREATE TABLE memories ("
    "  id INTEGER PRIMARY KEY,"
    "  scope TEXT NOT NULL CHECK (scope IN ('global','team','personal')),"
    "  owner TEXT,"
    "  team TEXT,"
    "  status TEXT NOT NULL DEFAULT 'proposed'"
    "    CHECK (status IN ('proposed','confirmed','rejected','archived')),"
    "  kind TEXT,"
    "  text TEXT NOT NULL,"
    "  fqname TEXT,"
    "  column_name TEXT,"
    "  session_id TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  updated_at TEXT,"
    "  confirmed_at TEXT);"
    "CREATE TABLE context_files ("
    "  path TEXT PRIMARY KEY,"
    "  kind TEXT,"
    "  layer INTEGER,"
    "  content_hash TEXT,"
    "  mtime INTEGER,"
    "  loaded_at TEXT,"
    "  error TEXT);"
    "CREATE TABLE index_runs ("
    "  id INTEGER PRIMARY KEY,"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT,"
    "  tables_seen INTEGER,"
    "  tables_crawled INTEGER,"
    "  tables_skipped INTEGER,"
    "  tables_removed INTEGER,"
    "  elapsed_ms REAL);",
};

#define N_MIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

scout_rc scout_catalog_sqlerr(scout_catalog *cat, scout_err *err, const char *what)
{
    return scout_err_set(err, SCOUT_ESQL, "%s: %s", what, sqlite3_errmsg(cat->db));
}

scout_rc scout_catalog_exec(scout_catalog *cat, const char *sql, scout_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(cat->db, sql, NULL, NULL, &msg) == SQLITE_OK) return SCOUT_OK;
    scout_rc rc = scout_err_set(err, SCOUT_ESQL, "catalog statement failed: %s",
                                msg ? msg : sqlite3_errmsg(cat->db));
    sqlite3_free(msg);
    return rc;
}

scout_rc scout_catalog_prepare(scout_catalog *cat, const char *sql, sqlite3_stmt **st,
                               scout_err *err)
{
    if (sqlite3_prepare_v2(cat->db, sql, -1, st, NULL) == SQLITE_OK) return SCOUT_OK;
    *st = NULL;
    return scout_catalog_sqlerr(cat, err, "catalog query failed to prepare");
}

const char *scout_catalog_col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

scout_rc scout_catalog_table_id(scout_catalog *cat, const char *fqname, int64_t *id, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, "SELECT id FROM tables WHERE fqname = ?", &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, fqname, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = SCOUT_OK;
    } else if (s == SQLITE_DONE) {
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "table '%s' is not in the catalog", fqname);
    } else {
        rc = scout_catalog_sqlerr(cat, err, "looking up a table");
    }
    sqlite3_finalize(st);
    return rc;
}

static scout_rc user_version(scout_catalog *cat, int *v, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, "PRAGMA user_version", &st, err);
    if (rc) return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *v = sqlite3_column_int(st, 0);
    else
        rc = scout_catalog_sqlerr(cat, err, "reading the catalog version");
    sqlite3_finalize(st);
    return rc;
}

/* Applies every migration newer than the file's user_version, each in its own
 * transaction with the version bump, so a crash leaves a consistent version. */
static scout_rc migrate(scout_catalog *cat, scout_err *err)
{
    int v = 0;
    scout_rc rc = user_version(cat, &v, err);
    if (rc) return rc;
    if (v > N_MIGRATIONS)
        return scout_err_set(err, SCOUT_EUSER,
                             "catalog version %d is newer than this scout (%d): upgrade scout", v,
                             N_MIGRATIONS);
    for (; v < N_MIGRATIONS; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", v + 1);
        if ((rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err))) return rc;
        if ((rc = scout_catalog_exec(cat, MIGRATIONS[v], err)) ||
            (rc = scout_catalog_exec(cat, bump, err)) ||
            (rc = scout_catalog_exec(cat, "COMMIT", err))) {
            sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
            return scout_err_prefix(err, "migrating the catalog to version %d", v + 1);
        }
    }
    return SCOUT_OK;
}

/* Each layer module owns the DDL of its extra tables; all of it is idempotent. */
static scout_rc layer_schemas(scout_catalog *cat, scout_err *err)
{
    const char *const schemas[] = {scout_curated_schema, scout_lineage_schema,
                                   scout_knowledge_schema, scout_history_schema,
                                   scout_memory_schema};
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        scout_rc rc = schemas[i][0] ? scout_catalog_exec(cat, schemas[i], err) : SCOUT_OK;
        if (rc) return rc;
    }
    return SCOUT_OK;
}

scout_rc scout_catalog_open(const char *path, scout_catalog **out, scout_err *err)
{
    *out = NULL;
    scout_catalog *cat = calloc(1, sizeof *cat);
    if (!cat) return scout_err_set(err, SCOUT_ENOMEM, "out of memory opening the catalog");
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &cat->db, flags, NULL) != SQLITE_OK) {
        scout_err_set(err, SCOUT_EIO, "cannot open catalog %s: %s", path,
                      cat->db ? sqlite3_errmsg(cat->db) : "out of memory");
        scout_catalog_close(cat);
        return SCOUT_EIO;
    }
    /* Several scout processes (CLI, server) may share one catalog: wait on
     * locks instead of failing, and let readers proceed during a crawl. */
    sqlite3_busy_timeout(cat->db, 5000);
    scout_rc rc = scout_catalog_exec(cat,
                                     "PRAGMA journal_mode = WAL;"
                                     "PRAGMA synchronous = NORMAL;"
                                     "PRAGMA foreign_keys = ON;",
                                     err);
    if (!rc) rc = migrate(cat, err);
    if (!rc) rc = layer_schemas(cat, err);
    if (rc) {
        scout_err_prefix(err, "catalog %s", path);
        scout_catalog_close(cat);
        return rc;
    }
    *out = cat;
    return SCOUT_OK;
}

void scout_catalog_close(scout_catalog *cat)
{
    if (!cat) return;
    sqlite3_close(cat->db);
    free(cat);
}

static scout_rc count_into(scout_catalog *cat, const char *sql, int64_t *out, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, sql, &st, err);
    if (rc) return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = scout_catalog_sqlerr(cat, err, "counting catalog rows");
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_catalog_counts_get(scout_catalog *cat, scout_catalog_counts *out, scout_err *err)
{
    memset(out, 0, sizeof *out);
    const struct {
        const char *sql;
        int64_t *dst;
    } q[] = {
        {"SELECT count(*) FROM tables", &out->tables},
        {"SELECT count(*) FROM columns", &out->columns},
        {"SELECT count(*) FROM tables WHERE trim(coalesce(description, '')) <> ''",
         &out->described_tables},
        {"SELECT count(*) FROM lineage_edges", &out->lineage_edges},
        {"SELECT count(*) FROM join_keys", &out->join_keys},
        {"SELECT count(*) FROM knowledge_chunks", &out->knowledge_chunks},
        {"SELECT count(*) FROM query_clusters WHERE tier = 'canonical'",
         &out->query_clusters_canonical},
        {"SELECT count(*) FROM query_clusters WHERE tier = 'trusted'",
         &out->query_clusters_trusted},
        {"SELECT count(*) FROM query_clusters WHERE tier = 'adhoc'", &out->query_clusters_adhoc},
        {"SELECT count(*) FROM query_clusters WHERE tier = 'noise'", &out->query_clusters_noise},
        {"SELECT count(*) FROM memories", &out->memories},
        {"SELECT count(*) FROM context_files WHERE error IS NOT NULL", &out->context_file_errors},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        scout_rc rc = count_into(cat, q[i].sql, q[i].dst, err);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* A plain word (no '.', '*' or '?') matches as a case-insensitive substring of
 * the table name; a glob matches the fqname, schema.name or the bare name, so
 * "mart.rev*" and "rev*" work without spelling out the source. */
static bool pattern_matches(const char *pat, const char *fqname, const char *schema,
                            const char *name)
{
    if (!pat || !*pat) return true;
    if (!strpbrk(pat, ".*?")) {
        size_t pl = strlen(pat), nl = strlen(name);
        for (size_t i = 0; i + pl <= nl; i++)
            if (strncasecmp(name + i, pat, pl) == 0) return true;
        return false;
    }
    if (scout_glob_match(pat, fqname) || scout_glob_match(pat, name)) return true;
    char sn[1024];
    snprintf(sn, sizeof sn, "%s.%s", schema, name);
    return scout_glob_match(pat, sn);
}

scout_rc scout_catalog_list_tables(scout_catalog *cat, const char *pattern, scout_table_fn fn,
                                   void *ud, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat,
                                        "SELECT fqname, source, schema_name, name, is_view, "
                                        "coalesce(row_count, 0), n_columns, freshness "
                                        "FROM tables ORDER BY fqname",
                                        &st, err);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        scout_table_summary t = {
            .fqname = scout_catalog_col_text(st, 0),
            .source = scout_catalog_col_text(st, 1),
            .schema = scout_catalog_col_text(st, 2),
            .name = scout_catalog_col_text(st, 3),
            .is_view = sqlite3_column_int(st, 4) != 0,
            .row_count = sqlite3_column_int64(st, 5),
            .n_columns = sqlite3_column_int64(st, 6),
            .freshness = scout_catalog_col_text(st, 7),
        };
        if (!pattern_matches(pattern, t.fqname, t.schema, t.name)) continue;
        if (fn(ud, &t)) break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE) rc = scout_catalog_sqlerr(cat, err, "listing tables");
    sqlite3_finalize(st);
    return rc;
}

/* Splits ref on '.' into at most 3 parts (copied into parts[], each < cap). */
static int split_ref(const char *ref, char parts[3][256])
{
    int n = 0;
    const char *p = ref;
    while (n < 3) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len >= 256) return -1;
        memcpy(parts[n], p, len);
        parts[n][len] = '\0';
        n++;
        if (!dot) return n;
        p = dot + 1;
    }
    return -1; /* more than three parts */
}

/* Collects up to 2 matching fqnames (enough to detect ambiguity) plus a
 * comma-separated list of up to 10 candidates for the error message. */
typedef struct resolve_acc {
    int n;
    char *first;
    scout_buf names;
} resolve_acc;

static scout_rc resolve_query(scout_catalog *cat, const char *where, char parts[3][256], int np,
                              resolve_acc *acc, scout_err *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT fqname FROM tables WHERE %s ORDER BY fqname", where);
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, sql, &st, err);
    if (rc) return rc;
    for (int i = 0; i < np; i++) sqlite3_bind_text(st, i + 1, parts[i], -1, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *fq = scout_catalog_col_text(st, 0);
        if (acc->n == 0) acc->first = scout_strdup(fq);
        if (acc->n < 10) scout_buf_printf(&acc->names, "%s%s", acc->n ? ", " : "", fq);
        acc->n++;
    }
    if (s != SQLITE_DONE) rc = scout_catalog_sqlerr(cat, err, "resolving a table");
    sqlite3_finalize(st);
    return rc;
}

scout_rc scout_catalog_resolve(scout_catalog *cat, const char *ref, char **fqname, scout_err *err)
{
    *fqname = NULL;
    char parts[3][256];
    int np = ref && *ref ? split_ref(ref, parts) : -1;
    if (np < 1 || np > 3)
        return scout_err_set(err, SCOUT_EUSER, "bad table reference '%s'", ref ? ref : "");
    static const char *const WHERE[] = {
        "name = ?1 COLLATE NOCASE",
        "schema_name = ?1 COLLATE NOCASE AND name = ?2 COLLATE NOCASE",
        "source = ?1 COLLATE NOCASE AND schema_name = ?2 COLLATE NOCASE"
        " AND name = ?3 COLLATE NOCASE",
    };
    resolve_acc acc = {0, NULL, SCOUT_BUF_INIT};
    scout_rc rc = resolve_query(cat, WHERE[np - 1], parts, np, &acc, err);
    /* "source.table" is a natural shorthand when the schema is the default one. */
    if (!rc && acc.n == 0 && np == 2)
        rc = resolve_query(cat, "source = ?1 COLLATE NOCASE AND name = ?2 COLLATE NOCASE", parts,
                           np, &acc, err);
    if (!rc && acc.n == 0)
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "no table matches '%s' (try `scout tables %s`)",
                           ref, parts[np - 1]);
    else if (!rc && acc.n > 1)
        rc = scout_err_set(err, SCOUT_EUSER, "'%s' is ambiguous: %d tables match (%s%s)", ref,
                           acc.n, scout_buf_cstr(&acc.names), acc.n > 10 ? ", ..." : "");
    if (!rc) {
        *fqname = acc.first;
        acc.first = NULL;
        if (!*fqname) rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory resolving a table");
    }
    free(acc.first);
    scout_buf_free(&acc.names);
    return rc;
}

scout_rc scout_principal_from_config(const scout_config *cfg, const char *name, scout_principal *p,
                                     scout_err *err)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; cfg && i < cfg->n_users; i++) {
        const scout_user_cfg *u = &cfg->users[i];
        if (strcmp(u->name, name) != 0) continue;
        p->user = u->name;
        p->email = u->email;
        p->groups = (const char *const *)u->groups;
        p->n_groups = u->n_groups;
        p->admin = u->admin;
        return SCOUT_OK;
    }
    return scout_err_set(err, SCOUT_ENOTFOUND, "unknown user '%s' (not in scout.yaml users)", name);
}

bool scout_principal_in_group(const scout_principal *p, const char *group)
{
    if (!p) return false;
    if (p->admin) return true;
    for (size_t i = 0; i < p->n_groups; i++)
        if (!strcmp(p->groups[i], group)) return true;
    return false;
}

scout_rc scout_catalog_context_errors(scout_catalog *cat, scout_context_error_fn fn, void *ud,
                                      scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        cat, "SELECT path, error FROM context_files WHERE error IS NOT NULL ORDER BY path", &st,
        err);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ud, scout_catalog_col_text(st, 0), scout_catalog_col_text(st, 1))) break;
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = scout_catalog_sqlerr(cat, err, "listing context errors");
    sqlite3_finalize(st);
    return rc;
}

struct sqlite3 *scout_catalog_db(scout_catalog *cat)
{
    return cat->db;
}
