#include "llm/openai.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "llm/sse.h"

#define TOOL_CALLS_MAX    64
#define TOOL_ARGS_MAX     ((size_t)1 << 20)
#define ERROR_BODY_MAX    ((size_t)64 << 10)
#define PROVIDER_MSG_MAX  200
#define POLL_MS           100
#define CONNECT_MAX_MS    10000
#define IDLE_DEFAULT_MS   60000
#define RETRY_BASE_MS     500
#define RETRY_MAX_MS      8000
#define RETRY_AFTER_MAXMS 60000

typedef struct openai {
    scout_llm_api api;
    char *base_url; /* without a trailing slash */
    char *model;
    char *api_key; /* NULL when the variable is unset: local servers need none */
    char *embeddings_model;
    bool azure;  /* Azure wants the key in an api-key header */
    bool openai; /* api.openai.com: newer models refuse max_tokens */
    int64_t timeout_ms;
    int max_retries;
    scout_openai_tuning t;
    size_t embed_dims; /* learned from the first embeddings reply */
    const atomic_bool *embed_cancel;
} openai;

/* ---- time ---- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms in short slices so a cancel request is seen promptly. */
static bool sleep_cancellable(int64_t ms, const atomic_bool *cancel)
{
    int64_t end = now_ms() + ms;
    while (now_ms() < end) {
        if (atomic_load(cancel)) return false;
        int64_t left = end - now_ms();
        int64_t step = left < 50 ? left : 50;
        if (step <= 0) break;
        struct timespec ts = {0, (long)step * 1000000L};
        nanosleep(&ts, NULL);
    }
    return !atomic_load(cancel);
}

/* ---- the reply being assembled (streamed or not) ---- */

typedef struct call_acc {
    scout_buf id, name, args;
    int64_t key; /* the provider's index or output_index this call came from */
} call_acc;

typedef struct acc {
    scout_buf text;
    call_acc calls[TOOL_CALLS_MAX];
    size_t n_calls;
    char finish[32];
    scout_llm_usage usage;
    bool done; /* the stream said it was complete */
    const scout_llm_request *req;
    bool delivered; /* a delta reached the caller: the call can no longer be retried */
    bool quiet;     /* rebuilding from a final object: the caller saw these deltas already */
} acc;

static void acc_init(acc *a, const scout_llm_request *req, size_t max_text)
{
    memset(a, 0, sizeof *a);
    scout_buf_init(&a->text, max_text);
    a->req = req;
}

static void acc_free(acc *a)
{
    scout_buf_free(&a->text);
    for (size_t i = 0; i < a->n_calls; i++) {
        scout_buf_free(&a->calls[i].id);
        scout_buf_free(&a->calls[i].name);
        scout_buf_free(&a->calls[i].args);
    }
    a->n_calls = 0;
}

/* Forgets what was assembled (the final Responses object replaces deltas). */
static void acc_clear(acc *a)
{
    size_t max = a->text.max;
    const scout_llm_request *req = a->req;
    bool delivered = a->delivered;
    acc_free(a);
    acc_init(a, req, max);
    a->delivered = delivered;
}

static void emit(acc *a, scout_llm_delta_kind kind, size_t index, const char *id, const char *name,
                 const char *text, size_t len)
{
    if (!a->req->on_delta || a->quiet) return;
    scout_llm_delta d = {kind, index, id, name, text, len};
    a->delivered = true;
    a->req->on_delta(a->req->delta_ud, &d);
}

static scout_rc bad_reply(scout_err *err, const char *what)
{
    return scout_err_set(err, SCOUT_EIO, "llm: malformed reply: %s", what);
}

static scout_rc add_text(acc *a, const char *s, size_t n, scout_err *err)
{
    if (!n) return SCOUT_OK;
    if (scout_buf_append(&a->text, s, n))
        return scout_err_set(err, SCOUT_ELIMIT, "llm: reply text larger than %zu bytes",
                             a->text.max);
    emit(a, SCOUT_LLM_DELTA_TEXT, 0, NULL, NULL, s, n);
    return SCOUT_OK;
}

/* The call slot for a provider key, created (and announced) when new. */
static scout_rc call_slot(acc *a, int64_t key, call_acc **out, scout_err *err)
{
    for (size_t i = 0; i < a->n_calls; i++)
        if (a->calls[i].key == key) {
            *out = &a->calls[i];
            return SCOUT_OK;
        }
    if (a->n_calls == TOOL_CALLS_MAX)
        return scout_err_set(err, SCOUT_ELIMIT, "llm: more than %d tool calls in one reply",
                             TOOL_CALLS_MAX);
    call_acc *c = &a->calls[a->n_calls++];
    scout_buf_init(&c->id, 256);
    scout_buf_init(&c->name, 256);
    scout_buf_init(&c->args, TOOL_ARGS_MAX);
    c->key = key;
    *out = c;
    return SCOUT_OK;
}

static scout_rc set_field(scout_buf *b, const char *s, const char *what, scout_err *err)
{
    if (!s || !*s || b->len) return SCOUT_OK; /* first non-empty value wins */
    if (scout_buf_puts(b, s))
        return scout_err_set(err, SCOUT_ELIMIT, "llm: tool call %s too long", what);
    return SCOUT_OK;
}

/* Records a call's id and name; announces it once both the name is known. */
static scout_rc call_start(acc *a, call_acc *c, const char *id, const char *name, scout_err *err)
{
    bool had_name = c->name.len > 0;
    scout_rc rc = set_field(&c->id, id, "id", err);
    if (!rc) rc = set_field(&c->name, name, "name", err);
    if (!rc && !had_name && c->name.len)
        emit(a, SCOUT_LLM_DELTA_TOOL_CALL, (size_t)(c - a->calls), scout_buf_cstr(&c->id),
             scout_buf_cstr(&c->name), NULL, 0);
    return rc;
}

static scout_rc call_args(acc *a, call_acc *c, const char *s, size_t n, scout_err *err)
{
    if (!n) return SCOUT_OK;
    if (scout_buf_append(&c->args, s, n))
        return scout_err_set(err, SCOUT_ELIMIT, "llm: tool call arguments larger than %zu bytes",
                             (size_t)TOOL_ARGS_MAX);
    emit(a, SCOUT_LLM_DELTA_TOOL_ARGS, (size_t)(c - a->calls), NULL, NULL, s, n);
    return SCOUT_OK;
}

