/* tools — the agent's tool definitions and the strict checker of the
 * arguments a model sends. The schemas follow OpenAI's strict rules (every
 * property required, additionalProperties false, optional values nullable);
 * the checker enforces the same subset of JSON Schema locally, because not
 * every OpenAI-compatible server constrains its output. */
#include <stdio.h>
#include <string.h>

#include "agent/agent.h"

#define OBJ(props, req)                                                                            \
    "{\"type\":\"object\",\"properties\":{" props "},\"required\":[" req                           \
    "],\"additionalProperties\":false}"
#define STR(n)  "{\"type\":\"string\",\"maxLength\":" #n "}"
#define NSTR(n) "{\"type\":[\"string\",\"null\"],\"maxLength\":" #n "}"
#define GRADE   "{\"type\":\"string\",\"enum\":[\"pass\",\"unsure\",\"fail\"]}"
#define CHECK   OBJ("\"grade\":" GRADE ",\"note\":" STR(300), "\"grade\",\"note\"")

/* Array items are spelled out rather than nested OBJ() calls: static analysers
 * do not follow a macro call inside another macro's argument. */
#define REJECTED_ITEM                                                                              \
    "{\"type\":\"object\",\"properties\":{\"table\":" STR(300) ",\"why_not\":" STR(                \
        400) "},"                                                                                  \
             "\"required\":[\"table\",\"why_not\"],\"additionalProperties\":false}"
#define TABLE_ITEM                                                                                 \
    "{\"type\":\"object\",\"properties\":{\"table\":" STR(300) ",\"why\":" STR(                    \
        400) "},"                                                                                  \
             "\"required\":[\"table\",\"why\"],\"additionalProperties\":false}"
#define SELF_EVAL                                                                                  \
    "{\"type\":\"object\",\"properties\":{\"right_table\":" CHECK ",\"filters\":" CHECK            \
    ",\"period\":" CHECK ",\"numbers_sane\":" CHECK "},\"required\":[\"right_table\",\"filters\"," \
    "\"period\",\"numbers_sane\"],\"additionalProperties\":false}"

static const scout_llm_tool TOOLS[] = {
    {"search",
     "Search the catalog (tables, docs, past queries, memories) the asker may read. Returns the "
     "top candidates with why they matched and caveats (deprecated, stale, lookalike).",
     OBJ("\"query\":" STR(500) ",\"kinds\":{\"type\":\"string\",\"enum\":[\"tables\",\"docs\","
                               "\"queries\",\"memory\",\"all\"]}",
         "\"query\",\"kinds\""),
     true},
    {"show_table", "The short card of one table: columns, grain, trust tier, caveats, freshness.",
     OBJ("\"table\":" STR(300), "\"table\""), true},
    {"probe",
     "Look at live data of a table (read-only, as the asker): sample_values of a column, the row "
     "count, or freshness (latest value of a time column).",
     OBJ("\"table\":" STR(300) ",\"kind\":{\"type\":\"string\",\"enum\":[\"sample_values\","
                               "\"count\",\"freshness\"]},\"column\":" NSTR(128),
         "\"table\",\"kind\",\"column\""),
     true},
    {"choose_table",
     "Record the table you will analyse and why it beats the alternatives you compared. Required "
     "before run_sql or run_semantic_query reads that table.",
     OBJ("\"table\":" STR(
             300) ",\"why\":{\"type\":\"string\",\"minLength\":10,\"maxLength\":600},"
                  "\"rejected\":{\"type\":\"array\",\"maxItems\":10,\"items\":" REJECTED_ITEM "}",
         "\"table\",\"why\",\"rejected\""),
     true},
    {"run_sql",
     "Run one read-only SQL statement on a source as the asker. Returns at most 20 rows, "
     "statistics, checks and a result id to cite.",
     OBJ("\"source\":" STR(128) ",\"sql\":" STR(20000) ",\"purpose\":" STR(300),
         "\"source\",\"sql\",\"purpose\""),
     true},
    {"run_semantic_query",
     "Compile a semantic query (JSON text, see docs/semantic-query.md) deterministically to SQL "
     "and run it like run_sql.",
     OBJ("\"query\":" STR(20000) ",\"purpose\":" STR(300), "\"query\",\"purpose\""), true},
    {"make_chart",
     "Choose and build a Vega-Lite chart for a stored result (result_id, or \"last\").",
     OBJ("\"result_id\":" STR(64) ",\"title\":" NSTR(200), "\"result_id\",\"title\""), true},
    {"write_report_section",
     "Add a section to the written report that goes with the answer: a heading and plain text "
     "(numbers only from results; cite the result id the section rests on, or null).",
     OBJ("\"title\":" STR(200) ",\"text\":" STR(4000) ",\"result_id\":" NSTR(64),
         "\"title\",\"text\",\"result_id\""),
     true},
    {"propose_memory",
     "Propose a correction or fact to remember for later questions. It is saved as proposed and "
     "used only after the user confirms it.",
     OBJ("\"text\":" STR(1000) ",\"scope\":" STR(140) ",\"tables\":{\"type\":\"array\","
                                                      "\"maxItems\":10,\"items\":" STR(300) "}",
         "\"text\",\"scope\",\"tables\""),
     true},
    {"ask_user",
     "Ask the user one clarifying question; if nobody answers, default is used and said.",
     OBJ("\"question\":" STR(500) ",\"default\":" STR(300), "\"question\",\"default\""), true},
    {"finish",
     "Give the final answer: numbers only from results (cite result ids), the tables used and "
     "why, the assumptions, and a self-evaluation against the rubric.",
     OBJ("\"answer\":" STR(4000) ",\"tables\":{\"type\":\"array\",\"maxItems\":10,"
                                 "\"items\":" TABLE_ITEM
                                 "},\"assumptions\":{\"type\":\"array\",\"maxItems\":10,"
                                 "\"items\":" STR(400) "},\"result_ids\":{\"type\":\"array\","
                                                       "\"maxItems\":10,\"items\":" STR(
                                                           64) "},\"self_eval\":" SELF_EVAL,
         "\"answer\",\"tables\",\"assumptions\",\"result_ids\",\"self_eval\""),
     true},
};

