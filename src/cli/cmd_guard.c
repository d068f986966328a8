/* scout users / groups / grant / revoke / grants — identities, API tokens
 * and read grants from the terminal. Changes need a scout admin (or root);
 * anyone may make, list and revoke their own tokens and see their own grants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "guard/credentials.h"
#include "guard/grants.h"
#include "guard/identity.h"

/* Everything a guard command needs: who runs it and the open identity store. */
typedef struct guard_cmd {
    cli *c;
    const char *name; /* the command, for usage errors */
    scout_principal me;
    bool admin;
    scout_identity *id;
    json_t *json; /* list output under --json */
} guard_cmd;

static scout_rc guard_open(cli *c, const char *name, guard_cmd *g)
{
    memset(g, 0, sizeof *g);
    g->c = c;
    g->name = name;
    scout_rc rc = cli_principal(c, &g->me);
    if (!rc) rc = cli_open_catalog(c);
    if (!rc) rc = scout_identity_open(c->cat, c->cfg, &g->id, &c->err);
    /* root owns every file of the home anyway (cli_principal's --as rule),
     * but under --as the acting user's own rights apply. */
    g->admin = g->me.admin || (geteuid() == 0 && !c->as_user);
    return rc;
}

static void guard_close(guard_cmd *g)
{
    scout_identity_close(g->id);
    json_decref(g->json);
}

static scout_rc need_admin(guard_cmd *g, const char *what)
{
    if (g->admin) return SCOUT_OK;
    return scout_err_set(&g->c->err, SCOUT_EDENIED, "%s needs a scout admin ('%s' is not one)",
                         what, g->me.user ? g->me.user : "?");
}

/* Returns the value after argv[*i] for option opt, or NULL (usage error set). */
static const char *opt_value(guard_cmd *g, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_usage_error(g->c, g->name, "an option is missing its value");
        return NULL;
    }
    return argv[++*i];
}

static const char *str_or(const char *s, const char *dflt)
{
    return s && s[0] ? s : dflt;
}

/* ---- scout users ------------------------------------------------------ */

static int print_user(void *ud, const scout_identity_user_row *u)
{
    guard_cmd *g = ud;
    if (g->json) {
        json_array_append_new(g->json,
                              json_pack("{s:s, s:s?, s:s, s:s, s:b, s:b, s:I}", "name", u->name,
                                        "email", u->email, "origin", u->origin, "groups", u->groups,
                                        "admin", u->admin, "disabled", u->disabled, "active_tokens",
                                        (json_int_t)u->active_tokens));
        return 0;
    }
    printf("%-20s %-28s %-8s %-6s %3lld  %s\n", u->name, str_or(u->email, "-"), u->origin,
           u->disabled ? "off"
           : u->admin  ? "admin"
                       : "",
           (long long)u->active_tokens, str_or(u->groups, "-"));
    return 0;
}

static scout_rc users_list(guard_cmd *g)
{
    scout_rc rc = need_admin(g, "listing users");
    if (rc) return rc;
    if (g->c->json)
        g->json = json_array();
    else
        printf("%-20s %-28s %-8s %-6s %3s  %s\n", "USER", "EMAIL", "ORIGIN", "", "TOK", "GROUPS");
    rc = scout_identity_users_list(g->id, print_user, g, &g->c->err);
    if (!rc && g->json) {
        rc = cli_print_json(g->c, g->json);
        g->json = NULL;
    }
    return rc;
}

static scout_rc users_add(guard_cmd *g, int argc, char **argv)
{
    const char *name = NULL, *email = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--email")) {
            if (!(email = opt_value(g, argc, argv, &i))) return SCOUT_EUSER;
        } else if (!name && argv[i][0] != '-') {
            name = argv[i];
        } else {
            return cli_usage_error(g->c, g->name, "usage: scout users add NAME [--email E]");
        }
    }
    if (!name) return cli_usage_error(g->c, g->name, "add needs a user name");
    scout_rc rc = need_admin(g, "adding users");
    if (!rc) rc = scout_identity_user_add(g->id, name, email, &g->c->err);
    if (!rc && !g->c->quiet) fprintf(stderr, "added user %s\n", name);
    return rc;
}

