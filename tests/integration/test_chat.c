/* The agent from the command line against the scripted fake server: Ctrl-C
 * (a real SIGINT) while the model streams a never-ending reply stops
 * `scout ask` within a second and leaves a session `scout resume` finishes;
 * `scout chat` keeps one session across a follow-up, answers the slash
 * commands, and after a Ctrl-C continues the same session with the user's
 * redirection. The chat tests skip while `scout chat` is not registered. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support/proc.h"
#include "unit/llm/fake_server.h"

/* Asked of a demo home, the deterministic path cannot answer this: the model does. */
#define QUESTION "is anything odd in the data?"

static char *home;
static fake_server srv;

static void acme_home(void)
{
    home = test_acme_home();
}

static void teardown(void)
{
    if (srv.pid) fake_server_stop(&srv);
    memset(&srv, 0, sizeof srv);
    test_rmdir(home);
    free(home);
}

static json_t *call(const char *id, const char *name, const char *args)
{
    return json_pack("{s:[{s:s, s:s, s:s}], s:{s:i, s:i}}", "tool_calls", "id", id, "name", name,
                     "arguments", args, "usage", "prompt_tokens", 1000, "completion_tokens", 50);
}

#define SEARCH call("c1", "search", "{\"query\":\"net revenue by region\",\"kinds\":\"tables\"}")
#define CHOOSE                                                                                     \
    call("c3", "choose_table",                                                                     \
         "{\"table\":\"finance.mart.revenue_daily\",\"why\":\"the source-of-truth mart\","         \
         "\"rejected\":[{\"table\":\"finance.archive.revenue_daily_v1\",\"why_not\":"              \
         "\"deprecated\"}]}")
#define SQL_REGION                                                                                 \
    "SELECT region, sum(net_revenue_usd) AS n FROM mart.revenue_daily GROUP BY region"
#define RUN(id, sql)                                                                               \
    call(id, "run_sql", "{\"source\":\"finance\",\"sql\":\"" sql "\",\"purpose\":\"x\"}")
#define GRADE "{\"grade\":\"pass\",\"note\":\"checked\"}"
#define FINISH(id, answer)                                                                         \
    call(id, "finish",                                                                             \
         "{\"answer\":\"" answer "\",\"tables\":[{\"table\":\"finance.mart.revenue_daily\","       \
         "\"why\":\"source of truth\"}],\"assumptions\":[\"all time\"],\"result_ids\":[],"         \
         "\"self_eval\":{\"right_table\":" GRADE ",\"filters\":" GRADE ",\"period\":" GRADE        \
         ",\"numbers_sane\":" GRADE "}}")

static json_t *forever(void)
{
    return json_pack("{s:s, s:b}", "text", "looking ", "forever", 1);
}

/* Starts the fake server with steps and points the home's scout.yaml at it. */
static void start(json_t *steps)
{
    json_t *script = json_pack("{s:o}", "steps", steps);
    char *text = json_dumps(script, JSON_COMPACT);
    json_decref(script);
    fake_server_start(&srv, text);
    free(text);
    char path[700];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fprintf(f, "llm:\n  base_url: %s\n  model: fake-model\n  timeout_ms: 10000\n", srv.base_url);
    fclose(f);
}

static size_t n_requests(void)
{
    json_t *reqs = fake_server_requests(&srv);
    size_t n = json_array_size(reqs);
    json_decref(reqs);
    return n;
}

