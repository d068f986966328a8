#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/fsutil.h"

/* Parsing state: the loaded YAML document plus what error messages need. */
typedef struct parse_ctx {
    yaml_document_t *doc;
    const char *file;
    scout_config *cfg;
    scout_err *err;
} parse_ctx;

static const size_t CONFIG_MAX_BYTES = 4u << 20;

/* ---- error helpers ---- */

static int node_line(const yaml_node_t *n)
{
    return n ? (int)n->start_mark.line + 1 : 0;
}

static scout_rc cfg_fail(parse_ctx *c, const yaml_node_t *n, const char *what, const char *key)
{
    return scout_err_set(c->err, SCOUT_EUSER, "%s:%d: %s '%s'", c->file, node_line(n), what, key);
}

/* ---- scalar readers ---- */

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static scout_rc read_string(parse_ctx *c, const yaml_node_t *n, const char *key, char **out)
{
    const char *s = scalar(n);
    if (!s) return cfg_fail(c, n, "expected a string for", key);
    free(*out);
    *out = scout_strdup(s);
    return *out ? SCOUT_OK : scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
}

static scout_rc read_bool(parse_ctx *c, const yaml_node_t *n, const char *key, bool *out)
{
    const char *s = scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))) {
        *out = true;
        return SCOUT_OK;
    }
    if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))) {
        *out = false;
        return SCOUT_OK;
    }
    return cfg_fail(c, n, "expected true or false for", key);
}

static scout_rc read_positive(parse_ctx *c, const yaml_node_t *n, const char *key, int64_t *out)
{
    const char *s = scalar(n);
    if (!s || !*s) return cfg_fail(c, n, "expected a positive integer for", key);
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0) return cfg_fail(c, n, "expected a positive integer for", key);
    *out = v;
    return SCOUT_OK;
}

static scout_rc read_count(parse_ctx *c, const yaml_node_t *n, const char *key, int64_t *out)
{
    const char *s = scalar(n);
    if (!s || !*s) return cfg_fail(c, n, "expected a non-negative integer for", key);
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0) return cfg_fail(c, n, "expected a non-negative integer for", key);
    *out = v;
    return SCOUT_OK;
}

/* Prices and budgets: a finite number >= 0 (NaN, inf and hex floats refused). */
static scout_rc read_amount(parse_ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = scalar(n);
    if (!s || !*s || strpbrk(s, "xXnNiI")) return cfg_fail(c, n, "expected a number >= 0 for", key);
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (errno || *end || !(v >= 0) || v > 1e12)
        return cfg_fail(c, n, "expected a number >= 0 for", key);
    *out = v;
    return SCOUT_OK;
}

/* The cost pre-check's ceiling: a finite number > 0 (1e9 and 1000000000 both
 * read); NaN, inf and hex floats are refused like in read_amount. */
static scout_rc read_cost(parse_ctx *c, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = scalar(n);
    if (!s || !*s || strpbrk(s, "xXnNiI")) return cfg_fail(c, n, "expected a number > 0 for", key);
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (errno || *end || !(v > 0) || v > 1e18)
        return cfg_fail(c, n, "expected a number > 0 for", key);
    *out = v;
    return SCOUT_OK;
}

/* Resolves a path from the file against the config's directory. */
static scout_rc read_path(parse_ctx *c, const yaml_node_t *n, const char *key, char **out)
{
    const char *s = scalar(n);
    if (!s || !*s) return cfg_fail(c, n, "expected a file path for", key);
    free(*out);
    *out = scout_path_join(c->cfg->dir, s);
    return *out ? SCOUT_OK : scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
}

/* Names become parts of source.schema.table: keep them plain identifiers. */
static bool valid_name(const char *s)
{
    if (!s || !*s || strlen(s) > 63) return false;
    if (!isalpha((unsigned char)s[0]) && s[0] != '_') return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') return false;
    return true;
}

/* ---- mapping iteration ---- */

typedef scout_rc (*pair_fn)(parse_ctx *c, const char *key, yaml_node_t *knode, yaml_node_t *val,
                            void *target);

