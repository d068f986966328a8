#include "base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t buf_max(const scout_buf *b)
{
    return b->max ? b->max : SCOUT_BUF_DEFAULT_MAX;
}

void scout_buf_init(scout_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void scout_buf_free(scout_buf *b)
{
    if (!b) return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void scout_buf_reset(scout_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

/* Makes room for `extra` more bytes plus the terminator. */
static scout_rc buf_reserve(scout_buf *b, size_t extra)
{
    size_t max = buf_max(b);
    if (extra > max || b->len > max - extra) return SCOUT_ELIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return SCOUT_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > max + 1) cap = max + 1;
    char *p = realloc(b->data, cap);
    if (!p) return SCOUT_ENOMEM;
    b->data = p;
    b->cap = cap;
    return SCOUT_OK;
}

scout_rc scout_buf_append(scout_buf *b, const void *p, size_t n)
{
    scout_rc rc = buf_reserve(b, n);
    if (rc) return rc;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return SCOUT_OK;
}

scout_rc scout_buf_puts(scout_buf *b, const char *s)
{
    return scout_buf_append(b, s, strlen(s));
}

scout_rc scout_buf_putc(scout_buf *b, char c)
{
    return scout_buf_append(b, &c, 1);
}

scout_rc scout_buf_vprintf(scout_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return SCOUT_EINTERNAL;
    scout_rc rc = buf_reserve(b, (size_t)n);
    if (rc) return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return SCOUT_OK;
}

scout_rc scout_buf_printf(scout_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    scout_rc rc = scout_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *scout_buf_cstr(const scout_buf *b)
{
    return b->data ? b->data : "";
}

char *scout_buf_take(scout_buf *b)
{
    char *s = b->data ? b->data : calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

scout_rc scout_buf_read_file(scout_buf *b, const char *path, scout_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return scout_err_set(err, SCOUT_EIO, "%s: cannot open: %s", path, strerror(errno));
    scout_buf_reset(b);
    char chunk[16384];
    size_t n;
    scout_rc rc = SCOUT_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        rc = scout_buf_append(b, chunk, n);
        if (rc) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (rc == SCOUT_ELIMIT)
        return scout_err_set(err, rc, "%s: file larger than %zu bytes", path, buf_max(b));
    if (rc) return scout_err_set(err, rc, "%s: out of memory", path);
    if (bad) return scout_err_set(err, SCOUT_EIO, "%s: read error", path);
    if (!b->data) scout_buf_append(b, "", 0);
    return SCOUT_OK;
}

scout_rc scout_write_file_atomic(const char *path, const void *data, size_t len, scout_err *err)
{
    scout_buf tmp = SCOUT_BUF_INIT;
    if (scout_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid()))
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        scout_err_set(err, SCOUT_EIO, "%s: cannot create: %s", path, strerror(errno));
        scout_buf_free(&tmp);
        return SCOUT_EIO;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        p += w;
        left -= (size_t)w;
    }
    int ok = left == 0 && fsync(fd) == 0;
    ok = (close(fd) == 0) && ok;
    if (!ok || rename(tmp.data, path) != 0) {
        scout_err_set(err, SCOUT_EIO, "%s: write failed: %s", path, strerror(errno));
        unlink(tmp.data);
        scout_buf_free(&tmp);
        return SCOUT_EIO;
    }
    scout_buf_free(&tmp);
    return SCOUT_OK;
}

bool scout_array_grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) return true;
    size_t nc = *cap ? *cap * 2 : 8;
    if (elem == 0 || nc < *cap || nc > SIZE_MAX / elem) return false;
    char *p = realloc(*arr, nc * elem);
    if (!p) return false;
    memset(p + *cap * elem, 0, (nc - *cap) * elem);
    *arr = p;
    *cap = nc;
    return true;
}
