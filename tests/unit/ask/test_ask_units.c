/* ask units: discovery scoring, the answer text, stored results, the event
 * stream and the bad-question gate. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ask/answer.h"
#include "ask/ask.h"
#include "ask/discover.h"
#include "ask/event.h"
#include "ask/results.h"
#include "support/proc.h"

/* ---------- discovery scoring ---------- */

static scout_discover_signals good(void)
{
    scout_discover_signals s = {0};
    s.bound = true;
    s.fit = 1.0;
    s.has_measure = true;
    s.needs_time = true;
    s.has_time = true;
    s.search_rel = 1.0;
    s.stale_days = 0;
    return s;
}

Test(discover, a_deprecated_copy_never_beats_a_live_table_even_with_a_better_fit)
{
    scout_discover_signals live = good(), old = good();
    live.fit = 0.7;
    live.search_rel = 0.5;
    old.trust = SCOUT_TIER_DEPRECATED;
    cr_assert_gt(scout_discover_score(&live), scout_discover_score(&old));
}

Test(discover, source_of_truth_wins_a_tie)
{
    scout_discover_signals sot = good(), other = good();
    sot.trust = SCOUT_TIER_SOURCE_OF_TRUTH;
    sot.fit = other.fit = 0.8;
    sot.search_rel = other.search_rel = 0.9;
    cr_assert_gt(scout_discover_score(&sot), scout_discover_score(&other));
}

Test(discover, the_table_defining_a_named_curated_metric_beats_a_rollup_found_first)
{
    /* "monthly net revenue": a cohort rollup sums a net_revenue_usd column
     * and tops search; the table defining the metric net_revenue wins. */
    scout_discover_signals metric = good(), rollup = good();
    metric.by_metric = true;
    metric.search_rel = 0.7;
    cr_assert_gt(scout_discover_score(&metric), scout_discover_score(&rollup));
}

Test(discover, the_metric_s_own_table_beats_a_rollup_carrying_it)
{
    scout_discover_signals home = good(), copy = good();
    home.by_metric = copy.by_metric = true;
    copy.metric_copy = true;
    cr_assert_gt(scout_discover_score(&home), scout_discover_score(&copy));
    scout_discover_signals plain = good();
    cr_assert_gt(scout_discover_score(&copy), scout_discover_score(&plain));
}

Test(discover, an_average_at_the_asked_grain_beats_averaging_finer_rows)
{
    /* "weekly p95": a weekly table keeps the week's p95; the mean of a daily
     * table's p95s is another number even when search ranks it first. */
    scout_discover_signals weekly = good(), daily = good();
    weekly.search_rel = 0.74;
    daily.averages_finer = true;
    cr_assert_gt(scout_discover_score(&weekly), scout_discover_score(&daily));
}

Test(discover, a_table_coarser_than_the_asked_grain_loses_to_one_that_keeps_it)
{
    /* "for each day of the last two weeks": a weekly table cannot split its
     * weeks, however well search ranks it. */
    scout_discover_signals daily = good(), weekly = good();
    daily.search_rel = 0.76;
    weekly.grain_too_coarse = true;
    cr_assert_gt(scout_discover_score(&daily), scout_discover_score(&weekly));
}

Test(discover, counting_the_items_beats_summing_a_count_kept_on_a_rollup)
{
    /* "How many users are on the enterprise plan?": the users table counts
     * each user once; users per feature and plan counts them per feature. */
    scout_discover_signals users = good(), rollup = good();
    users.search_rel = 0.84;
    users.counts_items = true;
    cr_assert_gt(scout_discover_score(&users), scout_discover_score(&rollup));
}

