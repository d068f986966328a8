/* Context layers 2-5 through the real binary on a small Acme: what a user
 * sees in cards, status and memory commands, and who may see what. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/proc.h"

static char *home;

static void acme_home(void)
{
    home = test_acme_home();
}

static void remove_home(void)
{
    test_rmdir(home);
    free(home);
}

/* Runs scout --home HOME [--as USER] ARGS... and returns stdout (caller frees). */
static char *scout_out(const char *as, const char *a, const char *b, const char *c, const char *d)
{
    proc_result r = as ? proc_scoutv("--home", home, "--as", as, a, b, c, d, NULL)
                       : proc_scoutv("--home", home, a, b, c, d, NULL);
    cr_assert_eq(r.status, 0, "scout %s %s failed: %s", a, b ? b : "", r.err);
    free(r.err);
    return r.out;
}

Test(context, deprecated_revenue_card_says_what_to_use_and_why, .init = acme_home,
     .fini = remove_home)
{
    char *card = scout_out("raj.patel", "show", "finance.archive.revenue_daily_v1", NULL, NULL);
    cr_assert(strstr(card, "trust: deprecated") != NULL, "%s", card);
    cr_assert(strstr(card, "finance.mart.revenue_daily") != NULL, "names the replacement: %s",
              card);
    cr_assert(strstr(card, "ouble-counts refunds") != NULL, "says why: %s", card);
    free(card);
    card = scout_out(NULL, "show", "finance.mart.revenue_daily", "--full", NULL);
    cr_assert(strstr(card, "excludes is_test = 1") != NULL, "exclusions from the model: %s", card);
    cr_assert(strstr(card, "finance.staging.stg_invoices") != NULL, "upstream lineage: %s", card);
    cr_assert(strstr(card, "finance.archive.revenue_daily_v1") != NULL, "lookalike named: %s",
              card);
    cr_assert(strstr(card, "canonical queries:") != NULL, "dashboard queries: %s", card);
    free(card);
}

Test(context, status_counts_every_layer, .init = acme_home, .fini = remove_home)
{
    char *out = scout_out(NULL, "--json", "status", NULL, NULL);
    json_t *st = json_loads(out, 0, NULL);
    free(out);
    cr_assert_not_null(st);
    json_t *k = json_object_get(st, "counts");
    const char *positive[] = {"described_tables", "lineage_edges", "join_keys", "knowledge_chunks"};
    for (size_t i = 0; i < sizeof positive / sizeof positive[0]; i++)
        cr_assert_gt(json_integer_value(json_object_get(k, positive[i])), 0, "%s", positive[i]);
    json_t *tiers = json_object_get(k, "query_clusters");
    cr_assert_gt(json_integer_value(json_object_get(tiers, "canonical")), 0);
    cr_assert_gt(json_integer_value(json_object_get(tiers, "noise")), 0);
    cr_assert_eq(json_integer_value(json_object_get(k, "context_file_errors")), 0);
    json_decref(st);
}

Test(context, private_slack_and_finance_docs_reach_only_their_readers, .init = acme_home,
     .fini = remove_home)
{
    /* Reading the finance tables is not being in #finance-data: grant the
     * outsider the source, and the private channel must still stay hidden. */
    proc_result g =
        proc_scoutv("--home", home, "grant", "finance", "--user", "sofia.alvarez", NULL);
    cr_assert_eq(g.status, 0, "%s", g.err);
    proc_result_free(&g);
    char *member =
        scout_out("raj.patel", "show", "finance.archive.revenue_daily_v1", "--full", NULL);
    char *outsider =
        scout_out("sofia.alvarez", "show", "finance.archive.revenue_daily_v1", "--full", NULL);
    cr_assert(strstr(member, "#finance-data") != NULL, "a member sees the private channel");
    cr_assert(strstr(member, "deprecation-revenue-daily-v1.md") != NULL, "and the finance doc");
    cr_assert(strstr(outsider, "#finance-data") == NULL, "a non-member never does: %s", outsider);
    cr_assert(strstr(outsider, "deprecation-revenue-daily-v1.md") == NULL, "%s", outsider);
    free(member);
    free(outsider);
}

