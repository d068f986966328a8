/* scout chat — the REPL: questions in, answers streamed out, follow-ups in
 * the same agent session (so "and by plan?" keeps the context), slash
 * commands for the last answer, and Ctrl-C that stops the running model call
 * or SQL statement within a second and waits for the user's redirection,
 * which continues the same session. On a TTY input goes through libedit (history, editing);
 * otherwise questions are read line by line from stdin, which is what
 * scripts and tests use. */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "agent/agent.h"
#include "base/fsutil.h"
#include "catalog/memory.h"
#include "cli.h"
#include "llm/llm.h"

#define CHAT_LINE_MAX 4096 /* longer input lines are refused, not truncated */

typedef struct chat {
    cli *c;
    scout_principal who;
    scout_llm *llm; /* NULL without an llm section: every question is answered offline */
    bool tty;
    char session[SCOUT_SESSION_ID_SIZE]; /* "" until the agent has answered */
    bool interrupted;                    /* the next line is the user's redirection */
    json_t *last;                        /* the last answer's JSON (owned) */
    char *last_question;                 /* for a follow-up after an offline answer */
} chat;

/* What a signal handler may touch: the model handle to cancel, the flag that
 * stops a running statement (with or without a model) and a flag. */
static scout_llm *volatile chat_llm;
static atomic_bool chat_cancel;
static volatile sig_atomic_t chat_sigint;

static void chat_on_sigint(int sig)
{
    (void)sig;
    chat_sigint = 1;
    atomic_store(&chat_cancel, true);
    if (chat_llm) scout_llm_cancel(chat_llm);
}

/* ---- live output ---- */

static void on_event(void *ud, const json_t *ev)
{
    chat *ch = ud;
    if (ch->c->quiet) return;
    cli_print_step(ev);
}

static void on_delta(void *ud, const scout_llm_delta *d)
{
    (void)ud;
    if (d->kind != SCOUT_LLM_DELTA_TEXT || !d->len) return;
    fwrite(d->text, 1, d->len, stdout);
    fflush(stdout);
}

static void print_answer(chat *ch, const scout_agent_answer *a)
{
    if (ch->c->json) {
        char *s = json_dumps(a->json, JSON_COMPACT);
        if (s) printf("%s\n", s);
        free(s);
        return;
    }
    printf("\n%s\n", a->text ? a->text : "");
    const char *id = json_string_value(json_object_get(json_object_get(a->json, "result"), "id"));
    if (id) printf("Result: scout://results/%s\n", id);
    if (a->session_id[0])
        printf("Session: %s (%s, %lld+%lld tokens, cost %.4f)\n", a->session_id,
               scout_agent_status_name(a->status), (long long)a->usage.prompt_tokens,
               (long long)a->usage.completion_tokens, a->cost);
    if (a->low_grade) printf("! self-evaluation flagged this answer: check it before using it\n");
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(a->json, "memories_proposed"), i, m)
    {
        printf("Memory #%lld proposed: type /remember %lld to save it\n",
               (long long)json_integer_value(m), (long long)json_integer_value(m));
    }
}

/* ---- asking ---- */

static char *read_line(chat *ch, const char *prompt);

/* ask_user: the model's clarifying question is shown with the default it
 * will use, and the user's next line is the answer; an empty line (or the
 * end of input, or Ctrl-C) keeps the default. */
static char *chat_ask_user(void *ud, const char *question, const char *dflt)
{
    chat *ch = ud;
    printf("\n? %s\n  (Enter keeps the default: %s)\n", question, dflt);
    fflush(stdout);
    char *l = read_line(ch, "answer> ");
    if (!l) return NULL;
    char *s = l + strspn(l, " \t");
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    char *reply = NULL;
    if (n > CHAT_LINE_MAX)
        fprintf(stderr, "error: the answer is too long (at most %d bytes): default used\n",
                CHAT_LINE_MAX);
    else if (n)
        reply = scout_strdup(s);
    free(l);
    return reply;
}