Test(discover, the_table_whose_rows_are_the_counted_entity_beats_one_counting_another)
{
    /* "How many business accounts are on the Pro plan?": dim_users leads
     * search (account_type, plan) but its rows are users; dim_accounts'
     * rows are the accounts counted */
    scout_discover_signals users = good(), accounts = good();
    users.needs_time = accounts.needs_time = false;
    users.counts_items = accounts.counts_items = true;
    accounts.search_rel = 0.785;
    accounts.subject = 1;
    accounts.rows_are_entity = true;
    users.counts_other_entity = true;
    double a = scout_discover_score(&accounts), u = scout_discover_score(&users);
    cr_assert_gt(a, u);
    cr_assert_geq(a - u, 0.03, "a clear choice, not a tie to ask about (%.3f vs %.3f)", a, u);
    /* a raw replica of the entity is not lifted over the modelled one */
    scout_discover_signals raw = accounts;
    raw.staging = true;
    raw.search_rel = 0.965;
    cr_assert_gt(scout_discover_score(&accounts), scout_discover_score(&raw));
}

Test(discover, weeks_do_not_nest_in_months_so_event_rows_win_a_monthly_count)
{
    /* "How many demos did we run each month this year?": the weekly rollup
     * leads search, but a week across two months lands in one of them */
    scout_discover_signals weekly = good(), events = good();
    events.search_rel = 0.75;
    events.staging = true;
    events.counts_items = true;
    weekly.grain_straddles = true;
    cr_assert_gt(scout_discover_score(&events), scout_discover_score(&weekly));
}

Test(discover, a_period_on_a_cohort_month_loses_to_the_event_table)
{
    /* "How many invoices did we send to Mid-market customers in October?":
     * customer_ltv has an invoices column and a cohort month; fct_invoices,
     * joined in (not a search hit), dates the invoices themselves */
    scout_discover_signals ltv = good(), invoices = good();
    ltv.fit = invoices.fit = 0.857;
    ltv.search_rel = 0.918;
    ltv.subject = 1;
    ltv.period_on_cohort = true;
    invoices.search_rel = 0;
    invoices.subject = 1;
    invoices.counts_items = true;
    invoices.rows_are_entity = true;
    cr_assert_gt(scout_discover_score(&invoices), scout_discover_score(&ltv));
}

Test(discover, a_word_another_candidate_is_named_for_sinks_a_table_that_misses_it)
{
    /* "daily ticket volume": request_latency_daily ranks first in search
     * (daily, volume) but misses "ticket", which tickets_daily is named for */
    scout_discover_signals latency = good(), tickets = good();
    latency.fit = 0.67;
    tickets.fit = 0.8;
    tickets.search_rel = 0.7;
    latency.others_subject = 1;
    tickets.subject = 1;
    cr_assert_gt(scout_discover_score(&tickets), scout_discover_score(&latency));
}

Test(discover, dropping_a_value_another_candidate_filters_on_costs_the_table)
{
    /* "monthly sync ticket volume this year": tickets_daily leads search
     * and is named for "ticket volume", but has no category, so it would
     * count every ticket; tickets filters category = 'sync' */
    scout_discover_signals daily = good(), tickets = good();
    daily.fit = 0.8;
    daily.subject = 2;
    tickets.fit = 0.857;
    tickets.search_rel = 0.674;
    tickets.by_metric = true;
    tickets.subject = 1;
    tickets.others_subject = 1; /* "volume" names tickets_daily */
    cr_assert_gt(scout_discover_score(&daily), scout_discover_score(&tickets));
    daily.drops_values = 1;
    cr_assert_gt(scout_discover_score(&tickets), scout_discover_score(&daily));
}

Test(discover, counting_the_rows_the_question_names_is_a_measure)
{
    /* "new users per month": dim_users counts its users (no measure word
     * said); a cohort rollup sums active_users */
    scout_discover_signals users = good(), cohorts = good();
    users.has_measure = false;
    users.counts_items = true;
    users.subject = 1;
    users.fit = 0.65;
    cohorts.fit = 0.8;
    cohorts.search_rel = 0.65;
    cohorts.subject = 1;
    cr_assert_gt(scout_discover_score(&users), scout_discover_score(&cohorts));
}

Test(discover, a_table_named_for_the_question_beats_one_mentioning_it)
{
    /* "Monthly revenue in 2024": revenue_monthly over a cohort rollup that
     * search ranks first for its many "month" and "revenue" mentions */
    scout_discover_signals monthly = good(), cohorts = good();
    monthly.search_rel = 0.875;
    monthly.subject = 2;
    cr_assert_gt(scout_discover_score(&monthly), scout_discover_score(&cohorts));
}

