/* hostile input: SQL an attacker (or a confused model) would send, run
 * through the same guard the ask pipeline uses — statement policy, then the
 * read-only warehouse under limits, every outcome audited. Each case must be
 * refused (or stopped by a limit) with a clear reason, leave a record in the
 * audit log, and leave the warehouse files byte-for-byte unchanged. Reading
 * ungranted tables and other users' scratch are the grants tests' job. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard/audit.h"
#include "guard/policy.h"
#include "support/fixtures.h"
#include "support/hostile_cases.h"
#include "warehouse/warehouse.h"

static char dir[96], wh_path[160], other_path[160], audit_path[160];

static void exec_or_fail(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg ? msg : "");
}

static void make_db(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    exec_or_fail(db, sql);
    sqlite3_close(db);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/scout-hostile-%d", (int)getpid());
    test_rm_rf(dir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(wh_path, sizeof wh_path, "%s/wh.db", dir);
    snprintf(other_path, sizeof other_path, "%s/other.db", dir);
    snprintf(audit_path, sizeof audit_path, "%s/audit.db", dir);
    make_db(wh_path, "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL, note TEXT);"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
                     " INSERT INTO orders SELECT i, i * 1.5, printf('%0500d', i) FROM n;"
                     "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
                     "INSERT INTO customers VALUES (1, 'ada'), (2, 'bob');");
    make_db(other_path, "CREATE TABLE secrets (s TEXT); INSERT INTO secrets VALUES ('k');");
    cr_assert_geq(sodium_init(), 0);
}

static void teardown(void)
{
    test_rm_rf(dir);
}

/* What the guard did with one statement. */
typedef struct outcome {
    scout_rc rc;
    scout_policy_decision d;
    char reason[SCOUT_ERR_MSG_MAX];
    int64_t audit_id;
} outcome;

/* The guard as the ask pipeline wires it: policy first (a refusal is
 * audited and nothing runs), then the read-only warehouse under limits, then
 * the outcome audited before anything would be shown. */
static outcome guarded(scout_wh *wh, scout_audit *log, const char *sql)
{
    outcome o = {0};
    scout_err err = {0};
    scout_audit_entry e = {.user = "mallory",
                           .session = "hostile",
                           .source = "acme",
                           .kind = "sql",
                           .text = sql,
                           .rows = -1};
    o.rc = scout_policy_check(sql, scout_wh_dialect_of(wh)->name, NULL, &o.d, &err);
    if (o.rc == SCOUT_OK) {
        scout_wh_limits lim = {.max_rows = 1000, .max_bytes = 1 << 20, .timeout_ms = 300};
        scout_wh_qstats st = {0};
        o.rc = scout_wh_query(wh, sql, &lim, NULL, NULL, NULL, &st, &err);
        e.duration_ms = st.elapsed_ms;
        e.rows = st.rows;
    }
    e.allowed = o.rc != SCOUT_EDENIED;
    e.status = o.rc == SCOUT_OK         ? "ok"
               : o.rc == SCOUT_EDENIED  ? "denied"
               : o.rc == SCOUT_ELIMIT   ? "limit"
               : o.rc == SCOUT_ETIMEOUT ? "timeout"
                                        : "error";
    e.reason = o.rc ? err.msg : o.d.reason;
    snprintf(o.reason, sizeof o.reason, "%s", e.reason);
    scout_err aerr = {0};
    cr_assert_eq(scout_audit_record(log, &e, &o.audit_id, &aerr), SCOUT_OK, "%s", aerr.msg);
    return o;
}

typedef struct last_row {
    bool found;
    bool allowed;
    char text[SCOUT_AUDIT_TEXT_MAX], status[32], reason[SCOUT_AUDIT_FIELD_MAX];
} last_row;

static int take_last(void *ud, const scout_audit_row *r)
{
    last_row *l = ud;
    l->found = true;
    l->allowed = r->allowed;
    snprintf(l->text, sizeof l->text, "%s", r->text);
    snprintf(l->status, sizeof l->status, "%s", r->status);
    snprintf(l->reason, sizeof l->reason, "%s", r->reason);
    return 0;
}

