/* policy — see policy.h. Two independent readings of the statement must both
 * allow it: a small tokenizer that lexes comments, strings and identifiers
 * exactly as the target engine does (SQLite, PostgreSQL or ClickHouse), and
 * libpg_query's classification through sqlinfo where PostgreSQL's grammar
 * accepts the text. When a lexing rule is uncertain the tokenizer errs towards
 * seeing more code, never less, so a trick can only cause a false refusal. */
#include "guard/policy.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/sqlinfo.h"

typedef enum { D_SQLITE, D_POSTGRES, D_CLICKHOUSE } dialect;

typedef enum { T_WORD, T_QIDENT, T_STRING, T_PUNCT, T_NUM, T_SEMI } tkind;

typedef struct tok {
    tkind kind;
    const char *p; /* the token's text; for quoted tokens, the inside of the quotes */
    size_t len;
} tok;

typedef struct toks {
    tok *v;
    size_t n, cap;
} toks;

typedef struct lexer {
    const char *p;
    dialect d;
    const char *bad; /* set when the text cannot be lexed (unterminated quote) */
} lexer;

/* ---------- decision helpers ---------- */

static scout_rc deny(scout_policy_decision *d, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static scout_rc deny(scout_policy_decision *d, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->reason, sizeof d->reason, fmt, ap);
    va_end(ap);
    d->allow = false;
    d->rule = rule;
    return SCOUT_EDENIED;
}

/* ---------- tokenizer ---------- */

static bool is_word_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

/* PostgreSQL and SQLite allow '$' inside identifiers; ClickHouse does not. */
static bool is_word_char(unsigned char c, dialect d)
{
    return isalnum(c) || c == '_' || c >= 0x80 || (c == '$' && d != D_CLICKHOUSE);
}

static scout_rc push(toks *t, tkind kind, const char *p, size_t len)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        tok *v = realloc(t->v, nc * sizeof *v);
        if (!v) return SCOUT_ENOMEM;
        t->v = v;
        t->cap = nc;
    }
    t->v[t->n++] = (tok){kind, p, len};
    return SCOUT_OK;
}

/* Skips whitespace and comments. Block comments do not nest here even for
 * PostgreSQL (which nests them): ending a comment too early only shows more
 * text as code. An unterminated block comment runs to the end, as in SQLite. */
static void skip_blank(lexer *lx)
{
    for (;;) {
        const char *p = lx->p;
        while (*p && isspace((unsigned char)*p)) p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            lx->p = p;
            return;
        }
        lx->p = p;
    }
}

/* Reads a quoted run starting after the opening quote q. A doubled closing
 * quote is an escaped quote; backslash escapes only where the engine has them
 * (ClickHouse always, PostgreSQL E'' strings). Returns the end quote or NULL. */
static const char *quoted_end(const char *p, char close, bool backslash)
{
    for (; *p; p++) {
        if (backslash && *p == '\\') {
            if (!p[1]) return NULL;
            p++;
            continue;
        }
        if (*p == close) {
            if (close != ']' && p[1] == close) {
                p++;
                continue;
            }
            return p;
        }
    }
    return NULL;
}

static scout_rc lex_quoted(lexer *lx, toks *t, tkind kind, char close, bool backslash)
{
    const char *start = lx->p + 1;
    const char *end = quoted_end(start, close, backslash);
    if (!end) {
        lx->bad = "an unterminated quote";
        return SCOUT_OK;
    }
    lx->p = end + 1;
    return push(t, kind, start, (size_t)(end - start));
}

/* PostgreSQL dollar quoting: $tag$ ... $tag$ (tag optional). Returns false
 * when the text at p is not an opening dollar quote. */
