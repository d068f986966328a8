/* Grants: rule resolution (user, group, column level, restricted sources,
 * precedence), the search policy, and the engine read check through
 * scout_guard_query on a fixture warehouse — every SQL shape that could read
 * an ungranted table is refused with a message that does not name it, and
 * the warehouse files are unchanged afterwards. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "guard/grants.h"
#include "guard/guard.h"
#include "support/fixtures.h"

static char dir[256], main_path[512], hr_path[512], fin_path[512], cat_path[512];
static scout_schema_cfg hr_schema;
static scout_source_cfg sources[2];
static scout_config cfg;
static scout_catalog *cat;

static const char *const staff_groups[] = {"staff"};
static const scout_principal bob = {"bob", "bob@x.io", staff_groups, 1, false};
static const scout_principal carol = {"carol", NULL, NULL, 0, false};
static const scout_principal root = {"root", NULL, NULL, 0, true};

static const char *main_ddl =
    "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, email TEXT);"
    "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER, amount REAL);"
    "CREATE TABLE salaries(id INTEGER PRIMARY KEY, person TEXT, amount REAL);"
    "CREATE TABLE log(n INTEGER);"
    "CREATE VIEW v_pay AS SELECT person, amount FROM salaries;"
    "CREATE VIEW v_orders AS SELECT id, amount FROM orders;"
    "CREATE TRIGGER t_orders AFTER INSERT ON orders BEGIN "
    "  INSERT INTO log SELECT count(*) FROM salaries; END;"
    "INSERT INTO customers VALUES (1, 'Ada', 'ada@x.io'), (2, 'Grace', 'grace@x.io');"
    "INSERT INTO orders VALUES (1, 1, 10.5), (2, 2, 20.0), (3, 1, 30.0);"
    "INSERT INTO salaries VALUES (1, 'Ada', 100000), (2, 'Grace', 120000);";

static const char *hr_ddl = "CREATE TABLE reviews(id INTEGER PRIMARY KEY, person TEXT, score INT);"
                            "INSERT INTO reviews VALUES (1, 'Ada', 5);";

static const char *fin_ddl = "CREATE TABLE revenue(day TEXT, amount REAL);"
                             "CREATE TABLE payroll(person TEXT, amount REAL);"
                             "INSERT INTO revenue VALUES ('2026-01-01', 5), ('2026-01-02', 7);"
                             "INSERT INTO payroll VALUES ('Ada', 1);";

static void exec_rw(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_close(db);
}

static void grant(scout_grant_subject k, const char *who, const char *obj, bool deny)
{
    scout_err err = {0};
    cr_assert_eq(scout_grants_set(cat, k, who, obj, deny, "test", &err), SCOUT_OK, "%s", err.msg);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/scout-grants-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(main_path, sizeof main_path, "%s/main.db", dir);
    snprintf(hr_path, sizeof hr_path, "%s/hr.db", dir);
    snprintf(fin_path, sizeof fin_path, "%s/fin.db", dir);
    snprintf(cat_path, sizeof cat_path, "%s/catalog.db", dir);
    exec_rw(main_path, main_ddl);
    exec_rw(hr_path, hr_ddl);
    exec_rw(fin_path, fin_ddl);
    hr_schema = (scout_schema_cfg){.name = "hr", .path = hr_path};
    sources[0] = (scout_source_cfg){.name = "wh",
                                    .kind = SCOUT_SOURCE_SQLITE,
                                    .path = main_path,
                                    .schemas = &hr_schema,
                                    .n_schemas = 1};
    sources[1] = (scout_source_cfg){
        .name = "finance", .kind = SCOUT_SOURCE_SQLITE, .path = fin_path, .restricted = true};
    memset(&cfg, 0, sizeof cfg);
    cfg.sources = sources;
    cfg.n_sources = 2;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(cat_path, &cat, &err), SCOUT_OK, "%s", err.msg);
    /* staff may not read salaries, the hr schema or customer emails. */
    grant(SCOUT_GRANT_GROUP, "staff", "wh.main.salaries", true);
    grant(SCOUT_GRANT_GROUP, "staff", "wh.hr", true);
    grant(SCOUT_GRANT_GROUP, "staff", "wh.main.customers.email", true);
    /* carol may read finance revenue only. */
    grant(SCOUT_GRANT_USER, "carol", "finance.main.revenue", false);
}

