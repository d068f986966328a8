/* Identity: users and groups seeded from scout.yaml on every open (removed
 * people are disabled), CLI-added users and groups, and API tokens — shown
 * once, stored only as a keyed BLAKE2b digest, verified by a full-digest
 * constant-time compare, revocable, with last use recorded. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "guard/identity.h"
#include "support/fixtures.h"

static char dir[256], cat_path[512];
static scout_catalog *cat;
static scout_identity *id;

static const char CFG_TWO[] =
    "users:\n"
    "  - {name: ana, email: ana@x.io, groups: [finance, exec], admin: true}\n"
    "  - {name: ben, groups: [growth]}\n";
static const char CFG_ONE[] = "users:\n"
                              "  - {name: ana, email: ana@x.io, groups: [exec]}\n";

static bool contains(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(hay + i, needle, m)) return true;
    return false;
}

static scout_config *parse(const char *text)
{
    scout_config *cfg = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_config_parse(text, strlen(text), "/tmp/scout.yaml", &cfg, &err), SCOUT_OK,
                 "%s", err.msg);
    return cfg;
}

static void open_with(const char *yaml)
{
    scout_config *cfg = parse(yaml);
    scout_err err = {0};
    scout_identity_close(id);
    cr_assert_eq(scout_identity_open(cat, cfg, &id, &err), SCOUT_OK, "%s", err.msg);
    scout_config_free(cfg);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/scout-ident-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cat_path, sizeof cat_path, "%s/catalog.db", dir);
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(cat_path, &cat, &err), SCOUT_OK, "%s", err.msg);
    id = NULL;
    open_with(CFG_TWO);
}

static void teardown(void)
{
    scout_identity_close(id);
    scout_catalog_close(cat);
    test_rm_rf(dir);
}

static char *db_text(const char *sql)
{
    /* The catalog is in WAL mode: a second connection sees committed rows. */
    return test_db_text(cat_path, sql);
}

static scout_identity_user *get(const char *name)
{
    scout_identity_user *u = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_identity_user_get(id, name, &u, &err), SCOUT_OK, "%s", err.msg);
    return u;
}

Test(identity, config_users_are_seeded_with_groups_and_admin, .init = setup, .fini = teardown)
{
    scout_identity_user *u = get("ana");
    const scout_principal *p = scout_identity_user_principal(u);
    cr_assert_str_eq(p->user, "ana");
    cr_assert_str_eq(p->email, "ana@x.io");
    cr_assert(p->admin);
    cr_assert_eq(p->n_groups, 2);
    cr_assert_str_eq(p->groups[0], "exec");
    cr_assert_str_eq(p->groups[1], "finance");
    scout_identity_user_free(u);
}

Test(identity, reopening_follows_the_config_and_disables_removed_people, .init = setup,
     .fini = teardown)
{
    char tok[SCOUT_TOKEN_MAX], tid[SCOUT_TOKEN_ID_MAX];
    cr_assert_eq(scout_identity_token_create(id, "ben", NULL, tok, tid, NULL), SCOUT_OK);
    open_with(CFG_ONE);
    scout_identity_user *u = get("ana");
    cr_assert_not(scout_identity_user_principal(u)->admin, "admin comes from the file");
    cr_assert_eq(scout_identity_user_principal(u)->n_groups, 1, "memberships follow the file");
    scout_identity_user_free(u);
    scout_err err = {0};
    cr_assert_eq(scout_identity_user_get(id, "ben", &u, &err), SCOUT_EDENIED);
    cr_assert_eq(scout_identity_token_verify(id, tok, &u, &err), SCOUT_EDENIED,
                 "a removed person's token stops working");
    cr_assert_str_eq(err.msg, "invalid or revoked token");
    open_with(CFG_TWO);
    cr_assert_eq(scout_identity_token_verify(id, tok, &u, &err), SCOUT_OK, "back in the file");
    scout_identity_user_free(u);
}

