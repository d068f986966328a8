#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"

static scout_config *parse_ok(const char *yaml)
{
    scout_config *cfg = NULL;
    scout_err err = {0};
    scout_rc rc = scout_config_parse(yaml, strlen(yaml), "/etc/scout/scout.yaml", &cfg, &err);
    cr_assert_eq(rc, SCOUT_OK, "unexpected error: %s", err.msg);
    return cfg;
}

/* Parses yaml expecting failure; returns the message for checking. */
static const char *parse_fail(const char *yaml, scout_err *err)
{
    scout_config *cfg = NULL;
    scout_rc rc = scout_config_parse(yaml, strlen(yaml), "scout.yaml", &cfg, err);
    cr_assert_neq(rc, SCOUT_OK, "expected an error for:\n%s", yaml);
    cr_assert_null(cfg);
    return err->msg;
}

Test(config, full_file_loads_with_paths_resolved_against_its_directory)
{
    scout_config *cfg = parse_ok("sources:\n"
                                 "  - name: finance\n"
                                 "    kind: sqlite\n"
                                 "    restricted: true\n"
                                 "    schemas:\n"
                                 "      raw: data/raw.db\n"
                                 "      mart: /abs/mart.db\n"
                                 "  - name: pg\n"
                                 "    kind: postgres\n"
                                 "    dsn_env: PG_DSN\n"
                                 "llm:\n"
                                 "  base_url: http://127.0.0.1:8080/v1\n"
                                 "  model: m\n"
                                 "limits:\n"
                                 "  max_rows: 500\n"
                                 "  scratch_ttl_hours: 2\n"
                                 "  max_concurrent_queries_per_user: 1\n"
                                 "users:\n"
                                 "  - name: alice\n"
                                 "    groups: [finance, exec]\n"
                                 "    admin: yes\n");
    cr_assert_eq(cfg->n_sources, 2);
    cr_assert_str_eq(cfg->sources[0].name, "finance");
    cr_assert(cfg->sources[0].restricted);
    cr_assert_eq(cfg->sources[0].n_schemas, 2);
    cr_assert_str_eq(cfg->sources[0].schemas[0].path, "/etc/scout/data/raw.db");
    cr_assert_str_eq(cfg->sources[0].schemas[1].path, "/abs/mart.db");
    cr_assert_eq(cfg->sources[1].kind, SCOUT_SOURCE_POSTGRES);
    cr_assert_eq(cfg->limits.max_rows, 500);
    cr_assert_eq(cfg->limits.timeout_ms, 30000, "unset limits keep their defaults");
    cr_assert_eq(cfg->limits.scratch_ttl_hours, 2);
    cr_assert_eq(cfg->limits.max_concurrent_queries_per_user, 1);
    cr_assert_str_eq(cfg->llm.model, "m");
    cr_assert_eq(cfg->users[0].n_groups, 2);
    cr_assert_str_eq(cfg->users[0].groups[1], "exec");
    cr_assert(cfg->users[0].admin);
    scout_config_free(cfg);
}

Test(config, unknown_key_names_file_line_and_key)
{
    scout_err err = {0};
    parse_fail("sources:\n  - name: a\n    kind: sqlite\n    path: x.db\n    colour: red\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:5: unknown key 'colour'");
    cr_assert_eq(err.code, SCOUT_EUSER);
}

Test(config, wrong_type_names_file_line_and_key)
{
    scout_err err = {0};
    parse_fail("limits:\n  max_rows: lots\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: expected a positive integer for 'max_rows'");
    parse_fail("sources:\n  - name: a\n    kind: sqlite\n    path: x.db\n    restricted: maybe\n",
               &err);
    cr_assert_str_eq(err.msg, "scout.yaml:5: expected true or false for 'restricted'");
    parse_fail("sources: {a: 1}\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:1: expected a list for 'sources'");
}

Test(config, bad_kind_and_missing_fields_are_reported)
{
    scout_err err = {0};
    parse_fail("sources:\n  - name: a\n    kind: oracle\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:3: expected sqlite, postgres or clickhouse for 'kind'");
    parse_fail("sources:\n  - kind: sqlite\n    path: a.db\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: missing required key 'name'");
    parse_fail("sources:\n  - name: a\n    kind: sqlite\n", &err);
    cr_assert(strstr(err.msg, "scout.yaml:2: sqlite source needs 'path' or 'schemas'") != NULL);
    parse_fail("sources:\n  - name: a\n    kind: sqlite\n    path: a.db\n"
               "  - name: a\n    kind: sqlite\n    path: b.db\n",
               &err);
    cr_assert_str_eq(err.msg, "scout.yaml:5: duplicate source 'a'");
}