static void check_audited(scout_audit *log, const hcase *c, const outcome *o)
{
    last_row l = {0};
    scout_audit_filter f = {.user = "mallory", .limit = 1};
    cr_assert_eq(scout_audit_list(log, &f, take_last, &l, NULL), SCOUT_OK);
    cr_assert(l.found, "%s: no audit record", c->sql);
    cr_assert_str_eq(l.text, c->sql);
    cr_assert_str_eq(l.reason, o->reason);
    const char *want = c->want == E_POLICY ? "denied" : c->want == E_LIMIT ? "limit" : "timeout";
    cr_assert_str_eq(l.status, want, "%s: audited as %s (%s)", c->sql, l.status, l.reason);
    cr_assert_eq(l.allowed, c->want != E_POLICY);
    scout_audit_report rep;
    cr_assert_eq(scout_audit_verify(log, &rep, NULL), SCOUT_OK);
    cr_assert(rep.ok, "%s", rep.reason);
}

static void check_outcome(const hcase *c, const outcome *o)
{
    switch (c->want) {
    case E_POLICY:
        cr_assert_eq(o->rc, SCOUT_EDENIED, "%s: not denied (%s)", c->sql, o->reason);
        cr_assert(!o->d.allow);
        cr_assert_str_eq(o->d.rule, c->rule, "%s: rule %s: %s", c->sql, o->d.rule, o->reason);
        /* A clear reason: says what is not allowed, not an engine error code. */
        cr_assert(strstr(o->reason, "not allowed") || strstr(o->reason, "read-only") ||
                      strstr(o->reason, "cannot be checked"),
                  "%s: unclear reason: %s", c->sql, o->reason);
        break;
    case E_TIMEOUT:
        cr_assert(o->d.allow && o->d.recursive == (strstr(c->sql, "with") != NULL));
        cr_assert_eq(o->rc, SCOUT_ETIMEOUT, "%s: %s", c->sql, o->reason);
        cr_assert(strstr(o->reason, "time limit"), "%s", o->reason);
        break;
    case E_LIMIT:
        cr_assert_eq(o->rc, SCOUT_ELIMIT, "%s: %s", c->sql, o->reason);
        cr_assert(strstr(o->reason, "limit"), "%s", o->reason);
        break;
    }
}

/* Without the policy in front, the read-only engine must refuse it too. */
static void check_engine(scout_wh *wh, const hcase *c)
{
    scout_err err = {0};
    scout_rc rc = scout_wh_query(wh, c->sql, NULL, NULL, NULL, NULL, NULL, &err);
    cr_assert_neq(rc, SCOUT_OK, "%s: the engine ran it", c->sql);
}

/* Workers are separate processes with their own address layout, so the
 * parameters are indexes into CASES, never pointers. */
ParameterizedTestParameters(hostile, is_refused_audited_and_harmless)
{
    static size_t idx[N_CASES];
    for (size_t i = 0; i < N_CASES; i++) idx[i] = i;
    return cr_make_param_array(size_t, idx, N_CASES);
}

ParameterizedTest(size_t *ci, hostile, is_refused_audited_and_harmless, .init = setup,
                  .fini = teardown)
{
    const hcase *c = &CASES[*ci];
    char before[65], after[65], other_before[65], other_after[65];
    test_file_sha256(wh_path, before);
    test_file_sha256(other_path, other_before);
    scout_source_cfg src = {.name = "acme", .kind = SCOUT_SOURCE_SQLITE, .path = wh_path};
    scout_wh *wh = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_open(&src, &wh, &err), SCOUT_OK, "%s", err.msg);
    scout_audit *log = NULL;
    cr_assert_eq(scout_audit_open(audit_path, &log, &err), SCOUT_OK, "%s", err.msg);

    outcome o = guarded(wh, log, c->sql);
    check_outcome(c, &o);
    check_audited(log, c, &o);
    if (c->engine_too) check_engine(wh, c);

    scout_audit_close(log);
    scout_wh_close(wh);
    test_file_sha256(wh_path, after);
    test_file_sha256(other_path, other_after);
    cr_assert_str_eq(before, after, "%s changed the warehouse", c->sql);
    cr_assert_str_eq(other_before, other_after, "%s changed another file", c->sql);
    struct stat st;
    cr_assert_neq(stat("/tmp/scout-hostile-pwn", &st), 0, "writefile wrote a file");
    cr_assert_neq(stat("/tmp/scout-hostile-copy.db", &st), 0, "vacuum into wrote a file");
}

Test(hostile, the_suite_is_big_enough)
{
    cr_assert_geq(N_CASES, 60);
}

