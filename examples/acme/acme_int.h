/* acme_int — private plumbing shared by the Acme generator's department files:
 * the deterministic PRNG, the fixed calendar, SQLite helpers for bulk inserts,
 * and the registry of raw tables and dbt models that the dbt project writer,
 * manifest and text generators read back. Not part of the public API. */
#ifndef SCOUT_ACME_INT_H
#define SCOUT_ACME_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/err.h"

/* The fixed calendar: day 0 is 2024-11-25, day ACME_DAYS-1 is 2026-11-24 ("today"). */
#define ACME_DAYS 730
#define ACME_LAST (ACME_DAYS - 1)

/* splitmix64: tiny, fast, and good enough for synthetic data; each table gets
 * its own stream derived from the seed and a name, so tables do not shift when
 * another generator draws more numbers. */
typedef struct acme_rng {
    uint64_t s;
} acme_rng;

void acme_rng_seed(acme_rng *r, uint64_t seed, const char *stream);
uint64_t acme_rng_next(acme_rng *r);
double acme_rng_unit(acme_rng *r);                           /* [0, 1) */
int64_t acme_rng_range(acme_rng *r, int64_t lo, int64_t hi); /* inclusive */
bool acme_rng_chance(acme_rng *r, double p);
int acme_rng_weighted(acme_rng *r, const double *w, int n);
double acme_rng_normal(acme_rng *r); /* standard normal, Box-Muller */

/* Calendar: day index relative to 2024-11-25 → ISO text. out must hold 11 / 20 bytes. */
void acme_day_str(int day, char out[11]);
void acme_ts_str(int day, int sec, char out[20]);
int acme_day_index(int y, int m, int d);
int acme_weekday(int day); /* 0 = Monday */

/* One generator table or model, remembered so that dbt files, the manifest,
 * docs and the query log can describe exactly what was built. */
typedef struct acme_node {
    bool is_model;
    char *source;   /* finance | product | crm */
    char *schema;   /* raw, mart, ... */
    char *name;     /* table name (dbt alias) */
    char *dbt_name; /* unique dbt model name (== name unless aliased) */
    char *description;
    char *owner;
    char *tags;     /* comma-separated; "deprecated" marks lookalikes to avoid */
    char *raw_code; /* model SQL with ref()/source() */
    char *compiled; /* rendered SQL that was executed */
    char *deps;     /* newline-separated dbt unique_ids */
    char *columns;  /* "name\ttype\n" per column */
    char *key;      /* declared grain key column(s), for tests; may be NULL */
    bool adhoc;     /* created by hand (sandbox copies): in no dbt file */
    int64_t rows;
} acme_node;

typedef struct acme_ctx {
    const char *dir;
    uint64_t seed;
    double scale;
    const scout_acme_opts *opts;
    scout_acme_stats *stats;
    scout_err *err;
    sqlite3 *db;        /* connection of the source being generated */
    const char *source; /* its name */
    acme_node *nodes;
    size_t n_nodes, cap_nodes;
    /* Sizes shared across departments so that ids line up. */
    int64_t n_accounts;     /* product accounts (consumer + business) */
    int64_t n_biz_accounts; /* accounts 1..n_biz are business accounts tracked in CRM */
    int64_t n_users;
} acme_ctx;

/* Scales a full-size count, never below floor. */
int64_t acme_scaled(const acme_ctx *c, double full, int64_t floor);
void acme_progress(acme_ctx *c, const char *phase);

/* SQLite helpers: every failure is recorded in c->err with the statement's error. */
scout_rc acme_exec(acme_ctx *c, const char *sql);
/* sqlite3_mprintf formatting (%q, %w), so no printf format attribute. */
scout_rc acme_execf(acme_ctx *c, const char *fmt, ...);
scout_rc acme_prepare(acme_ctx *c, const char *sql, sqlite3_stmt **st);
scout_rc acme_step_reset(acme_ctx *c, sqlite3_stmt *st); /* step once (insert), then reset */
scout_rc acme_query_int(acme_ctx *c, const char *sql, int64_t *out);
void acme_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Opens a source's connection with each schema file ATTACHed under its schema
 * name; journaling is off while we generate because the files are rebuilt
 * from scratch on any failure. */
