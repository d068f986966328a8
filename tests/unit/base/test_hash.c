#include <criterion/criterion.h>
#include <string.h>

#include "base/hash.h"

/* Published FNV-1a 64 test vectors: the standard basis must match them. */
Test(hash, matches_the_published_fnv1a_vectors)
{
    cr_assert_eq(scout_fnv64("", 0), 0xcbf29ce484222325ULL);
    cr_assert_eq(scout_fnv64("a", 1), 0xaf63dc4c8601ec8cULL);
    cr_assert_eq(scout_fnv64("foobar", 6), 0x85944171f73967e8ULL);
}

Test(hash, incremental_and_string_forms_agree_with_one_shot)
{
    const char *s = "scout lineage";
    uint64_t h = scout_fnv64_update(SCOUT_FNV64_INIT, s, 5);
    h = scout_fnv64_update(h, s + 5, strlen(s) - 5);
    cr_assert_eq(h, scout_fnv64(s, strlen(s)));
    cr_assert_eq(scout_fnv64_update_str(SCOUT_FNV64_INIT, s), h);
    cr_assert_eq(scout_fnv64_update_str(42, NULL), 42);
    cr_assert_eq(scout_fnv64_update(42, NULL, 0), 42);
}