static scout_agent_opts agent_opts(chat *ch)
{
    scout_agent_opts o = {0};
    o.cfg = ch->c->cfg;
    o.cat = ch->c->cat;
    o.who = &ch->who;
    o.llm = ch->llm;
    o.home_dir = ch->c->home.dir;
    o.on_event = on_event;
    o.event_ud = ch;
    o.on_delta = on_delta;
    o.cancel = &chat_cancel;
    o.ask_user = chat_ask_user;
    o.ask_user_ud = ch;
    return o;
}

/* After an offline answer there is no session: the agent gets the earlier
 * exchange in words so a follow-up still has its context. */
static char *with_context(chat *ch, const char *line)
{
    const char *prev = json_string_value(json_object_get(ch->last, "answer"));
    if (!ch->last_question || !prev) return scout_strdup(line);
    size_t n = strlen(ch->last_question) + strlen(prev) + strlen(line) + 64;
    char *q = malloc(n);
    if (q)
        snprintf(q, n, "Earlier question: %s\nEarlier answer: %.600s\nFollow-up: %s",
                 ch->last_question, prev, line);
    return q;
}

/* Runs one turn: resume (id set), continue the session, or a first question. */
static scout_rc agent_turn(chat *ch, const char *resume_id, const char *line,
                           scout_agent_answer **a)
{
    scout_agent_opts o = agent_opts(ch);
    scout_err *err = &ch->c->err;
    if (resume_id) return scout_agent_resume(resume_id, &o, a, err);
    if (ch->session[0]) return scout_agent_continue(ch->session, line, &o, a, err);
    if (!ch->llm || !ch->last) return scout_agent_ask(line, &o, a, err);
    char *q = with_context(ch, line);
    if (!q) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    o.deep = true; /* a follow-up is the model's job: the planner has no memory */
    scout_rc rc = scout_agent_ask(q, &o, a, err);
    free(q);
    return rc;
}

static void remember_answer(chat *ch, const char *line, scout_agent_answer *a)
{
    json_decref(ch->last);
    ch->last = json_incref(a->json);
    if (a->session_id[0]) snprintf(ch->session, sizeof ch->session, "%s", a->session_id);
    if (line) {
        free(ch->last_question);
        ch->last_question = scout_strdup(line);
    }
}

/* Asks (or resumes) with Ctrl-C armed to cancel the model call. */
static void ask(chat *ch, const char *resume_id, const char *line)
{
    if (ch->llm) scout_llm_reset_cancel(ch->llm);
    atomic_store(&chat_cancel, false);
    chat_sigint = 0;
    scout_agent_answer *a = NULL;
    scout_err_clear(&ch->c->err);
    scout_rc rc = agent_turn(ch, resume_id, line, &a);
    ch->interrupted = rc == SCOUT_EINTERRUPTED;
    if (a) {
        if (!ch->interrupted) print_answer(ch, a);
        remember_answer(ch, line, a);
    }
    if (ch->interrupted && ch->session[0]) {
        printf("\ninterrupted. Session %s is waiting: type how to continue (or /quit).\n",
               ch->session);
    } else if (ch->interrupted) {
        /* Stopped before the agent had a session (the deterministic query). */
        ch->interrupted = false;
        printf("\ninterrupted. Type your next question (or /quit).\n");
    } else if (rc) {
        fprintf(stderr, "error: %s\n", ch->c->err.msg);
    }
    fflush(stdout);
    scout_agent_answer_free(a);
}

/* ---- slash commands ---- */

static void show_tables(chat *ch, bool with_why)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(ch->last, "tables"), i, t)
    {
        const char *why = json_string_value(json_object_get(t, "why"));
        printf("%s%s%s\n", json_string_value(json_object_get(t, "name")),
               with_why && why ? " — " : "", with_why && why ? why : "");
    }
    if (!with_why) return;
    json_array_foreach(json_object_get(ch->last, "rejected"), i, t)
    {
        /* {name, why} in both answers; sessions stored before the agent's
         * answer took the offline shape said {table, why}. */
        const char *name = json_string_value(json_object_get(t, "name"));
        const char *why = json_string_value(json_object_get(t, "why"));
        if (!name) name = json_string_value(json_object_get(t, "table"));
        printf("not %s%s%s\n", name ? name : "?", why ? " — " : "", why ? why : "");
    }
}

