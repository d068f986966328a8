/* dense — optional vector retrieval beside the lexical index. Every search
 * document (table card, knowledge chunk, query, memory) gets one embedding
 * from the configured embedder, L2-normalised and int8-quantised with a
 * per-vector scale, persisted in catalog.db (search_vectors) and updated
 * incrementally by content hash: only documents whose embedded text changed
 * are sent to the provider. At query time the vectors of one model sit in
 * a contiguous int8 matrix searched exactly (int32 dot products); search.c
 * fuses that ranking with the lexical one by reciprocal-rank fusion. */
#ifndef SCOUT_SEARCH_DENSE_H
#define SCOUT_SEARCH_DENSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "catalog/catalog.h"
#include "search/embed.h"

/* ---- quantisation (pure functions, exposed for tests and the bench) ---- */

/* Scales v in place to unit length and returns its original norm; a zero
 * vector is left as is and 0 is returned. */
double scout_dense_normalize(float *v, size_t dims);

/* Quantises the unit vector v into q (dims int8 values in -127..127) with
 * one scale per vector, scale = max|v_i| / 127, so v_i ≈ q_i * scale with
 * |v_i - q_i * scale| <= scale / 2. Returns the scale (0 for a zero vector). */
float scout_dense_quantize(const float *v, size_t dims, int8_t *q);

/* Σ a_i·b_i with int32 accumulation. dims is at most SCOUT_EMBED_DIMS_MAX,
 * so the sum cannot overflow (4096 · 127² < 2³¹). */
int32_t scout_dense_dot(const int8_t *a, const int8_t *b, size_t dims);

/* ---- persistence and incremental update ---- */

typedef struct scout_dense_update_stats {
    size_t docs;      /* search documents considered */
    size_t embedded;  /* texts sent to the embedder (new or changed text) */
    size_t unchanged; /* same document hash as when embedded: nothing done */
    size_t rehashed;  /* document changed but its embedded text did not: no call */
    size_t removed;   /* vectors of documents gone from the index or of another model */
    size_t calls;     /* provider calls (batches) */
    double embed_ms;  /* time spent inside the provider */
    double elapsed_ms;
} scout_dense_update_stats;

/* Brings search_vectors in line with search_docs for e's model: embeds new
 * documents and those whose embedded text changed, drops vectors of removed
 * documents and of any other model or dimension. Run it after
 * scout_search_index_update. Vectors are committed per batch, so an
 * interrupted run keeps what it paid for. e is borrowed and must not be
 * NULL; stats may be NULL. */
scout_rc scout_dense_update(scout_catalog *cat, const scout_embedder *e,
                            scout_dense_update_stats *stats, scout_err *err);

/* Appends to out the text that is embedded for a document (exposed so
 * tests and the bench see exactly what the model sees). kind and key as in
 * search_docs; title and snippet are the document's. Tables: spoken name,
 * fqname, description, tags, columns with descriptions; other kinds: title
 * and text. Clipped to SCOUT_EMBED_TEXT_MAX bytes. */
scout_rc scout_dense_doc_text(scout_catalog *cat, int kind, const char *key, const char *title,
                              const char *snippet, scout_buf *out, scout_err *err);

/* ---- the loaded matrix ---- */

struct sindex;
typedef struct scout_dense scout_dense;

/* Loads the vectors of (model, dims) for the documents of the loaded index
 * ix into one matrix, row i = document i (rows of documents without a
 * vector stay empty and are never returned). Free with scout_dense_free. */
scout_rc scout_dense_load(scout_catalog *cat, const struct sindex *ix, const char *model,
                          size_t dims, scout_dense **out, scout_err *err);
void scout_dense_free(scout_dense *d);

typedef struct scout_dense_info {
    size_t rows;    /* documents with a vector */
    size_t dims;    /* vector length */
    size_t bytes;   /* memory held by the matrix and scales */
    double load_ms; /* time scout_dense_load took */
} scout_dense_info;

void scout_dense_info_get(const scout_dense *d, scout_dense_info *out);

/* The model the matrix holds vectors of. Borrowed from d. */
const char *scout_dense_model(const scout_dense *d);

typedef struct scout_dense_hit {
    uint32_t doc;
    float sim; /* cosine similarity estimated from the int8 vectors */
} scout_dense_hit;

/* Exact search: the (at most) k rows in [lo, hi) with the highest
 * similarity to the quantised query (q, qscale) among those keep(ud, doc)
 * accepts, best first, into out (room for k). keep is asked before a row
 * can enter the ranking, so a refused document never takes a place in it.
 * Returns the number of hits. */
size_t scout_dense_topk(const scout_dense *d, const int8_t *q, float qscale, uint32_t lo,
                        uint32_t hi, bool (*keep)(void *ud, uint32_t doc), void *ud, size_t k,
                        scout_dense_hit *out);

/* The similarity of one document to the quantised query, as topk computes
 * it. Returns false (sim untouched) when the document has no vector. Used
 * to give every lexical candidate its true dense score during fusion. */
bool scout_dense_sim(const scout_dense *d, const int8_t *q, float qscale, uint32_t doc, float *sim);

#endif
