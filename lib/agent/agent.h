/* agent — the LLM tool loop behind `scout ask` when a model is configured:
 * the model calls a few strict tools (search, show_table, probe,
 * choose_table, run_sql, run_semantic_query, make_chart,
 * write_report_section, propose_memory, ask_user, finish), every SQL runs read-only through the
 * statement policy and the guard as the asker and is audited, analysis is refused until the model
 * has compared candidates and said why it chose a table (discovery gate), results come back as a
 * ≤20-row preview with checks, and every step is checkpointed in sessions.db so a killed run
 * resumes without repeating finished tool calls. Steps, tokens and cost are bounded per question.
 */
#ifndef SCOUT_AGENT_AGENT_H
#define SCOUT_AGENT_AGENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/session.h"
#include "ask/event.h"
#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"
#include "llm/llm.h"
#include "search/search.h"

#define SCOUT_AGENT_MAX_STEPS_DEFAULT 16
#define SCOUT_AGENT_PREVIEW_ROWS      20 /* rows of a result the model ever sees */
#define SCOUT_AGENT_INVALID_MAX       3  /* invalid tool calls in a row before giving up */
#define SCOUT_AGENT_THRESHOLD_DEFAULT 0.75
#define SCOUT_AGENT_REPORT_SECTIONS   12 /* write_report_section calls kept per session */

/* Answers a clarifying question (ask_user). Return a heap string (the agent
 * frees it) or NULL for "nobody answered": the model's default is used. */
typedef char *(*scout_agent_ask_user_fn)(void *ud, const char *question, const char *dflt);

/* Everything is borrowed and must outlive the call. */
typedef struct scout_agent_opts {
    const scout_config *cfg;    /* sources, limits, llm budgets (required) */
    scout_catalog *cat;         /* required */
    const scout_principal *who; /* the asker (required) */
    scout_llm *llm;             /* required for the agent; NULL = offline only */
    const char *home_dir;       /* HOME: sessions.db, audit.db, results/ (required) */
    scout_search *search;       /* NULL = opened and closed per run */
    size_t max_steps;           /* model calls per question; 0 = 16 */
    int64_t max_tokens;         /* 0 = cfg llm.max_tokens_per_question (0 there = none) */
    double max_cost;            /* 0 = cfg llm.max_cost_per_question (0 there = none) */
    double threshold;           /* scout_agent_ask: deterministic confidence to trust; 0 = cfg
                                   llm.offline_confidence, else 0.75 */
    bool deep;                  /* scout_agent_ask: always use the model */
    scout_event_fn on_event;    /* live events; may be NULL */
    void *event_ud;
    scout_llm_delta_fn on_delta; /* streamed model text; may be NULL */
    void *delta_ud;
    scout_agent_ask_user_fn ask_user; /* NULL = the default is always used */
    void *ask_user_ud;
    /* What stops a running statement (Ctrl-C): NULL = the model handle's own
     * cancel flag (scout_llm_cancel_flag), so scout_llm_cancel stops the
     * stream and the query alike; set it when there is no model. The loop
     * stops when either this flag or the model's is set. */
    const atomic_bool *cancel;
} scout_agent_opts;

typedef enum {
    SCOUT_AGENT_FINISHED,    /* the model called finish */
    SCOUT_AGENT_STOPPED,     /* max steps, token or cost budget: answer says what was found */
    SCOUT_AGENT_INTERRUPTED, /* cancelled: the session is resumable */
    SCOUT_AGENT_FAILED,      /* the model or a tool failed for good: resumable */
    SCOUT_AGENT_OFFLINE      /* answered by the deterministic path */
} scout_agent_status;

/* The answer. json is the offline ask's --json shape (answer, sql, tables,
 * rejected, result, chart, confidence, assumptions, checks, events) plus
 * session, status, stop_reason, steps, usage{prompt_tokens,
 * completion_tokens, cost}, self_eval{grades, checks, low} and
 * report[{title, text, result_id}] (write_report_section). Owned. */
typedef struct scout_agent_answer {
    char session_id[SCOUT_SESSION_ID_SIZE]; /* "" for an offline answer */
    scout_agent_status status;
    char *text; /* never NULL after success */
    json_t *json;
    scout_llm_usage usage; /* this question's tokens */
    double cost;
    int64_t steps;
    int64_t tool_calls_run; /* tool calls executed by this process (not replayed) */
    bool low_grade;         /* self-evaluation flagged the answer */
} scout_agent_answer;

/* Runs a new session for question. SCOUT_OK for FINISHED and STOPPED (a
 * clean stop with what was found so far); SCOUT_EINTERRUPTED when cancelled
 * (*out still holds the session id); the model's error otherwise (the
 * session stays resumable). *out is always set unless SCOUT_ENOMEM. */
scout_rc scout_agent_run(const char *question, const scout_agent_opts *o, scout_agent_answer **out,
                         scout_err *err);

/* Continues session id (owned by o->who) from its last checkpoint: tool calls
 * whose results were committed are not run again, and a finished session
 * returns its stored answer without calling the model. */
scout_rc scout_agent_resume(const char *id, const scout_agent_opts *o, scout_agent_answer **out,
                            scout_err *err);

/* Continues session id (owned by o->who) with a new user turn: a follow-up
 * question after an answer ("and by plan?") or the user's redirection after
 * an interrupt. The earlier turns, seen and chosen tables stay in context;
 * tool calls an interrupt left unanswered are marked skipped; the follow-up
 * gets a fresh per-question step, token and cost allowance. Returns like
 * scout_agent_run, in the same session. */
scout_rc scout_agent_continue(const char *id, const char *message, const scout_agent_opts *o,
                              scout_agent_answer **out, scout_err *err);

/* The deterministic path first: when it answers with confidence >=
 * o->threshold (and !o->deep) that answer is returned (status OFFLINE, no
 * tokens); otherwise, with o->llm set, the agent answers. Without a model
 * the offline answer (or its error) is returned whatever its confidence. */
scout_rc scout_agent_ask(const char *question, const scout_agent_opts *o, scout_agent_answer **out,
                         scout_err *err);

void scout_agent_answer_free(scout_agent_answer *a);

/* "finished", "stopped", "interrupted", "failed", "offline". */
const char *scout_agent_status_name(scout_agent_status s);

/* The tool definitions the model gets (static; n_out receives the count). */
const scout_llm_tool *scout_agent_tools(size_t *n_out);

/* Checks args (JSON text) against the named tool's strict schema. On failure
 * SCOUT_EUSER with "<tool>: <path>: <violation>" in err; *parsed is set
 * (new reference) only on success. */
scout_rc scout_agent_check_args(const char *tool, const char *args, json_t **parsed,
                                scout_err *err);

#endif
