/* scout sessions / resume / feedback: the agent's checkpointed sessions as
 * their owner sees them. Ctrl-C during a resumed run cancels the model call
 * within a second and leaves the session resumable. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "ask/results.h"
#include "base/buf.h"
#include "cli.h"
#include "guard/grants.h"
#include "llm/llm.h"
#include "render/report.h"

/* The one handle a SIGINT may cancel; a signal handler can reach nothing else. */
static scout_llm *volatile interrupt_target;

static void on_sigint(int sig)
{
    (void)sig;
    if (interrupt_target) scout_llm_cancel(interrupt_target);
}

/* Streamed model text, shown live on stderr (stdout keeps the answer). The
 * stream is always requested: it is what Ctrl-C can cut within a second. */
static void on_delta(void *ud, const scout_llm_delta *d)
{
    const cli *c = ud;
    if (c->json || c->quiet || d->kind != SCOUT_LLM_DELTA_TEXT || !d->len) return;
    fwrite(d->text, 1, d->len, stderr);
}

/* Every step as it happens, on stderr: JSON lines with --events, else a
 * short line per step when a person is watching (stderr is a terminal). */
static void on_event(void *ud, const json_t *ev)
{
    const cli_agent_req *req = ud;
    if (req->events) {
        scout_buf b = SCOUT_BUF_INIT;
        if (scout_event_line(ev, &b, NULL) == SCOUT_OK) fputs(scout_buf_cstr(&b), stderr);
        scout_buf_free(&b);
        return;
    }
    cli_print_step(ev);
}

static scout_rc open_store(cli *c, scout_session_store **st)
{
    return scout_session_store_open(c->home.sessions, st, &c->err);
}

/* What listing sessions needs: where to print, and who asks under which
 * grants (a session that read a table since revoked is marked, not shown). */
typedef struct session_list {
    cli *c;
    json_t *all; /* --json: the collected rows */
    scout_session_store *st;
    const scout_grants *grants;
    const scout_principal *who;
} session_list;

/* "" when the asker may still read everything the session looked at, else
 * the refusal ("you no longer have access to T; ...") in msg. */
static void session_access(const session_list *l, const scout_session_row *r, scout_err *msg)
{
    scout_session_row full = {0};
    scout_err e = {0};
    memset(msg, 0, sizeof *msg);
    if (scout_session_load(l->st, r->id, l->who->user, &full, &e) == SCOUT_OK)
        scout_results_check_session(l->grants, l->who, r->id, full.state, NULL, msg);
    scout_session_row_free(&full);
}

static int list_session(void *ud, const scout_session_row *r)
{
    session_list *l = ud;
    scout_err denied;
    session_access(l, r, &denied);
    if (l->all) {
        json_array_append_new(
            l->all,
            json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:f, s:s?, s:s, s:b, s:s?}", "id", r->id,
                      "question", r->question, "status", r->status, "steps", (json_int_t)r->step,
                      "prompt_tokens", (json_int_t)r->prompt_tokens, "completion_tokens",
                      (json_int_t)r->completion_tokens, "cost", r->cost, "grade", r->grade,
                      "updated_at", r->updated_at ? r->updated_at : "", "access", !denied.code,
                      "no_access", denied.code ? denied.msg : NULL));
        return 0;
    }
    printf("%-18s %-11s %3lld steps %7lld tok  %-4s  %s  %.60s%s%s%s\n", r->id, r->status,
           (long long)r->step, (long long)(r->prompt_tokens + r->completion_tokens),
           r->grade ? r->grade : "-", r->updated_at ? r->updated_at : "", r->question,
           denied.code ? "  (no access: " : "", denied.code ? denied.msg : "",
           denied.code ? ")" : "");
    return 0;
}

static scout_rc run_sessions(cli *c, int argc, char **argv)
{
    if (argc > 1) return cli_usage_error(c, "sessions", "takes no arguments");
    scout_principal who;
    scout_session_store *st = NULL;
    struct scout_grants *g = NULL;
    scout_rc rc = cli_principal(c, &who);
    if (!rc) rc = cli_grants(c, &g);
    if (!rc) rc = open_store(c, &st);
    if (rc) return rc;
    session_list l = {c, c->json ? json_array() : NULL, st, g, &who};
    /* Only the asker's own sessions, admins included: --as shows another's. */
    rc = scout_session_list(st, who.user, 0, list_session, &l, &c->err);
    scout_session_store_close(st);
    if (!rc && l.all) return cli_print_json(c, l.all);
    json_decref(l.all);
    return rc;
}

