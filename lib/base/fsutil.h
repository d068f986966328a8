/* fsutil — small filesystem and string helpers shared by every module:
 * path joining, mkdir -p, existence checks, and bounded string copies. */
#ifndef SCOUT_BASE_FSUTIL_H
#define SCOUT_BASE_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* Joins dir and name with one '/' into a new heap string (caller frees).
 * An absolute name is returned as a copy unchanged. NULL on allocation failure. */
char *scout_path_join(const char *dir, const char *name);

/* Creates dir and its missing parents (mode 0755). Existing dirs are fine. */
scout_rc scout_mkdir_p(const char *dir, scout_err *err);

bool scout_path_exists(const char *path);
bool scout_path_is_dir(const char *path);

/* Copies src into dst (size n, n > 0), truncating; always NUL-terminates.
 * Returns the length of src so truncation can be detected (>= n). */
size_t scout_strlcpy(char *dst, const char *src, size_t n);

/* strdup that returns NULL for NULL. */
char *scout_strdup(const char *s);

/* Case-insensitive glob match supporting '*' and '?' (for table patterns). */
bool scout_glob_match(const char *pattern, const char *text);

/* Monotonic clock in milliseconds (for limits and durations). */
double scout_now_ms(void);

#endif
