/* The SQLite warehouse backend, driven through the public scout_wh_* API
 * against fixture databases built at test time with a separate read-write
 * connection (which is also how the tests check that nothing was written). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "warehouse/warehouse.h"

static char tmpdir[256];
static char main_path[512];
static char sales_path[512];
static scout_schema_cfg sales_schema;
static scout_source_cfg src;

static const char *main_ddl =
    "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, created DATE);"
    "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
    "  REFERENCES customers(id), amount REAL, note BLOB);"
    "CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 100;"
    "CREATE TABLE events(n INTEGER);"
    "INSERT INTO customers VALUES (1, 'Ada', '2024-01-02'), (2, 'Grace', NULL);"
    "INSERT INTO orders VALUES (1, 1, 250.5, x'00ff'), (2, 2, 20, NULL), (3, 1, 99.5, x'');"
    "INSERT INTO events WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
    "  WHERE x < 5000) SELECT x FROM c;";

static const char *sales_ddl =
    "CREATE TABLE regions(code TEXT, country TEXT, name TEXT, PRIMARY KEY (code, country)) "
    "  WITHOUT ROWID;"
    "CREATE TABLE targets(id INTEGER PRIMARY KEY, region_code TEXT, region_country TEXT, "
    "  goal NUMERIC(10,2), FOREIGN KEY (region_code, region_country) REFERENCES regions);"
    "INSERT INTO regions VALUES ('N', 'UK', 'North'), ('S', 'UK', 'South');"
    "INSERT INTO targets VALUES (1, 'N', 'UK', 10.5);";

static void exec_rw(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_close(db);
}

static int64_t scalar_rw(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void make_fixture(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/scout-wh-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(main_path, sizeof main_path, "%s/main.db", tmpdir);
    snprintf(sales_path, sizeof sales_path, "%s/sales.db", tmpdir);
    exec_rw(main_path, main_ddl);
    exec_rw(sales_path, sales_ddl);
    sales_schema = (scout_schema_cfg){.name = "sales", .path = sales_path};
    src = (scout_source_cfg){.name = "acme",
                             .kind = SCOUT_SOURCE_SQLITE,
                             .path = main_path,
                             .schemas = &sales_schema,
                             .n_schemas = 1};
}

static void remove_fixture(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(sqlite_wh, .init = make_fixture, .fini = remove_fixture);

static scout_wh *open_ok(const scout_source_cfg *s)
{
    scout_wh *wh = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_open(s, &wh, &err), SCOUT_OK, "%s", err.msg);
    return wh;
}

/* Collects a result as "a|b\n" lines (NULL as "NULL", blobs as hex). */
typedef struct collect {
    scout_buf out;
    int ncols;
    int64_t rows;
    int64_t stop_after; /* 0 = never stop */
} collect;

static scout_rc on_header(void *ud, int ncols, const char *const *names)
{
    collect *c = ud;
    c->ncols = ncols;
    for (int i = 0; i < ncols; i++) scout_buf_printf(&c->out, "%s%s", i ? "|" : "", names[i]);
    scout_buf_putc(&c->out, '\n');
    return SCOUT_OK;
}

static void put_value(scout_buf *b, const scout_value *v)
{
    switch (v->type) {
    case SCOUT_VAL_NULL:
        scout_buf_puts(b, "NULL");
        break;
    case SCOUT_VAL_INT:
        scout_buf_printf(b, "%lld", (long long)v->i);
        break;
    case SCOUT_VAL_REAL:
        scout_buf_printf(b, "%g", v->d);
        break;
    case SCOUT_VAL_TEXT:
        cr_assert_eq(strlen(v->s), v->len);
        scout_buf_append(b, v->s, v->len);
        break;
    case SCOUT_VAL_BLOB:
        scout_buf_puts(b, "x'");
        for (size_t i = 0; i < v->len; i++) scout_buf_printf(b, "%02x", (unsigned char)v->s[i]);
        scout_buf_putc(b, '\'');
        break;
    }
}

static int on_row(void *ud, int ncols, const scout_value *vals)
{
    collect *c = ud;
    cr_assert_eq(ncols, c->ncols);
    for (int i = 0; i < ncols; i++) {
        if (i) scout_buf_putc(&c->out, '|');
        put_value(&c->out, &vals[i]);
    }
    scout_buf_putc(&c->out, '\n');
    c->rows++;
    return c->stop_after > 0 && c->rows >= c->stop_after;
}

