/* Shared helpers of the CLI commands: lazy config/catalog, JSON, progress. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "guard/audit.h"
#include "guard/grants.h"
#include "guard/identity.h"

scout_rc cli_load_config(cli *c)
{
    if (c->cfg) return SCOUT_OK;
    return scout_config_load(c->home.config, &c->cfg, &c->err);
}

scout_rc cli_open_catalog(cli *c)
{
    if (c->cat) return SCOUT_OK;
    scout_rc rc = scout_mkdir_p(c->home.dir, &c->err);
    if (rc) return rc;
    return scout_catalog_open(c->home.catalog, &c->cat, &c->err);
}

scout_rc cli_print_json(cli *c, json_t *v)
{
    if (!v) return scout_err_set(&c->err, SCOUT_ENOMEM, "out of memory building JSON");
    int bad = json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(v);
    fputc('\n', stdout);
    return bad ? scout_err_set(&c->err, SCOUT_EIO, "cannot write JSON to stdout") : SCOUT_OK;
}

bool cli_is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

scout_rc cli_usage_error(cli *c, const char *cmd, const char *what)
{
    return scout_err_set(&c->err, SCOUT_EUSER, "%s: %s (see 'scout %s --help')", cmd, what, cmd);
}

static bool progress_is_tty(const cli *c)
{
    return !c->quiet && isatty(STDERR_FILENO);
}

void cli_progress(cli *c, const char *label, size_t done, size_t total, const char *item)
{
    if (c->quiet) return;
    if (!progress_is_tty(c)) {
        fprintf(stderr, "%s %zu/%zu %s\n", label, done, total, item ? item : "");
        return;
    }
    enum { WIDTH = 30 };
    size_t filled = total ? done * WIDTH / total : WIDTH;
    char bar[WIDTH + 1];
    for (size_t i = 0; i < WIDTH; i++) bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    /* \033[K clears the rest of the line so a shorter item leaves no residue. */
    fprintf(stderr, "\r%s [%s] %zu/%zu %.48s\033[K", label, bar, done, total, item ? item : "");
    fflush(stderr);
}

void cli_progress_done(cli *c)
{
    if (progress_is_tty(c)) fputc('\n', stderr);
}

/* The login name of the process owner; "unknown" if the system has none. */
static const char *os_user(void)
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name) return pw->pw_name;
    const char *u = getenv("USER");
    return u && *u ? u : "unknown";
}

/* Looks name up in the identity store (users from scout.yaml plus those added
 * with `scout users add`, with every group they belong to). *found is false
 * when the name is unknown; a disabled user is an error. */
static scout_rc lookup_user(cli *c, const char *name, scout_identity_user **out, bool *found)
{
    *out = NULL;
    *found = false;
    scout_err e = {0};
    scout_rc rc = scout_identity_user_get(c->ident, name, out, &e);
    if (rc == SCOUT_ENOTFOUND) return SCOUT_OK;
    if (rc) return scout_err_set(&c->err, rc, "%s", e.msg);
    *found = true;
    return SCOUT_OK;
}

scout_rc cli_principal(cli *c, scout_principal *p)
{
    memset(p, 0, sizeof *p);
    scout_rc rc = scout_path_exists(c->home.config) ? cli_load_config(c) : SCOUT_OK;
    if (!rc) rc = cli_open_catalog(c);
    if (!rc && !c->ident) rc = scout_identity_open(c->cat, c->cfg, &c->ident, &c->err);
    if (rc) return rc;
    const char *me = os_user();
    scout_identity_user *self = NULL;
    bool self_known;
    rc = lookup_user(c, me, &self, &self_known);
    if (rc) return rc;
    bool self_admin = self_known && scout_identity_user_principal(self)->admin;
    if (!c->as_user) {
        c->user = self;
        if (self_known)
            *p = *scout_identity_user_principal(self);
        else
            p->user = me;
        /* root can read every file of the home and the warehouses anyway, so on
         * the CLI it acts as a scout admin (and --as lets it act as anyone). */
        if (geteuid() == 0) p->admin = true;
        return SCOUT_OK;
    }
    scout_identity_user_free(self);
    /* root owns every file of the home anyway; anyone else must be a scout admin. */
    if (geteuid() != 0 && !self_admin)
        return scout_err_set(&c->err, SCOUT_EDENIED,
                             "--as is only allowed to scout admins ('%s' is not one)", me);
    bool known;
    rc = lookup_user(c, c->as_user, &c->user, &known);
    if (rc) return rc;
    if (!known) return scout_err_set(&c->err, SCOUT_ENOTFOUND, "unknown user '%s'", c->as_user);
    *p = *scout_identity_user_principal(c->user);
    return SCOUT_OK;
}

scout_rc cli_grants(cli *c, struct scout_grants **out)
{
    scout_rc rc = SCOUT_OK;
    if (!c->grants) {
        if (!c->cfg && scout_path_exists(c->home.config)) rc = cli_load_config(c);
        if (!rc) rc = cli_open_catalog(c);
        if (!rc) rc = scout_grants_load(c->cat, c->cfg, &c->grants, &c->err);
    }
    *out = c->grants;
    return rc;
}

scout_rc cli_can_read(cli *c, const scout_principal *who, const char *fqname, bool *ok)
{
    scout_grants *g = NULL;
    scout_rc rc = cli_grants(c, &g);
    *ok = !rc && scout_grants_can_read_table(g, who, fqname);
    return rc;
}

scout_rc cli_audit(cli *c, struct scout_audit **out)
{
    scout_rc rc = SCOUT_OK;
    if (!c->audit) {
        char path[4096];
        rc = scout_audit_path(c->home.dir, path, sizeof path, &c->err);
        if (!rc) rc = scout_audit_open(path, &c->audit, &c->err);
    }
    *out = c->audit;
    return rc;
}

void cli_print_step(const json_t *ev)
{
    const char *msg = json_string_value(json_object_get(ev, "message"));
    const char *sql = json_string_value(json_object_get(ev, "sql"));
    const char *type = json_string_value(json_object_get(ev, "type"));
    if (msg)
        fprintf(stderr, "  · %s\n", msg);
    else if (sql)
        fprintf(stderr, "  · sql: %s\n", sql);
    else if (type)
        fprintf(stderr, "  · %s\n", type);
}
