/* acme_dbt — writes the dbt project that "built" Acme's marts: dbt_project.yml,
 * one .sql file per model (the exact SQL that was executed), schema.yml and
 * sources.yml with descriptions, owners and tests, and target/manifest.json
 * shaped like a real dbt manifest (nodes, sources, parent/child maps). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme_int.h"
#include "base/fsutil.h"

/* Column descriptions shared across tables: the curated layer analysts rely on. */
static const char *col_desc(const char *col)
{
    static const char *const D[][2] = {
        {"customer_id", "Finance customer id (700000 + product account_id); joins customers."},
        {"account_id", "Product account id; same id in crm.raw.accounts and product.raw.users."},
        {"user_id", "App user id; joins product.raw.users."},
        {"day", "Calendar day (YYYY-MM-DD)."},
        {"region", "Sales region: EMEA, NA, APAC or LATAM."},
        {"country_code", "ISO 3166-1 alpha-2 country code."},
        {"plan", "Plan: free, plus, pro or enterprise."},
        {"gross_revenue_usd", "Invoiced revenue in USD before refunds."},
        {"refunds_usd", "Refunds issued in USD, attributed to the refund date."},
        {"net_revenue_usd", "Gross revenue minus refunds, in USD."},
        {"is_test", "1 for internal test accounts (@acme-internal.test); exclude from reporting."},
        {"billing_email", "Billing email; duplicate accounts can share one."},
        {"segment",
         "Customer segment (Enterprise, Mid-market, SMB / enterprise, mid-market, smb)."},
        {"feature", "Product feature name; 'export' is the Lighthouse launch."},
        {"platform", "Client platform: ios, android, web or desktop."},
        {"event_ts", "Event time, UTC."},
        {"p95_ms", "95th percentile latency in milliseconds."},
        {"p50_ms", "Median latency in milliseconds."},
        {"component", "Latency component: queue, model, network or render."},
        {"service", "Backend service: composer, search, export or inbox."},
        {"amount_usd", "Amount in USD."},
        {"plus_subscribers", "Active Plus subscriptions (Growth definition, trials included)."},
        {"paid_plus_subscribers", "Paid Plus subscribers (Finance definition)."},
        {"invoice_id", "Invoice id; joins raw.invoices."},
        {"opportunity_id", "CRM opportunity id."},
        {"ticket_id", "Support ticket id."},
        {"month", "Calendar month (YYYY-MM)."},
        {"week_start", "Monday of the week (YYYY-MM-DD)."},
    };
    for (size_t i = 0; i < sizeof D / sizeof D[0]; i++)
        if (!strcmp(D[i][0], col)) return D[i][1];
    return "";
}

static scout_rc yq(scout_buf *b, const char *s)
{
    scout_rc rc = scout_buf_putc(b, '"');
    for (; !rc && *s; s++) {
        if (*s == '"' || *s == '\\') rc = scout_buf_putc(b, '\\');
        if (!rc) rc = scout_buf_putc(b, *s == '\n' ? ' ' : *s);
    }
    return rc ? rc : scout_buf_putc(b, '"');
}

static bool has_tag(const acme_node *n, const char *tag)
{
    return n->tags && strstr(n->tags, tag) != NULL;
}

/* Calls fn(name, type, ud) for each recorded column. */
typedef scout_rc (*col_fn)(const char *name, const char *type, void *ud);
static scout_rc each_column(const acme_node *n, col_fn fn, void *ud)
{
    const char *p = n->columns ? n->columns : "";
    scout_rc rc = SCOUT_OK;
    while (!rc && *p) {
        const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
        if (!tab || !nl || tab > nl) break;
        char name[128], type[64];
        snprintf(name, sizeof name, "%.*s", (int)(tab - p), p);
        snprintf(type, sizeof type, "%.*s", (int)(nl - tab - 1), tab + 1);
        rc = fn(name, type, ud);
        p = nl + 1;
    }
    return rc;
}

static scout_rc yaml_col(const char *name, const char *type, void *ud)
{
    scout_buf *b = ud;
    scout_rc rc =
        scout_buf_printf(b, "          - name: %s\n            data_type: %s\n", name, type);
    const char *d = col_desc(name);
    if (!rc && *d) rc = scout_buf_puts(b, "            description: ");
    if (!rc && *d) rc = yq(b, d);
    if (!rc && *d) rc = scout_buf_putc(b, '\n');
    return rc;
}

