/* scout scratch — maintenance of the per-user scratch area: `gc` wipes every
 * scratch file not written for limits.scratch_ttl_hours (default 24). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/log.h"
#include "cli.h"
#include "guard/scratch.h"

/* The TTL from scout.yaml when there is one; the default otherwise, so gc
 * also works on a home that was never configured. */
static scout_rc ttl_hours(cli *c, int64_t *out)
{
    *out = 24;
    if (!scout_path_exists(c->home.config)) return SCOUT_OK;
    scout_rc rc = cli_load_config(c);
    if (rc) return rc;
    *out = c->cfg->limits.scratch_ttl_hours;
    return SCOUT_OK;
}

static scout_rc run_scratch(cli *c, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "gc") != 0 || argc > 2)
        return cli_usage_error(c, "scratch", "expected: scout scratch gc");
    int64_t ttl = 0;
    scout_rc rc = ttl_hours(c, &ttl);
    if (rc) return rc;
    scout_scratch_gc_report rep;
    rc = scout_scratch_gc(c->home.dir, ttl, &rep, &c->err);
    if (rc) return rc;
    if (c->json)
        return cli_print_json(c, json_pack("{s:i, s:i, s:I}", "removed", rep.removed, "kept",
                                           rep.kept, "ttl_hours", (json_int_t)ttl));
    printf("scratch: wiped %d file%s not written for %lld h, kept %d\n", rep.removed,
           rep.removed == 1 ? "" : "s", (long long)ttl, rep.kept);
    return SCOUT_OK;
}

void cli_scratch_housekeeping(cli *c)
{
    int64_t ttl = 0;
    bool ran = false;
    scout_scratch_gc_report rep;
    scout_err err = {0};
    /* A broken scout.yaml is the command's own error to report, not ours. */
    if (ttl_hours(c, &ttl)) ttl = 24;
    scout_err_clear(&c->err);
    if (scout_scratch_gc_maybe(c->home.dir, ttl, 0, &ran, &rep, &err))
        scout_log(SCOUT_LOG_DEBUG, "scratch gc skipped: %s", err.msg);
    else if (ran && rep.removed)
        scout_log(SCOUT_LOG_DEBUG, "scratch gc: wiped %d expired scratch file(s)", rep.removed);
}

const cli_command cli_cmd_scratch = {
    "scratch", "wipe expired per-user scratch areas",
    "usage: scout scratch gc [--json]\n"
    "\n"
    "Each user's temporary tables live in HOME/scratch/USER.db, attached as\n"
    "schema `scratch` on that user's connection only. `gc` deletes every\n"
    "scratch file not written for limits.scratch_ttl_hours (default 24). `scout\n"
    "ask`, `scout index` and `scout chat` run the same collection on the way,\n"
    "at most once an hour per home (HOME/scratch/.gc-stamp), never waiting on\n"
    "another process.\n",
    run_scratch};
