/* fake-llm — a scripted OpenAI-compatible HTTP server for tests. It listens
 * on 127.0.0.1 on an ephemeral port (written to --port-file), answers
 * POST .../chat/completions and .../responses from a JSON script, one step
 * per request, streamed as SSE when the request asks for it, and answers
 * .../embeddings with deterministic vectors (no step used). Every request is
 * appended to --log as one JSON line so tests can assert on what was sent.
 * It serves one connection at a time and exits after --lifetime seconds.
 *
 * Script: {"embedding_dims": 8, "steps": [STEP, ...]}; a STEP may have
 *   text          assistant text
 *   tool_calls    [{"id","name","arguments"}]
 *   usage         {"prompt_tokens","completion_tokens"}      (default 10/5)
 *   chunk         bytes per streamed delta                     (default 5)
 *   gap_ms        pause between streamed events
 *   delay_ms      pause before the status line (timeouts)
 *   status, headers, body   an HTTP error (or any fixed reply)
 *   raw           a 200 body sent verbatim (malformed JSON/SSE)
 *   pad_bytes     append this many 'x' to text (oversized replies)
 *   forever       stream text deltas until the client goes away
 *   truncate      stop the stream before its end marker
 *   crlf, comments  CRLF line ends / ": keep-alive" comment lines
 *   byte_writes   write the stream a few bytes at a time */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAX ((size_t)16 << 20)

typedef struct server {
    json_t *script;
    size_t next_step;
    const char *log_path;
} server;

typedef struct conn {
    int fd;
    bool dead; /* a write failed: the client went away */
    bool crlf, comments, byte_writes;
    long gap_ms;
} conn;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

static void put_raw(conn *c, const char *s, size_t n)
{
    while (n && !c->dead) {
        size_t piece = n;
        if (c->byte_writes) piece = n < 3 ? n : 3;
        ssize_t w = send(c->fd, s, piece, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) continue;
            c->dead = true;
            return;
        }
        s += w;
        n -= (size_t)w;
        if (c->byte_writes) sleep_ms(1);
    }
}

static void put(conn *c, const char *s)
{
    put_raw(c, s, strlen(s));
}

static void put_head(conn *c, int status, const char *ctype, json_t *headers, long length)
{
    char line[256];
    snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nConnection: close\r\n",
             status, status == 200 ? "OK" : "Status", ctype);
    put(c, line);
    if (length >= 0) {
        snprintf(line, sizeof line, "Content-Length: %ld\r\n", length);
        put(c, line);
    }
    const char *k;
    json_t *v;
    json_object_foreach(headers, k, v)
    {
        if (!json_is_string(v)) continue;
        snprintf(line, sizeof line, "%s: %s\r\n", k, json_string_value(v));
        put(c, line);
    }
    put(c, "\r\n");
}

static void put_json_body(conn *c, int status, json_t *obj)
{
    char *s = json_dumps(obj, JSON_COMPACT);
    put_head(c, status, "application/json", NULL, (long)strlen(s));
    put(c, s);
    free(s);
}

/* One SSE event: optional event line, one data line, blank line. */
static void put_event(conn *c, const char *event, const char *data)
{
    const char *nl = c->crlf ? "\r\n" : "\n";
    if (c->comments) {
        put(c, ": keep-alive");
        put(c, nl);
    }
    if (event) {
        put(c, "event: ");
        put(c, event);
        put(c, nl);
    }
    put(c, "data: ");
    put(c, data);
    put(c, nl);
    put(c, nl);
    if (c->gap_ms) sleep_ms(c->gap_ms);
}

static void put_event_json(conn *c, const char *event, json_t *obj)
{
    char *s = json_dumps(obj, JSON_COMPACT);
    put_event(c, event, s);
    free(s);
    json_decref(obj);
}

/* ---- step contents ---- */

static long get_int(json_t *o, const char *k, long def)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (long)json_integer_value(v) : def;
}

static bool get_bool(json_t *o, const char *k)
{
    return json_is_true(json_object_get(o, k));
}

/* The step's text plus pad_bytes of 'x' (heap). */
static char *step_text(json_t *step)
{
    const char *t = json_string_value(json_object_get(step, "text"));
    size_t tl = t ? strlen(t) : 0;
    size_t pad = (size_t)get_int(step, "pad_bytes", 0);
    char *s = malloc(tl + pad + 1);
    if (tl) memcpy(s, t, tl);
    memset(s + tl, 'x', pad);
    s[tl + pad] = '\0';
    return s;
}