static void wait_requests(size_t n)
{
    for (int i = 0; i < 200 && n_requests() < n; i++) usleep(50 * 1000);
    cr_assert_geq(n_requests(), n, "the model was called %zu times", n_requests());
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A running scout: its stdin is a pipe, its stdout and stderr go to files. */
typedef struct child {
    pid_t pid;
    int in;
    char out[700], err[700];
} child;

static void spawn(child *ch, const char *const *args)
{
    snprintf(ch->out, sizeof ch->out, "%s/child.out", home);
    snprintf(ch->err, sizeof ch->err, "%s/child.err", home);
    int p[2];
    cr_assert_eq(pipe(p), 0);
    ch->pid = fork();
    cr_assert_neq(ch->pid, -1);
    if (ch->pid == 0) {
        dup2(p[0], 0);
        int o = open(ch->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(ch->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        close(p[1]);
        const char *argv[16] = {getenv("SCOUT_BIN")};
        for (int i = 0; args[i] && i < 14; i++) argv[i + 1] = args[i];
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(p[0]);
    ch->in = p[1];
}

static void say(child *ch, const char *line)
{
    size_t n = strlen(line);
    cr_assert_eq(write(ch->in, line, n), (ssize_t)n);
    cr_assert_eq(write(ch->in, "\n", 1), 1);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return strdup("");
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Waits until the child's stdout contains text; seconds it took, or -1. */
static double wait_output(const child *ch, const char *text, double limit)
{
    double t0 = now_s();
    while (now_s() - t0 < limit) {
        char *s = slurp(ch->out);
        bool found = strstr(s, text) != NULL;
        free(s);
        if (found) return now_s() - t0;
        usleep(20 * 1000);
    }
    return -1;
}

static int finish_child(child *ch)
{
    if (ch->in >= 0) close(ch->in);
    ch->in = -1;
    int status = 0;
    double t0 = now_s();
    while (waitpid(ch->pid, &status, WNOHANG) == 0) {
        if (now_s() - t0 > 30) {
            kill(ch->pid, SIGKILL);
            waitpid(ch->pid, &status, 0);
            cr_assert_fail("the child did not exit");
        }
        usleep(20 * 1000);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *only_session(void)
{
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "sessions", "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *all = json_loads(r.out, 0, NULL);
    proc_result_free(&r);
    cr_assert_eq(json_array_size(all), 1, "one session");
    char *id = strdup(json_string_value(json_object_get(json_array_get(all, 0), "id")));
    json_decref(all);
    return id;
}

static const char *session_status(void)
{
    static char status[32];
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "sessions", "--json", NULL);
    json_t *all = json_loads(r.out, 0, NULL);
    proc_result_free(&r);
    snprintf(status, sizeof status, "%s",
             json_string_value(json_object_get(json_array_get(all, 0), "status")));
    json_decref(all);
    return status;
}

Test(agent_cli, sigint_mid_stream_stops_ask_within_a_second_and_resume_finishes, .init = acme_home,
     .fini = teardown, .timeout = 120)
{
    start(json_pack("[o, o, o, o, o]", forever(), SEARCH, CHOOSE, RUN("c4", SQL_REGION),
                    FINISH("c6", "NA leads.")));
    child ch;
    const char *args[] = {"--home", home, "--as", "raj.patel", "ask", QUESTION, NULL};
    spawn(&ch, args);
    wait_requests(1);
    usleep(300 * 1000); /* the reply is streaming now */
    double t0 = now_s();
    kill(ch.pid, SIGINT);
    int code = finish_child(&ch);
    double took = now_s() - t0;
    cr_assert_lt(took, 1.0, "stopped in %.2f s", took);
    cr_assert_neq(code, 0, "an interrupted ask is not a success");
    cr_assert_str_eq(session_status(), "interrupted");
    char *id = only_session();
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "resume", id, "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *a = json_loads(r.out, 0, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(a, "status")), "finished");
    cr_assert_str_eq(json_string_value(json_object_get(a, "answer")), "NA leads.");
    cr_assert_str_eq(json_string_value(json_object_get(a, "session")), id);
    json_decref(a);
    proc_result_free(&r);
    free(id);
}

static bool chat_registered(void)
{
    proc_result r = proc_scoutv("chat", "--help", NULL);
    bool ok = r.status == 0;
    proc_result_free(&r);
    return ok;
}

Test(agent_cli, chat_keeps_one_session_across_a_follow_up_and_answers_slash_commands,
     .init = acme_home, .fini = teardown, .timeout = 120)
{
    if (!chat_registered()) cr_skip_test("scout chat is not registered yet");
    start(json_pack("[o, o, o, o, o, o]", SEARCH, CHOOSE, RUN("c4", SQL_REGION),
                    FINISH("c6", "NA leads."),
                    RUN("c7", "SELECT count(*) AS n FROM mart.revenue_daily"),
                    FINISH("c8", "By plan: see the split.")));
    child ch;
    const char *args[] = {"--home", home, "--as", "raj.patel", "chat", NULL};
    spawn(&ch, args);
    say(&ch, QUESTION);
    say(&ch, "/sql");
    say(&ch, "/why");
    say(&ch, "and by plan?");
    say(&ch, "/tables");
    say(&ch, "/feedback good exactly right");
    say(&ch, "/bogus");
    say(&ch, "/quit");
    cr_assert_eq(finish_child(&ch), 0);
    char *out = slurp(ch.out), *err = slurp(ch.err);
    cr_assert(strstr(out, "NA leads."), "%s\n%s", out, err);
    cr_assert(strstr(out, SQL_REGION), "/sql: %s", out);
    cr_assert(strstr(out, "finance.mart.revenue_daily — source of truth"), "/why: %s", out);
    cr_assert(strstr(out, "not finance.archive.revenue_daily_v1 — deprecated"), "/why: %s", out);
    cr_assert(strstr(out, "self-eval right_table: pass"), "/why: %s", out);
    cr_assert(strstr(out, "By plan: see the split."), "%s", out);
    cr_assert(strstr(out, "feedback stored for s"), "%s", out);
    cr_assert(strstr(err, "unknown command /bogus"), "%s", err);
    /* One session, and the follow-up's request carried the first question. */
    char *id = only_session();
    json_t *reqs = fake_server_requests(&srv);
    char *body = json_dumps(json_object_get(json_array_get(reqs, 4), "body"), JSON_COMPACT);
    cr_assert(body && strstr(body, QUESTION) && strstr(body, "and by plan?"), "%s", body);
    free(body);
    json_decref(reqs);
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "feedback", "list", NULL);
    cr_assert(strstr(r.out, id) && strstr(r.out, "exactly right"), "%s", r.out);
    proc_result_free(&r);
    free(id);
    free(out);
    free(err);
}

Test(agent_cli, chat_ctrl_c_stops_the_stream_and_the_redirection_continues_the_session,
     .init = acme_home, .fini = teardown, .timeout = 120)
{
    if (!chat_registered()) cr_skip_test("scout chat is not registered yet");
    start(json_pack("[o, o, o, o, o]", forever(), SEARCH, CHOOSE, RUN("c4", SQL_REGION),
                    FINISH("c6", "Redirected: NA leads.")));
    child ch;
    const char *args[] = {"--home", home, "--as", "raj.patel", "chat", NULL};
    spawn(&ch, args);
    say(&ch, QUESTION);
    wait_requests(1);
    usleep(300 * 1000);
    kill(ch.pid, SIGINT);
    double took = wait_output(&ch, "interrupted.", 5);
    cr_assert(took >= 0 && took < 1.0, "interrupted in %.2f s", took);
    cr_assert_str_eq(session_status(), "interrupted");
    say(&ch, "look at net revenue by region instead");
    say(&ch, "/quit");
    cr_assert_eq(finish_child(&ch), 0);
    char *out = slurp(ch.out);
    cr_assert(strstr(out, "Redirected: NA leads."), "%s", out);
    char *id = only_session();
    cr_assert(strstr(out, id), "the same session: %s", out);
    json_t *reqs = fake_server_requests(&srv);
    char *body = json_dumps(json_object_get(json_array_get(reqs, 1), "body"), JSON_COMPACT);
    cr_assert(body && strstr(body, QUESTION) && strstr(body, "by region instead"), "%s", body);
    free(body);
    json_decref(reqs);
    free(id);
    free(out);
}

/* A statement that would count to a billion (minutes of work; the demo's own
 * time limit is 30 s): only Ctrl-C can end it within a second. */
#define SLOW_SQL                                                                                   \
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "        \
    "SELECT count(*) AS n FROM c"

Test(agent_cli, chat_ctrl_c_stops_a_running_query_and_the_redirection_continues_the_session,
     .init = acme_home, .fini = teardown, .timeout = 120)
{
    if (!chat_registered()) cr_skip_test("scout chat is not registered yet");
    start(json_pack("[o, o, o, o]", SEARCH, CHOOSE, RUN("c4", SLOW_SQL),
                    FINISH("c6", "Redirected: NA leads.")));
    child ch;
    const char *args[] = {"--home", home, "--as", "raj.patel", "chat", NULL};
    spawn(&ch, args);
    say(&ch, QUESTION);
    wait_requests(3); /* the model has asked for the slow run_sql */
    usleep(500 * 1000);
    char *err = slurp(ch.err);
    cr_assert(strstr(err, "sql: WITH RECURSIVE"), "the statement is running: %s", err);
    free(err);
    kill(ch.pid, SIGINT);
    double took = wait_output(&ch, "interrupted.", 5);
    cr_assert(took >= 0 && took < 1.0, "interrupted in %.2f s", took);
    cr_log_info("chat: the query stopped %.3f s after SIGINT", took);
    cr_assert_str_eq(session_status(), "interrupted");
    say(&ch, "skip that, use net revenue by region");
    say(&ch, "/quit");
    cr_assert_eq(finish_child(&ch), 0);
    char *out = slurp(ch.out);
    cr_assert(strstr(out, "Redirected: NA leads."), "%s", out);
    char *id = only_session();
    cr_assert(strstr(out, id), "the same session: %s", out);
    /* The interrupted call was answered as skipped, then the redirection. */
    json_t *reqs = fake_server_requests(&srv);
    cr_assert_eq(json_array_size(reqs), 4);
    char *body = json_dumps(json_object_get(json_array_get(reqs, 3), "body"), JSON_COMPACT);
    cr_assert(body && strstr(body, "the user interrupted") && strstr(body, "skip that"), "%s",
              body);
    free(body);
    json_decref(reqs);
    free(id);
    free(out);
}

Test(agent_cli, ctrl_c_during_a_long_query_ends_scout_ask_with_one_line_within_a_second,
     .init = acme_home, .fini = teardown, .timeout = 120)
{
    start(json_pack("[o, o, o]", SEARCH, CHOOSE, RUN("c4", SLOW_SQL)));
    child ch;
    const char *args[] = {"--home", home, "--as", "raj.patel", "ask", QUESTION, NULL};
    spawn(&ch, args);
    wait_requests(3);
    usleep(500 * 1000);
    double t0 = now_s();
    kill(ch.pid, SIGINT);
    int code = finish_child(&ch);
    double took = now_s() - t0;
    cr_assert_lt(took, 1.0, "stopped in %.2f s", took);
    cr_log_info("ask: exited %.3f s after SIGINT", took);
    cr_assert_neq(code, 0, "an interrupted ask is not a success");
    cr_assert_lt(code, 128, "it exits, it is not killed by the signal");
    char *err = slurp(ch.err);
    const char *last = strstr(err, "scout: ");
    cr_assert(last && strstr(last, "interrupted") && !strchr(strchr(last, '\n') + 1, '\n'),
              "one line saying interrupted: %s", err);
    free(err);
    cr_assert_str_eq(session_status(), "interrupted");
}

/* The tool result the model got for call_id (Chat Completions request req). */
static char *tool_result(size_t req, const char *call_id)
{
    json_t *reqs = fake_server_requests(&srv);
    json_t *msgs = json_object_get(json_object_get(json_array_get(reqs, req), "body"), "messages");
    char *out = NULL;
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "tool_call_id"));
        if (id && !strcmp(id, call_id) && !out)
            out = strdup(json_string_value(json_object_get(m, "content")));
    }
    json_decref(reqs);
    return out ? out : strdup("");
}

#define ASK_USER(id, q, d) call(id, "ask_user", "{\"question\":\"" q "\",\"default\":\"" d "\"}")

Test(agent_cli, chat_shows_a_clarifying_question_and_uses_the_typed_reply_or_the_default,
     .init = acme_home, .fini = teardown, .timeout = 120)
{
    if (!chat_registered()) cr_skip_test("scout chat is not registered yet");
    start(json_pack("[o, o, o, o, o, o]", SEARCH, CHOOSE,
                    ASK_USER("q1", "Gross or net revenue?", "net revenue"),
                    ASK_USER("q2", "Which period?", "all time"), RUN("c4", SQL_REGION),
                    FINISH("c6", "NA leads.")));
    child ch;
    const char *args[] = {"--home", home, "--as", "raj.patel", "chat", NULL};
    spawn(&ch, args);
    say(&ch, QUESTION);
    say(&ch, "");                    /* Enter: keep the default */
    say(&ch, "  the last 90 days "); /* a typed answer */
    say(&ch, "/quit");
    cr_assert_eq(finish_child(&ch), 0);
    char *out = slurp(ch.out);
    cr_assert(strstr(out, "? Gross or net revenue?") && strstr(out, "default: net revenue"),
              "the question and its default are shown: %s", out);
    cr_assert(strstr(out, "? Which period?") && strstr(out, "default: all time"), "%s", out);
    cr_assert(strstr(out, "NA leads."), "%s", out);
    char *r1 = tool_result(3, "q1"), *r2 = tool_result(4, "q2");
    cr_assert(strstr(r1, "\"answer\":\"net revenue\"") && strstr(r1, "\"used_default\":true"), "%s",
              r1);
    cr_assert(strstr(r2, "\"answer\":\"the last 90 days\"") && strstr(r2, "\"used_default\":false"),
              "%s", r2);
    free(r1);
    free(r2);
    free(out);
}

Test(agent_cli, scout_ask_uses_the_default_of_a_clarifying_question_and_says_so, .init = acme_home,
     .fini = teardown, .timeout = 120)
{
    start(json_pack("[o, o, o, o, o]", SEARCH, CHOOSE, ASK_USER("q1", "Which period?", "all time"),
                    RUN("c4", SQL_REGION), FINISH("c6", "NA leads.")));
    proc_result r =
        proc_scoutv("--home", home, "--as", "raj.patel", "ask", QUESTION, "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *a = json_loads(r.out, 0, NULL);
    cr_assert_not_null(a, "%s", r.out);
    char *as = json_dumps(json_object_get(a, "assumptions"), JSON_COMPACT);
    cr_assert(as && strstr(as, "Which period?") && strstr(as, "all time"),
              "the default is an assumption: %s", as);
    free(as);
    json_decref(a);
    proc_result_free(&r);
    char *r1 = tool_result(3, "q1");
    cr_assert(strstr(r1, "\"used_default\":true"), "nobody is asked: %s", r1);
    free(r1);
}

Test(agent_cli, deep_sends_a_question_the_planner_is_sure_of_to_the_model, .init = acme_home,
     .fini = teardown, .timeout = 120)
{
    start(json_pack("[o, o, o, o]", SEARCH, CHOOSE, RUN("c4", SQL_REGION),
                    FINISH("c6", "From the model.")));
    const char *q = "net revenue by region";
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "ask", q, "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *a = json_loads(r.out, 0, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(a, "status")), "offline",
                     "the planner is confident: %s", r.out);
    cr_assert_eq(n_requests(), 0, "no model call without --deep");
    json_decref(a);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "raj.patel", "ask", q, "--deep", "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    a = json_loads(r.out, 0, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(a, "status")), "finished", "%s", r.out);
    cr_assert_str_eq(json_string_value(json_object_get(a, "answer")), "From the model.");
    cr_assert_eq(n_requests(), 4);
    json_decref(a);
    proc_result_free(&r);
}

#define SECTION(id, title, text, rid)                                                              \
    call(id, "write_report_section",                                                               \
         "{\"title\":\"" title "\",\"text\":\"" text "\",\"result_id\":" rid "}")

Test(agent_cli, report_sections_the_agent_writes_end_up_in_the_report_file, .init = acme_home,
     .fini = teardown, .timeout = 120)
{
    start(
        json_pack("[o, o, o, o, o, o]", SEARCH, CHOOSE, RUN("c4", SQL_REGION),
                  SECTION("w1", "Made up", "EMEA is 99 billion.", "\"r_nope\""),
                  SECTION("w2", "Where revenue comes from", "NA leads every quarter.", "\"last\""),
                  FINISH("c6", "NA leads.")));
    char report[700];
    snprintf(report, sizeof report, "%s/answer.md", home);
    proc_result r =
        proc_scoutv("--home", home, "--as", "raj.patel", "ask", QUESTION, "--report", report, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "Report: "), "%s", r.out);
    proc_result_free(&r);
    char *md = slurp(report);
    cr_assert(strstr(md, "NA leads."), "%s", md);
    cr_assert(strstr(md, "## Where revenue comes from\n\nNA leads every quarter."), "%s", md);
    cr_assert_null(strstr(md, "Made up"), "a section citing an unknown result is refused: %s", md);
    cr_assert(strstr(md, "```sql\n" SQL_REGION), "%s", md);
    free(md);
    char *w1 = tool_result(4, "w1");
    cr_assert(strstr(w1, "no result with that id"), "%s", w1);
    free(w1);
}

static json_t *ask_json_as_raj(const char *q)
{
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "ask", q, "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *a = json_loads(r.out, 0, NULL);
    cr_assert_not_null(a, "%s", r.out);
    proc_result_free(&r);
    return a;
}

/* Rewrites scout.yaml as base plus offline_confidence in the llm section (the file's last). */
static void set_offline_confidence(const char *base, double v)
{
    char path[700];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%s  offline_confidence: %.3f\n", base, v);
    fclose(f);
}

Test(agent_cli, offline_confidence_sets_how_sure_the_planner_must_be_to_skip_the_model,
     .init = acme_home, .fini = teardown, .timeout = 120)
{
    const char *q = "revenue last month";
    json_t *off = ask_json_as_raj(q); /* no llm yet: the planner's own confidence */
    double c = json_real_value(json_object_get(off, "confidence"));
    json_decref(off);
    cr_assert(c > 0.05 && c < 0.95, "a question the planner is fairly but not fully sure of: %g",
              c);
    start(json_pack("[o, o, o, o]", SEARCH, CHOOSE, RUN("c4", SQL_REGION),
                    FINISH("c6", "From the model.")));
    char path[700];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    char *base = slurp(path);
    set_offline_confidence(base, c - 0.04); /* the bar is below the planner's confidence */
    json_t *a = ask_json_as_raj(q);
    cr_assert_str_eq(json_string_value(json_object_get(a, "status")), "offline");
    cr_assert_eq(n_requests(), 0);
    json_decref(a);
    set_offline_confidence(base, c + 0.04); /* and now above it */
    a = ask_json_as_raj(q);
    cr_assert_str_eq(json_string_value(json_object_get(a, "status")), "finished");
    cr_assert_eq(n_requests(), 4);
    json_decref(a);
    free(base);
}

Test(agent_cli, scout_ask_streams_the_agents_steps_as_events, .init = acme_home, .fini = teardown,
     .timeout = 120)
{
    start(json_pack("[o, o, o, o]", SEARCH, CHOOSE, RUN("c4", SQL_REGION),
                    FINISH("c6", "NA leads.")));
    proc_result r =
        proc_scoutv("--home", home, "--as", "raj.patel", "ask", QUESTION, "--events", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *want[] = {"\"table_choice\"", "\"sql\"", "\"result\"", "\"self_eval\"",
                          "\"answer\""};
    const char *at = r.err;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *hit = strstr(at, want[i]);
        cr_assert(hit, "event %s, in order, as a JSON line: %s", want[i], r.err);
        at = hit;
    }
    json_t *first = json_loads(r.err, JSON_DISABLE_EOF_CHECK, NULL);
    cr_assert(json_is_object(first), "each line is JSON: %s", r.err);
    json_decref(first);
    proc_result_free(&r);
}

/* A session that read a table the asker has since lost is marked in the
 * listing (and cannot be opened), never shown as if nothing changed. */
Test(agent_cli, sessions_mark_one_whose_table_was_revoked, .init = acme_home, .fini = teardown,
     .timeout = 120)
{
    start(json_pack("[o, o, o, o]", SEARCH, CHOOSE, RUN("c4", SQL_REGION),
                    FINISH("c6", "NA leads.")));
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "ask", QUESTION, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "raj.patel", "sessions", NULL);
    cr_assert_null(strstr(r.out, "no access"), "%s", r.out);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "grant", "finance", "--user", "raj.patel", "--deny", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "raj.patel", "sessions", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "(no access: you no longer have access to finance.") != NULL, "%s",
              r.out);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "raj.patel", "sessions", "--json", NULL);
    json_t *all = json_loads(r.out, 0, NULL);
    cr_assert_eq(json_array_size(all), 1);
    cr_assert(json_is_false(json_object_get(json_array_get(all, 0), "access")), "%s", r.out);
    json_decref(all);
    proc_result_free(&r);
}