Test(config, secrets_in_the_file_are_refused)
{
    scout_err err = {0};
    parse_fail("llm:\n  api_key: sk-123\n", &err);
    cr_assert(strstr(err.msg, "scout.yaml:2: secrets are not allowed") != NULL);
    cr_assert(strstr(err.msg, "sk-123") == NULL, "the secret itself is never echoed");
    parse_fail("sources:\n  - name: pg\n    kind: postgres\n    dsn: postgres://u:hunter2@h/db\n",
               &err);
    cr_assert(strstr(err.msg, "scout.yaml:4: password in the file") != NULL);
    cr_assert(strstr(err.msg, "hunter2") == NULL);
}

Test(config, broken_yaml_reports_the_line)
{
    scout_err err = {0};
    parse_fail("sources:\n  - name: a\n   kind: [unclosed\n", &err);
    cr_assert(strncmp(err.msg, "scout.yaml:", 11) == 0, "got: %s", err.msg);
    cr_assert(strstr(err.msg, "invalid YAML") != NULL, "got: %s", err.msg);
}

Test(config, missing_file_says_so_and_suggests_init)
{
    scout_config *cfg = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_config_load("/nonexistent/scout.yaml", &cfg, &err), SCOUT_EUSER);
    cr_assert_str_eq(err.msg, "/nonexistent/scout.yaml: config file not found (run 'scout init')");
}

Test(config, empty_file_gives_defaults)
{
    scout_config *cfg = parse_ok("");
    cr_assert_eq(cfg->n_sources, 0);
    cr_assert_eq(cfg->limits.max_rows, 10000);
    cr_assert_eq(cfg->limits.scratch_ttl_hours, 24);
    cr_assert_eq(cfg->limits.max_concurrent_queries_per_user, 4);
    scout_config_free(cfg);
}

Test(config, template_written_by_init_is_itself_valid)
{
    scout_config *cfg = parse_ok(scout_config_template());
    cr_assert_eq(cfg->limits.crawl_sample_rows, 100000);
    scout_config_free(cfg);
}

Test(config, dsn_env_overrides_the_file)
{
    scout_config *cfg = parse_ok("sources:\n  - name: pg-main\n    kind: postgres\n"
                                 "    dsn: postgres://h/db\n");
    cr_assert_str_eq(scout_source_dsn(&cfg->sources[0]), "postgres://h/db");
    setenv("SCOUT_DSN_PG_MAIN", "postgres://u:pw@h/db", 1);
    cr_assert_str_eq(scout_source_dsn(&cfg->sources[0]), "postgres://u:pw@h/db");
    unsetenv("SCOUT_DSN_PG_MAIN");
    scout_config_free(cfg);
}

Test(config, context_takes_a_path_or_a_list_and_resolves_them)
{
    scout_config *cfg = parse_ok("context:\n"
                                 "  dbt: acme/dbt\n"
                                 "  docs: [docs, /srv/notion]\n"
                                 "  query_logs: logs/q.jsonl\n");
    cr_assert_eq(cfg->context.dbt.n, 1);
    cr_assert_str_eq(cfg->context.dbt.v[0], "/etc/scout/acme/dbt");
    cr_assert_eq(cfg->context.docs.n, 2);
    cr_assert_str_eq(cfg->context.docs.v[1], "/srv/notion");
    cr_assert_str_eq(cfg->context.query_logs.v[0], "/etc/scout/logs/q.jsonl");
    cr_assert_eq(cfg->context.slack.n, 0);
    scout_config_free(cfg);
    scout_err err = {0};
    parse_fail("context:\n  wiki: x\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: unknown key 'wiki'");
}

Test(config, users_carry_email_for_linking_slack_and_docs)
{
    scout_config *cfg = parse_ok("users:\n  - name: bob\n    email: bob@acme.test\n");
    cr_assert_str_eq(cfg->users[0].email, "bob@acme.test");
    scout_config_free(cfg);
}

