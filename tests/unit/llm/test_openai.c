/* The OpenAI-compatible client against the scripted fake server on loopback. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "llm/llm.h"
#include "llm/openai.h"
#include "search/embed.h"
#include "unit/llm/fake_server.h"

#define KEY "sk-test-SECRET-0123456789"

static const char *TOOL_SCHEMA =
    "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}},"
    "\"required\":[\"q\"],\"additionalProperties\":false}";

typedef struct opts {
    scout_llm_api api;
    int64_t timeout_ms;
    int max_retries;
    size_t max_reply_bytes;
    int64_t idle_ms;
} opts;

/* A client for the fake server; short backoff so retry tests stay fast. */
static scout_llm *client(const fake_server *f, opts o)
{
    setenv("SCOUT_TEST_LLM_KEY", KEY, 1);
    scout_llm_cfg cfg = {0};
    cfg.base_url = (char *)f->base_url;
    cfg.model = "fake-model";
    cfg.api_key_env = "SCOUT_TEST_LLM_KEY";
    cfg.timeout_ms = o.timeout_ms ? o.timeout_ms : 10000;
    cfg.max_retries = o.max_retries;
    cfg.api = o.api;
    cfg.embeddings_model = "fake-embed";
    const scout_llm_ops *ops = NULL;
    void *ud = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_openai_open(&cfg, &ops, &ud, &err), SCOUT_OK, "%s", err.msg);
    scout_openai_tuning t = {10, 50, 0, o.idle_ms, o.max_reply_bytes};
    scout_openai_tune(ud, &t);
    scout_llm *llm = scout_llm_new(ops, ud);
    cr_assert_not_null(llm);
    return llm;
}

static const scout_llm_msg USER_MSG[] = {{SCOUT_LLM_SYSTEM, "You are scout.", NULL, 0, NULL},
                                         {SCOUT_LLM_USER, "revenue last month?", NULL, 0, NULL}};
static const scout_llm_tool TOOLS[] = {{"search", "Find tables", NULL, true}};

static scout_llm_request request(void)
{
    scout_llm_request r = {USER_MSG, 2, NULL, 0, NULL, NULL, 0};
    return r;
}

/* Records deltas as a readable trace: T(text) C0(id,name) A0(args). */
static void trace(void *ud, const scout_llm_delta *d)
{
    scout_buf *b = ud;
    if (d->kind == SCOUT_LLM_DELTA_TEXT) scout_buf_printf(b, "T(%.*s)", (int)d->len, d->text);
    if (d->kind == SCOUT_LLM_DELTA_TOOL_CALL)
        scout_buf_printf(b, "C%zu(%s,%s)", d->index, d->id, d->name);
    if (d->kind == SCOUT_LLM_DELTA_TOOL_ARGS)
        scout_buf_printf(b, "A%zu(%.*s)", d->index, (int)d->len, d->text);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *TOOL_STEP = "{\"text\":\"Let me look.\",\"chunk\":3,"
                               "\"tool_calls\":[{\"id\":\"call_1\",\"name\":\"search\","
                               "\"arguments\":\"{\\\"q\\\":\\\"revenue\\\"}\"}],"
                               "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":30}}";

static void check_tool_reply(const scout_llm_reply *r)
{
    cr_assert_str_eq(r->text, "Let me look.");
    cr_assert_eq(r->n_tool_calls, 1);
    cr_assert_str_eq(r->tool_calls[0].id, "call_1");
    cr_assert_str_eq(r->tool_calls[0].name, "search");
    cr_assert_str_eq(r->tool_calls[0].arguments, "{\"q\":\"revenue\"}");
    cr_assert_str_eq(r->finish_reason, "tool_calls");
    cr_assert_eq(r->usage.prompt_tokens, 120);
    cr_assert_eq(r->usage.completion_tokens, 30);
}