/* The same guard lets ordinary questions through and audits them as allowed. */
Test(hostile, ordinary_queries_still_run, .init = setup, .fini = teardown)
{
    scout_source_cfg src = {.name = "acme", .kind = SCOUT_SOURCE_SQLITE, .path = wh_path};
    scout_wh *wh = NULL;
    scout_audit *log = NULL;
    cr_assert_eq(scout_wh_open(&src, &wh, NULL), SCOUT_OK);
    cr_assert_eq(scout_audit_open(audit_path, &log, NULL), SCOUT_OK);
    outcome o = guarded(wh, log, "select count(*), sum(amount) from orders where note <> ';'");
    cr_assert_eq(o.rc, SCOUT_OK, "%s", o.reason);
    char *dec = test_db_text(audit_path, "SELECT decision || '/' || status || '/' || n_rows FROM "
                                         "audit ORDER BY id DESC LIMIT 1");
    cr_assert_str_eq(dec, "allow/ok/1");
    free(dec);
    scout_audit_close(log);
    scout_wh_close(wh);
}

/* ---- scratch: each user's writable area --------------------------------- */

#include <time.h>
#include <utime.h>

#include "catalog/catalog.h"
#include "guard/grants.h"
#include "guard/guard.h"
#include "guard/scratch.h"

static const scout_principal alice = {"alice", NULL, NULL, 0, false};
static const scout_principal bob = {"bob", NULL, NULL, 0, false};

typedef struct scratch_env {
    scout_source_cfg src;
    scout_config cfg;
    scout_catalog *cat;
    scout_grants *g;
} scratch_env;

static void env_open(scratch_env *e)
{
    memset(e, 0, sizeof *e);
    e->src = (scout_source_cfg){.name = "acme", .kind = SCOUT_SOURCE_SQLITE, .path = wh_path};
    e->cfg.sources = &e->src;
    e->cfg.n_sources = 1;
    char cat_path[200];
    snprintf(cat_path, sizeof cat_path, "%s/catalog.db", dir);
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(cat_path, &e->cat, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_grants_load(e->cat, &e->cfg, &e->g, &err), SCOUT_OK, "%s", err.msg);
}

static void env_close(scratch_env *e)
{
    scout_grants_free(e->g);
    scout_catalog_close(e->cat);
}

/* A connection for one user, with that user's scratch attached. */
static scout_wh *user_conn(scratch_env *e, const char *user)
{
    scout_wh *wh = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_open(&e->src, &wh, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_scratch_open(wh, dir, user, &err), SCOUT_OK, "%s", err.msg);
    return wh;
}

static int64_t first_int;
static int take_int(void *ud, int n, const scout_value *v)
{
    (void)ud;
    first_int = n > 0 ? v[0].i : -1;
    return 0;
}

/* Policy (with the scratch hook) then the guard, as the ask pipeline runs it. */
static scout_rc run_as(scratch_env *e, scout_wh *wh, const scout_principal *who, const char *sql,
                       scout_err *err)
{
    scout_policy_opts po = {.scratch_schema = SCOUT_SCRATCH_SCHEMA};
    scout_policy_decision d;
    scout_rc rc = scout_policy_check(sql, "sqlite", &po, &d, err);
    if (rc) return rc;
    first_int = -1;
    return scout_guard_query(e->g, who, wh, sql, NULL, NULL, take_int, NULL, NULL, NULL, err);
}

