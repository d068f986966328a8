/* credentials — which database identity answers a question on a PostgreSQL
 * or ClickHouse source (the "personal token"): the asker's own entry, else
 * one of their groups', else a role derived from their name, else the
 * source's `default`, else refusal. Never the source's own login DSN for a
 * non-admin once a source maps credentials, and never for a restricted
 * source: scout does not run a question as anyone more powerful than the
 * asker. Connectors call this before connecting (docs/security.md). */
#ifndef SCOUT_GUARD_CREDENTIALS_H
#define SCOUT_GUARD_CREDENTIALS_H

#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"

#define SCOUT_CREDENTIAL_ROLE_MAX 128

typedef enum {
    SCOUT_CRED_USER,     /* credentials.users[<user>] */
    SCOUT_CRED_GROUP,    /* credentials.groups[<first of the user's groups with one>] */
    SCOUT_CRED_TEMPLATE, /* credentials.role_template applied to the user name */
    SCOUT_CRED_DEFAULT,  /* credentials.default (unrestricted sources only) */
    SCOUT_CRED_SOURCE    /* the source's own DSN: admins, SQLite (checked in the engine), or
                          * an unrestricted source that maps no credentials */
} scout_cred_via;

/* The identity to connect with. Strings borrow from the config. */
typedef struct scout_credential {
    scout_cred_via via;
    const char *dsn_env;                  /* env var holding the DSN; NULL = the source's DSN */
    char role[SCOUT_CREDENTIAL_ROLE_MAX]; /* SET ROLE after connecting; "" = none */
    const char *matched;                  /* user or group whose entry was used; NULL otherwise */
} scout_credential;

/* Resolves who's identity on src (both borrowed). SCOUT_EDENIED "no database
 * credentials for USER on source 'S'; ask a scout admin to map them under
 * sources[].credentials" when nothing maps the asker (or who is NULL). */
scout_rc scout_credentials_resolve(const scout_source_cfg *src, const scout_principal *who,
                                   scout_credential *out, scout_err *err);

/* The DSN to connect with for a resolved credential: the value of its
 * dsn_env (unset or empty is SCOUT_EUSER naming the variable, never a
 * fall-back to the source's DSN), else scout_source_dsn(src). Borrowed. */
scout_rc scout_credentials_dsn(const scout_source_cfg *src, const scout_credential *cred,
                               const char **dsn, scout_err *err);

/* "user", "group", "role_template", "default" or "source". */
const char *scout_credentials_via_name(scout_cred_via via);

#endif