Test(discover, a_sum_at_the_asked_grain_beats_one_over_repeated_rows)
{
    /* requests per service: latency rows repeat them per component */
    scout_discover_signals rates = good(), latency = good();
    rates.search_rel = 0.87;
    latency.finer_than_asked = true;
    latency.trust = SCOUT_TIER_SOURCE_OF_TRUTH;
    cr_assert_gt(scout_discover_score(&rates), scout_discover_score(&latency));
}

Test(discover, a_raw_table_defining_the_named_metric_is_not_punished_as_raw)
{
    scout_discover_signals raw = good();
    raw.staging = true;
    raw.by_metric = true;
    scout_discover_signals plain = raw;
    plain.staging = false;
    cr_assert_float_eq(scout_discover_score(&raw), scout_discover_score(&plain), 1e-9);
}

Test(discover, a_table_that_cannot_bind_stays_below_one_that_answers)
{
    /* Unbound keeps only its search evidence: ranked among the candidates,
     * never above a table that answers the question reasonably well. */
    scout_discover_signals s = good(), fits = good();
    s.bound = false;
    s.has_measure = false;
    fits.fit = 0.8;
    fits.search_rel = 0.3;
    cr_assert_lt(scout_discover_score(&s), scout_discover_score(&fits));
    cr_assert_gt(scout_discover_score(&s), 0);
    s.search_rel = 0;
    cr_assert_eq(scout_discover_score(&s), 0);
}

Test(discover, missing_measure_time_staging_and_staleness_each_cost)
{
    scout_discover_signals base = good();
    base.fit = 0.8;
    base.search_rel = 0.8;
    double b = scout_discover_score(&base);
    scout_discover_signals s = base;
    s.has_measure = false;
    cr_assert_lt(scout_discover_score(&s), b);
    s = base;
    s.has_time = false;
    cr_assert_lt(scout_discover_score(&s), b);
    s = base;
    s.staging = true;
    cr_assert_lt(scout_discover_score(&s), b);
    s = base;
    s.stale_days = 400;
    cr_assert_lt(scout_discover_score(&s), b);
    s.stale_days = -1; /* unknown freshness is not punished */
    cr_assert_float_eq(scout_discover_score(&s), b, 1e-9);
}

Test(discover, score_stays_in_unit_range)
{
    scout_discover_signals s = good();
    s.trust = SCOUT_TIER_SOURCE_OF_TRUTH;
    cr_assert_leq(scout_discover_score(&s), 1.0);
    s = good();
    s.fit = 0;
    s.search_rel = 0;
    s.has_measure = false;
    s.trust = SCOUT_TIER_DEPRECATED;
    cr_assert_geq(scout_discover_score(&s), 0.0);
}

Test(discover, staging_names)
{
    cr_assert(scout_discover_is_staging("finance.staging.stg_invoices"));
    cr_assert(scout_discover_is_staging("finance.archive.tmp_revenue_backfill_2025"));
    cr_assert(scout_discover_is_staging("finance.raw.invoices"));
    cr_assert_not(scout_discover_is_staging("finance.mart.revenue_daily"));
}

/* ---------- the answer text ---------- */

static scout_result *make_result(const scout_result_col *cols, size_t nc)
{
    scout_result *r = scout_result_new(0, 0);
    cr_assert_not_null(r);
    cr_assert_eq(scout_result_set_columns(r, cols, nc, NULL), SCOUT_OK);
    return r;
}

static void add_row2(scout_result *r, const char *text, double v)
{
    scout_value vals[2] = {{SCOUT_VAL_TEXT, 0, 0, text, strlen(text)},
                           {SCOUT_VAL_REAL, 0, v, NULL, 0}};
    cr_assert_eq(scout_result_add_row(r, vals, 2, NULL), SCOUT_OK);
}

