/* Layer 4 — institutional knowledge: chunking (headings, threads), ACLs on
 * retrieval, mentions and codenames, Notion/Google Docs inputs, malformed
 * files and idempotent re-import; on fixtures and on a small generated Acme. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "catalog/document.h"
#include "catalog/knowledge.h"
#include "support/fixtures.h"

/* ---------- helpers ---------- */

static const char *fixtures(void)
{
    const char *f = getenv("SCOUT_FIXTURES");
    return f ? f : "tests/fixtures";
}

static char g_dir[64];
static scout_catalog *g_cat;
static scout_config *g_cfg;

static void open_catalog(void)
{
    scout_strlcpy(g_dir, "/tmp/scout-knowledge-XXXXXX", sizeof g_dir);
    cr_assert_not_null(mkdtemp(g_dir));
    char *db = scout_path_join(g_dir, "catalog.db");
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(db, &g_cat, &err), SCOUT_OK, "%s", err.msg);
    free(db);
}

static void teardown(void)
{
    scout_catalog_close(g_cat);
    scout_config_free(g_cfg);
    g_cat = NULL;
    g_cfg = NULL;
    test_rm_rf(g_dir);
}

static scout_config *parse_config(const char *dir, const char *yaml)
{
    char *path = scout_path_join(dir, "scout.yaml");
    scout_config *cfg = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_config_parse(yaml, strlen(yaml), path, &cfg, &err), SCOUT_OK, "%s", err.msg);
    free(path);
    return cfg;
}

/* The fixture catalog: two tables the fixtures talk about, added through a
 * second connection the way a crawl would have. */
static void add_fixture_tables(void)
{
    char *db = scout_path_join(g_dir, "catalog.db");
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    const char *sql = "INSERT INTO sources (id, name, kind) VALUES (1, 'shop', 'sqlite');"
                      "INSERT INTO tables (source_id, fqname, source, schema_name, name) VALUES"
                      " (1, 'shop.main.revenue_v1', 'shop', 'main', 'revenue_v1'),"
                      " (1, 'shop.main.revenue', 'shop', 'main', 'revenue'),"
                      " (1, 'shop.analytics.plus_daily', 'shop', 'analytics', 'plus_daily');"
                      "INSERT INTO metrics (name, table_fqname, expression) VALUES"
                      " ('net_revenue', 'shop.main.revenue', 'sum(amount)');";
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg ? msg : "?");
    sqlite3_close(h);
    free(db);
}

static const char FIXTURE_USERS[] = "users:\n"
                                    "  - {name: root, admin: true}\n"
                                    "  - {name: bo, email: bo@example.com, groups: [growth]}\n"
                                    "  - {name: di, groups: [finance]}\n"
                                    "  - {name: raj, groups: [growth]}\n";

static void setup_fixture(void)
{
    open_catalog();
    add_fixture_tables();
    char yaml[4096];
    const char *f = fixtures();
    snprintf(yaml, sizeof yaml,
             "%s"
             "context:\n"
             "  docs: [%s/knowledge/docs, %s/knowledge/notion, %s/knowledge/gdocs]\n"
             "  slack: %s/knowledge/slack\n",
             FIXTURE_USERS, f, f, f, f);
    g_cfg = parse_config(g_dir, yaml);
}

static scout_layer_stats import_ok(void)
{
    scout_layer_stats st;
    scout_err err = {0};
    cr_assert_eq(scout_knowledge_import(g_cat, g_cfg, &st, &err), SCOUT_OK, "%s", err.msg);
    return st;
}

static sqlite3 *peek(void)
{
    char *db = scout_path_join(g_dir, "catalog.db");
    sqlite3 *h;
    cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    free(db);
    return h;
}

