/* agent — see agent.h. One run: open the stores, then loop { run the tool
 * calls of the last model reply that have no committed result; stop on
 * finish, cancel, max steps or budget; call the model; commit }. All state
 * is one JSON document (run.state) checkpointed after every step. */
#include "agent/agent.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_int.h"
#include "ask/ask.h"
#include "base/fsutil.h"
#include "guard/audit.h"

#define LLM_RETRIES 2 /* agent-level retries of a failed model call (the client retries too) */

static const char *SYSTEM_PROMPT =
    "You are scout, a careful data analyst. Answer the user's question from the warehouse.\n"
    "Rules:\n"
    "1. Discovery first: call search, look at the best candidates with show_table (and probe "
    "when unsure), then call choose_table with why that table beats its lookalikes. SQL on a "
    "table you have not chosen is refused.\n"
    "2. Numbers come only from run_sql / run_semantic_query results; never compute or invent "
    "them. Cite result ids.\n"
    "3. Investigate result checks (zero rows, fan-out, nulls) before answering.\n"
    "4. State the period and filters you assumed. Ask the user only when it really matters.\n"
    "5. End with finish, grading yourself honestly on the rubric: right table, filters, period, "
    "numbers sane against the data.\n"
    "6. When the user corrects you (a table, filter or definition), call propose_memory with the "
    "correction and its scope (global, team:<name> or personal:<user>); it is kept only once the "
    "user confirms it.\n";

const char *scout_agent_status_name(scout_agent_status s)
{
    static const char *names[] = {"finished", "stopped", "interrupted", "failed", "offline"};
    return s <= SCOUT_AGENT_OFFLINE ? names[s] : "failed";
}

void scout_agent_answer_free(scout_agent_answer *a)
{
    if (!a) return;
    free(a->text);
    json_decref(a->json);
    free(a);
}

const atomic_bool *agent_cancel_flag(const agent_run *r)
{
    if (r->o->cancel) return r->o->cancel;
    return r->o->llm ? scout_llm_cancel_flag(r->o->llm) : NULL;
}

const scout_embedder *agent_embedder(scout_llm *llm, scout_embedder *buf)
{
    scout_err e = {0};
    return llm && scout_llm_embedder(llm, buf, &e) == SCOUT_OK ? buf : NULL;
}

bool agent_cancelled(const agent_run *r)
{
    return (r->o->llm && scout_llm_cancelled(r->o->llm)) ||
           (r->o->cancel && atomic_load(r->o->cancel));
}

/* ---- checkpoints ---- */

static scout_rc commit(agent_run *r, const char *status)
{
    scout_session_row row = {0};
    row.id = r->id;
    row.user = (char *)r->o->who->user;
    row.question = r->question;
    row.status = (char *)status;
    row.step = r->steps;
    row.prompt_tokens = r->usage.prompt_tokens;
    row.completion_tokens = r->usage.completion_tokens;
    row.cost = r->cost;
    row.grade = (char *)r->grade;
    row.state = r->state;
    row.answer = r->final;
    return scout_session_save(r->store, &row, r->err);
}

static json_t *messages(agent_run *r)
{
    return json_object_get(r->state, "messages");
}

static scout_rc add_message(agent_run *r, json_t *m)
{
    if (!m || json_array_append_new(messages(r), m))
        return scout_err_set(r->err, SCOUT_ENOMEM, "out of memory");
    return SCOUT_OK;
}

static json_t *new_state(const char *question, const scout_config *cfg)
{
    json_t *srcs = json_array();
    for (size_t i = 0; i < cfg->n_sources; i++) {
        const scout_source_cfg *s = &cfg->sources[i];
        json_array_append_new(srcs,
                              json_sprintf("%s (%s)", s->name, scout_source_kind_name(s->kind)));
    }
    char *src_text = json_dumps(srcs, JSON_COMPACT);
    json_decref(srcs);
    json_t *msgs =
        json_pack("[{s:s, s:s}, {s:s, s:s++}]", "role", "system", "content", SYSTEM_PROMPT, "role",
                  "user", "content", question, "\n\nSources: ", src_text ? src_text : "[]");
    free(src_text);
    return json_pack("{s:o, s:{}, s:{}, s:[], s:n, s:n, s:[], s:[], s:[], s:i, s:n, s:n}",
                     "messages", msgs, "seen", "chosen", "results", "chart", "chart_kind",
                     "memories", "asked", "report", "invalid_streak", 0, "finish", "stop_reason");
}