static scout_rc run(scout_wh *wh, const char *sql, const scout_wh_limits *lim, collect *c,
                    scout_wh_qstats *st, scout_err *err)
{
    scout_buf_init(&c->out, 0);
    return scout_wh_query(wh, sql, lim, on_header, on_row, c, st, err);
}

/* Renders the listing compactly so the whole of it can be compared at once. */
static char *render_tables(const scout_wh_table *t, size_t n)
{
    scout_buf b = SCOUT_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        scout_buf_printf(&b, "%s.%s%s:", t[i].schema, t[i].name, t[i].is_view ? " (view)" : "");
        for (size_t c = 0; c < t[i].n_columns; c++) {
            const scout_wh_column *col = &t[i].columns[c];
            scout_buf_printf(&b, " %s %s%s", col->name, col->type, col->notnull ? " notnull" : "");
            if (col->pk) scout_buf_printf(&b, " pk%d", col->pk);
            scout_buf_putc(&b, ',');
        }
        for (size_t f = 0; f < t[i].n_fks; f++)
            scout_buf_printf(&b, " fk %s->%s%s.%s.%s;", t[i].fks[f].from_column,
                             t[i].fks[f].to_schema ? t[i].fks[f].to_schema : "",
                             t[i].fks[f].to_schema ? "." : "", t[i].fks[f].to_table,
                             t[i].fks[f].to_column ? t[i].fks[f].to_column : "?");
        scout_buf_putc(&b, '\n');
    }
    return scout_buf_take(&b);
}

Test(sqlite_wh, lists_tables_views_columns_and_keys_of_every_schema_exactly)
{
    scout_wh *wh = open_ok(&src);
    scout_wh_table *t = NULL;
    size_t n = 0;
    scout_err err = {0};
    cr_assert_eq(scout_wh_list_tables(wh, &t, &n, &err), SCOUT_OK, "%s", err.msg);
    char *got = render_tables(t, n);
    cr_assert_str_eq(got,
                     "main.big_orders (view): id INTEGER, amount REAL,\n"
                     "main.customers: id INTEGER pk1, name TEXT notnull, created DATE,\n"
                     "main.events: n INTEGER,\n"
                     "main.orders: id INTEGER pk1, customer_id INTEGER notnull, amount REAL, "
                     "note BLOB, fk customer_id->.customers.id;\n"
                     "sales.regions: code TEXT notnull pk1, country TEXT notnull pk2, name TEXT,\n"
                     "sales.targets: id INTEGER pk1, region_code TEXT, region_country TEXT, goal "
                     "NUMERIC(10,2), fk region_code->.regions.code; fk "
                     "region_country->.regions.country;\n");
    cr_assert_str_eq(t[1].sql, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT "
                               "NULL, created DATE)");
    cr_assert(strstr(t[0].sql, "CREATE VIEW big_orders") == t[0].sql);
    cr_assert_null(t[0].comment);
    free(got);
    scout_wh_tables_free(t, n);
    scout_wh_close(wh);
}

