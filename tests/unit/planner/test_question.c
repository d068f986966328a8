/* Question parser tests: time expressions resolved against a fixed latest
 * date, the analysis of each question shape, binding real questions to a
 * small generated Acme (semantic query features, fit ranking against a
 * lookalike), and hostile or meaningless input failing cleanly. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/config.h"
#include "catalog/catalog.h"
#include "catalog/layers.h"
#include "planner/launch.h"
#include "planner/question.h"
#include "planner/timeexpr.h"
#include "support/proc.h"

#define LATEST "2026-11-24"

/* ---- time expressions ---- */

static void period(const char *phrase, const char *want_start, const char *want_end)
{
    char buf[256];
    const char *words[32];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", phrase);
    for (char *p = buf; *p && n < 32;) {
        while (*p == ' ') *p++ = 0;
        if (!*p) break;
        words[n++] = p;
        while (*p && *p != ' ') p++;
    }
    scout_timeexpr t;
    size_t used = 0;
    cr_assert(scout_timeexpr_match(words, n, 0, &t, &used), "'%s' not recognised", phrase);
    cr_assert_eq(used, n, "'%s': %zu of %zu words used", phrase, used, n);
    char s[11], e[11], label[160];
    cr_assert(scout_timeexpr_resolve(&t, LATEST, s, e, label, sizeof label), "'%s'", phrase);
    cr_assert_str_eq(s, want_start, "'%s' starts %s", phrase, s);
    cr_assert_str_eq(e, want_end, "'%s' ends %s", phrase, e);
}

Test(timeexpr, periods_relative_to_the_latest_date)
{
    period("last quarter", "2026-07-01", "2026-09-30");
    period("this quarter", "2026-10-01", "2026-11-24");
    period("last month", "2026-10-01", "2026-10-31");
    period("this month", "2026-11-01", "2026-11-24");
    period("month to date", "2026-11-01", "2026-11-24");
    period("yesterday", "2026-11-23", "2026-11-23");
    period("today", "2026-11-24", "2026-11-24");
    period("last 7 days", "2026-11-18", "2026-11-24");
    period("past 30 days", "2026-10-26", "2026-11-24");
    period("last two weeks", "2026-11-11", "2026-11-24");
    period("this week", "2026-11-23", "2026-11-24");
    period("last week", "2026-11-16", "2026-11-22");
    period("last 6 months", "2026-05-01", "2026-10-31");
    period("2025", "2025-01-01", "2025-12-31");
    period("this year", "2026-01-01", "2026-11-24");
    period("year to date", "2026-01-01", "2026-11-24");
    period("last year", "2025-01-01", "2025-12-31");
    period("since march", "2026-03-01", "2026-11-24");
    period("since november 1", "2026-11-01", "2026-11-24");
    period("march", "2026-03-01", "2026-03-31");
    period("december", "2025-12-01", "2025-12-31"); /* the latest December in the data */
    period("q3", "2026-07-01", "2026-09-30");
    period("q3 2025", "2025-07-01", "2025-09-30");
    period("2025 q3", "2025-07-01", "2025-09-30"); /* "2025-Q3", year first */
    period("2025 h2", "2025-07-01", "2025-12-31");
    period("q4", "2026-10-01", "2026-12-31");
    period("first half of 2025", "2025-01-01", "2025-06-30");
    period("nov 10 to nov 16", "2026-11-10", "2026-11-16");
    period("from 2026-01-05 to 2026-02-01", "2026-01-05", "2026-02-01");
    period("2026-03-15", "2026-03-15", "2026-03-15");
    period("end of q3", "2026-09-30", "2026-09-30");
    period("since the start of the year", "2026-01-01", "2026-11-24");
}

Test(timeexpr, labels_state_the_resolved_period)
{
    const char *w[] = {"last", "quarter"};
    scout_timeexpr t;
    size_t used;
    cr_assert(scout_timeexpr_match(w, 2, 0, &t, &used));
    char s[11], e[11], label[160];
    cr_assert(scout_timeexpr_resolve(&t, LATEST, s, e, label, sizeof label));
    cr_assert_str_eq(label,
                     "last quarter = 2026-07-01..2026-09-30, the latest full quarter in the data");
    cr_assert_not(scout_timeexpr_resolve(&t, "not a date", s, e, label, sizeof label));
}

static scout_launch launch_of(const char *const *w, size_t n, size_t at, size_t *used)
{
    scout_launch l = {0};
    *used = 0;
    scout_launch_match(w, n, at, &l, used);
    return l;
}

Test(launch, periods_anchored_on_a_launch_are_recognised)
{
    size_t used;
    const char *since[] = {"since", "the", "lighthouse", "launch"};
    scout_launch l = launch_of(since, 4, 0, &used);
    cr_assert(l.kind == SCOUT_LAUNCH_SINCE && used == 4 && l.name_from == 2 && l.name_to == 3);
    const char *launched[] = {"after", "lighthouse", "went", "live"};
    l = launch_of(launched, 4, 0, &used);
    cr_assert(l.kind == SCOUT_LAUNCH_SINCE && used == 4 && l.name_to - l.name_from == 1);
    const char *bare[] = {"since", "launch"};
    l = launch_of(bare, 2, 0, &used);
    cr_assert(l.kind == SCOUT_LAUNCH_SINCE && l.name_from == l.name_to, "the name is implicit");
    const char *its[] = {"in", "its", "first", "week"};
    l = launch_of(its, 4, 0, &used);
    cr_assert(l.kind == SCOUT_LAUNCH_FIRST && l.days == 7 && used == 4);
    const char *window[] = {"the", "first", "30", "days", "after", "the", "export", "launch"};
    l = launch_of(window, 8, 0, &used);
    cr_assert(l.kind == SCOUT_LAUNCH_FIRST && l.days == 30 && used == 8 && l.name_from == 6);
    const char *before[] = {"the", "2", "weeks", "before", "the", "lighthouse", "launch"};
    l = launch_of(before, 7, 0, &used);
    cr_assert(l.kind == SCOUT_LAUNCH_BEFORE && l.days == 14);
    /* any period's first week, and a month, are not launches */
    const char *march[] = {"in", "the", "first", "week", "of", "march"};
    cr_assert_eq(launch_of(march, 6, 0, &used).kind, SCOUT_LAUNCH_NONE);
    const char *month[] = {"since", "march"};
    cr_assert_eq(launch_of(month, 2, 0, &used).kind, SCOUT_LAUNCH_NONE);
    char s[11], e[11];
    cr_assert(
        scout_launch_span(&(scout_launch){SCOUT_LAUNCH_BEFORE, 14, 0, 0}, "2026-06-02", s, e));
    cr_assert_str_eq(s, "2026-05-19");
    cr_assert_str_eq(e, "2026-06-01");
    cr_assert(scout_launch_span(&(scout_launch){SCOUT_LAUNCH_SINCE, 0, 0, 0}, "2026-06-02", s, e));
    cr_assert(!strcmp(s, "2026-06-02") && !e[0], "since: open end");
}

/* ---- analysis ---- */

static char *analyse_json(const char *question)
{
    scout_question *q = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_question_analyze(question, &q, &err), SCOUT_OK, "'%s': %s", question,
                 err.msg);
    scout_buf b;
    scout_buf_init(&b, 0);
    cr_assert_eq(scout_question_json(q, &b, &err), SCOUT_OK);
    scout_question_free(q);
    char *s = scout_buf_take(&b);
    scout_buf_free(&b);
    return s;
}

static void expect(const char *question, const char *const *parts)
{
    char *j = analyse_json(question);
    for (; *parts; parts++)
        cr_expect(strstr(j, *parts) != NULL, "'%s': %s not in %s", question, *parts, j);
    free(j);
}

#define EXPECT(q, ...)                                                                             \
    do {                                                                                           \
        const char *const parts_[] = {__VA_ARGS__, NULL};                                          \
        expect(q, parts_);                                                                         \
    } while (0)

Test(question, shapes_are_recognised)
{
    EXPECT("What was our revenue in EMEA last quarter?", "\"kind\":\"last_quarter\"", "\"emea\"");
    EXPECT("net revenue by region last quarter", "\"dimensions\":[[\"region\"]]");
    EXPECT("Compare revenue across geographies and customer cohorts for last year.",
           "[\"geographies\"]", "\"last_year\"");
    EXPECT("monthly net revenue this year", "\"grain\":\"month\"", "\"this_year\"");
    EXPECT("weekly revenue trend since October", "\"grain\":\"week\"", "\"kind\":\"since\"");
    EXPECT("Top 5 countries by revenue growth this year", "\"rank\":\"highest\"", "\"limit\":5",
           "\"growth\":true", "\"comparison\":\"previous_year\"");
    EXPECT("Bottom 3 regions by net revenue last month", "\"rank\":\"lowest\"", "\"limit\":3");
    /* a spelled count is a list size where a number would be one */
    EXPECT("Which five countries generated the most net revenue in 2025?", "\"limit\":5",
           "\"rank\":\"highest\"", "[[\"countries\"");
    EXPECT("top three plans by signups", "\"limit\":3");
    /* "rank the X by Y": X is what is ranked, Y the measure; no list size */
    EXPECT("Rank the features by adoption rate for last month", "\"rank\":\"highest\"",
           "\"dimensions\":[[\"features\"]]");
    EXPECT("rev yesterday vs the day before?", "\"yesterday\"",
           "\"comparison\":\"previous_period\"");
    EXPECT("What was our revenue in EMEA last quarter, and how does it compare with the quarter "
           "before?",
           "\"comparison\":\"previous_period\"");
    EXPECT("Compare EMEA and APAC revenue this year", "\"comparison\":\"members\"");
    EXPECT("MAU this month compared with the same month last year",
           "\"comparison\":\"previous_year\"");
    /* a year back said as "a year ago/earlier/before" is year over year too */
    EXPECT("Net revenue last month vs the same month a year ago", "\"last_month\"",
           "\"comparison\":\"previous_year\"");
    EXPECT("signups this quarter compared with a year earlier", "\"comparison\":\"previous_year\"");
    EXPECT("Were bookings in March higher than a year before?", "\"comparison\":\"previous_year\"");
    EXPECT("DAU this week vs the week before", "\"comparison\":\"previous_period\"");
    EXPECT("enterprise win rate in 2026-Q2 vs 2026-Q1", "\"comparison\":\"previous_period\"");
    /* "this year" after a month names which one; the other side is a year back */
    EXPECT("How did October's net revenue this year compare with October 2025?",
           "\"comparison\":\"previous_year\"");
    EXPECT("How many invoices over $1,000 did we send last month?", "\"op\":\">\"",
           "\"value\":1000", "\"money\":true", "\"aggregate\":\"count\"");
    EXPECT("How many active subscriptions have at least 3 seats?", "\"op\":\">=\"",
           "\"unit\":\"seats\"");
    EXPECT("open deals over 50k", "\"value\":50000");
    /* the comparison said after the number includes it */
    EXPECT("How many CSAT responses scored 2 or lower last quarter?", "\"op\":\"<=\"",
           "\"value\":2");
    EXPECT("active subscriptions with 3 seats or more", "\"op\":\">=\"", "\"unit\":\"seats\"");
    EXPECT("requests under 100 ms", "\"op\":\"<\"", "\"unit\":\"ms\"");
    EXPECT("How many Plus subscribers do we have now?", "\"now\":true");
    EXPECT("How did the number of paid Plus subscribers change month by month this year?",
           "\"grain\":\"month\"");
    EXPECT("Average daily revenue last month", "\"aggregate\":\"avg\"");
    EXPECT("How many distinct users tried export", "\"aggregate\":\"count_distinct\"");
    EXPECT("p95 latency by component over the last two weeks", "\"n\":14", "[\"component\"]");
    EXPECT("Yesterday's subscription activity, broken down by kind of event", "[\"event\"]");
    EXPECT("revenue per plan, over time", "\"over_time\":true");
    EXPECT("What was our best revenue day this year?", "\"grain\":\"day\"", "\"limit\":1",
           "\"rank\":\"highest\"");
    EXPECT("Which month had the highest revenue this year?", "\"grain\":\"month\"");
    EXPECT("How many paid Plus subscribers do we have now, and how did that change month by month "
           "this year?",
           "\"time\":{\"kind\":\"this_year\"", "\"now\":true", "\"grain\":\"month\"");
}