static void teardown(void)
{
    scout_catalog_close(cat);
    test_rm_rf(dir);
}

static scout_grants *load(void)
{
    scout_grants *g = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_grants_load(cat, &cfg, &g, &err), SCOUT_OK, "%s", err.msg);
    return g;
}

/* ---- resolution ------------------------------------------------------- */

Test(grants, object_parse_levels_and_errors)
{
    scout_grant_object o;
    cr_assert_eq(scout_grant_object_parse("a.b.c.d", &o, NULL), SCOUT_OK);
    cr_assert_eq(o.level, 4);
    cr_assert_str_eq(o.table, "c");
    cr_assert_eq(scout_grant_object_parse("a", &o, NULL), SCOUT_OK);
    cr_assert_eq(o.level, 1);
    scout_err err = {0};
    cr_assert_eq(scout_grant_object_parse("a..c", &o, &err), SCOUT_EUSER);
    cr_assert_eq(scout_grant_object_parse("a.b.c.d.e", &o, &err), SCOUT_EUSER);
    cr_assert_eq(scout_grant_object_parse("", &o, &err), SCOUT_EUSER);
}

Test(grants, group_deny_and_default_allow, .init = setup, .fini = teardown)
{
    scout_grants *g = load();
    cr_assert(scout_grants_can_read_table(g, &bob, "wh.main.orders"),
              "unrestricted: default allow");
    cr_assert_not(scout_grants_can_read_table(g, &bob, "wh.main.salaries"), "group deny");
    cr_assert_not(scout_grants_can_read_table(g, &bob, "wh.hr.reviews"), "schema-level deny");
    cr_assert(scout_grants_can_read_table(g, &carol, "wh.main.salaries"), "not in staff");
    cr_assert(scout_grants_can_read_table(g, &root, "wh.main.salaries"), "admin reads everything");
    scout_grants_free(g);
}

Test(grants, column_level_deny_keeps_table_visible, .init = setup, .fini = teardown)
{
    scout_grants *g = load();
    cr_assert(scout_grants_can_read_table(g, &bob, "wh.main.customers"));
    cr_assert(scout_grants_can_read_column(g, &bob, "wh.main.customers", "name"));
    cr_assert_not(scout_grants_can_read_column(g, &bob, "wh.main.customers", "EMAIL"),
                  "case-insensitive like SQLite");
    cr_assert(scout_grants_can_read_column(g, &bob, "wh.main.customers", ""), "count(*) is fine");
    scout_grants_free(g);
}

Test(grants, restricted_source_is_default_deny, .init = setup, .fini = teardown)
{
    scout_grants *g = load();
    cr_assert_not(scout_grants_can_read_table(g, &bob, "finance.main.revenue"));
    cr_assert_not(scout_grants_can_read_table(g, NULL, "finance.main.revenue"), "anonymous");
    cr_assert(scout_grants_can_read_table(g, &carol, "finance.main.revenue"), "user grant");
    cr_assert_not(scout_grants_can_read_table(g, &carol, "finance.main.payroll"),
                  "only that table");
    scout_grants_free(g);
}