static scout_rc each_pair(parse_ctx *c, yaml_node_t *map, const char *what, pair_fn fn,
                          void *target)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return cfg_fail(c, map, "expected a mapping for", what);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *key = scalar(k);
        if (!key) return cfg_fail(c, k, "expected a plain key in", what);
        scout_rc rc = fn(c, key, k, v, target);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

static size_t seq_len(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_item(parse_ctx *c, const yaml_node_t *n, size_t i)
{
    return yaml_document_get_node(c->doc, n->data.sequence.items.start[i]);
}

/* ---- sources ---- */

static scout_rc schema_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *t)
{
    scout_source_cfg *src = t;
    if (!valid_name(key)) return cfg_fail(c, k, "invalid schema name", key);
    for (size_t i = 0; i < src->n_schemas; i++)
        if (!strcmp(src->schemas[i].name, key)) return cfg_fail(c, k, "duplicate schema", key);
    scout_schema_cfg *s = realloc(src->schemas, (src->n_schemas + 1) * sizeof *s);
    if (!s) return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
    src->schemas = s;
    scout_schema_cfg *sc = &s[src->n_schemas++];
    memset(sc, 0, sizeof *sc);
    sc->name = scout_strdup(key);
    return read_path(c, v, key, &sc->path);
}

static scout_rc read_kind(parse_ctx *c, yaml_node_t *v, scout_source_kind *kind)
{
    const char *s = scalar(v);
    if (s && !strcmp(s, "sqlite"))
        *kind = SCOUT_SOURCE_SQLITE;
    else if (s && !strcmp(s, "postgres"))
        *kind = SCOUT_SOURCE_POSTGRES;
    else if (s && !strcmp(s, "clickhouse"))
        *kind = SCOUT_SOURCE_CLICKHOUSE;
    else
        return cfg_fail(c, v, "expected sqlite, postgres or clickhouse for", "kind");
    return SCOUT_OK;
}

/* A DSN in the file must not carry a password: secrets belong in dsn_env. */
static bool dsn_has_secret(const char *dsn)
{
    if (strstr(dsn, "password=")) return true;
    const char *scheme = strstr(dsn, "://");
    if (!scheme) return false;
    const char *at = strchr(scheme + 3, '@');
    if (!at) return false;
    const char *colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
    return colon != NULL;
}

/* ---- per-user credentials (sources[].credentials) ---- */

/* Env var names as the shell writes them: the file names a variable, never a value. */
static bool valid_env_name(const char *s)
{
    if (!s || !*s || strlen(s) > 128) return false;
    if (!isalpha((unsigned char)s[0]) && s[0] != '_') return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') return false;
    return true;
}

/* Role names a connector can quote safely: no quotes, spaces or '%'. */
static bool valid_role(const char *s, size_t max)
{
    if (!s || !*s || strlen(s) > max) return false;
    if (!isalpha((unsigned char)s[0]) && s[0] != '_') return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_.@-", *p)) return false;
    return true;
}

static scout_rc read_env_name(parse_ctx *c, yaml_node_t *v, const char *key, char **out)
{
    scout_rc rc = read_string(c, v, key, out);
    if (!rc && !valid_env_name(*out))
        return cfg_fail(c, v, "expected an environment variable name for", key);
    return rc;
}

static scout_rc credential_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
                                void *t)
{
    scout_credential_cfg *cr = t;
    if (!strcmp(key, "dsn_env")) return read_env_name(c, v, key, &cr->dsn_env);
    if (!strcmp(key, "role")) {
        scout_rc rc = read_string(c, v, key, &cr->role);
        if (!rc && !valid_role(cr->role, 63)) return cfg_fail(c, v, "invalid role name for", key);
        return rc;
    }
    if (!strcmp(key, "dsn") || !strcmp(key, "password"))
        return cfg_fail(c, k, "secrets are not allowed in the file; use dsn_env instead of", key);
    return cfg_fail(c, k, "unknown key", key);
}

