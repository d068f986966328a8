/* scratch.c — per-user scratch files: create 0600, attach, wipe after a TTL
 * (see scratch.h). */
#include "guard/scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fsutil.h"

#define SCRATCH_DEFAULT_TTL_HOURS 24

/* A user name becomes a file name: only characters that cannot form a path
 * separator or a hidden/relative name are accepted. */
static bool plain_name(const char *user)
{
    if (!user || !user[0] || user[0] == '.' || strlen(user) > 128) return false;
    for (const char *p = user; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' || ch == '@';
        if (!ok) return false;
    }
    return true;
}

static scout_rc scratch_dir(const char *home, char *out, size_t cap, scout_err *err)
{
    if (!home || !home[0]) return scout_err_set(err, SCOUT_EUSER, "scratch: no scout home");
    int n = snprintf(out, cap, "%s/scratch", home);
    if (n < 0 || (size_t)n >= cap)
        return scout_err_set(err, SCOUT_ELIMIT, "scratch: home path too long");
    return SCOUT_OK;
}

scout_rc scout_scratch_path(const char *home, const char *user, char *out, size_t cap,
                            scout_err *err)
{
    if (!plain_name(user))
        return scout_err_set(err, SCOUT_EUSER, "scratch: user name '%s' cannot name a file",
                             user ? user : "");
    char dir[SCOUT_SCRATCH_PATH_MAX];
    scout_rc rc = scratch_dir(home, dir, sizeof dir, err);
    if (rc) return rc;
    int n = snprintf(out, cap, "%s/%s.db", dir, user);
    if (n < 0 || (size_t)n >= cap)
        return scout_err_set(err, SCOUT_ELIMIT, "scratch: path too long");
    return SCOUT_OK;
}

/* The directory holds every user's file: only scout's OS user may list it. */
static scout_rc ensure_dir(const char *dir, scout_err *err)
{
    scout_rc rc = scout_mkdir_p(dir, err);
    if (rc) return rc;
    if (chmod(dir, 0700) != 0)
        return scout_err_set(err, SCOUT_EIO, "scratch: cannot restrict %s: %s", dir,
                             strerror(errno));
    return SCOUT_OK;
}

/* Creates the file 0600 (O_NOFOLLOW: a planted symlink is refused, never
 * followed) and re-applies 0600 to an existing one. */
static scout_rc ensure_file(const char *path, scout_err *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return scout_err_set(err, SCOUT_EIO, "scratch: cannot create %s: %s", path,
                             strerror(errno));
    int r = fchmod(fd, 0600);
    close(fd);
    if (r != 0)
        return scout_err_set(err, SCOUT_EIO, "scratch: cannot restrict %s: %s", path,
                             strerror(errno));
    return SCOUT_OK;
}

scout_rc scout_scratch_open(scout_wh *wh, const char *home, const char *user, scout_err *err)
{
    char dir[SCOUT_SCRATCH_PATH_MAX], path[SCOUT_SCRATCH_PATH_MAX];
    scout_rc rc = scout_scratch_path(home, user, path, sizeof path, err);
    if (!rc) rc = scratch_dir(home, dir, sizeof dir, err);
    if (!rc) rc = ensure_dir(dir, err);
    if (!rc) rc = ensure_file(path, err);
    if (!rc) rc = scout_wh_attach_scratch(wh, path, user, err);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Removes a scratch file and the journals SQLite may have left beside it. */
static void wipe(const char *path)
{
    static const char *const sidecars[] = {"-journal", "-wal", "-shm"};
    char side[SCOUT_SCRATCH_PATH_MAX + 288];
    unlink(path);
    for (size_t i = 0; i < sizeof sidecars / sizeof sidecars[0]; i++) {
        int n = snprintf(side, sizeof side, "%s%s", path, sidecars[i]);
        if (n > 0 && (size_t)n < sizeof side) unlink(side);
    }
}

scout_rc scout_scratch_gc(const char *home, int64_t ttl_hours, scout_scratch_gc_report *rep,
                          scout_err *err)
{
    scout_scratch_gc_report local = {0};
    if (!rep) rep = &local;
    memset(rep, 0, sizeof *rep);
    if (ttl_hours <= 0) ttl_hours = SCRATCH_DEFAULT_TTL_HOURS;
    char dir[SCOUT_SCRATCH_PATH_MAX];
    scout_rc rc = scratch_dir(home, dir, sizeof dir, err);
    if (rc) return rc;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) return SCOUT_OK; /* nobody has used scratch yet */
        return scout_err_set(err, SCOUT_EIO, "scratch: cannot read %s: %s", dir, strerror(errno));
    }
    time_t cutoff = time(NULL) - (time_t)(ttl_hours * 3600);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".db")) continue;
        char path[SCOUT_SCRATCH_PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (st.st_mtime < cutoff) {
            wipe(path);
            rep->removed++;
        } else {
            rep->kept++;
        }
    }
    closedir(d);
    return SCOUT_OK;
}

/* Opens (creating) the stamp whose mtime says when gc last ran; *created
 * says it did not exist, i.e. gc has never run on this home. */
static int open_stamp(const char *path, bool *created)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    *created = fd >= 0;
    if (fd < 0 && errno == EEXIST) fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    return fd;
}

scout_rc scout_scratch_gc_maybe(const char *home, int64_t ttl_hours, int64_t interval_s, bool *ran,
                                scout_scratch_gc_report *rep, scout_err *err)
{
    *ran = false;
    if (rep) memset(rep, 0, sizeof *rep);
    char dir[SCOUT_SCRATCH_PATH_MAX];
    scout_rc rc = scratch_dir(home, dir, sizeof dir, err);
    if (rc) return rc;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return SCOUT_OK; /* nobody used scratch */
    char stamp[SCOUT_SCRATCH_PATH_MAX + 32];
    int n = snprintf(stamp, sizeof stamp, "%s/%s", dir, SCOUT_SCRATCH_GC_STAMP);
    if (n < 0 || (size_t)n >= sizeof stamp)
        return scout_err_set(err, SCOUT_EUSER, "scratch: home path too long");
    bool created = false;
    int fd = open_stamp(stamp, &created);
    if (fd < 0)
        return scout_err_set(err, SCOUT_EIO, "scratch: cannot open %s: %s", stamp, strerror(errno));
    /* Another process collecting right now is as good as collecting: never wait. */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return SCOUT_OK;
    }
    if (interval_s <= 0) interval_s = SCOUT_SCRATCH_GC_INTERVAL_S;
    bool due = created || (fstat(fd, &st) == 0 && time(NULL) - st.st_mtime >= interval_s);
    if (due) {
        rc = scout_scratch_gc(home, ttl_hours, rep, err);
        /* Stamped even after a failure, so a broken file is retried hourly, not per command. */
        (void)futimens(fd, NULL);
        *ran = !rc;
    }
    close(fd); /* drops the lock */
    return rc;
}
