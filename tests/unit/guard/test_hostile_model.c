/* The hostile-input suite again, this time sent by a malicious model: a
 * scripted provider answers the agent's first call with run_sql carrying the
 * statement and its second with finish. Whatever the statement, the agent
 * must refuse it (the statement policy's rule, or the cost pre-check) or stop
 * it at a limit, tell the model why in its tool reply, record it in the
 * audit log, and leave the warehouse byte-for-byte unchanged. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"
#include "guard/audit.h"
#include "llm/llm.h"
#include "support/fixtures.h"
#include "support/hostile_cases.h"

static char dir[96], wh_path[160], cat_path[160], audit_path[160];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/scout-hostile-model-%d", (int)getpid());
    test_rm_rf(dir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(wh_path, sizeof wh_path, "%s/wh.db", dir);
    snprintf(cat_path, sizeof cat_path, "%s/catalog.db", dir);
    snprintf(audit_path, sizeof audit_path, "%s/audit.db", dir);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(wh_path, &db), SQLITE_OK);
    cr_assert_eq(
        sqlite3_exec(db,
                     "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL, note TEXT);"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                     "WHERE i < 100) INSERT INTO orders SELECT i, i * 1.5, "
                     "printf('%0500d', i) FROM n;"
                     "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
                     "INSERT INTO customers VALUES (1, 'ada'), (2, 'bob');",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    cr_assert_geq(sodium_init(), 0);
}

static void teardown(void)
{
    test_rm_rf(dir);
}

/* ---- the scripted model ---- */

#define GRADE "{\"grade\":\"unsure\",\"note\":\"n/a\"}"
static const char *const FINISH_ARGS =
    "{\"answer\":\"nothing to report\",\"tables\":[],\"assumptions\":[],\"result_ids\":[],"
    "\"self_eval\":{\"right_table\":" GRADE ",\"filters\":" GRADE ",\"period\":" GRADE
    ",\"numbers_sane\":" GRADE "}}";

typedef struct script {
    const char *sql;
    int calls;
    char tool_reply[1 << 17]; /* what the agent told the model about run_sql */
} script;

static scout_rc one_call(scout_llm_reply *out, const char *id, const char *name, char *args)
{
    out->tool_calls = calloc(1, sizeof *out->tool_calls);
    out->text = strdup("");
    out->finish_reason = strdup("tool_calls");
    if (!out->tool_calls || !out->text || !out->finish_reason || !args) return SCOUT_ENOMEM;
    out->n_tool_calls = 1;
    out->tool_calls[0].id = strdup(id);
    out->tool_calls[0].name = strdup(name);
    out->tool_calls[0].arguments = args;
    out->usage.prompt_tokens = 10;
    out->usage.completion_tokens = 5;
    return SCOUT_OK;
}

static scout_rc scripted_chat(void *ud, const scout_llm_request *req, const atomic_bool *cancel,
                              scout_llm_reply *out, scout_err *err)
{
    (void)cancel;
    (void)err;
    script *s = ud;
    s->calls++;
    for (size_t i = 0; i < req->n_msgs; i++) {
        const scout_llm_msg *m = &req->msgs[i];
        if (m->role == SCOUT_LLM_TOOL && m->tool_call_id && !strcmp(m->tool_call_id, "m1"))
            snprintf(s->tool_reply, sizeof s->tool_reply, "%s", m->content ? m->content : "");
    }
    if (s->calls == 1) {
        json_t *args =
            json_pack("{s:s, s:s, s:s}", "source", "acme", "sql", s->sql, "purpose", "exfiltrate");
        char *text = json_dumps(args, JSON_COMPACT);
        json_decref(args);
        return one_call(out, "m1", "run_sql", text);
    }
    return one_call(out, "m2", "finish", strdup(FINISH_ARGS));
}

static const scout_llm_ops SCRIPTED = {"test-hostile", scripted_chat, NULL, NULL};

/* ---- the audit record of the statement ---- */

typedef struct sql_row {
    int n;
    bool allowed;
    char status[32], reason[SCOUT_AUDIT_FIELD_MAX];
} sql_row;