static scout_rc yaml_model(scout_buf *b, const acme_node *n)
{
    scout_rc rc = scout_buf_printf(b, "  - name: %s\n    description: ", n->dbt_name);
    if (!rc) rc = yq(b, n->description);
    if (!rc)
        rc = scout_buf_printf(b, "\n    config:\n      alias: %s\n      schema: %s\n", n->name,
                              n->schema);
    if (!rc && n->tags) rc = scout_buf_printf(b, "      tags: [%s]\n", n->tags);
    if (!rc) rc = scout_buf_printf(b, "    meta:\n      owner: %s\n", n->owner);
    if (!rc && has_tag(n, "deprecated"))
        rc = scout_buf_puts(b, "      deprecated: true\n    deprecation_date: 2026-02-09\n");
    if (!rc && n->key && !strchr(n->key, ','))
        rc = scout_buf_printf(b,
                              "    tests:\n      - unique:\n          column_name: %s\n"
                              "      - not_null:\n          column_name: %s\n",
                              n->key, n->key);
    if (!rc) rc = scout_buf_puts(b, "    columns:\n");
    /* Columns are indented under the model: reuse the source column writer's indent. */
    scout_buf cols = SCOUT_BUF_INIT;
    if (!rc) rc = each_column(n, yaml_col, &cols);
    for (const char *p = scout_buf_cstr(&cols); !rc && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        rc = scout_buf_append(b, p + 4, len - 4);
        p += len;
    }
    scout_buf_free(&cols);
    return rc;
}

static scout_rc write_models(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; !rc && i < c->n_nodes; i++) {
        const acme_node *n = &c->nodes[i];
        if (!n->is_model) continue;
        char rel[256];
        snprintf(rel, sizeof rel, "dbt/models/%s/%s/%s.sql", n->source, n->schema, n->dbt_name);
        rc = acme_write_text(c, rel, n->raw_code, strlen(n->raw_code));
    }
    return rc;
}

/* One schema.yml per models/<source>/<schema>/ directory. */
static scout_rc write_schema_ymls(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; !rc && i < c->n_nodes; i++) {
        const acme_node *first = &c->nodes[i];
        if (!first->is_model) continue;
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            if (c->nodes[j].is_model && !strcmp(c->nodes[j].source, first->source) &&
                !strcmp(c->nodes[j].schema, first->schema))
                seen = true;
        if (seen) continue;
        scout_buf b = SCOUT_BUF_INIT;
        rc = scout_buf_puts(&b, "version: 2\n\nmodels:\n");
        for (size_t j = i; !rc && j < c->n_nodes; j++) {
            const acme_node *n = &c->nodes[j];
            if (n->is_model && !strcmp(n->source, first->source) &&
                !strcmp(n->schema, first->schema))
                rc = yaml_model(&b, n);
        }
        char rel[256];
        snprintf(rel, sizeof rel, "dbt/models/%s/%s/schema.yml", first->source, first->schema);
        if (!rc) rc = acme_write_text(c, rel, scout_buf_cstr(&b), b.len);
        scout_buf_free(&b);
    }
    return rc;
}

static bool is_source(const acme_node *n)
{
    return !n->is_model && !n->adhoc;
}

static scout_rc yaml_source_col(const char *name, const char *type, void *ud)
{
    return yaml_col(name, type, ud);
}

static scout_rc write_sources_yml(acme_ctx *c, const char *source)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_rc rc = scout_buf_puts(&b, "version: 2\n\nsources:\n");
    const char *cur = NULL;
    for (size_t i = 0; !rc && i < c->n_nodes; i++) {
        const acme_node *n = &c->nodes[i];
        if (!is_source(n) || strcmp(n->source, source)) continue;
        if (!cur || strcmp(cur, n->schema)) {
            cur = n->schema;
            rc = scout_buf_printf(&b,
                                  "  - name: %s_%s\n    database: %s\n    schema: %s\n"
                                  "    tables:\n",
                                  source, n->schema, source, n->schema);
        }
        if (!rc) rc = scout_buf_printf(&b, "      - name: %s\n        description: ", n->name);
        if (!rc) rc = yq(&b, n->description);
        if (!rc)
            rc = scout_buf_printf(&b, "\n        meta:\n          owner: %s\n        columns:\n",
                                  n->owner);
        scout_buf cols = SCOUT_BUF_INIT;
        if (!rc) rc = each_column(n, yaml_source_col, &cols);
        if (!rc) rc = scout_buf_append(&b, cols.data ? cols.data : "", cols.len);
        scout_buf_free(&cols);
    }
    char rel[128];
    snprintf(rel, sizeof rel, "dbt/models/%s/sources.yml", source);
    if (!rc) rc = acme_write_text(c, rel, scout_buf_cstr(&b), b.len);
    scout_buf_free(&b);
    return rc;
}