Test(hostile_scratch, owner_writes_and_reads_scratch_and_the_file_is_private, .init = setup,
     .fini = teardown)
{
    char before[65], after[65];
    test_file_sha256(wh_path, before);
    scratch_env e;
    env_open(&e);
    scout_wh *wh = user_conn(&e, "alice");
    scout_err err = {0};
    cr_assert_eq(run_as(&e, wh, &alice,
                        "create table scratch.big as select id, amount from orders where id > 90",
                        &err),
                 SCOUT_OK, "%s", err.msg);
    cr_assert_eq(run_as(&e, wh, &alice, "insert into scratch.big values (1000, 1)", &err), SCOUT_OK,
                 "%s", err.msg);
    cr_assert_eq(run_as(&e, wh, &alice, "select count(*) from scratch.big", &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_eq(first_int, 11);
    /* Scratch tables are never part of the warehouse's listing. */
    scout_wh_table *t = NULL;
    size_t n = 0;
    cr_assert_eq(scout_wh_list_tables(wh, &t, &n, &err), SCOUT_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) cr_assert_str_neq(t[i].schema, "scratch");
    scout_wh_tables_free(t, n);
    scout_wh_close(wh);
    char path[512];
    cr_assert_eq(scout_scratch_path(dir, "alice", path, sizeof path, NULL), SCOUT_OK);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "scratch file mode %o", st.st_mode & 0777);
    test_file_sha256(wh_path, after);
    cr_assert_str_eq(before, after, "a scratch write changed the warehouse");
    env_close(&e);
}

Test(hostile_scratch, another_user_cannot_read_it, .init = setup, .fini = teardown)
{
    scratch_env e;
    env_open(&e);
    scout_err err = {0};
    scout_wh *wa = user_conn(&e, "alice");
    cr_assert_eq(run_as(&e, wa, &alice, "create table scratch.mine as select 42 as x", &err),
                 SCOUT_OK, "%s", err.msg);
    /* bob on alice's connection (should never happen): the read check refuses. */
    cr_assert_eq(run_as(&e, wa, &bob, "select x from scratch.mine", &err), SCOUT_EDENIED);
    scout_wh_close(wa);
    /* bob's own connection has his own, empty scratch: alice's table is not there. */
    scout_wh *wb = user_conn(&e, "bob");
    scout_rc rc = run_as(&e, wb, &bob, "select x from scratch.mine", &err);
    cr_assert_neq(rc, SCOUT_OK, "bob read alice's scratch");
    cr_assert(strstr(err.msg, "no such table"), "%s", err.msg);
    /* Nor can he attach her file. */
    char path[512];
    scout_scratch_path(dir, "alice", path, sizeof path, NULL);
    char sql[700];
    snprintf(sql, sizeof sql, "attach '%s' as a", path);
    cr_assert_eq(scout_wh_query(wb, sql, NULL, NULL, NULL, NULL, NULL, &err), SCOUT_EDENIED);
    scout_wh_close(wb);
    /* A name that would leave the scratch directory is refused. */
    cr_assert_eq(scout_scratch_path(dir, "../alice", path, sizeof path, &err), SCOUT_EUSER);
    env_close(&e);
}

static const char *const outside_scratch[] = {
    "insert into orders values (500, 1, 'x')",
    "insert into main.orders select * from scratch.t",
    "delete from orders",
    "update orders set amount = 0",
    "drop table orders",
    "create table evil as select 1",
    "create temp table evil as select 1",
    "create table scratch.t2 as select 1; drop table orders",
    "create view scratch.v as select * from orders",
    "create trigger scratch.tr after insert on scratch.t begin delete from orders; end",
    "alter table orders rename to o2",
    "vacuum into '/tmp/scout-hostile-copy.db'",
    "attach database '/tmp/scout-hostile-other.db' as o",
    "pragma query_only = 1",
};

/* With scratch attached the connection is writable, but only into scratch:
 * both the policy and (sent directly) the engine refuse everything else. */
Test(hostile_scratch, writes_outside_scratch_still_fail, .init = setup, .fini = teardown)
{
    char before[65], after[65];
    test_file_sha256(wh_path, before);
    scratch_env e;
    env_open(&e);
    scout_wh *wh = user_conn(&e, "alice");
    scout_err err = {0};
    cr_assert_eq(run_as(&e, wh, &alice, "create table scratch.t as select * from orders", &err),
                 SCOUT_OK, "%s", err.msg);
    for (size_t i = 0; i < sizeof outside_scratch / sizeof outside_scratch[0]; i++) {
        const char *sql = outside_scratch[i];
        cr_assert_neq(run_as(&e, wh, &alice, sql, &err), SCOUT_OK, "policy let through: %s", sql);
        scout_rc rc = scout_wh_query(wh, sql, NULL, NULL, NULL, NULL, NULL, &err);
        cr_assert_neq(rc, SCOUT_OK, "engine ran: %s", sql);
    }
    scout_wh_close(wh);
    test_file_sha256(wh_path, after);
    cr_assert_str_eq(before, after, "the warehouse changed");
    struct stat st;
    cr_assert_neq(stat("/tmp/scout-hostile-copy.db", &st), 0, "vacuum into wrote a file");
    env_close(&e);
}

Test(hostile_scratch, gc_wipes_only_expired_files, .init = setup, .fini = teardown)
{
    scratch_env e;
    env_open(&e);
    scout_wh *wa = user_conn(&e, "alice");
    scout_wh *wb = user_conn(&e, "bob");
    scout_wh_close(wa);
    scout_wh_close(wb);
    char pa[512], pb[512];
    scout_scratch_path(dir, "alice", pa, sizeof pa, NULL);
    scout_scratch_path(dir, "bob", pb, sizeof pb, NULL);
    /* alice last wrote 25 hours ago; bob just now. */
    time_t old = time(NULL) - 25 * 3600;
    struct utimbuf ub = {old, old};
    cr_assert_eq(utime(pa, &ub), 0);
    scout_scratch_gc_report rep;
    scout_err err = {0};
    cr_assert_eq(scout_scratch_gc(dir, 24, &rep, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(rep.removed, 1);
    cr_assert_eq(rep.kept, 1);
    struct stat st;
    cr_assert_neq(stat(pa, &st), 0, "expired scratch kept");
    cr_assert_eq(stat(pb, &st), 0, "live scratch wiped");
    /* A shorter TTL wipes bob's too once it is older than that. */
    old = time(NULL) - 2 * 3600;
    ub = (struct utimbuf){old, old};
    cr_assert_eq(utime(pb, &ub), 0);
    cr_assert_eq(scout_scratch_gc(dir, 1, &rep, &err), SCOUT_OK);
    cr_assert_eq(rep.removed, 1);
    env_close(&e);
}

/* ---- per-user limits ---------------------------------------------------- */

#include <sys/wait.h>

#include "guard/limits.h"

Test(hostile_limits, concurrent_queries_per_user_are_capped_across_processes, .init = setup,
     .fini = teardown)
{
    scout_audit *log = NULL;
    cr_assert_eq(scout_audit_open(audit_path, &log, NULL), SCOUT_OK);
    scout_slot_req req = {.home = dir,
                          .user = "mallory",
                          .max = 2,
                          .audit = log,
                          .session = "s",
                          .source = "acme",
                          .text = "select 1"};
    scout_query_slot a, b, c;
    scout_err err = {0};
    cr_assert_eq(scout_limits_acquire(&req, &a, &err), SCOUT_OK, "%s", err.msg);
    /* A second process holds the other slot. */
    int ready[2], done[2];
    cr_assert_eq(pipe(ready), 0);
    cr_assert_eq(pipe(done), 0);
    pid_t pid = fork();
    if (pid == 0) {
        scout_slot_req r2 = req;
        r2.audit = NULL;
        scout_query_slot s;
        char ch = scout_limits_acquire(&r2, &s, NULL) == SCOUT_OK ? 'y' : 'n';
        (void)!write(ready[1], &ch, 1);
        (void)!read(done[0], &ch, 1);
        _exit(0);
    }
    char ch = 0;
    cr_assert_eq(read(ready[0], &ch, 1), 1);
    cr_assert_eq(ch, 'y');
    cr_assert_eq(scout_limits_acquire(&req, &c, &err), SCOUT_ELIMIT);
    cr_assert(strstr(err.msg, "too many queries running for mallory (limit 2"), "%s", err.msg);
    char *st = test_db_text(audit_path, "SELECT decision || '/' || status || '/' || user FROM "
                                        "audit ORDER BY id DESC LIMIT 1");
    cr_assert_str_eq(st, "deny/limit/mallory");
    free(st);
    /* Another user is not affected; the child's death frees its slot. */
    scout_slot_req other = req;
    other.user = "alice";
    cr_assert_eq(scout_limits_acquire(&other, &b, &err), SCOUT_OK, "%s", err.msg);
    scout_limits_release(&b);
    cr_assert_eq(write(done[1], "x", 1), 1);
    waitpid(pid, NULL, 0);
    cr_assert_eq(scout_limits_acquire(&req, &c, &err), SCOUT_OK, "%s", err.msg);
    scout_limits_release(&c);
    scout_limits_release(&a);
    scout_audit_close(log);
}

Test(hostile_limits, cost_precheck_refuses_nested_full_scans_but_not_aggregates, .init = setup,
     .fini = teardown)
{
    scout_source_cfg src = {.name = "acme", .kind = SCOUT_SOURCE_SQLITE, .path = wh_path};
    scout_wh *wh = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_open(&src, &wh, &err), SCOUT_OK, "%s", err.msg);
    scout_wh_cost cost;
    /* orders has 100 rows: one full scan costs 100. */
    cr_assert_eq(
        scout_limits_check_cost(wh, "select count(*), sum(amount) from orders", 1e5, &cost, &err),
        SCOUT_OK, "%s", err.msg);
    cr_assert_eq(cost.work, 100);
    cr_assert_eq(cost.nested_scans, 0);
    /* Five nested scans: 100^5 rows of work. */
    cr_assert_eq(scout_limits_check_cost(
                     wh, "select count(*) from orders a, orders b, orders c, orders d, orders e", 0,
                     &cost, &err),
                 SCOUT_EDENIED);
    cr_assert(strstr(err.msg, "query too expensive"), "%s", err.msg);
    cr_assert_geq(cost.nested_scans, 2);
    /* A primary-key lookup is not a scan. */
    cr_assert_eq(scout_limits_check_cost(wh, "select * from orders where id = 3", 1, &cost, &err),
                 SCOUT_OK, "%s", err.msg);
    cr_assert_eq(cost.full_scans, 0);
    scout_wh_close(wh);
}