Test(grants, most_specific_wins_and_deny_beats_allow_at_same_level, .init = setup, .fini = teardown)
{
    grant(SCOUT_GRANT_GROUP, "staff", "finance", false);                     /* source allow */
    grant(SCOUT_GRANT_USER, "bob", "finance.main.payroll", true);            /* table deny */
    grant(SCOUT_GRANT_GROUP, "staff", "finance.main.payroll.person", false); /* column allow */
    grant(SCOUT_GRANT_GROUP, "everyone", "wh.main.orders.amount", true);
    grant(SCOUT_GRANT_USER, "bob", "wh.main.orders.amount", false);
    scout_grants *g = load();
    cr_assert(scout_grants_can_read_table(g, &bob, "finance.main.revenue"), "source allow");
    cr_assert_not(scout_grants_can_read_column(g, &bob, "finance.main.payroll", "amount"));
    cr_assert(scout_grants_can_read_column(g, &bob, "finance.main.payroll", "person"),
              "column allow beats table deny");
    cr_assert(scout_grants_can_read_table(g, &bob, "finance.main.payroll"),
              "a table with an allowed column is visible");
    cr_assert_not(scout_grants_can_read_column(g, &bob, "finance.main.payroll", ""),
                  "but count(*) needs the table");
    cr_assert_not(scout_grants_can_read_column(g, &bob, "wh.main.orders", "amount"),
                  "deny beats allow at the same level");
    cr_assert_not(scout_grants_can_read_column(g, &carol, "wh.main.orders", "amount"),
                  "everyone matches carol");
    scout_grants_free(g);
}

Test(grants, revoke_removes_a_rule, .init = setup, .fini = teardown)
{
    scout_err err = {0};
    cr_assert_eq(scout_grants_remove(cat, SCOUT_GRANT_USER, "carol", "finance.main.revenue", &err),
                 SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_grants_remove(cat, SCOUT_GRANT_USER, "carol", "finance.main.revenue", &err),
                 SCOUT_ENOTFOUND);
    scout_grants *g = load();
    cr_assert_not(scout_grants_can_read_table(g, &carol, "finance.main.revenue"));
    scout_grants_free(g);
}

Test(grants, catalog_group_membership_counts, .init = setup, .fini = teardown)
{
    scout_err err = {0};
    cr_assert_eq(scout_catalog_exec(cat,
                                    "CREATE TABLE IF NOT EXISTS guard_members (grp TEXT, user "
                                    "TEXT, origin TEXT);"
                                    "CREATE TABLE IF NOT EXISTS guard_users (name TEXT, disabled "
                                    "INT);"
                                    "INSERT INTO guard_members VALUES ('staff', 'carol', 'cli');",
                                    &err),
                 SCOUT_OK, "%s", err.msg);
    scout_grants *g = load();
    cr_assert_not(scout_grants_can_read_table(g, &carol, "wh.main.salaries"),
                  "carol is in staff through the catalog");
    scout_grants_free(g);
}

static bool search_hides(const scout_search_policy *p, const char *fq)
{
    return !p->can_read_table(p->ud, fq);
}

Test(grants, search_policy_hides_ungranted_tables_and_chunks, .init = setup, .fini = teardown)
{
    scout_grants *g = load();
    scout_grants_scope sc;
    scout_search_policy pol = scout_grants_search_policy(g, &bob, &sc);
    cr_assert(search_hides(&pol, "wh.main.salaries"));
    cr_assert(search_hides(&pol, "finance.main.revenue"));
    cr_assert_not(search_hides(&pol, "wh.main.orders"));
    scout_search_acl staff_doc = {false, "[\"staff\"]", NULL};
    scout_search_acl hr_doc = {false, "[\"hr\"]", "[\"carol\"]"};
    cr_assert(pol.can_read_chunk(pol.ud, &staff_doc));
    cr_assert_not(pol.can_read_chunk(pol.ud, &hr_doc));
    scout_grants_free(g);
}

/* ---- the engine read check -------------------------------------------- */

typedef struct outcome {
    scout_rc rc;
    scout_err err;
    int64_t rows;
    scout_guard_denied denied;
} outcome;