static void print_agent_answer(cli *c, const scout_agent_answer *a)
{
    if (c->json) return;
    printf("%s\n", a->text);
    json_t *j = a->json;
    const char *sql = json_string_value(json_object_get(j, "sql"));
    if (sql) printf("SQL:\n  %s\n", sql);
    const char *id = json_string_value(json_object_get(json_object_get(j, "result"), "id"));
    if (id) printf("Result: scout://results/%s\n", id);
    printf("Session: %s (%s, %lld steps, %lld+%lld tokens, cost %.4f)\n", a->session_id,
           scout_agent_status_name(a->status), (long long)a->steps,
           (long long)a->usage.prompt_tokens, (long long)a->usage.completion_tokens, a->cost);
    if (a->low_grade) printf("! self-evaluation flagged this answer: check it before using it\n");
}

static const char *str_at(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Writes the answer JSON (the agent's, or the offline shape it shares) as a
 * report: answer, the agent's sections, chart, result, SQL, tables and
 * assumptions. */
static scout_rc write_agent_report(cli *c, const json_t *j, const char *path)
{
    json_t *tabs = json_object_get(j, "tables"), *as = json_object_get(j, "assumptions");
    json_t *secs = json_object_get(j, "report"), *res = json_object_get(j, "result");
    size_t nt = json_array_size(tabs), na = json_array_size(as), ns = json_array_size(secs);
    scout_report_table *t = calloc(nt ? nt : 1, sizeof *t);
    const char **a = calloc(na ? na : 1, sizeof *a);
    scout_report_section *s = calloc(ns ? ns : 1, sizeof *s);
    scout_result *result = NULL;
    scout_rc rc = t && a && s ? SCOUT_OK : scout_err_set(&c->err, SCOUT_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < nt; i++)
        t[i] = (scout_report_table){str_at(json_array_get(tabs, i), "name"),
                                    str_at(json_array_get(tabs, i), "why")};
    for (size_t i = 0; !rc && i < na; i++) a[i] = json_string_value(json_array_get(as, i));
    for (size_t i = 0; !rc && i < ns; i++)
        s[i] = (scout_report_section){str_at(json_array_get(secs, i), "title"),
                                      str_at(json_array_get(secs, i), "text")};
    if (!rc && json_is_object(res)) rc = scout_result_from_json(res, 0, 0, &result, &c->err);
    if (!rc) {
        scout_report rep = {0};
        rep.question = str_at(j, "question");
        rep.answer = str_at(j, "answer");
        rep.sql = str_at(j, "sql");
        rep.tables = t;
        rep.n_tables = nt;
        rep.assumptions = a;
        rep.n_assumptions = na;
        rep.result = result;
        rep.chart_spec =
            json_is_object(json_object_get(j, "chart")) ? json_object_get(j, "chart") : NULL;
        rep.result_id = str_at(res, "id");
        rep.result_link = str_at(res, "link");
        rep.sections = s;
        rep.n_sections = ns;
        rc = scout_report_write(path, &rep, NULL, &c->err);
    }
    if (!rc && !c->json && !c->quiet) printf("Report: %s\n", path);
    scout_result_free(result);
    free(t);
    free(a);
    free(s);
    return rc;
}

/* Runs the agent (resume when id is set, else ask) with Ctrl-C cancelling the
 * model stream or the running query, prints its answer and writes the
 * report when asked. */
static scout_rc agent_call(cli *c, const scout_principal *who, const char *id,
                           const cli_agent_req *req)
{
    scout_llm *llm = NULL;
    scout_rc rc = scout_llm_open(&c->cfg->llm, &llm, &c->err);
    if (rc) return rc;
    interrupt_target = llm;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old);
    scout_agent_opts o = {0};
    o.cfg = c->cfg;
    o.cat = c->cat;
    o.who = who;
    o.llm = llm;
    o.home_dir = c->home.dir;
    o.on_delta = on_delta;
    o.delta_ud = c;
    o.deep = req->deep;
    if (req->events || (!c->quiet && !c->json && isatty(STDERR_FILENO))) {
        o.on_event = on_event;
        o.event_ud = (void *)req;
    }
    scout_agent_answer *a = NULL;
    rc = id ? scout_agent_resume(id, &o, &a, &c->err)
            : scout_agent_ask(req->question, &o, &a, &c->err);
    sigaction(SIGINT, &old, NULL);
    interrupt_target = NULL;
    if (a) {
        if (c->json)
            cli_print_json(c, json_incref(a->json));
        else
            print_agent_answer(c, a);
    }
    bool answered = a && (a->status == SCOUT_AGENT_FINISHED || a->status == SCOUT_AGENT_OFFLINE);
    if (!rc && req->report && answered) rc = write_agent_report(c, a->json, req->report);
    scout_agent_answer_free(a);
    scout_llm_free(llm);
    return rc;
}

scout_rc cli_agent_ask(cli *c, const scout_principal *who, const cli_agent_req *req)
{
    return agent_call(c, who, NULL, req);
}

static scout_rc run_resume(cli *c, int argc, char **argv)
{
    if (argc != 2) return cli_usage_error(c, "resume", "takes one session ID");
    scout_principal who;
    scout_rc rc = cli_principal(c, &who);
    if (!rc) rc = cli_load_config(c);
    if (!rc) rc = cli_open_catalog(c);
    if (rc) return rc;
    if (!c->cfg->llm.base_url)
        return scout_err_set(&c->err, SCOUT_EUSER, "resume: no llm is configured in scout.yaml");
    cli_agent_req req = {0};
    return agent_call(c, &who, argv[1], &req);
}

static int print_feedback(void *ud, const scout_session_feedback_row *r)
{
    json_t *all = ud;
    if (all) {
        json_array_append_new(all,
                              json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s}", "session", r->session,
                                        "user", r->user, "verdict", r->verdict, "note", r->note,
                                        "question", r->question, "created_at", r->created_at));
        return 0;
    }
    printf("%s  %-18s %-5s %s%s%s\n", r->created_at, r->session, r->verdict,
           r->question ? r->question : "", r->note ? " — " : "", r->note ? r->note : "");
    return 0;
}

