/* The LLM agent end to end against the scripted fake OpenAI server (real
 * HTTP on loopback) on a small generated Acme: the happy path with its
 * checkpointed session, the discovery gate, malformed tool arguments, a 500
 * then success, a model that never finishes, the token budget, a malicious
 * model refused by the policy and the guard (and audited), and a SIGKILL
 * mid-run resumed without repeating finished tool calls. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/agent.h"
#include "base/fsutil.h"
#include "guard/audit.h"
#include "support/proc.h"
#include "unit/llm/fake_server.h"

static char *home;
static scout_config *cfg;
static scout_catalog *cat;
static fake_server srv;
static scout_llm *llm;
static scout_principal who;
static long llm_timeout_ms = 10000; /* tests of timeouts lower these before start() */
static int llm_retries = 2;
static scout_llm_api llm_api = SCOUT_LLM_API_CHAT; /* Responses tests set it before start() */

static void acme_home(void)
{
    home = test_acme_home();
    char path[700];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    scout_err err = {0};
    cr_assert_eq(scout_config_load(path, &cfg, &err), SCOUT_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/catalog.db", home);
    cr_assert_eq(scout_catalog_open(path, &cat, &err), SCOUT_OK, "%s", err.msg);
}

static void teardown(void)
{
    scout_llm_free(llm);
    llm = NULL;
    if (srv.pid) fake_server_stop(&srv);
    memset(&srv, 0, sizeof srv);
    scout_catalog_close(cat);
    scout_config_free(cfg);
    test_rmdir(home);
    free(home);
    llm_timeout_ms = 10000;
    llm_retries = 2;
    llm_api = SCOUT_LLM_API_CHAT;
}

/* One scripted model turn calling one tool; args is JSON text. */
static json_t *call(const char *id, const char *name, const char *args)
{
    return json_pack("{s:[{s:s, s:s, s:s}], s:{s:i, s:i}}", "tool_calls", "id", id, "name", name,
                     "arguments", args, "usage", "prompt_tokens", 1000, "completion_tokens", 50);
}

static void start(json_t *steps, const char *user)
{
    json_t *script = json_pack("{s:o}", "steps", steps);
    char *text = json_dumps(script, JSON_COMPACT);
    json_decref(script);
    fake_server_start(&srv, text);
    free(text);
    scout_llm_cfg lc = {0};
    lc.base_url = srv.base_url;
    lc.model = "fake-model";
    lc.timeout_ms = llm_timeout_ms;
    lc.max_retries = llm_retries;
    lc.api = llm_api;
    lc.price_per_mtok_in = 2.0;
    lc.price_per_mtok_out = 8.0;
    scout_err err = {0};
    cr_assert_eq(scout_llm_open(&lc, &llm, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_principal_from_config(cfg, user, &who, &err), SCOUT_OK, "%s", err.msg);
}

static scout_agent_opts opts(void)
{
    scout_agent_opts o = {0};
    o.cfg = cfg;
    o.cat = cat;
    o.who = &who;
    o.llm = llm;
    o.home_dir = home;
    return o;
}

#define SEARCH call("c1", "search", "{\"query\":\"net revenue by region\",\"kinds\":\"tables\"}")
#define SHOW   call("c2", "show_table", "{\"table\":\"finance.mart.revenue_daily\"}")
#define CHOOSE                                                                                     \
    call("c3", "choose_table",                                                                     \
         "{\"table\":\"finance.mart.revenue_daily\",\"why\":\"the source-of-truth mart for net "   \
         "revenue\",\"rejected\":[{\"table\":\"finance.archive.revenue_daily_v1\",\"why_not\":"    \
         "\"deprecated: refunds double-counted\"}]}")
#define SQL_REGION                                                                                 \
    "SELECT region, round(sum(net_revenue_usd), 2) AS net_revenue FROM mart.revenue_daily GROUP "  \
    "BY region ORDER BY 2 DESC"
#define RUN                                                                                        \
    call("c4", "run_sql",                                                                          \
         "{\"source\":\"finance\",\"sql\":\"" SQL_REGION                                           \
         "\",\"purpose\":\"net revenue by region\"}")
#define CHART    call("c5", "make_chart", "{\"result_id\":\"last\",\"title\":null}")
#define GRADE(g) "{\"grade\":\"" g "\",\"note\":\"checked\"}"
#define FINISH                                                                                     \
    call("c6", "finish",                                                                           \
         "{\"answer\":\"NA has the most net revenue; see the result.\",\"tables\":[{\"table\":"    \
         "\"finance.mart.revenue_daily\",\"why\":\"source of truth\"}],\"assumptions\":[\"all "    \
         "time\"],\"result_ids\":[],\"self_eval\":{\"right_table\":" GRADE(                        \
             "pass") ",\"filters\":" GRADE("pass") ",\"period\":" GRADE("pass") ",\"numbers_"      \
                                                                                "sane\":" GRADE(   \
                                                                                    "p"            \
                                                                                    "a"            \
                                                                                    "s"            \
                                                                                    "s") "}}")

static const char *tool_reply(json_t *reqs, size_t req, const char *call_id)
{
    json_t *body = json_object_get(json_array_get(reqs, req), "body");
    json_t *msgs = json_object_get(body, "messages");
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "tool_call_id"));
        if (id && !strcmp(id, call_id)) return json_string_value(json_object_get(m, "content"));
    }
    return NULL;
}