static int count_row(void *ud, int ncols, const scout_value *vals)
{
    (void)ncols;
    (void)vals;
    (*(int64_t *)ud)++;
    return 0;
}

static outcome run_as(const scout_principal *who, scout_source_cfg *src, const char *sql)
{
    outcome o;
    memset(&o, 0, sizeof o);
    scout_wh *wh = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_open(src, &wh, &err), SCOUT_OK, "%s", err.msg);
    scout_grants *g = load();
    scout_wh_limits lim = {1000, 0, 5000};
    o.rc =
        scout_guard_query(g, who, wh, sql, &lim, NULL, count_row, &o.rows, NULL, &o.denied, &o.err);
    scout_grants_free(g);
    scout_wh_close(wh);
    return o;
}

static uint64_t file_hash(const char *path)
{
    scout_buf b = SCOUT_BUF_INIT;
    cr_assert_eq(scout_buf_read_file(&b, path, NULL), SCOUT_OK);
    uint64_t h = scout_fnv64(b.data, b.len);
    scout_buf_free(&b);
    return h;
}

/* Shapes that read salaries, the hr schema or the schema tables for bob. */
static const char *const DENIED[] = {
    "SELECT * FROM salaries",
    "SELECT amount FROM salaries",
    "SELECT count(*) FROM salaries",
    "SELECT rowid FROM salaries",
    "SELECT max(_rowid_) FROM \"SALARIES\"",
    "SELECT (SELECT max(amount) FROM salaries)",
    "SELECT id FROM orders WHERE id IN (SELECT id FROM salaries)",
    "SELECT EXISTS (SELECT 1 FROM salaries)",
    "WITH s AS (SELECT * FROM salaries) SELECT * FROM s",
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) "
    "SELECT x, (SELECT person FROM salaries LIMIT 1) FROM n",
    "SELECT * FROM v_pay",
    "SELECT o.id, s.amount FROM orders o JOIN salaries s ON s.id = o.id",
    "SELECT o.id FROM orders o LEFT JOIN main.salaries s USING (id) WHERE s.amount > 0",
    "SELECT id FROM orders UNION SELECT id FROM salaries",
    "SELECT id FROM orders UNION ALL SELECT score FROM hr.reviews",
    "SELECT * FROM hr.reviews",
    "SELECT name FROM sqlite_master",
    "SELECT sql FROM sqlite_schema WHERE name = 'salaries'",
    "SELECT name FROM main.sqlite_master",
    "SELECT name FROM hr.sqlite_schema",
    "SELECT * FROM sqlite_temp_master",
    "SELECT * FROM pragma_table_info('salaries')",
    "SELECT * FROM pragma_table_list",
    "PRAGMA table_info(salaries)",
    "PRAGMA hr.table_info(reviews)",
    "SELECT email FROM customers",
    "SELECT * FROM customers",
    "SELECT name FROM customers WHERE email LIKE '%x%'",
    "SELECT name FROM customers ORDER BY email",
    "INSERT INTO orders VALUES (9, 1, 1.0)",
};

Test(guard, every_shape_that_reads_ungranted_data_is_refused, .init = setup, .fini = teardown)
{
    uint64_t before_main = file_hash(main_path), before_hr = file_hash(hr_path);
    for (size_t i = 0; i < sizeof DENIED / sizeof DENIED[0]; i++) {
        outcome o = run_as(&bob, &sources[0], DENIED[i]);
        cr_expect_eq(o.rc, SCOUT_EDENIED, "not denied: %s (rc %d: %s)", DENIED[i], o.rc, o.err.msg);
        cr_expect_eq(o.rows, 0, "rows leaked: %s", DENIED[i]);
        cr_expect(strstr(o.err.msg, "you don't have access") || strstr(o.err.msg, "PRAGMA"),
                  "unclear reason for %s: %s", DENIED[i], o.err.msg);
        cr_expect_null(strstr(o.err.msg, "salaries"), "names the table: %s", o.err.msg);
        cr_expect_null(strstr(o.err.msg, "reviews"), "names the table: %s", o.err.msg);
    }
    cr_assert_eq(file_hash(main_path), before_main, "main database unchanged");
    cr_assert_eq(file_hash(hr_path), before_hr, "hr database unchanged");
}

