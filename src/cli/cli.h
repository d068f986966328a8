/* cli — the command-line front-end's shared state and helpers. Front-ends do
 * argument parsing and I/O only; the work happens in lib/. */
#ifndef SCOUT_CLI_H
#define SCOUT_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "base/config.h"
#include "base/err.h"
#include "base/home.h"
#include "catalog/catalog.h"
#include "catalog/layers.h"
#include "guard/identity.h"
#include "search/dense.h"
#include "search/embed.h"
#include "search/search.h"

typedef struct cli {
    const char *home_flag; /* --home, or NULL */
    const char *as_user;   /* --as: act as this user (root and admins only) */
    bool json;             /* --json: machine-readable output on stdout */
    bool quiet;            /* --quiet: only results and errors */
    bool verbose;          /* --verbose: debug diagnostics */
    scout_home home;
    scout_config *cfg;           /* loaded lazily by cli_load_config */
    scout_catalog *cat;          /* opened lazily by cli_open_catalog */
    scout_identity *ident;       /* opened by cli_principal */
    scout_identity_user *user;   /* the resolved asker (owned), NULL if not a known user */
    struct scout_grants *grants; /* loaded by cli_grants */
    struct scout_audit *audit;   /* opened by cli_audit */
    scout_err err;               /* the failure a command returns */
} cli;

typedef struct cli_command {
    const char *name;
    const char *summary; /* one line for `scout --help` */
    const char *usage;   /* the full `scout CMD --help` text */
    scout_rc (*run)(cli *c, int argc, char **argv);
} cli_command;

/* Loads home/scout.yaml into c->cfg (once). */
scout_rc cli_load_config(cli *c);

/* Opens home/catalog.db into c->cat (once), creating the home if needed. */
scout_rc cli_open_catalog(cli *c);

/* Who is running the command: the OS user, or --as USER when the OS user
 * is root or a scout admin. Loads the config if it exists. p borrows from c. */
scout_rc cli_principal(cli *c, scout_principal *p);

/* The grants snapshot (loaded once per command). Borrowed from c. */
scout_rc cli_grants(cli *c, struct scout_grants **out);

/* The home's audit log (opened once per command). Borrowed from c. */
scout_rc cli_audit(cli *c, struct scout_audit **out);

/* May the asker read fqname? Loads the grants on first use. */
scout_rc cli_can_read(cli *c, const scout_principal *who, const char *fqname, bool *ok);

/* Prints a JSON value to stdout (indented, newline-terminated) and frees it. */
scout_rc cli_print_json(cli *c, json_t *v);

/* True when argv[i] asks for help. */
bool cli_is_help(const char *arg);

/* Records a usage error ("CMD: what is wrong") for the command. */
scout_rc cli_usage_error(cli *c, const char *cmd, const char *what);

/* Progress output for long commands: a bar on a TTY, plain lines otherwise. */
void cli_progress(cli *c, const char *label, size_t done, size_t total, const char *item);
void cli_progress_done(cli *c);

/* What `scout index` did: the catalog layers, then the search index. */
typedef struct cli_index_result {
    scout_index_report layers;
    scout_search_update_stats search;
    /* dense vectors: ran only when llm.embeddings_model is configured; a
     * failure leaves search lexical and is reported, not fatal */
    bool dense_ran;
    scout_dense_update_stats dense;
    char dense_error[SCOUT_ERR_MSG_MAX];
} cli_index_result;

/* The embedder dense retrieval uses when llm.embeddings_model is set. */
typedef struct cli_embed {
    struct scout_llm *llm; /* owned; NULL when embeddings are not configured */
    scout_embedder e;
} cli_embed;

/* Opens the configured embedder into *out (zeroed, llm NULL, when no
 * embeddings model is configured: not an error). Close with cli_embed_close. */
scout_rc cli_embed_open(cli *c, cli_embed *out);
void cli_embed_close(cli_embed *e);

/* The embedder to hand to search, or NULL when embeddings are off. */
const scout_embedder *cli_embed_get(const cli_embed *e);

/* One agent step as a short line on stderr ("  · message", "  · sql: …",
 * or the event type): what `scout ask` and `scout chat` show live. */
void cli_print_step(const json_t *ev);

/* Runs `scout index` for the layers in mask with progress output, then
 * brings the search index up to date. */
scout_rc cli_run_index(cli *c, unsigned mask, cli_index_result *res);

/* The report as a JSON object: {schema:{...}, curated:{files,records,errors,elapsed_ms}, ...}. */
json_t *cli_index_report_json(const cli_index_result *res);

/* Prints an index report (text or --json). */
scout_rc cli_print_index_report(cli *c, const cli_index_result *res);

/* Answers with the LLM agent (deterministic first, model when not confident;
 * deep: the model always), printing the answer and, when report is set,
 * writing it there (.html or .md) with the sections the agent wrote; Ctrl-C
 * cancels the model stream or the running query. */
typedef struct cli_agent_req {
    const char *question;
    bool deep;          /* --deep: the model answers even when the planner is sure */
    const char *report; /* --report FILE, or NULL */
    bool events;        /* --events: every step as a JSON line on stderr */
} cli_agent_req;
scout_rc cli_agent_ask(cli *c, const scout_principal *who, const cli_agent_req *req);

/* Wipes expired scratch files when gc is due on this home (at most hourly,
 * never waiting on a lock); errors are only logged: it is housekeeping on the
 * way to the command, which must not fail because of it. */
void cli_scratch_housekeeping(cli *c);

/* Commands. */
extern const cli_command cli_cmd_init, cli_cmd_demo, cli_cmd_index, cli_cmd_tables, cli_cmd_show,
    cli_cmd_status, cli_cmd_memory, cli_cmd_search, cli_cmd_eval, cli_cmd_ask, cli_cmd_users,
    cli_cmd_groups, cli_cmd_grant, cli_cmd_revoke, cli_cmd_grants, cli_cmd_audit, cli_cmd_sessions,
    cli_cmd_resume, cli_cmd_feedback, cli_cmd_scratch, cli_cmd_chat, cli_cmd_results;

#endif