static void set_finish(acc *a, const char *s)
{
    if (!s) return;
    size_t n = strlen(s);
    if (n >= sizeof a->finish) n = sizeof a->finish - 1;
    memcpy(a->finish, s, n);
    a->finish[n] = '\0';
}

/* Token counts must be non-negative integers; anything else is ignored
 * rather than trusted (a garbled count must not poison the budget). */
static int64_t token_count(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) return 0;
    return json_integer_value(v);
}

static scout_rc acc_to_reply(acc *a, int attempts, scout_llm_reply *out, scout_err *err)
{
    memset(out, 0, sizeof *out);
    out->usage = a->usage;
    out->attempts = attempts;
    out->text = scout_buf_take(&a->text);
    out->finish_reason =
        scout_strdup(a->finish[0] ? a->finish : (a->n_calls ? "tool_calls" : "stop"));
    if (a->n_calls) out->tool_calls = calloc(a->n_calls, sizeof *out->tool_calls);
    if (!out->text || !out->finish_reason || (a->n_calls && !out->tool_calls))
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    for (size_t i = 0; i < a->n_calls; i++) {
        call_acc *c = &a->calls[i];
        if (!c->name.len) return bad_reply(err, "tool call without a name");
        scout_llm_tool_call *t = &out->tool_calls[out->n_tool_calls++];
        t->id = scout_buf_take(&c->id);
        t->name = scout_buf_take(&c->name);
        t->arguments = scout_buf_take(&c->args);
        if (!t->id || !t->name || !t->arguments)
            return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    return SCOUT_OK;
}

/* ---- provider error messages ---- */

/* Copies a provider's message into out: printable ASCII only (no control
 * bytes or newlines to break the one-line rule), bounded, and with any
 * occurrence of the API key blanked out in case the provider echoes it. */
static void clean_message(const openai *o, const char *s, size_t n, char *out, size_t cap)
{
    size_t keylen = o->api_key ? strlen(o->api_key) : 0;
    size_t w = 0;
    for (size_t i = 0; i < n && w + 1 < cap && w < PROVIDER_MSG_MAX; i++) {
        if (keylen >= 4 && n - i >= keylen && !memcmp(s + i, o->api_key, keylen)) {
            const char *r = "[redacted]";
            for (size_t k = 0; r[k] && w + 1 < cap; k++) out[w++] = r[k];
            i += keylen - 1;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        out[w++] = (c >= 0x20 && c < 0x7f) ? (char)c : ' ';
    }
    out[w] = '\0';
}

/* The provider's own explanation from an error body: {"error":{"message"}},
 * {"error":"..."}, {"message":"..."}, or the start of a non-JSON body. */
static void provider_message(const openai *o, const char *body, size_t len, char *out, size_t cap)
{
    out[0] = '\0';
    if (!len) return;
    json_t *root = json_loadb(body, len, 0, NULL);
    json_t *e = json_object_get(root, "error");
    const char *msg = NULL;
    if (json_is_object(e)) msg = json_string_value(json_object_get(e, "message"));
    if (!msg && json_is_string(e)) msg = json_string_value(e);
    if (!msg) msg = json_string_value(json_object_get(root, "message"));
    if (msg)
        clean_message(o, msg, strlen(msg), out, cap);
    else if (!root)
        clean_message(o, body, len, out, cap);
    json_decref(root);
}

/* ---- one HTTP transfer ---- */

typedef scout_rc (*stream_fn)(void *ud, const char *event, const char *data, size_t n,
                              scout_err *err);

typedef struct xfer {
    openai *o;
    CURL *h;
    const atomic_bool *cancel;
    long status;
    bool sse_mode; /* a 2xx text/event-stream reply: bytes go to the parser */
    bool decided;  /* status and content type were looked at */
    scout_sse sse;
    scout_buf body;  /* non-streamed reply, or an error body */
    size_t received; /* bytes of the reply so far */
    bool body_over;  /* the body passed its cap */
    scout_rc cb_rc;  /* why the write callback stopped the transfer */
    scout_err cb_err;
    int64_t last_rx;
    bool idle;
    int64_t retry_after_ms; /* -1 = none given */
} xfer;

static void decide_mode(xfer *x)
{
    if (x->decided) return;
    x->decided = true;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
    char *ct = NULL;
    curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
    x->sse_mode = x->status >= 200 && x->status < 300 && ct && strstr(ct, "text/event-stream");
    bool ok = x->status >= 200 && x->status < 300;
    scout_buf_init(&x->body, ok ? x->o->t.max_reply_bytes : ERROR_BODY_MAX);
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    x->last_rx = now_ms();
    decide_mode(x);
    if (x->sse_mode) {
        /* The streamed total is capped like a buffered body would be. */
        if (x->received + n > x->o->t.max_reply_bytes) {
            x->cb_rc = scout_err_set(&x->cb_err, SCOUT_ELIMIT, "llm: reply larger than %zu bytes",
                                     x->o->t.max_reply_bytes);
            return 0;
        }
        x->received += n; /* the parser keeps only what it needs */
        x->cb_rc = scout_sse_feed(&x->sse, p, n, &x->cb_err);
        return x->cb_rc ? 0 : n;
    }
    if (x->body_over) return n;
    if (scout_buf_append(&x->body, p, n)) {
        if (x->status >= 200 && x->status < 300) {
            x->cb_rc = scout_err_set(&x->cb_err, SCOUT_ELIMIT, "llm: reply larger than %zu bytes",
                                     x->o->t.max_reply_bytes);
            return 0;
        }
        x->body_over = true; /* an error body is only read for its message: keep the start */
    }
    return n;
}

static int64_t parse_retry_after(const char *v, size_t n, bool in_ms)
{
    char tmp[64];
    if (n >= sizeof tmp) return -1;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *end = NULL;
    double d = strtod(tmp, &end);
    if (end != tmp && (*end == '\0' || isspace((unsigned char)*end)) && d >= 0 && d < 1e9)
        return in_ms ? (int64_t)d : (int64_t)(d * 1000);
    if (in_ms) return -1;
    time_t when = curl_getdate(tmp, NULL); /* the HTTP-date form */
    if (when < 0) return -1;
    double secs = difftime(when, time(NULL));
    return secs > 0 ? (int64_t)(secs * 1000) : 0;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    const char *names[] = {"retry-after:", "retry-after-ms:"};
    for (int i = 0; i < 2; i++) {
        size_t k = strlen(names[i]);
        if (n <= k || strncasecmp(p, names[i], k)) continue;
        const char *v = p + k;
        size_t vn = n - k;
        while (vn && isspace((unsigned char)*v)) v++, vn--;
        while (vn && isspace((unsigned char)v[vn - 1])) vn--;
        int64_t ms = parse_retry_after(v, vn, i == 1);
        if (ms >= 0 && (i == 1 || x->retry_after_ms < 0)) x->retry_after_ms = ms;
    }
    return n;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    xfer *x = ud;
    if (atomic_load(x->cancel)) return 1;
    if (now_ms() - x->last_rx > x->o->t.idle_timeout_ms) {
        x->idle = true;
        return 1;
    }
    return 0;
}

static struct curl_slist *make_headers(const openai *o, bool stream)
{
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, stream ? "Accept: text/event-stream" : "Accept: application/json");
    h = curl_slist_append(h, "Expect:");
    if (o->api_key && *o->api_key) {
        scout_buf b = SCOUT_BUF_INIT;
        scout_buf_printf(&b, "%s%s", o->azure ? "api-key: " : "Authorization: Bearer ", o->api_key);
        h = curl_slist_append(h, scout_buf_cstr(&b));
        sodium_memzero(b.data, b.len);
        scout_buf_free(&b);
    }
    return h;
}

static CURL *make_handle(openai *o, xfer *x, const char *url, const char *body,
                         struct curl_slist *hdrs)
{
    CURL *h = curl_easy_init();
    if (!h) return NULL;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
    long cto = o->timeout_ms < CONNECT_MAX_MS ? (long)o->timeout_ms : CONNECT_MAX_MS;
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, cto);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect could carry the key elsewhere */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "scout");
    return h;
}