Test(agent, happy_path_answers_with_result_chart_usage_and_a_stored_session, .init = acme_home,
     .fini = teardown)
{
    start(json_pack("[o, o, o, o, o, o]", SEARCH, SHOW, CHOOSE, RUN, CHART, FINISH), "raj.patel");
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(a->status, SCOUT_AGENT_FINISHED);
    json_t *j = a->json;
    cr_assert_str_eq(json_string_value(json_object_get(j, "sql")), SQL_REGION);
    json_t *res = json_object_get(j, "result");
    cr_assert_eq(json_integer_value(json_object_get(res, "row_count")), 4);
    cr_assert_not_null(json_object_get(res, "id"));
    cr_assert(json_is_object(json_object_get(j, "chart")), "a Vega-Lite chart");
    json_t *t0 = json_array_get(json_object_get(j, "tables"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(t0, "name")), "finance.mart.revenue_daily");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "usage"), "prompt_tokens")),
                 6000);
    cr_assert_eq(a->usage.completion_tokens, 300);
    cr_assert(a->cost > 0);
    cr_assert_not(a->low_grade, "all passes: %s",
                  json_dumps(json_object_get(j, "self_eval"), JSON_COMPACT));
    /* The preview the model saw is bounded and carries the result id. */
    json_t *reqs = fake_server_requests(&srv);
    const char *seen = tool_reply(reqs, 4, "c4");
    cr_assert(seen && strstr(seen, "\"result_id\"") && strstr(seen, "\"preview\""), "%s", seen);
    json_decref(reqs);
    /* The session is listed for its owner only, finished. */
    char path[700];
    snprintf(path, sizeof path, "%s/sessions.db", home);
    scout_session_store *st = NULL;
    cr_assert_eq(scout_session_store_open(path, &st, &err), SCOUT_OK);
    scout_session_row row;
    cr_assert_eq(scout_session_load(st, a->session_id, "raj.patel", &row, &err), SCOUT_OK);
    cr_assert_str_eq(row.status, "finished");
    cr_assert_eq(row.prompt_tokens, 6000);
    scout_session_row_free(&row);
    cr_assert_eq(scout_session_load(st, a->session_id, "sofia.alvarez", &row, &err),
                 SCOUT_ENOTFOUND);
    scout_session_store_close(st);
    scout_agent_answer_free(a);
}

/* The tables an answer names are only real tables the asker may read: a
 * table the model made up is not repeated to the user. */
Test(agent, finish_names_only_tables_that_exist_and_the_asker_may_read, .init = acme_home,
     .fini = teardown)
{
    json_t *fin = call(
        "c6", "finish",
        "{\"answer\":\"NA leads.\",\"tables\":[{\"table\":\"finance.mart.revenue_daily\","
        "\"why\":\"source of truth\"},"
        "{\"table\":\"finance.mart.no_such_table\",\"why\":\"made up\"}],\"assumptions\":[],"
        "\"result_ids\":[],\"self_eval\":{\"right_table\":" GRADE("pass") ",\"filters\":" GRADE(
            "pass") ",\"period\":" GRADE("pass") ",\"numbers_sane\":" GRADE("pass") "}}");
    start(json_pack("[o, o, o, o]", SEARCH, CHOOSE, RUN, fin), "raj.patel");
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    json_t *tables = json_object_get(a->json, "tables");
    cr_assert_eq(json_array_size(tables), 1, "%s", json_dumps(tables, JSON_COMPACT));
    json_t *t0 = json_array_get(tables, 0);
    cr_assert_str_eq(json_string_value(json_object_get(t0, "name")), "finance.mart.revenue_daily");
    cr_assert_str_eq(json_string_value(json_object_get(t0, "why")), "source of truth");
    scout_agent_answer_free(a);
}
Test(agent, discovery_gate_refuses_sql_before_choosing_and_says_what_to_do, .init = acme_home,
     .fini = teardown)
{
    start(json_pack("[o, o, o, o, o]", RUN, SEARCH, CHOOSE, RUN, FINISH), "raj.patel");
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    json_t *reqs = fake_server_requests(&srv);
    const char *refusal = tool_reply(reqs, 1, "c4");
    cr_assert(refusal && strstr(refusal, "discovery gate") && strstr(refusal, "choose_table"), "%s",
              refusal);
    cr_assert_eq(a->status, SCOUT_AGENT_FINISHED);
    cr_assert_eq(
        json_integer_value(json_object_get(json_object_get(a->json, "result"), "row_count")), 4);
    json_decref(reqs);
    scout_agent_answer_free(a);
}

