/* answer — the short natural answer a person reads first, written from the
 * result itself (never from a model): the number or the leaders with units
 * (through render/format so "$1.2M" reads the same everywhere), the period
 * stated, the top movers named for comparisons, and what emptied a result
 * with no rows. */
#ifndef SCOUT_ASK_ANSWER_H
#define SCOUT_ASK_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "render/result.h"

/* What the text is written from. Everything is borrowed; only result is
 * required. Column roles and units in result decide the shape. */
typedef struct scout_answer_input {
    const scout_result *result;
    const char *period;       /* "last quarter = 2026-07-01..2026-09-30", or NULL */
    const char *filters;      /* "region = 'EMEA'", or NULL */
    const char *empty_filter; /* zero rows: the filter without which rows come back */
    long long empty_rows;     /* the row count without that filter (when known, else -1) */
    bool comparison;          /* the query compared periods or members */
    const char *counted;      /* what a plain row count counts ("tickets"), or NULL */
    int order;                /* the query's ranking: -1 lowest first, 1 highest first, 0 none */
} scout_answer_input;

/* The answer text (one to three sentences; caller frees). NULL only when out
 * of memory. */
char *scout_answer_text(const scout_answer_input *in);

/* A measure column's name as words: "net_revenue_usd" → "Net revenue",
 * "avg_mrr" → "Average MRR" (unit suffixes dropped, the aggregate said in
 * words, known abbreviations in capitals, first letter capitalised). dst is
 * NUL-terminated. */
void scout_answer_measure_words(const char *name, char *dst, size_t n);

/* The period phrase: "last quarter = 2026-07-01..2026-09-30" → "last quarter
 * (2026-07-01 to 2026-09-30)", "Q3 = …" → "in Q3 (…)", a single day
 * "yesterday (2026-11-23)". dst is NUL-terminated; "" when period is NULL. */
void scout_answer_period_words(const char *period, char *dst, size_t n);

#endif