/* Runs the transfer on a multi handle so the cancel flag is looked at every
 * POLL_MS even when the server sends nothing (the progress callback alone can
 * slow to once a second). */
static CURLcode run_transfer(xfer *x)
{
    CURLM *m = curl_multi_init();
    if (!m) return CURLE_OUT_OF_MEMORY;
    curl_multi_add_handle(m, x->h);
    int running = 1;
    CURLcode res = CURLE_OK;
    while (running) {
        if (curl_multi_perform(m, &running) != CURLM_OK) {
            res = CURLE_RECV_ERROR;
            break;
        }
        if (!running) break;
        if (atomic_load(x->cancel)) {
            res = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (now_ms() - x->last_rx > x->o->t.idle_timeout_ms) {
            x->idle = true;
            res = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        curl_multi_poll(m, NULL, 0, POLL_MS, NULL);
    }
    if (!running) {
        int left = 0;
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE) res = msg->data.result;
    }
    curl_multi_remove_handle(m, x->h);
    curl_multi_cleanup(m);
    return res;
}

typedef enum { XF_OK, XF_RETRY, XF_FAIL } xf_outcome;

static bool retryable_status(long s)
{
    return s == 429 || s == 500 || s == 502 || s == 503 || s == 504 || s == 529;
}

/* Turns a finished transfer into OK, a retryable failure or a final one. */
static xf_outcome classify(xfer *x, CURLcode res, const char *path, scout_err *err)
{
    openai *o = x->o;
    if (x->cb_rc) {
        scout_err_set(err, x->cb_rc, "%s", x->cb_err.msg);
        return XF_FAIL;
    }
    if (atomic_load(x->cancel)) {
        scout_err_set(err, SCOUT_EINTERRUPTED, "llm: cancelled");
        return XF_FAIL;
    }
    if (x->idle) {
        scout_err_set(err, SCOUT_ETIMEOUT, "llm: %s sent nothing for %lld ms", path,
                      (long long)o->t.idle_timeout_ms);
        return XF_FAIL;
    }
    if (res == CURLE_OPERATION_TIMEDOUT) {
        scout_err_set(err, SCOUT_ETIMEOUT, "llm: %s did not finish within %lld ms", path,
                      (long long)o->timeout_ms);
        return XF_FAIL;
    }
    if (res != CURLE_OK) {
        scout_err_set(err, SCOUT_EIO, "llm: request to %s failed: %s", path,
                      curl_easy_strerror(res));
        bool transient = res == CURLE_COULDNT_CONNECT || res == CURLE_GOT_NOTHING ||
                         res == CURLE_SEND_ERROR || res == CURLE_RECV_ERROR;
        return transient ? XF_RETRY : XF_FAIL;
    }
    decide_mode(x);
    if (x->status >= 200 && x->status < 300) return XF_OK;
    char msg[PROVIDER_MSG_MAX + 16];
    provider_message(o, x->body.data ? x->body.data : "", x->body.len, msg, sizeof msg);
    scout_rc code = (x->status == 400 || x->status == 401 || x->status == 403 || x->status == 404 ||
                     x->status == 422)
                        ? SCOUT_EUSER
                        : SCOUT_EIO;
    scout_err_set(err, code, "llm: http %ld from %s%s%s", x->status, path, msg[0] ? ": " : "", msg);
    return retryable_status(x->status) ? XF_RETRY : XF_FAIL;
}

/* The wait before retry number `attempt` (1-based): Retry-After when the
 * server gave one (bounded), else exponential backoff with full jitter in
 * [half, whole] so many clients do not retry in lockstep. */
static int64_t backoff_ms(const openai *o, int attempt, int64_t retry_after)
{
    if (retry_after >= 0)
        return retry_after < o->t.retry_after_max_ms ? retry_after : o->t.retry_after_max_ms;
    int64_t d = o->t.retry_base_ms;
    for (int i = 1; i < attempt && d < o->t.retry_max_ms; i++) d *= 2;
    if (d > o->t.retry_max_ms) d = o->t.retry_max_ms;
    uint32_t half = (uint32_t)(d / 2);
    return d - half + (half ? (int64_t)randombytes_uniform(half + 1) : 0);
}

typedef struct post {
    const char *path; /* "/chat/completions" */
    const char *body; /* JSON text */
    bool stream;
    stream_fn on_event;
    void *event_ud;
    acc *a; /* for the no-retry-after-delivery rule; may be NULL */
    /* filled: */
    int attempts;
    bool was_sse;
    bool truncated;  /* the SSE stream ended mid-event */
    scout_buf reply; /* buffered reply body (non-SSE) */
} post;

static scout_rc url_for(const openai *o, const char *path, scout_buf *url, scout_err *err)
{
    if (scout_buf_printf(url, "%s%s", o->base_url, path))
        return scout_err_set(err, SCOUT_ELIMIT, "llm: base_url too long");
    return SCOUT_OK;
}

/* One attempt. The outcome says whether another attempt may help. */
static xf_outcome attempt_once(openai *o, post *p, const char *url, struct curl_slist *hdrs,
                               const atomic_bool *cancel, int64_t *retry_after, scout_err *err)
{
    xfer x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.cancel = cancel;
    x.retry_after_ms = -1;
    x.last_rx = now_ms();
    scout_sse_init(&x.sse, p->on_event, p->event_ud);
    x.h = make_handle(o, &x, url, p->body, hdrs);
    xf_outcome out = XF_FAIL;
    if (!x.h) {
        scout_err_set(err, SCOUT_ENOMEM, "llm: cannot create an http handle");
    } else {
        CURLcode res = run_transfer(&x);
        out = classify(&x, res, p->path, err);
    }
    *retry_after = x.retry_after_ms;
    if (out == XF_OK) {
        p->was_sse = x.sse_mode;
        p->truncated = x.sse_mode && scout_sse_pending(&x.sse);
        if (x.sse_mode && scout_sse_pending(&x.sse)) {
            /* A final event without its blank line still counts if complete. */
            scout_rc rc = scout_sse_feed(&x.sse, "\n\n", 2, err);
            if (rc) out = XF_FAIL;
        }
        if (!x.sse_mode) {
            p->reply = x.body;
            memset(&x.body, 0, sizeof x.body);
        }
    }
    scout_buf_free(&x.body);
    scout_sse_free(&x.sse);
    if (x.h) curl_easy_cleanup(x.h);
    return out;
}

/* POSTs p->body with bounded retries on 429/5xx/connection failures. A
 * streamed call whose deltas already reached the caller is never retried:
 * the caller would see the text twice. */
static scout_rc post_json(openai *o, post *p, const atomic_bool *cancel, scout_err *err)
{
    scout_buf url = SCOUT_BUF_INIT;
    scout_buf_init(&url, 4096);
    scout_rc rc = url_for(o, p->path, &url, err);
    if (rc) return rc;
    struct curl_slist *hdrs = make_headers(o, p->stream);
    rc = SCOUT_EIO;
    for (int attempt = 1;; attempt++) {
        p->attempts = attempt;
        int64_t retry_after = -1;
        xf_outcome out = attempt_once(o, p, scout_buf_cstr(&url), hdrs, cancel, &retry_after, err);
        if (out == XF_OK) {
            rc = SCOUT_OK;
            break;
        }
        rc = err ? err->code : SCOUT_EIO;
        bool delivered = p->a && p->a->delivered;
        if (out == XF_FAIL || attempt > o->max_retries || delivered) {
            if (attempt > 1 && err) {
                char first[SCOUT_ERR_MSG_MAX];
                snprintf(first, sizeof first, "%s", err->msg);
                scout_err_set(err, rc, "%.400s (gave up after %d attempts)", first, attempt);
            }
            break;
        }
        if (p->a) acc_clear(p->a);
        if (!sleep_cancellable(backoff_ms(o, attempt, retry_after), cancel)) {
            rc = scout_err_set(err, SCOUT_EINTERRUPTED, "llm: cancelled");
            break;
        }
    }
    /* The header list holds the key: wipe it before freeing. */
    for (struct curl_slist *s = hdrs; s; s = s->next) sodium_memzero(s->data, strlen(s->data));
    curl_slist_free_all(hdrs);
    scout_buf_free(&url);
    return rc;
}

/* ---- request bodies ---- */

static scout_rc schema_json(const scout_llm_tool *t, json_t **out, scout_err *err)
{
    *out = t->parameters ? json_loads(t->parameters, 0, NULL) : json_object();
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return scout_err_set(err, SCOUT_EUSER, "llm: tool '%s' parameters are not a json object",
                             t->name ? t->name : "");
    }
    return SCOUT_OK;
}

