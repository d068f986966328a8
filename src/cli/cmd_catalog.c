/* Catalog commands: index, tables, show, status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "catalog/layers.h"
#include "cli.h"

/* ---- scout index ---- */

static void index_progress(void *ud, const scout_index_progress *p)
{
    cli *c = ud;
    cli_progress(c, p->skipped ? "index (unchanged)" : "index", p->done, p->total, p->fqname);
}

/* Embeds new and changed search documents when an embeddings model is
 * configured. The lexical index is complete by now, so a provider failure
 * (endpoint down, bad key) is reported and leaves search lexical rather than
 * failing the whole index; the vectors already stored stay valid. */
static scout_rc index_dense(cli *c, cli_index_result *res)
{
    cli_embed emb;
    scout_rc rc = cli_embed_open(c, &emb);
    if (!rc && !cli_embed_get(&emb)) return SCOUT_OK;
    res->dense_ran = true;
    if (!rc) rc = scout_dense_update(c->cat, cli_embed_get(&emb), &res->dense, &c->err);
    cli_embed_close(&emb);
    if (rc == SCOUT_ENOMEM) return rc;
    if (rc) {
        snprintf(res->dense_error, sizeof res->dense_error, "%s", c->err.msg);
        scout_err_clear(&c->err);
    }
    return SCOUT_OK;
}

scout_rc cli_run_index(cli *c, unsigned mask, cli_index_result *res)
{
    memset(res, 0, sizeof *res);
    scout_rc rc = cli_load_config(c);
    if (!rc) rc = cli_open_catalog(c);
    if (rc) return rc;
    if ((mask & (1u << SCOUT_LAYER_SCHEMA)) && c->cfg->n_sources == 0)
        return scout_err_set(&c->err, SCOUT_EUSER, "%s: no sources configured", c->cfg->path);
    bool show = !c->json && !c->quiet;
    rc = scout_layers_index(c->cat, c->cfg, c->home.context, mask, show ? index_progress : NULL, c,
                            &res->layers, &c->err);
    cli_progress_done(c);
    /* Search reads every layer, so it is brought up to date after all of them. */
    if (!rc) rc = scout_search_index_update(c->cat, &res->search, &c->err);
    if (!rc) rc = index_dense(c, res);
    return rc;
}

static json_t *layer_json(const scout_layer_stats *s)
{
    return json_pack("{s:I, s:I, s:I, s:f}", "files", (json_int_t)s->files, "records",
                     (json_int_t)s->records, "errors", (json_int_t)s->errors, "elapsed_ms",
                     s->elapsed_ms);
}

static json_t *dense_json(const cli_index_result *res)
{
    const scout_dense_update_stats *d = &res->dense;
    json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:f}", "embedded", (json_int_t)d->embedded,
                          "unchanged", (json_int_t)(d->unchanged + d->rehashed), "removed",
                          (json_int_t)d->removed, "calls", (json_int_t)d->calls, "documents",
                          (json_int_t)d->docs, "elapsed_ms", d->elapsed_ms);
    if (res->dense_error[0]) json_object_set_new(o, "error", json_string(res->dense_error));
    return o;
}

json_t *cli_index_report_json(const cli_index_result *res)
{
    const scout_index_report *rep = &res->layers;
    json_t *o = json_object();
    if (rep->ran[SCOUT_LAYER_SCHEMA]) {
        const scout_index_stats *st = &rep->schema;
        json_object_set_new(
            o, "schema",
            json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "sources", (json_int_t)st->sources,
                      "tables", (json_int_t)st->tables_seen, "crawled",
                      (json_int_t)st->tables_crawled, "skipped", (json_int_t)st->tables_skipped,
                      "removed", (json_int_t)st->tables_removed, "columns", (json_int_t)st->columns,
                      "elapsed_ms", st->elapsed_ms));
    }
    for (int i = SCOUT_LAYER_CURATED; i < SCOUT_LAYER_COUNT; i++)
        if (rep->ran[i])
            json_object_set_new(o, scout_layer_name((scout_layer_id)i),
                                layer_json(&rep->layers[i]));
    const scout_search_update_stats *s = &res->search;
    json_object_set_new(o, "search",
                        json_pack("{s:I, s:I, s:I, s:I, s:I, s:f}", "documents",
                                  (json_int_t)s->docs, "added", (json_int_t)s->added, "changed",
                                  (json_int_t)s->changed, "unchanged", (json_int_t)s->unchanged,
                                  "removed", (json_int_t)s->removed, "elapsed_ms", s->elapsed_ms));
    if (res->dense_ran) json_object_set_new(o, "dense", dense_json(res));
    json_object_set_new(o, "elapsed_ms", json_real(rep->elapsed_ms));
    return o;
}