/* Length of the next piece of s at most `chunk` bytes, not splitting UTF-8. */
static size_t piece_len(const char *s, size_t left, size_t chunk)
{
    size_t n = left < chunk ? left : chunk;
    while (n < left && ((unsigned char)s[n] & 0xC0) == 0x80) n++;
    return n;
}

static json_t *usage_json(json_t *step, bool responses)
{
    json_t *u = json_object_get(step, "usage");
    long p = get_int(u, "prompt_tokens", 10), cpl = get_int(u, "completion_tokens", 5);
    if (responses)
        return json_pack("{s:i, s:i, s:i}", "input_tokens", (int)p, "output_tokens", (int)cpl,
                         "total_tokens", (int)(p + cpl));
    return json_pack("{s:i, s:i, s:i}", "prompt_tokens", (int)p, "completion_tokens", (int)cpl,
                     "total_tokens", (int)(p + cpl));
}

static const char *call_str(json_t *call, const char *k)
{
    const char *s = json_string_value(json_object_get(call, k));
    return s ? s : "";
}

/* ---- Chat Completions ---- */

static json_t *chat_chunk(json_t *delta, const char *finish)
{
    json_t *choice = json_pack("{s:i, s:o, s:o}", "index", 0, "delta", delta, "finish_reason",
                               finish ? json_string(finish) : json_null());
    return json_pack("{s:s, s:s, s:i, s:s, s:[o]}", "id", "chatcmpl-fake", "object",
                     "chat.completion.chunk", "created", 0, "model", "fake", "choices", choice);
}

static void chat_stream_text(conn *c, const char *text, size_t chunk)
{
    size_t len = strlen(text);
    for (size_t o = 0; o < len && !c->dead;) {
        size_t n = piece_len(text + o, len - o, chunk);
        json_t *d = json_pack("{s:s%}", "content", text + o, n);
        put_event_json(c, NULL, chat_chunk(d, NULL));
        o += n;
    }
}

static void chat_stream(conn *c, json_t *step)
{
    put_head(c, 200, "text/event-stream", NULL, -1);
    size_t chunk = (size_t)get_int(step, "chunk", 5);
    put_event_json(c, NULL,
                   chat_chunk(json_pack("{s:s, s:s}", "role", "assistant", "content", ""), NULL));
    if (get_bool(step, "forever")) {
        while (!c->dead) {
            put_event_json(c, NULL, chat_chunk(json_pack("{s:s}", "content", "tick "), NULL));
            sleep_ms(100);
        }
        return;
    }
    char *text = step_text(step);
    chat_stream_text(c, text, chunk);
    free(text);
    json_t *calls = json_object_get(step, "tool_calls");
    for (size_t i = 0; i < json_array_size(calls) && !c->dead; i++) {
        json_t *call = json_array_get(calls, i);
        json_t *fn = json_pack("{s:s, s:s}", "name", call_str(call, "name"), "arguments", "");
        json_t *tc = json_pack("{s:i, s:s, s:s, s:o}", "index", (int)i, "id", call_str(call, "id"),
                               "type", "function", "function", fn);
        put_event_json(c, NULL, chat_chunk(json_pack("{s:[o]}", "tool_calls", tc), NULL));
        const char *args = call_str(call, "arguments");
        size_t len = strlen(args);
        for (size_t o = 0; o < len && !c->dead;) {
            size_t n = piece_len(args + o, len - o, chunk);
            json_t *piece =
                json_pack("{s:i, s:{s:s%}}", "index", (int)i, "function", "arguments", args + o, n);
            put_event_json(c, NULL, chat_chunk(json_pack("{s:[o]}", "tool_calls", piece), NULL));
            o += n;
        }
    }
    if (get_bool(step, "truncate")) return;
    const char *finish = json_array_size(calls) ? "tool_calls" : "stop";
    put_event_json(c, NULL, chat_chunk(json_object(), finish));
    put_event_json(c, NULL,
                   json_pack("{s:s, s:[], s:o}", "id", "chatcmpl-fake", "choices", "usage",
                             usage_json(step, false)));
    put_event(c, NULL, "[DONE]");
}

