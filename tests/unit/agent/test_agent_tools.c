/* The agent's strict tool schemas and checker, and the session store. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "support/proc.h"

Test(agent_tools, every_schema_is_strict_and_at_most_13_tools)
{
    size_t n = 0;
    const scout_llm_tool *t = scout_agent_tools(&n);
    cr_assert(n > 0 && n <= 13);
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_loads(t[i].parameters, 0, NULL);
        cr_assert_not_null(s, "%s schema parses", t[i].name);
        cr_assert(json_is_false(json_object_get(s, "additionalProperties")), "%s", t[i].name);
        cr_assert_eq(json_array_size(json_object_get(s, "required")),
                     json_object_size(json_object_get(s, "properties")), "%s: all required",
                     t[i].name);
        json_decref(s);
    }
}

Test(agent_tools, violations_are_named)
{
    json_t *v = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_agent_check_args("search", "{\"query\":\"x\",\"kinds\":\"all\"}", &v, &err),
                 SCOUT_OK);
    json_decref(v);
    cr_assert_eq(
        scout_agent_check_args("search", "{\"query\":\"x\",\"kinds\":\"bogus\"}", &v, &err),
        SCOUT_EUSER);
    cr_assert(strstr(err.msg, "arguments.kinds: not one of the allowed values"), "%s", err.msg);
    cr_assert_eq(scout_agent_check_args("search", "{\"query\":\"x\"}", &v, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, "arguments.kinds: required"), "%s", err.msg);
    cr_assert_eq(scout_agent_check_args("show_table", "{\"table\":\"t\",\"x\":1}", &v, &err),
                 SCOUT_EUSER);
    cr_assert(strstr(err.msg, "arguments.x: unknown property"), "%s", err.msg);
    cr_assert_eq(scout_agent_check_args("show_table", "{\"table\":", &v, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, "not valid JSON"), "%s", err.msg);
    cr_assert_eq(scout_agent_check_args("rm_rf", "{}", &v, &err), SCOUT_EUSER);
    cr_assert_null(v);
}

static int count(void *ud, const scout_session_row *r)
{
    (void)r;
    ++*(int *)ud;
    return 0;
}

Test(agent_sessions, save_load_list_only_for_the_owner)
{
    char *dir = test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/sessions.db", dir);
    scout_session_store *st = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_session_store_open(path, &st, &err), SCOUT_OK, "%s", err.msg);
    char id[SCOUT_SESSION_ID_SIZE];
    cr_assert_eq(scout_session_new_id(id, &err), SCOUT_OK);
    cr_assert_eq(strlen(id), SCOUT_SESSION_ID_SIZE - 1);
    json_t *state = json_pack("{s:[]}", "messages");
    scout_session_row row = {id,  "alice", "q?", "running", 3,     10,  2,
                             0.5, NULL,    NULL, NULL,      state, NULL};
    cr_assert_eq(scout_session_save(st, &row, &err), SCOUT_OK, "%s", err.msg);
    row.status = "finished";
    /* Another user cannot overwrite alice's session. */
    row.user = "mallory";
    cr_assert_eq(scout_session_save(st, &row, &err), SCOUT_OK);
    scout_session_row got;
    cr_assert_eq(scout_session_load(st, id, "alice", &got, &err), SCOUT_OK);
    cr_assert_str_eq(got.status, "running");
    cr_assert_eq(got.step, 3);
    scout_session_row_free(&got);
    cr_assert_eq(scout_session_load(st, id, "mallory", &got, &err), SCOUT_ENOTFOUND);
    int n = 0;
    cr_assert_eq(scout_session_list(st, "mallory", 0, count, &n, &err), SCOUT_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(scout_session_list(st, "alice", 0, count, &n, &err), SCOUT_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(scout_session_feedback(st, id, "alice", "wrong", "bad period", &err), SCOUT_OK);
    cr_assert_eq(scout_session_feedback(st, id, "mallory", "good", NULL, &err), SCOUT_ENOTFOUND);
    json_decref(state);
    scout_session_store_close(st);
    test_rmdir(dir);
    free(dir);
}
