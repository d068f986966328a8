/* Drives the real scout binary: help, errors, init, config errors, status. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/proc.h"

static char *home;

static void setup_home(void)
{
    home = test_tmpdir();
}

static void teardown_home(void)
{
    test_rmdir(home);
    free(home);
}

Test(cli, help_lists_every_command)
{
    proc_result r = proc_scoutv("--help", NULL);
    cr_assert_eq(r.status, 0);
    const char *cmds[] = {"init", "demo", "index", "tables", "show", "status"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        cr_assert(strstr(r.out, cmds[i]) != NULL, "help lacks %s", cmds[i]);
    proc_result_free(&r);
}

Test(cli, each_command_has_its_own_help)
{
    const char *cmds[] = {"init", "demo", "index", "tables", "show", "status"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        proc_result r = proc_scoutv(cmds[i], "--help", NULL);
        cr_assert_eq(r.status, 0);
        cr_assert(strncmp(r.out, "usage: scout ", 13) == 0, "%s --help: %s", cmds[i], r.out);
        cr_assert(strstr(r.out, cmds[i]) != NULL);
        proc_result_free(&r);
    }
}

Test(cli, unknown_command_is_a_user_error_with_one_line)
{
    proc_result r = proc_scoutv("frobnicate", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.err, "scout: unknown command 'frobnicate' (see 'scout --help')\n");
    proc_result_free(&r);
}

Test(cli, init_creates_home_and_never_overwrites_config, .init = setup_home, .fini = teardown_home)
{
    proc_result r = proc_scoutv("--home", home, "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "created") != NULL);
    proc_result_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    test_write_file(path, "limits:\n  max_rows: 7\n");
    r = proc_scoutv("init", "--home", home, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "kept existing") != NULL);
    proc_result_free(&r);
    FILE *f = fopen(path, "r");
    char line[64] = {0};
    cr_assert(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    cr_assert_str_eq(line, "limits:\n");
}

Test(cli, broken_config_gives_file_line_key_and_exit_1, .init = setup_home, .fini = teardown_home)
{
    char path[512];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    test_write_file(path, "sources:\n  - name: a\n    kind: sqlite\n    path: a.db\n    pth: b\n");
    proc_result r = proc_scoutv("--home", home, "index", NULL);
    cr_assert_eq(r.status, 1);
    char want[600];
    snprintf(want, sizeof want, "scout: %s:5: unknown key 'pth'\n", path);
    cr_assert_str_eq(r.err, want);
    proc_result_free(&r);
}

Test(cli, missing_source_file_is_reported_by_name, .init = setup_home, .fini = teardown_home)
{
    char path[512];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    test_write_file(path, "sources:\n  - name: a\n    kind: sqlite\n    path: nowhere.db\n");
    proc_result r = proc_scoutv("--home", home, "index", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "nowhere.db") != NULL, "%s", r.err);
    cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "one line: %s", r.err);
    proc_result_free(&r);
    char db[512];
    snprintf(db, sizeof db, "%s/nowhere.db", home);
    cr_assert(access(db, F_OK) != 0, "a missing warehouse file must not be created");
}

Test(cli, status_json_on_an_empty_home_counts_zero, .init = setup_home, .fini = teardown_home)
{
    proc_result r = proc_scoutv("--home", home, "--json", "status", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t je;
    json_t *o = json_loads(r.out, 0, &je);
    cr_assert_not_null(o, "status --json is not JSON: %s", je.text);
    json_t *counts = json_object_get(o, "counts");
    cr_assert_eq(json_integer_value(json_object_get(counts, "tables")), 0);
    cr_assert_not_null(json_object_get(counts, "sessions"));
    cr_assert_not_null(json_object_get(json_object_get(counts, "query_clusters"), "canonical"));
    json_decref(o);
    proc_result_free(&r);
}

Test(cli, show_unknown_table_is_a_user_error, .init = setup_home, .fini = teardown_home)
{
    proc_result r = proc_scoutv("--home", home, "show", "no_such_table", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "no_such_table") != NULL, "%s", r.err);
    proc_result_free(&r);
}