scout_rc cli_print_index_report(cli *c, const cli_index_result *res)
{
    const scout_index_report *rep = &res->layers;
    if (res->dense_error[0])
        fprintf(stderr, "scout: dense vectors not updated: %s; search stays lexical\n",
                res->dense_error);
    if (c->json) return cli_print_json(c, cli_index_report_json(res));
    if (c->quiet) return SCOUT_OK;
    if (rep->ran[SCOUT_LAYER_SCHEMA]) {
        const scout_index_stats *st = &rep->schema;
        printf("%-10s %zu tables from %zu sources: %zu crawled, %zu unchanged, %zu removed "
               "(%.1f s)\n",
               "schema", st->tables_seen, st->sources, st->tables_crawled, st->tables_skipped,
               st->tables_removed, st->elapsed_ms / 1000.0);
    }
    for (int i = SCOUT_LAYER_CURATED; i < SCOUT_LAYER_COUNT; i++) {
        if (!rep->ran[i]) continue;
        const scout_layer_stats *s = &rep->layers[i];
        printf("%-10s %lld files, %lld facts, %lld files with errors (%.1f s)\n",
               scout_layer_name((scout_layer_id)i), (long long)s->files, (long long)s->records,
               (long long)s->errors, s->elapsed_ms / 1000.0);
    }
    const scout_search_update_stats *ss = &res->search;
    printf("%-10s %zu documents: %zu new, %zu changed, %zu unchanged, %zu removed (%.1f s)\n",
           "search", ss->docs, ss->added, ss->changed, ss->unchanged, ss->removed,
           ss->elapsed_ms / 1000.0);
    if (res->dense_ran && !res->dense_error[0])
        printf("%-10s %zu documents: %zu embedded in %zu calls, %zu unchanged, %zu removed "
               "(%.1f s)\n",
               "dense", res->dense.docs, res->dense.embedded, res->dense.calls,
               res->dense.unchanged + res->dense.rehashed, res->dense.removed,
               res->dense.elapsed_ms / 1000.0);
    return SCOUT_OK;
}

static scout_rc run_index(cli *c, int argc, char **argv)
{
    unsigned mask = 0;
    for (int i = 1; i < argc; i++) {
        const char *name = NULL;
        if (!strcmp(argv[i], "--layer") && i + 1 < argc)
            name = argv[++i];
        else if (!strncmp(argv[i], "--layer=", 8))
            name = argv[i] + 8;
        else
            return cli_usage_error(c, "index", "unknown argument");
        scout_layer_id id;
        if (scout_layer_parse(name, &id, &c->err)) return SCOUT_EUSER;
        mask |= 1u << id;
    }
    cli_index_result res;
    scout_rc rc = cli_run_index(c, mask ? mask : SCOUT_LAYERS_ALL, &res);
    return rc ? rc : cli_print_index_report(c, &res);
}

const cli_command cli_cmd_index = {
    "index", "build the catalog: crawl sources and read every context layer",
    "usage: scout index [--layer NAME]...\n"
    "\n"
    "Builds the catalog from everything scout.yaml names, layer by layer:\n"
    "  schema     crawl every source: tables, columns, keys, row counts, null\n"
    "             rates, distinct counts, min/max, top values, freshness\n"
    "  curated    dbt descriptions, owners, tests; scout's curated YAML\n"
    "             (HOME/context and context.curated): synonyms, caveats,\n"
    "             deprecations, metrics, verified queries\n"
    "  code       pipeline SQL (dbt models, context.models): lineage, join keys,\n"
    "             grain, filters, owners, similar tables\n"
    "  knowledge  docs and Slack exports, chunked, with their permissions\n"
    "  history    query logs and dashboards: clusters tiered canonical,\n"
    "             trusted, ad-hoc or noise; usage; join pairs\n"
    "Incremental: unchanged tables are not re-crawled; tables that disappeared\n"
    "are removed. A malformed context file is reported with file:line and the\n"
    "other files still load. --layer (repeatable) runs only the named layers.\n",
    run_index};

/* ---- scout tables ---- */

typedef struct tables_ctx {
    cli *c;
    const scout_principal *who; /* only tables they may read are listed */
    json_t *arr;                /* --json */
    size_t n;
} tables_ctx;

static void format_count(int64_t n, char *out, size_t size)
{
    if (n < 0)
        scout_strlcpy(out, "?", size);
    else if (n >= 10000000)
        snprintf(out, size, "%.1fM", (double)n / 1e6);
    else if (n >= 100000)
        snprintf(out, size, "%.0fk", (double)n / 1e3);
    else
        snprintf(out, size, "%lld", (long long)n);
}

