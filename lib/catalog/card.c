/* card.c — table cards: everything the catalog knows about one table, as one
 * JSON object (the single source both text forms are rendered from) and as
 * readable text. The short form is what search shows and a model reads
 * first, so it is held to SHORT_BUDGET tokens by dropping the least useful
 * lines and list items first. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "catalog/catalog_int.h"
#include "catalog/knowledge.h"
#include "catalog/memory.h"

#define SHORT_BUDGET    200 /* tokens, by scout_estimate_tokens */
#define SHORT_DESC_MAX  240 /* bytes of description in the short form */
#define SHORT_DIMS      4   /* dimension columns shown in the short form */
#define SHORT_TOPS      3   /* top values per dimension in the short form */
#define SHORT_VALUE_MAX 24  /* bytes of one top value in the short form */

size_t scout_estimate_tokens(const char *text)
{
    size_t tokens = 0, word = 0;
    for (const char *p = text ? text : "";; p++) {
        bool space = *p == '\0' || *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
        if (!space) {
            word++;
            continue;
        }
        if (word) tokens += (word + 3) / 4;
        word = 0;
        if (!*p) break;
    }
    return tokens;
}

/* ---------- loading the card as JSON ---------- */

static json_t *col_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        return json_null();
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, i));
    default:
        return json_string(scout_catalog_col_text(st, i));
    }
}

static json_t *col_bool(sqlite3_stmt *st, int i)
{
    return json_boolean(sqlite3_column_int(st, i) != 0);
}

/* Runs sql (binding ?1 = key) and appends one object per row, keys from names[]. */
static scout_rc load_rows(scout_catalog *cat, const char *sql, int64_t id, const char *text_key,
                          const char *const *names, size_t n, json_t *arr, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, sql, &st, err);
    if (rc) return rc;
    if (text_key)
        sqlite3_bind_text(st, 1, text_key, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        for (size_t i = 0; i < n; i++) json_object_set_new(o, names[i], col_json(st, (int)i));
        json_array_append_new(arr, o);
    }
    if (s != SQLITE_DONE) rc = scout_catalog_sqlerr(cat, err, "reading a card");
    sqlite3_finalize(st);
    return rc;
}

static const char SQL_CARD_TABLE[] =
    "SELECT id, fqname, source, schema_name, name, is_view, row_count, n_columns, freshness,"
    " freshness_column, sampled, sample_rows, fingerprint, crawled_at, crawl_ms, crawl_error,"
    " comment, description, description_source, owner, trust, trust_reason, deprecated_by,"
    " grain, tags, query_count, last_queried_at, create_sql, filters, user_count, pipeline_path"
    " FROM tables WHERE fqname = ?";

static scout_rc load_table(scout_catalog *cat, const char *fqname, json_t *card, int64_t *id,
                           scout_err *err)
{
    static const char *const NAMES[] = {NULL,
                                        "fqname",
                                        "source",
                                        "schema",
                                        "name",
                                        NULL,
                                        "row_count",
                                        "n_columns",
                                        "freshness",
                                        "freshness_column",
                                        NULL,
                                        "sample_rows",
                                        "fingerprint",
                                        "crawled_at",
                                        "crawl_ms",
                                        "crawl_error",
                                        "comment",
                                        "description",
                                        "description_source",
                                        "owner",
                                        "trust",
                                        "trust_reason",
                                        "deprecated_by",
                                        "grain",
                                        "tags",
                                        "query_count",
                                        "last_queried_at",
                                        "create_sql",
                                        "filters",
                                        "user_count",
                                        "pipeline_path"};
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(cat, SQL_CARD_TABLE, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, fqname, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        for (int i = 0; i < (int)(sizeof NAMES / sizeof NAMES[0]); i++)
            if (NAMES[i]) json_object_set_new(card, NAMES[i], col_json(st, i));
        json_object_set_new(card, "kind",
                            json_string(sqlite3_column_int(st, 5) ? "view" : "table"));
        json_object_set_new(card, "sampled", col_bool(st, 10));
        /* tags are stored as a JSON array; hand them on as one. */
        json_t *tags = sqlite3_column_type(st, 24) == SQLITE_NULL
                           ? NULL
                           : json_loads(scout_catalog_col_text(st, 24), 0, NULL);
        json_object_set_new(card, "tags", tags ? tags : json_array());
    } else if (s == SQLITE_DONE) {
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "table '%s' is not in the catalog", fqname);
    } else {
        rc = scout_catalog_sqlerr(cat, err, "reading a card");
    }
    sqlite3_finalize(st);
    return rc;
}

static scout_rc load_top_values(scout_catalog *cat, int64_t col_id, json_t *col, scout_err *err)
{
    static const char *const NAMES[] = {"value", "count"};
    json_t *arr = json_array();
    json_object_set_new(col, "top_values", arr);
    return load_rows(
        cat, "SELECT value, count FROM column_top_values WHERE column_id = ?1 ORDER BY rank",
        col_id, NULL, NAMES, 2, arr, err);
}