static bool lex_dollar(lexer *lx, toks *t, scout_rc *rc)
{
    const char *p = lx->p + 1;
    if (*p != '$' && !(isalpha((unsigned char)*p) || *p == '_')) return false;
    while (*p != '$' && *p && (isalnum((unsigned char)*p) || *p == '_')) p++;
    if (*p != '$') return false;
    size_t taglen = (size_t)(p - lx->p) + 1;
    const char *body = p + 1, *q = body;
    while ((q = strstr(q, "$")) != NULL && strncmp(q, lx->p, taglen) != 0) q++;
    if (!q) {
        lx->bad = "an unterminated dollar quote";
        return true;
    }
    lx->p = q + taglen;
    *rc = push(t, T_STRING, body, (size_t)(q - body));
    return true;
}

static scout_rc lex_word(lexer *lx, toks *t)
{
    const char *s = lx->p, *p = s + 1;
    while (is_word_char((unsigned char)*p, lx->d)) p++;
    /* E'...' in PostgreSQL is a string with backslash escapes. */
    if (lx->d == D_POSTGRES && p - s == 1 && (*s == 'e' || *s == 'E') && *p == '\'') {
        lx->p = p;
        return lex_quoted(lx, t, T_STRING, '\'', true);
    }
    lx->p = p;
    return push(t, T_WORD, s, (size_t)(p - s));
}

static scout_rc lex_one(lexer *lx, toks *t)
{
    const char *p = lx->p;
    unsigned char c = (unsigned char)*p;
    bool ch = lx->d == D_CLICKHOUSE;
    if (is_word_start(c)) return lex_word(lx, t);
    if (isdigit(c) || (c == '.' && isdigit((unsigned char)p[1]))) {
        const char *s = p;
        while (isalnum((unsigned char)*p) || *p == '.' || *p == '_') p++;
        lx->p = p;
        return push(t, T_NUM, s, (size_t)(p - s));
    }
    if (c == '\'') return lex_quoted(lx, t, T_STRING, '\'', ch);
    if (c == '"') return lex_quoted(lx, t, T_QIDENT, '"', ch);
    if (c == '`' && lx->d != D_POSTGRES) return lex_quoted(lx, t, T_QIDENT, '`', ch);
    if (c == '[' && lx->d == D_SQLITE) return lex_quoted(lx, t, T_QIDENT, ']', false);
    if (c == '$' && lx->d == D_POSTGRES) {
        scout_rc rc = SCOUT_OK;
        if (lex_dollar(lx, t, &rc)) return rc;
    }
    lx->p = p + 1;
    return push(t, c == ';' ? T_SEMI : T_PUNCT, p, 1);
}

static scout_rc lex_all(const char *sql, dialect d, toks *t, const char **bad)
{
    lexer lx = {sql, d, NULL};
    *bad = NULL;
    for (;;) {
        skip_blank(&lx);
        if (!*lx.p) return SCOUT_OK;
        scout_rc rc = lex_one(&lx, t);
        if (rc) return rc;
        if (lx.bad) {
            *bad = lx.bad;
            return SCOUT_OK;
        }
    }
}

/* ---------- token predicates ---------- */

static bool tok_is(const tok *k, const char *word)
{
    return k && k->kind == T_WORD && strlen(word) == k->len && !strncasecmp(k->p, word, k->len);
}

static bool tok_punct(const tok *k, char c)
{
    return k && k->kind == T_PUNCT && k->p[0] == c;
}

/* Copies the token's text lower-cased into out (truncated to cap). */
static void tok_lower(const tok *k, char *out, size_t cap)
{
    size_t n = k->len < cap - 1 ? k->len : cap - 1;
    for (size_t i = 0; i < n; i++) out[i] = (char)tolower((unsigned char)k->p[i]);
    out[n] = '\0';
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(s, list[i])) return true;
    return false;
}

/* ---------- rule tables ---------- */

/* Words that make a statement write or change state wherever they appear in a
 * query (data-modifying CTEs, SELECT INTO, FOR UPDATE, EXPLAIN ANALYZE runs
 * the statement it explains). `replace(` is SQLite's string function and is
 * told apart by the parenthesis. */
static const char *const WRITE_WORDS[] = {
    "insert",  "update",  "delete",  "merge", "truncate", "create", "drop",    "alter", "vacuum",
    "reindex", "analyze", "analyse", "grant", "revoke",   "into",   "replace", NULL};