Test(context, a_broken_curated_file_is_reported_and_the_rest_still_loads, .init = acme_home,
     .fini = remove_home)
{
    char path[600];
    snprintf(path, sizeof path, "%s/context/broken.yaml", home);
    test_write_file(path, "tables:\n  - table: finance.mart.revenue_daily\n    colour: red\n");
    snprintf(path, sizeof path, "%s/context/good.yaml", home);
    test_write_file(path, "tables:\n  - table: finance.mart.revenue_daily\n"
                          "    source_of_truth: true\n");
    proc_result r = proc_scoutv("--home", home, "index", "--layer", "curated", NULL);
    cr_assert_eq(r.status, 0, "one bad file does not fail the index: %s", r.err);
    cr_assert(strstr(r.err, "broken.yaml:3") != NULL, "file:line of the error: %s", r.err);
    proc_result_free(&r);
    char *st = scout_out(NULL, "status", NULL, NULL, NULL);
    cr_assert(strstr(st, "broken.yaml:3") != NULL, "status lists the failing file: %s", st);
    free(st);
    char *card = scout_out(NULL, "show", "finance.mart.revenue_daily", NULL, NULL);
    cr_assert(strstr(card, "trust: source of truth") != NULL, "the good file loaded: %s", card);
    free(card);
}

Test(context, memories_are_scoped_to_their_readers, .init = acme_home, .fini = remove_home)
{
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "--json", "memory", "add",
                                "refunds in March were booked late; use refund date", "--scope",
                                "personal", "--table", "revenue_daily", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *o = json_loads(r.out, 0, NULL);
    cr_assert_not_null(o);
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(o, "id")));
    json_decref(o);
    proc_result_free(&r);

    char *own = scout_out("raj.patel", "show", "finance.mart.revenue_daily", NULL, NULL);
    cr_assert(strstr(own, "booked late") != NULL, "the author sees it on the card: %s", own);
    free(own);
    char *other = scout_out("sofia.alvarez", "memory", "list", NULL, NULL);
    cr_assert(strstr(other, "booked late") == NULL, "another user never does: %s", other);
    free(other);
    r = proc_scoutv("--home", home, "--as", "sofia.alvarez", "memory", "retire", id, NULL);
    cr_assert_eq(r.status, 1, "nor may they retire it");
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "raj.patel", "memory", "retire", id, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    proc_result_free(&r);
    own = scout_out("raj.patel", "show", "finance.mart.revenue_daily", NULL, NULL);
    cr_assert(strstr(own, "booked late") == NULL, "a retired memory leaves the card: %s", own);
    free(own);
}

Test(context, as_is_refused_for_unknown_users, .init = acme_home, .fini = remove_home)
{
    proc_result r = proc_scoutv("--home", home, "--as", "mallory", "memory", "list", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "unknown user 'mallory'") != NULL, "%s", r.err);
    proc_result_free(&r);
}

Test(context, restricted_tables_are_invisible_without_a_grant, .init = acme_home,
     .fini = remove_home)
{
    /* sofia.alvarez is in growth, not finance: the restricted finance source
     * does not exist for her — not in lists, cards or search. */
    char *list = scout_out("sofia.alvarez", "tables", "revenue", NULL, NULL);
    cr_assert(strstr(list, "finance.") == NULL, "%s", list);
    free(list);
    proc_result r = proc_scoutv("--home", home, "--as", "sofia.alvarez", "show",
                                "finance.mart.revenue_daily", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "is not in the catalog") != NULL, "same as a missing table: %s", r.err);
    proc_result_free(&r);
    char *hits = scout_out("sofia.alvarez", "search", "net revenue by region", NULL, NULL);
    cr_assert(strstr(hits, "finance.") == NULL, "%s", hits);
    free(hits);
    list = scout_out("raj.patel", "tables", "revenue", NULL, NULL);
    cr_assert(strstr(list, "finance.mart.revenue_daily") != NULL, "a finance reader sees it");
    free(list);
}
