/* timeexpr — time expressions in questions ("last quarter", "since March",
 * "Q3 2025", "the last 14 days", "Nov 10 to Nov 16"): recognised from a list
 * of lower-case words into an abstract period, then resolved against the
 * data's latest date into an inclusive start..end and a readable label. The
 * latest date is the table's, not the clock's, so answers are reproducible. */
#ifndef SCOUT_PLANNER_TIMEEXPR_H
#define SCOUT_PLANNER_TIMEEXPR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    SCOUT_TX_NONE,
    SCOUT_TX_NOW,         /* "now", "currently", "right now": the latest date */
    SCOUT_TX_TODAY,       /* the latest date */
    SCOUT_TX_YESTERDAY,   /* the day before the latest date */
    SCOUT_TX_LAST_DAYS,   /* n days ending at the latest date */
    SCOUT_TX_LAST_MONTHS, /* n full months before the latest month */
    SCOUT_TX_THIS_WEEK,   /* Monday of the latest week .. latest */
    SCOUT_TX_LAST_WEEK,   /* the full Monday..Sunday week before */
    SCOUT_TX_THIS_MONTH,  /* month to date */
    SCOUT_TX_LAST_MONTH,
    SCOUT_TX_THIS_QUARTER,
    SCOUT_TX_LAST_QUARTER,
    SCOUT_TX_THIS_YEAR, /* year to date */
    SCOUT_TX_LAST_YEAR,
    SCOUT_TX_YEAR,    /* y */
    SCOUT_TX_HALF,    /* half q (1|2) of y (0 = latest) */
    SCOUT_TX_QUARTER, /* q of y (0 = latest such quarter in the data) */
    SCOUT_TX_MONTH,   /* m of y (0 = latest such month) */
    SCOUT_TX_SINCE,   /* from y-m-d (y 0 = latest, d 0 = 1) to the latest date */
    SCOUT_TX_RANGE,   /* y-m-d .. y2-m2-d2 (years 0 = latest) */
    SCOUT_TX_DAY      /* y-m-d */
} scout_tx_kind;

typedef struct scout_timeexpr {
    scout_tx_kind kind;
    int n;          /* LAST_DAYS, LAST_MONTHS */
    int y, q, m, d; /* QUARTER/HALF use q */
    int y2, m2, d2;
    bool end_of; /* "at the end of Q3": only the period's last day */
} scout_timeexpr;

/* Recognises a time expression starting at words[at]; on success fills *out
 * and *used (words consumed) and returns true. words are lower-case. */
bool scout_timeexpr_match(const char *const *words, size_t n, size_t at, scout_timeexpr *out,
                          size_t *used);

/* Resolves t against latest (YYYY-MM-DD): start/end (11 bytes each; an empty
 * start means open) and a label such as "last quarter = 2026-07-01..2026-09-30".
 * Returns false when latest is not a date or the period is impossible. */
bool scout_timeexpr_resolve(const scout_timeexpr *t, const char *latest, char start[11],
                            char end[11], char *label, size_t label_cap);

/* The period of the same kind right before t ("the quarter before"), as an
 * explicit range; false when t has no natural predecessor. */
bool scout_timeexpr_previous(const scout_timeexpr *t, scout_timeexpr *out);

/* Appends a short name of t's kind for JSON ("last_quarter", "since"). */
const char *scout_timeexpr_kind_name(scout_tx_kind k);

/* Month number (1..12) for "january"/"jan"/"sept", or 0. */
int scout_timeexpr_month(const char *word);

#endif