static const char *role_name(scout_llm_role r)
{
    switch (r) {
    case SCOUT_LLM_SYSTEM:
        return "system";
    case SCOUT_LLM_USER:
        return "user";
    case SCOUT_LLM_ASSISTANT:
        return "assistant";
    case SCOUT_LLM_TOOL:
        return "tool";
    }
    return "user";
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *chat_message(const scout_llm_msg *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "role", json_string(role_name(m->role)));
    if (m->role == SCOUT_LLM_TOOL) {
        json_object_set_new(o, "tool_call_id", json_string(m->tool_call_id ? m->tool_call_id : ""));
        json_object_set_new(o, "content", json_string(m->content ? m->content : ""));
        return o;
    }
    json_object_set_new(o, "content", str_or_null(m->content));
    if (m->role != SCOUT_LLM_ASSISTANT || !m->n_tool_calls) return o;
    json_t *calls = json_array();
    for (size_t i = 0; i < m->n_tool_calls; i++) {
        const scout_llm_tool_call *c = &m->tool_calls[i];
        json_t *fn = json_pack("{s:s, s:s}", "name", c->name ? c->name : "", "arguments",
                               c->arguments ? c->arguments : "{}");
        json_array_append_new(calls, json_pack("{s:s, s:s, s:o}", "id", c->id ? c->id : "", "type",
                                               "function", "function", fn));
    }
    json_object_set_new(o, "tool_calls", calls);
    return o;
}

static scout_rc chat_tools(const scout_llm_request *req, json_t *root, scout_err *err)
{
    if (!req->n_tools) return SCOUT_OK;
    json_t *tools = json_array();
    json_object_set_new(root, "tools", tools);
    for (size_t i = 0; i < req->n_tools; i++) {
        const scout_llm_tool *t = &req->tools[i];
        json_t *params = NULL;
        scout_rc rc = schema_json(t, &params, err);
        if (rc) return rc;
        json_t *fn = json_pack("{s:s, s:s, s:o}", "name", t->name ? t->name : "", "description",
                               t->description ? t->description : "", "parameters", params);
        if (t->strict) json_object_set_new(fn, "strict", json_true());
        json_array_append_new(tools, json_pack("{s:s, s:o}", "type", "function", "function", fn));
    }
    return SCOUT_OK;
}