Test(agent, malformed_arguments_get_a_structured_error_and_a_500_is_retried, .init = acme_home,
     .fini = teardown)
{
    json_t *bad = call("c0", "search", "{\"query\": \"revenue\", ");
    json_t *wrong = call("c9", "show_table", "{\"table\": 42}");
    json_t *e500 =
        json_pack("{s:i, s:s}", "status", 500, "body", "{\"error\":{\"message\":\"boom\"}}");
    start(
        json_pack("[o, o, o, o, o, o, o, o]", bad, wrong, e500, SEARCH, SHOW, CHOOSE, RUN, FINISH),
        "raj.patel");
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    json_t *reqs = fake_server_requests(&srv);
    const char *e1 = tool_reply(reqs, 1, "c0");
    cr_assert(e1 && strstr(e1, "not valid JSON"), "%s", e1);
    const char *e2 = tool_reply(reqs, 2, "c9");
    cr_assert(e2 && strstr(e2, "arguments.table: expected"), "%s", e2);
    cr_assert_eq(a->status, SCOUT_AGENT_FINISHED);
    json_decref(reqs);
    scout_agent_answer_free(a);
}

Test(agent, a_model_that_never_finishes_stops_at_max_steps_with_what_it_found, .init = acme_home,
     .fini = teardown)
{
    start(json_pack("[o, o, o, o, o, o]", SEARCH, SHOW, CHOOSE, RUN, SHOW, SHOW), "raj.patel");
    scout_agent_opts o = opts();
    o.max_steps = 5;
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(a->status, SCOUT_AGENT_STOPPED);
    cr_assert(strstr(a->text, "step limit") && strstr(a->text, "scout://results/"), "%s", a->text);
    cr_assert_eq(a->steps, 5);
    cr_assert(a->low_grade);
    scout_agent_answer_free(a);
}

Test(agent, token_budget_stops_cleanly, .init = acme_home, .fini = teardown)
{
    start(json_pack("[o, o, o, o, o]", SEARCH, SHOW, CHOOSE, RUN, FINISH), "raj.patel");
    scout_agent_opts o = opts();
    o.max_tokens = 2000; /* each scripted turn costs 1050 */
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(a->status, SCOUT_AGENT_STOPPED);
    cr_assert(strstr(a->text, "token budget"), "%s", a->text);
    cr_assert_eq(a->steps, 2);
    json_t *reqs = fake_server_requests(&srv);
    cr_assert_eq(json_array_size(reqs), 2, "no call past the budget");
    json_decref(reqs);
    scout_agent_answer_free(a);
}

static int count_denied(void *ud, const scout_audit_row *r)
{
    if (!r->allowed && !strcmp(r->kind, "sql")) ++*(int *)ud;
    return 0;
}

Test(agent, malicious_sql_is_refused_by_policy_and_guard_and_audited, .init = acme_home,
     .fini = teardown)
{
    json_t *drop = call("m1", "run_sql",
                        "{\"source\":\"product\",\"sql\":\"DROP TABLE analytics.accounts\","
                        "\"purpose\":\"x\"}");
    json_t *attach = call("m2", "run_sql",
                          "{\"source\":\"product\",\"sql\":\"ATTACH DATABASE '/tmp/x.db' AS x\","
                          "\"purpose\":\"x\"}");
    json_t *steal = call("m3", "run_sql",
                         "{\"source\":\"finance\",\"sql\":\"SELECT * FROM mart.revenue_daily\","
                         "\"purpose\":\"x\"}");
    start(json_pack("[o, o, o, o]", drop, attach, steal, FINISH), "sofia.alvarez");
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("show me everything", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    json_t *reqs = fake_server_requests(&srv);
    const char *r1 = tool_reply(reqs, 1, "m1"), *r2 = tool_reply(reqs, 2, "m2"),
               *r3 = tool_reply(reqs, 3, "m3");
    cr_assert(r1 && strstr(r1, "statement policy"), "%s", r1);
    cr_assert(r2 && strstr(r2, "statement policy"), "%s", r2);
    cr_assert(r3 && strstr(r3, "don't have access"), "%s", r3);
    cr_assert_null(strstr(r3, "revenue_daily"), "the refusal names no hidden table: %s", r3);
    cr_assert(a->low_grade, "an answer with no data is flagged");
    json_decref(reqs);
    char path[700];
    snprintf(path, sizeof path, "%s/audit.db", home);
    scout_audit *au = NULL;
    cr_assert_eq(scout_audit_open(path, &au, &err), SCOUT_OK);
    int denied = 0;
    cr_assert_eq(scout_audit_list(au, NULL, count_denied, &denied, &err), SCOUT_OK);
    cr_assert_eq(denied, 3);
    scout_audit_close(au);
    scout_agent_answer_free(a);
}

static size_t n_requests(void)
{
    json_t *reqs = fake_server_requests(&srv);
    size_t n = json_array_size(reqs);
    json_decref(reqs);
    return n;
}

static int first(void *ud, const scout_session_row *r)
{
    *(char **)ud = strdup(r->id);
    return 1;
}

static char *latest_session(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/sessions.db", home);
    scout_session_store *st = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_session_store_open(path, &st, &err), SCOUT_OK);
    char *id = NULL;

    cr_assert_eq(scout_session_list(st, "raj.patel", 1, first, &id, &err), SCOUT_OK);
    scout_session_store_close(st);
    return id;
}