/* ---- the model call ---- */

static scout_rc build_request(agent_run *r, scout_llm_msg **msgs_out,
                              scout_llm_tool_call **calls_out)
{
    json_t *ms = messages(r);
    size_t n = json_array_size(ms), n_calls = 0, i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        n_calls += json_array_size(json_object_get(m, "tool_calls"));
    }
    scout_llm_msg *msgs = calloc(n ? n : 1, sizeof *msgs);
    scout_llm_tool_call *calls = calloc(n_calls ? n_calls : 1, sizeof *calls);
    if (!msgs || !calls) {
        free(msgs);
        free(calls);
        return scout_err_set(r->err, SCOUT_ENOMEM, "out of memory");
    }
    size_t k = 0;
    json_array_foreach(ms, i, m)
    {
        const char *role = json_string_value(json_object_get(m, "role"));
        msgs[i].role = !strcmp(role, "system")      ? SCOUT_LLM_SYSTEM
                       : !strcmp(role, "user")      ? SCOUT_LLM_USER
                       : !strcmp(role, "assistant") ? SCOUT_LLM_ASSISTANT
                                                    : SCOUT_LLM_TOOL;
        msgs[i].content = json_string_value(json_object_get(m, "content"));
        msgs[i].tool_call_id = json_string_value(json_object_get(m, "tool_call_id"));
        json_t *tc = json_object_get(m, "tool_calls");
        if (json_array_size(tc)) msgs[i].tool_calls = &calls[k];
        msgs[i].n_tool_calls = json_array_size(tc);
        size_t j;
        json_t *c;
        json_array_foreach(tc, j, c)
        {
            calls[k].id = (char *)json_string_value(json_object_get(c, "id"));
            calls[k].name = (char *)json_string_value(json_object_get(c, "name"));
            calls[k].arguments = (char *)json_string_value(json_object_get(c, "arguments"));
            k++;
        }
    }
    *msgs_out = msgs;
    *calls_out = calls;
    return SCOUT_OK;
}

static json_t *reply_message(const scout_llm_reply *rep)
{
    json_t *calls = json_array();
    for (size_t i = 0; i < rep->n_tool_calls; i++) {
        const scout_llm_tool_call *c = &rep->tool_calls[i];
        json_array_append_new(calls, json_pack("{s:s, s:s, s:s}", "id", c->id ? c->id : "", "name",
                                               c->name ? c->name : "", "arguments",
                                               c->arguments ? c->arguments : ""));
    }
    return json_pack("{s:s, s:s, s:o}", "role", "assistant", "content", rep->text ? rep->text : "",
                     "tool_calls", calls);
}

static int64_t remaining_tokens(const agent_run *r)
{
    if (r->max_tokens <= 0) return 0;
    return r->max_tokens - (r->usage.prompt_tokens + r->usage.completion_tokens);
}

static scout_rc call_model(agent_run *r)
{
    scout_llm_msg *msgs = NULL;
    scout_llm_tool_call *calls = NULL;
    scout_rc rc = build_request(r, &msgs, &calls);
    if (rc) return rc;
    scout_llm_request req = {0};
    req.msgs = msgs;
    req.n_msgs = json_array_size(messages(r));
    req.tools = scout_agent_tools(&req.n_tools);
    req.on_delta = r->o->on_delta;
    req.delta_ud = r->o->delta_ud;
    int64_t left = remaining_tokens(r);
    if (r->max_tokens > 0 && left < 4096) req.max_output_tokens = left > 16 ? left : 16;
    scout_llm_reply rep = {0};
    for (int attempt = 0;; attempt++) {
        rc = scout_llm_chat(r->o->llm, &req, &rep, r->err);
        if (rc != SCOUT_EIO && rc != SCOUT_ETIMEOUT) break;
        if (attempt >= LLM_RETRIES) break;
        scout_event_status(&r->ev, "the model call failed (%s); trying again", r->err->msg);
    }
    free(msgs);
    free(calls);
    if (rc) return rc;
    r->usage.prompt_tokens += rep.usage.prompt_tokens;
    r->usage.completion_tokens += rep.usage.completion_tokens;
    r->cost += scout_llm_cost(r->o->llm, rep.usage);
    r->steps++;
    rc = add_message(r, reply_message(&rep));
    if (!rc && rep.n_tool_calls == 0) {
        /* Text without a tool call: the loop needs finish to end, so say so. */
        rc = add_message(r, json_pack("{s:s, s:s}", "role", "user", "content",
                                      "Continue with the tools; call finish to give the answer."));
    }
    if (!rc && rep.text && rep.text[0]) scout_event_status(&r->ev, "model: %.300s", rep.text);
    scout_llm_reply_free(&rep);
    return rc;
}

