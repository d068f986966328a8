/* Stored results and agent sessions are re-checked against the asker's
 * grants as they are NOW: grant, store, revoke, open → refused with the
 * table named, never returned, and the refusal is on record. A resumed
 * session whose tables were revoked stops before any model call. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/session.h"
#include "ask/results.h"
#include "guard/audit.h"
#include "guard/grants.h"
#include "llm/llm.h"
#include "support/fixtures.h"

static char dir[256], results[320], audit_path[320];
static scout_source_cfg sources[1];
static scout_config cfg;
static scout_catalog *cat;
static scout_audit *audit;

static const scout_principal raj = {"raj", NULL, NULL, 0, false};
static const scout_principal sofia = {"sofia", NULL, NULL, 0, false};
static const char *const FQ = "finance.mart.revenue_daily";

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/scout-resacc-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(results, sizeof results, "%s/results", dir);
    snprintf(audit_path, sizeof audit_path, "%s/audit.db", dir);
    char cat_path[320];
    snprintf(cat_path, sizeof cat_path, "%s/catalog.db", dir);
    sources[0] = (scout_source_cfg){.name = "finance",
                                    .kind = SCOUT_SOURCE_SQLITE,
                                    .path = "/nonexistent/fin.db",
                                    .restricted = true};
    scout_config_defaults(&cfg);
    cfg.sources = sources;
    cfg.n_sources = 1;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(cat_path, &cat, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_audit_open(audit_path, &audit, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_grants_set(cat, SCOUT_GRANT_USER, "raj", FQ, false, "test", &err), SCOUT_OK);
    cr_assert_eq(scout_grants_set(cat, SCOUT_GRANT_USER, "sofia", FQ, false, "test", &err),
                 SCOUT_OK);
}

static void teardown(void)
{
    scout_audit_close(audit);
    scout_catalog_close(cat);
    test_rm_rf(dir);
}

TestSuite(results_access, .init = setup, .fini = teardown);

static scout_grants *grants_now(void)
{
    scout_grants *g = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_grants_load(cat, &cfg, &g, &err), SCOUT_OK, "%s", err.msg);
    return g;
}

static void revoke_raj(void)
{
    scout_err err = {0};
    cr_assert_eq(scout_grants_remove(cat, SCOUT_GRANT_USER, "raj", FQ, &err), SCOUT_OK, "%s",
                 err.msg);
}

/* Stores raj's answer "EMEA 4242.5" read from FQ; fills id. */
static void store_result(char id[SCOUT_RESULT_ID_SIZE])
{
    scout_result *res = scout_result_new(0, 0);
    const char *names[] = {"region", "revenue"};
    cr_assert_eq(scout_result_on_header(res, 2, names), SCOUT_OK);
    scout_value row[2] = {{.type = SCOUT_VAL_TEXT, .s = "EMEA", .len = 4},
                          {.type = SCOUT_VAL_REAL, .d = 4242.5}};
    cr_assert_eq(scout_result_on_row(res, 2, row), 0);
    const char *tables[] = {FQ};
    scout_results_entry e = {
        "raj",     "revenue by region",
        "finance", "select region, sum(revenue) from mart.revenue_daily group by 1",
        tables,    1,
        res,       1.5};
    scout_err err = {0};
    cr_assert_eq(scout_results_store(results, &e, id, NULL, &err), SCOUT_OK, "%s", err.msg);
    scout_result_free(res);
}

typedef struct denials {
    int n;
    char kind[32], reason[512];
} denials;

static int count_denied(void *ud, const scout_audit_row *r)
{
    denials *d = ud;
    if (r->allowed) return 0;
    d->n++;
    snprintf(d->kind, sizeof d->kind, "%s", r->kind);
    snprintf(d->reason, sizeof d->reason, "%s", r->reason);
    return 0;
}

static denials denied_records(void)
{
    denials d = {0};
    scout_err err = {0};
    scout_audit_filter f = {0};
    cr_assert_eq(scout_audit_list(audit, &f, count_denied, &d, &err), SCOUT_OK, "%s", err.msg);
    return d;
}

Test(results_access, a_result_is_refused_once_its_table_is_revoked)
{
    char id[SCOUT_RESULT_ID_SIZE];
    store_result(id);
    scout_grants *g = grants_now();
    json_t *o = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_results_open(results, id, &raj, g, audit, &o, &err), SCOUT_OK, "%s",
                 err.msg);
    char *text = json_dumps(o, 0);
    bool has_rows = text && strstr(text, "4242.5");
    free(text);
    cr_assert(has_rows, "raj reads his rows");
    json_decref(o);
    scout_grants_free(g);
    cr_assert_eq(denied_records().n, 0);

    revoke_raj();
    g = grants_now();
    o = NULL;
    cr_assert_eq(scout_results_open(results, id, &raj, g, audit, &o, &err), SCOUT_EDENIED);
    cr_assert_null(o, "no rows handed out");
    char want[200];
    snprintf(want, sizeof want,
             "you no longer have access to finance.mart.revenue_daily; result %s is not shown", id);
    cr_assert_str_eq(err.msg, want);
    denials d = denied_records();
    cr_assert_eq(d.n, 1, "the refusal is audited");
    cr_assert_str_eq(d.kind, "result");
    cr_assert_str_eq(d.reason, want);
    /* The link form is refused the same way. */
    char link[64];
    snprintf(link, sizeof link, SCOUT_RESULT_LINK_PREFIX "%s", id);
    cr_assert_eq(scout_results_open(results, link, &raj, g, audit, &o, &err), SCOUT_EDENIED);
    /* Ownership still holds: sofia may read the table but not raj's result. */
    cr_assert_eq(scout_results_open(results, id, &sofia, g, audit, &o, &err), SCOUT_EDENIED);
    cr_assert(strstr(err.msg, "belongs to another user"), "%s", err.msg);
    cr_assert_eq(denied_records().n, 3);
    scout_grants_free(g);
}