static void run_tool_call(scout_llm_api api, bool stream)
{
    fake_server f;
    scout_buf script = SCOUT_BUF_INIT;
    scout_buf_printf(&script, "{\"steps\":[%s]}", TOOL_STEP);
    fake_server_start(&f, scout_buf_cstr(&script));
    scout_llm *llm = client(&f, (opts){api, 0, 0, 0, 0});
    scout_llm_tool tools[1] = {TOOLS[0]};
    tools[0].parameters = TOOL_SCHEMA;
    scout_llm_request req = request();
    req.tools = tools;
    req.n_tools = 1;
    scout_buf deltas = SCOUT_BUF_INIT;
    if (stream) {
        req.on_delta = trace;
        req.delta_ud = &deltas;
    }
    scout_llm_reply r;
    scout_err err = {0};
    cr_assert_eq(scout_llm_chat(llm, &req, &r, &err), SCOUT_OK, "%s", err.msg);
    check_tool_reply(&r);
    if (stream)
        cr_assert_str_eq(scout_buf_cstr(&deltas),
                         "T(Let)T( me)T( lo)T(ok.)C0(call_1,search)A0({\"q)A0(\":\")A0(rev)A0(enu)"
                         "A0(e\"})",
                         "deltas arrive in order and assemble: %s", scout_buf_cstr(&deltas));
    scout_llm_reply_free(&r);
    scout_llm_free(llm);
    json_t *reqs = fake_server_requests(&f);
    cr_assert_eq(json_array_size(reqs), 1);
    json_t *got = json_array_get(reqs, 0);
    bool chat = api == SCOUT_LLM_API_CHAT;
    cr_assert_str_eq(json_string_value(json_object_get(got, "path")),
                     chat ? "/v1/chat/completions" : "/v1/responses");
    cr_assert_str_eq(json_string_value(json_object_get(got, "authorization")), "Bearer " KEY);
    json_t *body = json_object_get(got, "body");
    cr_assert_str_eq(json_string_value(json_object_get(body, "model")), "fake-model");
    cr_assert_eq(json_is_true(json_object_get(body, "stream")), stream);
    json_t *tool = json_array_get(json_object_get(body, "tools"), 0);
    json_t *fn = chat ? json_object_get(tool, "function") : tool;
    cr_assert_str_eq(json_string_value(json_object_get(fn, "name")), "search");
    cr_assert(json_is_true(json_object_get(fn, "strict")), "strict schemas are requested");
    cr_assert(json_is_object(json_object_get(json_object_get(fn, "parameters"), "properties")));
    json_t *msgs = json_object_get(body, chat ? "messages" : "input");
    cr_assert_eq(json_array_size(msgs), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(msgs, 1), "content")),
                     "revenue last month?");
    json_decref(reqs);
    scout_buf_free(&deltas);
    scout_buf_free(&script);
    fake_server_stop(&f);
}

Test(llm, chat_completions_tool_call_whole_reply, .timeout = 30)
{
    run_tool_call(SCOUT_LLM_API_CHAT, false);
}

Test(llm, chat_completions_streams_text_and_tool_argument_deltas_in_order, .timeout = 30)
{
    run_tool_call(SCOUT_LLM_API_CHAT, true);
}

Test(llm, responses_api_tool_call_whole_reply, .timeout = 30)
{
    run_tool_call(SCOUT_LLM_API_RESPONSES, false);
}

Test(llm, responses_api_streams_text_and_tool_argument_deltas_in_order, .timeout = 30)
{
    run_tool_call(SCOUT_LLM_API_RESPONSES, true);
}

/* Runs one request against a one-step script; returns rc, fills err/r. */
static scout_rc one_call(const char *script, opts o, bool stream, scout_llm_reply *r,
                         scout_err *err, fake_server *f)
{
    fake_server_start(f, script);
    scout_llm *llm = client(f, o);
    scout_llm_request req = request();
    scout_buf deltas = SCOUT_BUF_INIT;
    if (stream) {
        req.on_delta = trace;
        req.delta_ud = &deltas;
    }
    scout_rc rc = scout_llm_chat(llm, &req, r, err);
    scout_llm_free(llm);
    scout_buf_free(&deltas);
    return rc;
}

