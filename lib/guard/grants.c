/* grants.c — rules, their storage and the in-memory decision snapshot (see
 * grants.h for the model). A snapshot holds a few hundred rules at most in
 * practice; every decision scans them, which costs less than a hash lookup
 * would save and keeps the precedence logic in one readable loop. */
#include "guard/grants.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/fsutil.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static const char GRANTS_SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS guard_grants ("
    "  id INTEGER PRIMARY KEY,"
    "  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('user','group')),"
    "  subject TEXT NOT NULL,"
    "  source TEXT NOT NULL COLLATE NOCASE,"
    "  schema_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
    "  table_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
    "  column_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
    "  effect TEXT NOT NULL CHECK (effect IN ('allow','deny')),"
    "  created_at TEXT NOT NULL,"
    "  created_by TEXT,"
    "  UNIQUE (subject_kind, subject, source, schema_name, table_name, column_name));"
    "CREATE TABLE IF NOT EXISTS guard_contacts ("
    "  source TEXT NOT NULL COLLATE NOCASE,"
    "  schema_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
    "  table_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE,"
    "  contact TEXT NOT NULL,"
    "  PRIMARY KEY (source, schema_name, table_name));";

typedef struct rule {
    bool is_group;
    bool deny;
    int level;
    char *subject, *source, *schema, *table, *column;
} rule;

typedef struct contact_rule {
    int level;
    char *source, *schema, *table, *text;
} contact_rule;

struct scout_grants {
    const scout_config *cfg;
    rule *rules;
    size_t n_rules;
    contact_rule *contacts;
    size_t n_contacts;
    /* Catalog group memberships sorted by user; groups[i] belongs to users[i],
     * so one user's groups are a contiguous run usable as a principal's list. */
    char **users;
    const char **groups;
    char **group_store;
    size_t n_members;
};

static scout_rc oom(scout_err *err)
{
    return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
}

static bool ieq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* ---- objects ---------------------------------------------------------- */

static scout_rc put_part(char *dst, size_t cap, const char *p, size_t n, scout_err *err)
{
    if (n == 0) return scout_err_set(err, SCOUT_EUSER, "empty name in object (a '.' too many?)");
    if (n >= cap) return scout_err_set(err, SCOUT_EUSER, "object name part is too long");
    memcpy(dst, p, n);
    dst[n] = '\0';
    return SCOUT_OK;
}

scout_rc scout_grant_object_parse(const char *text, scout_grant_object *o, scout_err *err)
{
    memset(o, 0, sizeof *o);
    if (!text || !text[0])
        return scout_err_set(err, SCOUT_EUSER, "no object: give source[.schema[.table[.column]]]");
    char *dst[4] = {o->source, o->schema, o->table, o->column};
    size_t caps[4] = {sizeof o->source, sizeof o->schema, sizeof o->table, sizeof o->column};
    const char *p = text;
    for (int i = 0; i < 4; i++) {
        size_t n = strcspn(p, ".");
        scout_rc rc = put_part(dst[i], caps[i], p, n, err);
        if (rc) return rc;
        o->level = i + 1;
        p += n;
        if (!*p) return SCOUT_OK;
        p++;
    }
    return scout_err_set(err, SCOUT_EUSER,
                         "object '%s' has too many parts: source[.schema[.table[.column]]]", text);
}

/* Writes the object back as text. */
static void object_text(const char *src, const char *sch, const char *tab, const char *col,
                        char *out, size_t n)
{
    snprintf(out, n, "%s%s%s%s%s%s%s", src, sch[0] ? "." : "", sch, tab[0] ? "." : "", tab,
             col[0] ? "." : "", col);
}

/* ---- storage ---------------------------------------------------------- */

scout_rc scout_grants_ensure_schema(scout_catalog *cat, scout_err *err)
{
    return scout_catalog_exec(cat, GRANTS_SCHEMA, err);
}

static void bind_object(sqlite3_stmt *st, int first, const scout_grant_object *o)
{
    sqlite3_bind_text(st, first, o->source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, first + 1, o->schema, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, first + 2, o->table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, first + 3, o->column, -1, SQLITE_TRANSIENT);
}

static scout_rc run(scout_catalog *cat, sqlite3_stmt *st, const char *what, scout_err *err)
{
    scout_rc rc = sqlite3_step(st) == SQLITE_DONE ? SCOUT_OK : scout_catalog_sqlerr(cat, err, what);
    sqlite3_finalize(st);
    return rc;
}