Test(identity, token_is_shown_once_and_only_a_digest_is_stored, .init = setup, .fini = teardown)
{
    char tok[SCOUT_TOKEN_MAX], tid[SCOUT_TOKEN_ID_MAX];
    scout_err err = {0};
    cr_assert_eq(scout_identity_token_create(id, "ana", "laptop", tok, tid, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_eq(strncmp(tok, "sct_", 4), 0);
    cr_assert_eq(strlen(tok), 47, "sct_ + 43 base64url chars: %s", tok);
    cr_assert_eq(
        strspn(tok + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
    cr_assert_eq(strncmp(tid, "tok_", 4), 0);

    /* The stored hash is BLAKE2b-256 of the token, and the token itself is in no column. */
    unsigned char h[32];
    static const unsigned char key[] = "scout api token digest v1";
    crypto_generichash(h, sizeof h, (const unsigned char *)tok, strlen(tok), key, sizeof key - 1);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    char *stored = db_text("SELECT lower(hex(hash)) FROM guard_tokens");
    cr_assert_str_eq(stored, hex);
    free(stored);
    char q[256];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM guard_tokens WHERE instr(id || user || coalesce(label, '') || "
             "created_at, '%s') OR instr(hash, '%s')",
             tok + 4, tok + 4);
    char *n = db_text(q);
    cr_assert_str_eq(n, "0", "plaintext stored");
    free(n);
    /* Nor anywhere in the database file or its WAL. */
    const char *suffixes[] = {"", "-wal"};
    for (size_t i = 0; i < 2; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s%s", cat_path, suffixes[i]);
        scout_buf b = SCOUT_BUF_INIT;
        if (scout_buf_read_file(&b, path, NULL) != SCOUT_OK) continue;
        cr_assert_not(contains(b.data, b.len, tok + 4, 43), "token bytes in %s", path);
        scout_buf_free(&b);
    }
}

Test(identity, token_verifies_to_its_user_and_records_last_use, .init = setup, .fini = teardown)
{
    char tok[SCOUT_TOKEN_MAX], tid[SCOUT_TOKEN_ID_MAX];
    cr_assert_eq(scout_identity_token_create(id, "ben", NULL, tok, tid, NULL), SCOUT_OK);
    char *before = db_text("SELECT coalesce(last_used_at, 'never') FROM guard_tokens");
    cr_assert_str_eq(before, "never");
    free(before);
    scout_identity_user *u = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_identity_token_verify(id, tok, &u, &err), SCOUT_OK, "%s", err.msg);
    const scout_principal *p = scout_identity_user_principal(u);
    cr_assert_str_eq(p->user, "ben");
    cr_assert_eq(p->n_groups, 1);
    cr_assert_str_eq(p->groups[0], "growth");
    scout_identity_user_free(u);
    char *after = db_text("SELECT coalesce(last_used_at, 'never') FROM guard_tokens");
    cr_assert_neq(strcmp(after, "never"), 0);
    free(after);
}

Test(identity, bad_tokens_all_get_the_same_refusal, .init = setup, .fini = teardown)
{
    char tok[SCOUT_TOKEN_MAX], tid[SCOUT_TOKEN_ID_MAX];
    cr_assert_eq(scout_identity_token_create(id, "ben", NULL, tok, tid, NULL), SCOUT_OK);
    char tampered[SCOUT_TOKEN_MAX];
    memcpy(tampered, tok, sizeof tampered);
    tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
    const char *bad[] = {"",
                         "sct_",
                         "sct_short",
                         "xyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         "sct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         tampered};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scout_identity_user *u = NULL;
        scout_err err = {0};
        cr_expect_eq(scout_identity_token_verify(id, bad[i], &u, &err), SCOUT_EDENIED, "%s",
                     bad[i]);
        cr_expect_str_eq(err.msg, "invalid or revoked token");
        cr_expect_null(u);
    }
}

/* A row whose indexed 8-byte prefix matches but whose full digest differs
 * must not verify: the lookup key only finds candidates, the 32-byte
 * sodium_memcmp decides. */
Test(identity, prefix_match_is_not_enough_full_digest_is_compared, .init = setup, .fini = teardown)
{
    char tok[SCOUT_TOKEN_MAX], tid[SCOUT_TOKEN_ID_MAX];
    cr_assert_eq(scout_identity_token_create(id, "ben", NULL, tok, tid, NULL), SCOUT_OK);
    scout_err err = {0};
    cr_assert_eq(scout_catalog_exec(cat,
                                    "INSERT INTO guard_tokens (id, user, hash, lookup, created_at) "
                                    "SELECT 'tok_forged', 'ana', substr(hash, 1, 31) || x'00', "
                                    "lookup, created_at FROM guard_tokens;"
                                    "UPDATE guard_tokens SET hash = substr(hash, 1, 31) || "
                                    "x'01' WHERE hash = (SELECT hash FROM guard_tokens WHERE id "
                                    "<> 'tok_forged') AND id = 'tok_forged';",
                                    &err),
                 SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_identity_token_revoke(id, tid, NULL, &err), SCOUT_OK, "%s", err.msg);
    scout_identity_user *u = NULL;
    cr_assert_eq(scout_identity_token_verify(id, tok, &u, &err), SCOUT_EDENIED,
                 "matched a forged row on the lookup prefix alone");
    cr_assert_null(u);
}

Test(identity, revoke_by_id_and_by_user, .init = setup, .fini = teardown)
{
    char t1[SCOUT_TOKEN_MAX], i1[SCOUT_TOKEN_ID_MAX], t2[SCOUT_TOKEN_MAX], i2[SCOUT_TOKEN_ID_MAX];
    cr_assert_eq(scout_identity_token_create(id, "ana", "a", t1, i1, NULL), SCOUT_OK);
    cr_assert_eq(scout_identity_token_create(id, "ana", "b", t2, i2, NULL), SCOUT_OK);
    int64_t n = 0;
    scout_err err = {0};
    cr_assert_eq(scout_identity_token_revoke(id, i1, &n, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(n, 1);
    scout_identity_user *u = NULL;
    cr_assert_eq(scout_identity_token_verify(id, t1, &u, &err), SCOUT_EDENIED);
    cr_assert_eq(scout_identity_token_verify(id, t2, &u, &err), SCOUT_OK, "the other still works");
    scout_identity_user_free(u);
    cr_assert_eq(scout_identity_token_revoke(id, "ana", &n, &err), SCOUT_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(scout_identity_token_verify(id, t2, &u, &err), SCOUT_EDENIED);
    cr_assert_eq(scout_identity_token_revoke(id, i1, &n, &err), SCOUT_ENOTFOUND, "twice");
}

Test(identity, unknown_user_gets_no_token, .init = setup, .fini = teardown)
{
    char tok[SCOUT_TOKEN_MAX], tid[SCOUT_TOKEN_ID_MAX];
    scout_err err = {0};
    cr_assert_eq(scout_identity_token_create(id, "nobody", NULL, tok, tid, &err), SCOUT_ENOTFOUND);
    cr_assert_str_eq(tok, "");
}

static int collect_member(void *ud, const char *user, const char *origin)
{
    scout_buf *b = ud;
    scout_buf_printf(b, "%s(%s) ", user, origin);
    return 0;
}

Test(identity, cli_users_and_groups, .init = setup, .fini = teardown)
{
    scout_err err = {0};
    cr_assert_eq(scout_identity_user_add(id, "cleo", "cleo@x.io", &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_identity_user_add(id, "cleo", NULL, &err), SCOUT_EUSER, "duplicate");
    cr_assert_eq(scout_identity_user_add(id, "tok_x", NULL, &err), SCOUT_EUSER, "reserved prefix");
    cr_assert_eq(scout_identity_user_add(id, "a b", NULL, &err), SCOUT_EUSER, "space");
    cr_assert_eq(scout_identity_group_add(id, "hr", "people team", &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_identity_member_add(id, "hr", "cleo", &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_identity_member_add(id, "hr", "ghost", &err), SCOUT_ENOTFOUND);
    cr_assert_eq(scout_identity_member_add(id, "finance", "cleo", &err), SCOUT_OK);
    scout_buf b = SCOUT_BUF_INIT;
    cr_assert_eq(scout_identity_group_members(id, "finance", collect_member, &b, &err), SCOUT_OK);
    cr_assert_str_eq(scout_buf_cstr(&b), "ana(config) cleo(cli) ");
    scout_buf_free(&b);
    cr_assert_eq(scout_identity_member_remove(id, "finance", "ana", &err), SCOUT_EUSER,
                 "config memberships are edited in the file");
    cr_assert(strstr(err.msg, "scout.yaml"), "%s", err.msg);
    cr_assert_eq(scout_identity_member_remove(id, "finance", "cleo", &err), SCOUT_OK);
    /* CLI users survive a re-open (the file does not own them). */
    open_with(CFG_TWO);
    scout_identity_user *u = get("cleo");
    cr_assert_eq(scout_identity_user_principal(u)->n_groups, 1);
    cr_assert_str_eq(scout_identity_user_principal(u)->groups[0], "hr");
    scout_identity_user_free(u);
}