static scout_rc users_token(guard_cmd *g, int argc, char **argv)
{
    const char *name = NULL, *label = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--label")) {
            if (!(label = opt_value(g, argc, argv, &i))) return SCOUT_EUSER;
        } else if (!name && argv[i][0] != '-') {
            name = argv[i];
        } else {
            return cli_usage_error(g->c, g->name, "usage: scout users token [NAME] [--label L]");
        }
    }
    if (!name) name = g->me.user;
    if (!name) return cli_usage_error(g->c, g->name, "token needs a user name");
    bool self = g->me.user && !strcmp(name, g->me.user);
    scout_rc rc = self ? SCOUT_OK : need_admin(g, "making a token for someone else");
    char tok[SCOUT_TOKEN_MAX], tid[SCOUT_TOKEN_ID_MAX];
    if (!rc) rc = scout_identity_token_create(g->id, name, label, tok, tid, &g->c->err);
    if (rc) return rc;
    if (g->c->json) {
        rc = cli_print_json(g->c,
                            json_pack("{s:s, s:s, s:s}", "user", name, "id", tid, "token", tok));
    } else {
        printf("%s\n", tok);
        if (!g->c->quiet)
            fprintf(stderr,
                    "token %s for %s: shown once, scout keeps only a hash; revoke it with "
                    "'scout users revoke %s'\n",
                    tid, name, tid);
    }
    memset(tok, 0, sizeof tok);
    return rc;
}

typedef struct owned_token {
    const char *id;
    bool found;
} owned_token;

static int match_token(void *ud, const scout_identity_token_row *t)
{
    owned_token *o = ud;
    if (!strcmp(t->id, o->id)) o->found = true;
    return o->found;
}

/* Non-admins may revoke their own tokens only. */
static scout_rc may_revoke(guard_cmd *g, const char *what)
{
    if (g->admin || !g->me.user) return need_admin(g, "revoking tokens");
    if (strncmp(what, "tok_", 4) != 0)
        return strcmp(what, g->me.user) ? need_admin(g, "revoking someone else's tokens")
                                        : SCOUT_OK;
    owned_token o = {what, false};
    scout_rc rc = scout_identity_tokens_list(g->id, g->me.user, match_token, &o, &g->c->err);
    if (!rc && !o.found)
        rc = scout_err_set(&g->c->err, SCOUT_ENOTFOUND, "you have no token %s", what);
    return rc;
}

static scout_rc users_revoke(guard_cmd *g, int argc, char **argv)
{
    if (argc != 3) return cli_usage_error(g->c, g->name, "usage: scout users revoke TOKEN_ID|USER");
    scout_rc rc = may_revoke(g, argv[2]);
    int64_t n = 0;
    if (!rc) rc = scout_identity_token_revoke(g->id, argv[2], &n, &g->c->err);
    if (!rc && !g->c->quiet) fprintf(stderr, "revoked %lld token(s)\n", (long long)n);
    return rc;
}

static int print_token(void *ud, const scout_identity_token_row *t)
{
    guard_cmd *g = ud;
    if (g->json) {
        json_array_append_new(g->json,
                              json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s?}", "id", t->id, "user",
                                        t->user, "label", t->label, "created", t->created,
                                        "last_used", t->last_used, "revoked", t->revoked));
        return 0;
    }
    printf("%-17s %-20s %-20s %-20s %-20s %s\n", t->id, t->user, str_or(t->label, "-"), t->created,
           str_or(t->last_used, "never"), t->revoked ? "revoked" : "active");
    return 0;
}

static scout_rc users_tokens(guard_cmd *g, int argc, char **argv)
{
    const char *name = argc > 2 ? argv[2] : g->me.user;
    bool self = name && g->me.user && !strcmp(name, g->me.user);
    scout_rc rc = self ? SCOUT_OK : need_admin(g, "listing someone else's tokens");
    if (rc) return rc;
    if (g->c->json)
        g->json = json_array();
    else
        printf("%-17s %-20s %-20s %-20s %-20s %s\n", "ID", "USER", "LABEL", "CREATED", "LAST USED",
               "STATE");
    rc = scout_identity_tokens_list(g->id, name, print_token, g, &g->c->err);
    if (!rc && g->json) {
        rc = cli_print_json(g->c, g->json);
        g->json = NULL;
    }
    return rc;
}

