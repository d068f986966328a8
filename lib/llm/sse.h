/* sse — an incremental parser for text/event-stream bodies (the streaming
 * format of both OpenAI APIs). Bytes arrive in arbitrary pieces from the
 * network, so a line, a CRLF pair or a UTF-8 character may be split across
 * feeds; the parser keeps the partial line and dispatches an event at each
 * blank line. Lines and event data are bounded: oversized input fails. */
#ifndef SCOUT_LLM_SSE_H
#define SCOUT_LLM_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define SCOUT_SSE_DATA_MAX ((size_t)4 << 20) /* bytes of one event's data */

/* Called once per complete event. event is the "event:" field ("" when none,
 * "message" is not substituted); data is the joined "data:" lines (without
 * the final newline). Both are borrowed for the duration of the call. A
 * non-OK return stops parsing and is returned by scout_sse_feed. */
typedef scout_rc (*scout_sse_event_fn)(void *ud, const char *event, const char *data,
                                       size_t data_len, scout_err *err);

typedef struct scout_sse {
    scout_buf line;  /* the current, unterminated line */
    scout_buf event; /* the current event's type */
    scout_buf data;  /* the current event's data lines */
    bool has_data;   /* a data: field was seen since the last dispatch */
    bool after_cr;   /* the previous byte was CR, so a following LF is not a new line */
    size_t events;   /* events dispatched so far */
    scout_sse_event_fn fn;
    void *ud;
} scout_sse;

/* Prepares a parser that calls fn(ud, ...) for each event. */
void scout_sse_init(scout_sse *p, scout_sse_event_fn fn, void *ud);

/* Feeds n bytes. Errors: SCOUT_ELIMIT when a line or an event's data exceeds
 * SCOUT_SSE_DATA_MAX, or whatever the callback returned. */
scout_rc scout_sse_feed(scout_sse *p, const char *bytes, size_t n, scout_err *err);

/* True when bytes of an undispatched event are pending (a truncated stream). */
bool scout_sse_pending(const scout_sse *p);

/* Releases the parser's buffers; safe to call twice. */
void scout_sse_free(scout_sse *p);

#endif