static int64_t count(const char *sql)
{
    sqlite3 *h = peek();
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

/* Retrieval results collected as one text: "uri|heading|text" per chunk. */
typedef struct seen {
    scout_buf all;
    int n;
} seen;

static int collect(void *ud, const scout_chunk *c)
{
    seen *s = ud;
    scout_buf_printf(&s->all, "%s|%s|%s|%s\n", c->uri, c->heading ? c->heading : "", c->text,
                     c->matched ? c->matched : "");
    s->n++;
    return 0;
}

static seen for_table(const char *fqname, const char *user)
{
    scout_principal p, *who = NULL;
    scout_err err = {0};
    if (user) {
        cr_assert_eq(scout_principal_from_config(g_cfg, user, &p, &err), SCOUT_OK, "%s", err.msg);
        who = &p;
    }
    seen s = {SCOUT_BUF_INIT, 0};
    cr_assert_eq(scout_knowledge_chunks_for_table(g_cat, fqname, who, collect, &s, &err), SCOUT_OK,
                 "%s", err.msg);
    return s;
}

static bool has(const seen *s, const char *needle)
{
    return strstr(scout_buf_cstr(&s->all), needle) != NULL;
}

/* ---------- fixtures ---------- */

TestSuite(knowledge, .init = setup_fixture, .fini = teardown);

Test(knowledge, doc_chunks_follow_headings_and_stay_near_the_budget)
{
    import_ok();
    sqlite3 *h = peek();
    sqlite3_stmt *st;
    cr_assert_eq(
        sqlite3_prepare_v2(h,
                           "SELECT c.heading, c.text, c.tokens, m.uri FROM knowledge_chunks c"
                           " JOIN knowledge_docs d ON d.id = c.doc_id"
                           " JOIN knowledge_chunk_meta m ON m.chunk_id = c.id"
                           " WHERE d.uri LIKE '%/plus.md' ORDER BY c.ordinal",
                           -1, &st, NULL),
        SQLITE_OK);
    int n = 0, reconciliation = 0;
    bool finance = false, growth = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *heading = (const char *)sqlite3_column_text(st, 0);
        const char *text = (const char *)sqlite3_column_text(st, 1);
        const char *uri = (const char *)sqlite3_column_text(st, 3);
        int tokens = sqlite3_column_int(st, 2);
        n++;
        cr_assert_leq(tokens, 330, "chunk of %d tokens under %s", tokens, heading);
        /* A chunk never spans two sections. */
        cr_assert(!(strstr(text, "trials included") && strstr(text, "Paid Plus")), "%s", text);
        if (!strcmp(heading, "Plus subscribers \xe2\x80\xba Finance definition")) {
            finance = true;
            cr_assert(strstr(text, "trials excluded"), "strong markers are dropped: %s", text);
            cr_assert(strstr(text, "Edge cases") && strstr(text, "de-duplicated by billing email"),
                      "a short sub-section stays with its section: %s", text);
            cr_assert(strstr(uri, "/plus.md#finance-definition"), "%s", uri);
        }
        if (!strcmp(heading, "Plus subscribers \xe2\x80\xba Growth definition")) growth = true;
        if (strstr(heading, "Reconciliation")) {
            reconciliation++;
            cr_assert_geq(tokens, 100, "long sections split into full chunks, not crumbs");
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    cr_assert(finance && growth);
    cr_assert_geq(reconciliation, 2, "a ~1000-token section is split");
    cr_assert_geq(n, 5);
}

Test(knowledge, notion_titles_come_from_the_heading_or_the_file_name)
{
    import_ok();
    cr_assert_eq(count("SELECT count(*) FROM knowledge_docs WHERE kind = 'notion'"
                       " AND title = 'Team Wiki'"),
                 1);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_docs WHERE kind = 'notion'"
                       " AND title = 'Onboarding Checklist'"),
                 1, "no heading: the file name without Notion's id");
    char *t = scout_document_notion_title("Q3 Plan 0123456789abcdef0123456789abcdef.md");
    cr_assert_str_eq(t, "Q3 Plan");
    free(t);
    t = scout_document_notion_title("plain.md");
    cr_assert_str_eq(t, "plain");
    free(t);
}

Test(knowledge, codenames_are_recorded_with_their_meaning)
{
    import_ok();
    char *meaning = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_knowledge_codename(g_cat, "lighthouse", NULL, &meaning, &err), SCOUT_OK,
                 "%s", err.msg);
    cr_assert_str_eq(meaning, "export");
    free(meaning);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_codenames WHERE kind = 'feature'"), 1);
    cr_assert_eq(scout_knowledge_codename(g_cat, "Nope", NULL, &meaning, &err), SCOUT_ENOTFOUND);
}

static int collect_codename(void *ud, const char *term, const char *kind, const char *meaning)
{
    scout_buf_printf(ud, "%s=%s:%s\n", term, kind ? kind : "", meaning);
    return 0;
}

static char *codenames_for(const char *user)
{
    scout_principal p, *who = NULL;
    scout_err err = {0};
    if (user) {
        cr_assert_eq(scout_principal_from_config(g_cfg, user, &p, &err), SCOUT_OK, "%s", err.msg);
        who = &p;
    }
    scout_buf b = SCOUT_BUF_INIT;
    cr_assert_eq(scout_knowledge_codenames_each(g_cat, who, collect_codename, &b, &err), SCOUT_OK,
                 "%s", err.msg);
    scout_buf_puts(&b, "");
    return scout_buf_take(&b);
}

