/* limits.c — cross-process query slots and the cost pre-check (see limits.h). */
#include "guard/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"

#define LIMITS_DEFAULT_CONCURRENT 4
#define LIMITS_MAX_CONCURRENT     256
#define LIMITS_PATH_MAX           4096

/* A user name becomes part of a file name: anything else than a plain name
 * could point outside the directory. */
static bool plain_name(const char *user)
{
    if (!user || !user[0] || user[0] == '.' || strlen(user) > 128) return false;
    for (const char *p = user; *p; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-' || ch == '@'))
            return false;
    }
    return true;
}

/* Tries slot i: open (creating 0600) and flock without waiting. A lock is
 * tied to the open file, so two slots of one process also exclude each
 * other, and a dead process's lock vanishes with it. */
static int try_slot(const char *dir, const char *user, int64_t i)
{
    char path[LIMITS_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s.%lld.lock", dir, user, (long long)i);
    if (n < 0 || (size_t)n >= sizeof path) return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    close(fd);
    return -1;
}

static void audit_refusal(const scout_slot_req *req, const char *reason)
{
    if (!req->audit) return;
    scout_audit_entry e = {.user = req->user,
                           .session = req->session,
                           .source = req->source,
                           .kind = "sql",
                           .text = req->text ? req->text : "",
                           .rows = -1,
                           .allowed = false,
                           .status = "limit",
                           .reason = reason};
    /* The refusal stands whether or not it could be recorded; a broken
     * audit log shows up in the caller's own record of the statement. */
    (void)scout_audit_record(req->audit, &e, NULL, NULL);
}

scout_rc scout_limits_acquire(const scout_slot_req *req, scout_query_slot *slot, scout_err *err)
{
    slot->fd = -1;
    if (!plain_name(req->user))
        return scout_err_set(err, SCOUT_EUSER, "query limit: user name '%s' cannot name a file",
                             req->user ? req->user : "");
    int64_t max = req->max > 0 ? req->max : LIMITS_DEFAULT_CONCURRENT;
    if (max > LIMITS_MAX_CONCURRENT) max = LIMITS_MAX_CONCURRENT;
    char dir[LIMITS_PATH_MAX];
    int n = snprintf(dir, sizeof dir, "%s/limits", req->home ? req->home : "");
    if (!req->home || !req->home[0] || n < 0 || (size_t)n >= sizeof dir)
        return scout_err_set(err, SCOUT_EUSER, "query limit: no usable scout home");
    scout_rc rc = scout_mkdir_p(dir, err);
    if (rc) return rc;
    (void)chmod(dir, 0700);
    for (int64_t i = 0; i < max; i++) {
        slot->fd = try_slot(dir, req->user, i);
        if (slot->fd >= 0) return SCOUT_OK;
    }
    scout_err_set(err, SCOUT_ELIMIT,
                  "too many queries running for %s (limit %lld at once); wait for one to finish",
                  req->user, (long long)max);
    audit_refusal(req, err ? err->msg : "too many queries running at once");
    return SCOUT_ELIMIT;
}

void scout_limits_release(scout_query_slot *slot)
{
    if (!slot || slot->fd < 0) return;
    close(slot->fd); /* closing drops the flock */
    slot->fd = -1;
}

scout_rc scout_limits_check_cost(scout_wh *wh, const char *sql, double max_work,
                                 scout_wh_cost *cost, scout_err *err)
{
    scout_wh_cost local;
    if (!cost) cost = &local;
    if (max_work <= 0) max_work = SCOUT_COST_MAX_WORK;
    scout_err e = {0};
    scout_rc rc = scout_wh_explain_cost(wh, sql, cost, &e);
    if (rc == SCOUT_ENOTFOUND) return SCOUT_OK; /* this engine cannot estimate */
    if (rc) {
        if (err) *err = e;
        return rc;
    }
    if (cost->work <= max_work) return SCOUT_OK;
    return scout_err_set(err, SCOUT_EDENIED,
                         "query too expensive: its plan scans about %.3g rows in nested loops "
                         "(%d full scans inside others; limit %.3g); join on indexed keys, filter "
                         "first, or aggregate each table before joining",
                         cost->work, cost->nested_scans, max_work);
}

scout_rc scout_limits_guard_query(const scout_limits_ctx *ctx, const scout_grants *g,
                                  const scout_principal *who, scout_wh *wh, const char *sql,
                                  const scout_wh_limits *lim, scout_wh_header_fn on_header,
                                  scout_wh_row_fn on_row, void *ud, scout_wh_qstats *stats,
                                  scout_guard_denied *denied, scout_err *err)
{
    scout_query_slot slot = {-1};
    scout_rc rc = SCOUT_OK;
    if (ctx->home) {
        scout_slot_req req = {ctx->home,
                              who && who->user ? who->user : "unknown",
                              ctx->limits ? ctx->limits->max_concurrent_queries_per_user : 0,
                              NULL,
                              NULL,
                              ctx->source,
                              sql};
        rc = scout_limits_acquire(&req, &slot, err);
    }
    if (!rc)
        rc = scout_limits_check_cost(wh, sql, ctx->limits ? ctx->limits->max_query_cost : 0, NULL,
                                     err);
    if (!rc)
        rc = scout_guard_query(g, who, wh, sql, lim, on_header, on_row, ud, stats, denied, err);
    scout_limits_release(&slot);
    return rc;
}
