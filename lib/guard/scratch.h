/* scratch — each user's writable area for temporary tables: one SQLite file
 * per user, HOME/scratch/<user>.db (0600 in a 0700 directory), attached as
 * schema "scratch" on that user's warehouse connection only. It is never
 * attached for anyone else, never listed or indexed, and wiped once it has
 * not been written for the TTL (limits.scratch_ttl_hours). */
#ifndef SCOUT_GUARD_SCRATCH_H
#define SCOUT_GUARD_SCRATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "warehouse/warehouse.h"

#define SCOUT_SCRATCH_SCHEMA   SCOUT_WH_SCRATCH_SCHEMA
#define SCOUT_SCRATCH_PATH_MAX 4096

/* Writes HOME/scratch/<user>.db into out. A user name that is not a plain
 * file name ([A-Za-z0-9._@-], not starting with '.') is refused
 * (SCOUT_EUSER) so no name can point outside the scratch directory. */
scout_rc scout_scratch_path(const char *home, const char *user, char *out, size_t cap,
                            scout_err *err);

/* Creates user's scratch file if needed (0600; the directory 0700; a
 * symlink in its place is refused) and attaches it to wh as schema
 * "scratch" for user. wh must be a connection opened for user alone:
 * the guard then lets only user read scratch tables on it. Policy checks
 * on this connection pass scratch_schema = SCOUT_SCRATCH_SCHEMA. */
scout_rc scout_scratch_open(scout_wh *wh, const char *home, const char *user, scout_err *err);

typedef struct scout_scratch_gc_report {
    int removed; /* scratch files wiped (not written for the TTL) */
    int kept;    /* scratch files still in use */
} scout_scratch_gc_report;

/* Wipes every scratch file under HOME/scratch not modified for ttl_hours
 * (<= 0 means the 24 h default), with its journal. Safe to run while
 * users work: a file written within the TTL is kept. rep may be NULL. */
scout_rc scout_scratch_gc(const char *home, int64_t ttl_hours, scout_scratch_gc_report *rep,
                          scout_err *err);

/* The stamp file under HOME/scratch whose mtime is the last gc run. */
#define SCOUT_SCRATCH_GC_STAMP      ".gc-stamp"
#define SCOUT_SCRATCH_GC_INTERVAL_S 3600

/* Opportunistic gc for front-ends while there is no server to schedule it:
 * runs scout_scratch_gc when it last ran interval_s (<= 0: one hour) or
 * more ago on this home, or never, as recorded by the mtime of
 * HOME/scratch/.gc-stamp. Never blocks: when another process holds the
 * stamp's lock, the last run is recent, or no scratch directory exists it
 * returns SCOUT_OK at once with *ran false. rep may be NULL. */
scout_rc scout_scratch_gc_maybe(const char *home, int64_t ttl_hours, int64_t interval_s, bool *ran,
                                scout_scratch_gc_report *rep, scout_err *err);

#endif