static void chat_whole(conn *c, json_t *step)
{
    char *text = step_text(step);
    json_t *msg = json_pack("{s:s, s:s}", "role", "assistant", "content", text);
    free(text);
    json_t *calls = json_object_get(step, "tool_calls");
    if (json_array_size(calls)) {
        json_t *tcs = json_array();
        for (size_t i = 0; i < json_array_size(calls); i++) {
            json_t *call = json_array_get(calls, i);
            json_array_append_new(tcs, json_pack("{s:s, s:s, s:{s:s, s:s}}", "id",
                                                 call_str(call, "id"), "type", "function",
                                                 "function", "name", call_str(call, "name"),
                                                 "arguments", call_str(call, "arguments")));
        }
        json_object_set_new(msg, "tool_calls", tcs);
    }
    json_t *reply =
        json_pack("{s:s, s:s, s:[{s:i, s:o, s:s}], s:o}", "id", "chatcmpl-fake", "object",
                  "chat.completion", "choices", "index", 0, "message", msg, "finish_reason",
                  json_array_size(calls) ? "tool_calls" : "stop", "usage", usage_json(step, false));
    put_json_body(c, 200, reply);
    json_decref(reply);
}

/* ---- Responses ---- */

static json_t *responses_object(json_t *step, const char *status)
{
    json_t *out = json_array();
    char *text = step_text(step);
    if (*text)
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:[]}]}", "type",
                                             "message", "id", "msg_0", "role", "assistant",
                                             "status", "completed", "content", "type",
                                             "output_text", "text", text, "annotations"));
    free(text);
    json_t *calls = json_object_get(step, "tool_calls");
    for (size_t i = 0; i < json_array_size(calls); i++) {
        json_t *call = json_array_get(calls, i);
        json_array_append_new(out,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", "function_call",
                                        "id", "fc_fake", "call_id", call_str(call, "id"), "name",
                                        call_str(call, "name"), "arguments",
                                        call_str(call, "arguments"), "status", "completed"));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "id", "resp_fake", "object", "response",
                     "status", status, "model", "fake", "output", out, "usage",
                     usage_json(step, true));
}

static void responses_stream_text(conn *c, const char *text, size_t chunk)
{
    size_t len = strlen(text);
    if (!len) return;
    put_event_json(c, "response.output_item.added",
                   json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:[]}}", "type",
                             "response.output_item.added", "output_index", 0, "item", "type",
                             "message", "id", "msg_0", "role", "assistant", "content"));
    for (size_t o = 0; o < len && !c->dead;) {
        size_t n = piece_len(text + o, len - o, chunk);
        put_event_json(c, "response.output_text.delta",
                       json_pack("{s:s, s:s, s:i, s:i, s:s%}", "type", "response.output_text.delta",
                                 "item_id", "msg_0", "output_index", 0, "content_index", 0, "delta",
                                 text + o, n));
        o += n;
    }
}

static void responses_stream_call(conn *c, json_t *call, int index, size_t chunk)
{
    put_event_json(c, "response.output_item.added",
                   json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:s, s:s}}", "type",
                             "response.output_item.added", "output_index", index, "item", "type",
                             "function_call", "id", "fc_fake", "call_id", call_str(call, "id"),
                             "name", call_str(call, "name"), "arguments", ""));
    const char *args = call_str(call, "arguments");
    size_t len = strlen(args);
    for (size_t o = 0; o < len && !c->dead;) {
        size_t n = piece_len(args + o, len - o, chunk);
        put_event_json(c, "response.function_call_arguments.delta",
                       json_pack("{s:s, s:s, s:i, s:s%}", "type",
                                 "response.function_call_arguments.delta", "item_id", "fc_fake",
                                 "output_index", index, "delta", args + o, n));
        o += n;
    }
}