/* Functions that reach outside the query: the file system, extensions,
 * other servers, server settings, sequences, or SQL strings executed inside
 * the engine where the policy cannot see them. */
static const char *const DANGEROUS_FUNCS[] = {
    /* SQLite */
    "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "zipfile", "fsdir",
    "sqlar_compress", "sqlar_uncompress", "lsmode", "sqlite_dbpage", "sqlite_dbdata",
    /* PostgreSQL */
    "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_ls_logdir",
    "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir", "lo_import", "lo_export",
    "lo_unlink", "lo_create", "lo_from_bytea", "lo_put", "lo_open", "lowrite", "loread", "dblink",
    "dblink_exec", "dblink_connect", "dblink_send_query", "set_config", "pg_terminate_backend",
    "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal", "pg_promote",
    "nextval", "setval", "pg_advisory_lock", "pg_advisory_xact_lock", "pg_try_advisory_lock",
    "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml",
    "pg_logical_emit_message", "pg_create_restore_point", "pg_backup_start", "pg_backup_stop",
    "pg_start_backup", "pg_stop_backup", "pg_sleep_for", "pg_sleep_until", "current_setting",
    /* ClickHouse table functions */
    "file", "url", "remote", "remotesecure", "s3", "s3cluster", "hdfs", "mysql", "postgresql",
    "jdbc", "odbc", "input", "executable", "cluster", "clusterallreplicas", "sqlite", "mongodb",
    "redis", "azureblobstorage", "gcs", "dictget", NULL};

/* Engine catalogs: they name every table, granted or not. Schema questions
 * are answered from scout's catalog, which filters by the asker's grants. */
static const char *const CATALOG_NAMES[] = {"sqlite_master",
                                            "sqlite_schema",
                                            "sqlite_temp_master",
                                            "sqlite_temp_schema",
                                            "sqlite_sequence",
                                            "sqlite_stat1",
                                            "sqlite_stat2",
                                            "sqlite_stat3",
                                            "sqlite_stat4",
                                            "sqlite_dbpage",
                                            "sqlite_dbdata",
                                            "sqlite_dbptr",
                                            "dbstat",
                                            "information_schema",
                                            "pg_catalog",
                                            "pg_class",
                                            "pg_namespace",
                                            "pg_tables",
                                            "pg_views",
                                            "pg_attribute",
                                            "pg_proc",
                                            "pg_roles",
                                            "pg_user",
                                            "pg_authid",
                                            "pg_shadow",
                                            "pg_settings",
                                            "pg_stat_activity",
                                            "pg_database",
                                            "pg_indexes",
                                            "pg_stats",
                                            "pg_statistic",
                                            "pg_user_mappings",
                                            "pg_largeobject",
                                            "pg_file_settings",
                                            "pg_hba_file_rules",
                                            "pg_stat_statements",
                                            NULL};

/* ---------- statement scanning ---------- */

typedef struct scan {
    const toks *t;
    size_t from, to; /* the statement's tokens [from, to) */
    const scout_policy_opts *opts;
    scout_policy_decision *d;
    dialect dl;
} scan;

/* A name that reads an engine catalog: listed names, pragma_* table-valued
 * functions (SQLite), and ClickHouse's system database. */
static bool is_catalog_name(const tok *k, const tok *next)
{
    if (k->kind != T_WORD && k->kind != T_QIDENT && k->kind != T_STRING) return false;
    char name[64];
    if (k->len >= sizeof name) return false;
    tok_lower(k, name, sizeof name);
    if (in_list(name, CATALOG_NAMES)) return true;
    if (k->kind != T_STRING && !strncmp(name, "pragma_", 7)) return true;
    return k->kind == T_WORD && !strcmp(name, "system") && tok_punct(next, '.');
}

static bool has_word(const scan *s, const char *word)
{
    for (size_t i = s->from; i < s->to; i++)
        if (tok_is(&s->t->v[i], word)) return true;
    return false;
}

