/* identity — who may use scout: users, groups and API tokens, kept in
 * catalog.db (tables guard_users, guard_groups, guard_members, guard_tokens).
 * scout.yaml stays the source of truth for the people it lists: every open
 * re-seeds them (name, email, admin, groups) and disables configured users
 * that were removed from the file. Tokens are 32 random bytes shown once as
 * "sct_<base64url>"; only a BLAKE2b hash is stored, compared in constant time. */
#ifndef SCOUT_GUARD_IDENTITY_H
#define SCOUT_GUARD_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"

#define SCOUT_TOKEN_PREFIX "sct_"
/* "sct_" + 43 base64url characters (32 bytes, no padding) + NUL. */
#define SCOUT_TOKEN_MAX 48
/* "tok_" + 12 hex digits + NUL: the public handle used to list and revoke. */
#define SCOUT_TOKEN_ID_MAX      17
#define SCOUT_IDENTITY_NAME_MAX 128

typedef struct scout_identity scout_identity;

/* Creates the identity tables if needed and seeds the users and group
 * memberships of cfg (cfg may be NULL: nothing is seeded). The catalog is
 * borrowed and must outlive the handle. Free with scout_identity_close. */
scout_rc scout_identity_open(scout_catalog *cat, const scout_config *cfg, scout_identity **out,
                             scout_err *err);
void scout_identity_close(scout_identity *id);

/* A resolved user: owns its strings; principal() borrows from it. Groups are
 * every group the user belongs to (configured and added with the CLI). */
typedef struct scout_identity_user scout_identity_user;

const scout_principal *scout_identity_user_principal(const scout_identity_user *u);
void scout_identity_user_free(scout_identity_user *u);

/* Looks a user up by name. SCOUT_ENOTFOUND when unknown, SCOUT_EDENIED when
 * the user was disabled (removed from scout.yaml). */
scout_rc scout_identity_user_get(scout_identity *id, const char *name, scout_identity_user **out,
                                 scout_err *err);

/* Adds a user who is not in scout.yaml (email may be NULL). Admin rights
 * come only from scout.yaml. SCOUT_EUSER if the name is taken or invalid. */
scout_rc scout_identity_user_add(scout_identity *id, const char *name, const char *email,
                                 scout_err *err);

/* One row of `scout users list`; strings borrowed for the callback. */
typedef struct scout_identity_user_row {
    const char *name;
    const char *email;  /* may be NULL */
    const char *origin; /* "config", "cli" or "removed" */
    const char *groups; /* comma-separated, "" for none */
    bool admin;
    bool disabled;
    int64_t active_tokens;
} scout_identity_user_row;

typedef int (*scout_identity_user_fn)(void *ud, const scout_identity_user_row *u);
scout_rc scout_identity_users_list(scout_identity *id, scout_identity_user_fn fn, void *ud,
                                   scout_err *err);

/* ---- tokens ---- */

/* Creates a token for user and writes it to token (shown once; the caller
 * must not log it) and its public id to token_id. label may be NULL. */
scout_rc scout_identity_token_create(scout_identity *id, const char *user, const char *label,
                                     char token[SCOUT_TOKEN_MAX], char token_id[SCOUT_TOKEN_ID_MAX],
                                     scout_err *err);

/* Resolves a presented token to its user, recording last use. Every failure
 * (malformed, unknown, revoked, disabled user) is the same SCOUT_EDENIED
 * "invalid or revoked token", so a caller learns nothing about which. */
scout_rc scout_identity_token_verify(scout_identity *id, const char *token,
                                     scout_identity_user **out, scout_err *err);

/* Revokes one token (what = "tok_...") or every token of a user (what = a
 * user name). *n (may be NULL) receives how many were revoked; revoking
 * nothing is SCOUT_ENOTFOUND. */
scout_rc scout_identity_token_revoke(scout_identity *id, const char *what, int64_t *n,
                                     scout_err *err);

typedef struct scout_identity_token_row {
    const char *id;
    const char *user;
    const char *label;     /* may be NULL */
    const char *created;   /* ISO-8601 UTC */
    const char *last_used; /* NULL if never used */
    const char *revoked;   /* NULL if active */
} scout_identity_token_row;

typedef int (*scout_identity_token_fn)(void *ud, const scout_identity_token_row *t);
/* Lists tokens (never their secrets or hashes) of user, or all when user is NULL. */
scout_rc scout_identity_tokens_list(scout_identity *id, const char *user,
                                    scout_identity_token_fn fn, void *ud, scout_err *err);

/* ---- groups ---- */

/* Adds a group (description may be NULL). SCOUT_EUSER if it exists. */
scout_rc scout_identity_group_add(scout_identity *id, const char *name, const char *description,
                                  scout_err *err);

typedef struct scout_identity_group_row {
    const char *name;
    const char *description; /* may be NULL */
    const char *origin;      /* "config" or "cli" */
    int64_t members;
} scout_identity_group_row;

typedef int (*scout_identity_group_fn)(void *ud, const scout_identity_group_row *g);
scout_rc scout_identity_groups_list(scout_identity *id, scout_identity_group_fn fn, void *ud,
                                    scout_err *err);

/* Calls fn(ud, user, origin) for every member of group, by name. */
typedef int (*scout_identity_member_fn)(void *ud, const char *user, const char *origin);
scout_rc scout_identity_group_members(scout_identity *id, const char *group,
                                      scout_identity_member_fn fn, void *ud, scout_err *err);

/* Adds user to group (both must exist). Memberships from scout.yaml cannot
 * be removed here: SCOUT_EUSER says to edit the file. */
scout_rc scout_identity_member_add(scout_identity *id, const char *group, const char *user,
                                   scout_err *err);
scout_rc scout_identity_member_remove(scout_identity *id, const char *group, const char *user,
                                      scout_err *err);

/* True when name is a usable user or group name: 1..127 bytes of letters,
 * digits, '.', '_', '-', '@', not starting with "tok_". */
bool scout_identity_name_valid(const char *name);

#endif