/* One credential: "VAR" (the env var holding the DSN) or {dsn_env, role}. */
static scout_rc read_credential(parse_ctx *c, yaml_node_t *v, const char *key,
                                scout_credential_cfg *cr)
{
    cr->line = node_line(v);
    if (v->type == YAML_SCALAR_NODE) return read_env_name(c, v, key, &cr->dsn_env);
    scout_rc rc = each_pair(c, v, key, credential_pair, cr);
    if (!rc && !cr->dsn_env && !cr->role) return cfg_fail(c, v, "needs dsn_env or role:", key);
    return rc;
}

typedef struct cred_list {
    scout_credential_cfg **v;
    size_t *n;
} cred_list;

static scout_rc cred_entry_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
                                void *t)
{
    cred_list *l = t;
    if (!valid_name(key) && !valid_role(key, 128))
        return cfg_fail(c, k, "invalid user or group name", key);
    for (size_t i = 0; i < *l->n; i++)
        if (!strcmp((*l->v)[i].name, key)) return cfg_fail(c, k, "duplicate credential for", key);
    scout_credential_cfg *arr = realloc(*l->v, (*l->n + 1) * sizeof *arr);
    if (!arr) return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
    *l->v = arr;
    scout_credential_cfg *cr = &arr[(*l->n)++];
    memset(cr, 0, sizeof *cr);
    cr->name = scout_strdup(key);
    if (!cr->name) return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
    return read_credential(c, v, key, cr);
}

/* "prefix%ssuffix": exactly one %s, and what surrounds it a role name. */
static bool valid_role_template(const char *s)
{
    const char *at = strstr(s, "%s");
    if (!at || strchr(at + 2, '%') || memchr(s, '%', (size_t)(at - s))) return false;
    char probe[160];
    int n = snprintf(probe, sizeof probe, "%.*sx%s", (int)(at - s), s, at + 2);
    return n > 0 && (size_t)n < sizeof probe && valid_role(probe, 63);
}

static scout_rc credentials_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
                                 void *t)
{
    scout_credentials_cfg *cs = t;
    if (!strcmp(key, "users")) {
        cred_list l = {&cs->users, &cs->n_users};
        return each_pair(c, v, "credentials.users", cred_entry_pair, &l);
    }
    if (!strcmp(key, "groups")) {
        cred_list l = {&cs->groups, &cs->n_groups};
        return each_pair(c, v, "credentials.groups", cred_entry_pair, &l);
    }
    if (!strcmp(key, "default")) {
        if (cs->fallback) return cfg_fail(c, k, "duplicate key", key);
        cs->fallback = calloc(1, sizeof *cs->fallback);
        if (!cs->fallback) return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
        return read_credential(c, v, key, cs->fallback);
    }
    if (!strcmp(key, "role_template")) {
        scout_rc rc = read_string(c, v, key, &cs->role_template);
        if (!rc && !valid_role_template(cs->role_template))
            return cfg_fail(c, v, "expected a role name with one %s for", key);
        return rc;
    }
    return cfg_fail(c, k, "unknown key", key);
}

static scout_rc read_credentials(parse_ctx *c, yaml_node_t *v, scout_credentials_cfg *cs)
{
    if (cs->present) return cfg_fail(c, v, "duplicate key", "credentials");
    cs->present = true;
    return each_pair(c, v, "credentials", credentials_pair, cs);
}

static scout_rc source_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *t)
{
    scout_source_cfg *src = t;
    if (!strcmp(key, "name")) return read_string(c, v, key, &src->name);
    if (!strcmp(key, "kind")) return read_kind(c, v, &src->kind);
    if (!strcmp(key, "path")) return read_path(c, v, key, &src->path);
    if (!strcmp(key, "schemas")) return each_pair(c, v, "schemas", schema_pair, src);
    if (!strcmp(key, "dsn_env")) return read_string(c, v, key, &src->dsn_env);
    if (!strcmp(key, "restricted")) return read_bool(c, v, key, &src->restricted);
    if (!strcmp(key, "description")) return read_string(c, v, key, &src->description);
    if (!strcmp(key, "credentials")) return read_credentials(c, v, &src->credentials);
    if (!strcmp(key, "dsn")) {
        scout_rc rc = read_string(c, v, key, &src->dsn);
        if (!rc && dsn_has_secret(src->dsn))
            return cfg_fail(c, v, "password in the file; use dsn_env for", key);
        return rc;
    }
    return cfg_fail(c, k, "unknown key", key);
}

