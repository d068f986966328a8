/* date — proleptic Gregorian calendar arithmetic on day numbers (days since
 * 1970-01-01), free of the C library's time zones: the demo generator, the
 * planner's periods and the audit log all count days the same way. */
#ifndef SCOUT_BASE_DATE_H
#define SCOUT_BASE_DATE_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 of year-month-day (Howard Hinnant's algorithm; exact
 * for every year scout meets, negative before 1970). */
int64_t scout_days_from_civil(int64_t y, int m, int d);

/* The civil date of a day number. */
void scout_civil_from_days(int64_t z, int *y, int *m, int *d);

/* 28..31 for month m (1..12) of year y. */
int scout_days_in_month(int64_t y, int m);

/* Parses exactly "YYYY-MM-DD" (a real date, year 1..9999). */
bool scout_date_parse(const char *s, int *y, int *m, int *d);

/* Writes day number z as "YYYY-MM-DD" into out (11 bytes). */
void scout_date_format(int64_t z, char out[11]);

#endif
