/* libFuzzer target for the SQL statement policy: any bytes, every dialect,
 * with and without a scratch schema. The policy must never crash, leak or
 * read out of bounds, and its answer must be self-consistent: the return
 * code agrees with the decision, a refusal has a rule and a reason, and an
 * allowed statement without a scratch schema is never a scratch write. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_one(const char *sql, const char *dialect, const char *scratch)
{
    scout_policy_opts o = {scratch};
    scout_policy_decision d;
    scout_err err = {0};
    scout_rc rc = scout_policy_check(sql, dialect, &o, &d, &err);
    if ((rc == SCOUT_OK) != d.allow) abort();
    if (!d.rule || !d.kind || !d.reason[0]) abort();
    if (!d.allow && strcmp(err.msg, d.reason)) abort();
    if (d.scratch_write && !scratch) abort();
    if (rc != SCOUT_OK && rc != SCOUT_EDENIED && rc != SCOUT_ENOMEM) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *sql = malloc(size + 1);
    if (!sql) return 0;
    memcpy(sql, data, size);
    sql[size] = '\0';
    static const char *const dialects[] = {"sqlite", "postgres", "clickhouse", NULL};
    for (size_t i = 0; i < 4; i++) {
        check_one(sql, dialects[i], NULL);
        check_one(sql, dialects[i], "scratch_fuzz");
    }
    free(sql);
    return 0;
}