#define N_TOOLS (sizeof TOOLS / sizeof TOOLS[0])

const scout_llm_tool *scout_agent_tools(size_t *n_out)
{
    *n_out = N_TOOLS;
    return TOOLS;
}

static bool type_ok(const char *t, const json_t *v)
{
    if (!strcmp(t, "string")) return json_is_string(v);
    if (!strcmp(t, "integer")) return json_is_integer(v);
    if (!strcmp(t, "number")) return json_is_number(v);
    if (!strcmp(t, "boolean")) return json_is_boolean(v);
    if (!strcmp(t, "array")) return json_is_array(v);
    if (!strcmp(t, "object")) return json_is_object(v);
    if (!strcmp(t, "null")) return json_is_null(v);
    return false;
}

static bool types_ok(const json_t *type, const json_t *v)
{
    if (json_is_string(type)) return type_ok(json_string_value(type), v);
    size_t i;
    const json_t *t;
    json_array_foreach(type, i, t)
    {
        if (type_ok(json_string_value(t), v)) return true;
    }
    return false;
}

static scout_rc violation(scout_err *err, const char *path, const char *what)
{
    return scout_err_set(err, SCOUT_EUSER, "%s: %s", path, what);
}

static scout_rc check_value(const json_t *schema, const json_t *v, const char *path,
                            scout_err *err);

static scout_rc check_object(const json_t *schema, const json_t *v, const char *path,
                             scout_err *err)
{
    const json_t *props = json_object_get(schema, "properties");
    char sub[256];
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)v, k, x)
    {
        snprintf(sub, sizeof sub, "%s.%s", path, k);
        const json_t *ps = json_object_get(props, k);
        if (!ps) return violation(err, sub, "unknown property (additionalProperties is false)");
        scout_rc rc = check_value(ps, x, sub, err);
        if (rc) return rc;
    }
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(schema, "required"), i, r)
    {
        if (!json_object_get(v, json_string_value(r))) {
            snprintf(sub, sizeof sub, "%s.%s", path, json_string_value(r));
            return violation(err, sub, "required property is missing");
        }
    }
    return SCOUT_OK;
}

static scout_rc check_array(const json_t *schema, const json_t *v, const char *path, scout_err *err)
{
    const json_t *mx = json_object_get(schema, "maxItems");
    if (mx && json_array_size(v) > (size_t)json_integer_value(mx))
        return violation(err, path, "too many items");
    char sub[256];
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x)
    {
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        scout_rc rc = check_value(json_object_get(schema, "items"), x, sub, err);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

static scout_rc check_string(const json_t *schema, const json_t *v, const char *path,
                             scout_err *err)
{
    size_t len = json_string_length(v);
    const json_t *mx = json_object_get(schema, "maxLength");
    const json_t *mn = json_object_get(schema, "minLength");
    if (mx && len > (size_t)json_integer_value(mx)) return violation(err, path, "string too long");
    if (mn && len < (size_t)json_integer_value(mn)) return violation(err, path, "string too short");
    const json_t *en = json_object_get(schema, "enum");
    if (!en) return SCOUT_OK;
    size_t i;
    const json_t *e;
    json_array_foreach(en, i, e)
    {
        if (json_equal(e, v)) return SCOUT_OK;
    }
    return violation(err, path, "not one of the allowed values");
}

static scout_rc check_value(const json_t *schema, const json_t *v, const char *path, scout_err *err)
{
    const json_t *type = json_object_get(schema, "type");
    if (type && !types_ok(type, v)) {
        char what[128];
        char *t = json_dumps(type, JSON_COMPACT | JSON_ENCODE_ANY);
        snprintf(what, sizeof what, "expected %s", t ? t : "another type");
        free(t);
        return violation(err, path, what);
    }
    if (json_is_object(v)) return check_object(schema, v, path, err);
    if (json_is_array(v)) return check_array(schema, v, path, err);
    if (json_is_string(v)) return check_string(schema, v, path, err);
    return SCOUT_OK;
}

scout_rc scout_agent_check_args(const char *tool, const char *args, json_t **parsed, scout_err *err)
{
    *parsed = NULL;
    const scout_llm_tool *t = NULL;
    for (size_t i = 0; i < N_TOOLS; i++)
        if (!strcmp(TOOLS[i].name, tool)) t = &TOOLS[i];
    if (!t) return scout_err_set(err, SCOUT_EUSER, "unknown tool '%.64s'", tool);
    json_error_t je;
    json_t *v = json_loads(args ? args : "", JSON_REJECT_DUPLICATES, &je);
    if (!v)
        return scout_err_set(err, SCOUT_EUSER, "%s: arguments are not valid JSON: %s at column %d",
                             tool, je.text, je.column);
    json_t *schema = json_loads(t->parameters, 0, NULL);
    if (!schema) {
        json_decref(v);
        return scout_err_set(err, SCOUT_EINTERNAL, "%s: the tool's schema does not parse", tool);
    }
    scout_rc rc = check_value(schema, v, "arguments", err);
    json_decref(schema);
    if (rc) {
        scout_err_prefix(err, "%s", tool);
        json_decref(v);
        return rc;
    }
    *parsed = v;
    return SCOUT_OK;
}