Test(knowledge, a_codename_stated_in_a_private_chunk_reaches_only_its_readers)
{
    import_ok();
    char *all = codenames_for(NULL);
    cr_assert(strstr(all, "Lighthouse=feature:export\n") != NULL, "%s", all);
    free(all);
    /* the same statement, now in a chunk only di may read */
    cr_assert_eq(sqlite3_exec(scout_catalog_db(g_cat),
                              "UPDATE knowledge_chunks SET acl_public = 0, acl_users = '[\"di\"]'"
                              " WHERE id IN (SELECT chunk_id FROM knowledge_codenames)",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    char *bo = codenames_for("bo"), *di = codenames_for("di");
    cr_assert(strstr(bo, "Lighthouse") == NULL, "a non-reader learns the codename: %s", bo);
    cr_assert(strstr(di, "Lighthouse=feature:export\n") != NULL, "%s", di);
    free(bo);
    free(di);
}

Test(knowledge, a_launch_day_is_learned_from_the_sentence_that_says_it)
{
    import_ok();
    char day[11];
    char *uri = NULL;
    scout_err err = {0};
    /* "Lighthouse is the internal codename of the export feature … It shipped
       to everyone on 2025-03-10. The beta ran from 2025-02-01 …" */
    cr_assert_eq(scout_knowledge_launch_day(g_cat, "lighthouse", NULL, day, &uri, &err), SCOUT_OK,
                 "%s", err.msg);
    cr_assert_str_eq(day, "2025-03-10");
    cr_assert(uri && strstr(uri, "Team Wiki"), "%s", uri ? uri : "(null)");
    free(uri);
    cr_assert_eq(scout_knowledge_launch_day(g_cat, "Export", NULL, day, NULL, &err), SCOUT_OK,
                 "what the codename stands for launched the same day");
    cr_assert_str_eq(day, "2025-03-10");
    cr_assert_eq(count("SELECT count(*) FROM knowledge_launches"), 1,
                 "a date without a launch word is not a launch");
    cr_assert_eq(scout_knowledge_launch_day(g_cat, "Nope", NULL, day, NULL, &err), SCOUT_ENOTFOUND);
}

Test(knowledge, google_docs_html_becomes_text_with_headings)
{
    scout_buf b = SCOUT_BUF_INIT;
    char *title = NULL;
    scout_buf html = SCOUT_BUF_INIT;
    char *path = scout_path_join(fixtures(), "knowledge/gdocs/Runbook.html");
    scout_err err = {0};
    cr_assert_eq(scout_buf_read_file(&html, path, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_document_html_to_text(html.data, html.len, &b, &title), SCOUT_OK);
    const char *t = scout_buf_cstr(&b);
    cr_assert_str_eq(title, "On-call & Runbook");
    cr_assert(strstr(t, "# Paging policy\n"), "%s", t);
    cr_assert(strstr(t, "\n## Escalation\n"), "%s", t);
    cr_assert(strstr(t, "p95 > 2\xc3\x97 the weekly median \xe2\x80\x94 not before."), "%s", t);
    cr_assert(strstr(t, "- Primary: 15 minutes\n- Secondary: 30 minutes \xe2\x86\x92 manager"),
              "%s", t);
    cr_assert(strstr(t, "Caf\xc3\xa9 ABC &amp;"), "entities decode once: %s", t);
    cr_assert(!strstr(t, "not a heading") && !strstr(t, "font-weight") && !strstr(t, "comment"),
              "%s", t);
    free(title);
    free(path);
    scout_buf_free(&b);
    scout_buf_free(&html);

    import_ok();
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks c JOIN knowledge_docs d"
                       " ON d.id = c.doc_id WHERE d.kind = 'gdoc' AND d.title = 'On-call & Runbook'"
                       " AND c.heading = 'Paging policy \xe2\x80\xba Escalation'"),
                 1);
}

Test(knowledge, a_slack_thread_stays_together_across_days)
{
    import_ok();
    sqlite3 *h = peek();
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(h,
                                    "SELECT c.text, m.authors, c.heading FROM knowledge_chunks c"
                                    " JOIN knowledge_chunk_meta m ON m.chunk_id = c.id"
                                    " WHERE m.uri = 'slack://general/1704100200.000300'",
                                    -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    const char *text = (const char *)sqlite3_column_text(st, 0);
    cr_assert(strstr(text, "Ann Admin: Is shop.main.revenue_v1 still safe to use?\n"
                           "Bo Growth: No, it double-counts refunds & will be dropped\n"
                           "Ann Admin: thanks, switching to shop.main.revenue"),
              "%s", text);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 1), "Ann Admin, Bo Growth");
    cr_assert(strstr((const char *)sqlite3_column_text(st, 2), "thread"));
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "one chunk per short thread");
    sqlite3_finalize(st);
    sqlite3_close(h);
    /* Consecutive unthreaded messages of one day form one chunk (a thread in
     * between ends the run); joins are dropped; links keep label and url. */
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks WHERE text ="
                       " 'Ann Admin: good morning\nBo Growth: morning @Ann Admin!'"),
                 1);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks WHERE text ="
                       " 'Cy Contractor: lunch at the usual place (https://example.com/menu)?'"),
                 1);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks WHERE text LIKE '%has joined%'"), 0);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks WHERE text ="
                       " 'Di Finance: new day, new questions'"),
                 1, "another day is another chunk");
}