Test(agent, sigkill_mid_run_then_resume_finishes_without_repeating_tool_calls, .init = acme_home,
     .fini = teardown)
{
    /* Request 4 hangs (the child is killed while waiting); the resumed run
     * re-sends that step and gets the same turn from step 5. */
    json_t *hang = RUN;
    json_object_set_new(hang, "delay_ms", json_integer(3000));
    start(json_pack("[o, o, o, o, o, o]", SEARCH, SHOW, CHOOSE, hang, RUN, FINISH), "raj.patel");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        scout_agent_opts o = opts();
        scout_agent_answer *a = NULL;
        scout_agent_run("net revenue by region", &o, &a, NULL);
        _exit(0);
    }
    for (int i = 0; i < 200 && n_requests() < 4; i++) usleep(50 * 1000);
    cr_assert_eq(n_requests(), 4);
    usleep(200 * 1000);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    char *id = latest_session();
    cr_assert_not_null(id);
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_resume(id, &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(a->status, SCOUT_AGENT_FINISHED);
    cr_assert_eq(
        json_integer_value(json_object_get(json_object_get(a->json, "result"), "row_count")), 4);
    cr_assert_eq(a->tool_calls_run, 2, "only run_sql and finish ran after the resume");
    cr_assert_eq(n_requests(), 6, "search, show and choose were not asked again");
    /* Resuming a finished session answers from the checkpoint. */
    scout_agent_answer *b = NULL;
    cr_assert_eq(scout_agent_resume(id, &o, &b, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(b->text, a->text);
    cr_assert_eq(n_requests(), 6);
    scout_agent_answer_free(b);
    scout_agent_answer_free(a);
    free(id);
}

/* ---- follow-ups, timeouts, cost budget, memory ---- */

#define SQL_COUNT "SELECT count(*) AS n FROM mart.revenue_daily"
#define RUN_FOLLOW                                                                                 \
    call("c7", "run_sql",                                                                          \
         "{\"source\":\"finance\",\"sql\":\"" SQL_COUNT "\",\"purpose\":\"the follow-up\"}")
#define FINISH_FOLLOW                                                                              \
    call("c8", "finish",                                                                           \
         "{\"answer\":\"Split as asked.\",\"tables\":[{\"table\":\"finance.mart.revenue_daily\","  \
         "\"why\":\"same table\"}],\"assumptions\":[],\"result_ids\":[],\"self_eval\":{\"right_"   \
         "table\":" GRADE("pass") ",\"filters\":" GRADE("pass") ",\"period\":" GRADE(              \
             "pass") ",\"numbers_sane\":" GRADE("pass") "}}")

static bool request_mentions(size_t req, const char *text)
{
    json_t *reqs = fake_server_requests(&srv);
    char *body = json_dumps(json_object_get(json_array_get(reqs, req), "body"), JSON_COMPACT);
    bool found = body && strstr(body, text);
    free(body);
    json_decref(reqs);
    return found;
}

Test(agent, a_follow_up_continues_the_same_session_with_its_context, .init = acme_home,
     .fini = teardown)
{
    start(json_pack("[o, o, o, o, o, o, o]", SEARCH, SHOW, CHOOSE, RUN, FINISH, RUN_FOLLOW,
                    FINISH_FOLLOW),
          "raj.patel");
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL, *b = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_agent_continue(a->session_id, "and by plan?", &o, &b, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_str_eq(b->session_id, a->session_id, "the same session");
    cr_assert_eq(b->status, SCOUT_AGENT_FINISHED);
    cr_assert_str_eq(b->text, "Split as asked.");
    /* The follow-up request carries the first question and its tool results. */
    cr_assert(request_mentions(5, "net revenue by region") && request_mentions(5, "and by plan?"));
    cr_assert(request_mentions(5, "NA has the most net revenue"));
    json_t *reqs = fake_server_requests(&srv);
    const char *r7 = tool_reply(reqs, 6, "c7");
    cr_assert(r7 && strstr(r7, "\"result_id\""), "the chosen table is still chosen: %s", r7);
    json_decref(reqs);
    cr_assert_str_eq(json_string_value(json_object_get(b->json, "sql")), SQL_COUNT);
    cr_assert_eq(b->steps, 7);
    scout_agent_answer_free(b);
    scout_agent_answer_free(a);
}

Test(agent, a_timed_out_model_call_is_retried_and_a_dead_model_leaves_a_resumable_session,
     .init = acme_home, .fini = teardown)
{
    llm_timeout_ms = 300;
    llm_retries = 0;
    json_t *slow[3];
    for (int i = 0; i < 3; i++) {
        slow[i] = SEARCH;
        json_object_set_new(slow[i], "delay_ms", json_integer(700));
    }
    /* Three slow replies: the first question's call and its two agent retries time out. */
    start(json_pack("[o, o, o, o, o, o, o, o]", slow[0], slow[1], slow[2], SEARCH, SHOW, CHOOSE,
                    RUN, FINISH),
          "raj.patel");
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL, *b = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_ETIMEOUT, "%s",
                 err.msg);
    cr_assert(strstr(err.msg, "300 ms"), "the timeout is named: %s", err.msg);
    cr_assert_not_null(a);
    cr_assert_eq(a->status, SCOUT_AGENT_FAILED);
    cr_assert_str_eq(json_string_value(json_object_get(a->json, "status")), "failed");
    /* The server answers one connection at a time: let it finish the last slow reply. */
    usleep(900 * 1000);
    cr_assert_eq(n_requests(), 3, "the call and two retries");
    cr_assert_eq(scout_agent_resume(a->session_id, &o, &b, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(b->status, SCOUT_AGENT_FINISHED);
    cr_assert_str_eq(b->session_id, a->session_id);
    scout_agent_answer_free(b);
    scout_agent_answer_free(a);
}

Test(agent, the_cost_budget_from_the_config_stops_cleanly, .init = acme_home, .fini = teardown)
{
    start(json_pack("[o, o, o, o, o]", SEARCH, SHOW, CHOOSE, RUN, FINISH), "raj.patel");
    /* 1000 prompt tokens at 2/M plus 50 completion at 8/M: 0.0024 a turn. */
    cfg->llm.max_cost_per_question = 0.005;
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(a->status, SCOUT_AGENT_STOPPED);
    cr_assert(strstr(a->text, "cost budget"), "%s", a->text);
    cr_assert_eq(a->steps, 3);
    cr_assert(a->cost >= 0.005 && a->cost < 0.008, "%f", a->cost);
    cr_assert_eq(n_requests(), 3, "no call past the budget");
    cr_assert_str_eq(json_string_value(json_object_get(a->json, "stop_reason")),
                     "cost budget reached (0.0072 of 0.0050)");
    scout_agent_answer_free(a);
}

#define MEMORY_TEXT "net revenue excludes the internal test accounts since 2025"
#define PROPOSE                                                                                    \
    call("c10", "propose_memory",                                                                  \
         "{\"text\":\"" MEMORY_TEXT "\",\"scope\":\"global\",\"tables\":[\"finance.mart.revenue_"  \
         "daily\"]}")
#define SHOW2 call("c11", "show_table", "{\"table\":\"finance.mart.revenue_daily\"}")

Test(agent, a_proposed_memory_is_used_only_after_the_user_confirms_it, .init = acme_home,
     .fini = teardown)
{
    start(json_pack("[o, o, o, o, o]", PROPOSE, SHOW2, FINISH, SHOW2, FINISH), "raj.patel");
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL, *b = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    json_t *ids = json_object_get(a->json, "memories_proposed");
    cr_assert_eq(json_array_size(ids), 1);
    json_t *reqs = fake_server_requests(&srv);
    const char *before = tool_reply(reqs, 2, "c11");
    cr_assert(before && !strstr(before, MEMORY_TEXT), "unconfirmed, so unused: %s", before);
    json_decref(reqs);
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_array_get(ids, 0)));
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "memory", "edit", id,
                                "--status", "active", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    proc_result_free(&r);
    cr_assert_eq(scout_agent_run("net revenue by region again", &o, &b, &err), SCOUT_OK, "%s",
                 err.msg);
    reqs = fake_server_requests(&srv);
    const char *after = tool_reply(reqs, 4, "c11");
    cr_assert(after && strstr(after, MEMORY_TEXT), "confirmed, so used: %s", after);
    json_decref(reqs);
    scout_agent_answer_free(b);
    scout_agent_answer_free(a);
}

/* ---- the OpenAI Responses API ---- */

/* The function_call_output the model got for call_id in Responses request req. */
static const char *responses_tool_output(json_t *reqs, size_t req, const char *call_id)
{
    json_t *input = json_object_get(json_object_get(json_array_get(reqs, req), "body"), "input");
    size_t i;
    json_t *item;
    json_array_foreach(input, i, item)
    {
        const char *type = json_string_value(json_object_get(item, "type"));
        const char *id = json_string_value(json_object_get(item, "call_id"));
        if (type && !strcmp(type, "function_call_output") && id && !strcmp(id, call_id))
            return json_string_value(json_object_get(item, "output"));
    }
    return NULL;
}

/* Appends streamed text to a 256-byte buffer (bounded). */
static void collect_text(void *ud, const scout_llm_delta *d)
{
    char *buf = ud;
    size_t used = strlen(buf);
    if (d->kind != SCOUT_LLM_DELTA_TEXT || used + d->len >= 256) return;
    memcpy(buf + used, d->text, d->len);
    buf[used + d->len] = '\0';
}

Test(agent, the_loop_runs_over_the_responses_api_streamed, .init = acme_home, .fini = teardown)
{
    llm_api = SCOUT_LLM_API_RESPONSES;
    json_t *search = SEARCH;
    json_object_set_new(search, "text", json_string("Looking for revenue tables."));
    start(json_pack("[o, o, o, o, o, o]", search, SHOW, CHOOSE, RUN, CHART, FINISH), "raj.patel");
    scout_agent_opts o = opts();
    char streamed[256] = "";
    o.on_delta = collect_text;
    o.delta_ud = streamed;
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(a->status, SCOUT_AGENT_FINISHED, "%s", a->text);
    cr_assert_str_eq(a->text, "NA has the most net revenue; see the result.");
    cr_assert_str_eq(streamed, "Looking for revenue tables.", "the text was streamed");
    json_t *j = a->json;
    cr_assert_str_eq(json_string_value(json_object_get(j, "sql")), SQL_REGION);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "result"), "row_count")), 4);
    cr_assert(json_is_object(json_object_get(j, "chart")));
    cr_assert_eq(a->usage.prompt_tokens, 6000);
    cr_assert_eq(a->usage.completion_tokens, 300);
    json_t *reqs = fake_server_requests(&srv);
    cr_assert_eq(json_array_size(reqs), 6);
    size_t i;
    json_t *q;
    json_array_foreach(reqs, i, q)
    {
        const char *path = json_string_value(json_object_get(q, "path"));
        cr_assert(path && strstr(path, "/responses"), "request %zu went to %s", i, path);
        json_t *body = json_object_get(q, "body");
        cr_assert(json_is_true(json_object_get(body, "stream")), "request %zu streams", i);
        cr_assert(json_array_size(json_object_get(body, "tools")) >= 10, "tools in request %zu", i);
    }
    /* The tool result travelled back as a function_call_output for its call id. */
    const char *seen = responses_tool_output(reqs, 4, "c4");
    cr_assert(seen && strstr(seen, "\"result_id\"") && strstr(seen, "\"preview\""), "%s",
              seen ? seen : "(none)");
    json_decref(reqs);
    scout_agent_answer_free(a);
}

