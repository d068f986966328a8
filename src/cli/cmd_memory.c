/* scout memory — the learning-memory store (context layer 5) from the
 * terminal: add, list, show, edit and retire memories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/memory.h"
#include "cli.h"

#define MEM_MAX_LINKS 32

/* Options shared by add and edit; every field NULL/0 when not given. */
typedef struct mem_opts {
    const char *text;
    const char *scope;
    const char *status;
    const char *expires;
    const char *tables[MEM_MAX_LINKS];
    size_t n_tables;
    const char *columns[MEM_MAX_LINKS];
    size_t n_columns;
    char *resolved[MEM_MAX_LINKS]; /* fqnames owned here */
    char scope_buf[160];
} mem_opts;

static void mem_opts_free(mem_opts *o)
{
    for (size_t i = 0; i < o->n_tables; i++) free(o->resolved[i]);
}

static scout_rc take_link(cli *c, const char **arr, size_t *n, const char *v)
{
    if (*n >= MEM_MAX_LINKS)
        return cli_usage_error(c, "memory", "too many --table/--column links (32 at most)");
    arr[(*n)++] = v;
    return SCOUT_OK;
}

/* Parses options from argv[from..]; positional words are returned in *text. */
static scout_rc parse_mem_opts(cli *c, int argc, char **argv, int from, mem_opts *o)
{
    for (int i = from; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        scout_rc rc = SCOUT_OK;
        if (!strcmp(a, "--scope") && has_value)
            o->scope = argv[++i];
        else if (!strcmp(a, "--status") && has_value)
            o->status = argv[++i];
        else if (!strcmp(a, "--expires") && has_value)
            o->expires = argv[++i];
        else if (!strcmp(a, "--text") && has_value)
            o->text = argv[++i];
        else if (!strcmp(a, "--table") && has_value)
            rc = take_link(c, o->tables, &o->n_tables, argv[++i]);
        else if (!strcmp(a, "--column") && has_value)
            rc = take_link(c, o->columns, &o->n_columns, argv[++i]);
        else if (a[0] == '-')
            return cli_usage_error(c, "memory", "unknown option or missing value");
        else if (!o->text)
            o->text = a;
        else
            return cli_usage_error(c, "memory", "quote the memory text as one argument");
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* "personal" alone means the caller's own personal scope. */
static void expand_scope(mem_opts *o, const scout_principal *me)
{
    if (o->scope && !strcmp(o->scope, "personal")) {
        snprintf(o->scope_buf, sizeof o->scope_buf, "personal:%s", me->user);
        o->scope = o->scope_buf;
    }
}

/* Resolves --table references (short names allowed) to fqnames. */
static scout_rc resolve_tables(cli *c, mem_opts *o)
{
    for (size_t i = 0; i < o->n_tables; i++) {
        scout_rc rc = scout_catalog_resolve(c->cat, o->tables[i], &o->resolved[i], &c->err);
        if (rc) {
            for (size_t j = 0; j < i; j++) free(o->resolved[j]);
            o->n_tables = 0;
            return rc;
        }
    }
    return SCOUT_OK;
}

/* Builds a JSON array text from strings (caller frees); NULL when n == 0. */
static char *json_list(char *const *v, const char *const *cv, size_t n)
{
    if (n == 0) return NULL;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(v ? v[i] : cv[i]));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

static json_t *memory_json(const scout_memory *m)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "id", (json_int_t)m->id,
                          "scope", m->scope, "status", m->status, "text", m->text, "author",
                          m->author, "created_at", m->created_at, "expires_at", m->expires_at);
    json_object_set_new(o, "tables", json_loads(m->tables ? m->tables : "[]", 0, NULL));
    json_object_set_new(o, "columns", json_loads(m->columns ? m->columns : "[]", 0, NULL));
    return o;
}

typedef struct list_ctx {
    cli *c;
    json_t *arr;
    size_t n;
} list_ctx;

static int print_memory(void *ud, const scout_memory *m)
{
    list_ctx *lc = ud;
    lc->n++;
    if (lc->arr) {
        json_array_append_new(lc->arr, memory_json(m));
        return 0;
    }
    printf("#%lld  [%s, %s]  by %s on %.10s%s%s\n    %s\n", (long long)m->id, m->scope, m->status,
           m->author ? m->author : "?", m->created_at ? m->created_at : "?",
           m->expires_at ? ", expires " : "", m->expires_at ? m->expires_at : "", m->text);
    if (m->tables && strcmp(m->tables, "[]") != 0) printf("    tables: %s\n", m->tables);
    if (m->columns && strcmp(m->columns, "[]") != 0) printf("    columns: %s\n", m->columns);
    return 0;
}

static scout_rc parse_id(cli *c, const char *s, int64_t *id)
{
    char *end = NULL;
    long long v = strtoll(s ? s : "", &end, 10);
    if (!s || !*s || *end || v <= 0) return cli_usage_error(c, "memory", "expected a memory ID");
    *id = v;
    return SCOUT_OK;
}

static scout_rc memory_add(cli *c, const scout_principal *me, int argc, char **argv)
{
    mem_opts o;
    memset(&o, 0, sizeof o);
    scout_rc rc = parse_mem_opts(c, argc, argv, 2, &o);
    if (!rc && !o.text) rc = cli_usage_error(c, "memory", "add needs the memory TEXT");
    if (!rc) rc = resolve_tables(c, &o);
    if (rc) return rc;
    expand_scope(&o, me);
    char *tables = json_list(o.resolved, NULL, o.n_tables);
    char *columns = json_list(NULL, o.columns, o.n_columns);
    scout_memory m = {0,
                      o.scope ? o.scope : "global",
                      o.status ? o.status : "active",
                      o.text,
                      tables,
                      columns,
                      me->user,
                      NULL,
                      o.expires};
    int64_t id = 0;
    rc = scout_memory_add(c->cat, &m, &id, &c->err);
    free(tables);
    free(columns);
    mem_opts_free(&o);
    if (rc) return rc;
    if (c->json) return cli_print_json(c, json_pack("{s:I}", "id", (json_int_t)id));
    if (!c->quiet) printf("added memory #%lld\n", (long long)id);
    return SCOUT_OK;
}