static bool is_func_call(const scan *s, size_t i)
{
    return i + 1 < s->to && tok_punct(&s->t->v[i + 1], '(');
}

/* Checks one token that may appear anywhere: catalogs, dangerous functions,
 * connection-changing words. write_ok: a write word here is part of an
 * allowed scratch write (its head, ON CONFLICT DO UPDATE). */
static scout_rc check_token(const scan *s, size_t i, bool write_ok)
{
    const tok *k = &s->t->v[i], *next = i + 1 < s->to ? &s->t->v[i + 1] : NULL;
    char w[40];
    if (is_catalog_name(k, next)) {
        tok_lower(k, w, sizeof w);
        return deny(s->d, "catalog_probe",
                    "reading the engine catalog (%s) is not allowed: it lists tables you may not "
                    "be granted; ask scout about tables instead",
                    w);
    }
    if (k->kind != T_WORD || k->len >= sizeof w) return SCOUT_OK;
    tok_lower(k, w, sizeof w);
    if (!strcmp(w, "attach") || !strcmp(w, "detach"))
        return deny(s->d, "attach", "%s is not allowed: queries read only the configured databases",
                    w);
    if (!strcmp(w, "pragma"))
        return deny(s->d, "pragma",
                    "pragma statements are not allowed: they can change the "
                    "connection; schema questions go through the catalog");
    if (!strcmp(w, "copy"))
        return deny(s->d, "copy", "copy is not allowed: it reads or writes server files%s",
                    has_word(s, "program") ? " and copy ... program runs a shell command" : "");
    if (!strcmp(w, "settings") && s->dl == D_CLICKHOUSE)
        return deny(s->d, "settings", "query settings are not allowed: scout sets the limits");
    if (is_func_call(s, i) && in_list(w, DANGEROUS_FUNCS))
        return deny(s->d, "dangerous_function",
                    "function %s() is not allowed: it reaches outside the query (files, "
                    "extensions, other servers or settings)",
                    w);
    if (write_ok || !in_list(w, WRITE_WORDS)) return SCOUT_OK;
    if (!strcmp(w, "replace") && is_func_call(s, i)) return SCOUT_OK;
    return deny(s->d, "write",
                "the warehouse is read-only: '%s' would change data or schema; only select, "
                "with ... select, values and explain may run",
                w);
}

/* The span of a parenthesised group starting at i (an open paren): returns
 * the index just past its close paren, or s->to when it never closes. */
static size_t skip_group(const scan *s, size_t i)
{
    int depth = 0;
    for (; i < s->to; i++) {
        if (tok_punct(&s->t->v[i], '(')) depth++;
        if (tok_punct(&s->t->v[i], ')') && --depth == 0) return i + 1;
    }
    return s->to;
}

static bool same_name(const tok *a, const tok *b)
{
    return (a->kind == T_WORD || a->kind == T_QIDENT) &&
           (b->kind == T_WORD || b->kind == T_QIDENT) && a->len == b->len &&
           !strncasecmp(a->p, b->p, a->len);
}

/* SQLite runs a CTE that names itself recursively even without RECURSIVE:
 * flag any CTE whose body mentions its own name. */
static bool cte_self_reference(const scan *s, size_t i)
{
    while (i < s->to) {
        const tok *name = &s->t->v[i];
        size_t j = i + 1;
        if (j < s->to && tok_punct(&s->t->v[j], '(')) j = skip_group(s, j);
        while (j < s->to && !tok_punct(&s->t->v[j], '(')) j++;
        size_t end = skip_group(s, j);
        for (size_t k = j; k < end; k++)
            if (same_name(&s->t->v[k], name)) return true;
        if (end >= s->to || !tok_punct(&s->t->v[end], ',')) return false;
        i = end + 1;
    }
    return false;
}