static scout_rc run_users(cli *c, int argc, char **argv)
{
    if (argc < 2) return cli_usage_error(c, "users", "give add, list, token, tokens or revoke");
    guard_cmd g;
    scout_rc rc = guard_open(c, "users", &g);
    const char *sub = argv[1];
    if (rc) {
    } else if (!strcmp(sub, "list")) {
        rc = users_list(&g);
    } else if (!strcmp(sub, "add")) {
        rc = users_add(&g, argc, argv);
    } else if (!strcmp(sub, "token")) {
        rc = users_token(&g, argc, argv);
    } else if (!strcmp(sub, "tokens")) {
        rc = users_tokens(&g, argc, argv);
    } else if (!strcmp(sub, "revoke")) {
        rc = users_revoke(&g, argc, argv);
    } else {
        rc = cli_usage_error(c, "users", "unknown subcommand");
    }
    guard_close(&g);
    return rc;
}

const cli_command cli_cmd_users = {
    "users", "add users, list them, make and revoke API tokens",
    "usage: scout users list\n"
    "       scout users add NAME [--email E]\n"
    "       scout users token [NAME] [--label L]\n"
    "       scout users tokens [NAME]\n"
    "       scout users revoke TOKEN_ID|NAME\n"
    "\n"
    "People listed under users: in scout.yaml are kept in sync on every run (the\n"
    "file decides their email, groups and admin rights; removing someone there\n"
    "disables them and their tokens). 'add' registers someone who is not in the\n"
    "file. 'token' prints a new API token once (sct_...): scout stores only a hash,\n"
    "so copy it now. 'revoke' takes a token id (tok_...) or a user name (all their\n"
    "tokens). Changes need a scout admin; anyone may manage their own tokens.\n",
    run_users};

/* ---- scout groups ----------------------------------------------------- */

static int print_group(void *ud, const scout_identity_group_row *r)
{
    guard_cmd *g = ud;
    if (g->json) {
        json_array_append_new(g->json, json_pack("{s:s, s:s?, s:s, s:I}", "name", r->name,
                                                 "description", r->description, "origin", r->origin,
                                                 "members", (json_int_t)r->members));
        return 0;
    }
    printf("%-24s %-8s %5lld  %s\n", r->name, r->origin, (long long)r->members,
           str_or(r->description, ""));
    return 0;
}

static int print_member(void *ud, const char *user, const char *origin)
{
    guard_cmd *g = ud;
    if (g->json)
        json_array_append_new(g->json, json_pack("{s:s, s:s}", "user", user, "origin", origin));
    else
        printf("%-24s %s\n", user, origin);
    return 0;
}

static scout_rc print_list_end(guard_cmd *g, scout_rc rc)
{
    if (!rc && g->json) {
        rc = cli_print_json(g->c, g->json);
        g->json = NULL;
    }
    return rc;
}

static scout_rc groups_add(guard_cmd *g, int argc, char **argv)
{
    const char *name = NULL, *desc = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--description")) {
            if (!(desc = opt_value(g, argc, argv, &i))) return SCOUT_EUSER;
        } else if (!name && argv[i][0] != '-') {
            name = argv[i];
        } else {
            return cli_usage_error(g->c, g->name, "usage: scout groups add NAME [--description D]");
        }
    }
    if (!name) return cli_usage_error(g->c, g->name, "add needs a group name");
    scout_rc rc = need_admin(g, "adding groups");
    if (!rc) rc = scout_identity_group_add(g->id, name, desc, &g->c->err);
    return rc;
}

/* `groups members NAME [--add U]... [--remove U]...`: changes, then lists. */
static scout_rc groups_members(guard_cmd *g, int argc, char **argv)
{
    if (argc < 3 || argv[2][0] == '-')
        return cli_usage_error(g->c, g->name, "members needs a group name");
    const char *grp = argv[2];
    scout_rc rc = SCOUT_OK;
    for (int i = 3; i < argc && !rc; i++) {
        bool add = !strcmp(argv[i], "--add"), del = !strcmp(argv[i], "--remove");
        if (!add && !del) return cli_usage_error(g->c, g->name, "use --add USER or --remove USER");
        const char *user = opt_value(g, argc, argv, &i);
        if (!user) return SCOUT_EUSER;
        rc = need_admin(g, "changing group members");
        if (!rc)
            rc = add ? scout_identity_member_add(g->id, grp, user, &g->c->err)
                     : scout_identity_member_remove(g->id, grp, user, &g->c->err);
    }
    if (rc) return rc;
    if (g->c->json) g->json = json_array();
    rc = scout_identity_group_members(g->id, grp, print_member, g, &g->c->err);
    return print_list_end(g, rc);
}

