#include "base/fsutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

char *scout_path_join(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !dir[0]) return scout_strdup(name);
    size_t dl = strlen(dir), nl = strlen(name);
    while (dl > 1 && dir[dl - 1] == '/') dl--;
    char *p = malloc(dl + 1 + nl + 1);
    if (!p) return NULL;
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}

scout_rc scout_mkdir_p(const char *dir, scout_err *err)
{
    char *p = scout_strdup(dir);
    if (!p) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            scout_err_set(err, SCOUT_EIO, "%s: cannot create directory: %s", p, strerror(errno));
            free(p);
            return SCOUT_EIO;
        }
        *s = '/';
    }
    scout_rc rc = SCOUT_OK;
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        rc = scout_err_set(err, SCOUT_EIO, "%s: cannot create directory: %s", p, strerror(errno));
    else if (!scout_path_is_dir(p))
        rc = scout_err_set(err, SCOUT_EIO, "%s: exists and is not a directory", p);
    free(p);
    return rc;
}

bool scout_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

bool scout_path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

size_t scout_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);
    size_t c = len < n - 1 ? len : n - 1;
    memcpy(dst, src, c);
    dst[c] = '\0';
    return len;
}

char *scout_strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

bool scout_glob_match(const char *pat, const char *s)
{
    /* Iterative matcher with single backtrack point: linear for one '*', no recursion. */
    const char *star = NULL, *mark = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            mark = s;
        } else if (*pat == '?' || tolower((unsigned char)*pat) == tolower((unsigned char)*s)) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++mark;
        } else {
            return false;
        }
    }
    while (*pat == '*') pat++;
    return *pat == '\0';
}

double scout_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