Test(answer, one_number_with_unit_period_and_filter)
{
    scout_result_col cols[] = {{"net_revenue_usd", NULL, SCOUT_RESULT_ROLE_MEASURE,
                                SCOUT_RESULT_TYPE_REAL, SCOUT_UNIT_CURRENCY, false}};
    scout_result *r = make_result(cols, 1);
    scout_value v = {SCOUT_VAL_REAL, 0, 1234567.0, NULL, 0};
    scout_result_add_row(r, &v, 1, NULL);
    scout_answer_input in = {
        r, "last quarter = 2026-07-01..2026-09-30", "region = 'EMEA'", NULL, -1, false, NULL, 0};
    char *t = scout_answer_text(&in);
    cr_assert(strstr(t, "Net revenue: $1.2M last quarter") != NULL, "%s", t);
    cr_assert(strstr(t, "last quarter (2026-07-01 to 2026-09-30)") != NULL, "%s", t);
    cr_assert(strstr(t, "EMEA") != NULL, "%s", t);
    free(t);
    scout_result_free(r);
}

Test(answer, ranked_categories_name_the_leaders_in_order)
{
    scout_result_col cols[] = {{"country", NULL, SCOUT_RESULT_ROLE_DIMENSION,
                                SCOUT_RESULT_TYPE_TEXT, SCOUT_UNIT_NONE, false},
                               {"net_revenue_usd", NULL, SCOUT_RESULT_ROLE_MEASURE,
                                SCOUT_RESULT_TYPE_REAL, SCOUT_UNIT_CURRENCY, false}};
    scout_result *r = make_result(cols, 2);
    add_row2(r, "US", 900000);
    add_row2(r, "DE", 400000);
    add_row2(r, "GB", 300000);
    add_row2(r, "FR", 1000);
    scout_answer_input in = {r, NULL, NULL, NULL, -1, false, NULL, 0};
    char *t = scout_answer_text(&in);
    cr_assert(strstr(t, "highest is US ($900K)") != NULL, "%s", t);
    cr_assert(strstr(t, "then DE") != NULL, "%s", t);
    cr_assert(strstr(t, "4 rows") != NULL, "%s", t);
    free(t);
    scout_result_free(r);
}

Test(answer, comparison_names_the_biggest_movers)
{
    scout_result_col cols[] = {{"region", NULL, SCOUT_RESULT_ROLE_DIMENSION, SCOUT_RESULT_TYPE_TEXT,
                                SCOUT_UNIT_NONE, false},
                               {"revenue_delta", NULL, SCOUT_RESULT_ROLE_DELTA,
                                SCOUT_RESULT_TYPE_REAL, SCOUT_UNIT_CURRENCY, false}};
    scout_result *r = make_result(cols, 2);
    add_row2(r, "NA", 100);
    add_row2(r, "EMEA", -5000);
    add_row2(r, "APAC", 2000);
    scout_answer_input in = {r, "this year = 2026-01-01..2026-11-24", NULL, NULL, -1, true, NULL,
                             0};
    char *t = scout_answer_text(&in);
    cr_assert(strstr(t, "Biggest movers: EMEA -$5") != NULL, "%s", t);
    cr_assert(strstr(t, "APAC +$2") != NULL, "%s", t);
    free(t);
    scout_result_free(r);
}

Test(answer, empty_result_names_the_filter)
{
    scout_result_col cols[] = {{"tickets", NULL, SCOUT_RESULT_ROLE_MEASURE, SCOUT_RESULT_TYPE_INT,
                                SCOUT_UNIT_NONE, false}};
    scout_result *r = make_result(cols, 1);
    scout_answer_input in = {r, NULL, "channel = 'fax'", "channel = 'fax'", 812, false, NULL, 0};
    char *t = scout_answer_text(&in);
    cr_assert(strstr(t, "No rows match") != NULL, "%s", t);
    cr_assert(strstr(t, "The filter channel = 'fax'") != NULL, "%s", t);
    cr_assert(strstr(t, "812 rows") != NULL, "%s", t);
    free(t);
    scout_result_free(r);
}

