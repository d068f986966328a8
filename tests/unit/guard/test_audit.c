/* audit: records are appended, chained, bounded, append-only, and any edit,
 * removal or reordering is found by verify. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard/audit.h"
#include "support/fixtures.h"

static char dir[64], path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/scout-audit-%d", (int)getpid());
    test_rm_rf(dir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    scout_err err;
    cr_assert_eq(scout_audit_path(dir, path, sizeof path, &err), SCOUT_OK);
}

static void teardown(void)
{
    test_rm_rf(dir);
}

static scout_audit *open_log(void)
{
    scout_audit *a = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_audit_open(path, &a, &err), SCOUT_OK, "%s", err.msg);
    return a;
}

static int64_t add(scout_audit *a, const char *user, const char *kind, const char *text,
                   bool allowed)
{
    scout_audit_entry e = {.user = user,
                           .session = "s1",
                           .source = "acme",
                           .kind = kind,
                           .text = text,
                           .duration_ms = 1.25,
                           .rows = allowed ? 3 : -1,
                           .allowed = allowed,
                           .reason = allowed ? "read-only select" : "multiple statements"};
    int64_t id = 0;
    scout_err err = {0};
    cr_assert_eq(scout_audit_record(a, &e, &id, &err), SCOUT_OK, "%s", err.msg);
    return id;
}

/* Runs sql on the audit file behind scout's back (as an attacker with file
 * access would), with the append-only triggers dropped first when asked. */
static int tamper(const char *sql, bool drop_triggers)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    if (drop_triggers)
        sqlite3_exec(db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;", NULL, NULL,
                     NULL);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static scout_audit_report verify(void)
{
    scout_audit *a = open_log();
    scout_audit_report rep;
    scout_err err = {0};
    cr_assert_eq(scout_audit_verify(a, &rep, &err), SCOUT_OK, "%s", err.msg);
    scout_audit_close(a);
    return rep;
}

static void add_five(void)
{
    scout_audit *a = open_log();
    for (int i = 0; i < 5; i++) {
        char q[64];
        snprintf(q, sizeof q, "select %d", i);
        cr_assert_eq(add(a, i % 2 ? "bob" : "alice", "sql", q, i != 3), i + 1);
    }
    scout_audit_close(a);
}

TestSuite(audit, .init = setup, .fini = teardown);

Test(audit, records_chain_and_verify)
{
    add_five();
    scout_audit_report rep = verify();
    cr_assert(rep.ok, "%s", rep.reason);
    cr_assert_eq(rep.records, 5);
    cr_assert_eq(strlen(rep.head), 64);
    char *h = test_db_text(path, "SELECT hash FROM audit WHERE id = 5");
    cr_assert_str_eq(rep.head, h);
    free(h);
    char *prev = test_db_text(path, "SELECT prev_hash FROM audit WHERE id = 1");
    cr_assert_str_eq(prev, "0000000000000000000000000000000000000000000000000000000000000000");
    free(prev);
    char *link = test_db_text(
        path,
        "SELECT count(*) FROM audit a JOIN audit b ON b.id = a.id + 1 AND b.prev_hash = a.hash");
    cr_assert_str_eq(link, "4");
    free(link);
}

Test(audit, file_is_private_and_wal)
{
    add_five();
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    char *mode = test_db_text(path, "PRAGMA journal_mode");
    cr_assert_str_eq(mode, "wal");
    free(mode);
}

Test(audit, updates_and_deletes_are_refused_by_triggers)
{
    add_five();
    cr_assert_neq(tamper("UPDATE audit SET text = 'select 42' WHERE id = 2", false), SQLITE_OK);
    cr_assert_neq(tamper("DELETE FROM audit WHERE id = 2", false), SQLITE_OK);
    cr_assert(verify().ok);
}

Test(audit, an_edited_record_is_reported)
{
    add_five();
    cr_assert_eq(tamper("UPDATE audit SET decision = 'allow' WHERE id = 4", true), SQLITE_OK);
    scout_audit_report rep = verify();
    cr_assert(!rep.ok);
    cr_assert_eq(rep.first_bad, 4);
    cr_assert_eq(rep.records, 3);
    cr_assert(strstr(rep.reason, "edited"), "%s", rep.reason);
}

Test(audit, a_replaced_hash_is_reported)
{
    add_five();
    cr_assert_eq(tamper("UPDATE audit SET hash = 'ff' || substr(hash, 3) WHERE id = 2", true),
                 SQLITE_OK);
    scout_audit_report rep = verify();
    cr_assert(!rep.ok);
    cr_assert_eq(rep.first_bad, 2); /* its own hash no longer matches its content */
}

Test(audit, a_removed_record_is_reported)
{
    add_five();
    cr_assert_eq(tamper("DELETE FROM audit WHERE id = 3", true), SQLITE_OK);
    scout_audit_report rep = verify();
    cr_assert(!rep.ok);
    cr_assert_eq(rep.first_bad, 3);
    cr_assert(strstr(rep.reason, "missing"), "%s", rep.reason);
}