Test(agent, the_discovery_gate_and_a_malformed_call_over_the_responses_api, .init = acme_home,
     .fini = teardown)
{
    llm_api = SCOUT_LLM_API_RESPONSES;
    json_t *bad = call("c0", "search", "{\"query\": \"revenue\", ");
    start(json_pack("[o, o, o, o, o, o]", bad, RUN, SEARCH, CHOOSE, RUN, FINISH), "raj.patel");
    scout_agent_opts o = opts(); /* not streamed: the whole-reply path */
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    json_t *reqs = fake_server_requests(&srv);
    const char *e1 = responses_tool_output(reqs, 1, "c0");
    cr_assert(e1 && strstr(e1, "not valid JSON"), "%s", e1 ? e1 : "(none)");
    const char *refusal = responses_tool_output(reqs, 2, "c4");
    cr_assert(refusal && strstr(refusal, "discovery gate") && strstr(refusal, "choose_table"), "%s",
              refusal ? refusal : "(none)");
    cr_assert_eq(a->status, SCOUT_AGENT_FINISHED);
    cr_assert_eq(
        json_integer_value(json_object_get(json_object_get(a->json, "result"), "row_count")), 4);
    json_decref(reqs);
    scout_agent_answer_free(a);
}

/* ---- interrupting a running statement ---- */

