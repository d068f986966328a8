/* Golden ranking tests for lib/search on a small Acme indexed through every
 * layer: deprecated lookalikes never outrank their replacement, values and
 * synonyms find the tables that hold them, the permission hook hides a
 * table with its docs and queries, and malformed questions fail cleanly. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "catalog/layers.h"
#include "search/search.h"
#include "support/proc.h"

static char *g_dir;
static scout_catalog *g_cat;
static scout_search *g_s;

static const char CONTEXT_YAML[] = "context:\n"
                                   "  dbt: dbt\n"
                                   "  docs: docs\n"
                                   "  slack: slack\n"
                                   "  query_logs: query_log.jsonl\n"
                                   "  dashboards: dashboards\n";

static void setup_acme(void)
{
    g_dir = test_tmpdir();
    scout_acme_opts o = {SCOUT_ACME_DEFAULT_SEED, 0.02, NULL, NULL};
    scout_acme_stats ast;
    scout_err err = {0};
    cr_assert_eq(scout_acme_generate(g_dir, &o, &ast, &err), SCOUT_OK, "%s", err.msg);
    char cfgp[512], catp[512];
    snprintf(cfgp, sizeof cfgp, "%s/scout.yaml", g_dir);
    snprintf(catp, sizeof catp, "%s/catalog.db", g_dir);
    FILE *f = fopen(cfgp, "a");
    cr_assert_not_null(f);
    fputs(CONTEXT_YAML, f);
    fclose(f);
    scout_config *cfg = NULL;
    cr_assert_eq(scout_config_load(cfgp, &cfg, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_catalog_open(catp, &g_cat, &err), SCOUT_OK, "%s", err.msg);
    scout_index_report rep;
    cr_assert_eq(scout_layers_index(g_cat, cfg, NULL, SCOUT_LAYERS_ALL, NULL, NULL, &rep, &err),
                 SCOUT_OK, "%s", err.msg);
    scout_config_free(cfg);
    scout_search_update_stats st;
    cr_assert_eq(scout_search_index_update(g_cat, &st, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_geq(st.docs, 120);
    cr_assert_eq(scout_search_open(g_cat, &g_s, &err), SCOUT_OK, "%s", err.msg);
}

static void teardown_acme(void)
{
    scout_search_close(g_s);
    scout_catalog_close(g_cat);
    test_rmdir(g_dir);
    free(g_dir);
}

static scout_search_results *ask(const char *q, unsigned kinds, const scout_search_policy *pol)
{
    scout_search_opts o = {.kinds = kinds, .k = 10, .policy = pol};
    scout_search_results *r = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_search_query(g_s, q, &o, &r, &err), SCOUT_OK, "'%s': %s", q, err.msg);
    return r;
}

/* 1-based rank of key among r's hits, 0 when absent. */
static int rank_of(const scout_search_results *r, const char *key)
{
    for (size_t i = 0; i < scout_search_results_count(r); i++)
        if (!strcmp(scout_search_results_hit(r, i)->key, key)) return (int)i + 1;
    return 0;
}

static int rank_for(const char *q, const char *key)
{
    scout_search_results *r = ask(q, 0, NULL);
    int n = rank_of(r, key);
    scout_search_results_free(r);
    return n;
}

TestSuite(search, .init = setup_acme, .fini = teardown_acme, .timeout = 120);

Test(search, deprecated_lookalike_never_outranks_its_replacement)
{
    const char *qs[] = {"daily revenue", "revenue_daily_v1", "revenue by day and region",
                        "revenue daily v1 refunds", "old daily revenue table"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        scout_search_results *r = ask(qs[i], 0, NULL);
        int good = rank_of(r, "finance.mart.revenue_daily");
        int bad = rank_of(r, "finance.archive.revenue_daily_v1");
        cr_assert(good > 0, "'%s': the replacement is missing", qs[i]);
        cr_assert(bad == 0 || good < bad, "'%s': v1 at %d above revenue_daily at %d", qs[i], bad,
                  good);
        if (bad) {
            const scout_search_hit *h = scout_search_results_hit(r, (size_t)bad - 1);
            bool says_use = false;
            for (size_t c = 0; c < h->n_caveats; c++)
                says_use |= strstr(h->caveats[c], "finance.mart.revenue_daily") != NULL;
            cr_assert(says_use, "'%s': the deprecated hit must say what to use", qs[i]);
        }
        scout_search_results_free(r);
    }
}

