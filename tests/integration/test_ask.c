/* scout ask through the real binary on a small Acme: discovery picks the
 * source of truth over its deprecated lookalike and says why, --json has the
 * documented shape, results are stored and resolvable, an ambiguous question
 * gets a clarification, bad questions are refused without side effects, and
 * reports are written. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/hash.h"
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

static json_t *ask_json(const char *as, const char *question)
{
    proc_result r = as ? proc_scoutv("--home", home, "--as", as, "--json", "ask", question, NULL)
                       : proc_scoutv("--home", home, "--json", "ask", question, NULL);
    cr_assert_eq(r.status, 0, "ask '%s' failed: %s", question, r.err);
    json_error_t je;
    json_t *o = json_loads(r.out, 0, &je);
    cr_assert_not_null(o, "one JSON object on stdout: %s (%s)", je.text, r.out);
    proc_result_free(&r);
    return o;
}

static size_t count_results(void)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/results", home);
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".json")) n++;
    closedir(d);
    return n;
}

static bool has_event(const json_t *events, const char *type)
{
    size_t i;
    const json_t *e;
    json_array_foreach(events, i, e)
    {
        if (!strcmp(json_string_value(json_object_get(e, "type")), type)) return true;
    }
    return false;
}

Test(ask, revenue_picks_the_source_of_truth_and_says_why_not_v1, .init = acme_home,
     .fini = remove_home)
{
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "ask",
                                "What was our revenue in EMEA last quarter?", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *out = r.out;
    cr_assert(strstr(out, "Tables:\n  finance.mart.revenue_daily") != NULL, "%s", out);
    cr_assert(strstr(out, "source of truth") != NULL, "says why: %s", out);
    const char *v1 = strstr(out, "finance.archive.revenue_daily_v1 — deprecated");
    cr_assert_not_null(v1, "says why not the lookalike: %s", out);
    cr_assert(strstr(v1, "ouble-counts refunds") != NULL, "%s", out);
    cr_assert(strstr(v1, "use finance.mart.revenue_daily") != NULL, "%s", out);
    cr_assert(strstr(out, "2026-07-01") != NULL, "states the period: %s", out);
    cr_assert(strstr(out, "$") != NULL, "money has its unit: %s", out);
    cr_assert(strstr(out, "SQL:") && strstr(out, "Assumptions:") && strstr(out, "Confidence:"),
              "%s", out);
    cr_assert(strstr(out, "Result: scout://results/r") != NULL, "%s", out);
    proc_result_free(&r);
}

Test(ask, json_shape_and_the_stored_result_resolve, .init = acme_home, .fini = remove_home)
{
    json_t *o = ask_json(NULL, "net revenue by region last quarter");
    const char *keys[] = {"answer", "sql",        "tables",      "result",
                          "chart",  "confidence", "assumptions", "events"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_not_null(json_object_get(o, keys[i]), "missing %s", keys[i]);
    cr_assert(json_is_string(json_object_get(o, "answer")));
    cr_assert(strstr(json_string_value(json_object_get(o, "sql")), "SELECT") != NULL);
    json_t *t0 = json_array_get(json_object_get(o, "tables"), 0);
    cr_assert(json_is_string(json_object_get(t0, "name")) &&
              json_is_string(json_object_get(t0, "why")));
    double conf = json_number_value(json_object_get(o, "confidence"));
    cr_assert(conf > 0 && conf <= 1, "confidence %f", conf);
    json_t *res = json_object_get(o, "result");
    cr_assert(json_is_array(json_object_get(res, "columns")));
    cr_assert(json_is_array(json_object_get(res, "rows")));
    cr_assert_gt(json_integer_value(json_object_get(res, "row_count")), 0);
    const char *id = json_string_value(json_object_get(res, "id"));
    cr_assert_not_null(id);
    char path[700];
    snprintf(path, sizeof path, "%s/results/%s.json", home, id);
    json_t *stored = json_load_file(path, 0, NULL);
    cr_assert_not_null(stored, "the id resolves to a file: %s", path);
    cr_assert_str_eq(json_string_value(json_object_get(stored, "sql")),
                     json_string_value(json_object_get(o, "sql")));
    cr_assert_not_null(json_object_get(stored, "owner"));
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 077, 0, "only its owner may read it");
    json_decref(stored);
    json_t *ev = json_object_get(o, "events");
    cr_assert(has_event(ev, "candidates") && has_event(ev, "table_choice") &&
              has_event(ev, "sql") && has_event(ev, "result") && has_event(ev, "answer"));
    cr_assert(json_is_object(json_object_get(o, "chart")), "a Vega-Lite spec for a breakdown");
    json_decref(o);
}

Test(ask, an_ambiguous_question_is_asked_back_not_guessed, .init = acme_home, .fini = remove_home)
{
    size_t before = count_results();
    /* CRM accounts and product accounts both hold a segment: which
     * accounts is the asker's call. ("Total open pipeline" used to be asked
     * back; the open_pipeline metric now follows column lineage into the
     * pipeline rollups, which all give its number.) */
    json_t *o = ask_json(NULL, "accounts by segment");
    json_t *cl = json_object_get(o, "clarification");
    cr_assert_not_null(cl, "asks back: %s", json_string_value(json_object_get(o, "answer")));
    cr_assert_geq(json_array_size(json_object_get(cl, "options")), 2);
    cr_assert(json_is_null(json_object_get(o, "sql")), "no SQL ran");
    cr_assert_lt(json_number_value(json_object_get(o, "confidence")), 0.75);
    cr_assert_eq(count_results(), before, "nothing stored");
    json_decref(o);
}

