/* launch.c — see launch.h. */
#include "planner/launch.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"

#define NAME_MAX_WORDS 3

static bool is(const char *const *words, size_t n, size_t i, const char *w)
{
    return i < n && !strcmp(words[i], w);
}

static bool any(const char *const *words, size_t n, size_t i, const char *const *set)
{
    for (; *set; set++)
        if (is(words, n, i, *set)) return true;
    return false;
}

/* The launch words at i: how many ("went live" is two), 0 when none. */
static size_t event_at(const char *const *words, size_t n, size_t i)
{
    static const char *const ONE[] = {"launch",  "launched", "release", "released",  "rollout",
                                      "shipped", "ga",       "debut",   "launching", NULL};
    if (any(words, n, i, ONE)) return 1;
    if ((is(words, n, i, "went") || is(words, n, i, "go")) && is(words, n, i + 1, "live")) return 2;
    return 0;
}

static bool name_word(const char *w)
{
    static const char *const NOT[] = {"the", "a",     "an",    "our",    "its", "their", "of",
                                      "in",  "since", "after", "before", "and", "was",   "is",
                                      "we",  "it",    "first", "last",   NULL};
    if (!w[0]) return false;
    for (const char *const *s = NOT; *s; s++)
        if (!strcmp(w, *s)) return false;
    for (const char *p = w; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') return false;
    return true;
}

/* "[the] [NAME…] launch" from i: on success the name's range and the index
 * after the launch words. "the launch" (no name) is implicit. */
static bool named_event(const char *const *words, size_t n, size_t i, size_t *from, size_t *to,
                        size_t *next)
{
    if (is(words, n, i, "the") || is(words, n, i, "its") || is(words, n, i, "their")) i++;
    *from = i;
    size_t k = i;
    while (k < n && k - i < NAME_MAX_WORDS && !event_at(words, n, k) && name_word(words[k])) k++;
    size_t ev = event_at(words, n, k);
    if (!ev) return false;
    *to = k;
    *next = k + ev;
    return true;
}

/* "week" → 7, "2 weeks" → 14, "30 days" → 30, "month" → 30 from i; the
 * words used in *used. 0 when i is no length. */
static int length_at(const char *const *words, size_t n, size_t i, size_t *used)
{
    int count = 1;
    size_t k = i;
    if (k < n && isdigit((unsigned char)words[k][0])) {
        count = atoi(words[k]);
        k++;
    }
    if (count < 1 || count > 3660) return 0;
    static const struct {
        const char *unit;
        int days;
    } UNITS[] = {{"day", 1},    {"days", 1},    {"week", 7},   {"weeks", 7},
                 {"month", 30}, {"months", 30}, {"year", 365}, {"years", 365}};
    for (size_t u = 0; u < sizeof UNITS / sizeof UNITS[0]; u++)
        if (is(words, n, k, UNITS[u].unit)) {
            *used = k + 1 - i;
            return count * UNITS[u].days;
        }
    return 0;
}

/* "since the Lighthouse launch", "after Lighthouse launched", "since launch" */
static bool match_since(const char *const *words, size_t n, size_t at, scout_launch *out,
                        size_t *used)
{
    if (!is(words, n, at, "since") && !is(words, n, at, "after")) return false;
    size_t from, to, next;
    if (!named_event(words, n, at + 1, &from, &to, &next)) return false;
    *out = (scout_launch){SCOUT_LAUNCH_SINCE, 0, from, to};
    *used = next - at;
    return true;
}

/* "[in] its first week", "the first 30 days after the export launch",
 * "the week after launch", "the 2 weeks before the Lighthouse launch" */
static bool match_window(const char *const *words, size_t n, size_t at, scout_launch *out,
                         size_t *used)
{
    size_t i = at;
    if (is(words, n, i, "in") || is(words, n, i, "during") || is(words, n, i, "over")) i++;
    bool its = is(words, n, i, "its") || is(words, n, i, "their");
    if (!its && !is(words, n, i, "the")) return false;
    i++;
    bool first = is(words, n, i, "first");
    if (first) i++;
    size_t lu = 0;
    int days = length_at(words, n, i, &lu);
    if (!days) return false;
    i += lu;
    scout_launch l = {SCOUT_LAUNCH_FIRST, days, 0, 0};
    bool before = is(words, n, i, "before");
    if (before || is(words, n, i, "after") || is(words, n, i, "of") || is(words, n, i, "since")) {
        size_t from, to, next;
        if (named_event(words, n, i + 1, &from, &to, &next)) {
            l.kind = before ? SCOUT_LAUNCH_BEFORE : SCOUT_LAUNCH_FIRST;
            l.name_from = from, l.name_to = to;
            *out = l;
            *used = next - at;
            return true;
        }
    }
    /* "in the first week" alone is any period's first week; "its first
     * week" is the launched thing's */
    if (!its || !first) return false;
    l.name_from = l.name_to = at;
    *out = l;
    *used = i - at;
    return true;
}

bool scout_launch_match(const char *const *words, size_t n, size_t at, scout_launch *out,
                        size_t *used)
{
    return match_since(words, n, at, out, used) || match_window(words, n, at, out, used);
}

bool scout_launch_span(const scout_launch *l, const char *day, char start[11], char end[11])
{
    int y, m, d;
    if (!day || !scout_date_parse(day, &y, &m, &d)) return false;
    int64_t launch = scout_days_from_civil(y, m, d);
    int64_t from = launch, to = launch;
    switch (l->kind) {
    case SCOUT_LAUNCH_SINCE:
        scout_date_format(from, start);
        end[0] = 0; /* open: to the latest date */
        return true;
    case SCOUT_LAUNCH_FIRST:
        to = launch + l->days - 1;
        break;
    case SCOUT_LAUNCH_BEFORE:
        from = launch - l->days, to = launch - 1;
        break;
    case SCOUT_LAUNCH_NONE:
        return false;
    }
    scout_date_format(from, start);
    scout_date_format(to, end);
    return true;
}