static scout_rc check_subject(const char *subject, scout_err *err)
{
    if (!subject || !subject[0] || strlen(subject) >= 128)
        return scout_err_set(err, SCOUT_EUSER, "grant needs a user or group name");
    return SCOUT_OK;
}

scout_rc scout_grants_set(scout_catalog *cat, scout_grant_subject kind, const char *subject,
                          const char *object, bool deny, const char *by, scout_err *err)
{
    scout_grant_object o;
    scout_rc rc = check_subject(subject, err);
    if (!rc) rc = scout_grant_object_parse(object, &o, err);
    if (!rc) rc = scout_grants_ensure_schema(cat, err);
    if (rc) return rc;
    sqlite3_stmt *st = NULL;
    rc = scout_catalog_prepare(
        cat,
        "INSERT INTO guard_grants (subject_kind, subject, source, schema_name, table_name, "
        "column_name, effect, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, " NOW_SQL
        ", ?8) ON CONFLICT (subject_kind, subject, source, schema_name, table_name, column_name) "
        "DO UPDATE SET effect = excluded.effect, created_at = excluded.created_at, "
        "created_by = excluded.created_by",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, kind == SCOUT_GRANT_GROUP ? "group" : "user", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, subject, -1, SQLITE_TRANSIENT);
    bind_object(st, 3, &o);
    sqlite3_bind_text(st, 7, deny ? "deny" : "allow", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, by, -1, SQLITE_TRANSIENT);
    return run(cat, st, "store grant", err);
}

scout_rc scout_grants_remove(scout_catalog *cat, scout_grant_subject kind, const char *subject,
                             const char *object, scout_err *err)
{
    scout_grant_object o;
    scout_rc rc = check_subject(subject, err);
    if (!rc) rc = scout_grant_object_parse(object, &o, err);
    if (!rc) rc = scout_grants_ensure_schema(cat, err);
    if (rc) return rc;
    sqlite3_stmt *st = NULL;
    rc = scout_catalog_prepare(cat,
                               "DELETE FROM guard_grants WHERE subject_kind = ?1 AND subject = ?2 "
                               "AND source = ?3 AND schema_name = ?4 AND table_name = ?5 "
                               "AND column_name = ?6",
                               &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, kind == SCOUT_GRANT_GROUP ? "group" : "user", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, subject, -1, SQLITE_TRANSIENT);
    bind_object(st, 3, &o);
    rc = run(cat, st, "remove grant", err);
    if (!rc && sqlite3_changes(scout_catalog_db(cat)) == 0)
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "no grant for %s '%s' on %s",
                           kind == SCOUT_GRANT_GROUP ? "group" : "user", subject, object);
    return rc;
}

scout_rc scout_grants_set_contact(scout_catalog *cat, const char *object, const char *contact,
                                  scout_err *err)
{
    scout_grant_object o;
    scout_rc rc = scout_grant_object_parse(object, &o, err);
    if (!rc && o.level > 3)
        rc = scout_err_set(err, SCOUT_EUSER, "contacts are set on a source, schema or table");
    if (!rc && contact && strlen(contact) > 200)
        rc = scout_err_set(err, SCOUT_EUSER, "contact is longer than 200 bytes");
    if (!rc) rc = scout_grants_ensure_schema(cat, err);
    if (rc) return rc;
    bool clear = !contact || !contact[0];
    sqlite3_stmt *st = NULL;
    rc = scout_catalog_prepare(cat,
                               clear ? "DELETE FROM guard_contacts WHERE source = ?1 AND "
                                       "schema_name = ?2 AND table_name = ?3"
                                     : "INSERT OR REPLACE INTO guard_contacts (source, "
                                       "schema_name, table_name, contact) VALUES (?1, ?2, ?3, ?4)",
                               &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, o.source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, o.schema, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, o.table, -1, SQLITE_TRANSIENT);
    if (!clear) sqlite3_bind_text(st, 4, contact, -1, SQLITE_TRANSIENT);
    return run(cat, st, "store contact", err);
}

