/* llm — the provider-neutral face of a language model: one chat call with
 * function-calling tools, optional streaming of text and tool-argument
 * deltas, token usage, cancellation from any thread or a signal handler, and
 * an optional embedder for dense retrieval. Providers fill scout_llm_ops;
 * core code (the agent) includes only this header, never a backend's. */
#ifndef SCOUT_LLM_LLM_H
#define SCOUT_LLM_LLM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "search/embed.h"

typedef enum {
    SCOUT_LLM_SYSTEM,
    SCOUT_LLM_USER,
    SCOUT_LLM_ASSISTANT,
    SCOUT_LLM_TOOL /* the result of one tool call, answering tool_call_id */
} scout_llm_role;

/* One function call the model asked for. In a reply the strings are owned by
 * the reply; in a request message they are borrowed. arguments is the JSON
 * text exactly as the model produced it: it may be invalid, and checking it
 * against the tool's schema is the caller's job. */
typedef struct scout_llm_tool_call {
    char *id;   /* provider's call id, echoed back in the SCOUT_LLM_TOOL message */
    char *name; /* tool name */
    char *arguments;
} scout_llm_tool_call;

/* One conversation message; every pointer is borrowed. */
typedef struct scout_llm_msg {
    scout_llm_role role;
    const char *content; /* text; may be NULL for an assistant turn with only tool calls */
    const scout_llm_tool_call *tool_calls; /* assistant: the calls it made */
    size_t n_tool_calls;
    const char *tool_call_id; /* tool: which call this answers */
} scout_llm_msg;

/* A function the model may call. parameters is a JSON Schema (text) for the
 * arguments object; with strict, providers that support it constrain the
 * model's output to the schema (the schema must then list every property as
 * required and set additionalProperties false, per OpenAI's rules). */
typedef struct scout_llm_tool {
    const char *name;
    const char *description;
    const char *parameters;
    bool strict;
} scout_llm_tool;

typedef struct scout_llm_usage {
    int64_t prompt_tokens;
    int64_t completion_tokens;
} scout_llm_usage;

typedef enum {
    SCOUT_LLM_DELTA_TEXT,      /* more assistant text */
    SCOUT_LLM_DELTA_TOOL_CALL, /* a new tool call started: index, id and name are set */
    SCOUT_LLM_DELTA_TOOL_ARGS  /* more argument JSON for tool call `index` */
} scout_llm_delta_kind;

/* One streamed piece, in arrival order. All pointers are borrowed for the
 * duration of the callback. text is not NUL-terminated mid-stream: use len. */
typedef struct scout_llm_delta {
    scout_llm_delta_kind kind;
    size_t index;     /* tool call index in the reply (tool deltas only) */
    const char *id;   /* TOOL_CALL only */
    const char *name; /* TOOL_CALL only */
    const char *text; /* TEXT and TOOL_ARGS */
    size_t len;
} scout_llm_delta;

typedef void (*scout_llm_delta_fn)(void *ud, const scout_llm_delta *d);

/* One chat call. Everything is borrowed. With on_delta set the reply is
 * streamed and on_delta sees every piece before the call returns; the
 * complete reply is still assembled into the scout_llm_reply. */
typedef struct scout_llm_request {
    const scout_llm_msg *msgs;
    size_t n_msgs;
    const scout_llm_tool *tools;
    size_t n_tools;
    scout_llm_delta_fn on_delta; /* NULL = no streaming */
    void *delta_ud;
    int64_t max_output_tokens; /* 0 = the provider's default */
} scout_llm_request;

/* The assembled reply; owned by the caller, released with scout_llm_reply_free. */
typedef struct scout_llm_reply {
    char *text; /* never NULL after success ("" when the model only called tools) */
    scout_llm_tool_call *tool_calls;
    size_t n_tool_calls;
    char *finish_reason; /* "stop", "tool_calls", "length", ... as the provider said; never NULL */
    scout_llm_usage usage;
    bool usage_estimated; /* the provider reported no usage: ~4 bytes per token was assumed */
    int attempts;         /* HTTP attempts made (1 = no retry) */
} scout_llm_reply;

