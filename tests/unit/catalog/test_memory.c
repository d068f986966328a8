/* Layer 5 memory store: add/list/get/edit/retire, scope validation, who
 * sees what (personal only for its owner, team only for members), expiry
 * and edit permissions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "catalog/memory.h"

static char g_dir[64], g_cat[128];
static scout_catalog *g;

static void setup(void)
{
    scout_strlcpy(g_dir, "/tmp/scout-memory-XXXXXX", sizeof g_dir);
    cr_assert_not_null(mkdtemp(g_dir));
    snprintf(g_cat, sizeof g_cat, "%s/catalog.db", g_dir);
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(g_cat, &g, &err), SCOUT_OK, "%s", err.msg);
}

static void teardown(void)
{
    scout_catalog_close(g);
    char p[160];
    const char *const files[] = {"catalog.db", "catalog.db-wal", "catalog.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", g_dir, files[i]);
        unlink(p);
    }
    rmdir(g_dir);
}

TestSuite(memory, .init = setup, .fini = teardown);

static const char *const FIN[] = {"finance"};
static const scout_principal ANN = {.user = "ann", .groups = FIN, .n_groups = 1};
static const scout_principal BO = {.user = "bo"};
static const scout_principal ROOT = {.user = "root", .admin = true};

static int64_t add(const char *scope, const char *text, const char *status, const char *author,
                   const char *expires)
{
    scout_memory m = {.scope = scope,
                      .text = text,
                      .status = status,
                      .author = author,
                      .expires_at = expires,
                      .tables = "[\"finance.mart.revenue_daily\"]",
                      .columns = "[\"finance.mart.revenue_daily.day\"]"};
    int64_t id = 0;
    scout_err err = {0};
    cr_assert_eq(scout_memory_add(g, &m, &id, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_gt(id, 0);
    return id;
}

/* Collects "id:status:scope" of listed memories, comma-separated. */
static int collect(void *ud, const scout_memory *m)
{
    scout_buf *b = ud;
    scout_buf_printf(b, "%s%lld:%s:%s", b->len ? "," : "", (long long)m->id, m->status, m->scope);
    return 0;
}

static char *list(const scout_principal *who, const char *fqname, const char *status)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_memory_list(g, who, fqname, status, collect, &b, &err), SCOUT_OK, "%s",
                 err.msg);
    return scout_buf_take(&b);
}

static void expect_list(const scout_principal *who, const char *fqname, const char *status,
                        const char *want)
{
    char *got = list(who, fqname, status);
    cr_assert_str_eq(got, want);
    free(got);
}

static int copy_text(void *ud, const scout_memory *m)
{
    scout_buf *b = ud;
    scout_buf_printf(b, "%s|%s|%s|%s|%s|%s", m->text, m->status, m->scope, m->tables, m->columns,
                     m->author ? m->author : "-");
    return 0;
}

static scout_rc get(const scout_principal *who, int64_t id, char **out)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    scout_rc rc = scout_memory_get(g, who, id, copy_text, &b, &err);
    *out = scout_buf_take(&b);
    return rc;
}

Test(memory, add_get_list_edit_retire)
{
    int64_t id = add("global", "revenue_daily uses Pacific days", NULL, "ann", NULL);
    char *s = NULL;
    cr_assert_eq(get(&BO, id, &s), SCOUT_OK);
    cr_assert_str_eq(s,
                     "revenue_daily uses Pacific days|proposed|global|"
                     "[\"finance.mart.revenue_daily\"]|[\"finance.mart.revenue_daily.day\"]|ann");
    free(s);
    char want[64];
    snprintf(want, sizeof want, "%lld:proposed:global", (long long)id);
    expect_list(&BO, "finance.mart.revenue_daily", NULL, want);
    expect_list(&BO, "finance.mart.other", NULL, "");
    expect_list(&BO, NULL, "active", "");

    scout_err err = {0};
    scout_memory ch = {.status = "active", .text = "revenue_daily days are Pacific (UTC-8)"};
    cr_assert_eq(scout_memory_edit(g, &ANN, id, &ch, &err), SCOUT_OK, "%s", err.msg);
    snprintf(want, sizeof want, "%lld:active:global", (long long)id);
    expect_list(&BO, NULL, "active", want);
    cr_assert_eq(get(NULL, id, &s), SCOUT_OK);
    cr_assert(strstr(s, "(UTC-8)|active|"), "%s", s);
    free(s);

    /* Links can be replaced one list at a time; a column link links its table too. */
    scout_memory relink = {.tables = "[\"finance.mart.revenue_monthly\"]"};
    cr_assert_eq(scout_memory_edit(g, &ANN, id, &relink, &err), SCOUT_OK, "%s", err.msg);
    expect_list(&BO, "finance.mart.revenue_daily", NULL, want);
    relink = (scout_memory){.columns = "[]"};
    cr_assert_eq(scout_memory_edit(g, &ANN, id, &relink, &err), SCOUT_OK, "%s", err.msg);
    expect_list(&BO, "finance.mart.revenue_daily", NULL, "");
    expect_list(&BO, "finance.mart.revenue_monthly", NULL, want);

    cr_assert_eq(scout_memory_retire(g, &ANN, id, &err), SCOUT_OK, "%s", err.msg);
    expect_list(&BO, NULL, "active", "");
    snprintf(want, sizeof want, "%lld:retired:global", (long long)id);
    expect_list(&BO, NULL, "retired", want);

    scout_catalog_counts c;
    cr_assert_eq(scout_catalog_counts_get(g, &c, &err), SCOUT_OK);
    cr_assert_eq(c.memories, 1);
}