static scout_rc run_groups(cli *c, int argc, char **argv)
{
    if (argc < 2) return cli_usage_error(c, "groups", "give add, list or members");
    guard_cmd g;
    scout_rc rc = guard_open(c, "groups", &g);
    const char *sub = argv[1];
    if (rc) {
    } else if (!strcmp(sub, "list")) {
        if (c->json) g.json = json_array();
        rc = print_list_end(&g, scout_identity_groups_list(g.id, print_group, &g, &c->err));
    } else if (!strcmp(sub, "add")) {
        rc = groups_add(&g, argc, argv);
    } else if (!strcmp(sub, "members")) {
        rc = groups_members(&g, argc, argv);
    } else {
        rc = cli_usage_error(c, "groups", "unknown subcommand");
    }
    guard_close(&g);
    return rc;
}

const cli_command cli_cmd_groups = {
    "groups", "list and add groups, list and change their members",
    "usage: scout groups list\n"
    "       scout groups add NAME [--description D]\n"
    "       scout groups members NAME [--add USER]... [--remove USER]...\n"
    "\n"
    "Groups collect users for grants. Groups and memberships named in scout.yaml\n"
    "come from the file (edit it to change them); others are managed here.\n"
    "The group 'everyone' needs no members: it matches every user.\n",
    run_groups};

/* ---- scout grant / revoke / grants ------------------------------------ */

typedef struct grant_args {
    const char *object;
    const char *user, *group, *contact;
    bool deny;
} grant_args;

static scout_rc parse_grant_args(guard_cmd *g, int argc, char **argv, grant_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--user")) {
            if (!(a->user = opt_value(g, argc, argv, &i))) return SCOUT_EUSER;
        } else if (!strcmp(s, "--group")) {
            if (!(a->group = opt_value(g, argc, argv, &i))) return SCOUT_EUSER;
        } else if (!strcmp(s, "--contact")) {
            if (!(a->contact = opt_value(g, argc, argv, &i))) return SCOUT_EUSER;
        } else if (!strcmp(s, "--deny")) {
            a->deny = true;
        } else if (s[0] != '-' && !a->object) {
            a->object = s;
        } else {
            return cli_usage_error(g->c, g->name, "unexpected argument");
        }
    }
    if (!a->object)
        return cli_usage_error(g->c, g->name, "give an object: source[.schema[.table[.column]]]");
    if (a->user && a->group)
        return cli_usage_error(g->c, g->name, "give --user or --group, not both");
    return SCOUT_OK;
}

/* The object's source must be configured, so a typo cannot silently grant nothing. */
static scout_rc check_source(guard_cmd *g, const char *object)
{
    scout_grant_object o;
    scout_rc rc = scout_grant_object_parse(object, &o, &g->c->err);
    if (rc || !g->c->cfg) return rc;
    if (!scout_config_source(g->c->cfg, o.source))
        return scout_err_set(&g->c->err, SCOUT_EUSER, "no source '%s' in scout.yaml", o.source);
    return SCOUT_OK;
}

static scout_rc run_grant(cli *c, int argc, char **argv)
{
    guard_cmd g;
    grant_args a = {0};
    scout_rc rc = guard_open(c, "grant", &g);
    if (!rc) rc = parse_grant_args(&g, argc, argv, &a);
    if (!rc) rc = need_admin(&g, "granting access");
    if (!rc) rc = check_source(&g, a.object);
    if (!rc && !a.user && !a.group && !a.contact)
        rc = cli_usage_error(c, "grant", "give --user U, --group G or --contact TEXT");
    if (!rc && a.contact) rc = scout_grants_set_contact(c->cat, a.object, a.contact, &c->err);
    if (!rc && (a.user || a.group))
        rc = scout_grants_set(c->cat, a.user ? SCOUT_GRANT_USER : SCOUT_GRANT_GROUP,
                              a.user ? a.user : a.group, a.object, a.deny, g.me.user, &c->err);
    if (!rc && !c->quiet && (a.user || a.group))
        fprintf(stderr, "%s %s %s on %s\n", a.deny ? "denied" : "granted",
                a.user ? "user" : "group", a.user ? a.user : a.group, a.object);
    guard_close(&g);
    return rc;
}

