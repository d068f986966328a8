/* policy: what the SQL statement policy allows and refuses, and why. */
#include <criterion/criterion.h>
#include <string.h>

#include "guard/policy.h"

static scout_policy_decision check(const char *sql, const char *dialect, const char *scratch)
{
    scout_policy_opts o = {scratch};
    scout_policy_decision d;
    scout_err err = {0};
    scout_rc rc = scout_policy_check(sql, dialect, &o, &d, &err);
    cr_assert_eq(rc == SCOUT_OK, d.allow, "%s: rc %d vs allow %d", sql, rc, d.allow);
    if (!d.allow) cr_assert_str_eq(err.msg, d.reason);
    return d;
}

static void allowed(const char *sql, const char *dialect)
{
    scout_policy_decision d = check(sql, dialect, NULL);
    cr_assert(d.allow, "%s [%s] should be allowed: %s", sql, dialect ? dialect : "any", d.reason);
}

static void denied(const char *sql, const char *dialect, const char *rule)
{
    scout_policy_decision d = check(sql, dialect, NULL);
    cr_assert(!d.allow, "%s [%s] should be denied", sql, dialect ? dialect : "any");
    cr_assert_str_eq(d.rule, rule, "%s: rule %s (%s), expected %s", sql, d.rule, d.reason, rule);
    cr_assert(strlen(d.reason) > 10);
}

Test(policy, plain_queries_are_allowed_in_every_dialect)
{
    const char *dialects[] = {"sqlite", "postgres", "clickhouse", NULL};
    for (size_t i = 0; i < 4; i++) {
        allowed("select 1", dialects[i]);
        allowed("SELECT a, count(*) FROM t WHERE b = 'x' GROUP BY a ORDER BY 2 DESC LIMIT 10;",
                dialects[i]);
        allowed("with x as (select 1 as a) select a from x", dialects[i]);
        allowed("values (1, 2), (3, 4)", dialects[i]);
        allowed("select 1 -- ; drop table x", dialects[i]);
        allowed("/* ; */ select 1", dialects[i]);
        allowed("select '--', ';', '/*'", dialects[i]);
        allowed("select replace(name, 'a', 'b') from t", dialects[i]);
        allowed("select created_at, updated_at, deleted from t", dialects[i]);
        allowed("select \"delete\" from t", dialects[i]);
    }
}

Test(policy, explain_is_allowed_but_explain_analyze_is_not)
{
    allowed("explain query plan select * from t", "sqlite");
    allowed("explain select * from t", "postgres");
    denied("explain analyze select * from t", "postgres", "write");
    denied("explain (analyze) delete from t", "postgres", "write");
    denied("explain delete from t", "sqlite", "write");
}

Test(policy, sqlite_syntax_postgres_rejects_is_still_classified)
{
    allowed("select * from t where name glob 'a*'", "sqlite");
    allowed("select [weird col] from t", "sqlite");
    denied("insert or replace into t values (1)", "sqlite", "write");
    denied("replace into t values (1)", "sqlite", "write");
    denied("with x as (select 1) delete from t", "sqlite", "write");
}

Test(policy, one_statement_only)
{
    denied("select 1; drop table x", "sqlite", "multiple_statements");
    denied("select 1; select 2", "postgres", "multiple_statements");
    allowed("select 1;;  ", "sqlite");
    denied("select ';' ; drop table x", "sqlite", "multiple_statements");
    denied("", "sqlite", "empty");
    denied("  -- nothing\n", "sqlite", "empty");
    denied(";", "sqlite", "empty");
}

Test(policy, quoting_follows_the_engine)
{
    /* SQLite has no backslash escapes: the string ends at \' and a second
     * statement follows. */
    denied("select '\\'; drop table x; --'", "sqlite", "multiple_statements");
    /* ClickHouse has them: one string; but the quotes must balance. */
    allowed("select 'it\\'s'", "clickhouse");
    /* PostgreSQL E-strings escape, standard strings do not. */
    allowed("select E'it\\'s'", "postgres");
    denied("select $$'$$; drop table x; --'", "postgres", "multiple_statements");
    allowed("select $tag$ ; drop $tag$", "postgres");
    denied("select 'unterminated", "sqlite", "syntax");
    denied("select \"x", "postgres", "syntax");
    /* Unknown dialect: every engine's reading must allow it. */
    denied("select '\\'; drop table x; --'", NULL, "multiple_statements");
}

Test(policy, writes_are_denied_without_scratch)
{
    denied("insert into t values (1)", "sqlite", "write");
    denied("update t set a = 1", "postgres", "write");
    denied("delete from t", "clickhouse", "write");
    denied("create table x (a int)", "sqlite", "write");
    denied("drop table t", "sqlite", "write");
    denied("alter table t add column b int", "sqlite", "write");
    denied("vacuum", "sqlite", "write");
    denied("reindex", "sqlite", "write");
    denied("select * into newt from t", "postgres", "write");
    denied("with d as (delete from t returning *) select * from d", "postgres", "write");
    denied("select * from t for update", "postgres", "write");
    denied("truncate t", "postgres", "write");
}