static const char *chosen_table(const json_t *o)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(o, "tables"), 0), "name"));
}

Test(ask, the_table_at_the_entity_and_grain_asked_is_chosen, .init = acme_home, .fini = remove_home)
{
    static const struct {
        const char *question, *table;
    } cases[] = {
        /* copies in two sources and a staged one read alike: answered from
         * the origin the others are copied from, not asked back */
        {"How many active subscriptions pay more than $500 a month?", "product.raw.subscriptions"},
        /* weeks straddle quarters: the activity rows, not the weekly rollup */
        {"How many meetings did we hold each quarter this year?", "crm.raw.activities"},
        /* dau names the words; platform_mix_daily keeps a row per platform */
        {"average daily active users last month", "product.analytics.dau"},
        /* the payments counted, joined to the customers for the segment */
        {"How many payments did we receive from SMB customers last quarter?",
         "finance.mart.fct_payments"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *o = ask_json(NULL, cases[i].question);
        cr_expect_null(json_object_get(o, "clarification"), "'%s' asked back", cases[i].question);
        const char *t = chosen_table(o);
        cr_expect(t && !strcmp(t, cases[i].table), "'%s': %s, not %s", cases[i].question,
                  t ? t : "-", cases[i].table);
        json_decref(o);
    }
}

Test(ask, bad_questions_exit_1_with_one_line_and_change_nothing, .init = acme_home,
     .fini = remove_home)
{
    char *garbage = malloc(10241);
    for (size_t i = 0; i < 10240; i++) garbage[i] = (char)('a' + (i * 7) % 26);
    garbage[10240] = '\0';
    const char *bad[] = {"",
                         "   ",
                         garbage,
                         "SELECT * FROM mart.revenue_daily",
                         "revenue'; DROP TABLE revenue_daily; --",
                         "zzkx qwvvt plorf"};
    size_t before = count_results();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        proc_result r = proc_scoutv("--home", home, "ask", bad[i], NULL);
        cr_assert_eq(r.status, 1, "exit 1 for question %zu: %s", i, r.err);
        char *nl = strchr(r.err, '\n');
        cr_assert(nl && nl[1] == '\0', "one line: '%s'", r.err);
        cr_assert_str_empty(r.out);
        proc_result_free(&r);
    }
    free(garbage);
    cr_assert_eq(count_results(), before, "no result stored");
    /* The warehouse is untouched: the table the injection named still answers. */
    json_t *o = ask_json(NULL, "net revenue by region last quarter");
    cr_assert_gt(json_integer_value(json_object_get(json_object_get(o, "result"), "row_count")), 0);
    json_decref(o);
}

Test(ask, reports_are_written_as_html_and_markdown, .init = acme_home, .fini = remove_home)
{
    const char *ext[] = {"html", "md"};
    for (size_t i = 0; i < 2; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s/report.%s", home, ext[i]);
        proc_result r = proc_scoutv("--home", home, "ask", "net revenue by region last quarter",
                                    "--report", path, NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        proc_result_free(&r);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "%s written", path);
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
        cr_assert(strstr(buf, "net revenue by region last quarter") != NULL, "question in %s",
                  ext[i]);
    }
}

