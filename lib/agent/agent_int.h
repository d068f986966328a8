/* agent_int — what the loop (agent.c) and the tool implementations (exec.c)
 * share: the state of one run. Private to lib/agent. */
#ifndef SCOUT_AGENT_INT_H
#define SCOUT_AGENT_INT_H

#include "agent/agent.h"
#include "guard/audit.h"
#include "guard/grants.h"

typedef struct agent_run {
    const scout_agent_opts *o;
    scout_err *err;
    char id[SCOUT_SESSION_ID_SIZE];
    char *question;
    json_t *state; /* the checkpointed document (see new_state in agent.c) */
    json_t *final; /* the answer once built */
    const char *grade;
    scout_session_store *store;
    scout_audit *audit;
    scout_grants *grants;
    scout_grants_scope scope;
    scout_search_policy search_policy;
    scout_search *search;
    bool own_search;
    scout_event_stream ev;
    char results_dir[4200];
    size_t max_steps;
    int64_t max_tokens;
    double max_cost;
    int64_t steps;
    scout_llm_usage usage;
    double cost;
    int64_t tool_calls_run;
    bool interrupted; /* the last tool call's statement was stopped by a cancel */
    double t0;        /* scout_now_ms() when this process started the run */
} agent_run;

/* The flag that stops this run's statements (opts.cancel or the model's). */
const atomic_bool *agent_cancel_flag(const agent_run *r);

/* The model handle's embedder for dense retrieval, written into *buf, or
 * NULL when no llm or no embeddings_model is configured (search stays
 * lexical). */
const scout_embedder *agent_embedder(scout_llm *llm, scout_embedder *buf);

/* True when the user asked to stop (either flag). */
bool agent_cancelled(const agent_run *r);

/* Runs one tool call and returns what the model is told (a JSON object with
 * either the result or {"error", "fix"}). NULL only when out of memory. */
json_t *agent_exec_tool(agent_run *r, const char *name, const char *args);

/* Appends an audit record; failure is fatal for the action (audit.h). */
scout_rc agent_audit(agent_run *r, const char *kind, const char *source, const char *text,
                     bool allowed, const char *reason, int64_t rows, double ms);

/* The final answer JSON for status st (err_msg: why it failed, or NULL);
 * fills a->text and a->low_grade. NULL when out of memory. */
json_t *agent_build_answer(agent_run *r, scout_agent_status st, const char *err_msg,
                           scout_agent_answer *a);

#endif