static void show_why(chat *ch)
{
    show_tables(ch, true);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(ch->last, "assumptions"), i, s)
    {
        printf("assumed: %s\n", json_string_value(s));
    }
    json_t *se = json_object_get(ch->last, "self_eval");
    const char *k;
    json_t *g;
    json_object_foreach(json_object_get(se, "grades"), k, g)
    {
        const char *grade = json_string_value(json_object_get(g, "grade"));
        const char *note = json_string_value(json_object_get(g, "note"));
        printf("self-eval %s: %s%s%s\n", k, grade ? grade : "?", note ? " — " : "",
               note ? note : "");
    }
    if (json_is_true(json_object_get(se, "low"))) printf("! flagged by the self-evaluation\n");
}

static void feedback(chat *ch, const char *arg)
{
    const char *verdict = !strncmp(arg, "good", 4)    ? "good"
                          : !strncmp(arg, "wrong", 5) ? "wrong"
                                                      : NULL;
    if (!verdict) {
        fprintf(stderr, "error: usage: /feedback good|wrong [TEXT]\n");
        return;
    }
    if (!ch->session[0]) {
        fprintf(stderr, "error: no agent session to give feedback on yet\n");
        return;
    }
    const char *note = arg + strlen(verdict);
    while (*note == ' ') note++;
    scout_session_store *st = NULL;
    scout_err err = {0};
    scout_rc rc = scout_session_store_open(ch->c->home.sessions, &st, &err);
    if (!rc)
        rc = scout_session_feedback(st, ch->session, ch->who.user, verdict, *note ? note : NULL,
                                    &err);
    scout_session_store_close(st);
    if (rc)
        fprintf(stderr, "error: %s\n", err.msg);
    else
        printf("feedback stored for %s\n", ch->session);
}

/* /remember ID: the user's confirmation a proposed memory needs. */
static void remember(chat *ch, const char *arg)
{
    char *end = NULL;
    long long id = strtoll(arg, &end, 10);
    if (!arg[0] || (end && *end) || id <= 0) {
        fprintf(stderr, "error: usage: /remember MEMORY_ID\n");
        return;
    }
    scout_memory m = {0};
    m.status = "active";
    scout_err err = {0};
    if (scout_memory_edit(ch->c->cat, &ch->who, id, &m, &err))
        fprintf(stderr, "error: %s\n", err.msg);
    else
        printf("memory #%lld saved: it is used for later questions\n", id);
}

static void help(void)
{
    printf("Ask a question; follow-ups continue the same session.\n"
           "  /tables   tables the last answer used     /sql   its SQL\n"
           "  /why      why those tables, assumptions, self-evaluation\n"
           "  /feedback good|wrong [TEXT]               /remember ID   save a proposed memory\n"
           "  /resume ID   continue a session            /new   start a new session\n"
           "  /quit     leave (Ctrl-D too). Ctrl-C stops the model or query and waits.\n");
}

static bool needs_answer(chat *ch)
{
    if (ch->last) return true;
    fprintf(stderr, "error: nothing answered yet\n");
    return false;
}

/* Returns false for /quit. */
static bool slash(chat *ch, const char *line)
{
    const char *arg = strchr(line, ' ');
    size_t n = arg ? (size_t)(arg - line) : strlen(line);
    arg = arg ? arg + strspn(arg, " ") : "";
#define IS(name) (n == strlen(name) && !strncmp(line, name, n))
    if (IS("/quit") || IS("/exit")) return false;
    if (IS("/help")) {
        help();
    } else if (IS("/tables")) {
        if (needs_answer(ch)) show_tables(ch, false);
    } else if (IS("/sql")) {
        const char *sql = json_string_value(json_object_get(ch->last, "sql"));
        if (needs_answer(ch)) printf("%s\n", sql ? sql : "(no sql ran)");
    } else if (IS("/why")) {
        if (needs_answer(ch)) show_why(ch);
    } else if (IS("/feedback")) {
        feedback(ch, arg);
    } else if (IS("/remember")) {
        remember(ch, arg);
    } else if (IS("/resume")) {
        if (!arg[0] || !ch->llm)
            fprintf(stderr, "error: %s\n", ch->llm ? "usage: /resume ID" : "no llm is configured");
        else
            ask(ch, arg, NULL);
    } else if (IS("/new")) {
        ch->session[0] = '\0';
        json_decref(ch->last);
        ch->last = NULL;
        ch->interrupted = false;
    } else {
        fprintf(stderr, "error: unknown command %.*s (try /help)\n", (int)n, line);
    }
#undef IS
    fflush(stdout);
    return true;
}