static scout_rc check_source(parse_ctx *c, yaml_node_t *n, const scout_source_cfg *src, size_t idx)
{
    if (!src->name) return cfg_fail(c, n, "missing required key", "name");
    if (!valid_name(src->name)) return cfg_fail(c, n, "invalid source name", src->name);
    for (size_t i = 0; i < idx; i++)
        if (!strcmp(c->cfg->sources[i].name, src->name))
            return cfg_fail(c, n, "duplicate source", src->name);
    bool is_sqlite = src->kind == SCOUT_SOURCE_SQLITE;
    if (is_sqlite && !src->path && src->n_schemas == 0)
        return cfg_fail(c, n, "sqlite source needs 'path' or 'schemas':", src->name);
    if (!is_sqlite && !src->dsn && !src->dsn_env)
        return cfg_fail(c, n, "source needs 'dsn' or 'dsn_env':", src->name);
    if (is_sqlite && src->credentials.present)
        return cfg_fail(c, n,
                        "credentials apply to postgres and clickhouse sources only:", src->name);
    /* A default credential on a restricted source would hand everyone without
     * a mapping an identity more powerful than theirs. */
    if (src->restricted && src->credentials.fallback)
        return cfg_fail(c, n, "a restricted source cannot have a default credential:", src->name);
    return SCOUT_OK;
}

static scout_rc read_sources(parse_ctx *c, yaml_node_t *v)
{
    if (c->cfg->sources) return cfg_fail(c, v, "duplicate key", "sources");
    if (v->type != YAML_SEQUENCE_NODE) return cfg_fail(c, v, "expected a list for", "sources");
    size_t n = seq_len(v);
    c->cfg->sources = calloc(n ? n : 1, sizeof *c->cfg->sources);
    if (!c->cfg->sources) return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = seq_item(c, v, i);
        scout_source_cfg *src = &c->cfg->sources[i];
        c->cfg->n_sources = i + 1; /* counted before parsing so free() sees partial sources */
        src->kind = (scout_source_kind)-1;
        scout_rc rc = each_pair(c, item, "sources entry", source_pair, src);
        if (rc) return rc;
        if ((int)src->kind == -1) return cfg_fail(c, item, "missing required key", "kind");
        rc = check_source(c, item, src, i);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* ---- llm, limits, users ---- */

static scout_rc read_api(parse_ctx *c, yaml_node_t *v, scout_llm_api *api)
{
    const char *s = scalar(v);
    if (s && !strcmp(s, "chat"))
        *api = SCOUT_LLM_API_CHAT;
    else if (s && !strcmp(s, "responses"))
        *api = SCOUT_LLM_API_RESPONSES;
    else
        return cfg_fail(c, v, "expected chat or responses for", "api");
    return SCOUT_OK;
}

static scout_rc llm_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *t)
{
    scout_llm_cfg *llm = t;
    if (!strcmp(key, "base_url")) return read_string(c, v, key, &llm->base_url);
    if (!strcmp(key, "model")) return read_string(c, v, key, &llm->model);
    if (!strcmp(key, "api_key_env")) return read_string(c, v, key, &llm->api_key_env);
    if (!strcmp(key, "timeout_ms")) return read_positive(c, v, key, &llm->timeout_ms);
    if (!strcmp(key, "max_tokens_per_question"))
        return read_positive(c, v, key, &llm->max_tokens_per_question);
    if (!strcmp(key, "embeddings_model")) return read_string(c, v, key, &llm->embeddings_model);
    if (!strcmp(key, "api")) return read_api(c, v, &llm->api);
    if (!strcmp(key, "max_retries")) {
        scout_rc rc = read_count(c, v, key, &llm->max_retries);
        if (!rc && llm->max_retries > 10) return cfg_fail(c, v, "at most 10 retries for", key);
        return rc;
    }
    if (!strcmp(key, "price_per_mtok_in")) return read_amount(c, v, key, &llm->price_per_mtok_in);
    if (!strcmp(key, "price_per_mtok_out")) return read_amount(c, v, key, &llm->price_per_mtok_out);
    if (!strcmp(key, "max_cost_per_question"))
        return read_amount(c, v, key, &llm->max_cost_per_question);
    if (!strcmp(key, "offline_confidence")) {
        scout_rc rc = read_amount(c, v, key, &llm->offline_confidence);
        if (!rc && llm->offline_confidence > 1)
            return cfg_fail(c, v, "expected a number from 0 to 1 for", key);
        return rc;
    }
    if (!strcmp(key, "api_key"))
        return cfg_fail(c, k, "secrets are not allowed in the file; use api_key_env instead of",
                        key);
    return cfg_fail(c, k, "unknown key", key);
}