static scout_rc load_columns(scout_catalog *cat, int64_t id, json_t *card, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        cat,
        "SELECT id, ordinal, name, type, not_null, pk, null_rate, null_count, distinct_estimate,"
        " distinct_sampled, min_value, max_value, description, synonyms, semantic_type, sampled"
        " FROM columns WHERE table_id = ? ORDER BY ordinal",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    json_t *cols = json_array();
    json_object_set_new(card, "columns", cols);
    int s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *c = json_object();
        json_object_set_new(c, "ordinal", col_json(st, 1));
        json_object_set_new(c, "name", col_json(st, 2));
        json_object_set_new(c, "type", col_json(st, 3));
        json_object_set_new(c, "notnull", col_bool(st, 4));
        json_object_set_new(c, "pk", col_json(st, 5));
        json_object_set_new(c, "null_rate", col_json(st, 6));
        json_object_set_new(c, "null_count", col_json(st, 7));
        json_object_set_new(c, "distinct", col_json(st, 8));
        json_object_set_new(c, "distinct_sampled", col_bool(st, 9));
        json_object_set_new(c, "min", col_json(st, 10));
        json_object_set_new(c, "max", col_json(st, 11));
        json_object_set_new(c, "description", col_json(st, 12));
        json_t *syn = sqlite3_column_type(st, 13) == SQLITE_NULL
                          ? NULL
                          : json_loads(scout_catalog_col_text(st, 13), 0, NULL);
        json_object_set_new(c, "synonyms", syn ? syn : json_array());
        json_object_set_new(c, "semantic_type", col_json(st, 14));
        json_object_set_new(c, "sampled", col_bool(st, 15));
        json_array_append_new(cols, c);
        rc = load_top_values(cat, sqlite3_column_int64(st, 0), c, err);
    }
    if (!rc && s != SQLITE_DONE) rc = scout_catalog_sqlerr(cat, err, "reading columns");
    sqlite3_finalize(st);
    return rc;
}

/* Adds an array under key filled by load_rows. */
static scout_rc load_list(scout_catalog *cat, json_t *card, const char *key, const char *sql,
                          int64_t id, const char *text_key, const char *const *names, size_t n,
                          scout_err *err)
{
    json_t *arr = json_array();
    json_object_set_new(card, key, arr);
    return load_rows(cat, sql, id, text_key, names, n, arr, err);
}

/* Everything beyond the table row and its columns: declared FKs both ways,
 * and what later layers attached by fqname (caveats, lineage, join keys). */
static scout_rc load_relations(scout_catalog *cat, const char *fq, int64_t id, json_t *card,
                               scout_err *err)
{
    static const char *const FK[] = {"column", "to_fqname", "to_column"};
    static const char *const REF[] = {"fqname", "column", "to_column"};
    static const char *const CAV[] = {"severity", "column", "text", "origin"};
    static const char *const DEF[] = {"condition", "reason"};
    static const char *const LIN[] = {"fqname", "kind"};
    static const char *const JK[] = {"column", "other_fqname", "other_column", "cardinality",
                                     "origin"};
    scout_rc rc = load_list(cat, card, "foreign_keys",
                            "SELECT from_column, to_fqname, to_column FROM foreign_keys"
                            " WHERE table_id = ?1 ORDER BY seq",
                            id, NULL, FK, 3, err);
    if (!rc)
        rc = load_list(cat, card, "referenced_by",
                       "SELECT t.fqname, f.from_column, f.to_column FROM foreign_keys f"
                       " JOIN tables t ON t.id = f.table_id WHERE f.to_fqname = ?1"
                       " ORDER BY t.fqname, f.seq",
                       0, fq, REF, 3, err);
    if (!rc)
        rc = load_list(cat, card, "caveats",
                       "SELECT severity, column_name, text, origin FROM caveats WHERE fqname = ?1"
                       " ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warn' THEN 1"
                       " ELSE 2 END, id",
                       0, fq, CAV, 4, err);
    if (!rc)
        rc = load_list(cat, card, "default_filters",
                       "SELECT condition, reason FROM curated_filters WHERE fqname = ?1"
                       " ORDER BY rowid",
                       0, fq, DEF, 2, err);
    if (!rc)
        rc = load_list(cat, card, "upstream",
                       "SELECT from_fqname, MIN(kind) FROM lineage_edges WHERE to_fqname = ?1"
                       " AND from_fqname <> ?1 GROUP BY from_fqname ORDER BY 1",
                       0, fq, LIN, 2, err);
    if (!rc)
        rc = load_list(cat, card, "downstream",
                       "SELECT to_fqname, MIN(kind) FROM lineage_edges WHERE from_fqname = ?1"
                       " AND to_fqname <> ?1 GROUP BY to_fqname ORDER BY 1",
                       0, fq, LIN, 2, err);
    if (!rc)
        rc = load_list(cat, card, "join_keys",
                       "SELECT left_column, right_fqname, right_column, cardinality, origin"
                       " FROM join_keys WHERE left_fqname = ?1 UNION ALL"
                       " SELECT right_column, left_fqname, left_column, cardinality, origin"
                       " FROM join_keys WHERE right_fqname = ?1 ORDER BY 2, 1",
                       0, fq, JK, 5, err);
    return rc;
}

/* ---------- later layers: code, history, knowledge, memory ---------- */

#define CARD_MAX_DISCUSSED 5
#define CARD_MAX_MEMORIES  5
#define EXCERPT_MAX        220