static scout_rc run_feedback(cli *c, int argc, char **argv)
{
    scout_principal who;
    scout_session_store *st = NULL;
    scout_rc rc = cli_principal(c, &who);
    if (!rc) rc = open_store(c, &st);
    if (rc) return rc;
    if (argc == 2 && !strcmp(argv[1], "list")) {
        json_t *all = c->json ? json_array() : NULL;
        rc = scout_session_feedback_list(st, who.admin ? NULL : who.user, print_feedback, all,
                                         &c->err);
        if (!rc && all)
            rc = cli_print_json(c, all);
        else
            json_decref(all);
    } else if (argc >= 3 && (!strcmp(argv[2], "--good") || !strcmp(argv[2], "--wrong"))) {
        rc = scout_session_feedback(st, argv[1], who.user, argv[2] + 2, argc > 3 ? argv[3] : NULL,
                                    &c->err);
        if (!rc && !c->quiet && !c->json) printf("feedback stored for %s\n", argv[1]);
    } else {
        rc = cli_usage_error(c, "feedback", "SESSION --good|--wrong [\"NOTE\"], or list");
    }
    scout_session_store_close(st);
    return rc;
}

const cli_command cli_cmd_sessions = {
    "sessions", "list your agent sessions (newest first)",
    "usage: scout sessions [--json]\n"
    "\n"
    "Lists your own agent sessions from HOME/sessions.db: id, status (running,\n"
    "finished, stopped, interrupted, failed), model calls, tokens, the self-evaluation\n"
    "grade (good/low) and the question. Resume one with `scout resume ID`.\n",
    run_sessions};

const cli_command cli_cmd_resume = {
    "resume", "continue an agent session after a crash, a kill, a stop or Ctrl-C",
    "usage: scout resume ID [--json]\n"
    "\n"
    "Continues the session from its last checkpoint: tool calls whose results were\n"
    "committed are not run again; a finished session prints its stored answer\n"
    "without calling the model. Ctrl-C stops within a second and the session stays\n"
    "resumable. Needs the llm section in scout.yaml.\n",
    run_resume};

const cli_command cli_cmd_feedback = {
    "feedback", "flag an agent answer as good or wrong, or list feedback",
    "usage: scout feedback SESSION --good|--wrong [\"NOTE\"]\n"
    "       scout feedback list [--json]\n"
    "\n"
    "Stores your verdict on one of your sessions for review; `list` shows yours\n"
    "(admins see everyone's).\n",
    run_feedback};