Test(knowledge, a_private_channel_is_read_only_by_its_members)
{
    import_ok();
    const char *secret = "slack://secret/";
    seen s = for_table("shop.main.revenue_v1", "bo");
    cr_assert(has(&s, "slack://general/1704100200.000300"), "%s", scout_buf_cstr(&s.all));
    cr_assert(!has(&s, secret), "non-member sees a private channel: %s", scout_buf_cstr(&s.all));
    scout_buf_free(&s.all);
    s = for_table("shop.main.revenue_v1", NULL);
    cr_assert(!has(&s, secret) && s.n >= 1);
    scout_buf_free(&s.all);
    s = for_table("shop.main.revenue_v1", "di");
    cr_assert(has(&s, secret), "member (mapped by name) misses it: %s", scout_buf_cstr(&s.all));
    cr_assert(has(&s, "|revenue_v1\n"), "the matched text is kept");
    scout_buf_free(&s.all);
    s = for_table("shop.main.revenue_v1", "root");
    cr_assert(has(&s, secret));
    scout_buf_free(&s.all);
    /* The unmapped member is kept as a Slack id, so nothing widens. */
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks c JOIN knowledge_docs d"
                       " ON d.id = c.doc_id WHERE d.channel = 'secret' AND c.acl_public = 0"
                       " AND c.acl_users = '[\"di\",\"slack:U3\"]'"),
                 1);
}

Test(knowledge, a_finance_doc_is_hidden_from_growth_but_not_from_its_owner)
{
    import_ok();
    const char *doc = "finance-only.md#deprecation-notice";
    seen s = for_table("shop.main.revenue_v1", "bo");
    cr_assert(!has(&s, doc), "%s", scout_buf_cstr(&s.all));
    scout_buf_free(&s.all);
    s = for_table("shop.main.revenue_v1", "di");
    cr_assert(has(&s, doc), "%s", scout_buf_cstr(&s.all));
    cr_assert(has(&s, "double-counts refunds"));
    scout_buf_free(&s.all);
    s = for_table("shop.main.revenue_v1", "raj");
    cr_assert(has(&s, doc), "owners read their own doc");
    scout_buf_free(&s.all);
    /* Bare "revenue" in prose is no table reference; `analytics.plus_daily` is. */
    cr_assert_eq(count("SELECT count(*) FROM chunk_mentions WHERE fqname = 'shop.main.revenue'"), 2,
                 "the doc and the thread name it fully");
    cr_assert_eq(count("SELECT count(*) FROM chunk_mentions WHERE fqname ="
                       " 'shop.analytics.plus_daily'"),
                 1);
}

Test(knowledge, malformed_files_are_recorded_with_file_and_line_and_the_rest_loads)
{
    scout_config_free(g_cfg);
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "%scontext:\n  docs: %s/knowledge/broken\n  slack: %s/knowledge/slack\n",
             FIXTURE_USERS, fixtures(), fixtures());
    g_cfg = parse_config(g_dir, yaml);
    scout_layer_stats st = import_ok();
    cr_assert_eq(st.errors, 2);
    cr_assert_eq(count("SELECT count(*) FROM context_files WHERE layer = 4 AND error IS NOT NULL"),
                 2);
    cr_assert_eq(count("SELECT count(*) FROM context_files WHERE path LIKE '%/2024-01-03.json'"
                       " AND error LIKE '%/2024-01-03.json:3:%'"),
                 1, "jansson's line is kept");
    cr_assert_eq(count("SELECT count(*) FROM context_files WHERE path LIKE '%/bad-front-matter.md'"
                       " AND error GLOB '*bad-front-matter.md:[0-9]*: *'"),
                 1);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_docs WHERE title = 'Fine doc'"), 1);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_docs WHERE kind = 'slack'"), 2);
    cr_assert_geq(st.records, 5);
}

