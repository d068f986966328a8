#include "llm/sse.h"

#include <string.h>

void scout_sse_init(scout_sse *p, scout_sse_event_fn fn, void *ud)
{
    memset(p, 0, sizeof *p);
    /* One line can hold a whole event's data, so both share the same bound. */
    scout_buf_init(&p->line, SCOUT_SSE_DATA_MAX + 64);
    scout_buf_init(&p->event, 256);
    scout_buf_init(&p->data, SCOUT_SSE_DATA_MAX);
    p->fn = fn;
    p->ud = ud;
}

void scout_sse_free(scout_sse *p)
{
    scout_buf_free(&p->line);
    scout_buf_free(&p->event);
    scout_buf_free(&p->data);
}

bool scout_sse_pending(const scout_sse *p)
{
    return p->line.len > 0 || p->has_data;
}

static scout_rc dispatch(scout_sse *p, scout_err *err)
{
    scout_rc rc = SCOUT_OK;
    if (p->has_data) {
        p->events++;
        rc = p->fn(p->ud, scout_buf_cstr(&p->event), scout_buf_cstr(&p->data), p->data.len, err);
    }
    scout_buf_reset(&p->event);
    scout_buf_reset(&p->data);
    p->has_data = false;
    return rc;
}

static scout_rc too_big(scout_err *err)
{
    return scout_err_set(err, SCOUT_ELIMIT, "stream event larger than %zu bytes",
                         (size_t)SCOUT_SSE_DATA_MAX);
}

/* Applies one complete line (without its terminator) per the SSE spec:
 * blank dispatches, ':' is a comment, "field: value" with one optional space. */
static scout_rc process_line(scout_sse *p, const char *s, size_t n, scout_err *err)
{
    if (n == 0) return dispatch(p, err);
    if (s[0] == ':') return SCOUT_OK;
    const char *colon = memchr(s, ':', n);
    size_t flen = colon ? (size_t)(colon - s) : n;
    const char *val = colon ? colon + 1 : s + n;
    size_t vlen = (size_t)(s + n - val);
    if (vlen && val[0] == ' ') {
        val++;
        vlen--;
    }
    if (flen == 4 && !memcmp(s, "data", 4)) {
        if (p->has_data && scout_buf_putc(&p->data, '\n')) return too_big(err);
        if (scout_buf_append(&p->data, val, vlen)) return too_big(err);
        p->has_data = true;
    } else if (flen == 5 && !memcmp(s, "event", 5)) {
        scout_buf_reset(&p->event);
        if (scout_buf_append(&p->event, val, vlen))
            return scout_err_set(err, SCOUT_ELIMIT, "stream event name too long");
    }
    /* id: and retry: matter only to browsers that reconnect; ignored. */
    return SCOUT_OK;
}

scout_rc scout_sse_feed(scout_sse *p, const char *bytes, size_t n, scout_err *err)
{
    size_t i = 0;
    while (i < n) {
        char c = bytes[i];
        if (c == '\n' && p->after_cr) { /* the LF of a CRLF already ended the line */
            p->after_cr = false;
            i++;
            continue;
        }
        p->after_cr = false;
        /* Append the run of ordinary bytes in one go. */
        size_t j = i;
        while (j < n && bytes[j] != '\n' && bytes[j] != '\r') j++;
        if (j > i && scout_buf_append(&p->line, bytes + i, j - i)) return too_big(err);
        if (j == n) break;
        p->after_cr = bytes[j] == '\r';
        scout_rc rc = process_line(p, scout_buf_cstr(&p->line), p->line.len, err);
        scout_buf_reset(&p->line);
        if (rc) return rc;
        i = j + 1;
    }
    return SCOUT_OK;
}