Test(search, a_value_mention_finds_the_table_that_holds_it)
{
    /* EMEA is a value of region columns; android of platform; Plus of plan. */
    scout_search_results *r = ask("EMEA", 0, NULL);
    cr_assert_gt(scout_search_results_count(r), 0);
    const scout_search_hit *h = scout_search_results_hit(r, 0);
    bool value_why = false;
    for (size_t i = 0; i < h->n_why; i++) value_why |= strstr(h->why[i], "value 'EMEA'") != NULL;
    cr_assert(value_why, "the top hit for EMEA must say which column holds it (%s)", h->key);
    scout_search_results_free(r);
    cr_assert_leq(rank_for("android users by day", "product.analytics.platform_mix_daily"), 3);
    int a = rank_for("Plus subscribers", "product.analytics.plus_subscribers_daily");
    int b = rank_for("Plus subscribers", "finance.mart.plus_subscribers_daily");
    cr_assert(a >= 1 && a <= 3 && b >= 1 && b <= 3, "both Plus subscriber tables: %d, %d", a, b);
}

Test(search, a_synonym_finds_the_table)
{
    cr_assert_leq(rank_for("income", "finance.mart.revenue_daily"), 3);
    cr_assert_leq(rank_for("daily income", "finance.mart.revenue_daily"), 1);
    int n = rank_for("income by day", "finance.mart.revenue_daily");
    cr_assert(n >= 1 && n <= 3, "income by day: %d", n);
    n = rank_for("support cases per day", "crm.support.tickets_daily");
    cr_assert(n >= 1 && n <= 3, "cases ~ tickets: %d", n);
}

Test(search, initials_of_the_question_find_a_table_named_by_them)
{
    /* "dau", "wau": the words of the question spell the table's name. */
    cr_assert_eq(rank_for("daily active users", "product.analytics.dau"), 1);
    cr_assert_eq(rank_for("weekly active users trend", "product.analytics.wau"), 1);
    /* A real word is never taken as initials ("open pipeline emea na"). */
    scout_search_results *r = ask("compare open pipeline in EMEA and NA", 0, NULL);
    cr_assert_str_not_empty(scout_search_results_terms(r));
    cr_assert_null(strstr(scout_search_results_terms(r), "emea→open"), "%s",
                   scout_search_results_terms(r));
    scout_search_results_free(r);
    /* Every word gives a letter: "average paid plus subscribers" spells
     * "apps", whose stem "app" leaves the last word without one. */
    r = ask("average paid Plus subscribers per month in 2025", 0, NULL);
    cr_expect_null(strstr(scout_search_results_terms(r), "apps"), "%s",
                   scout_search_results_terms(r));
    scout_search_results_free(r);
    int n = rank_for("average paid Plus subscribers per month in 2025",
                     "finance.mart.plus_subscribers_daily");
    cr_expect(n >= 1 && n <= 8, "the table named for paid Plus subscribers: %d", n);
}

Test(search, a_period_is_not_required_but_a_grain_is)
{
    /* "last month" is a period any dated table can apply: the invoices table
     * must not lose to tables that merely mention months. */
    cr_assert_leq(
        rank_for("How many invoices did we send last month?", "finance.mart.fct_invoices"), 2);
    /* "monthly" is a grain: the monthly table beats the daily one. */
    int m = rank_for("monthly revenue", "finance.mart.revenue_monthly");
    int d = rank_for("monthly revenue", "finance.mart.revenue_daily");
    cr_assert(m >= 1 && (d == 0 || m < d), "monthly %d, daily %d", m, d);
}

Test(search, a_codename_from_the_docs_means_what_it_stands_for)
{
    /* docs: "Lighthouse is the internal codename of the export feature". */
    scout_search_results *r = ask("Lighthouse usage by platform", 0, NULL);
    cr_assert_not_null(strstr(scout_search_results_terms(r), "lighthouse→export"), "%s",
                       scout_search_results_terms(r));
    scout_search_results_free(r);
    cr_assert_leq(rank_for("Lighthouse usage by platform", "product.analytics.feature_usage_daily"),
                  5);
}