Test(sqlite_wh, without_a_main_file_only_attached_schemas_are_listed)
{
    src.path = NULL;
    scout_wh *wh = open_ok(&src);
    scout_wh_table *t = NULL;
    size_t n = 0;
    scout_err err = {0};
    cr_assert_eq(scout_wh_list_tables(wh, &t, &n, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(t[0].schema, "sales");
    cr_assert_str_eq(t[0].name, "regions");
    cr_assert_str_eq(t[1].name, "targets");
    scout_wh_tables_free(t, n);
    collect c = {0};
    cr_assert_eq(run(wh, "SELECT name FROM sales.regions ORDER BY code", NULL, &c, NULL, &err),
                 SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "name\nNorth\nSouth\n");
    scout_buf_free(&c.out);
    scout_wh_close(wh);
}

Test(sqlite_wh, streams_header_and_typed_values)
{
    scout_wh *wh = open_ok(&src);
    collect c = {0};
    scout_wh_qstats st;
    scout_err err = {0};
    cr_assert_eq(run(wh,
                     "SELECT o.id, c.name, o.amount, o.note FROM orders o JOIN customers c ON "
                     "c.id = o.customer_id ORDER BY o.id",
                     NULL, &c, &st, &err),
                 SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "id|name|amount|note\n"
                                             "1|Ada|250.5|x'00ff'\n"
                                             "2|Grace|20|NULL\n"
                                             "3|Ada|99.5|x''\n");
    cr_assert_eq(st.rows, 3);
    /* 8 per number, text/blob lengths: (8+3+8+2) + (8+5+8+0) + (8+3+8+0) */
    cr_assert_eq(st.bytes, 61);
    cr_assert_not(st.truncated);
    scout_buf_free(&c.out);

    c = (collect){0};
    cr_assert_eq(run(wh, "SELECT id FROM customers WHERE 0", NULL, &c, NULL, &err), SCOUT_OK);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "id\n", "header is sent for an empty result");
    scout_buf_free(&c.out);
    scout_wh_close(wh);
}

Test(sqlite_wh, row_limit_delivers_exactly_max_rows_and_reports_truncation)
{
    scout_wh *wh = open_ok(&src);
    collect c = {0};
    scout_wh_qstats st;
    scout_err err = {0};
    scout_wh_limits lim = {.max_rows = 100};
    cr_assert_eq(run(wh, "SELECT n FROM events ORDER BY n", &lim, &c, &st, &err), SCOUT_ELIMIT);
    cr_assert_eq(c.rows, 100);
    cr_assert_eq(st.rows, 100);
    cr_assert(st.truncated);
    cr_assert_str_eq(err.msg, "result truncated at 100 rows (row limit)");
    scout_buf_free(&c.out);

    /* A result of exactly max_rows rows is complete, not truncated. */
    c = (collect){0};
    cr_assert_eq(run(wh, "SELECT n FROM events LIMIT 100", &lim, &c, &st, &err), SCOUT_OK);
    cr_assert_eq(c.rows, 100);
    cr_assert_not(st.truncated);
    scout_buf_free(&c.out);
    scout_wh_close(wh);
}

Test(sqlite_wh, byte_limit_stops_before_exceeding_max_bytes)
{
    scout_wh *wh = open_ok(&src);
    collect c = {0};
    scout_wh_qstats st;
    scout_err err = {0};
    /* Each row is one 10-byte text cell: 25 rows fit in 250 bytes, the 26th does not. */
    scout_wh_limits lim = {.max_bytes = 255};
    cr_assert_eq(run(wh, "SELECT printf('%010d', n) FROM events", &lim, &c, &st, &err),
                 SCOUT_ELIMIT);
    cr_assert_eq(c.rows, 25);
    cr_assert_eq(st.rows, 25);
    cr_assert_eq(st.bytes, 250);
    cr_assert(st.truncated);
    cr_assert(strstr(err.msg, "result truncated at 25 rows") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "byte limit") != NULL, "%s", err.msg);
    scout_buf_free(&c.out);
    scout_wh_close(wh);
}

