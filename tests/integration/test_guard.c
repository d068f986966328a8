/* Guardrail commands through the real binary on a tiny home: a restricted
 * finance source, an admin (the OS user running the tests) and two people.
 * Tokens are printed once and stored only hashed; grants change what a user
 * may read; non-admins cannot grant; and (once ask runs through the guard)
 * a user without finance access is refused without the table being named.
 * Tests skip themselves while the guard commands are not registered in
 * main.c yet. */
#include <criterion/criterion.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "support/proc.h"

static char *home;

static void make_db(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void setup(void)
{
    home = test_tmpdir();
    char path[600], yaml[2048];
    snprintf(path, sizeof path, "%s/fin.db", home);
    make_db(path, "CREATE TABLE revenue_daily(day TEXT, region TEXT, revenue REAL);"
                  "INSERT INTO revenue_daily VALUES ('2026-01-01', 'EMEA', 10);");
    snprintf(path, sizeof path, "%s/prod.db", home);
    make_db(path, "CREATE TABLE signups(day TEXT, n INT); INSERT INTO signups VALUES "
                  "('2026-01-01', 3);");
    struct passwd *pw = getpwuid(geteuid());
    cr_assert_not_null(pw);
    snprintf(yaml, sizeof yaml,
             "sources:\n"
             "  - {name: finance, kind: sqlite, path: fin.db, restricted: true}\n"
             "  - {name: product, kind: sqlite, path: prod.db}\n"
             "users:\n"
             "  - {name: %s, admin: true}\n"
             "  - {name: raj, email: raj@x.io, groups: [finance]}\n"
             "  - {name: sofia, email: sofia@x.io, groups: [growth]}\n",
             pw->pw_name);
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    test_write_file(path, yaml);
}

static void teardown(void)
{
    test_rmdir(home);
    free(home);
}

/* Skips the test while main.c does not know the guard commands. */
static void need_commands(void)
{
    proc_result r = proc_scoutv("--home", home, "users", "list", NULL);
    bool missing = strstr(r.err, "unknown command") != NULL;
    proc_result_free(&r);
    if (missing) cr_skip_test("guard commands are not registered in main.c yet");
}

static proc_result ok(const char *const *args)
{
    proc_result r = proc_scout(args);
    cr_assert_eq(r.status, 0, "%s: %s", args[2], r.err);
    return r;
}

Test(guard_cli, token_is_printed_once_and_never_stored, .init = setup, .fini = teardown)
{
    need_commands();
    proc_result r = ok((const char *[]){"--home", home, "users", "token", "sofia", NULL});
    char tok[64] = "";
    cr_assert_eq(sscanf(r.out, "%63s", tok), 1);
    cr_assert_eq(strncmp(tok, "sct_", 4), 0, "%s", r.out);
    cr_assert(strstr(r.err, "shown once"), "%s", r.err);
    proc_result_free(&r);

    r = ok((const char *[]){"--home", home, "users", "tokens", "sofia", NULL});
    cr_assert_null(strstr(r.out, tok + 4), "listing shows the secret");
    cr_assert(strstr(r.out, "tok_"), "%s", r.out);
    proc_result_free(&r);

    char db[600];
    snprintf(db, sizeof db, "%s/catalog.db", home);
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(h, "SELECT length(hash) FROM guard_tokens", -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 32, "a 32-byte digest, not the token");
    sqlite3_finalize(st);
    sqlite3_close(h);
}

Test(guard_cli, grants_open_a_restricted_source_to_a_group, .init = setup, .fini = teardown)
{
    need_commands();
    proc_result r = ok((const char *[]){"--home", home, "grants", "--check",
                                        "finance.main.revenue_daily", "--user", "raj", NULL});
    cr_assert(strstr(r.out, "raj may not read"), "restricted by default: %s", r.out);
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "grant", "finance", "--group", "finance", NULL});
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "grants", "--check", "finance.main.revenue_daily",
                            "--user", "raj", NULL});
    cr_assert(strstr(r.out, "raj may read"), "%s", r.out);
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "grants", "--check", "finance.main.revenue_daily",
                            "--user", "sofia", NULL});
    cr_assert(strstr(r.out, "sofia may not read"), "%s", r.out);
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "--json", "grants", NULL});
    cr_assert(strstr(r.out, "\"subject\": \"finance\""), "%s", r.out);
    proc_result_free(&r);
}

