/* event — the steps of an answer as a stream of small JSON objects (DESIGN
 * §2): status, candidates, table_choice, sql, result, chart, answer,
 * self_eval, error. Producers (the offline pipeline now, the LLM agent later)
 * emit through a sink; front-ends render the same stream (CLI JSON lines,
 * SSE, MCP). A sink may also keep every event so the final answer can carry
 * its own trace. */
#ifndef SCOUT_ASK_EVENT_H
#define SCOUT_ASK_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

typedef enum scout_event_type {
    SCOUT_EVENT_STATUS = 0,   /* {"message"} progress in words */
    SCOUT_EVENT_CANDIDATES,   /* {"candidates":[{table, score, fit, why, missing?, caveats}]} */
    SCOUT_EVENT_TABLE_CHOICE, /* {"table", "why", "rejected":[{table, why}], "margin"} */
    SCOUT_EVENT_SQL,          /* {"sql", "source", "tables"} */
    SCOUT_EVENT_RESULT,       /* {"id", "link", "row_count", "elapsed_ms", "truncated"} */
    SCOUT_EVENT_CHART,        /* {"kind", "why"} */
    SCOUT_EVENT_ANSWER,       /* {"text", "confidence"} */
    SCOUT_EVENT_SELF_EVAL,    /* {"checks":[...], "confidence"} */
    SCOUT_EVENT_ERROR,        /* {"message", "code"} */
    SCOUT_EVENT_TYPE_COUNT
} scout_event_type;

/* "status", "candidates", ... Static. */
const char *scout_event_type_name(scout_event_type t);

/* Receives each event as it happens. ev is borrowed for the call only
 * (json_incref it to keep it). */
typedef void (*scout_event_fn)(void *ud, const json_t *ev);

/* A stream: an optional live callback plus an optional in-memory log of
 * every event. Zero-initialise (or scout_event_stream_init), then emit. */
typedef struct scout_event_stream {
    scout_event_fn fn; /* may be NULL */
    void *ud;
    json_t *log;  /* JSON array of every event when keep was asked; else NULL */
    size_t seq;   /* events emitted so far */
    double t0_ms; /* monotonic start; events carry "t_ms" relative to it */
} scout_event_stream;

/* Prepares a stream; keep = record every event in s->log. */
scout_rc scout_event_stream_init(scout_event_stream *s, scout_event_fn fn, void *ud, bool keep,
                                 scout_err *err);

/* Frees the log; the stream can be initialised again. */
void scout_event_stream_free(scout_event_stream *s);

/* Emits one event: {"type", "seq", "t_ms", ...data's fields}. Takes ownership
 * of data (a JSON object, may be NULL for a bare event). s may be NULL (the
 * event is dropped). Returns SCOUT_ENOMEM only when the event could not be
 * built; a sink never fails the producer. */
scout_rc scout_event_emit(scout_event_stream *s, scout_event_type t, json_t *data);

/* Shorthand for a status event with a printf-style message. */
scout_rc scout_event_status(scout_event_stream *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The log (borrowed; NULL when not kept). */
const json_t *scout_event_stream_log(const scout_event_stream *s);

/* Appends ev as one JSON line (compact, '\n'-terminated): the wire form for
 * CLI --events and SSE data lines. */
scout_rc scout_event_line(const json_t *ev, scout_buf *out, scout_err *err);

#endif