const cli_command cli_cmd_grant = {
    "grant", "let a user or group read a source, schema, table or column",
    "usage: scout grant OBJECT (--user U | --group G) [--deny]\n"
    "       scout grant OBJECT --contact TEXT\n"
    "\n"
    "OBJECT is source, source.schema, source.schema.table or\n"
    "source.schema.table.column. Sources marked 'restricted: true' in scout.yaml\n"
    "are closed until granted; others are open until denied (--deny). The most\n"
    "specific rule wins (column > table > schema > source); at the same level a\n"
    "deny beats an allow. --contact sets who people are told to ask for access\n"
    "(e.g. '#finance-data'). Needs a scout admin. See docs/security.md.\n",
    run_grant};

static scout_rc run_revoke(cli *c, int argc, char **argv)
{
    guard_cmd g;
    grant_args a = {0};
    scout_rc rc = guard_open(c, "revoke", &g);
    if (!rc) rc = parse_grant_args(&g, argc, argv, &a);
    if (!rc) rc = need_admin(&g, "revoking access");
    if (!rc && !a.user && !a.group) rc = cli_usage_error(c, "revoke", "give --user U or --group G");
    if (!rc)
        rc = scout_grants_remove(c->cat, a.user ? SCOUT_GRANT_USER : SCOUT_GRANT_GROUP,
                                 a.user ? a.user : a.group, a.object, &c->err);
    if (!rc && !c->quiet)
        fprintf(stderr, "removed the rule for %s %s on %s\n", a.user ? "user" : "group",
                a.user ? a.user : a.group, a.object);
    guard_close(&g);
    return rc;
}

const cli_command cli_cmd_revoke = {
    "revoke", "remove a grant or deny rule",
    "usage: scout revoke OBJECT (--user U | --group G)\n"
    "\n"
    "Removes the rule (allow or deny) for that user or group on OBJECT. On a\n"
    "source that is not restricted, removing an allow changes nothing: use\n"
    "'scout grant OBJECT --deny ...' to take access away. Needs a scout admin.\n",
    run_revoke};

static int print_grant(void *ud, const scout_grant_row *r)
{
    guard_cmd *g = ud;
    if (g->json) {
        json_array_append_new(g->json,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "subject_kind",
                                        r->subject_kind, "subject", r->subject, "object", r->object,
                                        "effect", r->deny ? "deny" : "allow", "created_at",
                                        r->created_at, "created_by", r->created_by));
        return 0;
    }
    printf("%-5s %-6s %-20s %s\n", r->deny ? "deny" : "allow", r->subject_kind, r->subject,
           r->object);
    return 0;
}

/* For a PostgreSQL/ClickHouse table, which database identity who would
 * answer as (env var names and roles only, never a secret): "" for SQLite. */
static void identity_line(const scout_config *cfg, const scout_principal *who, const char *fq,
                          char *out, size_t cap, json_t **j)
{
    char source[128];
    snprintf(source, sizeof source, "%.*s", (int)strcspn(fq, "."), fq);
    const scout_source_cfg *src = cfg ? scout_config_source(cfg, source) : NULL;
    out[0] = '\0';
    *j = NULL;
    if (!src || src->kind == SCOUT_SOURCE_SQLITE) return;
    scout_credential cr;
    scout_err e = {0};
    if (scout_credentials_resolve(src, who, &cr, &e)) {
        snprintf(out, cap, "database identity: none (%.400s)", e.msg);
        *j = json_pack("{s:n, s:s}", "via", "error", e.msg);
        return;
    }
    const char *env = cr.dsn_env ? cr.dsn_env : src->dsn_env ? src->dsn_env : "the source's dsn";
    snprintf(out, cap, "database identity: %s%s%s, connects with %s%s%s",
             scout_credentials_via_name(cr.via), cr.matched ? " " : "",
             cr.matched ? cr.matched : "", env, cr.role[0] ? ", then SET ROLE " : "", cr.role);
    *j = json_pack("{s:s, s:s?, s:s, s:s?}", "via", scout_credentials_via_name(cr.via), "matched",
                   cr.matched, "dsn_env", env, "role", cr.role[0] ? cr.role : NULL);
}