Test(answer, measure_and_period_words)
{
    char w[64];
    scout_answer_measure_words("p95_latency_ms", w, sizeof w);
    cr_assert_str_eq(w, "P95 latency");
    scout_answer_measure_words("avg_avg_p95_ms", w, sizeof w);
    cr_assert_str_eq(w, "Average p95", "an average of a stored average is said once");
    scout_answer_measure_words("avg_ms", w, sizeof w);
    cr_assert_str_eq(w, "Average");
    scout_answer_measure_words("avg_mrr_usd", w, sizeof w);
    cr_assert_str_eq(w, "Average MRR", "abbreviations in capitals");
    scout_answer_measure_words("sum_refunds_usd", w, sizeof w);
    cr_assert_str_eq(w, "Refunds", "a sum is the plain reading of an amount");
    scout_answer_measure_words("count_distinct_user_id", w, sizeof w);
    cr_assert_str_eq(w, "Distinct users");
    scout_answer_period_words("yesterday = 2026-11-23..2026-11-23", w, sizeof w);
    cr_assert_str_eq(w, "yesterday (2026-11-23)", "one day is one date, no 'in'");
    scout_answer_period_words("Q3 = 2026-07-01..2026-09-30", w, sizeof w);
    cr_assert_str_eq(w, "in Q3 (2026-07-01 to 2026-09-30)");
    scout_answer_period_words("the last 14 days = 2026-11-11..2026-11-24", w, sizeof w);
    cr_assert_str_eq(w, "in the last 14 days (2026-11-11 to 2026-11-24)");
    scout_answer_period_words("now = 2026-11-24, the latest date in the data", w, sizeof w);
    cr_assert_str_eq(w, "now (2026-11-24, the latest date in the data)");
    scout_answer_period_words(NULL, w, sizeof w);
    cr_assert_str_eq(w, "");
}

Test(answer, a_count_says_what_it_counts_and_a_ranking_its_direction)
{
    scout_result_col one[] = {
        {"count", NULL, SCOUT_RESULT_ROLE_MEASURE, SCOUT_RESULT_TYPE_INT, SCOUT_UNIT_NONE, false}};
    scout_result *r = make_result(one, 1);
    scout_value v = {SCOUT_VAL_INT, 66, 0, NULL, 0};
    scout_result_add_row(r, &v, 1, NULL);
    scout_answer_input in = {
        r, "last month = 2026-10-01..2026-10-31", NULL, NULL, -1, false, "tickets", 0};
    char *t = scout_answer_text(&in);
    cr_assert(strstr(t, "Tickets: 66 last month (2026-10-01 to 2026-10-31)") != NULL, "%s", t);
    free(t);
    scout_result_free(r);
    /* "the lowest adoption feature": one row is both highest and lowest of
       itself; the query's ascending order says which it is */
    scout_result_col cols[] = {{"feature", NULL, SCOUT_RESULT_ROLE_DIMENSION,
                                SCOUT_RESULT_TYPE_TEXT, SCOUT_UNIT_NONE, false},
                               {"avg_adoption_rate", NULL, SCOUT_RESULT_ROLE_MEASURE,
                                SCOUT_RESULT_TYPE_REAL, SCOUT_UNIT_PCT, false}};
    r = make_result(cols, 2);
    add_row2(r, "mobile_sync", 0.077);
    scout_answer_input low = {r, NULL, NULL, NULL, -1, false, NULL, -1};
    t = scout_answer_text(&low);
    cr_assert(strstr(t, "lowest is mobile_sync (7.7%)") != NULL, "%s", t);
    free(t);
    scout_result_free(r);
}