/* Counts to a billion: minutes of work, while the demo's own limit is 30 s. */
#define SLOW_SQL                                                                                   \
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "        \
    "SELECT count(*) AS n FROM c"

typedef struct ctrl_c {
    scout_llm *llm;
    double at_ms; /* when the cancel was sent */
} ctrl_c;

/* What Ctrl-C does in scout chat, from another thread once the query runs. */
static void *press_ctrl_c(void *ud)
{
    ctrl_c *k = ud;
    for (int i = 0; i < 400; i++) {
        json_t *reqs = fake_server_requests(&srv);
        size_t n = json_array_size(reqs);
        json_decref(reqs);
        if (n >= 3) break;
        usleep(25 * 1000);
    }
    usleep(400 * 1000); /* the slow statement is running now */
    k->at_ms = scout_now_ms();
    scout_llm_cancel(k->llm);
    return NULL;
}

static int count_interrupted_sql(void *ud, const scout_audit_row *r)
{
    if (!strcmp(r->kind, "sql") && r->reason && strstr(r->reason, "interrupted")) ++*(int *)ud;
    return 0;
}

Test(agent, a_cancel_stops_a_running_statement_within_a_second_and_leaves_the_call_pending,
     .init = acme_home, .fini = teardown, .timeout = 120)
{
    json_t *slow = call("c4", "run_sql",
                        "{\"source\":\"finance\",\"sql\":\"" SLOW_SQL "\",\"purpose\":\"count\"}");
    start(json_pack("[o, o, o]", SEARCH, CHOOSE, slow), "raj.patel");
    scout_agent_opts o = opts();
    ctrl_c k = {llm, 0};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, press_ctrl_c, &k), 0);
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    scout_rc rc = scout_agent_run("net revenue by region", &o, &a, &err);
    double stopped = scout_now_ms();
    pthread_join(th, NULL);
    cr_assert_eq(rc, SCOUT_EINTERRUPTED, "%s: %s", scout_rc_name(rc), err.msg);
    cr_assert_str_eq(err.msg, "query interrupted");
    cr_assert(k.at_ms > 0 && stopped - k.at_ms < 1000, "stopped %.0f ms after the cancel",
              stopped - k.at_ms);
    cr_log_info("agent: the statement stopped %.0f ms after the cancel", stopped - k.at_ms);
    cr_assert_eq(a->status, SCOUT_AGENT_INTERRUPTED);
    /* The stopped call has no committed result: resume would run it again,
     * a redirection answers it as skipped. */
    char path[700];
    snprintf(path, sizeof path, "%s/sessions.db", home);
    scout_session_store *st = NULL;
    cr_assert_eq(scout_session_store_open(path, &st, &err), SCOUT_OK);
    scout_session_row row;
    cr_assert_eq(scout_session_load(st, a->session_id, "raj.patel", &row, &err), SCOUT_OK);
    cr_assert_str_eq(row.status, "interrupted");
    char *msgs = json_dumps(json_object_get(row.state, "messages"), JSON_COMPACT);
    cr_assert(msgs && !strstr(msgs, "\"tool_call_id\":\"c4\""), "no result for c4: %s", msgs);
    free(msgs);
    scout_session_row_free(&row);
    scout_session_store_close(st);
    /* The statement is on record as interrupted. */
    snprintf(path, sizeof path, "%s/audit.db", home);
    scout_audit *au = NULL;
    cr_assert_eq(scout_audit_open(path, &au, &err), SCOUT_OK);
    int n = 0;
    cr_assert_eq(scout_audit_list(au, NULL, count_interrupted_sql, &n, &err), SCOUT_OK);
    cr_assert_eq(n, 1);
    scout_audit_close(au);
    scout_agent_answer_free(a);
}

