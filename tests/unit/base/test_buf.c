#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"

Test(buf, grows_and_stays_terminated)
{
    scout_buf b = SCOUT_BUF_INIT;
    for (int i = 0; i < 1000; i++) cr_assert_eq(scout_buf_printf(&b, "%d,", i), SCOUT_OK);
    cr_assert(strncmp(scout_buf_cstr(&b), "0,1,2,", 6) == 0);
    cr_assert_eq(b.len, strlen(b.data));
    scout_buf_free(&b);
}

Test(buf, refuses_to_grow_past_its_maximum_and_keeps_contents)
{
    scout_buf b;
    scout_buf_init(&b, 8);
    cr_assert_eq(scout_buf_puts(&b, "12345"), SCOUT_OK);
    cr_assert_eq(scout_buf_puts(&b, "6789"), SCOUT_ELIMIT);
    cr_assert_str_eq(scout_buf_cstr(&b), "12345");
    cr_assert_eq(scout_buf_printf(&b, "%s", "abcdefgh"), SCOUT_ELIMIT);
    cr_assert_str_eq(scout_buf_cstr(&b), "12345");
    scout_buf_free(&b);
}

Test(buf, read_file_reports_missing_file_by_name)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_buf_read_file(&b, "/nonexistent/x.yaml", &err), SCOUT_EIO);
    cr_assert(strstr(err.msg, "/nonexistent/x.yaml") != NULL);
    scout_buf_free(&b);
}

Test(fsutil, glob_matches_case_insensitively)
{
    cr_assert(scout_glob_match("finance.*.revenue*", "finance.mart.Revenue_daily"));
    cr_assert(!scout_glob_match("finance.*.revenue", "finance.mart.revenue_daily"));
    cr_assert(scout_glob_match("*v1", "finance.archive.revenue_daily_v1"));
    cr_assert(scout_glob_match("a?c", "abc"));
}

Test(fsutil, path_join_handles_slashes_and_absolute_names)
{
    char *p = scout_path_join("/home/x/", "scout.yaml");
    cr_assert_str_eq(p, "/home/x/scout.yaml");
    free(p);
    p = scout_path_join("/home/x", "/etc/abs");
    cr_assert_str_eq(p, "/etc/abs");
    free(p);
}

Test(buf, array_grow_doubles_and_zero_fills_new_slots)
{
    int *v = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 100; n++) {
        cr_assert(scout_array_grow((void **)&v, &cap, n, sizeof *v));
        cr_assert_eq(v[n], 0, "a new slot starts zeroed");
        v[n] = (int)n + 1;
    }
    cr_assert_eq(cap, 128);
    cr_assert_eq(v[99], 100);
    size_t huge = SIZE_MAX / 2 + 1;
    cr_assert(!scout_array_grow((void **)&v, &huge, huge, sizeof *v), "overflow is refused");
    free(v);
}
