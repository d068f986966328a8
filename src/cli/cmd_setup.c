/* Setup commands: init (a new home) and demo (the Acme company, indexed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/fsutil.h"
#include "cli.h"
#include "guard/grants.h"

/* First line of a scout.yaml written by `scout demo`: lets a re-run replace
 * its own config while never clobbering one a person wrote. */
static const char DEMO_MARKER[] = "# scout demo: the Acme company";

/* ---- scout init ---- */

static scout_rc run_init(cli *c, int argc, char **argv)
{
    if (argc > 1) return cli_usage_error(c, "init", "takes no arguments");
    bool created = false;
    scout_rc rc = scout_home_init(&c->home, &created, &c->err);
    if (!rc) rc = cli_open_catalog(c);
    if (rc) return rc;
    if (c->json)
        return cli_print_json(c, json_pack("{s:s, s:s, s:b}", "home", c->home.dir, "config",
                                           c->home.config, "created_config", created));
    if (!c->quiet) {
        printf("%s %s\n", created ? "created" : "kept existing", c->home.config);
        printf("next: add your sources to it, then run 'scout index'\n");
    }
    return SCOUT_OK;
}

const cli_command cli_cmd_init = {
    "init", "create a home directory with a commented scout.yaml",
    "usage: scout init\n"
    "\n"
    "Creates the home directory (--home, $SCOUT_HOME or ./.scout) with a\n"
    "commented scout.yaml, an empty catalog and the results/ and scratch/\n"
    "folders. An existing scout.yaml is never overwritten.\n",
    run_init};

/* ---- scout demo ---- */

static void demo_phase(void *ud, const char *phase)
{
    cli *c = ud;
    if (!c->quiet && !c->json) fprintf(stderr, "acme: %s\n", phase);
}

/* Refuses to replace a scout.yaml that `scout demo` did not write. */
static scout_rc check_config_is_ours(cli *c)
{
    if (!scout_path_exists(c->home.config)) return SCOUT_OK;
    scout_buf b;
    scout_buf_init(&b, 1 << 20);
    scout_rc rc = scout_buf_read_file(&b, c->home.config, &c->err);
    bool ours = !rc && !strncmp(scout_buf_cstr(&b), DEMO_MARKER, sizeof DEMO_MARKER - 1);
    scout_buf_free(&b);
    if (rc) return rc;
    if (!ours)
        return scout_err_set(&c->err, SCOUT_EUSER,
                             "%s: exists and was not written by 'scout demo'; use another --home",
                             c->home.config);
    return SCOUT_OK;
}

/* Everything after the sources: context files, limits, and Acme's people
 * (their emails link them to the Slack export; groups drive what they may read). */
static const char DEMO_REST[] =
    "context:\n"
    "  dbt: acme/dbt\n"
    "  curated: acme/context\n"
    "  docs: acme/docs\n"
    "  slack: acme/slack\n"
    "  query_logs: acme/query_log.jsonl\n"
    "  dashboards: acme/dashboards\n"
    "limits:\n  max_rows: 10000\n  max_bytes: 16777216\n"
    "  timeout_ms: 30000\n  crawl_sample_rows: 100000\n"
    "users:\n"
    "  - {name: maya.chen, email: maya.chen@acme.io, groups: [finance, finance-data, exec], admin: "
    "true}\n"
    "  - {name: raj.patel, email: raj.patel@acme.io, groups: [finance, finance-data]}\n"
    "  - {name: liam.brooks, email: liam.brooks@acme.io, groups: [finance, data-platform]}\n"
    "  - {name: priya.nair, email: priya.nair@acme.io, groups: [finance, exec]}\n"
    "  - {name: sofia.alvarez, email: sofia.alvarez@acme.io, groups: [growth-analytics]}\n"
    "  - {name: ben.okafor, email: ben.okafor@acme.io, groups: [growth-analytics, exec]}\n"
    "  - {name: grace.liu, email: grace.liu@acme.io, groups: [growth-analytics, exec]}\n"
    "  - {name: dana.kowalski, email: dkowalski@acme.io, groups: [platform-eng]}\n"
    "  - {name: tom.ashby, email: tom.ashby@acme.io, groups: [revops]}\n"
    "  - {name: elena.rossi, email: elena.rossi@acme.io, groups: [support-ops]}\n"
    "  - {name: jonas.weber, email: jonas.weber@acme.io, groups: [product-management]}\n";

static scout_rc write_demo_config(cli *c)
{
    scout_buf y = SCOUT_BUF_INIT;
    scout_rc rc = scout_buf_printf(&y,
                                   "%s (generated; re-running 'scout demo' replaces it)\n"
                                   "# Every key is documented in docs/configuration.md.\n",
                                   DEMO_MARKER);
    if (!rc) rc = scout_acme_sources_yaml("acme/warehouse", &y);
    if (!rc) rc = scout_buf_puts(&y, DEMO_REST);
    if (rc) {
        scout_buf_free(&y);
        return scout_err_set(&c->err, rc, "cannot build the demo config");
    }
    rc = scout_write_file_atomic(c->home.config, y.data, y.len, &c->err);
    scout_buf_free(&y);
    return rc;
}