/* ---- manifest.json ----------------------------------------------------------- */

static scout_rc json_col(const char *name, const char *type, void *ud)
{
    json_t *cols = ud;
    json_t *col = json_pack("{s:s, s:s, s:s, s:{}}", "name", name, "description", col_desc(name),
                            "data_type", type, "meta");
    return col && !json_object_set_new(cols, name, col) ? SCOUT_OK : SCOUT_ENOMEM;
}

static json_t *tags_array(const acme_node *n)
{
    json_t *a = json_array();
    const char *p = n->tags ? n->tags : "";
    while (a && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, len));
        p += len + (comma ? 1 : 0);
    }
    return a;
}

static json_t *deps_array(const acme_node *n)
{
    json_t *a = json_array();
    const char *p = n->deps ? n->deps : "";
    while (a && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        /* A model may ref the same parent twice; list each once, as dbt does. */
        json_t *s = json_stringn(p, len);
        bool dup = false;
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) if (json_equal(v, s)) dup = true;
        if (dup)
            json_decref(s);
        else
            json_array_append_new(a, s);
        p += len + (nl ? 1 : 0);
    }
    return a;
}

static char *unique_id(const acme_node *n)
{
    char buf[256];
    if (n->is_model)
        snprintf(buf, sizeof buf, "model.acme.%s", n->dbt_name);
    else
        snprintf(buf, sizeof buf, "source.acme.%s_%s.%s", n->source, n->schema, n->name);
    return scout_strdup(buf);
}

static json_t *model_json(const acme_node *n, const char *uid)
{
    char path[256], rel[256], relation[256];
    snprintf(path, sizeof path, "models/%s/%s/%s.sql", n->source, n->schema, n->dbt_name);
    snprintf(rel, sizeof rel, "%s/%s/%s.sql", n->source, n->schema, n->dbt_name);
    snprintf(relation, sizeof relation, "\"%s\".\"%s\".\"%s\"", n->source, n->schema, n->name);
    bool deprecated = has_tag(n, "deprecated");
    json_t *cols = json_object();
    if (cols) each_column(n, json_col, cols);
    json_t *meta = json_pack("{s:s, s:b}", "owner", n->owner, "deprecated", deprecated);
    json_t *tags = tags_array(n);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s,s,s,s], s:s, s:s, s:b,"
        " s:{s:o, s:[]}, s:s, s:o, s:O, s:{s:s, s:s, s:s, s:O, s:O}, s:O}",
        "unique_id", uid, "resource_type", "model", "package_name", "acme", "name", n->dbt_name,
        "alias", n->name, "schema", n->schema, "database", n->source, "relation_name", relation,
        "original_file_path", path, "path", rel, "fqn", "acme", n->source, n->schema, n->dbt_name,
        "raw_code", n->raw_code, "compiled_code", n->compiled, "compiled", 1, "depends_on", "nodes",
        deps_array(n), "macros", "description", n->description, "columns", cols, "meta", meta,
        "config", "materialized", "table", "alias", n->name, "schema", n->schema, "tags", tags,
        "meta", meta, "tags", tags);
    json_decref(tags);
    if (o && deprecated) json_object_set_new(o, "deprecation_date", json_string("2026-02-09"));
    json_decref(meta);
    return o;
}

static json_t *source_json(const acme_node *n, const char *uid)
{
    char sname[96], rel[256];
    snprintf(sname, sizeof sname, "%s_%s", n->source, n->schema);
    snprintf(rel, sizeof rel, "\"%s\".\"%s\".\"%s\"", n->source, n->schema, n->name);
    json_t *cols = json_object();
    if (cols) each_column(n, json_col, cols);
    char path[128];
    snprintf(path, sizeof path, "models/%s/sources.yml", n->source);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s}, s:[s,s,s]}",
                     "unique_id", uid, "resource_type", "source", "package_name", "acme",
                     "source_name", sname, "name", n->name, "identifier", n->name, "schema",
                     n->schema, "database", n->source, "relation_name", rel, "description",
                     n->description, "columns", cols, "meta", "owner", n->owner, "fqn", "acme",
                     sname, n->name);
}

static scout_rc add_test(json_t *nodes, const acme_node *n, const char *uid, const char *kind,
                         const char *col)
{
    char tid[256], name[200];
    snprintf(name, sizeof name, "%s_%s_%s", kind, n->dbt_name, col);
    snprintf(tid, sizeof tid, "test.acme.%s", name);
    json_t *t = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:{s:s, s:s}},"
                          " s:{s:[s], s:[]}, s:{s:s}}",
                          "unique_id", tid, "resource_type", "test", "name", name, "attached_node",
                          uid, "column_name", col, "database", n->source, "schema", n->schema,
                          "test_metadata", "name", kind, "kwargs", "column_name", col, "model", uid,
                          "depends_on", "nodes", uid, "macros", "config", "severity", "ERROR");
    return t && !json_object_set_new(nodes, tid, t) ? SCOUT_OK : SCOUT_ENOMEM;
}