Test(memory, scope_and_status_are_validated)
{
    const char *const bad_scopes[] = {"", "team", "team:", "personal:", "everyone", "team:a b"};
    scout_err err = {0};
    int64_t id = 0;
    for (size_t i = 0; i < sizeof bad_scopes / sizeof bad_scopes[0]; i++) {
        scout_memory m = {.scope = bad_scopes[i], .text = "x"};
        cr_assert_eq(scout_memory_add(g, &m, &id, &err), SCOUT_EUSER, "%s", bad_scopes[i]);
        cr_assert(strstr(err.msg, "bad memory scope"), "%s", err.msg);
    }
    scout_memory m = {.scope = "global", .text = "x", .status = "confirmed"};
    cr_assert_eq(scout_memory_add(g, &m, &id, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, "proposed, active or retired"), "%s", err.msg);
    m = (scout_memory){.scope = "global", .text = ""};
    cr_assert_eq(scout_memory_add(g, &m, &id, &err), SCOUT_EUSER);
    m = (scout_memory){.scope = "global", .text = "x", .tables = "{\"a\": 1}"};
    cr_assert_eq(scout_memory_add(g, &m, &id, &err), SCOUT_EUSER);
    m = (scout_memory){.scope = "global", .text = "x", .expires_at = "next week"};
    cr_assert_eq(scout_memory_add(g, &m, &id, &err), SCOUT_EUSER);
    expect_list(NULL, NULL, NULL, "");
    cr_assert_eq(scout_memory_list(g, NULL, NULL, "bogus", collect, NULL, &err), SCOUT_EUSER);
}

Test(memory, personal_and_team_visibility)
{
    int64_t p = add("personal:ann", "I call MRR 'run rate'", "active", "ann", NULL);
    int64_t t = add("team:finance", "finance excludes test accounts", "active", "ann", NULL);
    int64_t gl = add("global", "everyone knows this", "active", "bo", NULL);
    char all[128], bo[64];
    snprintf(all, sizeof all,
             "%lld:active:global,%lld:active:team:finance,%lld:active:personal:ann", (long long)gl,
             (long long)t, (long long)p);
    snprintf(bo, sizeof bo, "%lld:active:global", (long long)gl);
    expect_list(&ANN, NULL, NULL, all);
    expect_list(&ROOT, NULL, NULL, all);
    expect_list(NULL, NULL, NULL, all);
    expect_list(&BO, NULL, NULL, bo);
    char *s = NULL;
    cr_assert_eq(get(&BO, p, &s), SCOUT_ENOTFOUND);
    free(s);
    cr_assert_eq(get(&BO, t, &s), SCOUT_ENOTFOUND);
    free(s);
    cr_assert_eq(get(&ANN, p, &s), SCOUT_OK);
    free(s);
}

Test(memory, expired_memories_are_not_active)
{
    int64_t old = add("global", "the 2020 migration is in progress", "active", "ann", "2020-01-01");
    int64_t fresh = add("global", "valid until 2999", "active", "ann", "2999-01-01");
    char want[64];
    snprintf(want, sizeof want, "%lld:active:global", (long long)fresh);
    expect_list(&BO, NULL, "active", want);
    snprintf(want, sizeof want, "%lld:expired:global", (long long)old);
    expect_list(&BO, NULL, "expired", want);
    /* Clearing the expiry revives it. */
    scout_err err = {0};
    scout_memory ch = {.expires_at = ""};
    cr_assert_eq(scout_memory_edit(g, &ANN, old, &ch, &err), SCOUT_OK, "%s", err.msg);
    expect_list(&BO, NULL, "expired", "");
}

Test(memory, edit_permissions)
{
    int64_t gl = add("global", "global fact", NULL, "ann", NULL);
    int64_t t = add("team:finance", "team fact", NULL, "root", NULL);
    int64_t p = add("personal:ann", "my fact", NULL, "ann", NULL);
    scout_err err = {0};
    scout_memory ch = {.text = "edited"};
    /* bo is not the author of the global memory: denied, and told why. */
    cr_assert_eq(scout_memory_edit(g, &BO, gl, &ch, &err), SCOUT_EDENIED);
    cr_assert(strstr(err.msg, "author"), "%s", err.msg);
    cr_assert_eq(scout_memory_retire(g, &BO, gl, &err), SCOUT_EDENIED);
    /* bo cannot see the team or personal memory at all. */
    cr_assert_eq(scout_memory_edit(g, &BO, t, &ch, &err), SCOUT_ENOTFOUND);
    cr_assert_eq(scout_memory_edit(g, &BO, p, &ch, &err), SCOUT_ENOTFOUND);
    /* A team member may edit a team memory written by someone else. */
    cr_assert_eq(scout_memory_edit(g, &ANN, t, &ch, &err), SCOUT_OK, "%s", err.msg);
    /* Admins may edit anything; moving scope works. */
    scout_memory mv = {.scope = "personal:bo"};
    cr_assert_eq(scout_memory_edit(g, &ROOT, gl, &mv, &err), SCOUT_OK, "%s", err.msg);
    char *s = NULL;
    cr_assert_eq(get(&BO, gl, &s), SCOUT_OK);
    cr_assert(strstr(s, "|personal:bo|"), "%s", s);
    free(s);
    /* Missing memory. */
    cr_assert_eq(scout_memory_edit(g, &ROOT, 9999, &ch, &err), SCOUT_ENOTFOUND);
    /* A denied edit changed nothing. */
    cr_assert_eq(get(&ANN, p, &s), SCOUT_OK);
    cr_assert(!strncmp(s, "my fact|", 8), "%s", s);
    free(s);
}