Test(sqlite_wh, time_limit_stops_a_slow_query_and_the_connection_stays_usable)
{
    scout_wh *wh = open_ok(&src);
    collect c = {0};
    scout_wh_qstats st;
    scout_err err = {0};
    scout_wh_limits lim = {.timeout_ms = 200};
    double t0 = scout_now_ms();
    scout_rc rc = run(wh,
                      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
                      "1000000000) SELECT count(*) FROM c",
                      &lim, &c, &st, &err);
    double took = scout_now_ms() - t0;
    cr_assert_eq(rc, SCOUT_ETIMEOUT, "%s", err.msg);
    cr_assert_str_eq(err.msg, "query stopped after 200 ms (time limit)");
    cr_assert(took >= 195 && took < 1500, "took %.0f ms", took);
    cr_assert(st.elapsed_ms >= 195, "elapsed %.0f ms", st.elapsed_ms);
    cr_assert_not(st.truncated);
    scout_buf_free(&c.out);

    /* Same connection, no limit: the old deadline must be gone. */
    c = (collect){0};
    cr_assert_eq(run(wh, "SELECT count(*) FROM events", NULL, &c, &st, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "count(*)\n5000\n");
    scout_buf_free(&c.out);
    scout_wh_close(wh);
}

/* A statement that would count to a billion: minutes of work, far beyond
 * any test's patience, so only an interrupt can end it quickly. */
#define ENDLESS_SQL                                                                                \
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "        \
    "SELECT count(*) FROM c"

typedef struct canceller {
    atomic_bool *flag;
    double set_at; /* scout_now_ms() when the flag was set */
} canceller;

static void *cancel_later(void *ud)
{
    canceller *k = ud;
    usleep(300 * 1000);
    k->set_at = scout_now_ms();
    atomic_store(k->flag, true);
    return NULL;
}

Test(sqlite_wh, a_cancel_from_another_thread_stops_a_long_statement_within_a_second)
{
    scout_wh *wh = open_ok(&src);
    atomic_bool flag;
    atomic_init(&flag, false);
    scout_wh_set_cancel(wh, &flag);
    canceller k = {&flag, 0};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, cancel_later, &k), 0);
    scout_wh_limits lim = {.timeout_ms = 120000}; /* the statement's own limit: two minutes */
    scout_err err = {0};
    scout_wh_qstats st;
    scout_rc rc = scout_wh_query(wh, ENDLESS_SQL, &lim, NULL, NULL, NULL, &st, &err);
    double stopped = scout_now_ms();
    pthread_join(th, NULL);
    cr_assert_eq(rc, SCOUT_EINTERRUPTED, "%s (%s)", scout_rc_name(rc), err.msg);
    cr_assert_str_eq(err.msg, "query interrupted");
    cr_assert_lt(stopped - k.set_at, 1000, "stopped %.0f ms after the cancel", stopped - k.set_at);
    cr_assert_lt(st.elapsed_ms, 60000, "well before its own time limit");

    /* While the flag stays set nothing new starts; cleared, the connection works. */
    rc = scout_wh_query(wh, "SELECT 1", NULL, NULL, NULL, NULL, NULL, &err);
    cr_assert_eq(rc, SCOUT_EINTERRUPTED);
    atomic_store(&flag, false);
    collect c = {0};
    cr_assert_eq(run(wh, "SELECT count(*) FROM events", NULL, &c, &st, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "count(*)\n5000\n");
    scout_buf_free(&c.out);
    scout_wh_close(wh);
}

static atomic_bool alarm_flag;

static void on_alarm(int sig)
{
    (void)sig;
    atomic_store(&alarm_flag, true); /* all a signal handler needs to do */
}