/* `grants --check FQNAME` prints the decision for the subject (a user). */
static scout_rc grants_check(guard_cmd *g, const grant_args *a)
{
    scout_identity_user *u = NULL;
    const scout_principal *who = &g->me;
    scout_rc rc = SCOUT_OK;
    if (a->user && (!g->me.user || strcmp(a->user, g->me.user))) {
        rc = scout_identity_user_get(g->id, a->user, &u, &g->c->err);
        if (rc) return rc;
        who = scout_identity_user_principal(u);
    }
    scout_grants *gr = NULL;
    rc = scout_grants_load(g->c->cat, g->c->cfg, &gr, &g->c->err);
    if (!rc) {
        bool ok = scout_grants_can_read_table(gr, who, a->object);
        char ident[768];
        json_t *jid = NULL;
        identity_line(g->c->cfg, who, a->object, ident, sizeof ident, &jid);
        if (g->c->json) {
            json_t *o =
                json_pack("{s:s, s:s, s:b}", "user", who->user, "table", a->object, "can_read", ok);
            if (jid) json_object_set_new(o, "database_identity", jid);
            rc = cli_print_json(g->c, o);
        } else {
            printf("%s %s read %s\n", who->user, ok ? "may" : "may not", a->object);
            if (ident[0]) printf("%s\n", ident);
            json_decref(jid);
        }
    }
    scout_grants_free(gr);
    scout_identity_user_free(u);
    return rc;
}

static scout_rc run_grants(cli *c, int argc, char **argv)
{
    guard_cmd g;
    grant_args a = {0};
    scout_rc rc = guard_open(c, "grants", &g);
    bool check = false;
    /* --check FQNAME reuses the object slot. */
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--check")) {
            check = true;
            memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof *argv);
            argc--;
            break;
        }
    for (int i = 1; !rc && i < argc; i++) {
        if (!strcmp(argv[i], "--user") || !strcmp(argv[i], "--group")) {
            const char *v = opt_value(&g, argc, argv, &i);
            if (!v)
                rc = SCOUT_EUSER;
            else if (argv[i - 1][2] == 'u')
                a.user = v;
            else
                a.group = v;
        } else if (argv[i][0] != '-' && !a.object) {
            a.object = argv[i];
        } else {
            rc = cli_usage_error(c, "grants", "unexpected argument");
        }
    }
    bool own = !a.group && (!a.user || (g.me.user && !strcmp(a.user, g.me.user)));
    if (!rc && !own) rc = need_admin(&g, "seeing someone else's grants");
    if (!rc && !g.admin && !a.user) a.user = g.me.user;
    if (!rc && check && !a.object) rc = cli_usage_error(c, "grants", "--check needs a table");
    if (!rc && check) {
        rc = grants_check(&g, &a);
    } else if (!rc) {
        if (c->json) g.json = json_array();
        const char *subject = a.user ? a.user : a.group;
        rc = print_list_end(&g, scout_grants_list(c->cat,
                                                  a.group ? SCOUT_GRANT_GROUP : SCOUT_GRANT_USER,
                                                  subject, print_grant, &g, &c->err));
    }
    guard_close(&g);
    return rc;
}

const cli_command cli_cmd_grants = {
    "grants", "list grant and deny rules, or check what a user may read",
    "usage: scout grants [--user U | --group G]\n"
    "       scout grants --check SOURCE.SCHEMA.TABLE [--user U]\n"
    "\n"
    "Lists the rules (all of them for admins, your own otherwise). --check says\n"
    "whether the user (default: you) may read the table, with every rule, group\n"
    "membership and restricted source taken into account; for a PostgreSQL or\n"
    "ClickHouse table also which database identity the user would answer as\n"
    "(sources[].credentials: env var names and roles, never a secret).\n",
    run_grants};