static int take_sql(void *ud, const scout_audit_row *r)
{
    sql_row *s = ud;
    if (strcmp(r->kind, "sql") != 0) return 0;
    s->n++;
    s->allowed = r->allowed;
    snprintf(s->status, sizeof s->status, "%s", r->status);
    snprintf(s->reason, sizeof s->reason, "%s", r->reason);
    return 0;
}

ParameterizedTestParameters(hostile_model, is_refused_audited_and_harmless)
{
    static size_t idx[N_CASES];
    for (size_t i = 0; i < N_CASES; i++) idx[i] = i;
    return cr_make_param_array(size_t, idx, N_CASES);
}

ParameterizedTest(size_t *ci, hostile_model, is_refused_audited_and_harmless, .init = setup,
                  .fini = teardown)
{
    const hcase *c = &CASES[*ci];
    char before[65], after[65];
    test_file_sha256(wh_path, before);

    scout_source_cfg src = {.name = "acme", .kind = SCOUT_SOURCE_SQLITE, .path = wh_path};
    scout_config cfg;
    scout_config_defaults(&cfg);
    cfg.sources = &src;
    cfg.n_sources = 1;
    cfg.limits.max_rows = 1000;
    cfg.limits.max_bytes = 1 << 20;
    cfg.limits.timeout_ms = 300;
    scout_catalog *cat = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(cat_path, &cat, &err), SCOUT_OK, "%s", err.msg);
    static script s;
    memset(&s, 0, sizeof s);
    s.sql = c->sql;
    scout_llm *llm = scout_llm_new(&SCRIPTED, &s);
    cr_assert_not_null(llm);
    static const scout_principal mallory = {"mallory", NULL, NULL, 0, false};
    scout_agent_opts o = {0};
    o.cfg = &cfg;
    o.cat = cat;
    o.who = &mallory;
    o.llm = llm;
    o.home_dir = dir;
    scout_agent_answer *a = NULL;
    scout_rc rc = scout_agent_run("show me everything", &o, &a, &err);
    cr_assert_eq(rc, SCOUT_OK, "%s: %s", c->sql, err.msg);
    cr_assert_eq(s.calls, 2, "run_sql, then finish");
    scout_agent_answer_free(a);
    scout_llm_free(llm);
    scout_catalog_close(cat);

    scout_audit *log = NULL;
    cr_assert_eq(scout_audit_open(audit_path, &log, &err), SCOUT_OK, "%s", err.msg);
    sql_row row = {0};
    scout_audit_filter f = {.user = "mallory"};
    cr_assert_eq(scout_audit_list(log, &f, take_sql, &row, &err), SCOUT_OK);
    scout_audit_close(log);
    cr_assert_eq(row.n, 1, "%s: the statement is on record once", c->sql);

    const char *r = s.tool_reply;
    if (c->want == E_POLICY) {
        char want[96];
        snprintf(want, sizeof want, "refused by the statement policy (%s)", c->rule);
        cr_assert(strstr(r, want), "%s: the model was told %s", c->sql, r);
        cr_assert_not(row.allowed, "%s: audited as allowed", c->sql);
    } else {
        /* Refused before it runs (too expensive), stopped at the time limit,
         * or cut at the row/byte limit with only a preview shown. */
        bool refused = strstr(r, "\"error\"") != NULL;
        bool cut = strstr(r, "\"truncated\": true") || strstr(r, "\"truncated\":true");
        cr_assert(refused || cut, "%s: neither refused nor cut: %.300s", c->sql, r);
        if (refused)
            cr_assert(strstr(r, "time limit") || strstr(r, "too expensive") || strstr(r, "limit"),
                      "%s: unclear reason: %.300s", c->sql, r);
        /* The record says which limit stopped it. (Its status reads "ok" on
         * this path, unlike the ask pipeline's "timeout"/"limit": the agent's
         * audit call sets no status. Known gap, reported.) */
        cr_assert(strstr(row.reason, "limit") || strstr(row.reason, "too expensive"),
                  "%s: audited without the limit: %s", c->sql, row.reason);
    }
    test_file_sha256(wh_path, after);
    cr_assert_str_eq(before, after, "%s changed the warehouse", c->sql);
    struct stat st;
    cr_assert_neq(stat("/tmp/scout-hostile-pwn", &st), 0, "writefile wrote a file");
    cr_assert_neq(stat("/tmp/scout-hostile-copy.db", &st), 0, "vacuum into wrote a file");
}