static scout_rc memory_list(cli *c, const scout_principal *me, int argc, char **argv)
{
    mem_opts o;
    memset(&o, 0, sizeof o);
    scout_rc rc = parse_mem_opts(c, argc, argv, 2, &o);
    if (!rc && (o.text || o.n_tables > 1))
        rc = cli_usage_error(c, "memory", "list takes --table T and --status S");
    if (!rc) rc = resolve_tables(c, &o);
    if (rc) return rc;
    list_ctx lc = {c, c->json ? json_array() : NULL, 0};
    rc = scout_memory_list(c->cat, me, o.n_tables ? o.resolved[0] : NULL, o.status, print_memory,
                           &lc, &c->err);
    mem_opts_free(&o);
    if (rc) {
        json_decref(lc.arr);
        return rc;
    }
    if (c->json) return cli_print_json(c, lc.arr);
    if (lc.n == 0 && !c->quiet) printf("no memories\n");
    return SCOUT_OK;
}

static scout_rc memory_show(cli *c, const scout_principal *me, int argc, char **argv)
{
    int64_t id;
    if (argc != 3) return cli_usage_error(c, "memory", "show takes one ID");
    scout_rc rc = parse_id(c, argv[2], &id);
    list_ctx lc = {c, c->json ? json_array() : NULL, 0};
    if (!rc) rc = scout_memory_get(c->cat, me, id, print_memory, &lc, &c->err);
    if (rc || !c->json) {
        json_decref(lc.arr);
        return rc;
    }
    json_t *one = json_incref(json_array_get(lc.arr, 0));
    json_decref(lc.arr);
    return cli_print_json(c, one);
}

static scout_rc memory_edit(cli *c, const scout_principal *me, int argc, char **argv)
{
    int64_t id;
    mem_opts o;
    memset(&o, 0, sizeof o);
    scout_rc rc = parse_id(c, argc > 2 ? argv[2] : NULL, &id);
    if (!rc) rc = parse_mem_opts(c, argc, argv, 3, &o);
    if (!rc) rc = resolve_tables(c, &o);
    if (rc) return rc;
    expand_scope(&o, me);
    char *tables = json_list(o.resolved, NULL, o.n_tables);
    char *columns = json_list(NULL, o.columns, o.n_columns);
    scout_memory ch = {id, o.scope, o.status, o.text, tables, columns, NULL, NULL, o.expires};
    rc = scout_memory_edit(c->cat, me, id, &ch, &c->err);
    free(tables);
    free(columns);
    mem_opts_free(&o);
    if (!rc && !c->quiet && !c->json) printf("updated memory #%lld\n", (long long)id);
    if (!rc && c->json) return cli_print_json(c, json_pack("{s:I}", "id", (json_int_t)id));
    return rc;
}

static scout_rc memory_retire(cli *c, const scout_principal *me, int argc, char **argv)
{
    int64_t id;
    if (argc != 3) return cli_usage_error(c, "memory", "retire takes one ID");
    scout_rc rc = parse_id(c, argv[2], &id);
    if (!rc) rc = scout_memory_retire(c->cat, me, id, &c->err);
    if (!rc && !c->quiet && !c->json) printf("retired memory #%lld\n", (long long)id);
    if (!rc && c->json) return cli_print_json(c, json_pack("{s:I}", "id", (json_int_t)id));
    return rc;
}

static scout_rc run_memory(cli *c, int argc, char **argv)
{
    if (argc < 2) return cli_usage_error(c, "memory", "missing subcommand");
    scout_principal me;
    scout_rc rc = cli_principal(c, &me);
    if (!rc) rc = cli_open_catalog(c);
    if (rc) return rc;
    const char *sub = argv[1];
    if (!strcmp(sub, "add")) return memory_add(c, &me, argc, argv);
    if (!strcmp(sub, "list")) return memory_list(c, &me, argc, argv);
    if (!strcmp(sub, "show")) return memory_show(c, &me, argc, argv);
    if (!strcmp(sub, "edit")) return memory_edit(c, &me, argc, argv);
    if (!strcmp(sub, "retire")) return memory_retire(c, &me, argc, argv);
    return cli_usage_error(c, "memory", "unknown subcommand");
}

const cli_command cli_cmd_memory = {
    "memory", "add, list, show, edit and retire learned memories",
    "usage: scout memory add TEXT [--scope S] [--table T]... [--column T.C]... [--status S]\n"
    "                        [--expires YYYY-MM-DD]\n"
    "       scout memory list [--table T] [--status S]\n"
    "       scout memory show ID\n"
    "       scout memory edit ID [--text TEXT] [--scope S] [--status S] [--table T]...\n"
    "       scout memory retire ID\n"
    "\n"
    "Memories are corrections and facts learned in conversations (\"use\n"
    "finance.mart.revenue_daily for revenue, v1 double-counts refunds\"). Each has\n"
    "a scope — global, team:NAME or personal (yours alone) — and a status:\n"
    "proposed, active or retired. Only active memories reach answers. You see\n"
    "global memories, your teams' and your own; --as USER acts as another user\n"
    "(root and admins only). Tables may be given by short name when unambiguous.\n",
    run_memory};
