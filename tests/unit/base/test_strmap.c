#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/strmap.h"

Test(strmap, small_map_grows_and_keeps_every_key)
{
    scout_strmap *m = scout_strmap_new_sized(0);
    cr_assert_not_null(m);
    char k[32];
    for (uint32_t i = 0; i < 5000; i++) {
        int n = snprintf(k, sizeof k, "key-%u", i);
        cr_assert_eq(scout_strmap_put(m, k, (size_t)n, i), 0);
    }
    cr_assert_eq(scout_strmap_count(m), 5000);
    for (uint32_t i = 0; i < 5000; i++) {
        int n = snprintf(k, sizeof k, "key-%u", i);
        cr_assert_eq(scout_strmap_get(m, k, (size_t)n), i);
    }
    cr_assert_eq(scout_strmap_get(m, "key-5000", 8), UINT32_MAX);
    size_t seen = 0;
    const char *key;
    uint32_t v;
    int r;
    for (size_t i = 0; (r = scout_strmap_at(m, i, &key, &v)) >= 0; i++) seen += r;
    cr_assert_eq(seen, 5000);
    scout_strmap_free(m);
}

Test(strmap, add_reports_new_then_present_and_keeps_the_value)
{
    scout_strmap *m = scout_strmap_new_sized(4);
    cr_assert_eq(scout_strmap_add(m, "ann", 3), 1);
    cr_assert_eq(scout_strmap_add(m, "ann", 3), 0);
    cr_assert_eq(scout_strmap_put(m, "bob", 3, 7), 0);
    cr_assert_eq(scout_strmap_add(m, "bob", 3), 0);
    cr_assert_eq(scout_strmap_get(m, "bob", 3), 7);
    /* A key is its bytes: a prefix is a different key. */
    cr_assert_eq(scout_strmap_add(m, "an", 2), 1);
    cr_assert_eq(scout_strmap_count(m), 3);
    scout_strmap_free(m);
}

Test(strmap, null_map_reads_as_empty)
{
    const char *key;
    uint32_t v;
    cr_assert_eq(scout_strmap_count(NULL), 0);
    cr_assert_eq(scout_strmap_get(NULL, "x", 1), UINT32_MAX);
    cr_assert_eq(scout_strmap_at(NULL, 0, &key, &v), -1);
    scout_strmap_free(NULL);
}