Test(search, a_curated_value_synonym_means_the_value)
{
    /* as curated: {term: Beacon, value: "feature = 'ai_assist'"} (this
     * suite indexes no context directory, so the row is written here) */
    cr_assert_eq(sqlite3_exec(scout_catalog_db(g_cat),
                              "INSERT OR IGNORE INTO synonyms (term, target_kind, target, origin)"
                              " VALUES ('Beacon', 'value', 'feature = ''ai_assist''', 'curated')",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    scout_search *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_search_open(g_cat, &s, &err), SCOUT_OK, "%s", err.msg);
    scout_search_opts o = {.k = 10};
    scout_search_results *r = NULL;
    cr_assert_eq(scout_search_query(s, "Beacon events per month", &o, &r, &err), SCOUT_OK);
    cr_assert_not_null(strstr(scout_search_results_terms(r), "beacon→"), "%s",
                       scout_search_results_terms(r));
    int n = rank_of(r, "product.analytics.feature_usage_daily");
    cr_assert(n >= 1 && n <= 5, "feature_usage_daily at %d", n);
    scout_search_results_free(r);
    scout_search_close(s);
}

Test(search, a_replica_ranks_below_the_table_it_copies)
{
    /* finance.raw.subscriptions: "Replica of product.raw.subscriptions". */
    int orig = rank_for("active subscriptions by plan", "product.raw.subscriptions");
    int copy = rank_for("active subscriptions by plan", "finance.raw.subscriptions");
    cr_assert(orig >= 1 && (copy == 0 || orig < copy), "original %d, replica %d", orig, copy);
    scout_search_results *r = ask("active subscriptions by plan", 0, NULL);
    bool said = false;
    for (size_t i = 0; i < scout_search_results_count(r); i++) {
        const scout_search_hit *h = scout_search_results_hit(r, i);
        for (size_t j = 0; strcmp(h->key, "finance.raw.subscriptions") == 0 && j < h->n_caveats;
             j++)
            said |= strstr(h->caveats[j], "replica of product.raw.subscriptions") != NULL;
    }
    scout_search_results_free(r);
    cr_assert(said || copy == 0, "the replica says what it copies");
}

/* ---- permissions ---- */

static bool hide_revenue_daily(void *ud, const char *fq)
{
    (void)ud;
    return strcmp(fq, "finance.mart.revenue_daily") != 0;
}

static bool mentions_hidden(const scout_search_hit *h)
{
    if (strstr(h->key, "finance.mart.revenue_daily") || strstr(h->title, "mart.revenue_daily"))
        return true;
    for (size_t i = 0; i < h->n_why; i++)
        if (strstr(h->why[i], "finance.mart.revenue_daily")) return true;
    for (size_t i = 0; i < h->n_caveats; i++)
        if (strstr(h->caveats[i], "finance.mart.revenue_daily")) return true;
    return false;
}

Test(search, the_policy_hides_a_table_its_docs_and_its_queries)
{
    const char *qs[] = {"daily revenue", "revenue_daily_v1", "revenue refunds double counted",
                        "executive revenue dashboard", "income"};
    scout_search_policy pol = {.can_read_table = hide_revenue_daily};
    size_t seen_docs = 0;
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        /* Without the policy the table is found (so the test can fail). */
        scout_search_results *open = ask(qs[i], SCOUT_SEARCH_KINDS_ALL, NULL);
        if (i == 0) cr_assert_gt(rank_of(open, "finance.mart.revenue_daily"), 0);
        scout_search_results_free(open);
        scout_search_results *r = ask(qs[i], SCOUT_SEARCH_KINDS_ALL, &pol);
        for (size_t j = 0; j < scout_search_results_count(r); j++) {
            const scout_search_hit *h = scout_search_results_hit(r, j);
            cr_assert(!mentions_hidden(h), "'%s': hit %s leaks the hidden table", qs[i], h->key);
            seen_docs += h->kind != SCOUT_SEARCH_TABLE;
        }
        scout_search_results_free(r);
    }
    cr_assert_gt(seen_docs, 0, "other docs and queries still come back");
}