Test(guard_cli, only_admins_grant, .init = setup, .fini = teardown)
{
    need_commands();
    proc_result r =
        proc_scoutv("--home", home, "--as", "sofia", "grant", "finance", "--user", "sofia", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "needs a scout admin"), "%s", r.err);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "sofia", "users", "token", NULL);
    cr_assert_eq(r.status, 0, "anyone may make their own token: %s", r.err);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "sofia", "users", "token", "raj", NULL);
    cr_assert_eq(r.status, 1, "but not someone else's");
    proc_result_free(&r);
}

Test(guard_cli, ask_without_finance_access_is_refused_without_naming_the_table, .init = setup,
     .fini = teardown)
{
    need_commands();
    proc_result r = ok((const char *[]){"--home", home, "index", NULL});
    proc_result_free(&r);
    r = ok(
        (const char *[]){"--home", home, "grant", "finance", "--contact", "#finance-data", NULL});
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "sofia", "ask", "total revenue by region", NULL);
    cr_assert_neq(r.status, 0, "%s", r.out);
    cr_assert(strstr(r.out, "access") || strstr(r.err, "access"), "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "#finance-data") || strstr(r.err, "#finance-data"));
    cr_assert_null(strstr(r.out, "revenue_daily"), "names the table: %s", r.out);
    cr_assert_null(strstr(r.err, "revenue_daily"), "names the table: %s", r.err);
    proc_result_free(&r);
}

/* Prints the value of "key": "..." in JSON text into out ("" when absent). */
static void json_field(const char *text, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(text, pat);
    out[0] = '\0';
    if (!p) return;
    p += strlen(pat);
    size_t n = 0;
    while (p[n] && p[n] != '"' && n + 1 < cap) n++;
    memcpy(out, p, n);
    out[n] = '\0';
}

Test(guard_cli, a_stored_result_is_refused_after_its_grant_is_revoked, .init = setup,
     .fini = teardown)
{
    need_commands();
    proc_result r = ok((const char *[]){"--home", home, "index", NULL});
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "grant", "finance.main.revenue_daily", "--user", "raj",
                            NULL});
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "--as", "raj", "--json", "ask",
                            "total revenue by region", NULL});
    char id[64];
    json_field(r.out, "id", id, sizeof id); /* result.id, the first "id" in the answer */
    proc_result_free(&r);
    cr_assert_eq(strlen(id), 25, "a stored result id: '%s'", id);

    r = ok((const char *[]){"--home", home, "--as", "raj", "results", "show", id, NULL});
    cr_assert(strstr(r.out, "EMEA"), "raj sees his rows while granted: %s", r.out);
    proc_result_free(&r);

    r = ok((const char *[]){"--home", home, "revoke", "finance.main.revenue_daily", "--user", "raj",
                            NULL});
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--as", "raj", "results", "show", id, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "you no longer have access to finance.main.revenue_daily"), "%s",
              r.err);
    cr_assert_null(strstr(r.out, "EMEA"), "rows printed after the revoke: %s", r.out);
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "--as", "raj", "results", NULL});
    cr_assert(strstr(r.out, "no access"), "%s", r.out);
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "audit", "--user", "raj", "--json", NULL});
    cr_assert(strstr(r.out, "\"kind\": \"result\""), "refusal audited: %s", r.out);
    cr_assert(strstr(r.out, "you no longer have access to finance.main.revenue_daily"));
    proc_result_free(&r);
}

/* Writes an empty scratch file for user whose mtime is hours_ago in the past. */
static void old_scratch(const char *user, int hours_ago)
{
    char path[700];
    snprintf(path, sizeof path, "%s/scratch", home);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/scratch/%s.db", home, user);
    test_write_file(path, "");
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= hours_ago * 3600;
    tv[1] = tv[0];
    cr_assert_eq(utimes(path, tv), 0);
}

static bool scratch_exists(const char *user)
{
    char path[700];
    snprintf(path, sizeof path, "%s/scratch/%s.db", home, user);
    return access(path, F_OK) == 0;
}

/* limits.scratch_ttl_hours: 1, and files written 3 h ago: an ordinary
 * command wipes them, at most once an hour per home. */
