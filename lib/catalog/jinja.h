/* jinja — renders the Jinja in dbt model SQL into plain SQL a parser can read:
 * ref()/source() become relation names (through a resolver callback),
 * config() is removed but its settings kept, the incremental branch of
 * `{% if is_incremental() %}` is dropped, comments vanish, and any other
 * Jinja is stripped safely (counted, so the caller can report it). Line
 * numbers are preserved: removed text leaves its newlines behind. */
#ifndef SCOUT_CATALOG_JINJA_H
#define SCOUT_CATALOG_JINJA_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* What an unknown `{{ expression }}` becomes: an identifier, valid both
 * where a relation and where a value is expected. Consumers ignore relations
 * of this name. */
#define SCOUT_JINJA_PLACEHOLDER "__jinja__"

typedef enum { SCOUT_JINJA_REF, SCOUT_JINJA_SOURCE } scout_jinja_call;

/* Appends the relation (source.schema.table) for ref(a) / ref(a, b) (package
 * a, model b) or source(a, b) to out and returns true; returns false when it
 * does not know it (the renderer then writes the name as written). b is NULL
 * for a one-argument ref. */
typedef bool (*scout_jinja_resolve_fn)(void *ud, scout_jinja_call call, const char *a,
                                       const char *b, scout_buf *out);

typedef struct scout_jinja_opts {
    scout_jinja_resolve_fn resolve; /* may be NULL: names are written as given */
    void *ud;
    const char *this_relation; /* what {{ this }} renders as; NULL = placeholder */
} scout_jinja_opts;

typedef struct scout_jinja_result {
    char *sql; /* the rendered SQL */
    /* config(...) settings, NULL when not given */
    char *materialized, *schema, *alias;
    char **tags;
    size_t n_tags;
    /* Relations ref()/source() named, in order, deduplicated: resolved
     * fqnames, or the name as written when the resolver did not know it.
     * Lineage falls back on these when the rendered SQL does not parse. */
    char **relations;
    size_t n_relations;
    int unresolved;         /* ref/source calls the resolver did not know */
    int stripped_exprs;     /* other {{ }} replaced by the placeholder */
    int stripped_stmts;     /* other {% %} statements removed */
    int comments;           /* {# #} removed */
    int incremental_blocks; /* is_incremental() branches dropped */
    char *warning;          /* first problem ("unterminated {{ at line 3"), else NULL */
} scout_jinja_result;

/* Renders src. Malformed Jinja does not fail: what could not be read is
 * stripped and noted in out->warning. Fails only on memory exhaustion or
 * input over the buffer limit. Caller frees out with scout_jinja_result_free. */
scout_rc scout_jinja_render(const char *src, const scout_jinja_opts *opts, scout_jinja_result *out,
                            scout_err *err);

/* Total of the stripped counters (expressions, statements). */
int scout_jinja_stripped(const scout_jinja_result *r);

void scout_jinja_result_free(scout_jinja_result *r);

#endif