Test(knowledge, reimport_replaces_and_gives_the_same_counts)
{
    scout_layer_stats a = import_ok();
    const char *q[] = {"SELECT count(*) FROM knowledge_docs",
                       "SELECT count(*) FROM knowledge_chunks",
                       "SELECT count(*) FROM chunk_mentions",
                       "SELECT count(*) FROM knowledge_mentions",
                       "SELECT count(*) FROM knowledge_codenames",
                       "SELECT count(*) FROM context_files WHERE layer = 4"};
    int64_t before[6];
    for (int i = 0; i < 6; i++) before[i] = count(q[i]);
    scout_layer_stats b = import_ok();
    for (int i = 0; i < 6; i++) cr_assert_eq(count(q[i]), before[i], "%s", q[i]);
    cr_assert_eq(a.records, b.records);
    cr_assert_eq(a.files, b.files);
    cr_assert_eq(a.errors, b.errors);
    cr_assert_gt(before[1], 10);
    scout_catalog_counts k;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_counts_get(g_cat, &k, &err), SCOUT_OK);
    cr_assert_eq(k.knowledge_chunks, before[1]);
}

Test(knowledge, metric_names_in_prose_link_the_metric_and_its_table)
{
    import_ok();
    cr_assert_eq(count("SELECT count(*) FROM knowledge_mentions WHERE kind = 'metric'"
                       " AND target = 'net_revenue' AND matched = 'Net revenue'"),
                 1);
    seen s = for_table("shop.main.revenue", "di");
    cr_assert(has(&s, "Net revenue is gross revenue minus refunds"), "%s", scout_buf_cstr(&s.all));
    scout_buf_free(&s.all);
}

/* Writes a one-channel export whose only thread is ~40 messages long. */
static void write_long_thread(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/slack", dir);
    cr_assert_eq(scout_mkdir_p(path, NULL), SCOUT_OK);
    snprintf(path, sizeof path, "%s/slack/channels.json", dir);
    FILE *f = fopen(path, "w");
    fputs("[{\"name\": \"ops\", \"members\": []}]", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/slack/ops", dir);
    cr_assert_eq(scout_mkdir_p(path, NULL), SCOUT_OK);
    snprintf(path, sizeof path, "%s/slack/ops/2024-02-01.json", dir);
    f = fopen(path, "w");
    fputs("[", f);
    for (int i = 0; i < 40; i++)
        fprintf(f,
                "%s{\"user\": \"U9\", \"ts\": \"1706745600.%06d\", \"thread_ts\":"
                " \"1706745600.000000\", \"text\": \"step %d: restart the queue worker, wait"
                " for the backlog to drain below one thousand jobs, then re-enable alerts\"}",
                i ? "," : "", i, i);
    fputs("]", f);
    fclose(f);
}

Test(knowledge, a_long_thread_is_split_at_message_boundaries)
{
    write_long_thread(g_dir);
    scout_config_free(g_cfg);
    char yaml[512];
    snprintf(yaml, sizeof yaml, "context:\n  slack: %s/slack\n", g_dir);
    g_cfg = parse_config(g_dir, yaml);
    import_ok();
    int64_t parts = count("SELECT count(*) FROM knowledge_chunks c JOIN knowledge_chunk_meta m"
                          " ON m.chunk_id = c.id WHERE m.uri = 'slack://ops/1706745600.000000'"
                          " AND c.heading LIKE '%thread (part %' AND c.tokens <= 330");
    cr_assert_geq(parts, 2);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks"), parts);
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks WHERE text LIKE '%step 39:%'"
                       " AND text NOT LIKE '%step 38:%'"),
                 0, "messages are never cut");
}

/* ---------- Acme ---------- */