/* The sentence of text that contains needle (or text's start), clipped. */
static char *excerpt(const char *text, const char *needle)
{
    const char *hit = needle && *needle ? strstr(text, needle) : NULL;
    const char *start = text, *end = text + strlen(text);
    if (hit) {
        for (const char *p = hit; p > text; p--)
            if ((p[-1] == '.' || p[-1] == '\n' || p[-1] == '!' || p[-1] == '?') &&
                (p[0] == ' ' || p[0] == '\n')) {
                start = p;
                break;
            }
        for (const char *p = hit; *p; p++)
            if (*p == '\n' || ((*p == '.' || *p == '!' || *p == '?') && (p[1] == ' ' || !p[1]))) {
                end = p + (*p != '\n');
                break;
            }
    }
    while (start < end && (*start == ' ' || *start == '\n')) start++;
    scout_buf b = SCOUT_BUF_INIT;
    size_t n = (size_t)(end - start);
    if (n > EXCERPT_MAX) {
        n = EXCERPT_MAX;
        while (n > 0 && ((unsigned char)start[n] & 0xC0) == 0x80) n--;
    }
    scout_buf_append(&b, start, n);
    if (start + n < end) scout_buf_puts(&b, "…");
    /* Cards are one fact per line: fold the excerpt's own line breaks. */
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n') b.data[i] = ' ';
    return scout_buf_take(&b);
}

static int add_chunk(void *ud, const scout_chunk *c)
{
    json_t *arr = ud;
    char *ex = excerpt(c->text ? c->text : "", c->matched);
    json_array_append_new(arr, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s}", "where", c->title,
                                         "heading", c->heading, "uri", c->uri, "updated_at",
                                         c->updated_at, "excerpt", ex ? ex : ""));
    free(ex);
    return json_array_size(arr) >= CARD_MAX_DISCUSSED;
}

static int add_memory(void *ud, const scout_memory *m)
{
    json_t *arr = ud;
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s?}", "id", (json_int_t)m->id, "scope",
                                         m->scope, "text", m->text, "author", m->author));
    return json_array_size(arr) >= CARD_MAX_MEMORIES;
}

/* Knowledge and memories go through their modules, which apply the ACLs. */
static scout_rc load_people_layers(scout_catalog *cat, const char *fq, const scout_principal *who,
                                   json_t *card, scout_err *err)
{
    json_t *discussed = json_array(), *memories = json_array();
    json_object_set_new(card, "discussed", discussed);
    json_object_set_new(card, "memories", memories);
    scout_rc rc = scout_knowledge_chunks_for_table(cat, fq, who, add_chunk, discussed, err);
    if (!rc) rc = scout_memory_list(cat, who, fq, "active", add_memory, memories, err);
    return rc;
}

/* What code enrichment and query history attached by fqname. */
static scout_rc load_code_layers(scout_catalog *cat, const char *fq, json_t *card, scout_err *err)
{
    static const char *const SIM[] = {"fqname", "score", "reason"};
    static const char *const MET[] = {"name", "expression", "description", "time_column"};
    static const char *const CANON[] = {"sql", "dashboard", "runs", "users"};
    static const char *const MODEL[] = {"path", "parse_error", "filters"};
    static const char *const USE[] = {"query_count", "user_count", "last_queried_at"};
    scout_rc rc = load_list(cat, card, "similar",
                            "SELECT similar_fqname, score, reason FROM similar_tables"
                            " WHERE fqname = ?1 ORDER BY score DESC, similar_fqname LIMIT 5",
                            0, fq, SIM, 3, err);
    if (!rc)
        rc = load_list(cat, card, "metrics",
                       "SELECT name, expression, description, time_column FROM metrics"
                       " WHERE table_fqname = ?1 ORDER BY name",
                       0, fq, MET, 4, err);
    if (!rc)
        rc = load_list(cat, card, "canonical_queries",
                       "SELECT q.example_sql, q.dashboard, q.run_count, q.user_count"
                       " FROM query_clusters q JOIN cluster_tables t ON t.cluster_id = q.id"
                       " WHERE t.fqname = ?1 AND q.tier = 'canonical'"
                       " ORDER BY q.run_count DESC, q.id LIMIT 3",
                       0, fq, CANON, 4, err);
    if (!rc)
        rc = load_list(cat, card, "model",
                       "SELECT path, parse_error, filters FROM model_facts WHERE fqname = ?1", 0,
                       fq, MODEL, 3, err);
    if (!rc)
        rc = load_list(cat, card, "usage",
                       "SELECT query_count, user_count, last_queried_at FROM table_usage"
                       " WHERE fqname = ?1",
                       0, fq, USE, 3, err);
    return rc;
}

static scout_rc card_load(scout_catalog *cat, const char *fqname, const scout_principal *who,
                          json_t **out, scout_err *err)
{
    json_t *card = json_object();
    if (!card) return scout_err_set(err, SCOUT_ENOMEM, "out of memory building a card");
    int64_t id = 0;
    scout_rc rc = load_table(cat, fqname, card, &id, err);
    if (!rc) rc = load_columns(cat, id, card, err);
    if (!rc) rc = load_relations(cat, fqname, id, card, err);
    if (!rc) rc = load_code_layers(cat, fqname, card, err);
    if (!rc) rc = load_people_layers(cat, fqname, who, card, err);
    if (rc) {
        json_decref(card);
        return rc;
    }
    *out = card;
    return SCOUT_OK;
}