Test(audit, a_renumbered_record_is_reported)
{
    add_five();
    cr_assert_eq(
        tamper("DELETE FROM audit WHERE id = 3; UPDATE audit SET id = id - 1 WHERE id > 3", true),
        SQLITE_OK);
    scout_audit_report rep = verify();
    cr_assert(!rep.ok);
    cr_assert_eq(rep.first_bad, 3);
}

Test(audit, appends_continue_the_chain_across_opens)
{
    add_five();
    scout_audit *a = open_log();
    cr_assert_eq(add(a, "carol", "question", "revenue last month", true), 6);
    scout_audit_close(a);
    scout_audit_report rep = verify();
    cr_assert(rep.ok && rep.records == 6, "%s", rep.reason);
}

Test(audit, long_text_is_bounded_at_a_character_boundary)
{
    size_t n = SCOUT_AUDIT_TEXT_MAX * 3;
    char *q = malloc(n + 1);
    for (size_t i = 0; i + 2 <= n; i += 2) memcpy(q + i, "\xc3\xa9", 2); /* é */
    q[n] = '\0';
    scout_audit *a = open_log();
    add(a, "alice", "question", q, true);
    scout_audit_close(a);
    char *stored = test_db_text(path, "SELECT text FROM audit WHERE id = 1");
    cr_assert_lt(strlen(stored), SCOUT_AUDIT_TEXT_MAX);
    cr_assert(strstr(stored, "bytes]"));
    /* Valid UTF-8 up to the marker: the cut did not split é. */
    const char *mark = strstr(stored, "\xe2\x80\xa6[");
    cr_assert((mark - stored) % 2 == 0);
    free(stored);
    free(q);
    cr_assert(verify().ok);
}

typedef struct seen {
    int n;
    int64_t ids[16];
    char users[16][16];
} seen;

static int collect(void *ud, const scout_audit_row *r)
{
    seen *s = ud;
    s->ids[s->n] = r->id;
    snprintf(s->users[s->n], sizeof s->users[0], "%s", r->user);
    s->n++;
    return 0;
}

Test(audit, list_filters_by_user_time_and_limit)
{
    add_five();
    scout_audit *a = open_log();
    seen s = {0};
    scout_audit_filter f = {.user = "bob"};
    cr_assert_eq(scout_audit_list(a, &f, collect, &s, NULL), SCOUT_OK);
    cr_assert_eq(s.n, 2);
    cr_assert_eq(s.ids[0], 2);
    cr_assert_eq(s.ids[1], 4);
    memset(&s, 0, sizeof s);
    scout_audit_filter lim = {.limit = 2};
    scout_audit_list(a, &lim, collect, &s, NULL);
    cr_assert_eq(s.n, 2);
    cr_assert_eq(s.ids[0], 4);
    cr_assert_eq(s.ids[1], 5);
    memset(&s, 0, sizeof s);
    scout_audit_filter future = {.since_ms = INT64_MAX / 2};
    scout_audit_list(a, &future, collect, &s, NULL);
    cr_assert_eq(s.n, 0);
    scout_audit_close(a);
}

Test(audit, since_parses_relative_and_absolute_times)
{
    int64_t t = 0, now = 1700000000000LL;
    cr_assert_eq(scout_audit_parse_since("24h", now, &t, NULL), SCOUT_OK);
    cr_assert_eq(t, now - 86400000LL);
    cr_assert_eq(scout_audit_parse_since("30m", now, &t, NULL), SCOUT_OK);
    cr_assert_eq(t, now - 1800000LL);
    cr_assert_eq(scout_audit_parse_since("1970-01-02", now, &t, NULL), SCOUT_OK);
    cr_assert_eq(t, 86400000LL);
    cr_assert_eq(scout_audit_parse_since("2024-02-29T12:00:00Z", now, &t, NULL), SCOUT_OK);
    cr_assert_eq(t, 1709208000000LL);
    scout_err err = {0};
    cr_assert_eq(scout_audit_parse_since("yesterday", now, &t, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, "--since"));
    cr_assert_eq(scout_audit_parse_since("2024-13-01", now, &t, NULL), SCOUT_EUSER);
}

Test(audit, canonical_form_is_length_prefixed)
{
    scout_audit_row r = {.id = 7, .ts_ms = 1, .user = "a\nb", .text = "x=1:y", .allowed = false};
    size_t n = 0;
    char *c = scout_audit_canonical(&r, &n);
    cr_assert(strstr(c, "scout-audit-v1\nid=7\n"));
    cr_assert(strstr(c, "user=3:a\nb\n"));
    cr_assert(strstr(c, "text=5:x=1:y\n"));
    cr_assert(strstr(c, "decision=4:deny\n"));
    cr_assert_eq(n, strlen(c));
    free(c);
}
