/* launch — periods anchored on a launch the docs date: "since the Lighthouse
 * launch", "in its first week", "the 30 days before the export launch". The
 * words are recognised here, without a catalog; the day itself comes from the
 * knowledge layer (scout_knowledge_launch_day) when the question is bound, so
 * the same words work for any documented launch. */
#ifndef SCOUT_PLANNER_LAUNCH_H
#define SCOUT_PLANNER_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    SCOUT_LAUNCH_NONE,
    SCOUT_LAUNCH_SINCE,  /* from the launch day to the latest date */
    SCOUT_LAUNCH_FIRST,  /* the `days` days starting on the launch day */
    SCOUT_LAUNCH_BEFORE, /* the `days` days ending the day before the launch */
} scout_launch_kind;

typedef struct scout_launch {
    scout_launch_kind kind;
    int days; /* FIRST, BEFORE: the window's length */
    /* words[name_from, name_to) name what launched ("Lighthouse"); empty when
     * the question leaves it implicit ("since launch", "its first week") */
    size_t name_from, name_to;
} scout_launch;

/* Recognises a launch-anchored period starting at words[at] (lower-case
 * words, as scout_timeexpr_match takes them); on success fills *out and
 * *used (words consumed, the name included) and returns true. */
bool scout_launch_match(const char *const *words, size_t n, size_t at, scout_launch *out,
                        size_t *used);

/* The inclusive start and end (YYYY-MM-DD) of l for a launch on day; false
 * when day is not a date. */
bool scout_launch_span(const scout_launch *l, const char *day, char start[11], char end[11]);

#endif
