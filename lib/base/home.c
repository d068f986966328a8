#include "base/home.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/fsutil.h"

static char *make_absolute(const char *dir)
{
    if (dir[0] == '/') return scout_strdup(dir);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return NULL;
    return scout_path_join(cwd, dir);
}

scout_rc scout_home_resolve(const char *flag, scout_home *out, scout_err *err)
{
    memset(out, 0, sizeof *out);
    const char *dir = flag;
    if (!dir || !*dir) dir = getenv("SCOUT_HOME");
    if (!dir || !*dir) dir = ".scout";
    out->dir = make_absolute(dir);
    if (!out->dir) return scout_err_set(err, SCOUT_EIO, "cannot resolve home directory '%s'", dir);
    out->config = scout_path_join(out->dir, "scout.yaml");
    out->catalog = scout_path_join(out->dir, "catalog.db");
    out->sessions = scout_path_join(out->dir, "sessions.db");
    out->results = scout_path_join(out->dir, "results");
    out->scratch = scout_path_join(out->dir, "scratch");
    out->context = scout_path_join(out->dir, "context");
    if (!out->config || !out->catalog || !out->sessions || !out->results || !out->scratch ||
        !out->context) {
        scout_home_free(out);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    return SCOUT_OK;
}

scout_rc scout_home_init(const scout_home *home, bool *created_config, scout_err *err)
{
    if (created_config) *created_config = false;
    scout_rc rc = scout_mkdir_p(home->dir, err);
    if (!rc) rc = scout_mkdir_p(home->results, err);
    if (!rc) rc = scout_mkdir_p(home->scratch, err);
    if (!rc) rc = scout_mkdir_p(home->context, err);
    if (rc || scout_path_exists(home->config)) return rc;
    const char *t = scout_config_template();
    rc = scout_write_file_atomic(home->config, t, strlen(t), err);
    if (!rc && created_config) *created_config = true;
    return rc;
}

void scout_home_free(scout_home *home)
{
    if (!home) return;
    free(home->dir);
    free(home->config);
    free(home->catalog);
    free(home->sessions);
    free(home->results);
    free(home->scratch);
    free(home->context);
    memset(home, 0, sizeof *home);
}