Test(llm, sse_with_crlf_comments_and_tiny_writes_parses_the_same, .timeout = 30)
{
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    scout_rc rc = one_call("{\"steps\":[{\"text\":\"héllo wörld, 数据\",\"chunk\":2,\"crlf\":true,"
                           "\"comments\":true,\"byte_writes\":true}]}",
                           (opts){0}, true, &r, &err, &f);
    cr_assert_eq(rc, SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(r.text, "héllo wörld, 数据");
    cr_assert_str_eq(r.finish_reason, "stop");
    scout_llm_reply_free(&r);
    fake_server_stop(&f);
}

Test(llm, server_error_then_success_is_retried, .timeout = 30)
{
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    scout_rc rc = one_call("{\"steps\":[{\"status\":500,\"body\":\"{\\\"error\\\":{\\\"message\\\":"
                           "\\\"overloaded\\\"}}\"},{\"text\":\"ok\"}]}",
                           (opts){SCOUT_LLM_API_CHAT, 0, 2, 0, 0}, true, &r, &err, &f);
    cr_assert_eq(rc, SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(r.text, "ok");
    cr_assert_eq(r.attempts, 2);
    json_t *reqs = fake_server_requests(&f);
    cr_assert_eq(json_array_size(reqs), 2, "the failed request was sent again");
    json_decref(reqs);
    scout_llm_reply_free(&r);
    fake_server_stop(&f);
}

Test(llm, rate_limit_waits_for_retry_after, .timeout = 30)
{
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    int64_t t0 = mono_ms();
    scout_rc rc = one_call("{\"steps\":[{\"status\":429,\"headers\":{\"Retry-After\":\"1\"},"
                           "\"body\":\"{\\\"error\\\":{\\\"message\\\":\\\"slow down\\\"}}\"},"
                           "{\"text\":\"ok\"}]}",
                           (opts){SCOUT_LLM_API_RESPONSES, 0, 1, 0, 0}, false, &r, &err, &f);
    int64_t took = mono_ms() - t0;
    cr_assert_eq(rc, SCOUT_OK, "%s", err.msg);
    cr_assert_eq(r.attempts, 2);
    cr_assert_geq(took, 950, "Retry-After: 1 was honoured (took %lld ms; backoff alone is 10 ms)",
                  (long long)took);
    scout_llm_reply_free(&r);
    fake_server_stop(&f);
}

Test(llm, retries_are_bounded_and_the_error_names_status_and_message, .timeout = 30)
{
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    const char *e503 =
        "{\"status\":503,\"body\":\"{\\\"error\\\":{\\\"message\\\":\\\"try later\\\"}}\"}";
    scout_buf script = SCOUT_BUF_INIT;
    scout_buf_printf(&script, "{\"steps\":[%s,%s,%s,{\"text\":\"never\"}]}", e503, e503, e503);
    scout_rc rc = one_call(scout_buf_cstr(&script), (opts){SCOUT_LLM_API_CHAT, 0, 2, 0, 0}, false,
                           &r, &err, &f);
    cr_assert_eq(rc, SCOUT_EIO);
    cr_assert_str_eq(err.msg,
                     "llm: http 503 from /chat/completions: try later (gave up after 3 attempts)");
    json_t *reqs = fake_server_requests(&f);
    cr_assert_eq(json_array_size(reqs), 3);
    json_decref(reqs);
    scout_buf_free(&script);
    fake_server_stop(&f);
}

Test(llm, a_slow_server_times_out, .timeout = 30)
{
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    int64_t t0 = mono_ms();
    scout_rc rc = one_call("{\"steps\":[{\"delay_ms\":5000,\"text\":\"late\"}]}",
                           (opts){SCOUT_LLM_API_CHAT, 700, 0, 0, 0}, true, &r, &err, &f);
    int64_t took = mono_ms() - t0;
    cr_assert_eq(rc, SCOUT_ETIMEOUT, "%s", err.msg);
    cr_assert(strstr(err.msg, "within 700 ms") || strstr(err.msg, "nothing for 700 ms"), "%s",
              err.msg);
    cr_assert_lt(took, 2500, "took %lld ms", (long long)took);
    fake_server_stop(&f);
}

typedef struct canceller {
    scout_llm *llm;
    int64_t at;
} canceller;

static void *cancel_later(void *ud)
{
    canceller *c = ud;
    struct timespec ts = {0, 400000000L};
    nanosleep(&ts, NULL);
    c->at = mono_ms();
    scout_llm_cancel(c->llm);
    return NULL;
}

Test(llm, cancel_stops_a_never_ending_stream_within_a_second, .timeout = 30)
{
    fake_server f;
    fake_server_start(&f, "{\"steps\":[{\"forever\":true},{\"text\":\"after\"}]}");
    scout_llm *llm = client(&f, (opts){0});
    scout_llm_request req = request();
    scout_buf deltas = SCOUT_BUF_INIT;
    req.on_delta = trace;
    req.delta_ud = &deltas;
    canceller c = {llm, 0};
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, &c);
    scout_llm_reply r;
    scout_err err = {0};
    scout_rc rc = scout_llm_chat(llm, &req, &r, &err);
    int64_t done = mono_ms();
    pthread_join(th, NULL);
    cr_assert_eq(rc, SCOUT_EINTERRUPTED, "%s", err.msg);
    cr_assert_str_eq(err.msg, "llm: cancelled");
    cr_assert_lt(done - c.at, 1000, "stopped %lld ms after the cancel", (long long)(done - c.at));
    cr_assert(strstr(scout_buf_cstr(&deltas), "T(tick )") != NULL, "deltas streamed before");
    /* A cancelled handle refuses calls until reset, then works again. */
    cr_assert_eq(scout_llm_chat(llm, &req, &r, &err), SCOUT_EINTERRUPTED);
    scout_llm_reset_cancel(llm);
    cr_assert_eq(scout_llm_chat(llm, &req, &r, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(r.text, "after");
    scout_llm_reply_free(&r);
    scout_llm_free(llm);
    scout_buf_free(&deltas);
    fake_server_stop(&f);
}

static void expect_error(const char *script, opts o, bool stream, scout_rc code, const char *needle)
{
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    scout_rc rc = one_call(script, o, stream, &r, &err, &f);
    cr_assert_eq(rc, code, "want %s, got %s: %s", scout_rc_name(code), scout_rc_name(rc), err.msg);
    cr_assert(strstr(err.msg, needle) != NULL, "'%s' not in: %s", needle, err.msg);
    cr_assert(strchr(err.msg, '\n') == NULL, "one line");
    fake_server_stop(&f);
}

Test(llm, malformed_json_is_a_clear_error, .timeout = 60)
{
    expect_error("{\"steps\":[{\"raw\":\"data: {not json\\n\\n\"}]}", (opts){0}, true, SCOUT_EIO,
                 "malformed reply: invalid json in stream");
    expect_error("{\"steps\":[{\"raw\":\"{\\\"choices\\\": [\"}]}", (opts){0}, false, SCOUT_EIO,
                 "malformed reply: invalid json");
    expect_error("{\"steps\":[{\"raw\":\"{\\\"choices\\\": 5}\"}]}", (opts){0}, false, SCOUT_EIO,
                 "malformed reply: choices is not a list");
    expect_error(
        "{\"steps\":[{\"raw\":\"{\\\"choices\\\":[{\\\"message\\\":{\\\"content\\\":7}}]}\"}]}",
        (opts){0}, false, SCOUT_EIO, "message content is not a string");
    expect_error("{\"steps\":[{\"raw\":\"{\\\"output\\\": {}}\"}]}",
                 (opts){SCOUT_LLM_API_RESPONSES, 0, 0, 0, 0}, false, SCOUT_EIO,
                 "response has no output list");
    expect_error("{\"steps\":[{\"raw\":\"data: {\\\"type\\\":\\\"response.output_text.delta\\\","
                 "\\\"delta\\\":[1]}\\n\\n\"}]}",
                 (opts){SCOUT_LLM_API_RESPONSES, 0, 0, 0, 0}, true, SCOUT_EIO,
                 "delta is not a string");
}

Test(llm, truncated_stream_is_refused, .timeout = 30)
{
    expect_error("{\"steps\":[{\"text\":\"half an answ\",\"truncate\":true}]}", (opts){0}, true,
                 SCOUT_EIO, "stream ended before the reply was complete");
    expect_error("{\"steps\":[{\"text\":\"half\",\"truncate\":true}]}",
                 (opts){SCOUT_LLM_API_RESPONSES, 0, 0, 0, 0}, true, SCOUT_EIO,
                 "stream ended before the reply was complete");
}

Test(llm, oversized_reply_is_capped, .timeout = 60)
{
    const char *big = "{\"steps\":[{\"pad_bytes\":300000,\"chunk\":4096}]}";
    expect_error(big, (opts){0, 0, 0, 100000, 0}, false, SCOUT_ELIMIT, "larger than 100000 bytes");
    expect_error(big, (opts){0, 0, 0, 100000, 0}, true, SCOUT_ELIMIT, "larger than 100000 bytes");
}

Test(llm, api_key_never_appears_in_errors, .timeout = 30)
{
    expect_error("{\"steps\":[{\"status\":401,\"body\":\"{\\\"error\\\":{\\\"message\\\":"
                 "\\\"Incorrect API key provided: " KEY "\\\"}}\"}]}",
                 (opts){0}, false, SCOUT_EUSER,
                 "llm: http 401 from /chat/completions: Incorrect API key provided: [redacted]");
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    one_call("{\"steps\":[{\"status\":400,\"body\":\"bad key " KEY "\\u0007\\nnext line\"}]}",
             (opts){0}, false, &r, &err, &f);
    cr_assert(strstr(err.msg, KEY) == NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "SECRET") == NULL, "%s", err.msg);
    cr_assert(strchr(err.msg, '\n') == NULL && strchr(err.msg, '\a') == NULL, "%s", err.msg);
    fake_server_stop(&f);
}

Test(llm, usage_and_cost_are_counted_across_calls, .timeout = 30)
{
    fake_server f;
    fake_server_start(&f, "{\"steps\":[{\"text\":\"a\",\"usage\":{\"prompt_tokens\":1000,"
                          "\"completion_tokens\":200}},{\"text\":\"b\",\"usage\":{"
                          "\"prompt_tokens\":3000,\"completion_tokens\":800}}]}");
    scout_llm *llm = client(&f, (opts){0});
    scout_llm_request req = request();
    scout_buf deltas = SCOUT_BUF_INIT;
    scout_llm_reply r;
    scout_err err = {0};
    cr_assert_eq(scout_llm_chat(llm, &req, &r, &err), SCOUT_OK, "%s", err.msg);
    scout_llm_reply_free(&r);
    req.on_delta = trace; /* the streamed usage chunk counts too */
    req.delta_ud = &deltas;
    cr_assert_eq(scout_llm_chat(llm, &req, &r, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(r.usage.prompt_tokens, 3000);
    scout_llm_reply_free(&r);
    scout_llm_usage u = scout_llm_total_usage(llm);
    cr_assert_eq(u.prompt_tokens, 4000);
    cr_assert_eq(u.completion_tokens, 1000);
    cr_assert_float_eq(scout_llm_cost(llm, u), 0.0, 1e-12, "unpriced without a price table");
    scout_llm_free(llm);
    json_t *reqs = fake_server_requests(&f);
    json_t *so =
        json_object_get(json_object_get(json_array_get(reqs, 1), "body"), "stream_options");
    cr_assert(json_is_true(json_object_get(so, "include_usage")), "streamed calls ask for usage");
    json_decref(reqs);
    scout_buf_free(&deltas);
    fake_server_stop(&f);
}

Test(llm, prices_from_the_config_give_the_cost, .timeout = 30)
{
    scout_llm_cfg cfg = {0};
    cfg.base_url = "http://127.0.0.1:9/v1";
    cfg.model = "m";
    cfg.price_per_mtok_in = 2.0;
    cfg.price_per_mtok_out = 8.0;
    scout_llm *llm = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_llm_open(&cfg, &llm, &err), SCOUT_OK, "%s", err.msg);
    scout_llm_usage u = {500000, 250000};
    cr_assert_float_eq(scout_llm_cost(llm, u), 3.0, 1e-9);
    cr_assert_str_eq(scout_llm_name(llm), "openai-chat");
    scout_llm_free(llm);
}

Test(llm, bad_configs_and_bad_tools_fail_before_any_request, .timeout = 30)
{
    scout_llm_cfg cfg = {0};
    scout_llm *llm = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_llm_open(&cfg, &llm, &err), SCOUT_EUSER);
    cr_assert_str_eq(err.msg, "llm: no base_url configured");
    cfg.base_url = "ftp://x/v1";
    cfg.model = "m";
    cr_assert_eq(scout_llm_open(&cfg, &llm, &err), SCOUT_EUSER);
    cr_assert_str_eq(err.msg, "llm: base_url must start with http:// or https://");

    fake_server f;
    fake_server_start(&f, "{\"steps\":[{\"text\":\"x\"}]}");
    llm = client(&f, (opts){0});
    scout_llm_tool tools[1] = {{"search", "d", "{not a schema", true}};
    scout_llm_request req = request();
    req.tools = tools;
    req.n_tools = 1;
    scout_llm_reply r;
    cr_assert_eq(scout_llm_chat(llm, &req, &r, &err), SCOUT_EUSER);
    cr_assert_str_eq(err.msg, "llm: tool 'search' parameters are not a json object");
    scout_llm_free(llm);
    json_t *reqs = fake_server_requests(&f);
    cr_assert_eq(json_array_size(reqs), 0);
    json_decref(reqs);
    fake_server_stop(&f);
}

static void check_history_shape(scout_llm_api api)
{
    fake_server f;
    fake_server_start(&f, "{\"steps\":[{\"text\":\"done\"}]}");
    scout_llm *llm = client(&f, (opts){api, 0, 0, 0, 0});
    scout_llm_tool_call call = {"call_9", "search", "{\"q\":\"x\"}"};
    scout_llm_msg msgs[] = {{SCOUT_LLM_USER, "q", NULL, 0, NULL},
                            {SCOUT_LLM_ASSISTANT, NULL, &call, 1, NULL},
                            {SCOUT_LLM_TOOL, "{\"tables\":[]}", NULL, 0, "call_9"}};
    scout_llm_tool tools[1] = {{"search", "d", TOOL_SCHEMA, false}};
    scout_llm_request req = {msgs, 3, tools, 1, NULL, NULL, 0};
    scout_llm_reply r;
    scout_err err = {0};
    cr_assert_eq(scout_llm_chat(llm, &req, &r, &err), SCOUT_OK, "%s", err.msg);
    scout_llm_reply_free(&r);
    scout_llm_free(llm);
    json_t *reqs = fake_server_requests(&f);
    json_t *body = json_object_get(json_array_get(reqs, 0), "body");
    char *s = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    if (api == SCOUT_LLM_API_CHAT) {
        cr_assert(strstr(s,
                         "{\"content\":null,\"role\":\"assistant\",\"tool_calls\":[{\"function\":"
                         "{\"arguments\":\"{\\\"q\\\":\\\"x\\\"}\",\"name\":\"search\"},\"id\":"
                         "\"call_9\",\"type\":\"function\"}]}"),
                  "%s", s);
        cr_assert(strstr(s, "{\"content\":\"{\\\"tables\\\":[]}\",\"role\":\"tool\","
                            "\"tool_call_id\":\"call_9\"}"),
                  "%s", s);
        cr_assert(!strstr(s, "\"strict\""), "strict is left out when not asked for: %s", s);
    } else {
        cr_assert(strstr(s, "{\"arguments\":\"{\\\"q\\\":\\\"x\\\"}\",\"call_id\":\"call_9\","
                            "\"name\":\"search\",\"type\":\"function_call\"}"),
                  "%s", s);
        cr_assert(strstr(s, "{\"call_id\":\"call_9\",\"output\":\"{\\\"tables\\\":[]}\","
                            "\"type\":\"function_call_output\"}"),
                  "%s", s);
        cr_assert(strstr(s, "\"strict\":false"), "responses defaults strict on: say false: %s", s);
        cr_assert(strstr(s, "\"store\":false"), "%s", s);
    }
    free(s);
    json_decref(reqs);
    fake_server_stop(&f);
}

Test(llm, conversation_with_tool_results_has_the_wire_shape_of_each_api, .timeout = 30)
{
    check_history_shape(SCOUT_LLM_API_CHAT);
    check_history_shape(SCOUT_LLM_API_RESPONSES);
}

Test(llm, embeddings_endpoint_serves_the_search_embedder, .timeout = 30)
{
    fake_server f;
    fake_server_start(&f, "{\"embedding_dims\":16,\"steps\":[]}");
    scout_llm *llm = client(&f, (opts){0});
    scout_embedder e;
    scout_err err = {0};
    cr_assert_eq(scout_llm_embedder(llm, &e, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_embed_check(&e, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_embed_dims(&e), 16, "the vector length is learned from the endpoint");
    cr_assert_str_eq(scout_embed_model(&e), "fake-embed");
    const char *texts[] = {"orders", "revenue by month", "orders"};
    float out[3 * 16];
    size_t calls = 0;
    cr_assert_eq(scout_embed_texts(&e, texts, 3, out, &calls, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(calls, 1);
    cr_assert(memcmp(out, out + 32, 16 * sizeof(float)) == 0, "same text, same vector");
    cr_assert(memcmp(out, out + 16, 16 * sizeof(float)) != 0);
    scout_llm_free(llm);
    json_t *reqs = fake_server_requests(&f);
    json_t *last = json_object_get(json_array_get(reqs, json_array_size(reqs) - 1), "body");
    cr_assert_str_eq(json_string_value(json_object_get(last, "model")), "fake-embed");
    cr_assert_eq(json_array_size(json_object_get(last, "input")), 3);
    json_decref(reqs);
    fake_server_stop(&f);
}

Test(llm, missing_usage_is_estimated_so_budgets_still_bind, .timeout = 30)
{
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    scout_rc rc = one_call("{\"steps\":[{\"raw\":\"data: {\\\"choices\\\":[{\\\"delta\\\":"
                           "{\\\"content\\\":\\\"twelve bytes\\\"},\\\"finish_reason\\\":"
                           "\\\"stop\\\"}]}\\n\\n\"}]}",
                           (opts){0}, true, &r, &err, &f);
    cr_assert_eq(rc, SCOUT_OK, "a stream without [DONE] but with a finish_reason is whole: %s",
                 err.msg);
    cr_assert_str_eq(r.text, "twelve bytes");
    cr_assert(r.usage_estimated);
    cr_assert_eq(r.usage.completion_tokens, 3);
    cr_assert_gt(r.usage.prompt_tokens, 10, "the request's size stands in for prompt tokens");
    scout_llm_reply_free(&r);
    fake_server_stop(&f);
}

Test(llm, a_stream_that_stalls_fails_on_the_read_timeout, .timeout = 30)
{
    fake_server f;
    scout_llm_reply r;
    scout_err err = {0};
    int64_t t0 = mono_ms();
    scout_rc rc = one_call("{\"steps\":[{\"text\":\"abc\",\"chunk\":1,\"gap_ms\":4000}]}",
                           (opts){SCOUT_LLM_API_CHAT, 20000, 0, 0, 600}, true, &r, &err, &f);
    int64_t took = mono_ms() - t0;
    cr_assert_eq(rc, SCOUT_ETIMEOUT, "%s", err.msg);
    cr_assert_str_eq(err.msg, "llm: /chat/completions sent nothing for 600 ms");
    cr_assert_lt(took, 3000, "the 20 s total limit was not waited for (%lld ms)", (long long)took);
    fake_server_stop(&f);
}