Test(answer, a_listing_names_its_rows_and_a_lookup_its_value)
{
    scout_result_col one[] = {{"team", NULL, SCOUT_RESULT_ROLE_DIMENSION, SCOUT_RESULT_TYPE_TEXT,
                               SCOUT_UNIT_NONE, false}};
    scout_result *r = make_result(one, 1);
    scout_value v = {SCOUT_VAL_TEXT, 0, 0, "documents", 9};
    scout_result_add_row(r, &v, 1, NULL);
    scout_answer_input in = {r, NULL, "service = 'export'", NULL, -1, false, NULL, 0};
    char *t = scout_answer_text(&in);
    cr_assert_str_eq(t, "Team: documents, where service = 'export'.");
    free(t);
    scout_result_free(r);
    /* the slowest requests: ids stay whole, the timing keeps its unit */
    scout_result_col two[] = {{"request_id", NULL, SCOUT_RESULT_ROLE_DIMENSION,
                               SCOUT_RESULT_TYPE_INT, SCOUT_UNIT_NONE, false},
                              {"total_ms", NULL, SCOUT_RESULT_ROLE_UNKNOWN, SCOUT_RESULT_TYPE_REAL,
                               SCOUT_UNIT_MS, false}};
    r = make_result(two, 2);
    for (int i = 0; i < 5; i++) {
        scout_value row[2] = {{SCOUT_VAL_INT, 7081 + i, 0, NULL, 0},
                              {SCOUT_VAL_REAL, 0, 258.0 - i, NULL, 0}};
        cr_assert_eq(scout_result_add_row(r, row, 2, NULL), SCOUT_OK);
    }
    scout_answer_input list = {r, NULL, NULL, NULL, -1, false, NULL, 0};
    t = scout_answer_text(&list);
    cr_assert(strstr(t, "Request ID: 7081 (258 ms), 7082 (257 ms), 7083 (256 ms) and 2 more.") !=
                  NULL,
              "%s", t);
    free(t);
    scout_result_free(r);
}

/* ---------- stored results ---------- */

static scout_result *small_result(void)
{
    scout_result_col cols[] = {
        {"region", NULL, SCOUT_RESULT_ROLE_DIMENSION, SCOUT_RESULT_TYPE_TEXT, SCOUT_UNIT_NONE,
         false},
        {"n", NULL, SCOUT_RESULT_ROLE_MEASURE, SCOUT_RESULT_TYPE_REAL, SCOUT_UNIT_NONE, false}};
    scout_result *r = make_result(cols, 2);
    add_row2(r, "EMEA", 3);
    return r;
}

Test(results, stored_once_private_and_only_for_its_owner)
{
    char *dir = test_tmpdir();
    scout_result *r = small_result();
    scout_results_entry e = {"raj.patel", "q?", "finance", "SELECT 1", NULL, 0, r, 1.5};
    char id[SCOUT_RESULT_ID_SIZE], id2[SCOUT_RESULT_ID_SIZE];
    char *path = NULL;
    cr_assert_eq(scout_results_store(dir, &e, id, &path, NULL), SCOUT_OK);
    cr_assert(scout_results_id_valid(id), "%s", id);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "result files are private");
    cr_assert_eq(scout_results_store(dir, &e, id2, NULL, NULL), SCOUT_OK);
    cr_assert_str_eq(id, id2, "same content, same id");
    e.owner = "sofia.alvarez";
    scout_results_id(&e, id2);
    cr_assert_str_neq(id, id2, "another asker's result is another result");

    scout_principal owner = {"raj.patel", NULL, NULL, 0, false};
    scout_principal other = {"sofia.alvarez", NULL, NULL, 0, false};
    scout_principal admin = {"maya.chen", NULL, NULL, 0, true};
    json_t *o = NULL;
    scout_err err = {0};
    char link[64];
    snprintf(link, sizeof link, "scout://results/%s", id);
    cr_assert_eq(scout_results_load(dir, link, &owner, &o, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(json_string_value(json_object_get(o, "sql")), "SELECT 1");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(o, "result"), "row_count")), 1);
    json_decref(o);
    cr_assert_eq(scout_results_load(dir, id, &other, &o, &err), SCOUT_EDENIED);
    cr_assert_eq(scout_results_load(dir, id, &admin, &o, &err), SCOUT_OK);
    json_decref(o);
    cr_assert_eq(scout_results_load(dir, "../../etc/passwd", &admin, &o, &err), SCOUT_EUSER);
    cr_assert_eq(scout_results_load(dir, "r000000000000000000000000", &admin, &o, &err),
                 SCOUT_ENOTFOUND);
    free(path);
    scout_result_free(r);
    test_rmdir(dir);
    free(dir);
}