static scout_rc limits_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *t)
{
    scout_limits_cfg *l = t;
    if (!strcmp(key, "max_rows")) return read_positive(c, v, key, &l->max_rows);
    if (!strcmp(key, "max_bytes")) return read_positive(c, v, key, &l->max_bytes);
    if (!strcmp(key, "timeout_ms")) return read_positive(c, v, key, &l->timeout_ms);
    if (!strcmp(key, "crawl_sample_rows")) return read_positive(c, v, key, &l->crawl_sample_rows);
    if (!strcmp(key, "scratch_ttl_hours")) return read_positive(c, v, key, &l->scratch_ttl_hours);
    if (!strcmp(key, "max_concurrent_queries_per_user"))
        return read_positive(c, v, key, &l->max_concurrent_queries_per_user);
    if (!strcmp(key, "max_query_cost")) return read_cost(c, v, key, &l->max_query_cost);
    return cfg_fail(c, k, "unknown key", key);
}

static scout_rc read_string_list(parse_ctx *c, yaml_node_t *v, const char *key, bool as_path,
                                 char ***out, size_t *n_out)
{
    if (v->type != YAML_SEQUENCE_NODE) return cfg_fail(c, v, "expected a list for", key);
    size_t n = seq_len(v);
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out) return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        *n_out = i + 1;
        yaml_node_t *item = seq_item(c, v, i);
        scout_rc rc =
            as_path ? read_path(c, item, key, &(*out)[i]) : read_string(c, item, key, &(*out)[i]);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

static scout_rc user_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *t)
{
    scout_user_cfg *u = t;
    if (!strcmp(key, "name")) return read_string(c, v, key, &u->name);
    if (!strcmp(key, "email")) return read_string(c, v, key, &u->email);
    if (!strcmp(key, "admin")) return read_bool(c, v, key, &u->admin);
    if (!strcmp(key, "groups")) return read_string_list(c, v, key, false, &u->groups, &u->n_groups);
    return cfg_fail(c, k, "unknown key", key);
}

static scout_rc read_users(parse_ctx *c, yaml_node_t *v)
{
    if (c->cfg->users) return cfg_fail(c, v, "duplicate key", "users");
    if (v->type != YAML_SEQUENCE_NODE) return cfg_fail(c, v, "expected a list for", "users");
    size_t n = seq_len(v);
    c->cfg->users = calloc(n ? n : 1, sizeof *c->cfg->users);
    if (!c->cfg->users) return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = seq_item(c, v, i);
        c->cfg->n_users = i + 1;
        scout_rc rc = each_pair(c, item, "users entry", user_pair, &c->cfg->users[i]);
        if (rc) return rc;
        if (!c->cfg->users[i].name) return cfg_fail(c, item, "missing required key", "name");
        for (size_t j = 0; j < i; j++)
            if (!strcmp(c->cfg->users[j].name, c->cfg->users[i].name))
                return cfg_fail(c, item, "duplicate user", c->cfg->users[i].name);
    }
    return SCOUT_OK;
}