static scout_rc parse_demo_args(cli *c, int argc, char **argv, scout_acme_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--seed") || !strcmp(a, "--scale")) && i + 1 < argc) {
            char *end = NULL;
            const char *v = argv[++i];
            if (!strcmp(a, "--seed"))
                o->seed = strtoull(v, &end, 10);
            else
                o->scale = strtod(v, &end);
            if (!*v || *end || (!strcmp(a, "--scale") && (o->scale <= 0 || o->scale > 10)))
                return cli_usage_error(c, "demo",
                                       "--seed needs an integer, --scale a number in (0, 10]");
        } else {
            return cli_usage_error(c, "demo", "unknown argument");
        }
    }
    return SCOUT_OK;
}

static scout_rc print_demo_summary(cli *c, const scout_acme_stats *as, const cli_index_result *res)
{
    if (c->json) {
        json_t *o =
            json_pack("{s:s, s:I, s:I, s:I, s:f}", "home", c->home.dir, "tables",
                      (json_int_t)as->tables, "rows", (json_int_t)as->rows, "query_log_entries",
                      (json_int_t)as->query_log_entries, "generate_ms", as->elapsed_ms);
        json_object_set_new(o, "index", cli_index_report_json(res));
        return cli_print_json(c, o);
    }
    if (c->quiet) return SCOUT_OK;
    printf("Acme is ready in %s\n", c->home.dir);
    printf("generated  %lld tables, %lld rows, %lld query-log entries (%.1f s)\n",
           (long long)as->tables, (long long)as->rows, (long long)as->query_log_entries,
           as->elapsed_ms / 1000.0);
    scout_rc rc = cli_print_index_report(c, res);
    printf("try:\n  scout --home %s status\n  scout --home %s tables revenue\n"
           "  scout --home %s show finance.archive.revenue_daily_v1\n",
           c->home.dir, c->home.dir, c->home.dir);
    return rc;
}

/* Acme's finance source is restricted (default-deny): the finance team and
 * the executives may read it, and everyone else is told where to ask. */
static scout_rc grant_demo_access(cli *c)
{
    static const char *const READERS[] = {"finance", "exec"};
    for (size_t i = 0; i < sizeof READERS / sizeof READERS[0]; i++) {
        scout_rc rc = scout_grants_set(c->cat, SCOUT_GRANT_GROUP, READERS[i], "finance", false,
                                       "demo", &c->err);
        if (rc) return rc;
    }
    return scout_grants_set_contact(c->cat, "finance", "#finance-data", &c->err);
}

static scout_rc run_demo(cli *c, int argc, char **argv)
{
    scout_acme_opts opts = {SCOUT_ACME_DEFAULT_SEED, 1.0, demo_phase, c};
    scout_rc rc = parse_demo_args(c, argc, argv, &opts);
    if (!rc) rc = check_config_is_ours(c);
    if (!rc) rc = scout_home_init(&c->home, NULL, &c->err);
    if (rc) return rc;
    char *acme_dir = scout_path_join(c->home.dir, "acme");
    if (!acme_dir) return scout_err_set(&c->err, SCOUT_ENOMEM, "out of memory");
    scout_acme_stats as;
    memset(&as, 0, sizeof as);
    rc = scout_acme_generate(acme_dir, &opts, &as, &c->err);
    free(acme_dir);
    if (!rc) rc = write_demo_config(c);
    if (!rc) rc = cli_load_config(c);
    if (!rc) rc = cli_open_catalog(c);
    if (rc) return rc;
    cli_index_result res;
    rc = cli_run_index(c, SCOUT_LAYERS_ALL, &res);
    if (!rc) rc = grant_demo_access(c);
    return rc ? rc : print_demo_summary(c, &as, &res);
}

const cli_command cli_cmd_demo = {
    "demo", "generate the Acme demo company and index it",
    "usage: scout demo [--seed N] [--scale X]\n"
    "\n"
    "Generates Acme, a realistic company with finance, subscriptions, product,\n"
    "engineering and sales data (two years, over 2 million rows, many lookalike\n"
    "tables), its dbt project, docs, Slack export, dashboards and query log, into\n"
    "HOME/acme; writes HOME/scout.yaml for it and indexes it. The finance source\n"
    "is restricted: the finance and exec groups are granted it (ask #finance-data).\n"
    "Deterministic:\n"
    "the same seed gives the same data.\n"
    "  --seed N    random seed (default 42)\n"
    "  --scale X   size factor (default 1.0; 0.02 is a quick small company)\n",
    run_demo};
