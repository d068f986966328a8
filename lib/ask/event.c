/* event.c — see event.h. */
#include "ask/event.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/fsutil.h"

static const char *const type_names[SCOUT_EVENT_TYPE_COUNT] = {
    "status", "candidates", "table_choice", "sql",  "result",
    "chart",  "answer",     "self_eval",    "error"};

const char *scout_event_type_name(scout_event_type t)
{
    return (unsigned)t < SCOUT_EVENT_TYPE_COUNT ? type_names[t] : "unknown";
}

scout_rc scout_event_stream_init(scout_event_stream *s, scout_event_fn fn, void *ud, bool keep,
                                 scout_err *err)
{
    s->fn = fn;
    s->ud = ud;
    s->seq = 0;
    s->t0_ms = scout_now_ms();
    s->log = keep ? json_array() : NULL;
    if (keep && !s->log) return scout_err_set(err, SCOUT_ENOMEM, "out of memory for events");
    return SCOUT_OK;
}

void scout_event_stream_free(scout_event_stream *s)
{
    if (!s) return;
    json_decref(s->log);
    s->log = NULL;
}

scout_rc scout_event_emit(scout_event_stream *s, scout_event_type t, json_t *data)
{
    if (!s) {
        json_decref(data);
        return SCOUT_OK;
    }
    json_t *ev = json_object();
    if (!ev) {
        json_decref(data);
        return SCOUT_ENOMEM;
    }
    /* The header fields come first so a reader sees the type before the payload. */
    json_object_set_new(ev, "type", json_string(scout_event_type_name(t)));
    json_object_set_new(ev, "seq", json_integer((json_int_t)++s->seq));
    double t_ms = scout_now_ms() - s->t0_ms;
    json_object_set_new(ev, "t_ms", json_real((double)(long long)(t_ms * 100) / 100));
    if (data && json_is_object(data)) json_object_update_missing(ev, data);
    json_decref(data);
    if (s->fn) s->fn(s->ud, ev);
    if (s->log) json_array_append(s->log, ev);
    json_decref(ev);
    return SCOUT_OK;
}

scout_rc scout_event_status(scout_event_stream *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return scout_event_emit(s, SCOUT_EVENT_STATUS, json_pack("{s:s}", "message", msg));
}

const json_t *scout_event_stream_log(const scout_event_stream *s)
{
    return s ? s->log : NULL;
}

scout_rc scout_event_line(const json_t *ev, scout_buf *out, scout_err *err)
{
    char *s = json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!s) return scout_err_set(err, SCOUT_ENOMEM, "out of memory for an event line");
    scout_rc rc = scout_buf_puts(out, s);
    if (!rc) rc = scout_buf_putc(out, '\n');
    free(s);
    return rc ? scout_err_set(err, rc, "event line does not fit") : SCOUT_OK;
}