/* ---- running the pending tool calls ---- */

static bool has_result(json_t *ms, size_t from, const char *id)
{
    for (size_t i = from; i < json_array_size(ms); i++) {
        const char *t = json_string_value(json_object_get(json_array_get(ms, i), "tool_call_id"));
        if (t && !strcmp(t, id)) return true;
    }
    return false;
}

static size_t last_assistant(json_t *ms)
{
    for (size_t i = json_array_size(ms); i-- > 0;)
        if (!strcmp(json_string_value(json_object_get(json_array_get(ms, i), "role")), "assistant"))
            return i;
    return (size_t)-1;
}

static scout_rc run_one_call(agent_run *r, const char *id, const char *name, const char *args)
{
    r->interrupted = false;
    json_t *out = agent_exec_tool(r, name, args);
    if (!out) return scout_err_set(r->err, SCOUT_ENOMEM, "out of memory");
    if (r->interrupted) {
        /* A statement stopped by Ctrl-C has no result worth committing: the
         * call stays pending, so resume runs it again and a redirection
         * (continue) answers it as skipped. */
        json_decref(out);
        return scout_err_set(r->err, SCOUT_EINTERRUPTED, "query interrupted");
    }
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    if (!text) return scout_err_set(r->err, SCOUT_ENOMEM, "out of memory");
    scout_rc rc = add_message(
        r, json_pack("{s:s, s:s, s:s}", "role", "tool", "tool_call_id", id, "content", text));
    free(text);
    r->tool_calls_run++;
    return rc ? rc : commit(r, "running");
}

/* A tool result that says the call was not run, and why. */
static scout_rc add_skipped(agent_run *r, const char *id, const char *content)
{
    return add_message(
        r, json_pack("{s:s, s:s, s:s}", "role", "tool", "tool_call_id", id, "content", content));
}

/* Answers every call of the last reply that has no committed result: with
 * skip set (the user interrupted) each is answered as skipped; otherwise
 * each is run, except that a finish call ends the run and calls after it
 * in the same reply are answered but not run. */