Test(question, unknown_words_are_kept_open_not_dropped)
{
    char *j = analyse_json("zorbled flimflam revenue by quux");
    cr_assert(strstr(j, "\"open_words\":[\"zorbled\",\"flimflam\",\"revenue\"]"), "%s", j);
    free(j);
}

static void refused(const char *question, const char *why_part)
{
    scout_question *q = NULL;
    scout_err err = {0};
    scout_rc rc = scout_question_analyze(question, &q, &err);
    cr_assert_eq(rc, SCOUT_EUSER, "'%.40s' was accepted", question);
    cr_assert_null(q);
    cr_assert(strstr(err.msg, why_part), "'%.40s': %s", question, err.msg);
    cr_assert_null(strchr(err.msg, '\n'));
}

Test(question, search_text_leaves_out_the_period)
{
    scout_question *q = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_question_analyze("What was revenue in the first half of 2025?", &q, &err),
                 SCOUT_OK, "%s", err.msg);
    scout_buf b;
    scout_buf_init(&b, 0);
    cr_assert_eq(scout_question_search_text(q, &b), SCOUT_OK);
    cr_expect(strstr(b.data, "What was revenue in"), "%s", b.data);
    cr_expect_null(strstr(b.data, "first"), "%s", b.data);
    cr_expect_null(strstr(b.data, "half"), "%s", b.data);
    cr_expect_null(strstr(b.data, "2025"), "%s", b.data);
    scout_buf_free(&b);
    scout_question_free(q);
}

Test(question, bad_input_fails_with_one_line)
{
    refused("", "empty");
    refused("   \t  ", "empty");
    refused(NULL, "empty");
    refused("select * from x; drop table y", "sql");
    refused("DELETE FROM revenue_daily WHERE 1=1", "sql");
    refused("revenue\x01 by region", "control");
    refused("revenue \xff\xfe by region", "utf-8");
    refused("!!! ??? ### 123 456", "recognisable");
    char *big = malloc(10 * 1024 + 1);
    for (int i = 0; i < 10 * 1024; i++) big[i] = (char)('a' + (i * 7919) % 26);
    big[10 * 1024] = 0;
    refused(big, "too long");
    /* garbage under the size limit: never a crash, either refused or open words */
    big[3000] = 0;
    scout_question *q = NULL;
    scout_err err = {0};
    if (scout_question_analyze(big, &q, &err) == SCOUT_OK) scout_question_free(q);
    free(big);
}

/* ---- binding on a small Acme ---- */

static char *g_dir;
static scout_catalog *g_cat;

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
    fputs("context:\n  dbt: dbt\n  docs: docs\n  query_logs: query_log.jsonl\n", f);
    fclose(f);
    scout_config *cfg = NULL;
    cr_assert_eq(scout_config_load(cfgp, &cfg, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_catalog_open(catp, &g_cat, &err), SCOUT_OK, "%s", err.msg);
    scout_index_report rep;
    char ctxd[512];
    snprintf(ctxd, sizeof ctxd, "%s/context", g_dir);
    cr_assert_eq(scout_layers_index(g_cat, cfg, ctxd, SCOUT_LAYERS_ALL, NULL, NULL, &rep, &err),
                 SCOUT_OK, "%s", err.msg);
    scout_config_free(cfg);
}

static void teardown_acme(void)
{
    scout_catalog_close(g_cat);
    test_rmdir(g_dir);
    free(g_dir);
}

TestSuite(question_acme, .init = setup_acme, .fini = teardown_acme, .timeout = 180);

static char *bind_json(const char *question, const char *table, scout_question_fit *fit)
{
    scout_question *q = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_question_analyze(question, &q, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_question_place_launch(q, g_cat, NULL, &err), SCOUT_OK, "%s", err.msg);
    scout_semantic *s = NULL;
    scout_rc rc = scout_question_bind(q, g_cat, table, NULL, &s, fit, &err);
    scout_question_free(q);
    cr_assert_eq(rc, SCOUT_OK, "'%s' on %s: %s", question, table, err.msg);
    scout_buf b;
    scout_buf_init(&b, 0);
    cr_assert_eq(scout_semantic_to_json(s, &b, &err), SCOUT_OK, "%s", err.msg);
    scout_semantic_free(s);
    char *j = scout_buf_take(&b);
    scout_buf_free(&b);
    return j;
}

static void bound(const char *question, const char *table, const char *const *parts)
{
    scout_question_fit fit;
    char *j = bind_json(question, table, &fit);
    for (; *parts; parts++)
        cr_expect(strstr(j, *parts) != NULL, "'%s': %s not in %s (missing: %s)", question, *parts,
                  j, fit.missing ? fit.missing : "-");
    scout_question_fit_free(&fit);
    free(j);
}

#define BOUND(q, t, ...)                                                                           \
    do {                                                                                           \
        const char *const parts_[] = {__VA_ARGS__, NULL};                                          \
        bound(q, t, parts_);                                                                       \
    } while (0)

Test(question_acme, real_questions_bind_to_semantic_queries)
{
    const char *rd = "finance.mart.revenue_daily";
    BOUND("What was our revenue in EMEA last quarter?", rd, "\"agg\":\"metric\"",
          "\"column\":\"region\",\"op\":\"=\",\"value\":\"EMEA\"", "\"start\":\"2026-07-01\"",
          "\"end\":\"2026-09-30\"", "latest full quarter");
    BOUND("Gross revenue from the Plus plan in 2025", rd, "\"metric\":\"gross_revenue\"",
          "\"value\":\"plus\"", "\"start\":\"2025-01-01\"");
    BOUND("Q3 revenue by plan", rd, "\"dimensions\":[{\"column\":\"plan\"",
          "\"start\":\"2026-07-01\"");
    BOUND("Bottom 3 regions by net revenue last month", rd, "\"limit\":3", "\"dir\":\"asc\"");
    BOUND("Compare EMEA and APAC revenue this year", rd, "\"op\":\"in\"", "\"APAC\"");
    BOUND("rev yesterday vs the day before?", rd, "\"type\":\"previous_period\"",
          "\"start\":\"2026-11-23\"");
    BOUND("monthly net revenue this year", rd, "\"grain\":\"month\"");
    BOUND("Enterprise revenue in North America this year", rd, "\"value\":\"NA\"",
          "\"value\":\"enterprise\"");
    BOUND("How many Plus subscribers do we have now?", "finance.mart.plus_subscribers_daily",
          "\"over_time\":\"last\"");
    BOUND("How many paid Plus subscribers do we have now, and how did that change month by month "
          "this year?",
          "finance.mart.plus_subscribers_daily", "\"as\":\"paid_plus_subscribers\"",
          "\"start\":\"2026-01-01\"", "\"grain\":\"month\"", "\"over_time\":\"last\"");
    BOUND("How many invoices over $1,000 did we send last month?", "finance.mart.fct_invoices",
          "\"agg\":\"count\"", "\"op\":\">\",\"value\":1000");
    BOUND("How many active subscriptions have at least 3 seats?", "finance.raw.subscriptions",
          "\"column\":\"seats\",\"op\":\">=\",\"value\":3", "\"value\":\"active\"");
    BOUND("Android active users each day for the last two weeks",
          "product.analytics.platform_mix_daily", "\"value\":\"android\"", "\"grain\":\"day\"",
          "\"start\":\"2026-11-11\"");
    BOUND("Refunds by reason last quarter", "finance.mart.refunds_monthly", "\"holds\":\"month\"",
          "\"start\":\"2026-07-01\",\"end\":\"2026-09-30\"");
}

Test(question_acme, fit_ranks_the_table_holding_the_value_above_its_lookalike)
{
    scout_question *q = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_question_analyze("Android active users yesterday", &q, &err), SCOUT_OK);
    scout_semantic *a = NULL, *b = NULL;
    scout_question_fit fa, fb;
    cr_assert_eq(
        scout_question_bind(q, g_cat, "product.analytics.platform_mix_daily", NULL, &a, &fa, &err),
        SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_question_bind(q, g_cat, "product.analytics.dau", NULL, &b, &fb, &err),
                 SCOUT_OK, "%s", err.msg);
    cr_expect_gt(fa.score, fb.score, "platform_mix %.2f vs dau %.2f", fa.score, fb.score);
    cr_expect(fb.missing && strstr(fb.missing, "Android"), "dau missing: %s",
              fb.missing ? fb.missing : "-");
    cr_expect(fa.why && strstr(fa.why, "android"), "why: %s", fa.why ? fa.why : "-");
    scout_question_fit_free(&fa);
    scout_question_fit_free(&fb);
    scout_semantic_free(a);
    scout_semantic_free(b);
    scout_question_free(q);
}

static double fit_of(const char *question, const char *table)
{
    scout_question_fit fit;
    char *j = bind_json(question, table, &fit);
    double sc = fit.score;
    scout_question_fit_free(&fit);
    free(j);
    return sc;
}

Test(question_acme, initials_of_the_question_words_name_an_acronym_column)
{
    /* dau/mau: the words name the measure, and "daily"/"by month" stay the grain */
    BOUND("Daily active users over the last 7 days", "product.analytics.dau", "\"column\":\"dau\"",
          "\"grain\":\"day\"");
    BOUND("monthly active users by month this year", "product.analytics.mau", "\"column\":\"mau\"",
          "\"dimensions\":[{\"column\":\"month\"");
    /* the acronym is the measure the question names, so nothing is missing */
    cr_expect_eq(fit_of("monthly active users by month this year", "product.analytics.mau"), 1.0);
}