static void responses_stream(conn *c, json_t *step)
{
    put_head(c, 200, "text/event-stream", NULL, -1);
    size_t chunk = (size_t)get_int(step, "chunk", 5);
    put_event_json(c, "response.created",
                   json_pack("{s:s, s:{s:s, s:s, s:[]}}", "type", "response.created", "response",
                             "id", "resp_fake", "status", "in_progress", "output"));
    if (get_bool(step, "forever")) {
        while (!c->dead) {
            put_event_json(c, "response.output_text.delta",
                           json_pack("{s:s, s:i, s:s}", "type", "response.output_text.delta",
                                     "output_index", 0, "delta", "tick "));
            sleep_ms(100);
        }
        return;
    }
    char *text = step_text(step);
    int index = *text ? 1 : 0;
    responses_stream_text(c, text, chunk);
    free(text);
    json_t *calls = json_object_get(step, "tool_calls");
    for (size_t i = 0; i < json_array_size(calls) && !c->dead; i++)
        responses_stream_call(c, json_array_get(calls, i), index + (int)i, chunk);
    if (get_bool(step, "truncate")) return;
    put_event_json(c, "response.completed",
                   json_pack("{s:s, s:o}", "type", "response.completed", "response",
                             responses_object(step, "completed")));
}

/* ---- embeddings ---- */

static void embeddings(conn *c, json_t *req, long dims)
{
    json_t *input = json_object_get(req, "input");
    json_t *data = json_array();
    for (size_t i = 0; i < json_array_size(input); i++) {
        const char *t = json_string_value(json_array_get(input, i));
        unsigned long h = 2166136261u;
        for (const char *p = t ? t : ""; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
        json_t *vec = json_array();
        for (long k = 0; k < dims; k++)
            json_array_append_new(
                vec, json_real(((h >> (k % 31)) & 1 ? 1.0 : -1.0) * (1.0 + (double)(k % 3))));
        json_array_append_new(data, json_pack("{s:s, s:i, s:o}", "object", "embedding", "index",
                                              (int)i, "embedding", vec));
    }
    json_t *reply =
        json_pack("{s:s, s:o, s:s, s:{s:i, s:i}}", "object", "list", "data", data, "model",
                  "fake-embed", "usage", "prompt_tokens", 1, "total_tokens", 1);
    put_json_body(c, 200, reply);
    json_decref(reply);
}

/* ---- requests ---- */

typedef struct request {
    char path[512];
    char auth[512];
    char *body;
    size_t body_len;
} request;

static bool header_value(const char *head, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, nl) || line[nl] != ':') continue;
        const char *v = line + nl + 1;
        while (*v == ' ') v++;
        const char *end = strstr(v, "\r\n");
        size_t n = end ? (size_t)(end - v) : strlen(v);
        if (n >= cap) n = cap - 1;
        memcpy(out, v, n);
        out[n] = '\0';
        return true;
    }
    return false;
}

/* Reads one request (headers and a Content-Length body). */
static bool read_request(int fd, request *r)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap + 1);
    char *end = NULL;
    while (!end) {
        if (len == cap) goto fail;
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0) goto fail;
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head_len = (size_t)(end - buf) + 4;
    char cl[32] = "0";
    header_value(buf, "Content-Length", cl, sizeof cl);
    size_t body_len = (size_t)strtoul(cl, NULL, 10);
    if (body_len > REQ_MAX) goto fail;
    r->auth[0] = '\0';
    if (!header_value(buf, "Authorization", r->auth, sizeof r->auth))
        header_value(buf, "api-key", r->auth, sizeof r->auth);
    if (sscanf(buf, "%*s %511s", r->path) != 1) goto fail;
    r->body = malloc(body_len + 1);
    size_t have = len - head_len < body_len ? len - head_len : body_len;
    memcpy(r->body, buf + head_len, have);
    while (have < body_len) {
        ssize_t n = recv(fd, r->body + have, body_len - have, 0);
        if (n <= 0) {
            free(r->body);
            goto fail;
        }
        have += (size_t)n;
    }
    r->body[body_len] = '\0';
    r->body_len = body_len;
    free(buf);
    return true;
fail:
    free(buf);
    return false;
}