/* ---------- events ---------- */

static int seen;
static void count_event(void *ud, const json_t *ev)
{
    (void)ud;
    cr_assert_not_null(json_object_get(ev, "type"));
    seen++;
}

Test(event, events_reach_the_sink_and_the_log_in_order)
{
    scout_event_stream s;
    seen = 0;
    cr_assert_eq(scout_event_stream_init(&s, count_event, NULL, true, NULL), SCOUT_OK);
    scout_event_status(&s, "step %d", 1);
    scout_event_emit(&s, SCOUT_EVENT_SQL, json_pack("{s:s}", "sql", "SELECT 1"));
    cr_assert_eq(seen, 2);
    const json_t *log = scout_event_stream_log(&s);
    cr_assert_eq(json_array_size(log), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(log, 1), "type")), "sql");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(log, 1), "seq")), 2);
    scout_buf b = SCOUT_BUF_INIT;
    cr_assert_eq(scout_event_line(json_array_get(log, 0), &b, NULL), SCOUT_OK);
    cr_assert(strchr(b.data, '\n') == b.data + b.len - 1, "one line");
    scout_buf_free(&b);
    scout_event_stream_free(&s);
    cr_assert_eq(scout_event_emit(NULL, SCOUT_EVENT_STATUS, json_object()), SCOUT_OK);
}

/* ---------- the bad-question gate ---------- */

Test(ask, bad_questions_are_refused_with_one_line)
{
    const char *bad[] = {"",
                         "   \n ",
                         "select * from mart.revenue_daily",
                         "revenue'; DROP TABLE invoices; --",
                         "revenue by region union select 1",
                         "with x as (select 1) select * from x",
                         "bell\x07 char",
                         "\xff\xfe revenue"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scout_err err = {0};
        cr_assert_eq(scout_ask_check_question(bad[i], &err), SCOUT_EUSER, "%s", bad[i]);
        cr_assert(strchr(err.msg, '\n') == NULL && err.msg[0], "one line: %s", err.msg);
    }
    char *big = malloc(10241);
    memset(big, 'x', 10240);
    big[10240] = '\0';
    scout_err err = {0};
    cr_assert_eq(scout_ask_check_question(big, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, "too long") != NULL, "%s", err.msg);
    free(big);
    const char *good_q[] = {"Select the top 5 countries by revenue",
                            "What was our revenue in EMEA last quarter?",
                            "How many Plus subscribers do we have now?"};
    for (size_t i = 0; i < sizeof good_q / sizeof good_q[0]; i++)
        cr_assert_eq(scout_ask_check_question(good_q[i], NULL), SCOUT_OK, "%s", good_q[i]);
}

Test(answer, a_percent_change_is_already_a_percentage)
{
    /* The compiler writes % change multiplied by 100: 4.7 means 4.7 %, so
     * the answer must not multiply it again ("+470%"). */
    scout_result_col cols[] = {
        {"p95_current", NULL, SCOUT_RESULT_ROLE_MEASURE, SCOUT_RESULT_TYPE_REAL, SCOUT_UNIT_MS,
         false},
        {"p95_previous", NULL, SCOUT_RESULT_ROLE_MEASURE, SCOUT_RESULT_TYPE_REAL, SCOUT_UNIT_MS,
         true},
        {"p95_delta", NULL, SCOUT_RESULT_ROLE_DELTA, SCOUT_RESULT_TYPE_REAL, SCOUT_UNIT_MS, false},
        {"p95_pct_change", NULL, SCOUT_RESULT_ROLE_PCT, SCOUT_RESULT_TYPE_REAL,
         SCOUT_UNIT_PCT_POINTS, false}};
    scout_result *r = make_result(cols, 4);
    scout_value vals[4] = {{SCOUT_VAL_REAL, 0, 418.2, NULL, 0},
                           {SCOUT_VAL_REAL, 0, 438.9, NULL, 0},
                           {SCOUT_VAL_REAL, 0, -20.7, NULL, 0},
                           {SCOUT_VAL_REAL, 0, -4.7, NULL, 0}};
    cr_assert_eq(scout_result_add_row(r, vals, 4, NULL), SCOUT_OK);
    scout_answer_input in = {
        r, "November to date = 2026-11-01..2026-11-24", NULL, NULL, -1, true, NULL, 0};
    char *t = scout_answer_text(&in);
    cr_assert(strstr(t, "-4.7%") != NULL, "%s", t);
    cr_assert(strstr(t, "470") == NULL, "%s", t);
    free(t);
    scout_result_free(r);
}

