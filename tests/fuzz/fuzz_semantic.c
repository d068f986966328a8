/* libFuzzer target for the semantic-query validator: any bytes as JSON. It
 * must never crash or leak, and what it accepts must serialise back to JSON
 * that parses to the same canonical form (parse ∘ serialise is stable). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "planner/semantic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scout_semantic *q = NULL;
    scout_err err = {0};
    if (scout_semantic_parse((const char *)data, size, NULL, &q, &err) != SCOUT_OK) {
        if (q || !err.msg[0]) abort(); /* a refusal says why and returns nothing */
        return 0;
    }
    scout_buf a = SCOUT_BUF_INIT, b = SCOUT_BUF_INIT;
    if (scout_semantic_to_json(q, &a, &err)) abort();
    scout_semantic *q2 = NULL;
    if (scout_semantic_parse(a.data, a.len, NULL, &q2, &err)) abort();
    if (scout_semantic_to_json(q2, &b, &err)) abort();
    if (a.len != b.len || memcmp(a.data, b.data, a.len)) abort();
    scout_semantic_free(q2);
    scout_semantic_free(q);
    scout_buf_free(&a);
    scout_buf_free(&b);
    return 0;
}
