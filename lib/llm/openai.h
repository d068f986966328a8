/* openai — the OpenAI-compatible provider over libcurl: Chat Completions
 * (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter, Azure via
 * base_url) and the Responses API, streamed as SSE or not, with bounded
 * retries, timeouts, size caps and cancellation; plus /embeddings as a
 * scout_embedder. Only lib/llm/llm.c and tests include this header. */
#ifndef SCOUT_LLM_OPENAI_H
#define SCOUT_LLM_OPENAI_H

#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "llm/llm.h"

#define SCOUT_OPENAI_REPLY_MAX ((size_t)16 << 20) /* bytes of one HTTP reply */

/* Knobs the config does not expose; tests shorten them. 0 keeps a default. */
typedef struct scout_openai_tuning {
    int64_t retry_base_ms;      /* first backoff (default 500), doubled per retry */
    int64_t retry_max_ms;       /* longest backoff (default 8000) */
    int64_t retry_after_max_ms; /* longest Retry-After honoured (default 60000) */
    int64_t idle_timeout_ms;    /* no byte for this long fails (default min(timeout, 60000)) */
    size_t max_reply_bytes;     /* default SCOUT_OPENAI_REPLY_MAX */
} scout_openai_tuning;

/* Creates the provider state for cfg (see scout_llm_open for the checks).
 * *ops is static; *ud is released by (*ops)->free. */
scout_rc scout_openai_open(const scout_llm_cfg *cfg, const scout_llm_ops **ops, void **ud,
                           scout_err *err);

/* Overrides knobs of a ud made by scout_openai_open (before any call). */
void scout_openai_tune(void *ud, const scout_openai_tuning *t);

#endif