static scout_rc scan_query(const scan *s, size_t first)
{
    for (size_t i = s->from; i < s->to; i++) {
        scout_rc rc = check_token(s, i, false);
        if (rc) return rc;
    }
    const tok *k = &s->t->v[first];
    if (tok_is(k, "with")) {
        bool rec = first + 1 < s->to && tok_is(&s->t->v[first + 1], "recursive");
        if (rec || cte_self_reference(s, first + 1)) s->d->recursive = true;
    }
    s->d->allow = true;
    s->d->rule = "read_only_query";
    s->d->kind = tok_is(k, "explain") ? "explain" : tok_is(k, "values") ? "values" : "select";
    snprintf(s->d->reason, sizeof s->d->reason, "read-only %s%s", s->d->kind,
             s->d->recursive ? " with a recursive cte (bounded by the time limit)" : "");
    return SCOUT_OK;
}

/* ---------- scratch writes ---------- */

/* Reads [schema .] name at *i; false when no name is there. */
static bool read_target(const scan *s, size_t *i, const tok **schema, const tok **name)
{
    const tok *v = s->t->v;
    if (*i >= s->to || (v[*i].kind != T_WORD && v[*i].kind != T_QIDENT)) return false;
    *schema = NULL;
    *name = &v[*i];
    if (*i + 2 < s->to && tok_punct(&v[*i + 1], '.') &&
        (v[*i + 2].kind == T_WORD || v[*i + 2].kind == T_QIDENT)) {
        *schema = &v[*i];
        *name = &v[*i + 2];
        *i += 2;
    }
    (*i)++;
    return true;
}

static void skip_words(const scan *s, size_t *i, const char *const *words)
{
    while (*i < s->to && s->t->v[*i].kind == T_WORD) {
        char w[16];
        tok_lower(&s->t->v[*i], w, sizeof w);
        if (s->t->v[*i].len >= sizeof w || !in_list(w, words)) return;
        (*i)++;
    }
}

/* Walks the head of a write statement up to the written object. Returns the
 * index after it, or 0 with a denial. */
static size_t write_head(const scan *s, const char *verb, const tok **schema, const tok **name)
{
    static const char *const conflict[] = {"or",   "replace",  "ignore", "abort",
                                           "fail", "rollback", NULL};
    static const char *const exists[] = {"if", "not", "exists", NULL};
    size_t i = s->from + 1;
    const tok *v = s->t->v;
    if (!strcmp(verb, "create") || !strcmp(verb, "drop") || !strcmp(verb, "alter")) {
        if (i < s->to && (tok_is(&v[i], "temp") || tok_is(&v[i], "temporary"))) {
            deny(s->d, "write",
                 "temporary objects are not allowed: create tables in your "
                 "scratch schema instead");
            return 0;
        }
        if (i < s->to && tok_is(&v[i], "unique")) i++;
        if (i >= s->to ||
            !(tok_is(&v[i], "table") || tok_is(&v[i], "view") || tok_is(&v[i], "index"))) {
            deny(s->d, "write",
                 "only tables, views and indexes may be created, dropped or "
                 "altered in the scratch schema");
            return 0;
        }
        i++;
        skip_words(s, &i, exists);
    } else if (!strcmp(verb, "insert") || !strcmp(verb, "update")) {
        skip_words(s, &i, conflict);
        if (!strcmp(verb, "insert") && i < s->to && tok_is(&v[i], "into")) i++;
    } else if (!strcmp(verb, "replace")) {
        if (i < s->to && tok_is(&v[i], "into")) i++;
    } else if (!strcmp(verb, "delete")) {
        if (i < s->to && tok_is(&v[i], "from")) i++;
    }
    if (!read_target(s, &i, schema, name)) {
        deny(s->d, "write", "cannot tell which table this %s writes", verb);
        return 0;
    }
    return i;
}

/* `create index s.i on t`: SQLite puts the index in s and requires t there. */
static bool target_in_scratch(const scan *s, const tok *schema)
{
    const char *want = s->opts->scratch_schema;
    return schema && strlen(want) == schema->len && !strncasecmp(schema->p, want, schema->len);
}