Test(discover, a_threshold_the_table_cannot_compare_costs_it)
{
    /* "How many deals over $75k did we win this year?": the quarterly
     * win-rate table leads search ("win") but has no amount of money, so it
     * would count every deal; opportunities_enriched compares amount_usd */
    scout_discover_signals quarterly = good(), deals = good();
    quarterly.fit = 0.667;
    quarterly.subject = 1;
    deals.fit = 1.0;
    deals.search_rel = 0.037;
    deals.counts_items = true;
    deals.subject = 1;
    deals.stale_days = 35;
    cr_assert_gt(scout_discover_score(&quarterly), scout_discover_score(&deals));
    quarterly.drops_threshold = 1;
    cr_assert_gt(scout_discover_score(&deals), scout_discover_score(&quarterly));
}

Test(discover, money_asked_of_a_table_without_money_costs_it)
{
    /* "How much did we win in closed deals in 2025?": win_rate_quarterly
     * leads search and sums closed_deals (fit 1.0 on words alone);
     * opportunities_enriched sums amount_usd for the won deals */
    scout_discover_signals quarterly = good(), deals = good();
    deals.search_rel = 0.117;
    deals.stale_days = 35;
    cr_assert_gt(scout_discover_score(&quarterly), scout_discover_score(&deals));
    quarterly.lacks_money = true;
    quarterly.has_measure = false;
    quarterly.fit = 0.65;
    cr_assert_gt(scout_discover_score(&deals), scout_discover_score(&quarterly));
}

Test(discover, the_rows_of_an_act_counting_each_actor_are_a_clear_choice)
{
    /* "How many users used export last week?": the raw feature events count
     * each user once (COUNT(DISTINCT user_id)); a trusted latency rollup that
     * only holds 'export' as a service must not come close enough to ask */
    scout_discover_signals events = good(), latency = good();
    events.search_rel = 0.171;
    events.staging = true;
    events.counts_actors = true;
    latency.fit = 0.75;
    latency.search_rel = 0.198;
    latency.trust = SCOUT_TIER_SOURCE_OF_TRUTH;
    double e = scout_discover_score(&events), l = scout_discover_score(&latency);
    cr_assert_geq(e - l, 0.03, "a clear choice, not a tie to ask about (%.3f vs %.3f)", e, l);
}

Test(discover, a_sample_of_the_events_does_not_tie_with_the_events_it_samples)
{
    /* "how many users used search yesterday": the 1% sample binds the same
     * query, but its counts are a hundredth of the answer */
    scout_discover_signals events = good(), sample = good();
    events.search_rel = 0.147;
    sample.search_rel = 0.082;
    events.staging = sample.staging = true;
    events.counts_actors = sample.counts_actors = true;
    sample.sample_counts = true;
    double e = scout_discover_score(&events), s = scout_discover_score(&sample);
    cr_assert_geq(e - s, 0.03, "the events, not a question back (%.3f vs %.3f)", e, s);
}

Test(discover, a_duration_asked_of_a_table_that_cannot_time_it_costs_it)
{
    /* "Average queue time for search requests": request_latency_daily leads
     * search (queue is one of its component values) but only counts
     * requests; request_samples has queue_ms */
    scout_discover_signals daily = good(), samples = good();
    samples.search_rel = 0.189;
    cr_assert_gt(scout_discover_score(&daily), scout_discover_score(&samples));
    daily.lacks_duration = true;
    daily.has_measure = false;
    daily.fit = 0.825;
    cr_assert_gt(scout_discover_score(&samples), scout_discover_score(&daily));
}