Test(ask, every_question_and_statement_is_on_record, .init = acme_home, .fini = remove_home)
{
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "ask",
                                "net revenue in EMEA last quarter", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--json", "audit", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"question\"") != NULL, "the question is audited: %s", r.out);
    cr_assert(strstr(r.out, "net revenue in EMEA last quarter") != NULL);
    cr_assert(strstr(r.out, "\"sql\"") != NULL, "the statement is audited: %s", r.out);
    cr_assert(strstr(r.out, "raj.patel") != NULL, "as the asker");
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "audit", "verify", NULL);
    cr_assert_eq(r.status, 0, "the chain verifies: %s%s", r.out, r.err);
    proc_result_free(&r);
}

/* FNV-1a over every warehouse file of the demo home: a change to any byte of
 * any schema file changes it. */
static uint64_t warehouse_checksum(void)
{
    static const char *const FILES[] = {
        "finance/raw.db", "finance/staging.db",   "finance/mart.db", "finance/archive.db",
        "product/raw.db", "product/analytics.db", "product/eng.db",  "product/sandbox.db",
        "crm/raw.db",     "crm/mart.db",          "crm/support.db"};
    uint64_t h = SCOUT_FNV64_INIT;
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/acme/warehouse/%s", home, FILES[i]);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "missing %s", path);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) h = scout_fnv64_update(h, buf, n);
        fclose(f);
    }
    return h;
}

Test(ask, injection_in_questions_changes_nothing_and_is_on_record, .init = acme_home,
     .fini = remove_home)
{
    static const char *const HOSTILE[] = {
        "net revenue in EMEA'; DROP TABLE mart.revenue_daily; --",
        "select * from finance.raw.customers",
        "ATTACH DATABASE '/tmp/evil.db' AS evil",
        "revenue by region\"); DELETE FROM raw.invoices; --",
        "net revenue where region = 'EMEA' OR 1=1; UPDATE mart.revenue_daily SET region = 'x'",
        "PRAGMA writable_schema = 1",
        "revenue by region; load_extension('/tmp/x.so')",
    };
    uint64_t before = warehouse_checksum();
    for (size_t i = 0; i < sizeof HOSTILE / sizeof HOSTILE[0]; i++) {
        proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "ask", HOSTILE[i], NULL);
        cr_assert(r.status == 0 || r.status == 1, "'%s' must end cleanly, got %d: %s", HOSTILE[i],
                  r.status, r.err);
        if (r.status == 1)
            cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "one line: %s", r.err);
        proc_result_free(&r);
    }
    cr_assert_eq(warehouse_checksum(), before, "the warehouse is unchanged");
    proc_result r = proc_scoutv("--home", home, "--json", "audit", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "DROP TABLE mart.revenue_daily") != NULL,
              "a question that reached the pipeline is on record: %s", r.out);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "audit", "verify", NULL);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    proc_result_free(&r);
}

/* A question only a hidden table answers well: refused with whom to ask,
 * and the closest tables the asker CAN read are offered — never a hidden one. */
Test(ask, refusal_offers_the_closest_tables_the_asker_may_read, .init = acme_home,
     .fini = remove_home)
{
    proc_result r =
        proc_scoutv("--home", home, "--as", "jonas.weber", "ask", "refunds last month", NULL);
    cr_assert_eq(r.status, 1, "refused: %s%s", r.out, r.err);
    cr_assert(strstr(r.err, "ask #finance-data for access") != NULL, "%s", r.err);
    const char *alt = strstr(r.err, "closest you can read: ");
    cr_assert_not_null(alt, "offers what jonas may read: %s", r.err);
    cr_assert(strstr(alt, "product.") != NULL, "%s", alt);
    cr_assert_null(strstr(r.err, "finance."), "never names a finance table: %s", r.err);
    proc_result_free(&r);
}

