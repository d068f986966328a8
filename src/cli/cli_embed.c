/* The embedder for dense retrieval: an OpenAI-compatible /embeddings
 * endpoint, used only when scout.yaml sets llm.embeddings_model. */
#include <string.h>

#include "cli.h"
#include "llm/llm.h"

scout_rc cli_embed_open(cli *c, cli_embed *out)
{
    memset(out, 0, sizeof *out);
    scout_rc rc = cli_load_config(c);
    if (rc) return rc;
    const scout_llm_cfg *lc = &c->cfg->llm;
    if (!lc->embeddings_model || !lc->base_url) return SCOUT_OK;
    rc = scout_llm_open(lc, &out->llm, &c->err);
    if (!rc) rc = scout_llm_embedder(out->llm, &out->e, &c->err);
    if (rc) cli_embed_close(out);
    return rc;
}

void cli_embed_close(cli_embed *e)
{
    if (!e) return;
    scout_llm_free(e->llm);
    memset(e, 0, sizeof *e);
}

const scout_embedder *cli_embed_get(const cli_embed *e)
{
    return e && e->llm ? &e->e : NULL;
}
