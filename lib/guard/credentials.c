/* credentials.c — see credentials.h. */
#include "guard/credentials.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const scout_credential_cfg *find(const scout_credential_cfg *v, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(v[i].name, name)) return &v[i];
    return NULL;
}

static scout_rc use_entry(const scout_credential_cfg *e, scout_cred_via via, const char *matched,
                          scout_credential *out)
{
    out->via = via;
    out->dsn_env = e->dsn_env;
    snprintf(out->role, sizeof out->role, "%s", e->role ? e->role : "");
    out->matched = matched;
    return SCOUT_OK;
}

/* The role for user under "prefix%ssuffix"; false when the user name holds
 * characters a role name may not (the loader checked the template itself). */
static bool templated_role(const char *tmpl, const char *user, char *out, size_t cap)
{
    for (const char *p = user; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_.@-", *p)))
            return false;
    const char *at = strstr(tmpl, "%s");
    if (!at) return false;
    int n = snprintf(out, cap, "%.*s%s%s", (int)(at - tmpl), tmpl, user, at + 2);
    return n > 0 && (size_t)n < cap && n <= 63;
}

static scout_rc refuse(const scout_source_cfg *src, const char *user, scout_err *err)
{
    return scout_err_set(err, SCOUT_EDENIED,
                         "no database credentials for %s on source '%s'; ask a scout admin to map "
                         "them under sources[].credentials",
                         user, src->name);
}

scout_rc scout_credentials_resolve(const scout_source_cfg *src, const scout_principal *who,
                                   scout_credential *out, scout_err *err)
{
    memset(out, 0, sizeof *out);
    out->via = SCOUT_CRED_SOURCE;
    if (!who || !who->user || !who->user[0]) return refuse(src, "an unknown user", err);
    /* SQLite files are read through the engine's read check as the asker. */
    if (src->kind == SCOUT_SOURCE_SQLITE) return SCOUT_OK;
    const scout_credentials_cfg *cs = &src->credentials;
    const scout_credential_cfg *e = find(cs->users, cs->n_users, who->user);
    if (e) return use_entry(e, SCOUT_CRED_USER, e->name, out);
    for (size_t i = 0; i < who->n_groups; i++) {
        e = find(cs->groups, cs->n_groups, who->groups[i]);
        if (e) return use_entry(e, SCOUT_CRED_GROUP, e->name, out);
    }
    /* Admins may read everything, so the login DSN is not more than theirs. */
    if (who->admin) return SCOUT_OK;
    if (cs->role_template) {
        if (!templated_role(cs->role_template, who->user, out->role, sizeof out->role))
            return refuse(src, who->user, err);
        out->via = SCOUT_CRED_TEMPLATE;
        return SCOUT_OK;
    }
    if (cs->fallback && !src->restricted)
        return use_entry(cs->fallback, SCOUT_CRED_DEFAULT, NULL, out);
    if (!cs->present && !src->restricted) return SCOUT_OK;
    return refuse(src, who->user, err);
}

scout_rc scout_credentials_dsn(const scout_source_cfg *src, const scout_credential *cred,
                               const char **dsn, scout_err *err)
{
    *dsn = NULL;
    if (cred->dsn_env) {
        const char *v = getenv(cred->dsn_env);
        if (!v || !*v)
            return scout_err_set(err, SCOUT_EUSER,
                                 "environment variable %s (database credentials on source '%s') "
                                 "is not set",
                                 cred->dsn_env, src->name);
        *dsn = v;
        return SCOUT_OK;
    }
    *dsn = scout_source_dsn(src);
    if (!*dsn)
        return scout_err_set(err, SCOUT_EUSER, "source '%s' has no connection string", src->name);
    return SCOUT_OK;
}

const char *scout_credentials_via_name(scout_cred_via via)
{
    switch (via) {
    case SCOUT_CRED_USER:
        return "user";
    case SCOUT_CRED_GROUP:
        return "group";
    case SCOUT_CRED_TEMPLATE:
        return "role_template";
    case SCOUT_CRED_DEFAULT:
        return "default";
    case SCOUT_CRED_SOURCE:
        return "source";
    }
    return "unknown";
}