static void add_edges(json_t *parents, json_t *children, const char *uid, json_t *deps)
{
    json_object_set(parents, uid, deps);
    if (!json_object_get(children, uid)) json_object_set_new(children, uid, json_array());
    size_t i;
    json_t *d;
    json_array_foreach(deps, i, d)
    {
        const char *p = json_string_value(d);
        json_t *kids = json_object_get(children, p);
        if (!kids) {
            kids = json_array();
            json_object_set_new(children, p, kids);
        }
        json_array_append_new(kids, json_string(uid));
    }
}

static scout_rc build_manifest(acme_ctx *c, json_t *nodes, json_t *sources, json_t *parents,
                               json_t *children)
{
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; !rc && i < c->n_nodes; i++) {
        const acme_node *n = &c->nodes[i];
        if (n->adhoc) continue;
        char *uid = unique_id(n);
        if (!uid) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
        json_t *o = n->is_model ? model_json(n, uid) : source_json(n, uid);
        if (!o || json_object_set_new(n->is_model ? nodes : sources, uid, o))
            rc = scout_err_set(c->err, SCOUT_ENOMEM, "acme: cannot build manifest node %s", uid);
        if (!rc && n->is_model) {
            add_edges(parents, children, uid,
                      json_object_get(json_object_get(o, "depends_on"), "nodes"));
            if (n->key && !strchr(n->key, ',')) {
                rc = add_test(nodes, n, uid, "unique", n->key);
                if (!rc) rc = add_test(nodes, n, uid, "not_null", n->key);
            }
        } else if (!rc && !json_object_get(children, uid)) {
            json_object_set_new(children, uid, json_array());
        }
        free(uid);
    }
    return rc;
}

static scout_rc write_manifest(acme_ctx *c)
{
    json_t *nodes = json_object(), *sources = json_object(), *parents = json_object(),
           *children = json_object();
    scout_rc rc = nodes && sources && parents && children
                      ? build_manifest(c, nodes, sources, parents, children)
                      : scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    json_t *root =
        rc ? NULL
           : json_pack("{s:{s:s, s:s, s:s, s:s, s:s}, s:O, s:O, s:{}, s:{}, s:O, s:O}", "metadata",
                       "dbt_schema_version", "https://schemas.getdbt.com/dbt/manifest/v11.json",
                       "dbt_version", "1.8.2", "generated_at", "2026-11-24T06:00:00Z",
                       "project_name", "acme", "adapter_type", "sqlite", "nodes", nodes, "sources",
                       sources, "macros", "exposures", "parent_map", parents, "child_map",
                       children);
    char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
    if (!rc && !text) rc = scout_err_set(c->err, SCOUT_ENOMEM, "acme: cannot encode manifest");
    if (!rc) rc = acme_write_text(c, "dbt/target/manifest.json", text, strlen(text));
    free(text);
    json_decref(root);
    json_decref(nodes);
    json_decref(sources);
    json_decref(parents);
    json_decref(children);
    return rc;
}

static const char PROJECT[] = "name: acme\n"
                              "version: '1.0.0'\n"
                              "config-version: 2\n"
                              "profile: acme\n"
                              "model-paths: [\"models\"]\n"
                              "target-path: target\n"
                              "models:\n"
                              "  acme:\n"
                              "    +materialized: table\n"
                              "    finance:\n"
                              "      +meta:\n"
                              "        owner: finance-data\n"
                              "        restricted: true\n"
                              "      archive:\n"
                              "        +tags: [archive]\n"
                              "    product:\n"
                              "      +meta:\n"
                              "        owner: growth-analytics\n"
                              "    crm:\n"
                              "      +meta:\n"
                              "        owner: revops\n";

scout_rc acme_write_dbt(acme_ctx *c)
{
    scout_rc rc = acme_write_text(c, "dbt/dbt_project.yml", PROJECT, sizeof PROJECT - 1);
    if (!rc) rc = write_models(c);
    if (!rc) rc = write_schema_ymls(c);
    static const char *const SRC[] = {"finance", "product", "crm"};
    for (int i = 0; !rc && i < 3; i++) rc = write_sources_yml(c, SRC[i]);
    if (!rc) rc = write_manifest(c);
    return rc;
}
