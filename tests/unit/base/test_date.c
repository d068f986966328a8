#include <criterion/criterion.h>

#include "base/date.h"

Test(date, day_numbers_round_trip_across_leap_years_and_centuries)
{
    cr_assert_eq(scout_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(scout_days_from_civil(2000, 3, 1) - scout_days_from_civil(2000, 2, 28), 2,
                 "2000 is a leap year");
    cr_assert_eq(scout_days_from_civil(1900, 3, 1) - scout_days_from_civil(1900, 2, 28), 1,
                 "1900 is not");
    for (int64_t z = -800000; z < 800000; z += 997) {
        int y, m, d;
        scout_civil_from_days(z, &y, &m, &d);
        cr_assert_eq(scout_days_from_civil(y, m, d), z);
    }
}

Test(date, parse_is_strict_and_format_is_fixed_width)
{
    int y, m, d;
    cr_assert(scout_date_parse("2026-02-28", &y, &m, &d));
    cr_assert(!scout_date_parse("2026-02-29", &y, &m, &d), "not a leap year");
    cr_assert(scout_date_parse("2024-02-29", &y, &m, &d));
    cr_assert(!scout_date_parse("2026-13-01", &y, &m, &d));
    cr_assert(!scout_date_parse("2026-1-01", &y, &m, &d));
    cr_assert(!scout_date_parse("2026-01-01x", &y, &m, &d));
    char out[11];
    scout_date_format(scout_days_from_civil(2026, 11, 24), out);
    cr_assert_str_eq(out, "2026-11-24");
    scout_date_format(scout_days_from_civil(33, 3, 7), out);
    cr_assert_str_eq(out, "0033-03-07");
}