static int table_row(void *ud, const scout_table_summary *t)
{
    tables_ctx *tc = ud;
    bool ok = false;
    if (cli_can_read(tc->c, tc->who, t->fqname, &ok) || !ok) return 0;
    tc->n++;
    if (tc->arr) {
        json_array_append_new(
            tc->arr, json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:s?}", "name", t->fqname,
                               "source", t->source, "schema", t->schema, "table", t->name,
                               "is_view", t->is_view, "row_count", (json_int_t)t->row_count,
                               "columns", (json_int_t)t->n_columns, "freshness", t->freshness));
        return 0;
    }
    char rows[32];
    format_count(t->row_count, rows, sizeof rows);
    printf("%-52s %8s %5lld  %s%s\n", t->fqname, rows, (long long)t->n_columns,
           t->freshness ? t->freshness : "-", t->is_view ? "  (view)" : "");
    return 0;
}

static scout_rc run_tables(cli *c, int argc, char **argv)
{
    if (argc > 2) return cli_usage_error(c, "tables", "takes at most one PATTERN");
    const char *pattern = argc == 2 ? argv[1] : NULL;
    scout_principal who;
    scout_rc rc = cli_principal(c, &who);
    if (rc) return rc;
    tables_ctx tc = {c, &who, c->json ? json_array() : NULL, 0};
    if (!c->json && !c->quiet) printf("%-52s %8s %5s  %s\n", "TABLE", "ROWS", "COLS", "FRESHNESS");
    rc = scout_catalog_list_tables(c->cat, pattern, table_row, &tc, &c->err);
    if (rc) {
        json_decref(tc.arr);
        return rc;
    }
    if (c->json) return cli_print_json(c, tc.arr);
    if (tc.n == 0 && !c->quiet)
        fprintf(stderr,
                pattern ? "no table matches '%s'\n"
                        : "the catalog is empty%s (run 'scout index')\n",
                pattern ? pattern : "");
    return SCOUT_OK;
}

const cli_command cli_cmd_tables = {
    "tables", "list catalogued tables, optionally matching a pattern",
    "usage: scout tables [PATTERN]\n"
    "\n"
    "Lists the tables in the catalog with row count, column count and freshness\n"
    "(the latest value of the table's main timestamp column). PATTERN is a glob\n"
    "over source.schema.table ('finance.mart.*', '*_v1'); a plain word matches\n"
    "any table whose name contains it ('revenue').\n",
    run_tables};

/* ---- scout show ---- */

static scout_rc run_show(cli *c, int argc, char **argv)
{
    const char *ref = NULL;
    bool full = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--full"))
            full = true;
        else if (argv[i][0] == '-')
            return cli_usage_error(c, "show", "unknown option");
        else if (ref)
            return cli_usage_error(c, "show", "takes one TABLE");
        else
            ref = argv[i];
    }
    if (!ref) return cli_usage_error(c, "show", "missing TABLE");
    scout_principal me;
    scout_rc rc = cli_principal(c, &me);
    if (!rc) rc = cli_open_catalog(c);
    char *fq = NULL;
    if (!rc) rc = scout_catalog_resolve(c->cat, ref, &fq, &c->err);
    if (rc) return rc;
    /* A table the asker may not read is reported exactly like a missing one. */
    bool ok = false;
    rc = cli_can_read(c, &me, fq, &ok);
    if (!rc && !ok)
        rc = scout_err_set(&c->err, SCOUT_ENOTFOUND, "table '%s' is not in the catalog", ref);
    if (rc) {
        free(fq);
        return rc;
    }
    scout_buf out = SCOUT_BUF_INIT;
    if (c->json)
        rc = scout_catalog_card_json(c->cat, fq, &me, &out, &c->err);
    else
        rc = scout_catalog_card_text(c->cat, fq, full ? SCOUT_CARD_FULL : SCOUT_CARD_SHORT, &me,
                                     &out, &c->err);
    if (!rc) {
        fputs(scout_buf_cstr(&out), stdout);
        if (out.len && out.data[out.len - 1] != '\n') fputc('\n', stdout);
    }
    scout_buf_free(&out);
    free(fq);
    return rc;
}

const cli_command cli_cmd_show = {
    "show", "print a table's card",
    "usage: scout show TABLE [--full] [--json]\n"
    "\n"
    "Prints the card scout keeps for a table: what it is, its size and freshness,\n"
    "key columns, keys and the values its dimensions take. TABLE may be\n"
    "source.schema.table, schema.table or just the table name when unambiguous.\n"
    "  --full   every column with its statistics\n"
    "  --json   every fact as one JSON object\n",
    run_show};

/* ---- scout status ---- */

static json_t *sources_json(const scout_config *cfg)
{
    json_t *arr = json_array();
    for (size_t i = 0; cfg && i < cfg->n_sources; i++) {
        const scout_source_cfg *s = &cfg->sources[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "name", s->name, "kind",
                                             scout_source_kind_name(s->kind), "restricted",
                                             s->restricted));
    }
    return arr;
}