static scout_rc scan_scratch_write(const scan *s, const char *verb)
{
    const tok *schema = NULL, *name = NULL;
    size_t i = write_head(s, verb, &schema, &name);
    if (!i) return SCOUT_EDENIED;
    if (!target_in_scratch(s, schema))
        return deny(s->d, "write",
                    "writes are allowed only in your scratch schema: name the table as %s.<table>",
                    s->opts->scratch_schema);
    for (size_t k = i; k < s->to; k++) {
        /* ON CONFLICT ... DO UPDATE belongs to the insert itself. */
        bool upsert = tok_is(&s->t->v[k], "update") && tok_is(&s->t->v[k - 1], "do");
        bool rename = tok_is(&s->t->v[k], "rename") && !strcmp(verb, "alter");
        scout_rc rc = check_token(s, k, upsert || rename);
        if (rc) return rc;
    }
    for (size_t k = s->from; k < i; k++) {
        scout_rc rc = check_token(s, k, true);
        if (rc) return rc;
    }
    s->d->allow = true;
    s->d->scratch_write = true;
    s->d->rule = "scratch_write";
    snprintf(s->d->reason, sizeof s->d->reason, "%s in scratch schema %s", verb,
             s->opts->scratch_schema);
    return SCOUT_OK;
}

/* ---------- one statement under one dialect ---------- */

static const char *const QUERY_WORDS[] = {"select", "with", "values", "explain", NULL};
static const char *const SCRATCH_VERBS[] = {"insert", "update", "delete", "replace",
                                            "create", "drop",   "alter",  NULL};
static const char *const TXN_WORDS[] = {"begin",   "commit", "rollback", "end",     "savepoint",
                                        "release", "start",  "abort",    "prepare", NULL};

/* Verbs as the policy names them in decisions (static storage). */
static const char *verb_kind(const char *w)
{
    static const char *const kinds[] = {"insert", "update", "delete", "replace",
                                        "create", "drop",   "alter",  NULL};
    for (size_t i = 0; kinds[i]; i++)
        if (!strcmp(w, kinds[i])) return kinds[i];
    return "other";
}

static scout_rc scan_statement(const scan *s)
{
    size_t first = s->from;
    while (first < s->to && tok_punct(&s->t->v[first], '(')) first++;
    if (first >= s->to) return deny(s->d, "not_a_query", "no statement found: send one select");
    const tok *k = &s->t->v[first];
    char w[24] = "";
    if (k->kind == T_WORD && k->len < sizeof w) tok_lower(k, w, sizeof w);
    if (in_list(w, QUERY_WORDS)) return scan_query(s, first);
    if (in_list(w, SCRATCH_VERBS)) {
        s->d->kind = verb_kind(w);
        if (s->opts && s->opts->scratch_schema && *s->opts->scratch_schema && first == s->from)
            return scan_scratch_write(s, w);
        return deny(s->d, "write", "the warehouse is read-only: %s statements are refused%s", w,
                    s->opts && s->opts->scratch_schema ? "" : " (no scratch area is open)");
    }
    /* The words below get their specific reason from check_token. */
    scout_rc rc = check_token(s, first, false);
    if (rc) return rc;
    if (in_list(w, TXN_WORDS))
        return deny(s->d, "not_a_query",
                    "transaction control is not allowed: each query runs on "
                    "its own");
    return deny(s->d, "not_a_query",
                "only select, with ... select, values and explain statements may run (got '%.*s')",
                (int)(k->len > 32 ? 32 : k->len), k->p);
}

