/* embed.c — batching and sanity checks around an embedding provider. */
#include "search/embed.h"

#include <math.h>
#include <string.h>

scout_rc scout_embed_check(const scout_embedder *e, scout_err *err)
{
    if (!e || !e->ops || !e->ops->embed || !e->ops->dims || !e->ops->model)
        return scout_err_set(err, SCOUT_EUSER, "embedder is incomplete (embed, dims, model)");
    size_t d = e->ops->dims(e->ud);
    if (d == 0 || d > SCOUT_EMBED_DIMS_MAX)
        return scout_err_set(err, SCOUT_EUSER, "embedding dimension %zu out of range 1..%d", d,
                             SCOUT_EMBED_DIMS_MAX);
    const char *m = e->ops->model(e->ud);
    if (!m || !*m) return scout_err_set(err, SCOUT_EUSER, "embedder names no model");
    return SCOUT_OK;
}

size_t scout_embed_dims(const scout_embedder *e)
{
    return scout_embed_check(e, NULL) ? 0 : e->ops->dims(e->ud);
}

const char *scout_embed_model(const scout_embedder *e)
{
    return scout_embed_check(e, NULL) ? "" : e->ops->model(e->ud);
}

/* A vector that is not finite or is all zeros has no direction. */
static int vector_ok(const float *v, size_t dims)
{
    int nonzero = 0;
    for (size_t i = 0; i < dims; i++) {
        if (!isfinite(v[i])) return 0;
        nonzero |= v[i] != 0.0f;
    }
    return nonzero;
}

scout_rc scout_embed_texts(const scout_embedder *e, const char *const *texts, size_t n, float *out,
                           size_t *calls, scout_err *err)
{
    scout_rc rc = scout_embed_check(e, err);
    if (rc) return rc;
    size_t dims = e->ops->dims(e->ud);
    size_t batch = e->max_batch ? e->max_batch : SCOUT_EMBED_BATCH_DEFAULT;
    for (size_t i = 0; i < n; i += batch) {
        size_t m = n - i < batch ? n - i : batch;
        rc = e->ops->embed(e->ud, texts + i, m, out + i * dims, dims, err);
        if (calls) (*calls)++;
        if (rc) return rc;
        for (size_t j = 0; j < m; j++)
            if (!vector_ok(out + (i + j) * dims, dims))
                return scout_err_set(err, SCOUT_EIO,
                                     "embedding model %s returned an unusable vector "
                                     "(zero or not finite)",
                                     e->ops->model(e->ud));
    }
    return SCOUT_OK;
}

size_t scout_embed_clip(const char *text, char *out, size_t cap)
{
    if (!cap) return 0;
    size_t n = text ? strlen(text) : 0;
    if (n >= cap) {
        n = cap - 1;
        /* Back off continuation bytes so the cut never splits a character. */
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) n--;
    }
    if (n) memcpy(out, text, n);
    out[n] = '\0';
    return n;
}