Test(sqlite_wh, a_signal_handler_setting_the_flag_interrupts_a_statement_without_a_time_limit)
{
    scout_wh *wh = open_ok(&src);
    atomic_store(&alarm_flag, false);
    scout_wh_set_cancel(wh, &alarm_flag);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, &old);
    struct itimerval it = {{0, 0}, {0, 300 * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    scout_err err = {0};
    scout_wh_qstats st;
    /* No limits at all: before the cancel hook this ran for minutes. */
    scout_rc rc = scout_wh_query(wh, ENDLESS_SQL, NULL, NULL, NULL, NULL, &st, &err);
    sigaction(SIGALRM, &old, NULL);
    cr_assert_eq(rc, SCOUT_EINTERRUPTED, "%s (%s)", scout_rc_name(rc), err.msg);
    cr_assert_lt(st.elapsed_ms, 1300, "interrupted %.0f ms after start (signal at 300 ms)",
                 st.elapsed_ms);
    scout_wh_close(wh);
}

static void assert_refused(scout_wh *wh, const char *sql, const char *needle)
{
    scout_err err = {0};
    scout_rc rc = scout_wh_query(wh, sql, NULL, NULL, NULL, NULL, NULL, &err);
    cr_assert_eq(rc, SCOUT_EDENIED, "%s: got %s (%s)", sql, scout_rc_name(rc), err.msg);
    cr_assert(strstr(err.msg, needle) != NULL, "%s: message '%s'", sql, err.msg);
}

Test(sqlite_wh, writes_in_any_schema_are_refused_and_leave_data_unchanged)
{
    scout_wh *wh = open_ok(&src);
    const char *writes[] = {
        "INSERT INTO customers VALUES (3, 'Eve', NULL)",
        "DELETE FROM orders",
        "UPDATE customers SET name = 'x'",
        "DROP TABLE customers",
        "CREATE TABLE main.evil(x)",
        "INSERT INTO sales.regions VALUES ('E', 'UK', 'East')",
        "DELETE FROM sales.targets",
        "DROP TABLE sales.targets",
        "CREATE TABLE sales.evil(x)",
        "CREATE TEMP TABLE evil(x)",
        "WITH x AS (SELECT 1) INSERT INTO customers SELECT 9, 'x', NULL FROM x",
        "REPLACE INTO customers VALUES (1, 'x', NULL)",
        "ALTER TABLE customers ADD COLUMN evil TEXT",
        "CREATE INDEX evil_idx ON customers(name)",
        "VACUUM",
    };
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++)
        assert_refused(wh, writes[i], "read-only");

    char vac[600];
    snprintf(vac, sizeof vac, "VACUUM INTO '%s/copy.db'", tmpdir);
    assert_refused(wh, vac, "read-only");
    snprintf(vac, sizeof vac, "%s/copy.db", tmpdir);
    cr_assert_not(scout_path_exists(vac));

    /* Statements that would change the connection itself. */
    assert_refused(wh, "PRAGMA query_only = 0", "PRAGMA query_only is not allowed");
    assert_refused(wh, "PRAGMA main.user_version = 7", "not allowed");
    assert_refused(wh, "BEGIN IMMEDIATE", "transaction control is not allowed");
    snprintf(vac, sizeof vac, "ATTACH '%s' AS other", main_path);
    assert_refused(wh, vac, "ATTACH and DETACH are not allowed");
    assert_refused(wh, "DETACH sales", "ATTACH and DETACH are not allowed");

    /* Introspection pragmas still work. */
    scout_err err = {0};
    cr_assert_eq(
        scout_wh_query(wh, "PRAGMA sales.table_info(regions)", NULL, NULL, NULL, NULL, NULL, &err),
        SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_wh_query(wh, "PRAGMA user_version", NULL, NULL, NULL, NULL, NULL, &err),
                 SCOUT_OK, "%s", err.msg);
    scout_wh_close(wh);

    cr_assert_eq(scalar_rw(main_path, "SELECT count(*) FROM customers"), 2);
    cr_assert_eq(scalar_rw(main_path, "SELECT count(*) FROM orders"), 3);
    cr_assert_eq(scalar_rw(main_path, "SELECT count(*) FROM customers WHERE name = 'x'"), 0);
    cr_assert_eq(scalar_rw(main_path, "SELECT count(*) FROM sqlite_schema"), 4);
    cr_assert_eq(scalar_rw(sales_path, "SELECT count(*) FROM regions"), 2);
    cr_assert_eq(scalar_rw(sales_path, "SELECT count(*) FROM targets"), 1);
    cr_assert_eq(scalar_rw(sales_path, "SELECT count(*) FROM sqlite_schema"), 2);
}

Test(sqlite_wh, missing_files_are_named_and_never_created)
{
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nope.db", tmpdir);
    src.path = missing;
    scout_wh *wh = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_open(&src, &wh, &err), SCOUT_EUSER);
    cr_assert_null(wh);
    cr_assert(strstr(err.msg, missing) != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "source 'acme'") != NULL, "%s", err.msg);
    cr_assert_not(scout_path_exists(missing));

    src.path = main_path;
    sales_schema.path = missing;
    cr_assert_eq(scout_wh_open(&src, &wh, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, missing) != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "sales") != NULL, "%s", err.msg);
    cr_assert_not(scout_path_exists(missing));
}

Test(sqlite_wh, paths_with_uri_special_characters_open_correctly)
{
    char odd[600];
    snprintf(odd, sizeof odd, "%s/we?ird #name%%20&mode=rw.db", tmpdir);
    cr_assert_eq(rename(sales_path, odd), 0);
    sales_schema.path = odd;
    scout_wh *wh = open_ok(&src);
    scout_err err = {0};
    collect c = {0};
    cr_assert_eq(run(wh, "SELECT count(*) FROM sales.regions", NULL, &c, NULL, &err), SCOUT_OK,
                 "%s", err.msg);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "count(*)\n2\n");
    scout_buf_free(&c.out);
    assert_refused(wh, "DELETE FROM sales.regions", "read-only");
    scout_wh_close(wh);
    cr_assert_eq(scalar_rw(odd, "SELECT count(*) FROM regions"), 2);
}

