/* Which database identity answers a question on a server source: the
 * asker's own, their group's, a templated role, the default — and never the
 * source's login DSN for a non-admin once credentials are mapped, nor on a
 * restricted source. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "guard/credentials.h"

static scout_config *cfg;

static void load(const char *yaml)
{
    scout_err err = {0};
    cr_assert_eq(scout_config_parse(yaml, strlen(yaml), "scout.yaml", &cfg, &err), SCOUT_OK, "%s",
                 err.msg);
}

static void done(void)
{
    scout_config_free(cfg);
    cfg = NULL;
}

static const char *const MAPPED = "sources:\n"
                                  "  - name: analytics\n"
                                  "    kind: postgres\n"
                                  "    dsn_env: CRED_TEST_LOGIN\n"
                                  "    credentials:\n"
                                  "      users:\n"
                                  "        raj: CRED_TEST_RAJ\n"
                                  "      groups:\n"
                                  "        growth: {role: growth_reader}\n"
                                  "        finance: {dsn_env: CRED_TEST_FIN, role: fin_reader}\n"
                                  "  - name: finance\n"
                                  "    kind: clickhouse\n"
                                  "    dsn_env: CRED_TEST_LOGIN\n"
                                  "    restricted: true\n"
                                  "    credentials:\n"
                                  "      groups: {finance: CRED_TEST_FIN}\n"
                                  "  - name: open\n"
                                  "    kind: postgres\n"
                                  "    dsn: \"host=db dbname=open\"\n"
                                  "  - name: locked\n"
                                  "    kind: postgres\n"
                                  "    dsn: \"host=db dbname=locked\"\n"
                                  "    restricted: true\n"
                                  "  - name: public\n"
                                  "    kind: postgres\n"
                                  "    dsn: \"host=db dbname=public\"\n"
                                  "    credentials:\n"
                                  "      default: CRED_TEST_PUBLIC\n"
                                  "  - name: roles\n"
                                  "    kind: postgres\n"
                                  "    dsn: \"host=db dbname=roles\"\n"
                                  "    credentials:\n"
                                  "      role_template: \"scout_%s\"\n"
                                  "  - name: local\n"
                                  "    kind: sqlite\n"
                                  "    path: local.db\n"
                                  "    restricted: true\n";

static scout_rc resolve(const char *source, const scout_principal *who, scout_credential *c,
                        scout_err *err)
{
    const scout_source_cfg *src = scout_config_source(cfg, source);
    cr_assert_not_null(src, "%s", source);
    return scout_credentials_resolve(src, who, c, err);
}

Test(credentials, own_entry_beats_groups_and_groups_go_in_the_users_order, .init = NULL,
     .fini = done)
{
    load(MAPPED);
    const char *groups[] = {"growth", "finance"};
    scout_principal raj = {"raj", NULL, groups, 2, false};
    scout_credential c;
    scout_err err = {0};
    cr_assert_eq(resolve("analytics", &raj, &c, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(c.via, SCOUT_CRED_USER);
    cr_assert_str_eq(c.dsn_env, "CRED_TEST_RAJ");
    cr_assert_str_eq(c.role, "");

    scout_principal sofia = {"sofia", NULL, groups, 2, false};
    cr_assert_eq(resolve("analytics", &sofia, &c, &err), SCOUT_OK);
    cr_assert_eq(c.via, SCOUT_CRED_GROUP);
    cr_assert_str_eq(c.matched, "growth", "the first of her groups that has an entry");
    cr_assert_null(c.dsn_env, "role only: connect with the login DSN, then SET ROLE");
    cr_assert_str_eq(c.role, "growth_reader");

    const char *fin_first[] = {"finance", "growth"};
    scout_principal mia = {"mia", NULL, fin_first, 2, false};
    cr_assert_eq(resolve("analytics", &mia, &c, &err), SCOUT_OK);
    cr_assert_str_eq(c.matched, "finance");
    cr_assert_str_eq(c.dsn_env, "CRED_TEST_FIN");
    cr_assert_str_eq(c.role, "fin_reader");
}

Test(credentials, nobody_unmapped_gets_the_login_dsn, .fini = done)
{
    load(MAPPED);
    const char *groups[] = {"sales"};
    scout_principal tom = {"tom", NULL, groups, 1, false};
    scout_credential c;
    scout_err err = {0};
    cr_assert_eq(resolve("analytics", &tom, &c, &err), SCOUT_EDENIED);
    cr_assert_str_eq(err.msg, "no database credentials for tom on source 'analytics'; ask a scout "
                              "admin to map them under sources[].credentials");
    cr_assert_eq(resolve("finance", &tom, &c, &err), SCOUT_EDENIED, "restricted, no group entry");
    cr_assert_eq(resolve("locked", &tom, &c, &err), SCOUT_EDENIED,
                 "restricted source without credentials: no fall-back to its DSN");
    cr_assert_eq(resolve("analytics", NULL, &c, &err), SCOUT_EDENIED);
    scout_principal anon = {NULL, NULL, NULL, 0, false};
    cr_assert_eq(resolve("open", &anon, &c, &err), SCOUT_EDENIED);
}

Test(credentials, unrestricted_and_default_and_admin_fall_backs, .fini = done)
{
    load(MAPPED);
    scout_principal tom = {"tom", NULL, NULL, 0, false};
    scout_credential c;
    scout_err err = {0};
    cr_assert_eq(resolve("open", &tom, &c, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(c.via, SCOUT_CRED_SOURCE, "unrestricted and unmapped: everyone reads it anyway");
    cr_assert_eq(resolve("public", &tom, &c, &err), SCOUT_OK);
    cr_assert_eq(c.via, SCOUT_CRED_DEFAULT);
    cr_assert_str_eq(c.dsn_env, "CRED_TEST_PUBLIC");
    cr_assert_eq(resolve("local", &tom, &c, &err), SCOUT_OK, "sqlite: checked in the engine");
    cr_assert_eq(c.via, SCOUT_CRED_SOURCE);

    scout_principal root = {"ada", NULL, NULL, 0, true};
    cr_assert_eq(resolve("finance", &root, &c, &err), SCOUT_OK, "admins read everything");
    cr_assert_eq(c.via, SCOUT_CRED_SOURCE);
    cr_assert_eq(resolve("locked", &root, &c, &err), SCOUT_OK);
    const char *fin[] = {"finance"};
    scout_principal fin_admin = {"ada", NULL, fin, 1, true};
    cr_assert_eq(resolve("finance", &fin_admin, &c, &err), SCOUT_OK);
    cr_assert_eq(c.via, SCOUT_CRED_GROUP, "an admin's own mapping still comes first");
}

Test(credentials, role_template_derives_a_role_per_user, .fini = done)
{
    load(MAPPED);
    scout_principal raj = {"raj.patel", NULL, NULL, 0, false};
    scout_credential c;
    scout_err err = {0};
    cr_assert_eq(resolve("roles", &raj, &c, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(c.via, SCOUT_CRED_TEMPLATE);
    cr_assert_str_eq(c.role, "scout_raj.patel");
    cr_assert_null(c.dsn_env);
    scout_principal odd = {"o'brien", NULL, NULL, 0, false};
    cr_assert_eq(resolve("roles", &odd, &c, &err), SCOUT_EDENIED,
                 "a name that cannot be a role is refused, not quoted into one");
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    scout_principal lng = {longname, NULL, NULL, 0, false};
    cr_assert_eq(resolve("roles", &lng, &c, &err), SCOUT_EDENIED, "longer than a role may be");
}

Test(credentials, dsn_comes_from_the_mapped_variable_and_never_falls_back, .fini = done)
{
    load(MAPPED);
    setenv("CRED_TEST_LOGIN", "host=db user=scout_login", 1);
    unsetenv("CRED_TEST_RAJ");
    scout_principal raj = {"raj", NULL, NULL, 0, false};
    scout_credential c;
    scout_err err = {0};
    const char *dsn = NULL;
    cr_assert_eq(resolve("analytics", &raj, &c, &err), SCOUT_OK);
    cr_assert_eq(scout_credentials_dsn(scout_config_source(cfg, "analytics"), &c, &dsn, &err),
                 SCOUT_EUSER, "unset variable: refused, not the login DSN");
    cr_assert_null(dsn);
    cr_assert_str_eq(err.msg, "environment variable CRED_TEST_RAJ (database credentials on "
                              "source 'analytics') is not set");
    setenv("CRED_TEST_RAJ", "host=db user=raj", 1);
    cr_assert_eq(scout_credentials_dsn(scout_config_source(cfg, "analytics"), &c, &dsn, &err),
                 SCOUT_OK);
    cr_assert_str_eq(dsn, "host=db user=raj");
    const char *groups[] = {"growth"};
    scout_principal sofia = {"sofia", NULL, groups, 1, false};
    cr_assert_eq(resolve("analytics", &sofia, &c, &err), SCOUT_OK);
    cr_assert_eq(scout_credentials_dsn(scout_config_source(cfg, "analytics"), &c, &dsn, &err),
                 SCOUT_OK);
    cr_assert_str_eq(dsn, "host=db user=scout_login", "role entries log in with the login DSN");
    cr_assert_str_eq(scout_credentials_via_name(c.via), "group");
}