/* ---- input ---- */

/* The next line (heap, without its newline) or NULL at the end of input. A
 * Ctrl-C at the prompt gives an empty line instead of leaving. */
static char *read_line(chat *ch, const char *prompt)
{
    if (ch->tty) {
        chat_sigint = 0;
        char *l = readline(prompt);
        if (!l && chat_sigint) return scout_strdup("");
        if (l && l[0]) add_history(l);
        return l;
    }
    char *l = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&l, &cap, stdin)) < 0 && errno == EINTR && !feof(stdin)) clearerr(stdin);
    if (n < 0) {
        free(l);
        return NULL;
    }
    if (n > 0 && l[n - 1] == '\n') l[n - 1] = '\0';
    return l;
}

static char *next_line(chat *ch)
{
    return read_line(ch, ch->interrupted ? "redirect> " : "scout> ");
}

static bool handle(chat *ch, char *line)
{
    char *s = line + strspn(line, " \t");
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    if (!n) return true;
    if (n > CHAT_LINE_MAX) {
        fprintf(stderr, "error: the line is too long (at most %d bytes)\n", CHAT_LINE_MAX);
        return true;
    }
    if (s[0] == '/') return slash(ch, s);
    ask(ch, NULL, s);
    return true;
}

static void repl(chat *ch)
{
    if (ch->tty && !ch->c->quiet)
        printf("scout chat — ask about your data; /help for commands, /quit to leave.\n");
    for (;;) {
        char *line = next_line(ch);
        if (!line) break;
        bool more = handle(ch, line);
        free(line);
        if (!more) break;
    }
}

static scout_rc run_chat(cli *c, int argc, char **argv)
{
    if (argc > 1) return cli_usage_error(c, "chat", "takes no arguments (type questions)");
    chat ch = {0};
    ch.c = c;
    ch.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    scout_rc rc = cli_principal(c, &ch.who);
    if (!rc) rc = cli_load_config(c);
    if (!rc) rc = cli_open_catalog(c);
    if (!rc && c->cfg->llm.base_url) rc = scout_llm_open(&c->cfg->llm, &ch.llm, &c->err);
    if (rc) return rc;
    chat_llm = ch.llm;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = chat_on_sigint; /* no SA_RESTART: a blocked read returns EINTR */
    sigaction(SIGINT, &sa, &old);
    repl(&ch);
    sigaction(SIGINT, &old, NULL);
    chat_llm = NULL;
    json_decref(ch.last);
    free(ch.last_question);
    scout_llm_free(ch.llm);
    return SCOUT_OK;
}

const cli_command cli_cmd_chat = {
    "chat", "a conversation with the agent: follow-ups keep context, Ctrl-C redirects",
    "usage: scout chat [--as USER] [--json]\n"
    "\n"
    "Reads questions (libedit on a terminal, one per line from stdin otherwise) and\n"
    "answers each, showing the steps live. Follow-ups continue the same agent session,\n"
    "so \"and by plan?\" keeps the earlier question's tables and filters. Ctrl-C stops\n"
    "the running model call within a second; the next line is your redirection and\n"
    "continues the same session. Ctrl-C during a query stops the statement too.\n"
    "Commands:\n"
    "  /tables  /sql  /why                    about the last answer\n"
    "  /feedback good|wrong [TEXT]            store feedback on the session\n"
    "  /remember ID                           confirm a memory the agent proposed\n"
    "  /resume ID   /new   /help   /quit\n"
    "When the agent asks a clarifying question, the next line is your answer\n"
    "(an empty line keeps the default it shows).\n"
    "Without an llm section in scout.yaml every question is answered offline.\n",
    run_chat};