Test(config, llm_provider_keys_load_with_defaults)
{
    scout_config *cfg = parse_ok("llm:\n  base_url: http://127.0.0.1:1/v1\n  model: m\n");
    cr_assert_eq(cfg->llm.api, SCOUT_LLM_API_CHAT, "chat completions is the default wire format");
    cr_assert_eq(cfg->llm.max_retries, 3);
    cr_assert_null(cfg->llm.embeddings_model);
    cr_assert_float_eq(cfg->llm.max_cost_per_question, 0.0, 1e-12, "no cost budget by default");
    scout_config_free(cfg);
    cfg = parse_ok("llm:\n  api: responses\n  max_retries: 0\n  embeddings_model: emb-1\n"
                   "  price_per_mtok_in: 2.5\n  price_per_mtok_out: 10\n"
                   "  max_cost_per_question: 0.25\n  offline_confidence: 0.9\n");
    cr_assert_eq(cfg->llm.api, SCOUT_LLM_API_RESPONSES);
    cr_assert_eq(cfg->llm.max_retries, 0, "zero retries is allowed");
    cr_assert_str_eq(cfg->llm.embeddings_model, "emb-1");
    cr_assert_float_eq(cfg->llm.price_per_mtok_in, 2.5, 1e-12);
    cr_assert_float_eq(cfg->llm.price_per_mtok_out, 10.0, 1e-12);
    cr_assert_float_eq(cfg->llm.max_cost_per_question, 0.25, 1e-12);
    cr_assert_float_eq(cfg->llm.offline_confidence, 0.9, 1e-12);
    scout_config_free(cfg);
}

Test(config, llm_provider_keys_are_validated)
{
    scout_err err = {0};
    parse_fail("llm:\n  api: completions\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: expected chat or responses for 'api'");
    parse_fail("llm:\n  max_retries: -1\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: expected a non-negative integer for 'max_retries'");
    parse_fail("llm:\n  max_retries: 50\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: at most 10 retries for 'max_retries'");
    parse_fail("llm:\n  price_per_mtok_in: cheap\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: expected a number >= 0 for 'price_per_mtok_in'");
    parse_fail("llm:\n  price_per_mtok_out: -3\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: expected a number >= 0 for 'price_per_mtok_out'");
    parse_fail("llm:\n  max_cost_per_question: nan\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: expected a number >= 0 for 'max_cost_per_question'");
    parse_fail("llm:\n  offline_confidence: 1.5\n", &err);
    cr_assert_str_eq(err.msg,
                     "scout.yaml:2: expected a number from 0 to 1 for 'offline_confidence'");
    parse_fail("llm:\n  embeddings_model: [a, b]\n", &err);
    cr_assert_str_eq(err.msg, "scout.yaml:2: expected a string for 'embeddings_model'");
}

Test(config, max_query_cost_is_read_with_the_default_unchanged)
{
    scout_config *cfg = parse_ok("limits: {max_rows: 5}\n");
    cr_assert_eq(cfg->limits.max_query_cost, 1e9, "default stays 1e9");
    scout_config_free(cfg);
    cfg = parse_ok("limits:\n  max_query_cost: 2.5e6\n");
    cr_assert_eq(cfg->limits.max_query_cost, 2.5e6);
    scout_config_free(cfg);
    cfg = parse_ok("limits:\n  max_query_cost: 50000\n");
    cr_assert_eq(cfg->limits.max_query_cost, 50000);
    scout_config_free(cfg);
    static const char *const bad[] = {"0", "-1", "nan", "inf", "0x10", "lots", "1e19", "[1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[128];
        snprintf(yaml, sizeof yaml, "limits:\n  max_rows: 3\n  max_query_cost: %s\n", bad[i]);
        scout_err err = {0};
        const char *msg = parse_fail(yaml, &err);
        cr_assert_str_eq(msg, "scout.yaml:3: expected a number > 0 for 'max_query_cost'", "%s: %s",
                         bad[i], msg);
    }
}

static const char *const PG_SOURCE = "sources:\n"
                                     "  - name: analytics\n"
                                     "    kind: postgres\n"
                                     "    dsn_env: ANALYTICS_LOGIN\n";