scout_rc scout_grants_list(scout_catalog *cat, scout_grant_subject kind, const char *subject,
                           scout_grant_fn fn, void *ud, scout_err *err)
{
    scout_rc rc = scout_grants_ensure_schema(cat, err);
    if (rc) return rc;
    sqlite3_stmt *st = NULL;
    rc = scout_catalog_prepare(
        cat,
        "SELECT subject_kind, subject, source, schema_name, table_name, column_name, effect, "
        "created_at, created_by FROM guard_grants WHERE ?1 IS NULL OR (subject_kind = ?2 AND "
        "subject = ?1) ORDER BY source, schema_name, table_name, column_name, subject_kind, "
        "subject",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, kind == SCOUT_GRANT_GROUP ? "group" : "user", -1, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char obj[700];
        object_text(scout_catalog_col_text(st, 2), scout_catalog_col_text(st, 3),
                    scout_catalog_col_text(st, 4), scout_catalog_col_text(st, 5), obj, sizeof obj);
        scout_grant_row r = {
            .subject_kind = scout_catalog_col_text(st, 0),
            .subject = scout_catalog_col_text(st, 1),
            .object = obj,
            .deny = !strcmp(scout_catalog_col_text(st, 6), "deny"),
            .created_at = scout_catalog_col_text(st, 7),
            .created_by = scout_catalog_col_text(st, 8),
        };
        if (fn(ud, &r)) break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE) rc = scout_catalog_sqlerr(cat, err, "list grants");
    sqlite3_finalize(st);
    return rc;
}

/* ---- loading the snapshot --------------------------------------------- */

/* Duplicates column i of st as "" for NULL; sets *bad on OOM. */
static char *dup_col(sqlite3_stmt *st, int i, bool *bad)
{
    const char *s = scout_catalog_col_text(st, i);
    char *d = scout_strdup(s ? s : "");
    if (!d) *bad = true;
    return d;
}

static int level_of(const char *schema, const char *table, const char *column)
{
    return column[0] ? 4 : table[0] ? 3 : schema[0] ? 2 : 1;
}

static scout_rc load_rules(scout_catalog *cat, scout_grants *g, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(cat,
                                        "SELECT subject_kind, subject, source, schema_name, "
                                        "table_name, column_name, effect FROM guard_grants",
                                        &st, err);
    if (rc) return rc;
    size_t cap = 0;
    bool bad = false;
    while (!bad && sqlite3_step(st) == SQLITE_ROW) {
        if (!scout_array_grow((void **)&g->rules, &cap, g->n_rules, sizeof *g->rules)) {
            bad = true;
            break;
        }
        rule *r = &g->rules[g->n_rules++];
        memset(r, 0, sizeof *r);
        r->is_group = !strcmp(scout_catalog_col_text(st, 0), "group");
        r->subject = dup_col(st, 1, &bad);
        r->source = dup_col(st, 2, &bad);
        r->schema = dup_col(st, 3, &bad);
        r->table = dup_col(st, 4, &bad);
        r->column = dup_col(st, 5, &bad);
        r->deny = !strcmp(scout_catalog_col_text(st, 6), "deny");
        if (!bad) r->level = level_of(r->schema, r->table, r->column);
    }
    sqlite3_finalize(st);
    return bad ? oom(err) : SCOUT_OK;
}

static scout_rc load_contacts(scout_catalog *cat, scout_grants *g, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = scout_catalog_prepare(
        cat, "SELECT source, schema_name, table_name, contact FROM guard_contacts", &st, err);
    if (rc) return rc;
    size_t cap = 0;
    bool bad = false;
    while (!bad && sqlite3_step(st) == SQLITE_ROW) {
        if (!scout_array_grow((void **)&g->contacts, &cap, g->n_contacts, sizeof *g->contacts)) {
            bad = true;
            break;
        }
        contact_rule *c = &g->contacts[g->n_contacts++];
        memset(c, 0, sizeof *c);
        c->source = dup_col(st, 0, &bad);
        c->schema = dup_col(st, 1, &bad);
        c->table = dup_col(st, 2, &bad);
        c->text = dup_col(st, 3, &bad);
        if (!bad) c->level = level_of(c->schema, c->table, "");
    }
    sqlite3_finalize(st);
    return bad ? oom(err) : SCOUT_OK;
}

/* Memberships come from the identity tables, which exist only once identity
 * was opened; without them the principal's own group list is all there is. */
