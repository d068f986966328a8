/* scout search: ranked tables, docs, canonical queries and memories for a
 * question, each with why it ranked and its caveats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli.h"
#include "guard/grants.h"
#include "search/search.h"

static void print_hit(size_t rank, const scout_search_hit *h)
{
    printf("%2zu. %s", rank, h->kind == SCOUT_SEARCH_TABLE ? h->key : h->title);
    if (h->kind != SCOUT_SEARCH_TABLE) printf("  [%s]", h->key);
    printf("  (score %.2f)\n", h->score);
    if (h->snippet && *h->snippet) printf("    %s\n", h->snippet);
    if (h->uri) printf("    source: %s\n", h->uri);
    for (size_t i = 0; i < h->n_caveats; i++) printf("    ! %s\n", h->caveats[i]);
    for (size_t i = 0; i < h->n_why; i++) printf("    - %s\n", h->why[i]);
}

static void print_text(const scout_search_results *res, unsigned kinds)
{
    size_t n = scout_search_results_count(res);
    printf("terms: %s\n", scout_search_results_terms(res));
    int last = -1;
    size_t rank = 0;
    for (size_t i = 0; i < n; i++) {
        const scout_search_hit *h = scout_search_results_hit(res, i);
        if ((int)h->kind != last) {
            printf("\n%s:\n", scout_search_kind_name(h->kind));
            last = (int)h->kind;
            rank = 0;
        }
        print_hit(++rank, h);
    }
    if (n == 0)
        printf("\nno %s match; try other words or `scout tables PATTERN`\n",
               kinds == 1u ? "tables" : "results");
}

static scout_rc parse_k(cli *c, const char *v, size_t *k)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (!end || *end || n < 1 || n > SCOUT_SEARCH_K_MAX)
        return cli_usage_error(c, "search", "-k takes a number from 1 to 100");
    *k = (size_t)n;
    return SCOUT_OK;
}

static scout_rc run_search(cli *c, int argc, char **argv)
{
    const char *question = NULL;
    scout_search_opts o = {0};
    o.kinds = 1u << SCOUT_SEARCH_TABLE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--kind") || !strcmp(a, "-k")) && i + 1 >= argc)
            return cli_usage_error(c, "search", "option needs a value");
        if (!strcmp(a, "--kind")) {
            if (scout_search_kinds_parse(argv[++i], &o.kinds, &c->err)) return SCOUT_EUSER;
        } else if (!strncmp(a, "--kind=", 7)) {
            if (scout_search_kinds_parse(a + 7, &o.kinds, &c->err)) return SCOUT_EUSER;
        } else if (!strcmp(a, "-k")) {
            if (parse_k(c, argv[++i], &o.k)) return SCOUT_EUSER;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(c, "search", "unknown option");
        } else if (question) {
            return cli_usage_error(c, "search", "takes one QUESTION (quote it)");
        } else {
            question = a;
        }
    }
    if (!question) return cli_usage_error(c, "search", "missing QUESTION");
    scout_principal who;
    scout_rc rc = cli_principal(c, &who);
    if (!rc) rc = cli_open_catalog(c);
    if (rc) return rc;
    o.who = &who;
    /* Grants prune before ranking: a table the asker may not read, its docs and
     * its queries never reach the results. */
    scout_grants *g = NULL;
    scout_grants_scope scope;
    scout_search_policy pol;
    if (!rc) rc = cli_grants(c, &g);
    if (rc) return rc;
    pol = scout_grants_search_policy(g, &who, &scope);
    o.policy = &pol;
    /* With an embeddings model configured, the question is embedded and the
     * dense ranking fused in; the JSON's "dense" field says how it went. */
    cli_embed emb;
    if (cli_embed_open(c, &emb)) {
        /* an unreachable endpoint costs the dense half, not the answer */
        fprintf(stderr, "scout: dense retrieval off: %s; lexical only\n", c->err.msg);
        scout_err_clear(&c->err);
    }
    o.embedder = cli_embed_get(&emb);
    scout_search *s = NULL;
    scout_search_results *res = NULL;
    rc = scout_search_open(c->cat, &s, &c->err);
    if (!rc) rc = scout_search_query(s, question, &o, &res, &c->err);
    if (!rc) {
        const char *dense = scout_search_results_dense(res);
        if (dense && !strncmp(dense, "off", 3))
            fprintf(stderr, "scout: dense retrieval %s\n", dense);
        if (c->json)
            rc = cli_print_json(c, scout_search_results_json(res));
        else
            print_text(res, o.kinds);
    }
    scout_search_results_free(res);
    scout_search_close(s);
    cli_embed_close(&emb);
    return rc;
}

const cli_command cli_cmd_search = {
    "search", "find the tables, docs, queries and memories for a question",
    "usage: scout search \"QUESTION\" [--kind tables|docs|queries|memory|all] [-k N] [--json]\n"
    "                    [--as USER]\n"
    "\n"
    "Ranks the catalog for a plain-English question: table cards (default), knowledge\n"
    "chunks from docs and Slack, canonical and verified queries, and memories. Each hit\n"
    "says why: the words that matched and where (name, description, columns, values),\n"
    "synonyms and abbreviations used, trust and usage signals, and caveats such as\n"
    "'deprecated: use X instead', stale data or lookalike tables. Only what the asker\n"
    "may read is searched (--as USER to check another user's view; admins only).\n"
    "  --kind KIND   tables, docs, queries, memory or all\n"
    "  -k N          hits per kind (default 10, at most 100)\n"
    "  --json        one JSON object: {question, terms, hits:[{kind, key, title,\n"
    "                snippet, score, why[], caveats[]}]}\n",
    run_search};
