/* knowledge — context layer 4, institutional knowledge: Markdown folders,
 * Notion (Markdown) and Google Docs (HTML) exports and Slack exports, chunked
 * heading- and thread-aware, each chunk stored with its source link and its
 * ACL, and linked to the tables, metrics and codenames it mentions. */
#ifndef SCOUT_CATALOG_KNOWLEDGE_H
#define SCOUT_CATALOG_KNOWLEDGE_H

#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"

/* Reads cfg->context.docs and cfg->context.slack and replaces the layer-4
 * documents, chunks and mentions in the catalog. */
scout_rc scout_knowledge_import(scout_catalog *cat, const scout_config *cfg, scout_layer_stats *st,
                                scout_err *err);

/* One chunk as retrieval returns it. Strings are borrowed for the callback. */
typedef struct scout_chunk {
    int64_t id;
    const char *uri;   /* source link: file path#heading or slack://channel/ts */
    const char *title; /* document title or "#channel" */
    const char *heading;
    const char *text;
} scout_chunk;

typedef int (*scout_chunk_fn)(void *ud, const scout_chunk *c);

/* Calls fn for each chunk that mentions fqname and that who may read
 * (public, or who is in the chunk's groups/users); NULL who = public only. */
scout_rc scout_knowledge_chunks_for_table(scout_catalog *cat, const char *fqname,
                                          const scout_principal *who, scout_chunk_fn fn, void *ud,
                                          scout_err *err);

#endif