static void log_request(const server *s, const request *r, json_t *body)
{
    if (!s->log_path) return;
    json_t *line = json_pack("{s:s, s:s, s:O}", "path", r->path, "authorization", r->auth, "body",
                             body ? body : json_null());
    char *text = json_dumps(line, JSON_COMPACT);
    FILE *f = fopen(s->log_path, "a");
    if (f) {
        fprintf(f, "%s\n", text);
        fclose(f);
    }
    free(text);
    json_decref(line);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static void answer_step(conn *c, json_t *step, bool responses, bool stream)
{
    long delay = get_int(step, "delay_ms", 0);
    if (delay) sleep_ms(delay);
    json_t *body = json_object_get(step, "body");
    long status = get_int(step, "status", 200);
    if (status != 200 || json_is_string(body)) {
        const char *b = json_is_string(body) ? json_string_value(body) : "";
        put_head(c, (int)status, "application/json", json_object_get(step, "headers"),
                 (long)strlen(b));
        put(c, b);
        return;
    }
    const char *raw = json_string_value(json_object_get(step, "raw"));
    if (raw) {
        put_head(c, 200, stream ? "text/event-stream" : "application/json", NULL, -1);
        put(c, raw);
        return;
    }
    c->crlf = get_bool(step, "crlf");
    c->comments = get_bool(step, "comments");
    c->byte_writes = get_bool(step, "byte_writes");
    c->gap_ms = get_int(step, "gap_ms", 0);
    if (responses && stream)
        responses_stream(c, step);
    else if (responses) {
        json_t *o = responses_object(step, "completed");
        put_json_body(c, 200, o);
        json_decref(o);
    } else if (stream)
        chat_stream(c, step);
    else
        chat_whole(c, step);
}

static void serve(server *s, int fd)
{
    request r;
    memset(&r, 0, sizeof r);
    if (!read_request(fd, &r)) return;
    json_t *body = json_loadb(r.body, r.body_len, 0, NULL);
    log_request(s, &r, body);
    conn c = {fd, false, false, false, false, 0};
    if (ends_with(r.path, "/embeddings")) {
        embeddings(&c, body, get_int(s->script, "embedding_dims", 8));
    } else if (ends_with(r.path, "/chat/completions") || ends_with(r.path, "/responses")) {
        json_t *steps = json_object_get(s->script, "steps");
        json_t *step = json_array_get(steps, s->next_step);
        if (step) s->next_step++;
        bool stream = json_is_true(json_object_get(body, "stream"));
        if (step)
            answer_step(&c, step, ends_with(r.path, "/responses"), stream);
        else {
            json_t *e = json_pack("{s:{s:s}}", "error", "message", "fake-llm: script exhausted");
            put_json_body(&c, 500, e);
            json_decref(e);
        }
    } else {
        json_t *e = json_pack("{s:{s:s}}", "error", "message", "fake-llm: no such endpoint");
        put_json_body(&c, 404, e);
        json_decref(e);
    }
    json_decref(body);
    free(r.body);
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16) ||
        getsockname(fd, (struct sockaddr *)&a, &al)) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* Writes the port atomically so a polling test never reads half a number. */
static int write_port(const char *path, int port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fprintf(f, "%d\n", port);
    if (fclose(f)) return -1;
    return rename(tmp, path);
}

int main(int argc, char **argv)
{
    const char *script_path = NULL, *port_file = NULL;
    server s = {NULL, 0, NULL};
    long lifetime = 30;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--script")) script_path = argv[i + 1];
        if (!strcmp(argv[i], "--port-file")) port_file = argv[i + 1];
        if (!strcmp(argv[i], "--log")) s.log_path = argv[i + 1];
        if (!strcmp(argv[i], "--lifetime")) lifetime = strtol(argv[i + 1], NULL, 10);
    }
    if (!script_path || !port_file) {
        fprintf(stderr, "usage: fake-llm --script FILE --port-file FILE [--log FILE] "
                        "[--lifetime SECONDS]\n");
        return 2;
    }
    json_error_t je;
    s.script = json_load_file(script_path, 0, &je);
    if (!json_is_object(s.script)) {
        fprintf(stderr, "fake-llm: %s:%d: %s\n", script_path, je.line, je.text);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    /* The default SIGALRM action ends the process: a forgotten server never outlives a run. */
    alarm((unsigned)(lifetime > 0 ? lifetime : 30));
    int port = 0;
    int lfd = listen_loopback(&port);
    if (lfd < 0 || write_port(port_file, port)) {
        perror("fake-llm");
        return 1;
    }
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) continue;
            break;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        serve(&s, fd);
        shutdown(fd, SHUT_WR);
        close(fd);
    }
    json_decref(s.script);
    return 0;
}
