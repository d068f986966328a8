/* buf — a growable, length-carrying, NUL-terminated byte buffer with a hard
 * maximum size. Appends past the maximum fail with SCOUT_ELIMIT and leave the
 * buffer unchanged, so huge or hostile input fails cleanly instead of eating
 * memory. The struct is public so buffers can live on the stack. */
#ifndef SCOUT_BASE_BUF_H
#define SCOUT_BASE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define SCOUT_BUF_DEFAULT_MAX ((size_t)64 << 20) /* 64 MiB */

typedef struct scout_buf {
    char *data; /* always NUL-terminated once anything was appended; may be NULL when empty */
    size_t len; /* bytes used, excluding the terminator */
    size_t cap; /* bytes allocated */
    size_t max; /* most bytes the buffer may ever hold (0 = SCOUT_BUF_DEFAULT_MAX) */
} scout_buf;

#define SCOUT_BUF_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

/* Prepares an empty buffer that will never grow beyond max bytes (0 = default). */
void scout_buf_init(scout_buf *b, size_t max);

/* Releases the buffer's memory; the buffer is empty and reusable afterwards. */
void scout_buf_free(scout_buf *b);

/* Empties the buffer, keeping its allocation. */
void scout_buf_reset(scout_buf *b);

/* Appends n bytes. SCOUT_ELIMIT past the maximum, SCOUT_ENOMEM if malloc fails. */
scout_rc scout_buf_append(scout_buf *b, const void *p, size_t n);

/* Appends a NUL-terminated string. */
scout_rc scout_buf_puts(scout_buf *b, const char *s);

/* Appends one byte. */
scout_rc scout_buf_putc(scout_buf *b, char c);

/* Appends printf-style formatted text. */
scout_rc scout_buf_printf(scout_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
scout_rc scout_buf_vprintf(scout_buf *b, const char *fmt, va_list ap);

/* The contents as a C string; never NULL ("" when empty). Borrowed. */
const char *scout_buf_cstr(const scout_buf *b);

/* Hands the heap string to the caller (who frees it) and empties the buffer.
 * Returns an allocated "" when empty; NULL only when malloc fails. */
char *scout_buf_take(scout_buf *b);

/* Reads a whole file into b (replacing its contents); fails with SCOUT_ELIMIT
 * when the file is larger than the buffer's maximum, SCOUT_EIO when unreadable. */
scout_rc scout_buf_read_file(scout_buf *b, const char *path, scout_err *err);

/* Makes room for element n of a doubling array of elem-byte items: when n
 * reaches *cap, reallocates *arr (first 8, then twice the size), zero-fills the
 * new slots and updates *cap. false (and *arr untouched) when out of memory or
 * the size would overflow. */
bool scout_array_grow(void **arr, size_t *cap, size_t n, size_t elem);

/* Writes len bytes to path atomically (temp file + fsync + rename), so a
 * crash never leaves a half-written file. */
scout_rc scout_write_file_atomic(const char *path, const void *data, size_t len, scout_err *err);

#endif