static void responses_input(const scout_llm_msg *m, json_t *input)
{
    if (m->role == SCOUT_LLM_TOOL) {
        json_array_append_new(input, json_pack("{s:s, s:s, s:s}", "type", "function_call_output",
                                               "call_id", m->tool_call_id ? m->tool_call_id : "",
                                               "output", m->content ? m->content : ""));
        return;
    }
    if (m->content || m->role != SCOUT_LLM_ASSISTANT)
        json_array_append_new(input, json_pack("{s:s, s:s}", "role", role_name(m->role), "content",
                                               m->content ? m->content : ""));
    for (size_t i = 0; m->role == SCOUT_LLM_ASSISTANT && i < m->n_tool_calls; i++) {
        const scout_llm_tool_call *c = &m->tool_calls[i];
        json_array_append_new(input,
                              json_pack("{s:s, s:s, s:s, s:s}", "type", "function_call", "call_id",
                                        c->id ? c->id : "", "name", c->name ? c->name : "",
                                        "arguments", c->arguments ? c->arguments : "{}"));
    }
}

static scout_rc responses_tools(const scout_llm_request *req, json_t *root, scout_err *err)
{
    if (!req->n_tools) return SCOUT_OK;
    json_t *tools = json_array();
    json_object_set_new(root, "tools", tools);
    for (size_t i = 0; i < req->n_tools; i++) {
        const scout_llm_tool *t = &req->tools[i];
        json_t *params = NULL;
        scout_rc rc = schema_json(t, &params, err);
        if (rc) return rc;
        /* Responses defaults strict to true, so false must be said. */
        json_array_append_new(tools, json_pack("{s:s, s:s, s:s, s:o, s:b}", "type", "function",
                                               "name", t->name ? t->name : "", "description",
                                               t->description ? t->description : "", "parameters",
                                               params, "strict", t->strict));
    }
    return SCOUT_OK;
}

static scout_rc build_body(const openai *o, const scout_llm_request *req, char **out,
                           scout_err *err)
{
    *out = NULL;
    bool stream = req->on_delta != NULL;
    bool chat = o->api == SCOUT_LLM_API_CHAT;
    json_t *root = json_pack("{s:s, s:b}", "model", o->model, "stream", stream);
    json_t *list = json_array();
    json_object_set_new(root, chat ? "messages" : "input", list);
    for (size_t i = 0; i < req->n_msgs; i++) {
        if (chat)
            json_array_append_new(list, chat_message(&req->msgs[i]));
        else
            responses_input(&req->msgs[i], list);
    }
    scout_rc rc = chat ? chat_tools(req, root, err) : responses_tools(req, root, err);
    if (chat && stream)
        json_object_set_new(root, "stream_options", json_pack("{s:b}", "include_usage", 1));
    if (!chat) json_object_set_new(root, "store", json_false()); /* keep data off the provider */
    if (req->max_output_tokens > 0)
        json_object_set_new(root,
                            !chat       ? "max_output_tokens"
                            : o->openai ? "max_completion_tokens"
                                        : "max_tokens", /* what the compatible servers know */
                            json_integer(req->max_output_tokens));
    if (!rc) {
        *out = json_dumps(root, JSON_COMPACT);
        if (!*out) rc = scout_err_set(err, SCOUT_ENOMEM, "llm: cannot encode the request");
    }
    json_decref(root);
    return rc;
}

/* ---- Chat Completions replies ---- */

static scout_rc chat_tool_call(acc *a, json_t *tc, size_t pos, scout_err *err)
{
    if (!json_is_object(tc)) return bad_reply(err, "tool call is not an object");
    json_t *idx = json_object_get(tc, "index");
    int64_t key = json_is_integer(idx) ? json_integer_value(idx) : (int64_t)pos;
    json_t *fn = json_object_get(tc, "function");
    if (fn && !json_is_object(fn)) return bad_reply(err, "tool call function is not an object");
    json_t *args = json_object_get(fn, "arguments");
    if (args && !json_is_string(args) && !json_is_null(args)) {
        /* Some servers send arguments as an object: keep it as JSON text. */
        if (!json_is_object(args)) return bad_reply(err, "tool call arguments are not a string");
    }
    call_acc *c = NULL;
    scout_rc rc = call_slot(a, key, &c, err);
    if (!rc)
        rc = call_start(a, c, json_string_value(json_object_get(tc, "id")),
                        json_string_value(json_object_get(fn, "name")), err);
    if (rc) return rc;
    if (json_is_string(args))
        return call_args(a, c, json_string_value(args), json_string_length(args), err);
    if (json_is_object(args)) {
        char *s = json_dumps(args, JSON_COMPACT);
        rc = s ? call_args(a, c, s, strlen(s), err) : scout_err_set(err, SCOUT_ENOMEM, "oom");
        free(s);
    }
    return rc;
}

static scout_rc chat_usage(acc *a, json_t *root)
{
    json_t *u = json_object_get(root, "usage");
    if (json_is_object(u)) {
        a->usage.prompt_tokens = token_count(u, "prompt_tokens");
        a->usage.completion_tokens = token_count(u, "completion_tokens");
    }
    return SCOUT_OK;
}

/* One choice object: a streamed chunk's delta or a whole reply's message. */
static scout_rc chat_choice(acc *a, json_t *choice, const char *part, scout_err *err)
{
    if (!json_is_object(choice)) return bad_reply(err, "choice is not an object");
    json_t *m = json_object_get(choice, part);
    if (m && !json_is_object(m)) return bad_reply(err, "choice message is not an object");
    json_t *content = json_object_get(m, "content");
    if (content && !json_is_string(content) && !json_is_null(content))
        return bad_reply(err, "message content is not a string");
    scout_rc rc = add_text(a, json_string_value(content), json_string_length(content), err);
    json_t *tcs = json_object_get(m, "tool_calls");
    if (tcs && !json_is_array(tcs) && !json_is_null(tcs))
        return bad_reply(err, "tool_calls is not a list");
    for (size_t i = 0; !rc && i < json_array_size(tcs); i++)
        rc = chat_tool_call(a, json_array_get(tcs, i), i, err);
    json_t *fr = json_object_get(choice, "finish_reason");
    if (json_is_string(fr)) set_finish(a, json_string_value(fr));
    return rc;
}