/* The provider interface. cancel is the handle's flag: providers check it
 * often (at least every 100 ms while waiting) and return SCOUT_EINTERRUPTED
 * when set. On failure out must be left empty (zeroed or freed). */
typedef struct scout_llm_ops {
    const char *name; /* "openai-chat", "openai-responses", "test", ... */
    scout_rc (*chat)(void *ud, const scout_llm_request *req, const atomic_bool *cancel,
                     scout_llm_reply *out, scout_err *err);
    /* Optional: fills *out with an embedder whose ud lives as long as this
     * provider; SCOUT_ENOTFOUND when the provider has no embeddings model. */
    scout_rc (*embedder)(void *ud, const atomic_bool *cancel, scout_embedder *out, scout_err *err);
    void (*free)(void *ud);
} scout_llm_ops;

typedef struct scout_llm scout_llm;

/* Opens the provider the config names (today: the OpenAI-compatible client,
 * Chat Completions or Responses per cfg->api). Reads the API key from the
 * variable cfg->api_key_env (default OPENAI_API_KEY) once, now; a missing key
 * is allowed (local servers need none). SCOUT_EUSER when base_url or model is
 * missing or base_url is not http(s). Free with scout_llm_free. */
scout_rc scout_llm_open(const scout_llm_cfg *cfg, scout_llm **out, scout_err *err);

/* Wraps a provider (tests, other backends); takes ownership of ud, which
 * ops->free releases. Prices are 0 (unpriced). NULL when out of memory. */
scout_llm *scout_llm_new(const scout_llm_ops *ops, void *ud);

/* Frees the handle and its provider; NULL is a no-op. */
void scout_llm_free(scout_llm *llm);

/* One chat call. On success *out holds the reply (free it) and the handle's
 * running usage grows by out->usage. Errors are one line with the HTTP status
 * and the provider's message when there is one, never the API key:
 * SCOUT_EINTERRUPTED (cancelled), SCOUT_ETIMEOUT, SCOUT_ELIMIT (reply too
 * large), SCOUT_EIO (HTTP/network/protocol), SCOUT_EUSER (bad request). A
 * cancelled call clears nothing: call scout_llm_reset_cancel before the next. */
scout_rc scout_llm_chat(scout_llm *llm, const scout_llm_request *req, scout_llm_reply *out,
                        scout_err *err);

/* Asks the running (or next) call to stop; it returns SCOUT_EINTERRUPTED
 * within about 100 ms. Safe from another thread and from a signal handler. */
void scout_llm_cancel(scout_llm *llm);

/* Clears a cancel request so the handle can be used again. */
void scout_llm_reset_cancel(scout_llm *llm);

/* True when a cancel was requested and not reset. */
bool scout_llm_cancelled(const scout_llm *llm);

/* The handle's cancel flag itself (borrowed, lives as long as llm), for work
 * the same Ctrl-C must stop: the agent hands it to the warehouse
 * (scout_wh_set_cancel) so a running statement stops with the model stream. */
const atomic_bool *scout_llm_cancel_flag(const scout_llm *llm);

/* Tokens used by every successful call on this handle so far. */
scout_llm_usage scout_llm_total_usage(const scout_llm *llm);

/* Cost of usage under the handle's prices (config price_per_mtok_in/out). */
double scout_llm_cost(const scout_llm *llm, scout_llm_usage usage);

/* The provider's name ("openai-chat", ...). Borrowed. */
const char *scout_llm_name(const scout_llm *llm);

/* Fills *out with the provider's embedder (borrowing the handle: keep llm
 * alive while out is used). SCOUT_ENOTFOUND when no embeddings_model is
 * configured; the first use may call the endpoint once to learn the vector
 * length. */
scout_rc scout_llm_embedder(scout_llm *llm, scout_embedder *out, scout_err *err);

/* Releases the reply's contents and zeroes it; NULL is a no-op. */
void scout_llm_reply_free(scout_llm_reply *r);

#endif