scout_rc acme_open_source(acme_ctx *c, const char *source, const char *const *schemas, int n);
scout_rc acme_close_source(acme_ctx *c);

/* Raw tables: runs the DDL (which must create schema.name), records the table. */
scout_rc acme_raw_table(acme_ctx *c, const char *schema, const char *name, const char *owner,
                        const char *description, const char *ddl);
/* Begins / commits the one transaction a bulk insert runs in, and counts rows. */
scout_rc acme_begin(acme_ctx *c);
scout_rc acme_commit(acme_ctx *c);

/* A dbt model: renders {{ ref('x') }} / {{ source('s','t') }} in sql, runs
 * CREATE TABLE schema.name AS <compiled>, and records it for the project files.
 * dbt_name may be NULL (= name). tags may be NULL. key names the grain. */
typedef struct acme_model_def {
    const char *schema;
    const char *name;
    const char *dbt_name;
    const char *owner;
    const char *tags;
    const char *key;
    const char *description;
    const char *sql;
} acme_model_def;
scout_rc acme_model(acme_ctx *c, const acme_model_def *m);

/* A hand-made table (team copy, scratch): CREATE TABLE schema.name AS sql,
 * recorded but kept out of the dbt project, as such tables are in real life. */
scout_rc acme_adhoc_table(acme_ctx *c, const char *schema, const char *name, const char *owner,
                          const char *description, const char *sql);

/* Refreshes row counts and column lists for every node of the current source. */
scout_rc acme_finish_source(acme_ctx *c);

/* Department generators, called in this order by scout_acme_generate. */
scout_rc acme_gen_product(acme_ctx *c); /* accounts, subscriptions, users, events, eng */
scout_rc acme_gen_finance(acme_ctx *c);
scout_rc acme_gen_crm(acme_ctx *c);
/* Engineering tables inside the product source (called by acme_gen_product). */
scout_rc acme_gen_eng(acme_ctx *c);
/* Finance staging/mart/archive models (after the finance raw tables exist). */
scout_rc acme_finance_models(acme_ctx *c);
/* Subscription tables inside product.raw (called by acme_gen_product). */
scout_rc acme_gen_subs(acme_ctx *c);

/* Business accounts (product account ids 1..n_biz_accounts, mirrored in CRM):
 * the segment is a pure function of the id so every department agrees. */
const char *acme_biz_segment(int64_t account_id); /* "enterprise", "mid-market", "smb" */
/* Enterprise accounts whose weekly active users fall over the last two months. */
bool acme_biz_declining(const acme_ctx *c, int64_t account_id);
/* Country table shared by finance and CRM: code, name, region, currency. */
typedef struct acme_country {
    const char *code, *name, *region, *currency;
    double weight;
} acme_country;
extern const acme_country ACME_COUNTRIES[];
extern const int ACME_N_COUNTRIES;
/* Picks a country (weighted) for an entity. */
const acme_country *acme_pick_country(acme_rng *r);

/* Text artefacts. */
scout_rc acme_write_dbt(acme_ctx *c);
scout_rc acme_write_docs(acme_ctx *c);
scout_rc acme_write_slack(acme_ctx *c);
scout_rc acme_write_dashboards(acme_ctx *c);
scout_rc acme_write_query_log(acme_ctx *c);
scout_rc acme_write_context(acme_ctx *c); /* curated YAML (layer 2) */

/* Writes text to dir/rel (parent directories created). */
scout_rc acme_write_text(acme_ctx *c, const char *rel, const char *text, size_t len);

/* Finds a node by source/schema/name; NULL if absent. */
const acme_node *acme_find(const acme_ctx *c, const char *source, const char *schema,
                           const char *name);

#endif