static scout_rc embedded_error(const openai *o, json_t *root, scout_err *err)
{
    json_t *e = json_object_get(root, "error");
    if (!e || json_is_null(e)) return SCOUT_OK;
    const char *m =
        json_is_object(e) ? json_string_value(json_object_get(e, "message")) : json_string_value(e);
    char msg[PROVIDER_MSG_MAX + 16];
    clean_message(o, m ? m : "unknown error", strlen(m ? m : "unknown error"), msg, sizeof msg);
    return scout_err_set(err, SCOUT_EIO, "llm: provider error: %s", msg);
}

static scout_rc chat_object(const openai *o, acc *a, json_t *root, const char *part, scout_err *err)
{
    if (!json_is_object(root)) return bad_reply(err, "not a json object");
    scout_rc rc = embedded_error(o, root, err);
    if (rc) return rc;
    json_t *choices = json_object_get(root, "choices");
    if (choices && !json_is_array(choices)) return bad_reply(err, "choices is not a list");
    /* Only the first choice matters: scout never asks for n > 1. */
    if (json_array_size(choices)) rc = chat_choice(a, json_array_get(choices, 0), part, err);
    if (!rc) rc = chat_usage(a, root);
    return rc;
}

typedef struct stream_ctx {
    openai *o;
    acc *a;
} stream_ctx;

static scout_rc parse_event_json(const char *data, size_t n, json_t **out, scout_err *err)
{
    json_error_t je;
    *out = json_loadb(data, n, 0, &je);
    if (!*out)
        return scout_err_set(err, SCOUT_EIO, "llm: malformed reply: invalid json in stream (%s)",
                             je.text);
    return SCOUT_OK;
}

static scout_rc chat_event(void *ud, const char *event, const char *data, size_t n, scout_err *err)
{
    stream_ctx *s = ud;
    if (n == 6 && !memcmp(data, "[DONE]", 6)) {
        s->a->done = true;
        return SCOUT_OK;
    }
    if (s->a->done) return SCOUT_OK; /* nothing after [DONE] counts */
    json_t *root = NULL;
    scout_rc rc = parse_event_json(data, n, &root, err);
    if (!rc) rc = chat_object(s->o, s->a, root, "delta", err);
    json_decref(root);
    return rc;
}

/* ---- Responses replies ---- */

