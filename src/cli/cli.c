/* Shared helpers of the CLI commands: lazy config/catalog, JSON, progress. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/fsutil.h"

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

scout_rc cli_principal(cli *c, scout_principal *p)
{
    memset(p, 0, sizeof *p);
    scout_rc rc = scout_path_exists(c->home.config) ? cli_load_config(c) : SCOUT_OK;
    if (rc) return rc;
    const char *me = os_user();
    scout_principal self;
    bool self_known = scout_principal_from_config(c->cfg, me, &self, NULL) == SCOUT_OK;
    if (!c->as_user) {
        if (self_known)
            *p = self;
        else
            p->user = me;
        return SCOUT_OK;
    }
    /* root owns every file of the home anyway; anyone else must be a scout admin. */
    if (geteuid() != 0 && !(self_known && self.admin))
        return scout_err_set(&c->err, SCOUT_EDENIED,
                             "--as is only allowed to scout admins ('%s' is not one)", me);
    return scout_principal_from_config(c->cfg, c->as_user, p, &c->err);
}