Test(config, source_credentials_map_users_groups_default_and_a_role_template)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "%s"
             "    credentials:\n"
             "      users:\n"
             "        raj.patel: SCOUT_PG_RAJ\n"
             "        sofia: {role: sofia_reader}\n"
             "      groups:\n"
             "        finance: {dsn_env: SCOUT_PG_FIN, role: finance_reader}\n"
             "      default: SCOUT_PG_PUBLIC\n"
             "      role_template: \"scout_%%s_ro\"\n",
             PG_SOURCE);
    scout_config *cfg = parse_ok(yaml);
    const scout_credentials_cfg *cs = &cfg->sources[0].credentials;
    cr_assert(cs->present);
    cr_assert_eq(cs->n_users, 2);
    cr_assert_str_eq(cs->users[0].name, "raj.patel");
    cr_assert_str_eq(cs->users[0].dsn_env, "SCOUT_PG_RAJ");
    cr_assert_null(cs->users[0].role);
    cr_assert_null(cs->users[1].dsn_env);
    cr_assert_str_eq(cs->users[1].role, "sofia_reader");
    cr_assert_eq(cs->n_groups, 1);
    cr_assert_str_eq(cs->groups[0].role, "finance_reader");
    cr_assert_str_eq(cs->fallback->dsn_env, "SCOUT_PG_PUBLIC");
    cr_assert_str_eq(cs->role_template, "scout_%s_ro");
    scout_config_free(cfg);
}

/* Each bad credentials block fails with file:line and the key. */
Test(config, source_credentials_are_validated_strictly)
{
    static const struct {
        const char *block, *msg;
    } cases[] = {
        {"    credentials:\n      users: {raj: \"postgres://raj:pw@db/x\"}\n",
         "scout.yaml:6: expected an environment variable name for 'raj'"},
        {"    credentials:\n      users: {raj: {dsn: \"host=db\"}}\n",
         "scout.yaml:6: secrets are not allowed in the file; use dsn_env instead of 'dsn'"},
        {"    credentials:\n      users: {raj: {}}\n",
         "scout.yaml:6: needs dsn_env or role: 'raj'"},
        {"    credentials:\n      users: {raj: {role: \"x; drop role y\"}}\n",
         "scout.yaml:6: invalid role name for 'role'"},
        {"    credentials:\n      users:\n        raj: A\n        raj: B\n",
         "scout.yaml:8: duplicate credential for 'raj'"},
        {"    credentials:\n      users: {\"../raj\": A}\n",
         "scout.yaml:6: invalid user or group name '../raj'"},
        {"    credentials:\n      role_template: scout_user\n",
         "scout.yaml:6: expected a role name with one %s for 'role_template'"},
        {"    credentials:\n      role_template: \"%s_%s\"\n",
         "scout.yaml:6: expected a role name with one %s for 'role_template'"},
        {"    credentials:\n      everyone: A\n", "scout.yaml:6: unknown key 'everyone'"},
        {"    restricted: true\n    credentials:\n      default: SCOUT_PG_PUBLIC\n",
         "scout.yaml:2: a restricted source cannot have a default credential: 'analytics'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml, "%s%s", PG_SOURCE, cases[i].block);
        scout_err err = {0};
        const char *msg = parse_fail(yaml, &err);
        cr_assert_str_eq(msg, cases[i].msg, "case %zu", i);
    }
    scout_err err = {0};
    const char *msg = parse_fail("sources:\n"
                                 "  - name: f\n"
                                 "    kind: sqlite\n"
                                 "    path: f.db\n"
                                 "    credentials: {users: {raj: A}}\n",
                                 &err);
    cr_assert_str_eq(
        msg, "scout.yaml:2: credentials apply to postgres and clickhouse sources only: 'f'");
}

/* Found by fuzz_config: a second `sources:` (or `users:`) leaked the first list. */
Test(config, a_repeated_top_level_list_is_an_error_not_a_leak)
{
    scout_err err = {0};
    const char *msg = parse_fail("sources:\n"
                                 "  - {name: a, kind: sqlite, path: a.db}\n"
                                 "sources:\n"
                                 "  - {name: b, kind: sqlite, path: b.db}\n",
                                 &err);
    cr_assert_str_eq(msg, "scout.yaml:4: duplicate key 'sources'");
    msg = parse_fail("users: [{name: a}]\nusers: [{name: b}]\n", &err);
    cr_assert_str_eq(msg, "scout.yaml:2: duplicate key 'users'");
}
