/* scout audit: the real binary lists and verifies a log written through the
 * library, filters it, and exits 1 naming the record someone edited. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard/audit.h"
#include "support/proc.h"

static char *home;

static void write_log(void)
{
    char path[512];
    scout_audit *a = NULL;
    cr_assert_eq(scout_audit_path(home, path, sizeof path, NULL), SCOUT_OK);
    cr_assert_eq(scout_audit_open(path, &a, NULL), SCOUT_OK);
    const char *users[] = {"alice", "bob", "alice"};
    const char *texts[] = {"revenue by month", "select 1; drop table orders",
                           "select sum(amount) from orders"};
    for (int i = 0; i < 3; i++) {
        scout_audit_entry e = {.user = users[i],
                               .session = "s",
                               .source = "acme",
                               .kind = i == 0 ? "question" : "sql",
                               .text = texts[i],
                               .rows = i == 1 ? -1 : 1,
                               .allowed = i != 1,
                               .reason = i == 1 ? "multiple statements are not allowed" : ""};
        cr_assert_eq(scout_audit_record(a, &e, NULL, NULL), SCOUT_OK);
    }
    scout_audit_close(a);
}

/* The command lands when the CLI registers cli_cmd_audit; until then this
 * suite has nothing to drive. */
static bool has_audit_command(void)
{
    proc_result r = proc_scoutv("audit", "--help", NULL);
    bool ok = r.status == 0 && strstr(r.out, "audit verify");
    proc_result_free(&r);
    return ok;
}

static void setup(void)
{
    home = test_tmpdir();
    if (!has_audit_command()) cr_skip_test("scout audit is not registered in this binary yet");
    write_log();
}

static void teardown(void)
{
    test_rmdir(home);
    free(home);
}

TestSuite(cli_audit, .init = setup, .fini = teardown);

Test(cli_audit, lists_and_filters)
{
    proc_result r = proc_scoutv("--home", home, "audit", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "#2 ") && strstr(r.out, "deny/denied"), "%s", r.out);
    cr_assert(strstr(r.out, "reason: multiple statements"), "%s", r.out);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "--json", "audit", "--user", "bob", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"decision\": \"deny\""), "%s", r.out);
    cr_assert_null(strstr(r.out, "alice"), "%s", r.out);
    proc_result_free(&r);
}

Test(cli_audit, verify_passes_then_names_the_edited_record)
{
    proc_result r = proc_scoutv("--home", home, "audit", "verify", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "intact: 3 records"), "%s", r.out);
    proc_result_free(&r);

    char path[512];
    scout_audit_path(home, path, sizeof path, NULL);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db,
                 "DROP TRIGGER audit_no_update; UPDATE audit SET decision = 'allow' WHERE id = 2",
                 NULL, NULL, NULL);
    sqlite3_close(db);

    r = proc_scoutv("--home", home, "audit", "verify", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "broken at record 2"), "%s", r.err);
    proc_result_free(&r);
}
