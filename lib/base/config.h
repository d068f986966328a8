/* config — scout.yaml, loaded once at start-up into a read-only struct.
 * Strict: an unknown key, a wrong type, a bad value or a missing file is an
 * error naming the file, the line and the key. Secrets are never stored in
 * the file; they come from environment variables the file names. */
#ifndef SCOUT_BASE_CONFIG_H
#define SCOUT_BASE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef enum {
    SCOUT_SOURCE_SQLITE,
    SCOUT_SOURCE_POSTGRES,
    SCOUT_SOURCE_CLICKHOUSE
} scout_source_kind;

/* An extra schema of a SQLite source: another database file attached under
 * `name`, so its tables are addressed as source.name.table. */
typedef struct scout_schema_cfg {
    char *name;
    char *path; /* absolute (resolved against the config file's directory) */
} scout_schema_cfg;

/* One per-user (or per-group) database identity on a PostgreSQL or
 * ClickHouse source: an env var holding that person's own DSN, and/or a role
 * to SET ROLE to after connecting. Neither secret nor DSN is in the file. */
typedef struct scout_credential_cfg {
    char *name;    /* user or group name */
    char *dsn_env; /* env var holding the full DSN; NULL = the source's login DSN */
    char *role;    /* role to switch to after connecting; NULL = none */
    int line;      /* where it was configured, for messages */
} scout_credential_cfg;

/* sources[].credentials: who connects as whom (docs/security.md). A source
 * without this block answers only through its own DSN, which the resolver
 * grants to admins and, on an unrestricted source, to everyone. */
typedef struct scout_credentials_cfg {
    bool present; /* the block was configured */
    scout_credential_cfg *users;
    size_t n_users;
    scout_credential_cfg *groups; /* tried in the order of the user's groups */
    size_t n_groups;
    scout_credential_cfg *fallback; /* `default:`; NULL = refuse; unrestricted sources only */
    char *role_template;            /* e.g. "scout_%s": a role per user name; NULL = none */
} scout_credentials_cfg;

typedef struct scout_source_cfg {
    char *name; /* unique; first part of source.schema.table */
    scout_source_kind kind;
    char *path; /* sqlite: main database file (absolute), may be NULL if schemas given */
    scout_schema_cfg *schemas;
    size_t n_schemas;
    char *dsn;       /* postgres/clickhouse: connection string without secrets */
    char *dsn_env;   /* name of an env var holding the full DSN (wins over dsn) */
    bool restricted; /* default-deny: only explicitly granted users may read */
    char *description;
    scout_credentials_cfg credentials; /* postgres/clickhouse only */
} scout_source_cfg;

/* Which OpenAI wire format the endpoint speaks: Chat Completions (OpenAI,
 * Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter, Azure) or the
 * newer Responses API (OpenAI). */
typedef enum { SCOUT_LLM_API_CHAT, SCOUT_LLM_API_RESPONSES } scout_llm_api;

typedef struct scout_llm_cfg {
    char *base_url; /* OpenAI-compatible endpoint; NULL = offline */
    char *model;
    char *api_key_env; /* env var holding the key (default OPENAI_API_KEY) */
    int64_t timeout_ms;
    int64_t max_tokens_per_question;
    char *embeddings_model;       /* /embeddings model; NULL = no dense retrieval via the llm */
    scout_llm_api api;            /* default SCOUT_LLM_API_CHAT */
    int64_t max_retries;          /* retries after a 429/5xx/connect failure (0 = none) */
    double price_per_mtok_in;     /* currency units per million prompt tokens (0 = unpriced) */
    double price_per_mtok_out;    /* per million completion tokens */
    double max_cost_per_question; /* cost budget of one question; 0 = no cost budget */
    /* The deterministic answer is kept when its confidence is at least this
     * (0..1); below it the agent answers. 0 = the agent's default (0.75). */
    double offline_confidence;
} scout_llm_cfg;

typedef struct scout_limits_cfg {
    int64_t max_rows;                        /* rows returned by one query */
    int64_t max_bytes;                       /* bytes of result data returned by one query */
    int64_t timeout_ms;                      /* wall time of one query */
    int64_t crawl_sample_rows;               /* rows sampled per table for column statistics */
    int64_t scratch_ttl_hours;               /* a scratch file not written for this long is wiped */
    int64_t max_concurrent_queries_per_user; /* queries one user may run at once */
    double
        max_query_cost; /* EXPLAIN pre-check: estimated rows of nested scans one query may cost */
} scout_limits_cfg;

typedef struct scout_user_cfg {
    char *name;
    char *email; /* links the user to their accounts in Slack exports and docs */
    char **groups;
    size_t n_groups;
    bool admin;
} scout_user_cfg;

/* A list of absolute paths. */
typedef struct scout_path_list {
    char **v;
    size_t n;
} scout_path_list;

/* Where the context layers 2-4 and query history are read from. Each list may
 * be empty; HOME/context (scout's own curated YAML) is always read too. */
typedef struct scout_context_cfg {
    scout_path_list
        dbt; /* dbt projects: target/manifest.json and the schema.yml files under models/ */
    scout_path_list models;     /* folders of plain .sql pipeline models (layer 3) */
    scout_path_list curated;    /* folders of scout context YAML (layer 2) */
    scout_path_list docs;       /* Markdown, Notion (Markdown) and Google Docs (HTML) exports */
    scout_path_list slack;      /* Slack exports in the standard layout */
    scout_path_list query_logs; /* JSONL query logs */
    scout_path_list dashboards; /* folders of dashboard YAML */
} scout_context_cfg;

typedef struct scout_config {
    char *path; /* the file this came from (absolute) */
    char *dir;  /* its directory; relative paths in the file resolve here */
    scout_source_cfg *sources;
    size_t n_sources;
    scout_llm_cfg llm;
    scout_limits_cfg limits;
    scout_user_cfg *users;
    size_t n_users;
    scout_context_cfg context;
} scout_config;

/* Fills cfg with built-in defaults and no sources. */
void scout_config_defaults(scout_config *cfg);

/* Loads path into a new config (caller frees with scout_config_free).
 * Errors read "<file>:<line>: <what> '<key>'" and leave *out NULL. */
scout_rc scout_config_load(const char *path, scout_config **out, scout_err *err);

/* Parses YAML text as if it were the file `path` (used by tests and `init`). */
scout_rc scout_config_parse(const char *text, size_t len, const char *path, scout_config **out,
                            scout_err *err);

/* Frees a config; NULL is a no-op. */
void scout_config_free(scout_config *cfg);

/* The named source or NULL. Borrowed. */
const scout_source_cfg *scout_config_source(const scout_config *cfg, const char *name);

/* The DSN to use for a source: the env var named by dsn_env if set, else
 * SCOUT_DSN_<NAME> (upper-cased) if set, else dsn. Borrowed; may be NULL. */
const char *scout_source_dsn(const scout_source_cfg *src);

/* "sqlite", "postgres" or "clickhouse". */
const char *scout_source_kind_name(scout_source_kind kind);

/* The commented template that `scout init` writes. */
const char *scout_config_template(void);

#endif