Test(question_acme, a_noun_the_table_knows_nothing_of_lowers_its_fit)
{
    const char *q = "How many invoices over $1,000 did we send last month?";
    double inv = fit_of(q, "finance.mart.fct_invoices"),
           rd = fit_of(q, "finance.mart.revenue_daily");
    cr_expect_gt(inv, rd, "fct_invoices %.2f vs revenue_daily %.2f", inv, rd);
    /* the description says what every row is: "currently open tickets" */
    const char *t = "How many open tickets are older than 7 days?";
    cr_expect_eq(fit_of(t, "crm.support.ticket_backlog"), 1.0);
}

Test(question_acme, a_per_item_threshold_does_not_fit_a_summary_table)
{
    const char *q = "How many open deals over $50k are there in EMEA?";
    scout_question_fit fit;
    char *j = bind_json(q, "crm.mart.pipeline_by_stage", &fit);
    cr_expect(fit.missing && strstr(fit.missing, "per-item threshold"), "missing: %s",
              fit.missing ? fit.missing : "-");
    double summary = fit.score;
    scout_question_fit_free(&fit);
    free(j);
    double rows = fit_of(q, "crm.mart.opportunities_enriched");
    cr_expect_gt(rows, summary, "opportunities_enriched %.2f vs pipeline_by_stage %.2f", rows,
                 summary);
}

