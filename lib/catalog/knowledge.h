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

/* Reads cfg->context.docs (folders or files: .md with optional front matter
 * title/owners/visibility/updated, Notion .md exports, Google Docs .html
 * exports) and cfg->context.slack (Slack export folders) and replaces every
 * layer-4 fact in the catalog in one transaction: documents, chunks (~300
 * tokens, heading-/thread-aware, each with its ACL and source link), their
 * mentions of tables, columns, metrics and codenames, and codename meanings.
 * A malformed file is recorded with file:line in context_files and counted
 * in st->errors; the rest still loads. Fails only when the catalog does.
 *
 * ACLs: a doc with visibility public (or none) is public; visibility
 * <group>[, ...] makes it readable by those groups and its owners (configured
 * users by name or email; other owners are taken as groups). A public Slack
 * channel is public; a private one (groups.json) is readable by exactly its
 * members, mapped to scout users by email then name, unmapped members kept
 * as "slack:<id>". Admins read everything. */
scout_rc scout_knowledge_import(scout_catalog *cat, const scout_config *cfg, scout_layer_stats *st,
                                scout_err *err);

/* One chunk as retrieval returns it. Strings are borrowed for the callback. */
typedef struct scout_chunk {
    int64_t id;
    const char *uri;   /* source link: file path#heading or slack://channel/ts */
    const char *title; /* document title or "#channel" */
    const char *heading;
    const char *text;
    const char *authors;    /* doc owners or Slack message authors, comma-separated; may be NULL */
    const char *updated_at; /* ISO time of the newest content in the chunk; may be NULL */
    const char *matched;    /* chunks_for_table: the text that named the table; else NULL */
} scout_chunk;

typedef int (*scout_chunk_fn)(void *ud, const scout_chunk *c);

/* Calls fn for each chunk that mentions fqname and that who may read
 * (public, or who is in the chunk's groups/users); NULL who = public only.
 * Documents come before Slack, newest first. fn returning nonzero stops. */
scout_rc scout_knowledge_chunks_for_table(scout_catalog *cat, const char *fqname,
                                          const scout_principal *who, scout_chunk_fn fn, void *ud,
                                          scout_err *err);

/* Calls fn for every chunk who may read (same rule), in storage order; for
 * building search indexes that must never hold what the asker cannot read. */
scout_rc scout_knowledge_chunks_each(scout_catalog *cat, const scout_principal *who,
                                     scout_chunk_fn fn, void *ud, scout_err *err);

/* One codename: the term ("Lighthouse"), the kind of thing it names
 * ("feature"; may be NULL) and what it stands for ("export"). Borrowed for
 * the call. Returning nonzero stops. */
typedef int (*scout_codename_fn)(void *ud, const char *term, const char *kind, const char *meaning);

/* Calls fn for each codename stated in a chunk who may read (same rule as
 * chunks; NULL who = public only), at most once per term and meaning: a
 * codename from a private channel must not steer a non-member's question. */
scout_rc scout_knowledge_codenames_each(scout_catalog *cat, const scout_principal *who,
                                        scout_codename_fn fn, void *ud, scout_err *err);

/* The day name launched ("Lighthouse", or what a codename stands for:
 * "export"), as a chunk who may read states it ("It launched to everyone on
 * 2026-06-02"); the earliest when several say so. day gets "YYYY-MM-DD";
 * *uri (when uri is not NULL; caller frees) the chunk's link. SCOUT_ENOTFOUND
 * when none is known. */
scout_rc scout_knowledge_launch_day(scout_catalog *cat, const char *name,
                                    const scout_principal *who, char day[11], char **uri,
                                    scout_err *err);

/* The meaning of a codename ("Lighthouse" -> "export") as stated in a chunk
 * who may read, or SCOUT_ENOTFOUND. Caller frees *meaning. */
scout_rc scout_knowledge_codename(scout_catalog *cat, const char *term, const scout_principal *who,
                                  char **meaning, scout_err *err);

#endif
