/* embed — the interface search uses to turn text into vectors. A provider
 * (the OpenAI-compatible /v1/embeddings client of lib/llm, or a test's
 * deterministic embedder) fills an ops table; search only ever calls it
 * through scout_embed_texts, which batches, bounds and checks the output.
 * No embedder (NULL) means dense retrieval is off and search is lexical. */
#ifndef SCOUT_SEARCH_EMBED_H
#define SCOUT_SEARCH_EMBED_H

#include <stddef.h>

#include "base/err.h"

#define SCOUT_EMBED_DIMS_MAX      4096 /* larger vectors are refused */
#define SCOUT_EMBED_BATCH_DEFAULT 64   /* texts per provider call when max_batch is 0 */
#define SCOUT_EMBED_TEXT_MAX      4096 /* bytes of one text sent to the provider */

typedef struct scout_embedder_ops {
    /* Writes n vectors of dims floats each, row-major, into out (room for
     * n * dims floats, owned by the caller). texts are borrowed, UTF-8, at
     * most SCOUT_EMBED_TEXT_MAX bytes each. Vectors need not be normalised.
     * A failure returns an error code with a one-line message in err. */
    scout_rc (*embed)(void *ud, const char *const *texts, size_t n, float *out, size_t dims,
                      scout_err *err);
    /* The vector length the model produces (constant for a model). */
    size_t (*dims)(void *ud);
    /* The model's name as stored beside every vector ("text-embedding-3-small");
     * vectors of another model or length are never mixed with these. */
    const char *(*model)(void *ud);
} scout_embedder_ops;

/* An embedder: ops plus the provider's state. Borrowed by everything that
 * takes one; the provider owns ud and frees it after its last use. */
typedef struct scout_embedder {
    const scout_embedder_ops *ops;
    void *ud;
    size_t max_batch; /* texts per ops->embed call; 0 = SCOUT_EMBED_BATCH_DEFAULT */
} scout_embedder;

/* Checks that e is usable: ops present, dims in 1..SCOUT_EMBED_DIMS_MAX, a
 * non-empty model name. SCOUT_EUSER with a message otherwise. */
scout_rc scout_embed_check(const scout_embedder *e, scout_err *err);

/* The model's vector length, or 0 when e is NULL or unusable. */
size_t scout_embed_dims(const scout_embedder *e);

/* The model's name, or "" when e is NULL or names none. Borrowed from the provider. */
const char *scout_embed_model(const scout_embedder *e);

/* Embeds n texts into out (n * dims floats), in batches of e->max_batch
 * provider calls. A provider that returns a non-finite or all-zero vector
 * fails the call (SCOUT_EIO): such a vector cannot be normalised and would
 * silently rank nothing. *calls (may be NULL) is increased by the number of
 * provider calls made. */
scout_rc scout_embed_texts(const scout_embedder *e, const char *const *texts, size_t n, float *out,
                           size_t *calls, scout_err *err);

/* Copies text into out (cap bytes, NUL-terminated), cut at a UTF-8
 * character boundary when longer; returns the bytes written. */
size_t scout_embed_clip(const char *text, char *out, size_t cap);

#endif
