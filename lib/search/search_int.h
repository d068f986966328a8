/* search_int — private details shared by lib/search: the persisted document
 * schema (docs.c writes it, index.c loads it) and the fields of a document. */
#ifndef SCOUT_SEARCH_INT_H
#define SCOUT_SEARCH_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "search/search.h"
#include "search/synonyms.h"
#include "search/text.h"

/* Fields of a document, in decreasing weight for tables. */
enum {
    F_NAME,      /* table name; doc title; dashboard; verified question */
    F_CURATED,   /* description, tags, curated synonyms, metrics; chunk text */
    F_COLUMNS,   /* column names, descriptions, synonyms; query SQL */
    F_VALUES,    /* top values of low-cardinality columns */
    F_ENRICH,    /* source/schema, owner, grain, filters, caveats, joins, dashboards */
    F_KNOWLEDGE, /* public knowledge chunks that mention the table */
    N_FIELDS
};

extern const char *const SCOUT_SEARCH_FIELD_NAMES[N_FIELDS];

/* Side tables this module owns in catalog.db (idempotent DDL). One row per
 * document: its stems per field (one line per field, space-separated) and
 * the facts ranking needs without touching the catalog again. */
#define SCOUT_SEARCH_SCHEMA                                                                        \
    "CREATE TABLE IF NOT EXISTS search_docs ("                                                     \
    "  id INTEGER PRIMARY KEY,"                                                                    \
    "  kind INTEGER NOT NULL,"                                                                     \
    "  key TEXT NOT NULL,"                                                                         \
    "  title TEXT, snippet TEXT, uri TEXT,"                                                        \
    "  hash TEXT NOT NULL,"                                                                        \
    "  terms TEXT NOT NULL,"                                                                       \
    "  trust TEXT, reason TEXT, replaced_by TEXT, layer TEXT,"                                     \
    "  usage INTEGER NOT NULL DEFAULT 0, users INTEGER NOT NULL DEFAULT 0, fresh TEXT,"            \
    "  acl_public INTEGER NOT NULL DEFAULT 1, acl_groups TEXT, acl_users TEXT,"                    \
    "  tables TEXT, vals TEXT,"                                                                    \
    "  scope TEXT, owner TEXT, team TEXT, status TEXT,"                                            \
    "  UNIQUE (kind, key));"                                                                       \
    "CREATE TABLE IF NOT EXISTS search_meta (k TEXT PRIMARY KEY, v TEXT);"

/* Opens the shared tokenizer + synonyms pair and loads the learned
 * abbreviations from search_meta. */
scout_rc scout_search_lang_open(sqlite3 *db, scout_text **t, scout_synonyms **syn, scout_err *err);

/* Appends the stems of text to out (space-separated), adding the full word
 * of every abbreviation too; observes nothing. */
scout_rc scout_search_stems(scout_text *t, scout_synonyms *syn, const char *text, scout_buf *out);

/* The layer a table sits in, judged from its schema and name: "mart",
 * "staging", "raw", "sandbox", "archive" or "" (unknown). */
const char *scout_search_layer_of(const char *schema, const char *name);

/* True when the name says the table is a copy (copy, backup, bak, tmp,
 * temp, old, scratch, draft, test, sample, dated snapshots). */
int scout_search_name_is_copy(const char *name);

/* The name with copy/version/staging decorations removed, into out:
 * "stg_revenue_daily_v1" → "revenue_daily". */
void scout_search_base_name(const char *name, char *out, size_t cap);

#endif

/* ---- the loaded index (index.c), used by search.c ---- */

typedef struct posting {
    uint32_t doc;
    uint8_t tf[N_FIELDS];
} posting;

typedef struct plist {
    posting *p;
    uint32_t n, cap;
} plist;

enum { TRUST_NORMAL, TRUST_SOT, TRUST_DEPRECATED, TRUST_CANONICAL, TRUST_VERIFIED };
enum { LAYER_NONE, LAYER_MART, LAYER_STAGING, LAYER_RAW, LAYER_SANDBOX, LAYER_ARCHIVE };

typedef struct sdoc {
    uint8_t kind, trust, layer, copy, stale, acl_public;
    uint16_t len[N_FIELDS];
    float nrm[N_FIELDS];  /* BM25F: field weight / length normalisation, precomputed */
    int32_t replaced_by;  /* doc index of the replacement, or -1 */
    int32_t lookalike_of; /* doc index of the better-trusted table of the same base name, or -1 */
    int32_t twin;         /* another table with exactly the same name elsewhere, or -1 */
    int32_t replica_of;   /* the table its description says it copies, or -1 */
    float prior;          /* product of the static signals */
    int64_t usage, users;
    char *key, *title, *snippet, *uri, *reason, *replaced_name, *fresh;
    char *tables; /* newline-separated fqnames: linked tables, or lineage neighbours */
    char *vals;   /* "column=value\n" */
    char *acl_groups, *acl_users, *scope, *owner, *team, *status;
} sdoc;

typedef struct sindex {
    scout_strmap *terms; /* stem → term id */
    plist *pl;
    size_t n_terms, cap_terms, n_postings;
    sdoc *docs;
    size_t n_docs, n_kind[SCOUT_SEARCH_KIND_COUNT];
    float avglen[SCOUT_SEARCH_KIND_COUNT][N_FIELDS];
    scout_strmap *tables; /* fqname → doc index (tables only) */
    double load_ms;
} sindex;

/* Loads search_docs into ix (zeroed by the caller). */
scout_rc scout_sindex_load(sqlite3 *db, sindex *ix, scout_err *err);
void scout_sindex_free(sindex *ix);
size_t scout_sindex_bytes(const sindex *ix);

/* The posting of doc in term's list, or NULL (lists are sorted by doc). */
const posting *scout_sindex_find(const sindex *ix, uint32_t term, uint32_t doc);

/* BM25F: a term's weighted, length-normalised frequency in doc p. */
double scout_sindex_tfn(const sindex *ix, const posting *p);

/* BM25 idf of a term. */
double scout_sindex_idf(const sindex *ix, uint32_t term);

#define SCOUT_BM25_K1 1.2
