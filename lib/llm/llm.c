#include "llm/llm.h"

#include <stdlib.h>
#include <string.h>

#include "llm/openai.h"

struct scout_llm {
    const scout_llm_ops *ops;
    void *ud;
    atomic_bool cancel;
    scout_llm_usage total;
    double price_in;  /* per million prompt tokens */
    double price_out; /* per million completion tokens */
};

scout_llm *scout_llm_new(const scout_llm_ops *ops, void *ud)
{
    scout_llm *llm = calloc(1, sizeof *llm);
    if (!llm) return NULL;
    llm->ops = ops;
    llm->ud = ud;
    atomic_init(&llm->cancel, false);
    return llm;
}

scout_rc scout_llm_open(const scout_llm_cfg *cfg, scout_llm **out, scout_err *err)
{
    *out = NULL;
    const scout_llm_ops *ops = NULL;
    void *ud = NULL;
    scout_rc rc = scout_openai_open(cfg, &ops, &ud, err);
    if (rc) return rc;
    scout_llm *llm = scout_llm_new(ops, ud);
    if (!llm) {
        ops->free(ud);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    llm->price_in = cfg->price_per_mtok_in;
    llm->price_out = cfg->price_per_mtok_out;
    *out = llm;
    return SCOUT_OK;
}

void scout_llm_free(scout_llm *llm)
{
    if (!llm) return;
    if (llm->ops && llm->ops->free) llm->ops->free(llm->ud);
    free(llm);
}

scout_rc scout_llm_chat(scout_llm *llm, const scout_llm_request *req, scout_llm_reply *out,
                        scout_err *err)
{
    memset(out, 0, sizeof *out);
    if (atomic_load(&llm->cancel)) return scout_err_set(err, SCOUT_EINTERRUPTED, "llm: cancelled");
    scout_rc rc = llm->ops->chat(llm->ud, req, &llm->cancel, out, err);
    if (rc) {
        scout_llm_reply_free(out);
        return rc;
    }
    /* Providers may leave optional fields unset; callers rely on never-NULL. */
    if (!out->text) out->text = calloc(1, 1);
    if (!out->finish_reason) out->finish_reason = calloc(1, 1);
    if (!out->text || !out->finish_reason) {
        scout_llm_reply_free(out);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    llm->total.prompt_tokens += out->usage.prompt_tokens;
    llm->total.completion_tokens += out->usage.completion_tokens;
    return SCOUT_OK;
}

void scout_llm_cancel(scout_llm *llm)
{
    atomic_store(&llm->cancel, true);
}

void scout_llm_reset_cancel(scout_llm *llm)
{
    atomic_store(&llm->cancel, false);
}

bool scout_llm_cancelled(const scout_llm *llm)
{
    return atomic_load(&((scout_llm *)llm)->cancel);
}

const atomic_bool *scout_llm_cancel_flag(const scout_llm *llm)
{
    return &llm->cancel;
}

scout_llm_usage scout_llm_total_usage(const scout_llm *llm)
{
    return llm->total;
}

double scout_llm_cost(const scout_llm *llm, scout_llm_usage usage)
{
    return ((double)usage.prompt_tokens * llm->price_in +
            (double)usage.completion_tokens * llm->price_out) /
           1e6;
}

const char *scout_llm_name(const scout_llm *llm)
{
    return llm->ops->name ? llm->ops->name : "";
}

scout_rc scout_llm_embedder(scout_llm *llm, scout_embedder *out, scout_err *err)
{
    memset(out, 0, sizeof *out);
    if (!llm->ops->embedder)
        return scout_err_set(err, SCOUT_ENOTFOUND, "llm: %s has no embeddings",
                             scout_llm_name(llm));
    return llm->ops->embedder(llm->ud, &llm->cancel, out, err);
}

void scout_llm_reply_free(scout_llm_reply *r)
{
    if (!r) return;
    free(r->text);
    for (size_t i = 0; i < r->n_tool_calls; i++) {
        free(r->tool_calls[i].id);
        free(r->tool_calls[i].name);
        free(r->tool_calls[i].arguments);
    }
    free(r->tool_calls);
    free(r->finish_reason);
    memset(r, 0, sizeof *r);
}