/* A context entry takes one path or a list of paths. */
static scout_rc read_path_list(parse_ctx *c, yaml_node_t *v, const char *key, scout_path_list *out)
{
    if (v->type == YAML_SCALAR_NODE) {
        char *p = NULL;
        scout_rc rc = read_path(c, v, key, &p);
        if (rc) return rc;
        char **arr = realloc(out->v, (out->n + 1) * sizeof *arr);
        if (!arr) {
            free(p);
            return scout_err_set(c->err, SCOUT_ENOMEM, "out of memory");
        }
        out->v = arr;
        out->v[out->n++] = p;
        return SCOUT_OK;
    }
    if (out->v) return cfg_fail(c, v, "duplicate key", key);
    return read_string_list(c, v, key, true, &out->v, &out->n);
}

static scout_rc context_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *t)
{
    scout_context_cfg *cx = t;
    static const struct {
        const char *key;
        size_t offset;
    } KEYS[] = {
        {"dbt", offsetof(scout_context_cfg, dbt)},
        {"models", offsetof(scout_context_cfg, models)},
        {"curated", offsetof(scout_context_cfg, curated)},
        {"docs", offsetof(scout_context_cfg, docs)},
        {"slack", offsetof(scout_context_cfg, slack)},
        {"query_logs", offsetof(scout_context_cfg, query_logs)},
        {"dashboards", offsetof(scout_context_cfg, dashboards)},
    };
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (!strcmp(key, KEYS[i].key))
            return read_path_list(c, v, key, (scout_path_list *)((char *)cx + KEYS[i].offset));
    return cfg_fail(c, k, "unknown key", key);
}

static scout_rc top_pair(parse_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *t)
{
    (void)t;
    if (!strcmp(key, "sources")) return read_sources(c, v);
    if (!strcmp(key, "llm")) return each_pair(c, v, "llm", llm_pair, &c->cfg->llm);
    if (!strcmp(key, "limits")) return each_pair(c, v, "limits", limits_pair, &c->cfg->limits);
    if (!strcmp(key, "users")) return read_users(c, v);
    if (!strcmp(key, "context")) return each_pair(c, v, "context", context_pair, &c->cfg->context);
    return cfg_fail(c, k, "unknown key", key);
}

/* ---- public API ---- */

void scout_config_defaults(scout_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->limits.max_rows = 10000;
    cfg->limits.max_bytes = 16 << 20;
    cfg->limits.timeout_ms = 30000;
    cfg->limits.crawl_sample_rows = 100000;
    cfg->limits.scratch_ttl_hours = 24;
    cfg->limits.max_concurrent_queries_per_user = 4;
    cfg->limits.max_query_cost = 1e9;
    cfg->llm.timeout_ms = 120000;
    cfg->llm.max_tokens_per_question = 200000;
    cfg->llm.api = SCOUT_LLM_API_CHAT;
    cfg->llm.max_retries = 3;
}

/* The directory part of an absolute path ("/a/b.yaml" -> "/a"). */
static char *dir_of(const char *path)
{
    char *d = scout_strdup(path);
    if (!d) return NULL;
    char *slash = strrchr(d, '/');
    if (slash == d)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else {
        free(d);
        d = scout_strdup(".");
    }
    return d;
}

static char *absolute_path(const char *path)
{
    if (path[0] == '/') return scout_strdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return scout_strdup(path);
    return scout_path_join(cwd, path);
}

static scout_rc parse_document(parse_ctx *c, yaml_parser_t *parser)
{
    yaml_document_t doc;
    if (!yaml_parser_load(parser, &doc))
        return scout_err_set(c->err, SCOUT_EUSER, "%s:%d: invalid YAML: %s", c->file,
                             (int)parser->problem_mark.line + 1,
                             parser->problem ? parser->problem : "parse error");
    c->doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    scout_rc rc = SCOUT_OK;
    if (root && !(root->type == YAML_SCALAR_NODE && !root->data.scalar.length))
        rc = each_pair(c, root, "the top level", top_pair, NULL);
    yaml_document_delete(&doc);
    c->doc = NULL;
    return rc;
}

