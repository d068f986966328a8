#include "support/fixtures.h"

#include <criterion/criterion.h>
#include <sodium.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"

/* lstat, so a symlink is removed itself and never followed out of the tree. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char *child = scout_path_join(path, e->d_name);
            if (child) remove_tree(child);
            free(child);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

void test_rm_rf(const char *path)
{
    if (!path || strncmp(path, "/tmp/", 5) != 0 || strstr(path, "/../")) return;
    remove_tree(path);
}

char *test_db_text(const char *db_path, const char *sql)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK, "cannot open %s", db_path);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    const unsigned char *v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    char *out = strdup(v ? (const char *)v : "");
    cr_assert_not_null(out);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

void test_file_sha256(const char *path, char out[65])
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot read %s", path);
    cr_assert_geq(sodium_init(), 0);
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[8192], h[32];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) crypto_hash_sha256_update(&st, buf, n);
    fclose(f);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}