Test(policy, connection_changes_and_escapes_are_denied)
{
    denied("attach database '/etc/passwd' as p", "sqlite", "attach");
    denied("detach database main", "sqlite", "attach");
    denied("pragma query_only = 0", "sqlite", "pragma");
    denied("pragma writable_schema = 1", "sqlite", "pragma");
    denied("select load_extension('/tmp/evil.so')", "sqlite", "dangerous_function");
    denied("select readfile('/etc/passwd')", "sqlite", "dangerous_function");
    denied("select writefile('/tmp/x', 'y')", "sqlite", "dangerous_function");
    denied("select fts3_tokenizer('simple')", "sqlite", "dangerous_function");
    denied("select edit('x', 'vi')", "sqlite", "dangerous_function");
    denied("select pg_read_file('/etc/passwd')", "postgres", "dangerous_function");
    denied("select set_config('transaction_read_only', 'off', false)", "postgres",
           "dangerous_function");
    denied("select * from file('/etc/passwd', 'CSV', 'a String')", "clickhouse",
           "dangerous_function");
    denied("copy t to program 'rm -rf /'", "postgres", "copy");
    denied("begin", "sqlite", "not_a_query");
    denied("select * from t settings readonly = 0", "clickhouse", "settings");
}

Test(policy, copy_program_reason_names_the_shell)
{
    scout_policy_decision d = check("copy t from program 'id'", "postgres", NULL);
    cr_assert(strstr(d.reason, "program"), "%s", d.reason);
}

Test(policy, engine_catalogs_are_not_probed)
{
    denied("select * from sqlite_master", "sqlite", "catalog_probe");
    denied("select sql from main.\"SQLITE_SCHEMA\"", "sqlite", "catalog_probe");
    denied("select * from [sqlite_temp_master]", "sqlite", "catalog_probe");
    denied("select * from 'sqlite_master'", "sqlite", "catalog_probe");
    denied("select * from pragma_table_info('secret')", "sqlite", "catalog_probe");
    denied("select * from information_schema.tables", "postgres", "catalog_probe");
    denied("select * from pg_catalog.pg_class", "postgres", "catalog_probe");
    denied("select name from system.tables", "clickhouse", "catalog_probe");
}

Test(policy, recursive_ctes_are_allowed_and_flagged)
{
    scout_policy_decision d =
        check("with recursive c(x) as (select 1 union all select x + 1 from c) select x from c",
              "sqlite", NULL);
    cr_assert(d.allow && d.recursive);
    /* SQLite runs self-referencing CTEs without the RECURSIVE keyword. */
    d = check("with c(x) as (select 1 union all select x + 1 from c) select x from c", "sqlite",
              NULL);
    cr_assert(d.allow && d.recursive);
    d = check("with c as (select 1 as x) select x from c", "sqlite", NULL);
    cr_assert(d.allow && !d.recursive);
}

Test(policy, scratch_writes_stay_in_the_scratch_schema)
{
    const char *s = "scratch_alice";
    scout_policy_decision d =
        check("create table scratch_alice.top as select * from t limit 5", "sqlite", s);
    cr_assert(d.allow && d.scratch_write, "%s", d.reason);
    d = check("insert or replace into scratch_alice.top select * from t", "sqlite", s);
    cr_assert(d.allow, "%s", d.reason);
    d = check("insert into \"scratch_alice\".top values (1) on conflict (a) do update set a = 2",
              "postgres", s);
    cr_assert(d.allow, "%s", d.reason);
    d = check("drop table if exists scratch_alice.top", "sqlite", s);
    cr_assert(d.allow, "%s", d.reason);
    d = check("delete from scratch_alice.top where a = 1", "sqlite", s);
    cr_assert(d.allow, "%s", d.reason);
    d = check("update scratch_alice.top set a = 1", "postgres", s);
    cr_assert(d.allow, "%s", d.reason);

    d = check("create table top as select 1", "sqlite", s);
    cr_assert(!d.allow && strstr(d.reason, "scratch_alice.<table>"), "%s", d.reason);
    d = check("drop table main.orders", "sqlite", s);
    cr_assert(!d.allow);
    d = check("insert into scratch_bob.top values (1)", "sqlite", s);
    cr_assert(!d.allow);
    d = check("create temp table x as select 1", "sqlite", s);
    cr_assert(!d.allow);
    d = check("insert into scratch_alice.t select * from t; drop table orders", "sqlite", s);
    cr_assert(!d.allow);
    d = check("create table scratch_alice.x as select load_extension('e')", "sqlite", s);
    cr_assert(!d.allow && !strcmp(d.rule, "dangerous_function"));
    d = check("create trigger scratch_alice.t after insert on x begin delete from y; end", "sqlite",
              s);
    cr_assert(!d.allow);
}

Test(policy, oversized_input_is_refused_cleanly)
{
    size_t n = SCOUT_POLICY_SQL_MAX + 10;
    char *sql = malloc(n + 1);
    memset(sql, ' ', n);
    memcpy(sql, "select 1", 8);
    sql[n] = '\0';
    denied(sql, "sqlite", "too_long");
    free(sql);
    denied(NULL, "sqlite", "empty");
}