Test(ask, a_period_comparison_states_its_percent_change_once, .init = acme_home,
     .fini = remove_home)
{
    /* The % change column is already a percentage: the answer's figure is
     * the column's value, not a hundred times it. */
    json_t *o = ask_json(NULL, "net revenue yesterday vs the day before");
    json_t *cols = json_object_get(json_object_get(o, "result"), "columns");
    json_t *row = json_array_get(json_object_get(json_object_get(o, "result"), "rows"), 0);
    size_t i;
    json_t *c;
    bool seen = false;
    json_array_foreach(cols, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "role")), "pct") != 0) continue;
        cr_assert_str_eq(json_string_value(json_object_get(c, "unit")), "pct_points");
        double v = json_number_value(json_array_get(row, i));
        char want[32];
        snprintf(want, sizeof want, "%s%.1f%%", v > 0 ? "+" : "", v);
        const char *answer = json_string_value(json_object_get(o, "answer"));
        if (fabs(v) >= 1) cr_assert(strstr(answer, want) != NULL, "%s in %s", want, answer);
        seen = true;
    }
    cr_assert(seen, "a comparison has a %% change column");
    json_decref(o);
}

/* A capitalised word that nothing in the chosen table places is a filter the
 * asker wanted; the unfiltered number must not pass for the answer. */
static bool says_unplaced(const json_t *o, const char *word)
{
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(o, "assumptions"), i, a)
    {
        const char *s = json_string_value(a);
        if (strstr(s, "not filtered by") && strstr(s, word)) return true;
    }
    return false;
}

Test(ask, a_value_nothing_places_is_said_not_silently_dropped, .init = acme_home,
     .fini = remove_home)
{
    json_t *o = ask_json(NULL, "net revenue in Antarctica last month");
    const char *answer = json_string_value(json_object_get(o, "answer"));
    cr_assert(strstr(answer, "Not filtered by 'Antarctica'") != NULL, "%s", answer);
    cr_assert(says_unplaced(o, "'Antarctica'"), "an assumption says so");
    cr_assert_lt(json_number_value(json_object_get(o, "confidence")), 0.5, "low confidence");
    json_decref(o);
    o = ask_json(NULL, "net revenue in EMEA last month");
    answer = json_string_value(json_object_get(o, "answer"));
    cr_assert(strstr(answer, "Not filtered") == NULL, "a placed value is a filter: %s", answer);
    cr_assert(!says_unplaced(o, "EMEA"));
    json_decref(o);
}

Test(ask, an_answer_reads_like_a_sentence_with_units, .init = acme_home, .fini = remove_home)
{
    /* collected_cash is a curated metric over amount_usd: its name does not
       say dollars, what it sums does */
    json_t *o = ask_json(NULL, "How much did we collect by card in Q3?");
    const char *answer = json_string_value(json_object_get(o, "answer"));
    cr_assert(strstr(answer, "Collected cash: $") != NULL, "%s", answer);
    cr_assert(strstr(answer, "in Q3 (2026-07-01 to 2026-09-30)") != NULL, "%s", answer);
    json_decref(o);
    /* a row count says what it counts, and a relative period takes no "in" */
    o = ask_json(NULL, "How many support tickets did we get last month?");
    answer = json_string_value(json_object_get(o, "answer"));
    cr_assert(strstr(answer, "ickets: ") != NULL && strstr(answer, " last month (") != NULL, "%s",
              answer);
    cr_assert(strstr(answer, "Count") == NULL && strstr(answer, "in last") == NULL, "%s", answer);
    json_decref(o);
}

Test(ask, a_curated_metric_still_runs_when_a_joined_table_shares_its_columns, .init = acme_home,
     .fini = remove_home)
{
    /* collected_cash = sum(amount_usd) where status = 'succeeded', on
       fct_payments; the plan comes from the invoices joined in, which have an
       amount_usd and a status of their own: bare names would be ambiguous */
    json_t *o = ask_json(NULL, "collected cash for enterprise plan invoices in Q3");
    const char *sql = json_string_value(json_object_get(o, "sql"));
    cr_assert(strstr(sql, "JOIN") != NULL, "the plan needs the invoices: %s", sql);
    cr_assert(strstr(sql, "sum(t0.\"amount_usd\")") && strstr(sql, "(t0.\"status\" = 'succeeded')"),
              "the metric names the base table's columns: %s", sql);
    cr_assert_gt(json_integer_value(json_object_get(json_object_get(o, "result"), "row_count")), 0);
    json_decref(o);
}