scout_rc scout_catalog_card_json(scout_catalog *cat, const char *fqname, const scout_principal *who,
                                 scout_buf *out, scout_err *err)
{
    json_t *card = NULL;
    scout_rc rc = card_load(cat, fqname, who, &card, err);
    if (rc) return rc;
    char *s = json_dumps(card, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(card);
    if (!s) return scout_err_set(err, SCOUT_ENOMEM, "out of memory writing a card");
    rc = scout_buf_puts(out, s);
    free(s);
    if (rc) return scout_err_set(err, rc, "card of %s does not fit the output buffer", fqname);
    return SCOUT_OK;
}

/* ---------- text helpers ---------- */

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

static bool jhas_int(const json_t *o, const char *key)
{
    return json_is_integer(json_object_get(o, key));
}

static int64_t jint(const json_t *o, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(o, key));
}

/* 1234567 -> "1,234,567" (thousands separators read faster in cards). */
static const char *fmt_int(int64_t v, char buf[32])
{
    char raw[32];
    int n = snprintf(raw, sizeof raw, "%lld", (long long)(v < 0 ? -v : v));
    int o = 0;
    if (v < 0) buf[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
    return buf;
}

static const char *fmt_rate(double r, char buf[16])
{
    double pct = r * 100.0;
    if (pct == 0)
        snprintf(buf, 16, "0%%");
    else if (pct < 0.1)
        snprintf(buf, 16, "<0.1%%");
    else if (pct < 10 && pct != (int)pct)
        snprintf(buf, 16, "%.1f%%", pct);
    else
        snprintf(buf, 16, "%.0f%%", pct);
    return buf;
}

/* Appends s cut to max bytes (at a UTF-8 boundary, with "…" when cut). */
static void put_clipped(scout_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        scout_buf_puts(b, s);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    scout_buf_append(b, s, max);
    scout_buf_puts(b, "…");
}

static const char *trust_label(const char *trust)
{
    if (!trust) return "normal";
    if (!strcmp(trust, SCOUT_TRUST_SOURCE_OF_TRUTH)) return "source of truth";
    return trust;
}

/* Top values as "value count" or, when rows > 0, as "value share%" of those
 * rows (sampled counts are only meaningful relative to the sample). */
static void put_top_values(scout_buf *b, const json_t *tops, size_t max_n, size_t value_max,
                           int64_t rows)
{
    size_t n = json_array_size(tops);
    for (size_t i = 0; i < n && i < max_n; i++) {
        const json_t *t = json_array_get(tops, i);
        char num[32];
        if (i) scout_buf_puts(b, ", ");
        put_clipped(b, jstr(t, "value") ? jstr(t, "value") : "''", value_max);
        if (rows > 0)
            scout_buf_printf(b, " %s", fmt_rate((double)jint(t, "count") / (double)rows, num));
        else
            scout_buf_printf(b, " %s", fmt_int(jint(t, "count"), num));
    }
    if (n > max_n) scout_buf_printf(b, ", +%zu", n - max_n);
}

static void put_header(scout_buf *b, const json_t *card)
{
    char num[32];
    scout_buf_printf(b, "%s (%s", jstr(card, "fqname"), jstr(card, "kind"));
    if (jhas_int(card, "row_count"))
        scout_buf_printf(b, ", %s rows", fmt_int(jint(card, "row_count"), num));
    if (jstr(card, "freshness"))
        scout_buf_printf(b, ", latest %s %s", jstr(card, "freshness_column"),
                         jstr(card, "freshness"));
    scout_buf_printf(b, ", trust: %s)\n", trust_label(jstr(card, "trust")));
}

static void put_trust_detail(scout_buf *b, const json_t *card)
{
    const char *by = jstr(card, "deprecated_by"), *why = jstr(card, "trust_reason");
    if (!by && !why) return;
    scout_buf_printf(b, "%s", trust_label(jstr(card, "trust")));
    if (why) scout_buf_printf(b, ": %s", why);
    /* Curated reasons often name the replacement already; say it once. */
    if (by && !(why && strstr(why, by)))
        scout_buf_printf(b, "%suse %s instead", why ? "; " : ": ", by);
    scout_buf_putc(b, '\n');
}

/* ---------- short form ---------- */

/* Appends line to out only if the card stays within budget. */
static bool add_if_fits(scout_buf *out, size_t base_tokens, scout_buf *line)
{
    if (!line->len) return true;
    if (base_tokens + scout_estimate_tokens(scout_buf_cstr(line)) > SHORT_BUDGET) return false;
    scout_buf_append(out, line->data, line->len);
    return true;
}

/* Tries a list line with n items, then fewer, until it fits (0 = dropped). */
typedef void (*list_line_fn)(scout_buf *line, const json_t *card, size_t n);

static void add_list_fitting(scout_buf *out, const json_t *card, list_line_fn fn, size_t n)
{
    scout_buf line = SCOUT_BUF_INIT;
    for (; n > 0; n = n > 8 ? n / 2 : n - 1) {
        scout_buf_reset(&line);
        fn(&line, card, n);
        if (add_if_fits(out, scout_estimate_tokens(scout_buf_cstr(out)), &line)) break;
    }
    scout_buf_free(&line);
}

static void line_keys(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *cols = json_object_get(card, "columns");
    size_t shown = 0, idx;
    const json_t *c;
    for (idx = 0; idx < json_array_size(cols) && (c = json_array_get(cols, idx)); idx++) {
        if (jint(c, "pk") <= 0 || shown >= max) continue;
        scout_buf_printf(line, "%s%s", shown++ ? ", " : "primary key: ", jstr(c, "name"));
    }
    if (shown) scout_buf_putc(line, '\n');
}

static void line_time(scout_buf *line, const json_t *card, size_t max)
{
    const char *tc = jstr(card, "freshness_column");
    if (!tc || !max) return;
    const json_t *cols = json_object_get(card, "columns"), *c;
    size_t idx;
    for (idx = 0; idx < json_array_size(cols) && (c = json_array_get(cols, idx)); idx++) {
        if (!jstr(c, "name") || strcmp(jstr(c, "name"), tc)) continue;
        scout_buf_printf(line, "time: %s %s..%s\n", tc, jstr(c, "min") ? jstr(c, "min") : "?",
                         jstr(c, "max") ? jstr(c, "max") : "?");
    }
}

static void line_dims(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *cols = json_object_get(card, "columns"), *c;
    size_t idx, shown = 0, tops = max >= SHORT_DIMS ? SHORT_TOPS : 2;
    bool sampled = json_is_true(json_object_get(card, "sampled"));
    int64_t rows = jint(card, sampled ? "sample_rows" : "row_count");
    for (idx = 0; idx < json_array_size(cols) && (c = json_array_get(cols, idx)); idx++) {
        const json_t *tv = json_object_get(c, "top_values");
        if (!json_array_size(tv) || shown >= max) continue;
        scout_buf_puts(line, shown++ ? "; " : "dimensions: ");
        scout_buf_printf(line, "%s (", jstr(c, "name"));
        put_top_values(line, tv, tops, SHORT_VALUE_MAX, rows);
        scout_buf_putc(line, ')');
    }
    if (shown) scout_buf_putc(line, '\n');
}

static void line_fks(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *fks = json_object_get(card, "foreign_keys"), *f;
    size_t idx, n = json_array_size(fks);
    for (idx = 0; idx < json_array_size(fks) && (f = json_array_get(fks, idx)); idx++) {
        if (idx >= max) break;
        scout_buf_printf(line, "%s%s -> %s", idx ? ", " : "joins: ", jstr(f, "column"),
                         jstr(f, "to_fqname"));
        if (jstr(f, "to_column")) scout_buf_printf(line, ".%s", jstr(f, "to_column"));
    }
    if (n > max) scout_buf_printf(line, ", +%zu", n - max);
    if (n) scout_buf_putc(line, '\n');
}

static void line_columns(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *cols = json_object_get(card, "columns"), *c;
    size_t idx, n = json_array_size(cols);
    scout_buf_printf(line, "columns (%zu): ", n);
    for (idx = 0; idx < json_array_size(cols) && (c = json_array_get(cols, idx)); idx++) {
        if (idx >= max) break;
        scout_buf_printf(line, "%s%s", idx ? ", " : "", jstr(c, "name"));
    }
    if (n > max) scout_buf_printf(line, ", +%zu more", n - max);
    scout_buf_putc(line, '\n');
}

static void line_caveats(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *cav = json_object_get(card, "caveats"), *c;
    size_t idx;
    for (idx = 0; idx < json_array_size(cav) && (c = json_array_get(cav, idx)); idx++) {
        if (idx >= max) break;
        scout_buf_printf(line, "caveat: ");
        put_clipped(line, jstr(c, "text") ? jstr(c, "text") : "", 160);
        scout_buf_putc(line, '\n');
    }
}

/* "always filtered: is_test = 0 (internal test accounts)": every answer
 * from this table applies it, so a reader must see it. */
static void line_default_filters(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *df = json_object_get(card, "default_filters"), *f;
    size_t idx;
    if (!json_array_size(df) || !max) return;
    scout_buf_puts(line, "always filtered: ");
    for (idx = 0; idx < json_array_size(df) && (f = json_array_get(df, idx)); idx++) {
        if (idx) scout_buf_puts(line, "; ");
        put_clipped(line, jstr(f, "condition") ? jstr(f, "condition") : "", 120);
        if (jstr(f, "reason")) {
            scout_buf_puts(line, " (");
            put_clipped(line, jstr(f, "reason"), 120);
            scout_buf_putc(line, ')');
        }
    }
    scout_buf_putc(line, '\n');
}

static void line_description(scout_buf *line, const json_t *card, size_t max)
{
    const char *d = jstr(card, "description");
    if (!d) d = jstr(card, "comment");
    if (!d) return;
    put_clipped(line, d, max);
    scout_buf_putc(line, '\n');
}

static void line_grain(scout_buf *line, const json_t *card, size_t max)
{
    /* Code enrichment writes "k1, k2" (GROUP BY), "unique: id" (dbt tests) or
     * both joined by "; "; a reader wants the keys once. */
    const char *g = jstr(card, "grain");
    if (!g || !max) return;
    const char *u = strstr(g, "unique: ");
    size_t n = u == g ? strlen(g) : u ? (size_t)(u - g) : strlen(g);
    const char *keys = u == g ? g + 8 : g;
    if (u == g) n -= 8;
    while (n > 0 && (keys[n - 1] == ' ' || keys[n - 1] == ';')) n--;
    scout_buf_printf(line, "grain: one row per %.*s\n", (int)n, keys);
}

static void line_filters(scout_buf *line, const json_t *card, size_t max)
{
    if (!jstr(card, "filters") || !max) return;
    scout_buf_puts(line, "built with: ");
    put_clipped(line, jstr(card, "filters"), max);
    scout_buf_putc(line, '\n');
}

static void line_join_keys(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *jk = json_object_get(card, "join_keys"), *j;
    size_t idx, n = json_array_size(jk);
    for (idx = 0; idx < n && idx < max && (j = json_array_get(jk, idx)); idx++)
        scout_buf_printf(line, "%s%s = %s.%s", idx ? ", " : "join keys: ", jstr(j, "column"),
                         jstr(j, "other_fqname"), jstr(j, "other_column"));
    if (n > max) scout_buf_printf(line, ", +%zu", n - max);
    if (n && max) scout_buf_putc(line, '\n');
}

/* "names: a, b (+n)" from an array of objects' fqname. */
static void put_names(scout_buf *line, const char *label, const json_t *arr, size_t max)
{
    size_t n = json_array_size(arr);
    if (!n) return;
    scout_buf_printf(line, "%s", label);
    for (size_t i = 0; i < n && i < max; i++)
        scout_buf_printf(line, "%s%s", i ? ", " : "", jstr(json_array_get(arr, i), "fqname"));
    if (n > max) scout_buf_printf(line, " (+%zu)", n - max);
}

static void line_lineage(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *up = json_object_get(card, "upstream"),
                 *down = json_object_get(card, "downstream");
    if (!max || (!jstr(card, "owner") && !json_array_size(up) && !json_array_size(down))) return;
    if (jstr(card, "owner")) scout_buf_printf(line, "owner: %s", jstr(card, "owner"));
    if (json_array_size(up)) {
        if (line->len) scout_buf_puts(line, "; ");
        put_names(line, "built from: ", up, max);
    }
    if (json_array_size(down)) {
        if (line->len) scout_buf_puts(line, "; ");
        put_names(line, "feeds: ", down, max);
    }
    scout_buf_putc(line, '\n');
}

static void line_similar(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *sim = json_object_get(card, "similar");
    if (!json_array_size(sim) || !max) return;
    put_names(line, "lookalikes: ", sim, max);
    scout_buf_putc(line, '\n');
}

/* What people said about the table: memories first (confirmed by a person),
 * then docs and Slack, each one line with where it was said. */
static void line_said(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *mem = json_object_get(card, "memories"),
                 *dis = json_object_get(card, "discussed");
    size_t shown = 0;
    for (size_t i = 0; i < json_array_size(mem) && shown < max; i++, shown++) {
        scout_buf_printf(line, "memory (%s): ", jstr(json_array_get(mem, i), "scope"));
        put_clipped(line, jstr(json_array_get(mem, i), "text"), 160);
        scout_buf_putc(line, '\n');
    }
    for (size_t i = 0; i < json_array_size(dis) && shown < max; i++, shown++) {
        const json_t *d = json_array_get(dis, i);
        scout_buf_printf(line, "said in %s: ", jstr(d, "where") ? jstr(d, "where") : "a doc");
        put_clipped(line, jstr(d, "excerpt") ? jstr(d, "excerpt") : "", 160);
        scout_buf_putc(line, '\n');
    }
}

static void line_canonical(scout_buf *line, const json_t *card, size_t max)
{
    const json_t *q = json_array_get(json_object_get(card, "canonical_queries"), 0);
    /* A query clipped to a few characters says nothing: show enough or none. */
    if (!q || max < 60) return;
    scout_buf_printf(line, "canonical query%s%s: ", jstr(q, "dashboard") ? " on " : "",
                     jstr(q, "dashboard") ? jstr(q, "dashboard") : "");
    put_clipped(line, jstr(q, "sql") ? jstr(q, "sql") : "", max);
    for (size_t i = 0; i < line->len; i++)
        if (line->data[i] == '\n') line->data[i] = ' ';
    scout_buf_putc(line, '\n');
}

static void card_short(scout_buf *out, const json_t *card)
{
    put_header(out, card);
    scout_buf line = SCOUT_BUF_INIT;
    put_trust_detail(&line, card);
    add_if_fits(out, scout_estimate_tokens(scout_buf_cstr(out)), &line);
    scout_buf_free(&line);
    /* Most useful first: a later line only gets what the earlier ones left.
     * What people said comes after the shape of the data (keys, time,
     * dimensions): a reader needs both, and excerpts are long. */
    add_list_fitting(out, card, line_description, SHORT_DESC_MAX);
    add_list_fitting(out, card, line_default_filters, 1);
    add_list_fitting(out, card, line_caveats, 2);
    add_list_fitting(out, card, line_grain, 1);
    add_list_fitting(out, card, line_keys, 4);
    add_list_fitting(out, card, line_time, 1);
    add_list_fitting(out, card, line_dims, SHORT_DIMS);
    add_list_fitting(out, card, line_said, 2);
    add_list_fitting(out, card, line_filters, 200);
    add_list_fitting(out, card, line_fks, 6);
    add_list_fitting(out, card, line_join_keys, 4);
    add_list_fitting(out, card, line_lineage, 3);
    add_list_fitting(out, card, line_similar, 3);
    add_list_fitting(out, card, line_canonical, 200);
    add_list_fitting(out, card, line_columns, json_array_size(json_object_get(card, "columns")));
}

/* ---------- full form ---------- */

static void full_column(scout_buf *out, const json_t *c, int wname, int wtype)
{
    bool sampled = json_is_true(json_object_get(c, "sampled"));
    char num[32], rate[16];
    const char *type = jstr(c, "type") ? jstr(c, "type") : "-";
    bool pk = jint(c, "pk") > 0, nn = json_is_true(json_object_get(c, "notnull"));
    const char *flags = pk && nn ? "pk not-null" : pk ? "pk" : nn ? "not-null" : "";
    scout_buf_printf(out, "  %-*s %-*s %-11s", wname, jstr(c, "name"), wtype, type, flags);
    if (json_is_number(json_object_get(c, "null_rate")))
        scout_buf_printf(out, "  nulls %s",
                         fmt_rate(json_number_value(json_object_get(c, "null_rate")), rate));
    if (jhas_int(c, "distinct"))
        scout_buf_printf(out, ", %s%s distinct",
                         json_is_true(json_object_get(c, "distinct_sampled")) ? "~" : "",
                         fmt_int(jint(c, "distinct"), num));
    if (jstr(c, "min") || jstr(c, "max")) {
        scout_buf_puts(out, ", ");
        put_clipped(out, jstr(c, "min") ? jstr(c, "min") : "?", 40);
        scout_buf_puts(out, " .. ");
        put_clipped(out, jstr(c, "max") ? jstr(c, "max") : "?", 40);
    }
    scout_buf_putc(out, '\n');
    const json_t *tv = json_object_get(c, "top_values");
    if (json_array_size(tv)) {
        scout_buf_printf(out, "  %-*s top%s: ", wname + wtype + 13, "", sampled ? " (sample)" : "");
        put_top_values(out, tv, 10, 40, 0);
        scout_buf_putc(out, '\n');
    }
    if (jstr(c, "description"))
        scout_buf_printf(out, "  %-*s %s\n", wname + wtype + 13, "", jstr(c, "description"));
}

static void full_columns(scout_buf *out, const json_t *card)
{
    const json_t *cols = json_object_get(card, "columns"), *c;
    size_t idx;
    int wname = 4, wtype = 4;
    for (idx = 0; idx < json_array_size(cols) && (c = json_array_get(cols, idx)); idx++) {
        int ln = (int)strlen(jstr(c, "name") ? jstr(c, "name") : "");
        int lt = (int)strlen(jstr(c, "type") ? jstr(c, "type") : "-");
        if (ln > wname) wname = ln < 32 ? ln : 32;
        if (lt > wtype) wtype = lt < 20 ? lt : 20;
    }
    scout_buf_printf(out, "columns (%zu):\n", json_array_size(cols));
    for (idx = 0; idx < json_array_size(cols); idx++)
        full_column(out, json_array_get(cols, idx), wname, wtype);
}

/* A section listing "<a> -> <b>" pairs from an array of objects. */
static void full_pairs(scout_buf *out, const json_t *card, const char *key, const char *title,
                       const char *a, const char *b, const char *b2)
{
    const json_t *arr = json_object_get(card, key), *o;
    size_t idx;
    if (!json_array_size(arr)) return;
    scout_buf_printf(out, "%s:\n", title);
    for (idx = 0; idx < json_array_size(arr) && (o = json_array_get(arr, idx)); idx++) {
        scout_buf_printf(out, "  %s", jstr(o, a) ? jstr(o, a) : "?");
        if (b && jstr(o, b)) scout_buf_printf(out, " -> %s", jstr(o, b));
        if (b2 && jstr(o, b2)) scout_buf_printf(out, ".%s", jstr(o, b2));
        scout_buf_putc(out, '\n');
    }
}

static void full_facts(scout_buf *out, const json_t *card)
{
    char num[32];
    static const char *const TEXT_FACTS[] = {"description", "comment",       "owner",
                                             "grain",       "deprecated_by", "trust_reason"};
    scout_buf_printf(out, "%s\n  kind: %s   rows: %s   columns: %lld\n", jstr(card, "fqname"),
                     jstr(card, "kind"),
                     jhas_int(card, "row_count") ? fmt_int(jint(card, "row_count"), num) : "?",
                     (long long)jint(card, "n_columns"));
    if (jstr(card, "freshness"))
        scout_buf_printf(out, "  latest: %s (%s)\n", jstr(card, "freshness"),
                         jstr(card, "freshness_column"));
    scout_buf_printf(out, "  trust: %s\n", trust_label(jstr(card, "trust")));
    for (size_t i = 0; i < sizeof TEXT_FACTS / sizeof TEXT_FACTS[0]; i++)
        if (jstr(card, TEXT_FACTS[i]))
            scout_buf_printf(out, "  %s: %s\n", TEXT_FACTS[i], jstr(card, TEXT_FACTS[i]));
    if (!strcmp(jstr(card, "kind"), "view") && jstr(card, "create_sql")) {
        scout_buf_puts(out, "  definition: ");
        put_clipped(out, jstr(card, "create_sql"), 600);
        scout_buf_putc(out, '\n');
    }
}

static void full_crawl(scout_buf *out, const json_t *card)
{
    char a[32], b[32];
    scout_buf_printf(out, "crawl: fingerprint %s, crawled %s",
                     jstr(card, "fingerprint") ? jstr(card, "fingerprint") : "-",
                     jstr(card, "crawled_at") ? jstr(card, "crawled_at") : "-");
    if (json_is_true(json_object_get(card, "sampled")))
        scout_buf_printf(out, ", statistics from a sample of %s of %s rows",
                         fmt_int(jint(card, "sample_rows"), a),
                         fmt_int(jint(card, "row_count"), b));
    scout_buf_putc(out, '\n');
    if (jstr(card, "crawl_error"))
        scout_buf_printf(out, "crawl error: %s\n", jstr(card, "crawl_error"));
}

/* A section of "text (where)" lines: said in docs/Slack, memories. */
static void full_said(scout_buf *out, const json_t *card)
{
    const json_t *mem = json_object_get(card, "memories"),
                 *dis = json_object_get(card, "discussed");
    if (json_array_size(mem)) scout_buf_puts(out, "memories:\n");
    for (size_t i = 0; i < json_array_size(mem); i++) {
        const json_t *m = json_array_get(mem, i);
        scout_buf_printf(out, "  #%lld [%s] %s\n", (long long)jint(m, "id"), jstr(m, "scope"),
                         jstr(m, "text"));
    }
    if (json_array_size(dis)) scout_buf_puts(out, "discussed:\n");
    for (size_t i = 0; i < json_array_size(dis); i++) {
        const json_t *d = json_array_get(dis, i);
        const char *where = jstr(d, "where") ? jstr(d, "where") : "?", *h = jstr(d, "heading");
        /* Slack headings repeat the channel name; print it once. */
        if (h && !strncmp(h, where, strlen(where))) where = "";
        scout_buf_printf(out, "  %s%s%s: %s\n    %s\n", where, *where && h ? " › " : "", h ? h : "",
                         jstr(d, "excerpt") ? jstr(d, "excerpt") : "",
                         jstr(d, "uri") ? jstr(d, "uri") : "");
    }
}

static void full_history(scout_buf *out, const json_t *card)
{
    const json_t *use = json_array_get(json_object_get(card, "usage"), 0);
    if (use)
        scout_buf_printf(out, "usage: %lld queries by %lld users, last %s\n",
                         (long long)jint(use, "query_count"), (long long)jint(use, "user_count"),
                         jstr(use, "last_queried_at") ? jstr(use, "last_queried_at") : "-");
    const json_t *qs = json_object_get(card, "canonical_queries");
    if (json_array_size(qs)) scout_buf_puts(out, "canonical queries:\n");
    for (size_t i = 0; i < json_array_size(qs); i++) {
        const json_t *q = json_array_get(qs, i);
        scout_buf_printf(out, "  [%s, %lld runs]\n    ",
                         jstr(q, "dashboard") ? jstr(q, "dashboard") : "report",
                         (long long)jint(q, "runs"));
        put_clipped(out, jstr(q, "sql") ? jstr(q, "sql") : "", 800);
        while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
            out->data[--out->len] = '\0';
        scout_buf_putc(out, '\n');
    }
}

static void full_code(scout_buf *out, const json_t *card)
{
    if (jstr(card, "filters")) scout_buf_printf(out, "built with: %s\n", jstr(card, "filters"));
    const json_t *m = json_array_get(json_object_get(card, "model"), 0);
    if (m && jstr(m, "path")) scout_buf_printf(out, "pipeline code: %s\n", jstr(m, "path"));
    if (m && jstr(m, "parse_error"))
        scout_buf_printf(out, "pipeline code did not parse (lineage from table names only): %s\n",
                         jstr(m, "parse_error"));
    full_pairs(out, card, "similar", "lookalikes", "fqname", "reason", NULL);
    full_pairs(out, card, "metrics", "metrics", "name", "expression", NULL);
}

static void card_full(scout_buf *out, const json_t *card)
{
    full_facts(out, card);
    full_columns(out, card);
    full_pairs(out, card, "foreign_keys", "foreign keys", "column", "to_fqname", "to_column");
    full_pairs(out, card, "referenced_by", "referenced by", "fqname", "column", NULL);
    full_pairs(out, card, "join_keys", "join keys", "column", "other_fqname", "other_column");
    full_pairs(out, card, "upstream", "upstream", "fqname", NULL, NULL);
    full_pairs(out, card, "downstream", "downstream", "fqname", NULL, NULL);
    full_pairs(out, card, "caveats", "caveats", "text", NULL, NULL);
    full_pairs(out, card, "default_filters", "always filtered", "condition", NULL, NULL);
    full_code(out, card);
    full_said(out, card);
    full_history(out, card);
    full_crawl(out, card);
}

scout_rc scout_catalog_card_text(scout_catalog *cat, const char *fqname, scout_card_form form,
                                 const scout_principal *who, scout_buf *out, scout_err *err)
{
    json_t *card = NULL;
    scout_rc rc = card_load(cat, fqname, who, &card, err);
    if (rc) return rc;
    /* Render into a private buffer so a card that overflows out's maximum
     * fails whole instead of leaving half a card behind. */
    scout_buf tmp = SCOUT_BUF_INIT;
    if (form == SCOUT_CARD_SHORT)
        card_short(&tmp, card);
    else
        card_full(&tmp, card);
    json_decref(card);
    rc = scout_buf_append(out, tmp.data ? tmp.data : "", tmp.len);
    scout_buf_free(&tmp);
    if (rc) return scout_err_set(err, rc, "card of %s does not fit the output buffer", fqname);
    return SCOUT_OK;
}
