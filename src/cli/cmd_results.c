/* scout results — the asker's stored results (scout://results/ID): `list`
 * shows their own, newest first; `show ID` prints one. Both re-check the
 * result's tables against the asker's CURRENT grants: a result read from a
 * table whose access was revoked since is refused, audited, never printed. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "ask/results.h"
#include "base/buf.h"
#include "cli.h"
#include "render/table.h"

typedef struct list_ctx {
    cli *c;
    json_t *all;
    size_t n;
} list_ctx;

static int print_row(void *ud, const scout_results_row *r)
{
    list_ctx *l = ud;
    l->n++;
    if (l->c->json) {
        json_array_append_new(
            l->all, json_pack("{s:s, s:s?, s:s?, s:s, s:I, s:b, s:s?}", "id", r->id, "question",
                              r->question, "source", r->source, "created_at", r->created_at,
                              "row_count", (json_int_t)(r->revoked ? -1 : r->row_count), "access",
                              !r->revoked, "revoked_table", r->revoked));
        return 0;
    }
    if (r->revoked)
        printf("%s  %s  (no access: you no longer have access to %s)\n", r->id, r->created_at,
               r->revoked);
    else
        printf("%s  %s  %6lld rows  %.60s\n", r->id, r->created_at, (long long)r->row_count,
               r->question ? r->question : "");
    return 0;
}

static scout_rc run_list(cli *c, const scout_principal *who, struct scout_grants *g)
{
    list_ctx l = {c, json_array(), 0};
    scout_rc rc = scout_results_list(c->home.results, who, g, 0, print_row, &l, &c->err);
    if (!rc && c->json) return cli_print_json(c, l.all);
    json_decref(l.all);
    if (!rc && !l.n && !c->quiet) printf("no stored results for %s\n", who->user);
    return rc;
}

static scout_rc print_stored(cli *c, json_t *o)
{
    scout_result *res = NULL;
    scout_rc rc = scout_result_from_json(json_object_get(o, "result"), 0, 0, &res, &c->err);
    if (rc) return rc;
    scout_result_infer(res);
    const char *q = json_string_value(json_object_get(o, "question"));
    const char *sql = json_string_value(json_object_get(o, "sql"));
    printf("Result %s (%s, %s)\n", json_string_value(json_object_get(o, "id")),
           json_string_value(json_object_get(o, "source")),
           json_string_value(json_object_get(o, "created_at")));
    if (q) printf("Question: %s\n", q);
    if (sql) printf("SQL:\n  %s\n", sql);
    scout_buf b = SCOUT_BUF_INIT;
    scout_table_opts to = {0};
    rc = scout_table_render(&b, res, &to, &c->err);
    if (!rc) fputs(scout_buf_cstr(&b), stdout);
    scout_buf_free(&b);
    scout_result_free(res);
    return rc;
}

static scout_rc run_show(cli *c, const scout_principal *who, struct scout_grants *g, const char *id)
{
    struct scout_audit *audit = NULL;
    scout_rc rc = cli_audit(c, &audit);
    json_t *o = NULL;
    if (!rc) rc = scout_results_open(c->home.results, id, who, g, audit, &o, &c->err);
    if (rc) return rc;
    rc = c->json ? cli_print_json(c, json_incref(o)) : print_stored(c, o);
    json_decref(o);
    return rc;
}

static scout_rc run_results(cli *c, int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : "list";
    bool list = !strcmp(verb, "list");
    if (!(list && argc <= 2) && !(!strcmp(verb, "show") && argc == 3))
        return cli_usage_error(c, "results", "expected: scout results [list] | show ID");
    scout_principal who;
    struct scout_grants *g = NULL;
    scout_rc rc = cli_principal(c, &who);
    if (!rc) rc = cli_grants(c, &g);
    if (rc) return rc;
    return list ? run_list(c, &who, g) : run_show(c, &who, g, argv[2]);
}

const cli_command cli_cmd_results = {
    "results", "list or show your stored results (scout://results/ID)",
    "usage: scout results [list] [--json]\n"
    "       scout results show ID|scout://results/ID [--json]\n"
    "\n"
    "Every answer's rows are stored under HOME/results/, readable by their\n"
    "owner only. `list` shows your results, newest first; `show` prints one\n"
    "with its question and SQL. Both check the result's tables against your\n"
    "grants as they are now: a result from a table you no longer have access\n"
    "to is refused (and the refusal audited), never printed.\n",
    run_results};