static int count_timeout_sql(void *ud, const scout_audit_row *r)
{
    if (!strcmp(r->kind, "sql") && r->status && !strcmp(r->status, "timeout")) ++*(int *)ud;
    return 0;
}

/* A statement the time limit stops is on record as "timeout", as the offline
 * path records it, not as an ordinary success. */
Test(agent, a_statement_stopped_by_the_time_limit_is_audited_as_timeout, .init = acme_home,
     .fini = teardown, .timeout = 120)
{
    json_t *slow = call("c4", "run_sql",
                        "{\"source\":\"finance\",\"sql\":\"" SLOW_SQL "\",\"purpose\":\"count\"}");
    json_t *give_up = json_pack("{s:s}", "text", "The count took too long.");
    start(json_pack("[o, o, o, o]", SEARCH, CHOOSE, slow, give_up), "raj.patel");
    cfg->limits.timeout_ms = 300;
    scout_agent_opts o = opts();
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    scout_agent_run("net revenue by region", &o, &a, &err);
    char path[700];
    snprintf(path, sizeof path, "%s/audit.db", home);
    scout_audit *au = NULL;
    cr_assert_eq(scout_audit_open(path, &au, &err), SCOUT_OK);
    int n = 0;
    cr_assert_eq(scout_audit_list(au, NULL, count_timeout_sql, &n, &err), SCOUT_OK);
    cr_assert_eq(n, 1, "the stopped statement is audited with status timeout");
    scout_audit_close(au);
    scout_agent_answer_free(a);
}
Test(agent, a_cancel_flag_without_a_model_stops_the_deterministic_query, .init = acme_home,
     .fini = teardown)
{
    scout_err err = {0};
    cr_assert_eq(scout_principal_from_config(cfg, "raj.patel", &who, &err), SCOUT_OK);
    atomic_bool flag;
    atomic_init(&flag, true); /* Ctrl-C already pressed */
    scout_agent_opts o = opts();
    o.cancel = &flag;
    scout_agent_answer *a = NULL;
    scout_rc rc = scout_agent_ask("net revenue by region", &o, &a, &err);
    cr_assert_eq(rc, SCOUT_EINTERRUPTED, "%s: %s", scout_rc_name(rc), err.msg);
    cr_assert_str_eq(err.msg, "query interrupted");
    cr_assert_null(a);
    atomic_store(&flag, false);
    cr_assert_eq(scout_agent_ask("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(a->status, SCOUT_AGENT_OFFLINE);
    cr_assert_gt(
        json_integer_value(json_object_get(json_object_get(a->json, "result"), "row_count")), 0);
    scout_agent_answer_free(a);
}

/* ---- the --json shape ---- */

/* Fails naming the first key of want that got lacks. */
static void assert_keys_of(json_t *want, json_t *got, const char *what)
{
    const char *k;
    json_t *v;
    json_object_foreach(want, k, v)
    {
        cr_assert(json_object_get(got, k), "%s: the agent's answer lacks \"%s\"", what, k);
        cr_assert_eq(json_typeof(json_object_get(got, k)) == JSON_NULL, json_is_null(v),
                     "%s.%s: null in one answer only", what, k);
    }
}

static void assert_name_why(json_t *items, const char *what)
{
    cr_assert_gt(json_array_size(items), 0, "%s is empty", what);
    size_t i;
    json_t *t;
    json_array_foreach(items, i, t)
    {
        cr_assert_eq(json_object_size(t), 2, "%s[%zu] has exactly name and why", what, i);
        cr_assert(json_is_string(json_object_get(t, "name")), "%s[%zu].name", what, i);
        cr_assert(json_is_string(json_object_get(t, "why")), "%s[%zu].why", what, i);
    }
}

Test(agent, the_agent_json_has_the_offline_ask_shape_plus_usage_and_self_eval, .init = acme_home,
     .fini = teardown)
{
    json_t *ask =
        call("q1", "ask_user", "{\"question\":\"Which period?\",\"default\":\"all time\"}");
    start(json_pack("[o, o, o, o, o, o, o]", SEARCH, SHOW, CHOOSE, ask, RUN, CHART, FINISH),
          "raj.patel");
    scout_agent_opts o = opts();
    o.llm = NULL; /* first the offline answer to the same question */
    scout_agent_answer *off = NULL, *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_ask("net revenue by region", &o, &off, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(off->status, SCOUT_AGENT_OFFLINE);
    o.llm = llm;
    cr_assert_eq(scout_agent_run("net revenue by region", &o, &a, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(a->status, SCOUT_AGENT_FINISHED);
    json_t *want = json_deep_copy(off->json), *got = a->json;
    /* Fields only the agent has are checked below; offline-only ones are none. */
    json_object_del(want, "status");
    json_object_del(want, "usage");
    json_object_del(want, "self_eval");
    assert_keys_of(want, got, "answer");
    assert_keys_of(json_object_get(want, "result"), json_object_get(got, "result"), "result");
    assert_name_why(json_object_get(got, "tables"), "tables");
    assert_name_why(json_object_get(got, "rejected"), "rejected");
    assert_name_why(json_object_get(want, "rejected"), "offline rejected");
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(got, "rejected"), 0), "name")),
                     "finance.archive.revenue_daily_v1");
    cr_assert_str_eq(json_string_value(json_object_get(got, "chart_kind")), "bar");
    json_t *usage = json_object_get(got, "usage");
    cr_assert_eq(json_integer_value(json_object_get(usage, "prompt_tokens")), 7000);
    cr_assert(json_is_real(json_object_get(usage, "cost")));
    cr_assert(json_is_object(json_object_get(json_object_get(got, "self_eval"), "grades")));
    /* Nobody answered the clarifying question (no ask_user hook): the default is
     * used and said among the assumptions. */
    json_t *as = json_object_get(got, "assumptions");
    char *text = json_dumps(as, JSON_COMPACT);
    cr_assert(text && strstr(text, "all time") && strstr(text, "Which period?"), "%s", text);
    free(text);
    json_decref(want);
    scout_agent_answer_free(off);
    scout_agent_answer_free(a);
}
