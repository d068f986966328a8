/* scout audit — read the audit log (who asked what, which SQL ran or was
 * refused, and why) and verify its hash chain. Admins, root and the owner of
 * the log file see every record; anyone else sees only their own. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "cli.h"
#include "guard/audit.h"

#define AUDIT_PATH_MAX 4096

typedef struct audit_args {
    const char *user;
    const char *since;
    const char *kind;
    size_t limit;
    bool verify;
} audit_args;

static scout_rc parse_args(cli *c, int argc, char **argv, audit_args *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "verify") && i == 1)
            o->verify = true;
        else if (!strcmp(a, "--user") && has)
            o->user = argv[++i];
        else if (!strcmp(a, "--since") && has)
            o->since = argv[++i];
        else if (!strcmp(a, "--kind") && has)
            o->kind = argv[++i];
        else if (!strcmp(a, "--json"))
            c->json = true;
        else if (!strcmp(a, "--limit") && has) {
            char *end = NULL;
            long n = strtol(argv[++i], &end, 10);
            if (!end || *end || n < 1 || n > 1000000)
                return cli_usage_error(c, "audit", "--limit takes a number from 1 to 1000000");
            o->limit = (size_t)n;
        } else
            return cli_usage_error(c, "audit", "unknown option or missing value");
    }
    return SCOUT_OK;
}

/* "2026-01-31T12:00:00.123Z" */
static void format_ts(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, cap, "%s.%03dZ", day, (int)(ms % 1000));
}

/* Prints s on one line with control characters shown as spaces: a logged
 * question must not be able to drive the reader's terminal. */
static void put_clean(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static int print_text_row(void *ud, const scout_audit_row *r)
{
    (void)ud;
    char ts[40];
    format_ts(r->ts_ms, ts, sizeof ts);
    printf("#%lld %s ", (long long)r->id, ts);
    put_clean(r->user);
    printf(" %s %s/%s", r->kind, r->allowed ? "allow" : "deny", r->status);
    if (*r->source) printf(" [%s]", r->source);
    if (r->rows >= 0) printf(" %lld rows", (long long)r->rows);
    if (r->duration_ms > 0) printf(" %.1f ms", r->duration_ms);
    printf("\n    ");
    put_clean(r->text);
    if (*r->reason) {
        printf("\n    reason: ");
        put_clean(r->reason);
    }
    putchar('\n');
    return 0;
}

static int collect_json(void *ud, const scout_audit_row *r)
{
    char ts[40];
    format_ts(r->ts_ms, ts, sizeof ts);
    json_t *o = json_pack(
        "{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:f, s:I, s:s, s:s, s:s, "
        "s:s, s:s}",
        "id", (json_int_t)r->id, "time", ts, "ts_ms", (json_int_t)r->ts_ms, "user", r->user,
        "session", r->session, "source", r->source, "kind", r->kind, "text", r->text, "duration_ms",
        r->duration_ms, "rows", (json_int_t)r->rows, "decision", r->allowed ? "allow" : "deny",
        "status", r->status, "reason", r->reason, "prev_hash", r->prev_hash, "hash", r->hash);
    /* json_pack refuses invalid UTF-8: such a record is still listed, as its id. */
    if (!o) o = json_pack("{s:I, s:s}", "id", (json_int_t)r->id, "error", "not valid utf-8");
    json_array_append_new(ud, o);
    return 0;
}

/* Whether the caller may read everyone's records. The file's owner could
 * read it directly anyway, so restricting them would be theatre. */
static bool sees_everyone(const scout_principal *me, const char *path)
{
    struct stat st;
    if (me->admin || geteuid() == 0) return true;
    return stat(path, &st) == 0 && st.st_uid == geteuid();
}

static scout_rc run_verify(cli *c, scout_audit *a)
{
    scout_audit_report rep;
    scout_rc rc = scout_audit_verify(a, &rep, &c->err);
    if (rc) return rc;
    if (c->json) {
        rc = cli_print_json(c, json_pack("{s:b, s:I, s:I, s:s, s:s}", "ok", rep.ok, "records",
                                         (json_int_t)rep.records, "first_bad",
                                         (json_int_t)rep.first_bad, "reason", rep.reason, "head",
                                         rep.head));
        if (rc) return rc;
    } else if (rep.ok) {
        printf("audit log intact: %lld records, head %s\n", (long long)rep.records, rep.head);
    }
    if (!rep.ok)
        return scout_err_set(&c->err, SCOUT_EIO, "audit log broken at record %lld: %s",
                             (long long)rep.first_bad, rep.reason);
    return SCOUT_OK;
}

static scout_rc run_list(cli *c, scout_audit *a, const audit_args *o, const char *path)
{
    scout_principal me;
    scout_rc rc = cli_principal(c, &me);
    if (rc) return rc;
    scout_audit_filter f = {o->user, 0, o->kind, o->limit};
    if (o->since) {
        rc = scout_audit_parse_since(o->since, (int64_t)time(NULL) * 1000, &f.since_ms, &c->err);
        if (rc) return rc;
    }
    if (!sees_everyone(&me, path)) {
        if (o->user && strcmp(o->user, me.user))
            return scout_err_set(&c->err, SCOUT_EDENIED,
                                 "audit: only admins may read other users' records");
        f.user = me.user;
    }
    if (!c->json) return scout_audit_list(a, &f, print_text_row, NULL, &c->err);
    json_t *arr = json_array();
    rc = scout_audit_list(a, &f, collect_json, arr, &c->err);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    return cli_print_json(c, arr);
}

static scout_rc run_audit(cli *c, int argc, char **argv)
{
    audit_args o = {0};
    scout_rc rc = parse_args(c, argc, argv, &o);
    if (rc) return rc;
    char path[AUDIT_PATH_MAX];
    rc = scout_audit_path(c->home.dir, path, sizeof path, &c->err);
    if (rc) return rc;
    if (!scout_path_exists(path)) {
        /* Reading must not create the log: nothing has been recorded yet. */
        if (c->json)
            return cli_print_json(c, o.verify ? json_pack("{s:b, s:i}", "ok", 1, "records", 0)
                                              : json_array());
        fputs(o.verify ? "audit log intact: 0 records\n" : "no audit records yet\n", stdout);
        return SCOUT_OK;
    }
    scout_audit *a = NULL;
    rc = scout_audit_open(path, &a, &c->err);
    if (!rc) rc = o.verify ? run_verify(c, a) : run_list(c, a, &o, path);
    scout_audit_close(a);
    return rc;
}

const cli_command cli_cmd_audit = {
    "audit", "read the audit log and verify its hash chain",
    "usage: scout audit [--user U] [--since T] [--kind K] [--limit N] [--json]\n"
    "       scout audit verify [--json]\n"
    "\n"
    "Every question, tool call and SQL statement scout runs or refuses is\n"
    "recorded in HOME/audit.db with who, when, the source, the decision\n"
    "(allow/deny) and why, duration and rows. Records cannot be changed or\n"
    "deleted through scout, and each carries a SHA-256 hash chained to the\n"
    "previous one: `scout audit verify` recomputes the chain and names the first\n"
    "record that was edited, removed or reordered (exit status 1).\n"
    "\n"
    "  --user U    only U's records (admins; others always see only their own)\n"
    "  --since T   30m, 24h, 7d, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC)\n"
    "  --kind K    question, tool or sql\n"
    "  --limit N   the newest N records\n",
    run_audit};