Test(sqlite_wh, one_statement_only_and_engine_errors_carry_sqlites_message)
{
    scout_wh *wh = open_ok(&src);
    scout_err err = {0};
    cr_assert_eq(scout_wh_query(wh, "SELECT 1; SELECT 2", NULL, NULL, NULL, NULL, NULL, &err),
                 SCOUT_EDENIED);
    cr_assert(strstr(err.msg, "multiple statements are not allowed") != NULL, "%s", err.msg);
    cr_assert_eq(
        scout_wh_query(wh, "SELECT 1; DELETE FROM customers", NULL, NULL, NULL, NULL, NULL, &err),
        SCOUT_EDENIED);
    cr_assert(strstr(err.msg, "multiple statements are not allowed") != NULL, "%s", err.msg);

    /* Trailing semicolons and comments are not a second statement. */
    cr_assert_eq(scout_wh_query(wh, "SELECT 1; ;\n-- done\n/* really */ ", NULL, NULL, NULL, NULL,
                                NULL, &err),
                 SCOUT_OK, "%s", err.msg);

    cr_assert_eq(
        scout_wh_query(wh, "SELECT * FROM no_such_table", NULL, NULL, NULL, NULL, NULL, &err),
        SCOUT_ESQL);
    cr_assert_str_eq(err.msg, "no such table: no_such_table");
    cr_assert_eq(scout_wh_query(wh, "  -- nothing\n", NULL, NULL, NULL, NULL, NULL, &err),
                 SCOUT_EUSER);
    scout_wh_close(wh);
    cr_assert_eq(scalar_rw(main_path, "SELECT count(*) FROM customers"), 2);
}

static char *fp(scout_wh *wh, const char *schema, const char *table)
{
    char *out = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_fingerprint(wh, schema, table, &out, &err), SCOUT_OK, "%s.%s: %s", schema,
                 table, err.msg);
    return out;
}

Test(sqlite_wh, fingerprint_follows_changes_to_that_table_only)
{
    scout_wh *wh = open_ok(&src);
    char *cust = fp(wh, "main", "customers"), *ord = fp(wh, "main", "orders");
    char *view = fp(wh, "main", "big_orders"), *reg = fp(wh, "sales", "regions");
    char *again = fp(wh, "main", "customers");
    cr_assert_str_eq(cust, again, "stable while nothing changes");
    free(again);

    /* The rw connection writes while the warehouse connection stays open. */
    exec_rw(main_path, "INSERT INTO customers VALUES (3, 'Linus', NULL)");
    exec_rw(sales_path, "INSERT INTO regions VALUES ('E', 'UK', 'East')");
    char *cust2 = fp(wh, "main", "customers"), *ord2 = fp(wh, "main", "orders");
    char *view2 = fp(wh, "main", "big_orders"), *reg2 = fp(wh, "sales", "regions");
    cr_assert_str_neq(cust, cust2);
    cr_assert_str_eq(ord, ord2);
    cr_assert_str_eq(view, view2);
    cr_assert_str_neq(reg, reg2, "WITHOUT ROWID tables are fingerprinted too");

    /* An in-place update of the newest row keeps count and max(rowid): the
     * sampled rows still notice it. */
    exec_rw(main_path, "UPDATE customers SET name = 'Torvalds' WHERE id = 3");
    char *cust3 = fp(wh, "main", "customers");
    cr_assert_str_neq(cust2, cust3);

    /* A schema change alone changes it as well. */
    exec_rw(main_path, "ALTER TABLE orders ADD COLUMN status TEXT");
    char *ord3 = fp(wh, "main", "orders");
    cr_assert_str_neq(ord2, ord3);

    char *out = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_fingerprint(wh, "main", "no_such", &out, &err), SCOUT_ENOTFOUND);
    cr_assert_null(out);
    cr_assert_eq(scout_wh_fingerprint(wh, "nope", "customers", &out, &err), SCOUT_ENOTFOUND);
    char *list[] = {cust, ord, view, reg, cust2, ord2, view2, reg2, cust3, ord3};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) free(list[i]);
    scout_wh_close(wh);
}

