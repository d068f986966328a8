/* limits — per-user query limits that hold across processes: at most N
 * queries of one user run at once (flock'd slot files under HOME/limits,
 * released by the kernel if a process dies), and a cost pre-check that
 * refuses statements whose plan is far beyond what the time limit allows
 * (limits.max_query_cost). */
#ifndef SCOUT_GUARD_LIMITS_H
#define SCOUT_GUARD_LIMITS_H

#include <stdint.h>

#include "base/err.h"
#include "base/config.h"
#include "guard/audit.h"
#include "guard/guard.h"
#include "warehouse/warehouse.h"

/* Plans whose nested full scans multiply past this many rows are refused:
 * at SQLite's 10-50M rows/s it cannot finish inside the default 30 s time
 * limit. A full scan of one table (aggregates over 1.2M rows) is far below. */
#define SCOUT_COST_MAX_WORK 1e9

/* One held query slot; release it with scout_limits_release. */
typedef struct scout_query_slot {
    int fd; /* -1 when nothing is held */
} scout_query_slot;

/* Who asks for a slot, and where a refusal is recorded. audit may be NULL;
 * session, source and text (the statement) are for the audit record. */
typedef struct scout_slot_req {
    const char *home;
    const char *user;
    int64_t max; /* limits.max_concurrent_queries_per_user; <= 0 = 4 */
    scout_audit *audit;
    const char *session, *source, *text;
} scout_slot_req;

/* Takes one of the user's max slots without waiting. When all are held (by
 * any process sharing HOME) returns SCOUT_ELIMIT "too many queries running
 * for USER (limit N); wait for one to finish" and, with an audit log, records
 * the refusal (kind "sql", status "limit"). */
scout_rc scout_limits_acquire(const scout_slot_req *req, scout_query_slot *slot, scout_err *err);

/* Releases a slot; a released or zeroed-and-failed slot is a no-op. */
void scout_limits_release(scout_query_slot *slot);

/* Refuses sql (SCOUT_EDENIED, "query too expensive: ...") when the engine's
 * plan estimates more than max_work rows of nested full scans (<= 0 means
 * SCOUT_COST_MAX_WORK). Engines that cannot estimate pass (SCOUT_OK);
 * *cost (may be NULL) says what was estimated. */
scout_rc scout_limits_check_cost(scout_wh *wh, const char *sql, double max_work,
                                 scout_wh_cost *cost, scout_err *err);

/* What scout_limits_guard_query adds to scout_guard_query's arguments. */
typedef struct scout_limits_ctx {
    const scout_limits_cfg *limits; /* max_concurrent_queries_per_user, max_query_cost */
    const char *home;               /* HOME for the slot files; NULL = no concurrency slot */
    const char *source;             /* the source the statement runs on (messages) */
} scout_limits_ctx;

/* Runs sql as scout_guard_query does (same arguments after ctx), inside one
 * of who's concurrent-query slots and after the cost pre-check against
 * ctx->limits->max_query_cost: SCOUT_ELIMIT when all slots are held,
 * SCOUT_EDENIED "query too expensive: ..." when the plan is over the
 * ceiling; nothing runs in either case and the caller audits the outcome
 * as it audits every statement. */
scout_rc scout_limits_guard_query(const scout_limits_ctx *ctx, const scout_grants *g,
                                  const scout_principal *who, scout_wh *wh, const char *sql,
                                  const scout_wh_limits *lim, scout_wh_header_fn on_header,
                                  scout_wh_row_fn on_row, void *ud, scout_wh_qstats *stats,
                                  scout_guard_denied *denied, scout_err *err);

#endif