Test(guard, denial_says_who_to_ask_and_records_the_object_for_audit, .init = setup,
     .fini = teardown)
{
    scout_err err = {0};
    cr_assert_eq(scout_grants_set_contact(cat, "finance", "#finance-data", &err), SCOUT_OK);
    outcome o = run_as(&bob, &sources[1], "SELECT sum(amount) FROM revenue");
    cr_assert_eq(o.rc, SCOUT_EDENIED, "%s", o.err.msg);
    cr_assert_str_eq(o.err.msg, "you don't have access to a table this query reads in source "
                                "'finance'; ask #finance-data for access");
    cr_assert(o.denied.denied);
    cr_assert_str_eq(o.denied.table, "revenue", "the audit log gets the real object");
}

Test(guard, column_denial_names_only_the_visible_table, .init = setup, .fini = teardown)
{
    outcome o = run_as(&bob, &sources[0], "SELECT email FROM customers");
    cr_assert_eq(o.rc, SCOUT_EDENIED);
    cr_assert(strstr(o.err.msg, "some columns of wh.main.customers"), "%s", o.err.msg);
    cr_assert(strstr(o.err.msg, "ask a scout admin"), "%s", o.err.msg);
}

static const char *const ALLOWED[] = {
    "SELECT id, amount FROM orders",
    "SELECT * FROM v_orders",
    "SELECT name FROM customers",
    "SELECT count(*) FROM customers",
    "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id",
    "WITH t AS (SELECT amount FROM orders) SELECT sum(amount) FROM t",
};

Test(guard, allowed_queries_still_work, .init = setup, .fini = teardown)
{
    for (size_t i = 0; i < sizeof ALLOWED / sizeof ALLOWED[0]; i++) {
        outcome o = run_as(&bob, &sources[0], ALLOWED[i]);
        cr_expect_eq(o.rc, SCOUT_OK, "%s: %s", ALLOWED[i], o.err.msg);
        cr_expect_gt(o.rows, 0, "%s", ALLOWED[i]);
    }
    outcome o = run_as(&carol, &sources[1], "SELECT sum(amount) FROM revenue");
    cr_assert_eq(o.rc, SCOUT_OK, "granted table on a restricted source: %s", o.err.msg);
    o = run_as(&carol, &sources[1], "SELECT * FROM payroll");
    cr_assert_eq(o.rc, SCOUT_EDENIED, "the rest of the source stays closed");
}

Test(guard, admin_and_unchecked_connections_keep_existing_behaviour, .init = setup,
     .fini = teardown)
{
    outcome o = run_as(&root, &sources[0], "SELECT * FROM salaries");
    cr_assert_eq(o.rc, SCOUT_OK, "%s", o.err.msg);
    cr_assert_eq(o.rows, 2);
    /* The check is removed after each guarded statement. */
    scout_wh *wh = NULL;
    cr_assert_eq(scout_wh_open(&sources[0], &wh, NULL), SCOUT_OK);
    scout_grants *g = load();
    int64_t rows = 0;
    scout_err err = {0};
    cr_assert_eq(scout_guard_query(g, &bob, wh, "SELECT * FROM salaries", NULL, NULL, count_row,
                                   &rows, NULL, NULL, &err),
                 SCOUT_EDENIED);
    cr_assert_eq(
        scout_wh_query(wh, "SELECT * FROM salaries", NULL, NULL, count_row, &rows, NULL, &err),
        SCOUT_OK, "%s", err.msg);
    cr_assert_eq(rows, 2);
    scout_grants_free(g);
    scout_wh_close(wh);
}