static scout_rc responses_item(acc *a, json_t *item, size_t pos, scout_err *err)
{
    if (!json_is_object(item)) return bad_reply(err, "output item is not an object");
    const char *type = json_string_value(json_object_get(item, "type"));
    if (type && !strcmp(type, "function_call")) {
        json_t *args = json_object_get(item, "arguments");
        if (args && !json_is_string(args)) return bad_reply(err, "arguments are not a string");
        call_acc *c = NULL;
        scout_rc rc = call_slot(a, (int64_t)pos, &c, err);
        if (!rc)
            rc = call_start(a, c, json_string_value(json_object_get(item, "call_id")),
                            json_string_value(json_object_get(item, "name")), err);
        if (!rc && !c->args.len)
            rc = call_args(a, c, json_string_value(args), json_string_length(args), err);
        return rc;
    }
    if (!type || strcmp(type, "message")) return SCOUT_OK; /* reasoning and others: not ours */
    json_t *content = json_object_get(item, "content");
    if (content && !json_is_array(content)) return bad_reply(err, "message content is not a list");
    for (size_t i = 0; i < json_array_size(content); i++) {
        json_t *part = json_array_get(content, i);
        const char *pt = json_string_value(json_object_get(part, "type"));
        if (!pt || strcmp(pt, "output_text")) continue;
        json_t *text = json_object_get(part, "text");
        if (!json_is_string(text)) return bad_reply(err, "output_text without text");
        scout_rc rc = add_text(a, json_string_value(text), json_string_length(text), err);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* A whole response object (non-streamed, or response.completed's). */
static scout_rc responses_object(const openai *o, acc *a, json_t *resp, scout_err *err)
{
    if (!json_is_object(resp)) return bad_reply(err, "response is not a json object");
    scout_rc rc = embedded_error(o, resp, err);
    if (rc) return rc;
    const char *status = json_string_value(json_object_get(resp, "status"));
    json_t *out = json_object_get(resp, "output");
    if (!json_is_array(out)) return bad_reply(err, "response has no output list");
    for (size_t i = 0; i < json_array_size(out); i++) {
        rc = responses_item(a, json_array_get(out, i), i, err);
        if (rc) return rc;
    }
    json_t *u = json_object_get(resp, "usage");
    if (json_is_object(u)) {
        a->usage.prompt_tokens = token_count(u, "input_tokens");
        a->usage.completion_tokens = token_count(u, "output_tokens");
    }
    if (status && !strcmp(status, "incomplete"))
        set_finish(a, "length");
    else if (status && !strcmp(status, "failed"))
        return scout_err_set(err, SCOUT_EIO, "llm: response failed");
    return SCOUT_OK;
}

static scout_rc responses_delta(acc *a, json_t *ev, bool args, scout_err *err)
{
    json_t *d = json_object_get(ev, "delta");
    if (!json_is_string(d)) return bad_reply(err, "delta is not a string");
    if (!args) return add_text(a, json_string_value(d), json_string_length(d), err);
    json_t *idx = json_object_get(ev, "output_index");
    if (!json_is_integer(idx)) return bad_reply(err, "arguments delta without output_index");
    call_acc *c = NULL;
    scout_rc rc = call_slot(a, json_integer_value(idx), &c, err);
    return rc ? rc : call_args(a, c, json_string_value(d), json_string_length(d), err);
}

static scout_rc responses_item_added(acc *a, json_t *ev, scout_err *err)
{
    json_t *item = json_object_get(ev, "item");
    json_t *idx = json_object_get(ev, "output_index");
    const char *type = json_string_value(json_object_get(item, "type"));
    if (!type || strcmp(type, "function_call")) return SCOUT_OK;
    if (!json_is_integer(idx)) return bad_reply(err, "output item without output_index");
    call_acc *c = NULL;
    scout_rc rc = call_slot(a, json_integer_value(idx), &c, err);
    if (!rc)
        rc = call_start(a, c, json_string_value(json_object_get(item, "call_id")),
                        json_string_value(json_object_get(item, "name")), err);
    return rc;
}

static scout_rc responses_failed(const openai *o, json_t *ev, scout_err *err)
{
    json_t *e = json_object_get(json_object_get(ev, "response"), "error");
    if (!e) e = ev; /* the bare "error" event carries message at the top */
    const char *m = json_string_value(json_object_get(e, "message"));
    char msg[PROVIDER_MSG_MAX + 16];
    clean_message(o, m ? m : "unknown error", strlen(m ? m : "unknown error"), msg, sizeof msg);
    return scout_err_set(err, SCOUT_EIO, "llm: provider error: %s", msg);
}

static scout_rc responses_event(void *ud, const char *event, const char *data, size_t n,
                                scout_err *err)
{
    stream_ctx *s = ud;
    json_t *ev = NULL;
    scout_rc rc = parse_event_json(data, n, &ev, err);
    if (rc) return rc;
    const char *type = json_string_value(json_object_get(ev, "type"));
    if (!type) type = event; /* the data's type wins; the event: line is the fallback */
    if (!json_is_object(ev))
        rc = bad_reply(err, "stream event is not an object");
    else if (!strcmp(type, "response.output_text.delta"))
        rc = responses_delta(s->a, ev, false, err);
    else if (!strcmp(type, "response.function_call_arguments.delta"))
        rc = responses_delta(s->a, ev, true, err);
    else if (!strcmp(type, "response.output_item.added"))
        rc = responses_item_added(s->a, ev, err);
    else if (!strcmp(type, "response.completed") || !strcmp(type, "response.incomplete")) {
        /* The final object is authoritative; deltas were for display. */
        acc_clear(s->a);
        s->a->quiet = s->a->delivered; /* a server that sent no deltas still gets them shown */
        rc = responses_object(s->o, s->a, json_object_get(ev, "response"), err);
        s->a->done = true;
    } else if (!strcmp(type, "response.failed") || !strcmp(type, "error"))
        rc = responses_failed(s->o, ev, err);
    json_decref(ev);
    return rc;
}

/* ---- the chat op ---- */

/* Replays a buffered (non-SSE) body as a whole reply. Servers that ignore
 * "stream": true land here too; the caller then gets one delta per part. */
static scout_rc parse_whole(openai *o, acc *a, const scout_buf *body, scout_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(body->data ? body->data : "", body->len, 0, &je);
    if (!root)
        return scout_err_set(err, SCOUT_EIO, "llm: malformed reply: invalid json (%s)", je.text);
    scout_rc rc = o->api == SCOUT_LLM_API_CHAT ? chat_object(o, a, root, "message", err)
                                               : responses_object(o, a, root, err);
    json_decref(root);
    return rc;
}

/* Some servers (older local ones, some proxies) report no usage. Budgets
 * must still bind, so a rough count (about 4 bytes per token) stands in and
 * the reply says it is an estimate. */
static void estimate_usage(scout_llm_reply *r, size_t request_bytes)
{
    if (r->usage.prompt_tokens || r->usage.completion_tokens) return;
    size_t out = strlen(r->text);
    for (size_t i = 0; i < r->n_tool_calls; i++)
        out += strlen(r->tool_calls[i].name) + strlen(r->tool_calls[i].arguments);
    r->usage.prompt_tokens = (int64_t)(request_bytes + 3) / 4;
    r->usage.completion_tokens = (int64_t)(out + 3) / 4;
    r->usage_estimated = true;
}

static scout_rc openai_chat(void *ud, const scout_llm_request *req, const atomic_bool *cancel,
                            scout_llm_reply *out, scout_err *err)
{
    openai *o = ud;
    char *body = NULL;
    scout_rc rc = build_body(o, req, &body, err);
    if (rc) return rc;
    acc a;
    acc_init(&a, req, o->t.max_reply_bytes);
    stream_ctx sc = {o, &a};
    bool chat = o->api == SCOUT_LLM_API_CHAT;
    post p = {chat ? "/chat/completions" : "/responses",
              body,
              req->on_delta != NULL,
              chat ? chat_event : responses_event,
              &sc,
              &a,
              0,
              false,
              false,
              SCOUT_BUF_INIT};
    rc = post_json(o, &p, cancel, err);
    if (!rc && !p.was_sse) rc = parse_whole(o, &a, &p.reply, err);
    /* A stream that stops without its end marker may have lost tool calls or
     * text: refuse it rather than act on half an answer. Chat servers that
     * omit [DONE] still send a finish_reason, which is accepted. */
    if (!rc && p.was_sse && !a.done && !(chat && a.finish[0]))
        rc = scout_err_set(err, SCOUT_EIO, "llm: stream ended before the reply was complete");
    if (!rc) rc = acc_to_reply(&a, p.attempts, out, err);
    if (!rc) estimate_usage(out, strlen(body));
    if (rc) scout_llm_reply_free(out);
    acc_free(&a);
    scout_buf_free(&p.reply);
    free(body);
    return rc;
}

/* ---- embeddings ---- */

static scout_rc parse_embeddings(const scout_buf *body, size_t n, float *out, size_t dims,
                                 size_t *got_dims, scout_err *err)
{
    json_t *root = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
    json_t *data = json_object_get(root, "data");
    scout_rc rc = SCOUT_OK;
    if (!json_is_array(data) || json_array_size(data) != n)
        rc = bad_reply(err, "embeddings data is missing or has the wrong length");
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *item = json_array_get(data, i);
        json_t *idx = json_object_get(item, "index");
        size_t at = json_is_integer(idx) ? (size_t)json_integer_value(idx) : i;
        json_t *vec = json_object_get(item, "embedding");
        size_t len = json_array_size(vec);
        if (!json_is_array(vec) || at >= n || !len || len > SCOUT_EMBED_DIMS_MAX) {
            rc = bad_reply(err, "embedding is not a list of numbers");
            break;
        }
        if (got_dims) *got_dims = len;
        if (dims && len != dims) {
            rc = scout_err_set(err, SCOUT_EIO, "llm: embedding has %zu dimensions, expected %zu",
                               len, dims);
            break;
        }
        for (size_t k = 0; out && k < len; k++) {
            json_t *x = json_array_get(vec, k);
            if (!json_is_number(x)) {
                rc = bad_reply(err, "embedding is not a list of numbers");
                break;
            }
            out[at * dims + k] = (float)json_number_value(x);
        }
    }
    json_decref(root);
    return rc;
}

static scout_rc embed_call(openai *o, const char *const *texts, size_t n, float *out, size_t dims,
                           size_t *got_dims, scout_err *err)
{
    json_t *input = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(input, json_string(texts[i]));
    json_t *root = json_pack("{s:s, s:o}", "model", o->embeddings_model, "input", input);
    char *body = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    if (!body) return scout_err_set(err, SCOUT_EUSER, "llm: texts to embed are not valid utf-8");
    post p = {"/embeddings", body, false, NULL, NULL, NULL, 0, false, false, SCOUT_BUF_INIT};
    scout_rc rc = post_json(o, &p, o->embed_cancel, err);
    if (!rc) rc = parse_embeddings(&p.reply, n, out, dims, got_dims, err);
    scout_buf_free(&p.reply);
    free(body);
    return rc;
}

static scout_rc embed_op(void *ud, const char *const *texts, size_t n, float *out, size_t dims,
                         scout_err *err)
{
    openai *o = ud;
    if (!n) return SCOUT_OK;
    return embed_call(o, texts, n, out, dims, NULL, err);
}

static size_t dims_op(void *ud)
{
    return ((openai *)ud)->embed_dims;
}

static const char *model_op(void *ud)
{
    return ((openai *)ud)->embeddings_model;
}

static const scout_embedder_ops EMBED_OPS = {embed_op, dims_op, model_op};

static scout_rc openai_embedder(void *ud, const atomic_bool *cancel, scout_embedder *out,
                                scout_err *err)
{
    openai *o = ud;
    if (!o->embeddings_model)
        return scout_err_set(err, SCOUT_ENOTFOUND, "llm: no embeddings_model configured");
    o->embed_cancel = cancel;
    if (!o->embed_dims) {
        /* The vector length is a property of the model: one probe learns it. */
        const char *probe[] = {"scout dimension probe"};
        size_t got = 0;
        scout_rc rc = embed_call(o, probe, 1, NULL, 0, &got, err);
        if (rc) return rc;
        o->embed_dims = got;
    }
    out->ops = &EMBED_OPS;
    out->ud = o;
    out->max_batch = 0;
    return SCOUT_OK;
}

/* ---- lifecycle ---- */

static void openai_free(void *ud)
{
    openai *o = ud;
    if (!o) return;
    if (o->api_key) {
        sodium_memzero(o->api_key, strlen(o->api_key));
        free(o->api_key);
    }
    free(o->base_url);
    free(o->model);
    free(o->embeddings_model);
    free(o);
}

static const scout_llm_ops CHAT_OPS = {"openai-chat", openai_chat, openai_embedder, openai_free};
static const scout_llm_ops RESPONSES_OPS = {"openai-responses", openai_chat, openai_embedder,
                                            openai_free};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static int global_ok;

/* curl_global_init is not thread-safe on older libcurls: do it exactly once. */
static void global_init(void)
{
    global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK && sodium_init() >= 0;
}

static void apply_tuning(openai *o, const scout_openai_tuning *t)
{
    if (t->retry_base_ms > 0) o->t.retry_base_ms = t->retry_base_ms;
    if (t->retry_max_ms > 0) o->t.retry_max_ms = t->retry_max_ms;
    if (t->retry_after_max_ms > 0) o->t.retry_after_max_ms = t->retry_after_max_ms;
    if (t->idle_timeout_ms > 0) o->t.idle_timeout_ms = t->idle_timeout_ms;
    if (t->max_reply_bytes > 0) o->t.max_reply_bytes = t->max_reply_bytes;
}

void scout_openai_tune(void *ud, const scout_openai_tuning *t)
{
    apply_tuning(ud, t);
}

static scout_rc check_cfg(const scout_llm_cfg *cfg, scout_err *err)
{
    if (!cfg->base_url || !*cfg->base_url)
        return scout_err_set(err, SCOUT_EUSER, "llm: no base_url configured");
    if (strncmp(cfg->base_url, "http://", 7) && strncmp(cfg->base_url, "https://", 8))
        return scout_err_set(err, SCOUT_EUSER, "llm: base_url must start with http:// or https://");
    if (!cfg->model || !*cfg->model)
        return scout_err_set(err, SCOUT_EUSER, "llm: no model configured");
    return SCOUT_OK;
}

scout_rc scout_openai_open(const scout_llm_cfg *cfg, const scout_llm_ops **ops, void **ud,
                           scout_err *err)
{
    *ops = NULL;
    *ud = NULL;
    scout_rc rc = check_cfg(cfg, err);
    if (rc) return rc;
    pthread_once(&global_once, global_init);
    if (!global_ok) return scout_err_set(err, SCOUT_EINTERNAL, "llm: cannot initialise libcurl");
    openai *o = calloc(1, sizeof *o);
    if (!o) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    o->api = cfg->api;
    o->base_url = scout_strdup(cfg->base_url);
    o->model = scout_strdup(cfg->model);
    o->embeddings_model = cfg->embeddings_model ? scout_strdup(cfg->embeddings_model) : NULL;
    const char *var = cfg->api_key_env && *cfg->api_key_env ? cfg->api_key_env : "OPENAI_API_KEY";
    const char *key = getenv(var);
    o->api_key = key && *key ? scout_strdup(key) : NULL;
    o->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 120000;
    o->max_retries = (int)(cfg->max_retries > 10 ? 10 : cfg->max_retries);
    scout_openai_tuning def = {RETRY_BASE_MS, RETRY_MAX_MS, RETRY_AFTER_MAXMS,
                               o->timeout_ms < IDLE_DEFAULT_MS ? o->timeout_ms : IDLE_DEFAULT_MS,
                               SCOUT_OPENAI_REPLY_MAX};
    apply_tuning(o, &def);
    if (!o->base_url || !o->model || (cfg->embeddings_model && !o->embeddings_model) ||
        (key && *key && !o->api_key)) {
        openai_free(o);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    size_t n = strlen(o->base_url);
    while (n && o->base_url[n - 1] == '/') o->base_url[--n] = '\0';
    o->azure = strstr(o->base_url, ".azure.com") != NULL;
    o->openai = strstr(o->base_url, "://api.openai.com") != NULL;
    *ops = cfg->api == SCOUT_LLM_API_RESPONSES ? &RESPONSES_OPS : &CHAT_OPS;
    *ud = o;
    return SCOUT_OK;
}
