/* Dense retrieval through the binary: with llm.embeddings_model set, `scout
 * index` embeds the search documents (incrementally) through the configured
 * OpenAI-compatible endpoint (the fake server on loopback), `scout search`
 * fuses the dense ranking in, grants still prune first, and an unreachable
 * endpoint degrades to lexical search with a one-line message. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/proc.h"
#include "unit/llm/fake_server.h"

static char *home;
static fake_server srv;

static void acme_home(void)
{
    home = test_acme_home();
}

static void teardown(void)
{
    if (srv.pid) fake_server_stop(&srv);
    memset(&srv, 0, sizeof srv);
    test_rmdir(home);
    free(home);
}

/* Points the home at an embeddings endpoint (base_url may be a dead port). */
static void configure(const char *base_url)
{
    char path[700];
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fprintf(f,
            "llm:\n  base_url: %s\n  model: fake-model\n  embeddings_model: fake-embed\n"
            "  timeout_ms: 5000\n  max_retries: 0\n",
            base_url);
    fclose(f);
}

static void start(void)
{
    fake_server_start(&srv, "{\"embedding_dims\": 32, \"steps\": []}");
    configure(srv.base_url);
}

static size_t n_embedding_calls(void)
{
    json_t *reqs = fake_server_requests(&srv);
    size_t n = 0, i;
    json_t *r;
    json_array_foreach(reqs, i, r)
    {
        const char *path = json_string_value(json_object_get(r, "path"));
        if (path && strstr(path, "/embeddings")) n++;
    }
    json_decref(reqs);
    return n;
}

static json_t *run_json(const char *const *args)
{
    proc_result r = proc_scout(args);
    cr_assert_eq(r.status, 0, "scout failed (%d): %s", r.status, r.err);
    json_error_t e;
    json_t *j = json_loads(r.out, 0, &e);
    cr_assert_not_null(j, "not JSON (%s): %s", e.text, r.out);
    proc_result_free(&r);
    return j;
}

static json_t *index_json(void)
{
    const char *args[] = {"--home", home, "--json", "index", NULL};
    return run_json(args);
}

Test(dense, index_embeds_every_document_once_then_only_changes, .init = acme_home, .fini = teardown,
     .timeout = 120)
{
    start();
    json_t *first = index_json();
    json_t *dense = json_object_get(first, "dense");
    cr_assert_not_null(dense, "index reports dense vectors");
    json_int_t docs =
        json_integer_value(json_object_get(json_object_get(first, "search"), "documents"));
    cr_assert_gt(docs, 50);
    cr_assert_eq(json_integer_value(json_object_get(dense, "embedded")), docs,
                 "every search document embedded");
    cr_assert_null(json_object_get(dense, "error"));
    size_t calls = n_embedding_calls();
    cr_assert_geq(calls, 1);
    json_decref(first);

    json_t *again = index_json();
    dense = json_object_get(again, "dense");
    cr_assert_eq(json_integer_value(json_object_get(dense, "embedded")), 0, "nothing re-embedded");
    cr_assert_eq(json_integer_value(json_object_get(dense, "unchanged")), docs);
    /* At most the one-text probe that learns the vector length. */
    cr_assert_leq(n_embedding_calls(), calls + 1, "no documents sent when nothing changed");
    json_decref(again);
}

Test(dense, search_fuses_the_dense_ranking_and_grants_still_prune, .init = acme_home,
     .fini = teardown, .timeout = 120)
{
    start();
    json_decref(index_json());
    const char *args[] = {
        "--home", home, "--as", "raj.patel", "--json", "search", "net revenue by region",
        "-k",     "10", NULL};
    json_t *res = run_json(args);
    const char *note = json_string_value(json_object_get(res, "dense"));
    cr_assert(note && !strncmp(note, "model fake-embed, 32 dims", 25), "dense fused: %s", note);
    json_t *hits = json_object_get(res, "hits");
    cr_assert_gt(json_array_size(hits), 0);
    char *text = json_dumps(hits, JSON_COMPACT);
    cr_assert(strstr(text, "dense similarity") != NULL, "hits say their dense rank: %s", text);
    free(text);
    json_decref(res);

    /* jonas.weber (product-management) may not read the restricted finance
     * source: the dense half must not bring any of its tables back. */
    const char *as_jonas[] = {
        "--home", home, "--as", "jonas.weber", "--json", "search", "net revenue by region",
        "-k",     "20", NULL};
    res = run_json(as_jonas);
    hits = json_object_get(res, "hits");
    size_t i;
    json_t *h;
    json_array_foreach(hits, i, h)
    {
        const char *key = json_string_value(json_object_get(h, "key"));
        cr_assert(key && strncmp(key, "finance.", 8), "hidden table found by dense: %s", key);
    }
    cr_assert(json_string_value(json_object_get(res, "dense")) != NULL);
    json_decref(res);
}

Test(dense, an_unreachable_endpoint_leaves_search_lexical, .init = acme_home, .fini = teardown,
     .timeout = 120)
{
    configure("http://127.0.0.1:9/v1"); /* discard port: nothing listens */
    proc_result r = proc_scoutv("--home", home, "--json", "index", NULL);
    cr_assert_eq(r.status, 0, "the lexical index still builds: %s", r.err);
    cr_assert(strstr(r.err, "dense vectors not updated") != NULL, "says so: %s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j);
    cr_assert_not_null(json_object_get(json_object_get(j, "dense"), "error"));
    json_decref(j);
    proc_result_free(&r);

    r = proc_scoutv("--home", home, "--as", "raj.patel", "search", "net revenue by region", "-k",
                    "3", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "finance.mart.revenue_daily") != NULL, "lexical answer: %s", r.out);
    cr_assert(strstr(r.err, "dense retrieval off") != NULL, "one-line notice: %s", r.err);
    proc_result_free(&r);
}

static bool embedded_text(const char *needle)
{
    json_t *reqs = fake_server_requests(&srv);
    bool found = false;
    size_t i;
    json_t *r;
    json_array_foreach(reqs, i, r)
    {
        const char *path = json_string_value(json_object_get(r, "path"));
        if (!path || !strstr(path, "/embeddings")) continue;
        char *body = json_dumps(json_object_get(r, "body"), JSON_COMPACT);
        found |= body && strstr(body, needle) != NULL;
        free(body);
    }
    json_decref(reqs);
    return found;
}

/* With a model, both the deterministic first pass (discovery) and the
 * agent's search tool embed what they search for. */
Test(dense, the_agent_searches_with_the_dense_half_too, .init = acme_home, .fini = teardown,
     .timeout = 120)
{
    fake_server_start(
        &srv, "{\"embedding_dims\": 32, \"steps\": ["
              "{\"tool_calls\": [{\"id\": \"c1\", \"name\": \"search\", \"arguments\":"
              " \"{\\\"query\\\":\\\"plus subscriber counts\\\",\\\"kinds\\\":\\\"tables\\\"}\"}]},"
              "{\"text\": \"I could not find anything odd.\"}]}");
    configure(srv.base_url);
    json_decref(index_json());
    proc_result r = proc_scoutv("--home", home, "--as", "raj.patel", "ask",
                                "is anything odd in the data?", NULL);
    proc_result_free(&r); /* how the model ends does not matter here */
    cr_assert(embedded_text("is anything odd in the data?"), "discovery embedded the question");
    cr_assert(embedded_text("plus subscriber counts"), "the search tool embedded its query");
}