static bool no_chunks(void *ud, const scout_search_acl *acl)
{
    (void)ud;
    (void)acl;
    return false;
}

Test(search, the_chunk_hook_and_default_acls_filter_docs)
{
    scout_search_policy pol = {.can_read_chunk = no_chunks};
    scout_search_results *r = ask("revenue refunds", 1u << SCOUT_SEARCH_DOC, &pol);
    cr_assert_eq(scout_search_results_count(r), 0);
    scout_search_results_free(r);
    /* Anonymous: only public chunks; a private Slack channel stays hidden. */
    scout_search_acl priv = {false, "[\"finance-data\"]", "[]"};
    const char *groups[] = {"finance-data"};
    scout_principal member = {"raj", NULL, groups, 1, false}, other = {"bob", NULL, NULL, 0, false};
    cr_assert(scout_search_acl_allows(&priv, &member));
    cr_assert(!scout_search_acl_allows(&priv, &other));
    cr_assert(!scout_search_acl_allows(&priv, NULL));
}

/* ---- malformed questions ---- */

static void assert_user_error(const char *q, const char *needle)
{
    scout_search_results *r = NULL;
    scout_err err = {0};
    scout_search_opts o = {0};
    cr_assert_eq(scout_search_query(g_s, q, &o, &r, &err), SCOUT_EUSER);
    cr_assert_null(r);
    cr_assert(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
}

Test(search, malformed_questions_get_a_clear_message)
{
    assert_user_error("", "empty question");
    assert_user_error("   \t\n", "empty question");
    assert_user_error(NULL, "empty question");
    assert_user_error("the of and to what is", "no searchable words");
    assert_user_error("?!?! ... ---", "no searchable words");
    assert_user_error("\x01\x02\x03\x7f", "empty question");
    assert_user_error("revenue \xff\xfe in EMEA", "utf-8");
    size_t big = 100 * 1024;
    char *huge = malloc(big + 1);
    cr_assert_not_null(huge);
    for (size_t i = 0; i < big; i++) huge[i] = "revenue "[i % 8];
    huge[big] = '\0';
    assert_user_error(huge, "too long");
    free(huge);
    /* Control characters inside real words are separators, not errors. */
    scout_search_results *r = ask("daily\x01revenue\x1b", 0, NULL);
    cr_assert_eq(rank_of(r, "finance.mart.revenue_daily"), 1);
    scout_search_results_free(r);
    /* Unknown words only: no hits, no error. */
    r = ask("zzqx wibblefrotz", 0, NULL);
    cr_assert_eq(scout_search_results_count(r), 0);
    scout_search_results_free(r);
}

Test(search, every_hit_says_why)
{
    scout_search_results *r = ask("refunds per month", SCOUT_SEARCH_KINDS_ALL, NULL);
    cr_assert_gt(scout_search_results_count(r), 0);
    for (size_t i = 0; i < scout_search_results_count(r); i++)
        cr_assert_gt(scout_search_results_hit(r, i)->n_why, 0);
    json_t *j = scout_search_results_json(r);
    cr_assert(json_is_array(json_object_get(j, "hits")));
    json_decref(j);
    scout_search_results_free(r);
}

Test(search, an_unchanged_catalog_updates_nothing_and_a_changed_card_is_reindexed)
{
    scout_search_update_stats st;
    scout_err err = {0};
    cr_assert_eq(scout_search_index_update(g_cat, &st, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(st.added + st.changed + st.removed, 0, "%zu %zu %zu", st.added, st.changed,
                 st.removed);
    cr_assert_gt(st.unchanged, 120);

    /* A curator documents a table: only its card is re-tokenised. */
    char catp[512];
    snprintf(catp, sizeof catp, "%s/catalog.db", g_dir);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(catp, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    cr_assert_eq(sqlite3_exec(db,
                              "UPDATE tables SET description = 'Quarterly takings by country'"
                              " WHERE fqname = 'finance.mart.revenue_by_country_quarterly'",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(scout_search_index_update(g_cat, &st, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(st.changed, 1);
    cr_assert_eq(st.added + st.removed, 0);
    scout_search_close(g_s);
    cr_assert_eq(scout_search_open(g_cat, &g_s, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(rank_for("takings", "finance.mart.revenue_by_country_quarterly"), 1);
}