scout_rc scout_config_parse(const char *text, size_t len, const char *path, scout_config **out,
                            scout_err *err)
{
    *out = NULL;
    scout_config *cfg = malloc(sizeof *cfg);
    if (!cfg) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    scout_config_defaults(cfg);
    cfg->path = absolute_path(path);
    cfg->dir = cfg->path ? dir_of(cfg->path) : NULL;
    if (!cfg->dir) {
        scout_config_free(cfg);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    parse_ctx c = {.doc = NULL, .file = path, .cfg = cfg, .err = err};
    scout_rc rc = parse_document(&c, &parser);
    yaml_parser_delete(&parser);
    if (rc) {
        scout_config_free(cfg);
        return rc;
    }
    *out = cfg;
    return SCOUT_OK;
}

scout_rc scout_config_load(const char *path, scout_config **out, scout_err *err)
{
    *out = NULL;
    scout_buf b;
    scout_buf_init(&b, CONFIG_MAX_BYTES);
    scout_rc rc = scout_buf_read_file(&b, path, err);
    if (rc == SCOUT_EIO && !scout_path_exists(path))
        rc = scout_err_set(err, SCOUT_EUSER, "%s: config file not found (run 'scout init')", path);
    if (!rc) rc = scout_config_parse(scout_buf_cstr(&b), b.len, path, out, err);
    scout_buf_free(&b);
    return rc;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i]);
    free(v);
}

static void free_credential_list(scout_credential_cfg *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].name);
        free(v[i].dsn_env);
        free(v[i].role);
    }
    free(v);
}

static void free_credentials(scout_credentials_cfg *cs)
{
    free_credential_list(cs->users, cs->n_users);
    free_credential_list(cs->groups, cs->n_groups);
    free_credential_list(cs->fallback, cs->fallback ? 1 : 0);
    free(cs->role_template);
}

void scout_config_free(scout_config *cfg)
{
    if (!cfg) return;
    for (size_t i = 0; i < cfg->n_sources; i++) {
        scout_source_cfg *s = &cfg->sources[i];
        free(s->name);
        free(s->path);
        for (size_t j = 0; j < s->n_schemas; j++) {
            free(s->schemas[j].name);
            free(s->schemas[j].path);
        }
        free(s->schemas);
        free(s->dsn);
        free(s->dsn_env);
        free(s->description);
        free_credentials(&s->credentials);
    }
    free(cfg->sources);
    for (size_t i = 0; i < cfg->n_users; i++) {
        free(cfg->users[i].name);
        free(cfg->users[i].email);
        free_strings(cfg->users[i].groups, cfg->users[i].n_groups);
    }
    free(cfg->users);
    scout_context_cfg *cx = &cfg->context;
    scout_path_list *lists[] = {&cx->dbt,   &cx->models,     &cx->curated,   &cx->docs,
                                &cx->slack, &cx->query_logs, &cx->dashboards};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        free_strings(lists[i]->v, lists[i]->n);
    free(cfg->llm.base_url);
    free(cfg->llm.model);
    free(cfg->llm.api_key_env);
    free(cfg->llm.embeddings_model);
    free(cfg->path);
    free(cfg->dir);
    free(cfg);
}

const scout_source_cfg *scout_config_source(const scout_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_sources; i++)
        if (!strcmp(cfg->sources[i].name, name)) return &cfg->sources[i];
    return NULL;
}

const char *scout_source_dsn(const scout_source_cfg *src)
{
    if (src->dsn_env) {
        const char *v = getenv(src->dsn_env);
        if (v && *v) return v;
    }
    char var[96] = "SCOUT_DSN_";
    size_t o = strlen(var);
    for (const char *p = src->name; *p && o + 1 < sizeof var; p++)
        var[o++] = (*p == '-') ? '_' : (char)toupper((unsigned char)*p);
    var[o] = '\0';
    const char *v = getenv(var);
    if (v && *v) return v;
    return src->dsn;
}