Test(guard_cli, ordinary_commands_wipe_expired_scratch_at_most_hourly, .init = setup,
     .fini = teardown)
{
    need_commands();
    char path[600];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fputs("limits: {scratch_ttl_hours: 1}\n", f);
    fclose(f);
    old_scratch("sofia", 3);
    old_scratch("raj", 0);
    proc_result r = ok((const char *[]){"--home", home, "index", NULL});
    proc_result_free(&r);
    cr_assert_not(scratch_exists("sofia"), "expired scratch wiped by scout index");
    cr_assert(scratch_exists("raj"), "a scratch file in use is kept");

    old_scratch("mia", 3);
    r = proc_scoutv("--home", home, "--as", "sofia", "ask", "signups by day", NULL);
    proc_result_free(&r);
    cr_assert(scratch_exists("mia"), "gc ran less than an hour ago: not again");

    /* An hour later (the stamp back-dated), the next ask collects. */
    snprintf(path, sizeof path, "%s/scratch/.gc-stamp", home);
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= 3601;
    tv[1] = tv[0];
    cr_assert_eq(utimes(path, tv), 0);
    r = proc_scoutv("--home", home, "--as", "sofia", "ask", "signups by day", NULL);
    proc_result_free(&r);
    cr_assert_not(scratch_exists("mia"), "due again after an hour: wiped by scout ask");
    cr_assert(scratch_exists("raj"));
}

/* limits.max_query_cost is the ceiling the EXPLAIN pre-check uses: at 0.5 even
 * a one-row scan is over it, so the same question that answers under the
 * default is refused, naming the configured limit, and audited. */
Test(guard_cli, the_cost_ceiling_comes_from_scout_yaml, .init = setup, .fini = teardown)
{
    need_commands();
    proc_result r = ok((const char *[]){"--home", home, "index", NULL});
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "ask", "signups by day", NULL});
    proc_result_free(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fputs("limits: {max_query_cost: 0.5}\n", f);
    fclose(f);
    r = proc_scoutv("--home", home, "ask", "signups by day", NULL);
    cr_assert_neq(r.status, 0, "%s", r.out);
    cr_assert(strstr(r.err, "query too expensive"), "%s", r.err);
    cr_assert(strstr(r.err, "limit 0.5"), "%s", r.err);
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "audit", "--json", NULL});
    cr_assert(strstr(r.out, "query too expensive"), "refusal audited: %s", r.out);
    proc_result_free(&r);
}

/* `grants --check` on a server source says which database identity a user
 * would answer as — env var names and roles, never a secret — and that an
 * unmapped user on a restricted source gets none. */
Test(guard_cli, grants_check_shows_the_database_identity, .init = setup, .fini = teardown)
{
    need_commands();
    char path[600];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    struct passwd *pw = getpwuid(geteuid());
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "sources:\n"
             "  - name: analytics\n"
             "    kind: postgres\n"
             "    dsn_env: TEST_AN_LOGIN\n"
             "    restricted: true\n"
             "    credentials:\n"
             "      users: {raj: TEST_PG_RAJ}\n"
             "      groups: {growth: {role: growth_reader}}\n"
             "users:\n"
             "  - {name: %s, admin: true}\n"
             "  - {name: raj, groups: [finance]}\n"
             "  - {name: sofia, groups: [growth]}\n"
             "  - {name: tom}\n",
             pw->pw_name);
    test_write_file(path, yaml);
    setenv("TEST_PG_RAJ", "host=db user=raj password=hunter2", 1);
    proc_result r = ok((const char *[]){"--home", home, "grants", "--check",
                                        "analytics.public.events", "--user", "raj", NULL});
    cr_assert(strstr(r.out, "database identity: user raj, connects with TEST_PG_RAJ"), "%s", r.out);
    cr_assert_null(strstr(r.out, "hunter2"), "a secret was printed");
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "grants", "--check", "analytics.public.events",
                            "--user", "sofia", NULL});
    cr_assert(strstr(r.out, "group growth, connects with TEST_AN_LOGIN, then SET ROLE "
                            "growth_reader"),
              "%s", r.out);
    proc_result_free(&r);
    r = ok((const char *[]){"--home", home, "grants", "--check", "analytics.public.events",
                            "--user", "tom", NULL});
    cr_assert(strstr(r.out, "database identity: none (no database credentials for tom"), "%s",
              r.out);
    proc_result_free(&r);
    unsetenv("TEST_PG_RAJ");
}