Test(sqlite_wh, callback_can_stop_early_without_an_error)
{
    scout_wh *wh = open_ok(&src);
    collect c = {.stop_after = 3};
    scout_wh_qstats st;
    scout_err err = {0};
    scout_wh_limits lim = {.max_rows = 10};
    cr_assert_eq(run(wh, "SELECT n FROM events ORDER BY n", &lim, &c, &st, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "n\n1\n2\n3\n");
    cr_assert_eq(st.rows, 3);
    cr_assert_not(st.truncated);
    scout_buf_free(&c.out);
    scout_wh_close(wh);
}

Test(sqlite_wh, dialect_describes_sqlite)
{
    scout_wh *wh = open_ok(&src);
    const scout_wh_dialect *d = scout_wh_dialect_of(wh);
    cr_assert_str_eq(d->name, "sqlite");
    cr_assert_eq(d->quote_char, '"');
    char q[64];
    cr_assert_eq(scout_wh_quote_ident(d, "we\"ird", q, sizeof q), SCOUT_OK);
    cr_assert_str_eq(q, "\"we\"\"ird\"");
    char sql[128];
    snprintf(sql, sizeof sql, d->sample_fmt, "\"events\"", 7LL);
    collect c = {0};
    scout_wh_qstats st;
    scout_err err = {0};
    scout_buf s = SCOUT_BUF_INIT;
    scout_buf_printf(&s, "SELECT count(*) FROM %s", sql);
    cr_assert_eq(run(wh, scout_buf_cstr(&s), NULL, &c, &st, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "count(*)\n7\n");
    scout_buf_free(&s);
    scout_buf_free(&c.out);
    scout_wh_close(wh);
}

Test(sqlite_wh, wal_databases_are_read_while_another_process_writes)
{
    exec_rw(main_path, "PRAGMA journal_mode=WAL");
    scout_wh *wh = open_ok(&src);
    char *before = fp(wh, "main", "events");
    /* A writer holding the database open keeps the -wal file alive. */
    sqlite3 *rw = NULL;
    cr_assert_eq(sqlite3_open(main_path, &rw), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(rw, "INSERT INTO events VALUES (5001)", NULL, NULL, NULL), SQLITE_OK);
    collect c = {0};
    scout_err err = {0};
    cr_assert_eq(run(wh, "SELECT count(*) FROM events", NULL, &c, NULL, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_str_eq(scout_buf_cstr(&c.out), "count(*)\n5001\n");
    scout_buf_free(&c.out);
    char *after = fp(wh, "main", "events");
    cr_assert_str_neq(before, after);
    assert_refused(wh, "DELETE FROM events", "read-only");
    sqlite3_close(rw);
    free(before);
    free(after);
    scout_wh_close(wh);
    cr_assert_eq(scalar_rw(main_path, "SELECT count(*) FROM events"), 5001);
}

Test(sqlite_wh, virtual_tables_are_listed_without_their_shadow_tables)
{
    exec_rw(sales_path, "CREATE VIRTUAL TABLE notes USING fts5(body);"
                        "INSERT INTO notes VALUES ('north region target raised');");
    scout_wh *wh = open_ok(&src);
    scout_wh_table *t = NULL;
    size_t n = 0;
    scout_err err = {0};
    cr_assert_eq(scout_wh_list_tables(wh, &t, &n, &err), SCOUT_OK, "%s", err.msg);
    char *got = render_tables(t, n);
    cr_assert(strstr(got, "sales.notes: body ,\nsales.regions:") != NULL, "%s", got);
    cr_assert(strstr(got, "notes_") == NULL, "shadow tables leaked: %s", got);
    free(got);
    scout_wh_tables_free(t, n);
    char *before = fp(wh, "sales", "notes");
    exec_rw(sales_path, "INSERT INTO notes VALUES ('south')");
    char *after = fp(wh, "sales", "notes");
    cr_assert_str_neq(before, after);
    free(before);
    free(after);
    scout_wh_close(wh);
}