typedef struct listing {
    int n;
    char revoked[128];
    long long rows;
} listing;

static int on_row(void *ud, const scout_results_row *r)
{
    listing *l = ud;
    l->n++;
    snprintf(l->revoked, sizeof l->revoked, "%s", r->revoked ? r->revoked : "");
    l->rows = (long long)r->row_count;
    return 0;
}

Test(results_access, the_listing_marks_revoked_results_and_shows_only_ones_own)
{
    char id[SCOUT_RESULT_ID_SIZE];
    store_result(id);
    scout_grants *g = grants_now();
    listing l = {0};
    scout_err err = {0};
    cr_assert_eq(scout_results_list(results, &raj, g, 0, on_row, &l, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_eq(l.n, 1);
    cr_assert_str_eq(l.revoked, "");
    cr_assert_eq(l.rows, 1);
    listing other = {0};
    cr_assert_eq(scout_results_list(results, &sofia, g, 0, on_row, &other, &err), SCOUT_OK);
    cr_assert_eq(other.n, 0, "sofia does not see raj's results");
    scout_grants_free(g);
    revoke_raj();
    g = grants_now();
    l = (listing){0};
    cr_assert_eq(scout_results_list(results, &raj, g, 0, on_row, &l, &err), SCOUT_OK);
    cr_assert_eq(l.n, 1);
    cr_assert_str_eq(l.revoked, FQ);
    scout_grants_free(g);
}

static json_t *session_state(void)
{
    return json_pack("{s:[], s:{s:b}, s:{s:{}}, s:[{s:s, s:[s]}]}", "messages", "seen", FQ, 1,
                     "chosen", FQ, "results", "id", "r0", "tables", FQ);
}

Test(results_access, a_session_that_read_a_revoked_table_is_refused)
{
    json_t *state = session_state();
    scout_grants *g = grants_now();
    scout_err err = {0};
    cr_assert_eq(scout_results_check_session(g, &raj, "s0123456789abcdef", state, audit, &err),
                 SCOUT_OK, "%s", err.msg);
    scout_grants_free(g);
    revoke_raj();
    g = grants_now();
    cr_assert_eq(scout_results_check_session(g, &raj, "s0123456789abcdef", state, audit, &err),
                 SCOUT_EDENIED);
    cr_assert_str_eq(err.msg, "you no longer have access to finance.mart.revenue_daily; session "
                              "s0123456789abcdef cannot be shown or resumed");
    denials d = denied_records();
    cr_assert_eq(d.n, 1);
    cr_assert_str_eq(d.kind, "session");
    /* A table only looked at (seen) counts too: its card is in the messages. */
    json_t *seen_only = json_pack("{s:{s:b}, s:{}, s:[]}", "seen", FQ, 1, "chosen", "results");
    cr_assert_eq(scout_results_check_session(g, &raj, "s1", seen_only, NULL, &err), SCOUT_EDENIED);
    json_decref(seen_only);
    scout_grants_free(g);
    json_decref(state);
}

/* A model that only counts its calls. */
static scout_rc count_chat(void *ud, const scout_llm_request *req, const atomic_bool *cancel,
                           scout_llm_reply *out, scout_err *err)
{
    (void)req;
    (void)cancel;
    (void)out;
    (*(int *)ud)++;
    return scout_err_set(err, SCOUT_EIO, "test model: no answers");
}

static const scout_llm_ops COUNTING = {"test", count_chat, NULL, NULL};

/* End to end in process: raj's checkpointed session is resumed after his
 * grant was revoked; the agent refuses before it calls the model. */
Test(results_access, resume_of_a_revoked_session_stops_before_the_model)
{
    char sessions[320];
    snprintf(sessions, sizeof sessions, "%s/sessions.db", dir);
    scout_session_store *st = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_session_store_open(sessions, &st, &err), SCOUT_OK, "%s", err.msg);
    char id[SCOUT_SESSION_ID_SIZE];
    cr_assert_eq(scout_session_new_id(id, &err), SCOUT_OK);
    json_t *state = session_state();
    scout_session_row row = {0};
    row.id = id;
    row.user = "raj";
    row.question = "revenue by region";
    row.status = "interrupted";
    row.state = state;
    cr_assert_eq(scout_session_save(st, &row, &err), SCOUT_OK, "%s", err.msg);
    scout_session_store_close(st);
    json_decref(state);
    revoke_raj();

    int calls = 0;
    scout_llm *llm = scout_llm_new(&COUNTING, &calls);
    cr_assert_not_null(llm);
    scout_agent_opts o = {0};
    o.cfg = &cfg;
    o.cat = cat;
    o.who = &raj;
    o.llm = llm;
    o.home_dir = dir;
    scout_agent_answer *a = NULL;
    scout_rc rc = scout_agent_resume(id, &o, &a, &err);
    cr_assert_eq(rc, SCOUT_EDENIED, "%s", err.msg);
    cr_assert_null(a);
    cr_assert(strstr(err.msg, "you no longer have access to finance.mart.revenue_daily"), "%s",
              err.msg);
    cr_assert_eq(calls, 0, "no model call");
    scout_llm_free(llm);
}