static const char ACME_USERS[] =
    "context:\n  docs: docs\n  slack: slack\n"
    "users:\n"
    "  - {name: maya.chen, email: maya.chen@acme.io, groups: [finance, finance-data, exec],"
    " admin: true}\n"
    "  - {name: raj.patel, email: raj.patel@acme.io, groups: [finance, finance-data]}\n"
    "  - {name: liam.brooks, email: liam.brooks@acme.io, groups: [finance, data-platform]}\n"
    "  - {name: priya.nair, email: priya.nair@acme.io, groups: [finance, exec]}\n"
    "  - {name: sofia.alvarez, email: sofia.alvarez@acme.io, groups: [growth-analytics]}\n"
    "  - {name: dana.kowalski, email: dkowalski@acme.io, groups: [platform-eng]}\n";

static void setup_acme(void)
{
    open_catalog();
    scout_acme_opts opts = {.seed = SCOUT_ACME_DEFAULT_SEED, .scale = 0.02};
    scout_acme_stats as;
    scout_err err = {0};
    cr_assert_eq(scout_acme_generate(g_dir, &opts, &as, &err), SCOUT_OK, "%s", err.msg);
    scout_buf y = SCOUT_BUF_INIT;
    cr_assert_eq(scout_acme_sources_yaml("warehouse", &y), SCOUT_OK);
    scout_buf_puts(&y, ACME_USERS);
    g_cfg = parse_config(g_dir, scout_buf_cstr(&y));
    scout_buf_free(&y);
    scout_index_stats is;
    cr_assert_eq(scout_catalog_index(g_cat, g_cfg, NULL, NULL, &is, &err), SCOUT_OK, "%s", err.msg);
}

TestSuite(knowledge_acme, .init = setup_acme, .fini = teardown, .timeout = 120);

Test(knowledge_acme, acme_docs_and_slack_link_the_deprecated_table_with_acls)
{
    scout_layer_stats st = import_ok();
    fprintf(stderr, "knowledge import (acme 0.02): %lld files, %lld chunks, %.1f ms\n",
            (long long)st.files, (long long)st.records, st.elapsed_ms);
    cr_assert_eq(st.errors, 0);
    cr_assert_lt(st.elapsed_ms, 1000.0);
    const char *v1 = "finance.archive.revenue_daily_v1";

    seen s = for_table(v1, "raj.patel");
    cr_assert(has(&s, "slack://finance-data/"), "%s", scout_buf_cstr(&s.all));
    cr_assert(has(&s, "double-counts refunds"), "%s", scout_buf_cstr(&s.all));
    cr_assert(has(&s, "deprecation-revenue-daily-v1.md"), "%s", scout_buf_cstr(&s.all));
    scout_buf_free(&s.all);

    s = for_table(v1, "sofia.alvarez");
    cr_assert(!has(&s, "slack://finance-data/") && !has(&s, "slack://exec-metrics/"),
              "growth reads a private channel: %s", scout_buf_cstr(&s.all));
    cr_assert(!has(&s, "deprecation-revenue-daily-v1.md") && !has(&s, "metrics-revenue.md"),
              "growth reads a finance doc: %s", scout_buf_cstr(&s.all));
    scout_buf_free(&s.all);

    s = for_table(v1, "maya.chen");
    cr_assert(has(&s, "slack://finance-data/"));
    scout_buf_free(&s.all);

    /* Dana maps by email (Slack name dkowalski) and is in no private channel. */
    cr_assert_eq(count("SELECT count(*) FROM knowledge_chunks WHERE acl_users LIKE '%dana%'"), 0);
    cr_assert_gt(count("SELECT count(*) FROM knowledge_chunks WHERE acl_users LIKE"
                       " '%\"raj.patel\"%'"),
                 0);

    char *meaning = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_knowledge_codename(g_cat, "Lighthouse", NULL, &meaning, &err), SCOUT_OK,
                 "%s", err.msg);
    cr_assert_str_eq(meaning, "export");
    free(meaning);

    cr_assert_gt(count("SELECT count(*) FROM knowledge_chunks WHERE heading ="
                       " 'Plus subscribers \xe2\x80\xba Finance definition"
                       " (finance.mart.plus_subscribers_daily)'"),
                 0);
    cr_assert_gt(count("SELECT count(*) FROM chunk_mentions WHERE fqname ="
                       " 'product.analytics.export_launch_adoption'"),
                 0);
    cr_assert_gt(count("SELECT count(*) FROM knowledge_mentions WHERE kind = 'table'"
                       " AND matched = 'revenue_daily_v1'"),
                 0, "bare names resolve when unambiguous");
}