static scout_rc load_members(scout_catalog *cat, scout_grants *g, scout_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(scout_catalog_db(cat),
                           "SELECT user, grp FROM guard_members m WHERE NOT EXISTS (SELECT 1 FROM "
                           "guard_users u WHERE u.name = m.user AND u.disabled) ORDER BY user, grp",
                           -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return SCOUT_OK;
    }
    size_t cap = 0;
    bool bad = false;
    while (!bad && sqlite3_step(st) == SQLITE_ROW) {
        if (g->n_members == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **u = realloc(g->users, nc * sizeof *u);
            if (u) g->users = u;
            char **gs = realloc(g->group_store, nc * sizeof *gs);
            if (gs) g->group_store = gs;
            const char **gp = realloc(g->groups, nc * sizeof *gp);
            if (gp) g->groups = gp;
            if (!u || !gs || !gp) {
                bad = true;
                break;
            }
            cap = nc;
        }
        size_t i = g->n_members;
        g->users[i] = dup_col(st, 0, &bad);
        g->group_store[i] = dup_col(st, 1, &bad);
        g->groups[i] = g->group_store[i];
        g->n_members++;
    }
    sqlite3_finalize(st);
    return bad ? oom(err) : SCOUT_OK;
}

scout_rc scout_grants_load(scout_catalog *cat, const scout_config *cfg, scout_grants **out,
                           scout_err *err)
{
    *out = NULL;
    scout_rc rc = scout_grants_ensure_schema(cat, err);
    if (rc) return rc;
    scout_grants *g = calloc(1, sizeof *g);
    if (!g) return oom(err);
    g->cfg = cfg;
    rc = load_rules(cat, g, err);
    if (!rc) rc = load_contacts(cat, g, err);
    if (!rc) rc = load_members(cat, g, err);
    if (rc) {
        scout_grants_free(g);
        return rc;
    }
    *out = g;
    return SCOUT_OK;
}

void scout_grants_free(scout_grants *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n_rules; i++) {
        rule *r = &g->rules[i];
        free(r->subject);
        free(r->source);
        free(r->schema);
        free(r->table);
        free(r->column);
    }
    free(g->rules);
    for (size_t i = 0; i < g->n_contacts; i++) {
        free(g->contacts[i].source);
        free(g->contacts[i].schema);
        free(g->contacts[i].table);
        free(g->contacts[i].text);
    }
    free(g->contacts);
    for (size_t i = 0; i < g->n_members; i++) {
        free(g->users[i]);
        free(g->group_store[i]);
    }
    free(g->users);
    free(g->group_store);
    free(g->groups);
    free(g);
}

/* ---- decisions -------------------------------------------------------- */

/* The run of catalog groups of user: *first index and count. */
static size_t member_groups(const scout_grants *g, const char *user, size_t *first)
{
    *first = 0;
    if (!user) return 0;
    size_t lo = 0, hi = g->n_members;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(g->users[mid], user) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < g->n_members && !strcmp(g->users[lo + n], user)) n++;
    *first = lo;
    return n;
}

static bool in_group(const scout_grants *g, const scout_principal *who, const char *group)
{
    if (!strcmp(group, SCOUT_GRANTS_EVERYONE)) return true;
    if (!who) return false;
    for (size_t i = 0; i < who->n_groups; i++)
        if (!strcmp(who->groups[i], group)) return true;
    size_t first, n = member_groups(g, who->user, &first);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(g->groups[first + i], group)) return true;
    return false;
}

static bool subject_matches(const scout_grants *g, const rule *r, const scout_principal *who)
{
    if (r->is_group) return in_group(g, who, r->subject);
    return who && who->user && !strcmp(r->subject, who->user);
}

/* Does rule r cover the object? column NULL restricts to table-level rules. */
static bool rule_covers(const rule *r, const char *source, const char *schema, const char *table,
                        const char *column)
{
    if (!ieq(r->source, source)) return false;
    if (r->level >= 2 && !ieq(r->schema, schema)) return false;
    if (r->level >= 3 && !ieq(r->table, table)) return false;
    if (r->level >= 4 && !(column && ieq(r->column, column))) return false;
    return true;
}

/* 1 allow, -1 deny, 0 no rule: the most specific matching rule, deny first. */
static int decide(const scout_grants *g, const scout_principal *who, const char *source,
                  const char *schema, const char *table, const char *column)
{
    int best = 0, effect = 0;
    for (size_t i = 0; i < g->n_rules; i++) {
        const rule *r = &g->rules[i];
        if (!rule_covers(r, source, schema, table, column) || !subject_matches(g, r, who)) continue;
        if (r->level > best) {
            best = r->level;
            effect = r->deny ? -1 : 1;
        } else if (r->level == best && r->deny) {
            effect = -1;
        }
    }
    return effect;
}