static scout_rc answer_pending(agent_run *r, const char *skip)
{
    json_t *ms = messages(r);
    size_t at = last_assistant(ms);
    if (at == (size_t)-1) return SCOUT_OK;
    json_t *calls = json_object_get(json_array_get(ms, at), "tool_calls");
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        if (!id || has_result(ms, at + 1, id)) continue;
        scout_rc rc;
        if (skip) {
            rc = add_skipped(r, id, skip);
        } else if (agent_cancelled(r)) {
            return scout_err_set(r->err, SCOUT_EINTERRUPTED, "agent: cancelled");
        } else if (json_is_object(json_object_get(r->state, "finish"))) {
            rc = add_skipped(r, id, "{\"skipped\":\"finish was called\"}");
        } else {
            rc = run_one_call(r, id, json_string_value(json_object_get(c, "name")),
                              json_string_value(json_object_get(c, "arguments")));
        }
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* ---- the loop ---- */

static const char *budget_exceeded(agent_run *r, char *why, size_t n)
{
    int64_t used = r->usage.prompt_tokens + r->usage.completion_tokens;
    if (r->max_tokens > 0 && used >= r->max_tokens) {
        snprintf(why, n, "token budget reached (%lld of %lld tokens used)", (long long)used,
                 (long long)r->max_tokens);
        return why;
    }
    if (r->max_cost > 0 && r->cost >= r->max_cost) {
        snprintf(why, n, "cost budget reached (%.4f of %.4f)", r->cost, r->max_cost);
        return why;
    }
    if (r->steps >= (int64_t)r->max_steps) {
        snprintf(why, n, "step limit reached (%zu model calls) before the model finished",
                 r->max_steps);
        return why;
    }
    if (json_integer_value(json_object_get(r->state, "invalid_streak")) >=
        SCOUT_AGENT_INVALID_MAX) {
        snprintf(why, n, "the model sent %d invalid tool calls in a row", SCOUT_AGENT_INVALID_MAX);
        return why;
    }
    return NULL;
}

static scout_rc loop(agent_run *r)
{
    for (;;) {
        scout_rc rc = answer_pending(r, NULL);
        if (rc) return rc;
        if (json_is_object(json_object_get(r->state, "finish"))) return SCOUT_OK;
        char why[256];
        if (budget_exceeded(r, why, sizeof why)) {
            json_object_set_new(r->state, "stop_reason", json_string(why));
            scout_event_status(&r->ev, "stopping: %s", why);
            return SCOUT_OK;
        }
        if (agent_cancelled(r))
            return scout_err_set(r->err, SCOUT_EINTERRUPTED, "agent: cancelled");
        scout_event_status(&r->ev, "thinking (step %lld)", (long long)r->steps + 1);
        rc = call_model(r);
        if (!rc) rc = commit(r, "running");
        if (rc) return rc;
    }
}

static scout_rc open_run(agent_run *r, const scout_agent_opts *o, scout_err *err)
{
    r->o = o;
    r->err = err;
    r->t0 = scout_now_ms();
    r->max_steps = o->max_steps ? o->max_steps : SCOUT_AGENT_MAX_STEPS_DEFAULT;
    r->max_tokens = o->max_tokens ? o->max_tokens : o->cfg->llm.max_tokens_per_question;
    r->max_cost = o->max_cost > 0 ? o->max_cost : o->cfg->llm.max_cost_per_question;
    if (!o->llm || !o->home_dir || !o->who || !o->who->user || !o->cat)
        return scout_err_set(err, SCOUT_EUSER,
                             "agent: needs a model, a home, a catalog and a user");
    scout_rc rc = scout_event_stream_init(&r->ev, o->on_event, o->event_ud, true, err);
    char path[4096];
    if (!rc) {
        snprintf(path, sizeof path, "%s/sessions.db", o->home_dir);
        rc = scout_session_store_open(path, &r->store, err);
    }
    if (!rc) rc = scout_audit_path(o->home_dir, path, sizeof path, err);
    if (!rc) rc = scout_audit_open(path, &r->audit, err);
    if (!rc) rc = scout_grants_load(o->cat, o->cfg, &r->grants, err);
    if (!rc) r->search_policy = scout_grants_search_policy(r->grants, o->who, &r->scope);
    if (!rc) snprintf(r->results_dir, sizeof r->results_dir, "%s/results", o->home_dir);
    return rc;
}

static void close_run(agent_run *r)
{
    scout_session_store_close(r->store);
    scout_audit_close(r->audit);
    scout_grants_free(r->grants);
    if (r->own_search) scout_search_close(r->search);
    scout_event_stream_free(&r->ev);
    json_decref(r->state);
    json_decref(r->final);
    free(r->question);
}

static scout_agent_answer *new_answer(agent_run *r)
{
    scout_agent_answer *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    snprintf(a->session_id, sizeof a->session_id, "%s", r->id);
    a->usage = r->usage;
    a->cost = r->cost;
    a->steps = r->steps;
    a->tool_calls_run = r->tool_calls_run;
    return a;
}

/* Ends a run: builds the answer (finish, stop, interrupt or failure), stores
 * it with the session and hands it out. */
static scout_rc end_run(agent_run *r, scout_rc rc, scout_agent_answer **out)
{
    scout_agent_status st = rc == SCOUT_EINTERRUPTED ? SCOUT_AGENT_INTERRUPTED
                            : rc                     ? SCOUT_AGENT_FAILED
                            : json_is_object(json_object_get(r->state, "finish"))
                                ? SCOUT_AGENT_FINISHED
                                : SCOUT_AGENT_STOPPED;
    scout_err saved = *r->err;
    scout_agent_answer *a = new_answer(r);
    if (!a) return scout_err_set(r->err, SCOUT_ENOMEM, "out of memory");
    a->status = st;
    r->final = agent_build_answer(r, st, rc ? saved.msg : NULL, a);
    if (!r->final) {
        scout_agent_answer_free(a);
        return scout_err_set(r->err, SCOUT_ENOMEM, "out of memory");
    }
    a->json = json_incref(r->final);
    scout_err ignore = {0};
    scout_err *keep = r->err;
    r->err = &ignore;
    /* The session must say how it ended even when the run failed. */
    (void)commit(r, scout_agent_status_name(st));
    r->err = keep;
    *r->err = saved;
    *out = a;
    return rc;
}

scout_rc scout_agent_run(const char *question, const scout_agent_opts *o, scout_agent_answer **out,
                         scout_err *err)
{
    *out = NULL;
    scout_rc rc = scout_ask_check_question(question, err);
    if (rc) return rc;
    agent_run r = {0};
    rc = open_run(&r, o, err);
    if (!rc) rc = scout_session_new_id(r.id, err);
    if (!rc) {
        r.question = scout_strdup(question);
        r.state = new_state(question, o->cfg);
        if (!r.question || !r.state) rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    if (!rc) rc = agent_audit(&r, "question", NULL, question, true, NULL, -1, 0);
    if (!rc) rc = commit(&r, "running");
    if (!rc) {
        scout_event_status(&r.ev, "session %s", r.id);
        rc = loop(&r);
        rc = end_run(&r, rc, out);
    }
    close_run(&r);
    return rc;
}

/* Loads session id (owned by o->who; admins any) into r with its counters. */
static scout_rc load_run(agent_run *r, const char *id, const scout_agent_opts *o,
                         scout_session_row *row, scout_err *err)
{
    scout_rc rc = open_run(r, o, err);
    if (!rc) rc = scout_session_load(r->store, id, o->who->admin ? NULL : o->who->user, row, err);
    if (!rc)
        rc = scout_results_check_session(r->grants, o->who, row->id, row->state, r->audit, err);
    if (rc) return rc;
    snprintf(r->id, sizeof r->id, "%s", row->id);
    r->question = row->question;
    row->question = NULL;
    r->state = json_incref(row->state);
    r->steps = row->step;
    r->usage.prompt_tokens = row->prompt_tokens;
    r->usage.completion_tokens = row->completion_tokens;
    r->cost = row->cost;
    return SCOUT_OK;
}

/* A follow-up is a new question: it gets the per-question allowance on top
 * of what the session has already used. */
static void fresh_allowance(agent_run *r)
{
    if (r->max_tokens > 0) r->max_tokens += r->usage.prompt_tokens + r->usage.completion_tokens;
    if (r->max_cost > 0) r->max_cost += r->cost;
    r->max_steps += (size_t)r->steps;
}

scout_rc scout_agent_resume(const char *id, const scout_agent_opts *o, scout_agent_answer **out,
                            scout_err *err)
{
    *out = NULL;
    agent_run r = {0};
    scout_session_row row = {0};
    scout_rc rc = load_run(&r, id, o, &row, err);
    if (rc) {
        scout_session_row_free(&row);
        close_run(&r);
        return rc;
    }
    bool done = !strcmp(row.status, "finished") && row.answer;
    if (done) {
        /* A finished session is answered from its checkpoint: no model call. */
        scout_agent_answer *a = new_answer(&r);
        if (!a) {
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
        } else {
            a->status = SCOUT_AGENT_FINISHED;
            a->json = json_incref(row.answer);
            a->text = scout_strdup(json_string_value(json_object_get(row.answer, "answer")));
            a->low_grade = row.grade && !strcmp(row.grade, "low");
            *out = a;
        }
    } else {
        scout_event_status(&r.ev, "resuming session %s at step %lld", r.id, (long long)r.steps);
        /* A stop for budget or steps is lifted by resuming: the user asked for more. */
        json_object_set_new(r.state, "stop_reason", json_null());
        json_object_set_new(r.state, "invalid_streak", json_integer(0));
        if (r.steps >= (int64_t)r.max_steps) r.max_steps += (size_t)r.steps;
        rc = loop(&r);
        rc = end_run(&r, rc, out);
    }
    scout_session_row_free(&row);
    close_run(&r);
    return rc;
}

scout_rc scout_agent_continue(const char *id, const char *message, const scout_agent_opts *o,
                              scout_agent_answer **out, scout_err *err)
{
    *out = NULL;
    scout_rc rc = scout_ask_check_question(message, err);
    if (rc) return rc;
    agent_run r = {0};
    scout_session_row row = {0};
    rc = load_run(&r, id, o, &row, err);
    if (!rc) {
        /* The earlier turns stay in the messages: that is the context a
         * follow-up ("and by plan?") or a redirection needs. Seen and chosen
         * tables stay too, so the gate does not make the model rediscover. */
        json_object_set_new(r.state, "finish", json_null());
        json_object_set_new(r.state, "stop_reason", json_null());
        json_object_set_new(r.state, "invalid_streak", json_integer(0));
        json_decref(r.final);
        r.final = NULL;
        r.grade = NULL;
        /* A tool call an interrupt left unanswered is answered as skipped
         * first: the API needs every call answered before the next user turn. */
        rc = answer_pending(&r, "{\"skipped\":\"the user interrupted\"}");
    }
    if (!rc) rc = add_message(&r, json_pack("{s:s, s:s}", "role", "user", "content", message));
    if (!rc) rc = agent_audit(&r, "question", NULL, message, true, NULL, -1, 0);
    if (!rc) {
        fresh_allowance(&r);
        scout_event_status(&r.ev, "session %s continues", r.id);
        rc = loop(&r);
        rc = end_run(&r, rc, out);
    }
    scout_session_row_free(&row);
    close_run(&r);
    return rc;
}

/* ---- deterministic first ---- */

static scout_rc offline_answer(const char *question, const scout_agent_opts *o,
                               scout_ask_answer *ans, scout_agent_answer **out)
{
    scout_agent_answer *a = calloc(1, sizeof *a);
    if (!a) return SCOUT_ENOMEM;
    a->status = SCOUT_AGENT_OFFLINE;
    a->text = scout_strdup(ans->text);
    a->json = scout_ask_answer_json(ans);
    if (a->json) {
        json_object_set_new(a->json, "status", json_string("offline"));
        json_object_set_new(
            a->json, "usage",
            json_pack("{s:i, s:i, s:f}", "prompt_tokens", 0, "completion_tokens", 0, "cost", 0.0));
        json_object_set_new(a->json, "self_eval",
                            json_pack("{s:s, s:f, s:b}", "source", "deterministic", "confidence",
                                      ans->confidence, "low", ans->confidence < 0.5));
    }
    (void)question;
    (void)o;
    *out = a;
    return a->json && a->text ? SCOUT_OK : SCOUT_ENOMEM;
}

scout_rc scout_agent_ask(const char *question, const scout_agent_opts *o, scout_agent_answer **out,
                         scout_err *err)
{
    *out = NULL;
    double threshold = o->threshold > 0                     ? o->threshold
                       : o->cfg->llm.offline_confidence > 0 ? o->cfg->llm.offline_confidence
                                                            : SCOUT_AGENT_THRESHOLD_DEFAULT;
    if (o->llm && o->deep) return scout_agent_run(question, o, out, err);
    scout_ask_opts ao = {0};
    ao.cfg = o->cfg;
    ao.cat = o->cat;
    ao.search = o->search;
    ao.who = o->who;
    char results[4096];
    snprintf(results, sizeof results, "%s/results", o->home_dir ? o->home_dir : ".");
    ao.results_dir = o->home_dir ? results : NULL;
    ao.keep_events = true;
    ao.on_event =
        o->llm ? NULL : o->on_event; /* with a model the agent's stream is the one shown */
    ao.event_ud = o->event_ud;
    ao.cancel = o->cancel ? o->cancel : o->llm ? scout_llm_cancel_flag(o->llm) : NULL;
    scout_embedder emb;
    ao.embedder = agent_embedder(o->llm, &emb);
    scout_ask_answer *ans = NULL;
    scout_err e2 = {0};
    scout_rc rc = scout_ask_run(question, &ao, &ans, o->llm ? &e2 : err);
    if (rc == SCOUT_EINTERRUPTED) {
        /* Ctrl-C during the deterministic query: stop, do not hand over to the model. */
        scout_ask_answer_free(ans);
        if (o->llm) *err = e2;
        return rc;
    }
    bool confident = !rc && !ans->clarify && ans->confidence >= threshold;
    if (!o->llm || confident) {
        if (!rc) {
            rc = offline_answer(question, o, ans, out);
            if (rc) scout_err_set(err, rc, "out of memory");
        }
        scout_ask_answer_free(ans);
        return rc;
    }
    scout_ask_answer_free(ans);
    return scout_agent_run(question, o, out, err);
}