const char *scout_source_kind_name(scout_source_kind kind)
{
    switch (kind) {
    case SCOUT_SOURCE_SQLITE:
        return "sqlite";
    case SCOUT_SOURCE_POSTGRES:
        return "postgres";
    case SCOUT_SOURCE_CLICKHOUSE:
        return "clickhouse";
    }
    return "unknown";
}

const char *scout_config_template(void)
{
    return "# scout.yaml — scout's configuration. Every key is documented in\n"
           "# docs/configuration.md. Relative paths resolve against this file's directory.\n"
           "# Secrets never go in this file: name an environment variable instead.\n"
           "\n"
           "# Where the data lives. Each source has a unique name; tables are addressed\n"
           "# as source.schema.table.\n"
           "sources: []\n"
           "#  - name: finance\n"
           "#    kind: sqlite              # sqlite | postgres | clickhouse\n"
           "#    path: data/finance.db     # sqlite: main database file (schema 'main')\n"
           "#    schemas:                  # sqlite: more files, attached under these names\n"
           "#      mart: data/finance_mart.db\n"
           "#    restricted: true          # default-deny: only granted users may read it\n"
           "#    description: Invoices, payments, refunds and revenue marts\n"
           "#  - name: analytics\n"
           "#    kind: postgres\n"
           "#    dsn_env: ANALYTICS_DSN    # login DSN: indexing, and admins when asking\n"
           "#    credentials:              # who answers questions as whom (docs/security.md)\n"
           "#      users: {raj: SCOUT_PG_RAJ}   # env var holding raj's own DSN\n"
           "#      groups: {finance: {dsn_env: SCOUT_PG_FINANCE, role: finance_reader}}\n"
           "\n"
           "# An OpenAI-compatible endpoint turns scout into a full agent. Without it,\n"
           "# scout answers offline with its deterministic planner.\n"
           "# llm:\n"
           "#   base_url: https://api.openai.com/v1\n"
           "#   model: gpt-4.1\n"
           "#   api_key_env: OPENAI_API_KEY\n"
           "#   timeout_ms: 120000\n"
           "#   max_tokens_per_question: 200000\n"
           "#   api: chat                  # chat | responses\n"
           "#   max_retries: 3\n"
           "#   embeddings_model: text-embedding-3-small\n"
           "#   price_per_mtok_in: 2.0     # cost per million prompt tokens\n"
           "#   price_per_mtok_out: 8.0    # cost per million completion tokens\n"
           "#   max_cost_per_question: 0.5 # 0 = no cost budget\n"
           "#   offline_confidence: 0.75   # keep the deterministic answer from this confidence\n"
           "\n"
           "# Limits enforced on every query scout runs.\n"
           "limits:\n"
           "  max_rows: 10000\n"
           "  max_bytes: 16777216\n"
           "  timeout_ms: 30000\n"
           "  crawl_sample_rows: 100000\n"
           "  scratch_ttl_hours: 24\n"
           "  max_concurrent_queries_per_user: 4\n"
           "  max_query_cost: 1e9        # EXPLAIN estimate of rows scanned in nested loops\n"
           "\n"
           "# People who may ask questions, their groups, and who administers scout.\n"
           "# users:\n"
           "#   - name: alice\n"
           "#     groups: [finance]\n"
           "#     admin: true\n"
           "\n"
           "# Where context comes from: dbt projects, pipeline SQL, curated YAML, docs,\n"
           "# Slack exports, query logs and dashboards (each a path or a list of paths).\n"
           "# context:\n"
           "#   dbt: dbt\n"
           "#   docs: [docs]\n"
           "#   slack: slack-export\n"
           "#   query_logs: logs/queries.jsonl\n"
           "#   dashboards: dashboards\n";
}