/* Splits the tokens at semicolons: exactly one non-empty statement. */
static scout_rc check_dialect(const char *sql, dialect dl, const scout_policy_opts *opts,
                              scout_policy_decision *d)
{
    toks t = {0};
    const char *bad = NULL;
    scout_rc rc = lex_all(sql, dl, &t, &bad);
    if (rc) {
        free(t.v);
        return deny(d, "internal", "out of memory checking the statement");
    }
    scan s = {&t, 0, 0, opts, d, dl};
    size_t n_stmts = 0;
    for (size_t i = 0; i < t.n && !bad; i++) {
        if (t.v[i].kind == T_SEMI) continue;
        if (i == 0 || t.v[i - 1].kind == T_SEMI) {
            if (++n_stmts > 1) break;
            s.from = i;
        }
        s.to = i + 1;
    }
    if (bad)
        rc = deny(d, "syntax", "the statement has %s: it cannot be checked", bad);
    else if (n_stmts > 1)
        rc = deny(d, "multiple_statements",
                  "multiple statements are not allowed: send exactly one statement");
    else if (n_stmts == 0)
        rc = deny(d, "empty", "empty statement: there is no sql to run");
    else
        rc = scan_statement(&s);
    free(t.v);
    return rc;
}

/* ---------- libpg_query cross-check ---------- */

/* What PostgreSQL's grammar says, where it accepts the text. A parse failure
 * is decisive only for PostgreSQL itself; other engines have their own
 * syntax, which the tokenizer already vetted. */
static scout_rc check_parse(const char *sql, dialect dl, scout_policy_decision *d)
{
    scout_sql_info *info = NULL;
    if (scout_sqlinfo_analyze(sql, &info, NULL))
        return deny(d, "internal", "out of memory checking the statement");
    scout_rc rc = SCOUT_OK;
    if (!info->parsed) {
        if (dl == D_POSTGRES)
            rc = deny(d, "syntax", "the statement does not parse: %s",
                      info->error ? info->error : "syntax error");
    } else if (info->n_statements > 1) {
        rc = deny(d, "multiple_statements",
                  "multiple statements are not allowed: send exactly one statement");
    } else if (info->n_statements == 0) {
        rc = deny(d, "empty", "empty statement: there is no sql to run");
    } else if (!strcmp(info->kind, "copy")) {
        rc = deny(d, "copy", "copy is not allowed: it reads or writes files or runs programs");
    } else if (!info->is_select && !d->scratch_write && strcmp(info->kind, "explain")) {
        rc = deny(d, "write", "the warehouse is read-only: %s statements are refused", info->kind);
    }
    scout_sqlinfo_free(info);
    return rc;
}

static bool dialect_of(const char *name, dialect *out)
{
    if (!name) return false;
    if (!strcasecmp(name, "sqlite"))
        *out = D_SQLITE;
    else if (!strcasecmp(name, "postgres") || !strcasecmp(name, "postgresql"))
        *out = D_POSTGRES;
    else if (!strcasecmp(name, "clickhouse"))
        *out = D_CLICKHOUSE;
    else
        return false;
    return true;
}

scout_rc scout_policy_check(const char *sql, const char *dialect_name,
                            const scout_policy_opts *opts, scout_policy_decision *d, scout_err *err)
{
    static const scout_policy_opts none = {NULL};
    memset(d, 0, sizeof *d);
    d->kind = "other";
    if (!opts) opts = &none;
    scout_rc rc;
    dialect dl;
    if (!sql || !*sql) {
        rc = deny(d, "empty", "empty statement: there is no sql to run");
    } else if (strlen(sql) > SCOUT_POLICY_SQL_MAX) {
        rc =
            deny(d, "too_long", "the statement is longer than %zu KiB", SCOUT_POLICY_SQL_MAX >> 10);
    } else if (dialect_of(dialect_name, &dl)) {
        rc = check_dialect(sql, dl, opts, d);
        if (!rc) rc = check_parse(sql, dl, d);
    } else {
        /* Unknown engine: every engine's reading must allow it. */
        rc = check_dialect(sql, D_SQLITE, opts, d);
        if (!rc) rc = check_dialect(sql, D_POSTGRES, opts, d);
        if (!rc) rc = check_dialect(sql, D_CLICKHOUSE, opts, d);
        if (!rc) rc = check_parse(sql, D_SQLITE, d);
    }
    if (rc && !strcmp(d->rule, "internal")) rc = SCOUT_ENOMEM;
    if (rc) {
        d->allow = false;
        scout_err_set(err, rc, "%s", d->reason);
    }
    return rc;
}