static json_t *counts_json(const scout_catalog_counts *k, int64_t sessions)
{
    return json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:I, s:I, s:I}", "tables",
        (json_int_t)k->tables, "columns", (json_int_t)k->columns, "described_tables",
        (json_int_t)k->described_tables, "lineage_edges", (json_int_t)k->lineage_edges, "join_keys",
        (json_int_t)k->join_keys, "knowledge_chunks", (json_int_t)k->knowledge_chunks,
        "query_clusters", "canonical", (json_int_t)k->query_clusters_canonical, "trusted",
        (json_int_t)k->query_clusters_trusted, "adhoc", (json_int_t)k->query_clusters_adhoc,
        "noise", (json_int_t)k->query_clusters_noise, "memories", (json_int_t)k->memories,
        "sessions", (json_int_t)sessions, "context_file_errors",
        (json_int_t)k->context_file_errors);
}

static void print_status_text(const cli *c, const scout_catalog_counts *k, int64_t sessions)
{
    printf("home      %s\n", c->home.dir);
    printf("config    %s%s\n", c->home.config, c->cfg ? "" : " (missing: run 'scout init')");
    printf("sources   %zu\n", c->cfg ? c->cfg->n_sources : 0);
    for (size_t i = 0; c->cfg && i < c->cfg->n_sources; i++) {
        const scout_source_cfg *s = &c->cfg->sources[i];
        printf("  %-12s %-10s%s\n", s->name, scout_source_kind_name(s->kind),
               s->restricted ? " restricted" : "");
    }
    printf("\ncontext layers\n");
    printf("  1 schema       %lld tables, %lld columns\n", (long long)k->tables,
           (long long)k->columns);
    printf("  2 curated      %lld described tables\n", (long long)k->described_tables);
    printf("  3 code         %lld lineage edges, %lld join keys\n", (long long)k->lineage_edges,
           (long long)k->join_keys);
    printf("  4 knowledge    %lld chunks\n", (long long)k->knowledge_chunks);
    printf("  5 memory       %lld memories\n", (long long)k->memories);
    printf("  query history  %lld canonical, %lld trusted, %lld ad-hoc, %lld noise clusters\n",
           (long long)k->query_clusters_canonical, (long long)k->query_clusters_trusted,
           (long long)k->query_clusters_adhoc, (long long)k->query_clusters_noise);
    printf("  sessions       %lld\n", (long long)sessions);
}

static int print_context_error(void *ud, const char *path, const char *error)
{
    (void)ud;
    printf("  %s\n", error ? error : path);
    return 0;
}

static int collect_context_error(void *ud, const char *path, const char *error)
{
    json_array_append_new(ud, json_pack("{s:s, s:s?}", "path", path, "error", error));
    return 0;
}

static scout_rc run_status(cli *c, int argc, char **argv)
{
    if (argc > 1) return cli_usage_error(c, "status", "takes no arguments");
    /* A missing config is fine for status (it says so); a broken one is an error. */
    scout_rc rc = SCOUT_OK;
    if (scout_path_exists(c->home.config)) rc = cli_load_config(c);
    if (!rc) rc = cli_open_catalog(c);
    scout_catalog_counts k;
    memset(&k, 0, sizeof k);
    if (!rc) rc = scout_catalog_counts_get(c->cat, &k, &c->err);
    if (rc) return rc;
    int64_t sessions = 0; /* sessions.db arrives with the agent; until then there are none */
    if (!c->json) {
        print_status_text(c, &k, sessions);
        if (k.context_file_errors) {
            printf("\ncontext files that failed to load (fix them and run 'scout index'):\n");
            rc = scout_catalog_context_errors(c->cat, print_context_error, NULL, &c->err);
        }
        return rc;
    }
    json_t *o = json_pack("{s:s, s:s, s:o}", "home", c->home.dir, "config", c->home.config,
                          "sources", sources_json(c->cfg));
    json_object_set_new(o, "counts", counts_json(&k, sessions));
    json_t *errors = json_array();
    json_object_set_new(o, "context_errors", errors);
    rc = scout_catalog_context_errors(c->cat, collect_context_error, errors, &c->err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    return cli_print_json(c, o);
}

const cli_command cli_cmd_status = {
    "status", "show the home, sources and what each context layer holds",
    "usage: scout status [--json]\n"
    "\n"
    "Shows the home directory, the configured sources and the size of each\n"
    "context layer: tables and columns (schema), described tables (curated),\n"
    "lineage edges and join keys (code), knowledge chunks, query-history\n"
    "clusters by tier, memories and sessions. Zero where a layer is not built.\n",
    run_status};
