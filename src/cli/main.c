/* scout — the command-line front-end: global options, command dispatch, help,
 * exit codes (0 ok, 1 user error, 2 internal error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "guard/audit.h"
#include "guard/grants.h"
#include "cli.h"

static const cli_command *const COMMANDS[] = {
    &cli_cmd_init,   &cli_cmd_demo,     &cli_cmd_index,  &cli_cmd_tables,   &cli_cmd_show,
    &cli_cmd_status, &cli_cmd_memory,   &cli_cmd_search, &cli_cmd_eval,     &cli_cmd_ask,
    &cli_cmd_users,  &cli_cmd_groups,   &cli_cmd_grant,  &cli_cmd_revoke,   &cli_cmd_grants,
    &cli_cmd_audit,  &cli_cmd_sessions, &cli_cmd_resume, &cli_cmd_feedback, &cli_cmd_scratch,
    &cli_cmd_chat,   &cli_cmd_results,
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void print_help(FILE *out)
{
    fputs("usage: scout [--home DIR] [--json] [--quiet | --verbose] COMMAND [ARGS]\n"
          "\n"
          "scout answers plain-English questions about your data: it finds the right\n"
          "tables, runs SQL under your permissions, checks the result and explains it.\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-8s %s\n", COMMANDS[i]->name, COMMANDS[i]->summary);
    fputs("\n"
          "global options:\n"
          "  --home DIR     state directory (default: $SCOUT_HOME or ./.scout)\n"
          "  --as USER      act as a configured user (root and scout admins only)\n"
          "  --json         print results as JSON\n"
          "  -q, --quiet    print only results and errors\n"
          "  -v, --verbose  print debugging detail on stderr\n"
          "  -h, --help     this help; 'scout COMMAND --help' for a command\n"
          "  --version      print the version\n",
          out);
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(COMMANDS[i]->name, name)) return COMMANDS[i];
    return NULL;
}

/* Matches "--name VALUE" or "--name=VALUE" at argv[*i]; 1 = matched (value
 * stored, *i advanced), 0 = not this option, -1 = value missing. */
static int take_value(cli *c, int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *out = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) {
        scout_err_set(&c->err, SCOUT_EUSER, "%s needs a value", name);
        return -1;
    }
    *out = argv[++*i];
    return 1;
}

/* Takes the global options out of argv wherever they appear (so both
 * `scout --home d demo` and `scout demo --home d` work), leaving the command
 * and its own arguments in order. Returns the new argc or -1 on error. */
static int take_global_options(cli *c, int argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            while (i < argc) argv[out++] = argv[i++];
            break;
        }
        int took = take_value(c, argc, argv, &i, "--home", &c->home_flag);
        if (!took) took = take_value(c, argc, argv, &i, "--as", &c->as_user);
        if (took < 0) return -1;
        if (took) continue;
        if (!strcmp(a, "--json"))
            c->json = true;
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            c->quiet = true;
        else if (!strcmp(a, "--verbose") || !strcmp(a, "-v"))
            c->verbose = true;
        else
            argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

static int finish(cli *c, scout_rc rc)
{
    if (rc) {
        const char *msg = c->err.msg[0] ? c->err.msg : scout_rc_name(rc);
        fprintf(stderr, "scout: %s\n", msg);
    }
    scout_grants_free(c->grants);
    scout_audit_close(c->audit);
    scout_identity_user_free(c->user);
    scout_identity_close(c->ident);
    if (c->cat) scout_catalog_close(c->cat);
    scout_config_free(c->cfg);
    scout_home_free(&c->home);
    return scout_rc_exit_status(rc);
}

/* Front-ends that run often or for long wipe expired scratch areas on the
 * way in: there is no server yet to run `scout scratch gc` on a schedule. */
static bool runs_housekeeping(const cli_command *cmd)
{
    return cmd == &cli_cmd_ask || cmd == &cli_cmd_index || cmd == &cli_cmd_chat;
}

int main(int argc, char **argv)
{
    cli c;
    memset(&c, 0, sizeof c);
    argc = take_global_options(&c, argc, argv);
    if (argc < 0) return finish(&c, SCOUT_EUSER);
    scout_log_set_level(c.verbose ? SCOUT_LOG_DEBUG : c.quiet ? SCOUT_LOG_ERROR : SCOUT_LOG_WARN);

    if (argc < 2 || cli_is_help(argv[1])) {
        print_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        puts("scout 0.1.0");
        return 0;
    }
    const cli_command *cmd = find_command(argv[1]);
    if (!cmd) {
        scout_err_set(&c.err, SCOUT_EUSER, "unknown command '%s' (see 'scout --help')", argv[1]);
        return finish(&c, SCOUT_EUSER);
    }
    for (int i = 2; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(cmd->usage, stdout);
            return finish(&c, SCOUT_OK);
        }
    }
    scout_rc rc = scout_home_resolve(c.home_flag, &c.home, &c.err);
    if (!rc && runs_housekeeping(cmd)) cli_scratch_housekeeping(&c);
    if (!rc) rc = cmd->run(&c, argc - 1, argv + 1);
    return finish(&c, rc);
}