static bool source_restricted(const scout_grants *g, const char *source)
{
    if (!g->cfg) return false;
    for (size_t i = 0; i < g->cfg->n_sources; i++)
        if (ieq(g->cfg->sources[i].name, source)) return g->cfg->sources[i].restricted;
    return false;
}

/* Some column of the table is explicitly allowed (and not denied at column level). */
static bool some_column_allowed(const scout_grants *g, const scout_principal *who,
                                const char *source, const char *schema, const char *table)
{
    for (size_t i = 0; i < g->n_rules; i++) {
        const rule *r = &g->rules[i];
        if (r->level != 4 || r->deny || !rule_covers(r, source, schema, table, r->column) ||
            !subject_matches(g, r, who))
            continue;
        if (decide(g, who, source, schema, table, r->column) > 0) return true;
    }
    return false;
}

bool scout_grants_can_read(const scout_grants *g, const scout_principal *who, const char *source,
                           const char *schema, const char *table, const char *column)
{
    if (who && who->admin) return true;
    const char *col = column && column[0] ? column : NULL;
    int d = decide(g, who, source, schema, table, col);
    if (d) return d > 0;
    return !source_restricted(g, source);
}

/* Splits "source.schema.table" (the table part may itself contain dots). */
static bool split_fq(const char *fq, char *src, size_t ns, char *sch, size_t nh, const char **tab)
{
    const char *d1 = fq ? strchr(fq, '.') : NULL;
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d2 || (size_t)(d1 - fq) >= ns || (size_t)(d2 - d1 - 1) >= nh) return false;
    memcpy(src, fq, (size_t)(d1 - fq));
    src[d1 - fq] = '\0';
    memcpy(sch, d1 + 1, (size_t)(d2 - d1 - 1));
    sch[d2 - d1 - 1] = '\0';
    *tab = d2 + 1;
    return true;
}

bool scout_grants_can_read_table(const scout_grants *g, const scout_principal *who,
                                 const char *fqname)
{
    if (who && who->admin) return true;
    char src[128], sch[128];
    const char *tab;
    if (!split_fq(fqname, src, sizeof src, sch, sizeof sch, &tab)) return false;
    if (scout_grants_can_read(g, who, src, sch, tab, NULL)) return true;
    return some_column_allowed(g, who, src, sch, tab);
}

bool scout_grants_can_read_column(const scout_grants *g, const scout_principal *who,
                                  const char *fqname, const char *column)
{
    if (who && who->admin) return true;
    char src[128], sch[128];
    const char *tab;
    if (!split_fq(fqname, src, sizeof src, sch, sizeof sch, &tab)) return false;
    return scout_grants_can_read(g, who, src, sch, tab, column);
}

const char *scout_grants_contact(const scout_grants *g, const char *source, const char *schema,
                                 const char *table)
{
    const contact_rule *best = NULL;
    for (size_t i = 0; i < g->n_contacts; i++) {
        const contact_rule *c = &g->contacts[i];
        if (!ieq(c->source, source)) continue;
        if (c->level >= 2 && !ieq(c->schema, schema)) continue;
        if (c->level >= 3 && !ieq(c->table, table)) continue;
        if (!best || c->level > best->level) best = c;
    }
    return best ? best->text : NULL;
}

/* ---- search policy ---------------------------------------------------- */

static bool policy_table(void *ud, const char *fqname)
{
    const scout_grants_scope *sc = ud;
    return scout_grants_can_read_table(sc->g, sc->who, fqname);
}

/* The chunk's ACL against who, then against who's catalog groups. */
static bool policy_chunk(void *ud, const scout_search_acl *acl)
{
    const scout_grants_scope *sc = ud;
    if (scout_search_acl_allows(acl, sc->who)) return true;
    if (!sc->who) return false;
    size_t first, n = member_groups(sc->g, sc->who->user, &first);
    if (!n) return false;
    scout_principal extra = {.user = sc->who->user,
                             .email = sc->who->email,
                             .groups = sc->g->groups + first,
                             .n_groups = n};
    return scout_search_acl_allows(acl, &extra);
}

scout_search_policy scout_grants_search_policy(const scout_grants *g, const scout_principal *who,
                                               scout_grants_scope *scope)
{
    scope->g = g;
    scope->who = who;
    scout_search_policy p = {
        .ud = scope, .can_read_table = policy_table, .can_read_chunk = policy_chunk};
    return p;
}