Test(question_acme, how_many_counts_instead_of_summing_a_money_metric)
{
    /* revenue_daily's metric refunds sums refunds_usd: not a count */
    scout_question_fit fit;
    char *j =
        bind_json("How many refunds did we issue in October?", "finance.mart.revenue_daily", &fit);
    cr_expect(!fit.by_metric, "%s", j);
    cr_expect(strstr(j, "\"metric\":\"refunds\"") == NULL, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    j = bind_json("monthly net revenue this year", "finance.mart.revenue_daily", &fit);
    cr_expect(fit.by_metric, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, how_many_counts_the_thing_not_its_amount)
{
    /* revenue_daily has refunds_usd (synonym "refunds"): an amount, so it
     * neither answers "how many refunds" nor places the counted word */
    const char *q = "How many refunds did we issue in October?";
    scout_question_fit fit;
    char *j = bind_json(q, "finance.mart.revenue_daily", &fit);
    cr_expect_null(strstr(j, "refunds_usd"), "%s", j);
    cr_expect(fit.unplaced_stems && strstr(fit.unplaced_stems, " refund "), "unplaced: %s",
              fit.unplaced_stems ? fit.unplaced_stems : "-");
    double rd = fit.score;
    scout_question_fit_free(&fit);
    free(j);
    double monthly = fit_of(q, "finance.mart.refunds_monthly");
    cr_expect_gt(monthly, rd, "refunds_monthly %.2f vs revenue_daily %.2f", monthly, rd);
}

Test(question_acme, how_much_is_an_amount_not_a_count)
{
    BOUND("How much open pipeline do we have in each region?", "crm.mart.open_pipeline_by_region",
          "\"column\":\"amount_usd\"", "\"column\":\"region\"");
}

Test(question_acme, how_much_takes_the_amount_over_a_count_per_row)
{
    /* subscription_events_daily counts events per row and has amount_usd */
    BOUND("How much subscription revenue did upgrades bring in last quarter?",
          "product.analytics.subscription_events_daily", "\"column\":\"amount_usd\"",
          "\"value\":\"upgrade\"");
}

Test(question_acme, a_rollup_of_a_metric_column_answers_to_the_metric)
{
    /* revenue_monthly.net_revenue_usd is rolled up from revenue_daily's,
     * which the curated net_revenue metric (synonym "revenue") sums */
    scout_question_fit fit;
    char *j = bind_json("Monthly revenue in 2024", "finance.mart.revenue_monthly", &fit);
    cr_expect(strstr(j, "\"column\":\"net_revenue_usd\""), "%s", j);
    cr_expect(fit.by_metric, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    /* a word of the metric's name is not the metric ("open" of open pipeline) */
    j = bind_json("open opportunities by region", "crm.mart.open_pipeline_by_region", &fit);
    cr_expect(!fit.by_metric, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, fit_lists_the_subject_words_and_the_unplaced_ones)
{
    const char *q = "daily ticket volume for the last 14 days";
    scout_question_fit fit;
    char *j = bind_json(q, "crm.support.tickets_daily", &fit);
    cr_expect(fit.subject_stems && strstr(fit.subject_stems, " ticket "), "subject: %s",
              fit.subject_stems ? fit.subject_stems : "-");
    scout_question_fit_free(&fit);
    free(j);
    j = bind_json(q, "product.eng.request_latency_daily", &fit);
    cr_expect(fit.unplaced_stems && strstr(fit.unplaced_stems, " ticket "), "unplaced: %s",
              fit.unplaced_stems ? fit.unplaced_stems : "-");
    scout_question_fit_free(&fit);
    free(j);
    /* a synonym phrase is about its last word: "new users" names users */
    j = bind_json("new users per month this year", "product.analytics.dim_users", &fit);
    cr_expect(fit.subject_stems && strstr(fit.subject_stems, " user "), "subject: %s",
              fit.subject_stems ? fit.subject_stems : "-");
    cr_expect(!fit.subject_stems || !strstr(fit.subject_stems, " new "), "subject: %s",
              fit.subject_stems);
    scout_question_fit_free(&fit);
    free(j);
    /* a parenthesis early in a description still names the subject:
     * "Lighthouse (export feature) launch tracking" */
    j = bind_json("How many people used the new export feature in its first 30 days, by platform?",
                  "product.analytics.export_launch_adoption", &fit);
    cr_expect(!fit.missing || !strstr(fit.missing, "'feature'"), "missing: %s", fit.missing);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, the_key_of_a_small_lookup_table_holds_its_members)
{
    /* sla_policies has one row per priority (text primary key, 4 rows): the
     * crawl keeps those values, so "high" filters it */
    BOUND("What's the first-response SLA for high priority tickets?", "crm.support.sla_policies",
          "\"column\":\"priority\",\"op\":\"=\",\"value\":\"high\"");
}

Test(question_acme, an_age_threshold_never_compares_an_id)
{
    /* "older than 7 days" on tickets: agent_id merely contains "age" */
    scout_question_fit fit;
    char *j =
        bind_json("How many open tickets are older than 7 days?", "crm.support.tickets", &fit);
    cr_expect_null(strstr(j, "agent_id"), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    BOUND("How many open tickets are older than 7 days?", "crm.support.ticket_backlog",
          "\"column\":\"age_days\",\"op\":\">\",\"value\":7");
}

Test(question_acme, a_codename_filters_by_the_value_it_stands_for)
{
    /* curated: Beacon = feature 'ai_assist'; the docs: Lighthouse = export */
    BOUND("How many events did Beacon get per month this year?",
          "product.analytics.feature_usage_daily",
          "\"column\":\"feature\",\"op\":\"=\",\"value\":\"ai_assist\"");
    BOUND("Lighthouse events per day last week", "product.analytics.feature_usage_daily",
          "\"column\":\"feature\",\"op\":\"=\",\"value\":\"export\"");
}

Test(question_acme, a_launch_the_docs_date_anchors_the_period)
{
    /* lighthouse-launch.md: "It launched to everyone on 2026-06-02" */
    BOUND("How many export-related tickets since the Lighthouse launch?", "crm.support.tickets",
          "\"start\":\"2026-06-02\"", "since the Lighthouse launch = 2026-06-02..",
          "the Lighthouse launch = 2026-06-02 (doc: lighthouse-launch.md");
    BOUND("export events in its first week", "product.raw.feature_events",
          "\"start\":\"2026-06-02\"", "\"end\":\"2026-06-08\"");
    scout_question_fit fit;
    char *j = bind_json("export events in the 2 weeks before the Lighthouse launch",
                        "product.raw.feature_events", &fit);
    cr_expect(strstr(j, "\"start\":\"2026-05-19\"") && strstr(j, "\"end\":\"2026-06-01\""), "%s",
              j);
    cr_expect(!strstr(j, "\"comparison\""), "'before' the launch is the period: %s", j);
    scout_question_fit_free(&fit);
    free(j);
    /* a launch nobody dated is not silently dropped: its name stays unplaced */
    j = bind_json("tickets since the Zorblax launch", "crm.support.tickets", &fit);
    cr_expect(fit.unplaced_values && strstr(fit.unplaced_values, "Zorblax"), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, a_period_the_table_cannot_apply_is_still_wanted)
{
    scout_question_fit fit;
    char *j =
        bind_json("How many deals did we win in October?", "crm.mart.win_rate_quarterly", &fit);
    cr_expect(fit.wants_time && !fit.has_time, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, injected_text_stays_a_value_or_unplaced)
{
    scout_question_fit fit;
    char *j = bind_json("revenue in EMEA'; drop table revenue_daily --",
                        "finance.mart.revenue_daily", &fit);
    cr_expect(strstr(j, "\"value\":\"EMEA\""), "%s", j);
    cr_expect_null(strstr(j, "drop"), "%s", j);
    cr_expect(fit.missing && strstr(fit.missing, "drop"), "unplaced words are reported: %s",
              fit.missing ? fit.missing : "-");
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, unknown_words_only_find_nothing)
{
    scout_question *q = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_question_analyze("florp blarg zindle", &q, &err), SCOUT_OK);
    scout_semantic *s = NULL;
    scout_question_fit fit;
    cr_assert_eq(scout_question_bind(q, g_cat, "finance.mart.revenue_daily", NULL, &s, &fit, &err),
                 SCOUT_ENOTFOUND);
    cr_assert_null(s);
    cr_assert(strstr(err.msg, "nothing in the question matches"), "%s", err.msg);
    cr_assert(fit.missing && strstr(fit.missing, "florp"), "%s", fit.missing ? fit.missing : "-");
    cr_assert_eq(scout_question_bind(q, g_cat, "finance.mart.no_such_table", NULL, &s, &fit, &err),
                 SCOUT_ENOTFOUND);
    scout_question_fit_free(&fit);
    scout_question_free(q);
}

/* ---- result shapes: which column is measured, what rows are, how many ---- */

Test(question_acme, per_day_with_an_average_is_the_daily_average_not_a_row_per_day)
{
    /* "per day on average": one average over the days, ranked by platform */
    scout_question_fit fit;
    char *j = bind_json("Which platform had the most active users per day on average last week?",
                        "product.analytics.platform_mix_daily", &fit);
    scout_question_fit_free(&fit);
    cr_expect(strstr(j, "\"dimensions\":[{\"column\":\"platform\"") != NULL, "%s", j);
    cr_expect(strstr(j, "\"agg\":\"avg\"") != NULL, "%s", j);
    cr_expect(strstr(j, "\"grain\":\"day\"") == NULL, "grouped by day: %s", j);
    free(j);
    /* "On average, how many ... per day": one number */
    j = bind_json("On average, how many trialing subscribers per day in October?",
                  "product.analytics.plus_subscribers_daily", &fit);
    scout_question_fit_free(&fit);
    cr_expect(strstr(j, "\"grain\":\"day\"") == NULL, "grouped by day: %s", j);
    cr_expect(strstr(j, "\"dimensions\":[{") == NULL, "grouped: %s", j);
    free(j);
}

Test(question_acme, a_ranked_noun_phrase_names_what_is_ranked)
{
    /* "the best <measure> day": a series of days, the top one */
    BOUND("the best gross revenue day in 2025", "finance.mart.revenue_daily", "\"grain\":\"day\"",
          "\"metric\":\"gross_revenue\"", "\"dir\":\"desc\"", "\"limit\":1");
    /* "the lowest <measure> <thing>": the thing is the dimension, the words
     * before it the measure; a stored rate is averaged, never summed */
    BOUND("the lowest adoption feature among pro users",
          "product.analytics.feature_adoption_by_plan", "\"dimensions\":[{\"column\":\"feature\"",
          "\"agg\":\"avg\",\"column\":\"adoption_rate\"", "\"value\":\"pro\"", "\"dir\":\"asc\"",
          "\"limit\":1");
    /* "which ticket category": the phrase's column, not the count column */
    BOUND("Which ticket category is the smallest?", "crm.support.tickets_by_category",
          "\"dimensions\":[{\"column\":\"category\"", "\"column\":\"tickets\"", "\"dir\":\"asc\"",
          "\"limit\":1");
    /* "which <two-word noun> <verb> the most": the noun, a joined name */
    BOUND("Which support agent solved the most tickets last quarter?", "crm.support.tickets",
          "\"dimensions\":[{\"table\":\"crm.support.agents\",\"column\":\"name\"", "\"limit\":1");
    /* "top 3 <thing>" with no "by" */
    BOUND("Top 3 ticket categories for high tickets", "crm.support.tickets_by_category",
          "\"dimensions\":[{\"column\":\"category\"", "\"value\":\"high\"", "\"limit\":3");
    /* "top 5 reps": owner_name, as Acme's data team documents it */
    BOUND("Top 5 reps by open pipeline", "crm.mart.owner_performance",
          "\"dimensions\":[{\"column\":\"owner_name\"", "\"column\":\"open_pipeline_usd\"",
          "\"limit\":5");
}

Test(question_acme, dimension_phrases_name_text_columns)
{
    BOUND("sales activities by type this year", "crm.mart.activities_weekly",
          "\"dimensions\":[{\"column\":\"activity_type\"");
    /* "customer cohorts" is the cohort column, not the customers count; the
     * period goes on the revenue month, the column the measure shares */
    BOUND("net revenue across regions and customer cohorts in 2025",
          "finance.mart.customer_cohorts", "{\"column\":\"region\",\"as\":\"region\"}",
          "{\"column\":\"cohort_month\",\"as\":\"cohort_month\"}",
          "\"time\":{\"column\":\"revenue_month\",\"start\":\"2025-01-01\",\"end\":\"2025-12-31\"");
    /* "each sales rep's team": the team, on the joined owners table */
    BOUND("Open pipeline for each sales rep's team", "crm.raw.opportunities",
          "\"column\":\"team\"");
}

Test(question_acme, a_cohort_period_with_a_grain_runs_along_the_other_period)
{
    BOUND("active users from the March 2026 signup cohort by month",
          "product.analytics.user_retention_cohorts",
          "\"time\":{\"column\":\"signup_month\",\"start\":\"2026-03-01\",\"end\":\"2026-03-31\"",
          "\"dimensions\":[{\"column\":\"activity_month\"", "\"key\":\"activity_month\"");
    /* no cohort named next to the period: the series runs along the period's column */
    BOUND("Monthly revenue in 2025", "finance.mart.customer_cohorts",
          "\"dimensions\":[{\"column\":\"revenue_month\"",
          "\"time\":{\"column\":\"revenue_month\",\"start\":\"2025-01-01\"");
    /* the period on the table's own month column (cohort_month, its
     * freshness column and first column): the series runs along the other
     * one, not along the column the period already fixes to one value */
    BOUND("customers for January 2025 by month", "finance.mart.customer_cohorts",
          "\"time\":{\"column\":\"cohort_month\",\"start\":\"2025-01-01\"",
          "\"dimensions\":[{\"column\":\"revenue_month\"");
}

Test(question_acme, the_measure_is_the_column_the_question_singles_out)
{
    /* "Plus" names the whole table; "trialing" tells its columns apart */
    BOUND("How many Plus accounts were trialing last week?",
          "product.analytics.plus_subscribers_daily", "\"column\":\"trialing_subscribers\"");
    /* initials before a unit suffix: arr_usd */
    BOUND("annual recurring revenue by segment", "finance.mart.arr_by_segment",
          "\"column\":\"arr_usd\"");
    /* "how much" is an amount; the days are the condition, no period */
    scout_question_fit fit;
    char *j = bind_json("How much is outstanding on invoices older than 90 days?",
                        "finance.mart.ar_aging", &fit);
    cr_expect(strstr(j, "\"agg\":\"sum\",\"column\":\"gross_usd\""), "%s", j);
    cr_expect(strstr(j, "\"column\":\"days_outstanding\",\"op\":\">\",\"value\":90"), "%s", j);
    cr_expect_null(strstr(j, "\"time\""), "%s", j);
    cr_expect(fit.has_measure, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    /* "how many accounts have ...": rows counted; the thing before "over"
     * picks the compared column */
    BOUND("How many smb accounts have an open opportunity over $100k?", "crm.mart.account_summary",
          "\"measures\":[{\"agg\":\"count\"",
          "\"column\":\"largest_open_opportunity_usd\",\"op\":\">\",\"value\":100000");
}

Test(question_acme, average_daily_is_the_mean_of_the_days_totals)
{
    scout_question_fit fit;
    char *j =
        bind_json("Average daily gross revenue in October", "finance.mart.revenue_daily", &fit);
    cr_expect(strstr(j, "\"over_time\":\"avg\""), "%s", j);
    cr_expect_null(strstr(j, "\"grain\":\"day\""), "one value, not a series of days: %s", j);
    scout_question_fit_free(&fit);
    free(j);
}

static void not_bound(const char *question, const char *table, const char *part)
{
    scout_question_fit fit;
    char *j = bind_json(question, table, &fit);
    cr_expect(strstr(j, part) == NULL, "'%s': %s in %s", question, part, j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, period_comparisons_snapshots_and_text_periods)
{
    /* a table whose period column holds 'YYYY-MM' text still compares */
    BOUND("bookings this quarter vs last quarter", "crm.mart.bookings_monthly",
          "\"holds\":\"month\"", "\"start\":\"2026-10-01\"", "\"type\":\"period\"",
          "\"start\":\"2026-07-01\",\"end\":\"2026-09-30\"");
    BOUND("MAU this month compared with the same month last year", "product.analytics.mau",
          "\"holds\":\"month\"", "\"type\":\"previous_year\"");
    /* a daily active-user count over a week is the average day */
    BOUND("DAU this week vs the previous week", "product.analytics.dau", "\"over_time\":\"avg\"",
          "\"start\":\"2026-11-16\",\"end\":\"2026-11-22\"");
    BOUND("What was DAU yesterday?", "product.analytics.dau", "\"start\":\"2026-11-23\"");
    /* "does growth count": the Growth team, not a growth comparison */
    BOUND("How many Plus subscribers does growth count today, including trials?",
          "product.analytics.plus_subscribers_daily", "\"over_time\":\"last\"");
    not_bound("How many Plus subscribers does growth count today, including trials?",
              "product.analytics.plus_subscribers_daily", "\"comparison\"");
    /* a month in progress is compared to date with the same days a year earlier */
    BOUND("year over year: average composer p95 model latency this November vs last November",
          "product.eng.request_latency_daily", "\"type\":\"previous_year\"",
          "\"start\":\"2026-11-01\",\"end\":\"2026-11-24\"", "compared to date");
    /* "which X explain the slowdown": X by change, the latency measure */
    BOUND("Which latency components explain the composer slowdown today vs yesterday?",
          "product.eng.request_latency_daily", "\"dimensions\":[{\"column\":\"component\"",
          "\"column\":\"p95_ms\"", "\"value\":\"delta\",\"dir\":\"desc\"",
          "\"type\":\"previous_period\"");
    not_bound("Which latency components explain the composer slowdown today vs yesterday?",
              "product.eng.request_latency_daily", "\"limit\"");
    /* "added since" on a level is its change: last minus first */
    BOUND("How many paid Plus subscribers have we added since the start of the year?",
          "finance.mart.plus_subscribers_daily", "\"over_time\":\"change\"",
          "\"start\":\"2026-01-01\"", "minus the level on its first day");
    /* the word only one column has names the level, not the table's own word */
    BOUND("How many Plus accounts were trialing yesterday?",
          "product.analytics.plus_subscribers_daily", "\"column\":\"trialing_subscribers\"");
    BOUND("How many Plus subscribers does growth count today, including trials?",
          "product.analytics.plus_subscribers_daily", "\"column\":\"plus_subscribers\"");
    /* a level on the first day of each month: the first point of each month */
    BOUND("Growth's Plus subscriber count, trials included, on the first day of each month this "
          "year",
          "product.analytics.plus_subscribers_daily", "\"over_time\":\"first\"",
          "\"grain\":\"month\"", "\"column\":\"plus_subscribers\"");
    /* one cohort month, and a series over the table's other month column */
    BOUND("How many users from the May 2026 signup cohort were active in each month after?",
          "product.analytics.user_retention_cohorts", "\"start\":\"2026-05-01\"",
          "\"dimensions\":[{\"column\":\"activity_month\"", "\"key\":\"activity_month\"");
    /* "average daily": per-day totals averaged, one number, no daily series */
    BOUND("Average daily revenue last month", "finance.mart.revenue_daily", "\"over_time\":\"avg\"",
          "\"start\":\"2026-10-01\"");
    not_bound("Average daily revenue last month", "finance.mart.revenue_daily", "\"grain\"");
    /* "best revenue day": a daily series ranked, one row */
    BOUND("What was our best revenue day this year?", "finance.mart.revenue_daily",
          "\"grain\":\"day\"", "\"limit\":1", "\"dir\":\"desc\"");
    /* a value said twice is one value of the IN list */
    BOUND("web vs mobile: active users on web compared with ios and android last month",
          "product.analytics.platform_mix_daily", "\"value\":[\"web\",\"ios\",\"android\"]",
          "\"over_time\":\"avg\"");
}

Test(question_acme, a_span_of_days_that_cuts_weeks_fits_a_weekly_table_less)
{
    /* "the last two weeks" from a Tuesday: weekly rows count days outside it */
    const char *q = "p95 latency by component over the last two weeks";
    double weekly = fit_of(q, "product.eng.latency_weekly"),
           daily = fit_of(q, "product.eng.request_latency_daily");
    cr_expect_gt(daily, weekly, "daily %.2f vs weekly %.2f", daily, weekly);
    /* a weekly series fits the weekly table as well as ever */
    cr_expect_eq(fit_of("weekly p95 of the composer model component since October",
                        "product.eng.latency_weekly"),
                 1.0);
}

Test(question_acme, period_labels_in_a_column_take_the_period)
{
    BOUND("win rate by segment in Q2", "crm.mart.win_rate_quarterly",
          "\"time\":{\"column\":\"quarter\",\"start\":\"2026-04-01\",\"end\":\"2026-06-30\"",
          "\"holds\":\"quarter\"", "\"agg\":\"avg\",\"column\":\"win_rate\"");
    BOUND("smb win rate by quarter", "crm.mart.win_rate_quarterly",
          "\"dimensions\":[{\"column\":\"quarter\"", "\"key\":\"quarter\"");
}

Test(question_acme, when_asks_for_a_date_the_table_keeps)
{
    /* platform is unique per row (no top values): its greatest value still
     * filters; the answer is the latest release date, not a count */
    BOUND("When did the web app last ship a release?", "product.analytics.releases_by_platform",
          "\"agg\":\"max\",\"column\":\"last_release\"", "\"value\":\"web\"");
}

Test(question_acme, the_subject_is_measured_and_counts_never_sum_money)
{
    /* what refunds took off revenue is the refunds, not the revenue */
    scout_question_fit fit;
    char *j = bind_json("How much did refunds take off net revenue in 2025?",
                        "finance.mart.revenue_daily", &fit);
    cr_expect(strstr(j, "\"metric\":\"refunds\"") || strstr(j, "\"column\":\"refunds_usd\""), "%s",
              j);
    scout_question_fit_free(&fit);
    free(j);
    /* a bare "refunds" is finance's amount; "how many" counts them */
    BOUND("Refunds by reason in 2025", "finance.mart.refunds_monthly",
          "\"column\":\"refunds_usd\"");
    BOUND("How many refunds by reason in 2025", "finance.mart.refunds_monthly",
          "\"agg\":\"sum\",\"column\":\"refunds\"");
}

Test(question_acme, shares_and_per_item_counts)
{
    /* the relative clause's value is the condition, not a filter */
    scout_question_fit fit;
    char *j =
        bind_json("proportion of tickets which are urgent, by region", "crm.support.tickets", &fit);
    cr_expect(strstr(j, "\"agg\":\"share\",\"where\":{\"column\":\"priority\",\"op\":\"=\","
                        "\"value\":\"urgent\"}"),
              "%s", j);
    cr_expect_null(strstr(j, "\"filters\""), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    /* next to another grouping, "per account" is the denominator */
    BOUND("tickets per account by priority this year", "crm.support.tickets",
          "\"agg\":\"count_per\",\"per\":\"account_id\"",
          "\"dimensions\":[{\"column\":\"priority\"");
    /* alone it is the grouping */
    j = bind_json("tickets per account this year", "crm.support.tickets", &fit);
    cr_expect_null(strstr(j, "count_per"), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, qualifiers_and_points_in_a_period)
{
    /* "Growth's" owns the count (no growth comparison); "trials included"
     * qualifies it; "the first day of each month" takes each month's first */
    scout_question_fit fit;
    char *j = bind_json("Growth's Plus subscriber count, trials included, on the first day of each "
                        "month in 2025",
                        "product.analytics.plus_subscribers_daily", &fit);
    cr_expect(strstr(j, "\"column\":\"plus_subscribers\""), "%s", j);
    cr_expect(strstr(j, "\"over_time\":\"first\""), "%s", j);
    cr_expect(strstr(j, "\"grain\":\"month\""), "%s", j);
    cr_expect_null(strstr(j, "\"comparison\""), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    /* "does growth count": the team as the verb's subject */
    j = bind_json("How many Plus subscribers does growth count now, including trials?",
                  "product.analytics.plus_subscribers_daily", &fit);
    cr_expect(strstr(j, "\"column\":\"plus_subscribers\""), "%s", j);
    cr_expect_null(strstr(j, "\"comparison\""), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, the_rows_a_question_opens_with_are_counted)
{
    /* "Accounts with ...": account_summary's rows counted, the count column
     * compared; an identifier is never compared with the number */
    scout_question_fit fit;
    char *j =
        bind_json("Accounts with at least 2 open opportunities", "crm.mart.account_summary", &fit);
    cr_expect(strstr(j, "\"measures\":[{\"agg\":\"count\""), "%s", j);
    cr_expect(strstr(j, "\"column\":\"open_opportunities\",\"op\":\">=\",\"value\":2"), "%s", j);
    cr_expect(fit.has_measure, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    j = bind_json("Accounts with at least 2 open opportunities", "crm.raw.opportunities", &fit);
    cr_expect_null(strstr(j, "\"column\":\"opportunity_id\",\"op\""), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, a_count_column_answers_how_many_only_when_named)
{
    /* revenue_daily counts customers per row, not refunds */
    scout_question_fit fit;
    char *j =
        bind_json("How many refunds did we issue in 2025?", "finance.mart.revenue_daily", &fit);
    cr_expect(!fit.has_measure, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    j = bind_json("How many refunds did we issue in 2025?", "finance.mart.refunds_monthly", &fit);
    cr_expect(fit.has_measure, "%s", j);
    cr_expect(strstr(j, "\"column\":\"refunds\""), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, how_many_counts_rows_only_of_the_noun_the_table_holds)
{
    /* "deals" are not account_summary's rows: no count of accounts */
    scout_question_fit fit;
    char *j = bind_json("How many open deals over $50k are there in APAC?",
                        "crm.mart.account_summary", &fit);
    cr_expect_null(strstr(j, "\"measures\":[{\"agg\":\"count\",\"as\""), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    BOUND("How many smb accounts have more than 1 open opportunities?", "crm.mart.account_summary",
          "\"measures\":[{\"agg\":\"count\",\"as\":\"count\"}]");
}

Test(question_acme, words_naming_the_table_measure_its_amount)
{
    /* "open pipeline" names open_pipeline_by_region itself: its amount, not
     * the open_opportunities count that shares the word "open" */
    BOUND("Total open pipeline by segment", "crm.mart.open_pipeline_by_region",
          "\"agg\":\"sum\",\"column\":\"amount_usd\"");
    /* "how many" still counts */
    BOUND("How many open opportunities by segment", "crm.mart.open_pipeline_by_region",
          "\"column\":\"open_opportunities\"");
    /* "customers" names customer_cohorts too, but it is the customers
     * column's whole name: that column is the measure, not the table's one
     * amount (net_revenue_usd) */
    BOUND("customers in the January 2025 cohort by region", "finance.mart.customer_cohorts",
          "\"measures\":[{\"agg\":\"sum\",\"column\":\"customers\"");
}

/* An entity grouped or ranked by its identifier comes back by its name:
 * the table's own label when the id keys its rows, else the label of the
 * table the id joins; a plain column named for an entity ("service") joins
 * that entity's table for a dimension only it has ("team"). */
Test(question_acme, entities_come_back_by_name_not_id)
{
    BOUND("top 5 accounts by open pipeline", "crm.mart.account_summary",
          "\"dimensions\":[{\"column\":\"name\"");
    not_bound("top 5 accounts by open pipeline", "crm.mart.account_summary",
              "{\"column\":\"account_id\"");
    BOUND("which agent handled the most tickets", "crm.support.tickets",
          "\"dimensions\":[{\"table\":\"crm.support.agents\",\"column\":\"name\"");
    BOUND("requests per team last week", "product.eng.error_rates_daily",
          "\"dimensions\":[{\"table\":\"product.eng.services\",\"column\":\"team\"");
    /* a text column the table has is readable already: no join for a label */
    not_bound("active subscriptions by plan", "product.raw.subscriptions", "display_name");
}

/* An event verb dates the period by its own column: deals are won and lost
 * when they close ("won in 2025" → close_date, not created_date); "won"
 * and "lost" also set the outcome flags (lost = closed and not won), and
 * "this year" on a column of planned future dates ends at the day the
 * source was loaded, not at the last expected close. */
Test(question_acme, event_verbs_pick_their_date_and_outcome)
{
    const char *oe = "crm.mart.opportunities_enriched";
    BOUND("total amount of deals won in 2025", oe,
          "\"time\":{\"column\":\"close_date\",\"start\":\"2025-01-01\",\"end\":\"2025-12-31\"",
          "{\"column\":\"is_won\",\"op\":\"=\",\"value\":1}");
    BOUND("number of deals we lost last quarter", oe, "\"time\":{\"column\":\"close_date\"",
          "{\"column\":\"is_won\",\"op\":\"=\",\"value\":0}",
          "{\"column\":\"is_open\",\"op\":\"=\",\"value\":0}");
    BOUND("how many deals did we win this year", oe,
          "\"time\":{\"column\":\"close_date\",\"start\":\"2026-01-01\",\"end\":\"2026-11-");
    not_bound("how many deals did we win this year", oe, "2027-");
    /* no event verb: the period stays on when the deal was created */
    BOUND("deals created last quarter", oe, "\"time\":{\"column\":\"created_date\"");
    /* a metric curated on other rows (open_pipeline: is_closed = 0) does not
     * measure rows the question chose by the same flag */
    BOUND("amount of deals closed in October", "crm.raw.opportunities",
          "{\"column\":\"is_closed\",\"op\":\"=\",\"value\":1}",
          "\"time\":{\"column\":\"close_date\"");
    not_bound("amount of deals closed in October", "crm.raw.opportunities", "open_pipeline");
    /* "win rate" is a noun, not the verb: no outcome filter */
    not_bound("win rate of deals by segment", oe, "is_won");
}

/* "<entity> with the most <measure>": the entity is what is ranked. */
Test(question_acme, the_noun_with_the_most_is_ranked)
{
    EXPECT("accounts with the most tickets", "\"dimensions\":[[\"accounts\"]]");
    BOUND("accounts with the most tickets", "crm.support.tickets",
          "\"dimensions\":[{\"table\":", "\"column\":\"name\"");
    not_bound("accounts with the most tickets", "crm.support.tickets", "category");
}

/* "who ... the most" ranks people: the column naming a person's role
 * (author), or the joined name of one keyed by id (agent_id → agents.name);
 * one person unless a number is given. */
Test(question_acme, who_ranks_the_people_a_table_names)
{
    BOUND("who made the most deploys last month", "product.eng.deploys",
          "\"dimensions\":[{\"column\":\"author\"", "\"limit\":1");
    BOUND("who handled the most tickets", "crm.support.tickets",
          "\"dimensions\":[{\"table\":\"crm.support.agents\",\"column\":\"name\"");
}

/* "average X per <row>" on a table of those rows is one value per row
 * averaged, not a grouping by the row's id. */
Test(question_acme, an_average_per_row_is_not_a_grouping_by_its_id)
{
    BOUND("average mrr per subscription by plan", "product.raw.subscriptions",
          "\"dimensions\":[{\"column\":\"plan\",\"as\":\"plan\"}]", "\"agg\":\"avg\"");
    not_bound("average mrr per subscription by plan", "product.raw.subscriptions",
              "\"column\":\"subscription_id\"");
}

Test(question_acme, words_of_a_value_match_its_underscored_or_hyphenated_form)
{
    /* stored 'ai_assist', 'mid-market', 'new_business', 'closed_won' */
    const char *fu = "product.analytics.feature_usage_daily";
    const char *oe = "crm.mart.opportunities_enriched";
    BOUND("weekly AI assist events since November", fu,
          "\"column\":\"feature\",\"op\":\"=\",\"value\":\"ai_assist\"");
    BOUND("AI-assist events last week", fu, "\"value\":\"ai_assist\"");
    BOUND("mid market deals last quarter", oe, "\"value\":\"mid-market\"");
    BOUND("midmarket deals last quarter", oe, "\"value\":\"mid-market\"");
    BOUND("new business deals closed won in 2025", oe, "\"value\":\"new_business\"",
          "\"value\":\"closed_won\"");
    /* the words must be adjacent and whole: no match across other words */
    not_bound("AI events that assist search last week", fu, "\"ai_assist\"");
    not_bound("new deals for business accounts last quarter", oe, "\"new_business\"");
}

Test(question_acme, fit_lists_the_values_a_table_filters_on)
{
    /* discovery compares them: tickets filters on category 'sync', the
     * daily table has no category and leaves "sync" unplaced */
    const char *q = "monthly sync ticket volume this year";
    scout_question_fit fit;
    char *j = bind_json(q, "crm.support.tickets", &fit);
    cr_expect(fit.value_stems && strstr(fit.value_stems, " sync "), "values: %s",
              fit.value_stems ? fit.value_stems : "-");
    scout_question_fit_free(&fit);
    free(j);
    j = bind_json(q, "crm.support.tickets_daily", &fit);
    cr_expect(!fit.value_stems, "values: %s", fit.value_stems);
    cr_expect(fit.unplaced_stems && strstr(fit.unplaced_stems, " sync "), "unplaced: %s",
              fit.unplaced_stems ? fit.unplaced_stems : "-");
    scout_question_fit_free(&fit);
    free(j);
    /* a value of several words is one entry */
    j = bind_json("closed won deals by segment last quarter", "crm.mart.opportunities_enriched",
                  &fit);
    cr_expect(fit.value_stems && strstr(fit.value_stems, " close+won "), "values: %s",
              fit.value_stems ? fit.value_stems : "-");
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, a_comparison_after_the_number_filters_the_column_before_it)
{
    BOUND("How many CSAT responses scored 2 or lower last quarter?", "crm.support.csat_responses",
          "\"column\":\"score\",\"op\":\"<=\",\"value\":2");
}

Test(question_acme, a_dollar_threshold_compares_a_dollar_amount_not_a_local_one)
{
    /* raw.invoices keeps amount_local (each invoice's currency) and amount_usd */
    BOUND("How many invoices for less than $100 did we issue in Q3?", "finance.raw.invoices",
          "\"column\":\"amount_usd\",\"op\":\"<\",\"value\":100");
    not_bound("How many invoices for less than $100 did we issue in Q3?", "finance.raw.invoices",
              "amount_local");
}

Test(question_acme, a_past_tense_verb_is_not_the_state_a_description_names)
{
    /* ticket_backlog: "Currently open tickets ..."; "opened this month" asks
     * about tickets created then, open or not */
    const char *q = "How many urgent tickets have been opened this month?";
    scout_question_fit fit;
    char *j = bind_json(q, "crm.support.ticket_backlog", &fit);
    cr_expect(fit.unplaced_stems && strstr(fit.unplaced_stems, " open "), "unplaced: %s",
              fit.unplaced_stems ? fit.unplaced_stems : "-");
    scout_question_fit_free(&fit);
    free(j);
    /* the state itself still matches the description */
    j = bind_json("How many urgent open tickets are there?", "crm.support.ticket_backlog", &fit);
    cr_expect(!fit.unplaced_stems || !strstr(fit.unplaced_stems, " open "), "unplaced: %s",
              fit.unplaced_stems);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, an_http_status_class_is_a_range_of_status_codes)
{
    const char *q = "How many sampled requests returned a 5xx error this month, per service?";
    BOUND(q, "product.eng.request_samples",
          "\"column\":\"status_code\",\"op\":\">=\",\"value\":500",
          "\"column\":\"status_code\",\"op\":\"<\",\"value\":600");
    /* a table without a status column cannot apply it: no other column stands in */
    not_bound(q, "product.eng.error_rates_daily", "\"value\":500");
}

/* ---- entity and grain (which table's rows the question is about) ---- */

static bool fit_flag(const char *question, const char *table, size_t which)
{
    scout_question_fit fit;
    char *j = bind_json(question, table, &fit);
    bool v = which == 0 ? fit.rows_are_entity : which == 1 ? fit.period_on_cohort : fit.has_measure;
    scout_question_fit_free(&fit);
    free(j);
    return v;
}

#define ENTITY(q, t)   fit_flag(q, t, 0)
#define COHORT(q, t)   fit_flag(q, t, 1)
#define MEASURED(q, t) fit_flag(q, t, 2)

Test(question_acme, a_compound_synonym_names_its_head_not_its_qualifier)
{
    /* owner_name's synonym "account executive" is an executive: "accounts"
     * alone must not group by the sales rep */
    scout_question_fit fit;
    char *j = bind_json("Top 5 accounts by open pipeline", "crm.mart.owner_performance", &fit);
    cr_expect_null(strstr(j, "\"dimensions\":[{\"column\":\"owner_name\""), "%s", j);
    cr_expect(fit.missing && strstr(fit.missing, "accounts"), "missing: %s",
              fit.missing ? fit.missing : "-");
    scout_question_fit_free(&fit);
    free(j);
    /* the head still names it */
    BOUND("open pipeline by sales rep", "crm.mart.owner_performance",
          "\"dimensions\":[{\"column\":\"owner_name\"");
}

Test(question_acme, the_counted_or_ranked_noun_names_the_table_s_own_rows)
{
    const char *pro = "How many business accounts are on the Pro plan?";
    cr_expect(ENTITY(pro, "product.analytics.dim_accounts"));
    cr_expect(!ENTITY(pro, "product.analytics.dim_users"), "users with an account_type");
    cr_expect(ENTITY("Top 5 accounts by open pipeline", "crm.mart.account_summary"));
    /* counting customers split by segment: the segment is not what is counted */
    cr_expect(!ENTITY("number of customers per segment", "finance.mart.arr_by_segment"));
}

Test(question_acme, average_daily_active_users_still_name_the_acronym)
{
    const char *q = "What was the average number of daily active users in October?";
    BOUND(q, "product.analytics.dau", "\"column\":\"dau\"", "\"start\":\"2026-10-01\"");
    cr_expect(MEASURED(q, "product.analytics.dau"), "the words name dau");
    cr_expect_eq(fit_of("average daily active users last month", "product.analytics.dau"), 1.0);
}

Test(question_acme, a_cohort_month_does_not_date_the_events_counted)
{
    const char *q = "How many invoices did we send to Mid-market customers in October?";
    scout_question_fit fit;
    char *j = bind_json(q, "finance.mart.customer_ltv", &fit);
    cr_expect(fit.period_on_cohort, "%s", j);
    cr_expect(fit.missing && strstr(fit.missing, "cohort_month"), "missing: %s",
              fit.missing ? fit.missing : "-");
    scout_question_fit_free(&fit);
    free(j);
    /* the event table dates the invoices; the cohort named is a cohort */
    cr_expect(!COHORT(q, "finance.mart.fct_invoices"));
    cr_expect(!COHORT("revenue from the January 2026 cohort by month since then",
                      "finance.mart.customer_cohorts"));
    /* the members themselves, counted by when they joined */
    cr_expect(
        !COHORT("How many customers did we gain in October?", "finance.mart.customer_cohorts"));
}

Test(question_acme, rows_named_after_a_qualifier_are_counted)
{
    /* "new leads": leads are the rows; "new" of dim_users' "new user" only
     * qualifies users */
    const char *q = "new leads per month this year";
    cr_expect(MEASURED(q, "crm.raw.leads"));
    cr_expect(!MEASURED(q, "product.analytics.dim_users"));
}

Test(question_acme, a_rollup_s_named_count_is_the_measure_when_none_is_said)
{
    cr_expect(MEASURED("weekly subscription cancellations since September 1",
                       "product.analytics.subscription_events_daily"));
}

Test(question, an_amount_a_month_is_the_period_it_is_paid_over)
{
    /* "a month" after an amount says what the amount is kept per, not a
     * grain or a time range; "pay" before the comparison names the amount */
    EXPECT("How many active subscriptions pay more than $500 a month?", "\"money\":true",
           "\"per\":\"month\"", "\"open_words\":[\"active\",\"subscriptions\"]");
    EXPECT("customers paying over $20k a year", "\"per\":\"year\"");
    /* not after a plain count, and "a year ago" stays a time */
    char *j = analyse_json("users with more than 3 seats a month ago");
    cr_expect(strstr(j, "\"per\"") == NULL, "%s", j);
    free(j);
}

Test(question_acme, a_dollar_threshold_compares_a_money_column_never_a_count)
{
    /* subscriptions has seats (a count) and mrr_usd: "$500 a month" is the
     * monthly amount, never 500 seats */
    const char *q = "How many active subscriptions pay more than $500 a month?";
    BOUND(q, "finance.raw.subscriptions", "\"column\":\"mrr_usd\",\"op\":\">\",\"value\":500",
          "\"value\":\"active\"", "\"agg\":\"count\"");
    not_bound(q, "finance.raw.subscriptions", "seats");
    cr_expect_eq(fit_of(q, "finance.raw.subscriptions"), 1.0);
    /* a plain number still compares the count */
    BOUND("How many active subscriptions have more than 3 seats?", "finance.raw.subscriptions",
          "\"column\":\"seats\",\"op\":\">\",\"value\":3");
}

Test(question_acme, a_rate_table_cannot_take_a_dollar_threshold)
{
    /* win_rate_quarterly keeps win_rate and closed_deals, no amount: "$75k"
     * compares with neither, and the table says it dropped the threshold */
    const char *q = "How many deals over $75k did we win this year?";
    scout_question_fit fit;
    char *j = bind_json(q, "crm.mart.win_rate_quarterly", &fit);
    cr_expect(strstr(j, "75000") == NULL, "%s", j);
    cr_expect_eq(fit.thresholds_dropped, 1);
    double rate = fit.score;
    scout_question_fit_free(&fit);
    free(j);
    /* the deals themselves compare amount_usd, and "did we win" is is_won */
    BOUND(q, "crm.mart.opportunities_enriched",
          "\"column\":\"amount_usd\",\"op\":\">\",\"value\":75000",
          "\"column\":\"is_won\",\"op\":\"=\",\"value\":1");
    cr_expect_gt(fit_of(q, "crm.mart.opportunities_enriched"), rate);
}

Test(question_acme, a_money_noun_no_column_is_named_for_sums_the_amount)
{
    /* opportunities_enriched has no "revenue" column; its one amount is
     * what "closed-won revenue" asks for, summed, not a count of deals */
    const char *q = "closed-won revenue in EMEA this year vs the same period last year";
    BOUND(q, "crm.mart.opportunities_enriched", "\"agg\":\"sum\",\"column\":\"amount_usd\"",
          "\"value\":\"EMEA\"", "\"type\":\"previous_year\"");
    cr_expect_eq(fit_of(q, "crm.mart.opportunities_enriched"), 1.0);
    /* a money measure chosen by other words (won_usd for "won") answers the
     * noun too: "revenue" is not a word the table misses */
    scout_question_fit fit;
    char *j = bind_json("Top 3 reps by closed-won revenue", "crm.mart.owner_performance", &fit);
    cr_expect(strstr(j, "won_usd") != NULL, "%s", j);
    cr_expect(!fit.unplaced_stems || !strstr(fit.unplaced_stems, " revenu "), "unplaced: %s",
              fit.unplaced_stems);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, money_asked_of_a_table_without_money_has_no_measure)
{
    /* "how much did we win": win_rate_quarterly can only sum closed_deals */
    const char *q = "How much did we win in closed deals in 2025?";
    scout_question_fit fit;
    char *j = bind_json(q, "crm.mart.win_rate_quarterly", &fit);
    cr_expect(fit.lacks_money && !fit.has_measure, "%s", j);
    cr_expect(fit.missing && strstr(fit.missing, "no amount of money for 'win'"), "missing: %s",
              fit.missing ? fit.missing : "-");
    scout_question_fit_free(&fit);
    free(j);
    BOUND(q, "crm.mart.opportunities_enriched", "\"agg\":\"sum\",\"column\":\"amount_usd\"",
          "\"column\":\"is_won\",\"op\":\"=\",\"value\":1");
    /* counting asks for a number of things, and a "how much" of something
     * else ("time") is not money */
    j = bind_json("How many closed deals did we win in 2025?", "crm.mart.win_rate_quarterly", &fit);
    cr_expect(!fit.lacks_money, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
    j = bind_json("How much time did we spend on closed deals in 2025?",
                  "crm.mart.win_rate_quarterly", &fit);
    cr_expect(!fit.lacks_money, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, the_amount_is_the_dollar_column_not_the_local_copy)
{
    /* raw.invoices keeps amount_usd and amount_local: "invoice amount" is
     * the one amount in the common currency, averaged per invoice */
    const char *q = "Average invoice amount for enterprise customers this year";
    BOUND(q, "finance.raw.invoices", "\"agg\":\"avg\",\"column\":\"amount_usd\"");
    not_bound(q, "finance.raw.invoices", "amount_local");
    cr_expect_eq(fit_of(q, "finance.raw.invoices"), 1.0);
}

Test(question_acme, an_average_is_not_answered_by_a_total_on_summary_rows)
{
    /* revenue_daily's gross_revenue sums each day's invoices: not the
     * average invoice, so it has no measure for the question... */
    const char *q = "Average invoice amount for enterprise customers this year";
    scout_question_fit fit;
    char *j = bind_json(q, "finance.mart.revenue_daily", &fit);
    cr_expect(!fit.has_measure, "%s", j);
    cr_expect(fit.missing && strstr(fit.missing, "'average' asked"), "missing: %s",
              fit.missing ? fit.missing : "-");
    scout_question_fit_free(&fit);
    free(j);
    /* ...while an average over days says what it averages */
    j = bind_json("average daily gross revenue last month", "finance.mart.revenue_daily", &fit);
    cr_expect(fit.has_measure, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, a_synonym_said_in_full_names_the_measure)
{
    /* gross_usd's synonym "invoice amount": "amount" alone is a filler and
       "invoice" only qualifies it, but the two together name the column */
    BOUND("Average invoice amount for enterprise customers this year", "finance.mart.fct_invoices",
          "\"agg\":\"avg\"", "\"column\":\"gross_usd\"");
}

/* ---- shapes added for the held-out suites ---- */

Test(question_acme, a_level_now_compared_is_the_latest_day_against_the_same_day_before)
{
    /* "now" alone is the latest value; compared, it is the latest day, and
     * the other side the same day a year earlier */
    BOUND("How many paid Plus subscribers do we have now compared with a year ago?",
          "finance.mart.plus_subscribers_daily", "\"type\":\"previous_year\"",
          "\"start\":\"2026-11-24\",\"end\":\"2026-11-24\"", "\"over_time\":\"last\"");
    not_bound("How many paid Plus subscribers do we have now?",
              "finance.mart.plus_subscribers_daily", "\"comparison\"");
    /* "a month ago": the same day one month back */
    BOUND("paid Plus subscribers now compared to a month ago",
          "finance.mart.plus_subscribers_daily", "\"start\":\"2026-11-24\",\"end\":\"2026-11-24\"",
          "\"type\":\"period\",\"start\":\"2026-10-24\",\"end\":\"2026-10-24\"");
    /* "now vs last month": now stays the latest day, last month the other side */
    BOUND("How many paid Plus subscribers now vs last month?",
          "finance.mart.plus_subscribers_daily", "\"start\":\"2026-11-24\",\"end\":\"2026-11-24\"",
          "\"type\":\"period\",\"start\":\"2026-10-01\",\"end\":\"2026-10-31\"");
}

Test(question, a_duration_to_an_event_is_recognised)
{
    EXPECT("Average hours to resolve urgent tickets this year",
           "\"duration\":{\"until\":\"resolve\",\"unit\":\"hour\"}", "\"aggregate\":\"avg\"");
    EXPECT("how long does it take to close a deal", "\"duration\":{\"until\":\"close\"");
    EXPECT("average time to resolve tickets in days", "\"unit\":\"day\"");
}

Test(question_acme, a_duration_runs_from_the_rows_start_to_the_event_the_verb_names)
{
    const char *q = "Average hours to resolve urgent tickets this year";
    /* the event's column ends it, the creation time starts it; unresolved
     * tickets drop out; the period selects tickets by when they were opened */
    BOUND(q, "crm.support.tickets",
          "\"agg\":\"avg\",\"column\":\"resolved_at\",\"from\":\"created_at\",\"unit\":\"hour\"",
          "{\"column\":\"resolved_at\",\"op\":\"is not null\"}",
          "\"time\":{\"column\":\"created_at\"", "\"value\":\"urgent\"");
    /* dates without a time of day are timed in days when no unit is said */
    BOUND("how long does it take to close a won deal", "crm.raw.opportunities",
          "\"column\":\"close_date\",\"from\":\"created_date\",\"unit\":\"day\"");
    /* a table that cannot time the event answers something else */
    double rows = fit_of(q, "crm.support.tickets"), daily = fit_of(q, "crm.support.tickets_daily");
    cr_expect_gt(rows, daily, "tickets %.2f vs tickets_daily %.2f", rows, daily);
}

Test(question_acme, how_many_counts_the_table_whose_rows_the_noun_names_not_the_dimensions)
{
    /* leads join campaigns (campaign_id): counting campaigns by channel
     * does not answer how many leads each channel brought in */
    const char *q = "How many leads did each campaign channel bring in?";
    double leads = fit_of(q, "crm.raw.leads"), campaigns = fit_of(q, "crm.raw.campaigns");
    cr_expect_gt(leads, campaigns, "leads %.2f vs campaigns %.2f", leads, campaigns);
    BOUND(q, "crm.raw.leads", "\"measures\":[{\"agg\":\"count\"",
          "\"table\":\"crm.raw.campaigns\",\"column\":\"channel\"");
    /* the table's own rows are still counted */
    cr_expect_eq(fit_of("How many campaigns per channel?", "crm.raw.campaigns"), 1.0);
}

Test(question_acme, an_average_level_per_period_averages_the_days_totals)
{
    /* a daily level is added up per day (over platforms, plans) and those
     * totals averaged over each month — not the average of its rows */
    BOUND(
        "average paid Plus subscribers per month in 2025", "finance.mart.plus_subscribers_daily",
        "\"agg\":\"sum\",\"column\":\"paid_plus_subscribers\",\"as\":\"avg_paid_plus_subscribers\","
        "\"over_time\":\"avg\"",
        "\"grain\":\"month\"");
    BOUND("average active users per week in October", "product.analytics.platform_mix_daily",
          "\"agg\":\"sum\",\"column\":\"active_users\"", "\"over_time\":\"avg\"");
}

Test(question_acme, across_narrowed_entities_is_one_total_not_a_row_each)
{
    const char *t = "product.analytics.account_weekly_active_users";
    /* the accounts on the pro plan are the set added up over */
    not_bound("weekly active users last week across accounts on the pro plan", t, "\"dimensions\"");
    BOUND("weekly active users last week across accounts on the pro plan", t, "\"value\":\"pro\"");
    not_bound("Total weekly active users across all accounts last week", t, "\"dimensions\"");
    /* un-narrowed, "across accounts" still splits by account */
    BOUND("weekly active users last week across accounts", t, "\"dimensions\":[{");
}

Test(question_acme, which_things_pass_a_number_is_a_listing_of_them)
{
    /* no aggregate: the (service, component) pairs whose target passes */
    const char *q = "Which service components have a p95 latency target above 200 ms?";
    EXPECT(q, "\"listing\":true");
    BOUND(q, "product.eng.slo_targets", "\"measures\":[]",
          "\"dimensions\":[{\"column\":\"service\",\"as\":\"service\"},{\"column\":\"component\"",
          "\"column\":\"p95_target_ms\",\"op\":\">\",\"value\":200");
    /* "more than" is the threshold, not a comparison of members */
    BOUND("Which service components have a p95 target of more than 200 ms?",
          "product.eng.slo_targets", "\"measures\":[]", "\"op\":\">\",\"value\":200");
    /* a number no column takes filters nothing: no listing of every row */
    not_bound("Which service components have more than 5 owners?", "product.eng.slo_targets",
              "\"measures\":[]");
    /* a ranking or an aggregate is no listing */
    char *j = analyse_json("Which service has the highest p95 latency target?");
    cr_expect_null(strstr(j, "\"listing\""), "%s", j);
    free(j);
    j = analyse_json("Which components have an average p95 above 200 ms?");
    cr_expect_null(strstr(j, "\"listing\""), "%s", j);
    free(j);
}

Test(question_acme, compared_periods_are_totals_whatever_grain_word_is_said)
{
    /* "monthly" says the periods' unit: one row, no month column */
    const char *q = "monthly active users this month compared with last month";
    BOUND(q, "product.analytics.mau", "\"comparison\":{\"type\":");
    not_bound(q, "product.analytics.mau", "\"dimensions\"");
    not_bound("weekly revenue this quarter vs last quarter", "finance.mart.revenue_daily",
              "\"grain\"");
}

Test(question_acme, a_money_word_measures_the_only_amount_not_the_rows)
{
    /* "revenue" on deals: the sum of the deal amounts, not a count of deals */
    BOUND("closed-won revenue in EMEA this year", "crm.mart.opportunities_enriched",
          "\"agg\":\"sum\",\"column\":\"amount_usd\"");
    /* counting them is still a count */
    BOUND("How many closed-won deals in EMEA this year?", "crm.mart.opportunities_enriched",
          "\"measures\":[{\"agg\":\"count\"");
}

Test(question_acme, a_dollar_threshold_never_compares_a_rate_or_a_count)
{
    /* "$75k" on a table of win rates: no column is an amount, so none is compared */
    scout_question_fit fit;
    char *j = bind_json("How many deals over $75k did we win this year?",
                        "crm.mart.win_rate_quarterly", &fit);
    cr_expect_null(strstr(j, "\"value\":75000"), "%s", j);
    cr_expect(fit.missing && strstr(fit.missing, "'$75k'"), "the fit says it was not placed: %s",
              fit.missing ? fit.missing : "-");
    scout_question_fit_free(&fit);
    free(j);
    BOUND("How many deals over $75k did we win this year?", "crm.mart.opportunities_enriched",
          "\"column\":\"amount_usd\",\"op\":\">\",\"value\":75000");
}

/* ---- "how many <people> did X": distinct actors on the rows of the act ---- */

static bool counts_actors(const char *question, const char *table)
{
    scout_question_fit fit;
    char *j = bind_json(question, table, &fit);
    bool v = fit.counts_actors;
    scout_question_fit_free(&fit);
    free(j);
    return v;
}

Test(question_acme, people_who_did_something_are_counted_once_each_on_the_act_s_rows)
{
    const char *ev = "product.raw.feature_events";
    const char *cd = "\"agg\":\"count_distinct\"";
    BOUND("How many users used export last week?", ev, cd, "\"column\":\"user_id\"",
          "\"value\":\"export\"", "\"column\":\"event_ts\"", "\"start\":\"2026-11-16\"");
    cr_expect(counts_actors("How many users used export last week?", ev));
    /* "people" are the product's users; the launch period lands on the events */
    BOUND("How many people used the new export feature in its first 30 days, by platform?", ev, cd,
          "\"column\":\"user_id\"", "\"start\":\"2026-06-02\"", "\"column\":\"platform\"");
    BOUND("how many customers paid by card last month", "finance.mart.fct_payments", cd,
          "\"column\":\"customer_id\"", "\"value\":\"card\"", "\"column\":\"paid_date\"");
    /* having one is the act: "had a failed payment" */
    BOUND("how many customers had a failed payment last month", "finance.mart.fct_payments", cd,
          "\"column\":\"customer_id\"", "\"value\":\"failed\"");
    /* "accounts" is the actor, not the ticket category 'account' */
    const char *tq = "how many accounts opened a ticket last month";
    BOUND(tq, "crm.support.tickets", cd, "\"column\":\"account_id\"", "\"start\":\"2026-10-01\"");
    scout_question_fit fit;
    char *j = bind_json(tq, "crm.support.tickets", &fit);
    cr_expect_null(strstr(j, "\"value\":\"account\""), "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, the_entity_s_own_lifecycle_still_counts_its_rows)
{
    /* signing up is the users' own act, dated on the users table; the
     * feature events record nothing of it */
    const char *q = "how many users signed up last month";
    cr_expect(!counts_actors(q, "product.raw.feature_events"));
    cr_expect(ENTITY(q, "product.analytics.dim_users"));
    BOUND(q, "product.analytics.dim_users", "\"agg\":\"count\"", "\"column\":\"signup_date\"");
    /* a count of acts is not a count of actors */
    cr_expect(!counts_actors("How many tickets were opened last month?", "crm.support.tickets"));
}

Test(question_acme, the_users_table_does_not_date_what_they_did_elsewhere)
{
    /* search is a value of the feature events joined in: signup_date dates
     * when they joined, not yesterday's searches */
    cr_expect(COHORT("how many users used search yesterday", "product.analytics.dim_users"));
    cr_expect(!COHORT("how many users signed up last month", "product.analytics.dim_users"));
}

Test(question_acme, a_daily_distinct_count_is_not_summed_over_days_for_how_many_people)
{
    const char *daily = "product.analytics.feature_usage_daily";
    /* users per day counts a user once a day: a week of them is user-days */
    cr_expect(!MEASURED("How many users used export last week?", daily));
    /* a count column is no identifier to count distinct */
    cr_expect(
        !MEASURED("How many distinct users tried export in its first week, by platform?", daily));
    /* one day, or a series by day, is one row a day */
    cr_expect(MEASURED("how many users used export each day last week", daily));
    /* trials are acts: they add up over months */
    cr_expect(MEASURED("How many trials started in each of the last 3 months?",
                       "product.analytics.trial_conversion_monthly"));
}

Test(question_acme, a_dimension_phrase_saying_a_column_s_whole_name_binds_to_it)
{
    /* "account type" is account_type, not account_name that "account" alone names */
    BOUND("new accounts per month by account type this year", "product.analytics.dim_accounts",
          "\"dimensions\":[{\"column\":\"account_type\"");
    BOUND("accounts for each account type", "product.analytics.dim_accounts",
          "\"dimensions\":[{\"column\":\"account_type\"");
    /* one word still binds word by word */
    BOUND("new accounts by segment", "product.analytics.dim_accounts",
          "\"dimensions\":[{\"column\":\"segment\"");
}

Test(question_acme, a_time_noun_names_the_column_timing_the_word_before_it)
{
    /* "queue time" = queue_ms: averaged, not the requests counted */
    BOUND("Average queue time for search requests this month", "product.eng.request_samples",
          "\"measures\":[{\"agg\":\"avg\",\"column\":\"queue_ms\"");
    BOUND("render latency for search requests this month", "product.eng.request_samples",
          "\"measures\":[{\"agg\":\"avg\",\"column\":\"render_ms\"");
    BOUND("total network time today", "product.eng.request_samples",
          "\"measures\":[{\"agg\":\"sum\",\"column\":\"network_ms\"");
    /* a rollup where 'queue' is only a component value has no column timing it */
    scout_question_fit fit;
    char *j = bind_json("Average queue time for search requests this month",
                        "product.eng.request_latency_daily", &fit);
    cr_expect(fit.lacks_duration && !fit.has_measure, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, a_table_named_by_the_question_is_measured_by_its_subject_column)
{
    /* "customer satisfaction" is csat_monthly's curated synonym: its csat
     * column is the measure, a score averaged, not the responses summed */
    BOUND("EMEA customer satisfaction trend this year", "crm.support.csat_monthly",
          "\"measures\":[{\"agg\":\"avg\",\"column\":\"csat\"");
    BOUND("csat by region last month", "crm.support.csat_monthly",
          "\"measures\":[{\"agg\":\"avg\",\"column\":\"csat\"");
    /* a column the question names is still the measure */
    BOUND("customer satisfaction responses by region this year", "crm.support.csat_monthly",
          "\"measures\":[{\"agg\":\"sum\",\"column\":\"responses\"");
}

Test(question_acme, which_x_of_a_named_row_is_a_lookup_not_a_count)
{
    /* the team of the row whose service is 'export', listed, not counted */
    BOUND("Which team owns the export service?", "product.eng.services",
          "\"dimensions\":[{\"column\":\"team\"", "\"value\":\"export\"");
    BOUND("Which team owns the export service?", "product.eng.services", "\"measures\":[]");
    /* a ranking still ranks and measures */
    BOUND("Which team owns the most services?", "product.eng.services", "\"measures\":[{");
}

Test(question_acme, a_ranking_of_a_row_table_s_own_rows_lists_them)
{
    /* the 5 request rows that took longest: key, duration, ordered, limited */
    BOUND("slowest 5 composer requests today", "product.eng.request_samples", "\"measures\":[]",
          "\"dimensions\":[{\"column\":\"request_id\",\"as\":\"request_id\"},{\"column\":"
          "\"total_ms\"",
          "\"order_by\":[{\"key\":\"total_ms\",\"value\":\"current\",\"dir\":\"desc\"}]",
          "\"limit\":5");
    BOUND("fastest 3 search requests this month", "product.eng.request_samples",
          "\"order_by\":[{\"key\":\"total_ms\",\"value\":\"current\",\"dir\":\"asc\"}]",
          "\"limit\":3");
    /* a rollup counting requests has no duration to rank them by */
    scout_question_fit fit;
    char *j =
        bind_json("slowest 5 composer requests today", "product.eng.request_latency_daily", &fit);
    cr_expect(fit.lacks_duration, "%s", j);
    scout_question_fit_free(&fit);
    free(j);
}

Test(question_acme, days_where_a_value_broke_its_own_limit_are_listed)
{
    /* the days, with the value, whose p95 was over the row's own target */
    const char *q = "Days this year where the composer model component broke its SLO";
    BOUND(q, "product.eng.slo_breaches_daily", "\"measures\":[]",
          "\"dimensions\":[{\"column\":\"day\",\"as\":\"day\"},{\"column\":\"p95_ms\"",
          "{\"column\":\"p95_ms\",\"op\":\">\",\"than\":\"p95_target_ms\"}",
          "\"value\":\"composer\"", "\"value\":\"model\"");
    /* without "days where" the same condition is counted */
    BOUND("How many times did the composer model component break its SLO this year?",
          "product.eng.slo_breaches_daily", "\"than\":\"p95_target_ms\"",
          "\"measures\":[{\"agg\":\"count\"");
}
