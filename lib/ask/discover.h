/* discover — discovery before analysis: gather candidate tables for a
 * question (search, permission-pruned for the asker, plus the lookalikes of
 * the leaders so the answer can say why not them), bind the analysed
 * question to each, score each on what the question needs (measure,
 * dimensions, filter values, time column), trust tier, freshness and search
 * rank, then choose — or say plainly that the best two are too close or that
 * nothing fits, instead of guessing. Every candidate carries its reasons. */
#ifndef SCOUT_ASK_DISCOVER_H
#define SCOUT_ASK_DISCOVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ask/event.h"
#include "base/err.h"
#include "catalog/catalog.h"
#include "planner/question.h"
#include "planner/semantic.h"
#include "search/search.h"

typedef enum scout_trust_tier {
    SCOUT_TIER_NORMAL = 0,
    SCOUT_TIER_SOURCE_OF_TRUTH,
    SCOUT_TIER_DEPRECATED
} scout_trust_tier;

/* What scoring looks at for one candidate (pure data, so it can be tested). */
typedef struct scout_discover_signals {
    bool bound;               /* the question could be bound to the table at all */
    double fit;               /* 0..1: share of the question's needs met (the binding) */
    bool has_measure;         /* measure column or curated metric found */
    bool by_metric;           /* the measure is a curated metric the question names */
    bool metric_copy;         /* ... as a column rolled up from the metric's own column */
    bool needs_time;          /* the question names a period or a grain */
    bool has_time;            /* and the table can apply it */
    double search_rel;        /* search score / best search score, 0..1 (0 = not a hit) */
    scout_trust_tier trust;   /* curated/derived tier */
    bool staging;             /* raw/staging/tmp/backfill/archive layer by name */
    double stale_days;        /* days behind the freshest candidate; < 0 = unknown */
    bool averages_finer;      /* averages or distinct counts per grain from finer rows
                                 (weekly p95 as the mean of daily p95s), or over a grain
                                 column the question leaves alone (active users per day and
                                 platform): not the same number */
    bool grain_too_coarse;    /* the question asks for a finer grain than the table keeps
                                 ("for each day" of a weekly table) */
    bool counts_items;        /* counts the rows of a one-row-per-item table (its card's grain
                                 is a single unique key): "how many users" from the users */
    bool finer_than_asked;    /* sums a column over category columns the question leaves
                                 alone, while another candidate sums the same column with
                                 none left over (requests per service and component vs per
                                 service): the extra rows may repeat the value */
    bool rows_are_entity;     /* one row per the entity the question counts or ranks, named
                                 so ("how many accounts" of dim_accounts, "top 5 accounts"
                                 of account_summary), read without a join; lifted when
                                 modelled (not a raw or staging copy) */
    bool counts_other_entity; /* counts its rows for "how many X" while its rows are not
                                 X and another candidate's are (users with an account
                                 type counted for "how many accounts") */
    bool period_on_cohort;    /* the question's period placed on a cohort/signup month while
                                 the measure is not the members (the fit says so) */
    bool counts_actors;       /* "how many users used export": distinct ids on the rows of
                                 the act (the fit says so), each one who did it once */
    bool sample_counts;       /* counts or sums the rows of a sample of another table
                                 ("1% sample of feature_events"): a fraction of the answer */
    bool grain_straddles;     /* the table keeps weeks and the question asks for months,
                                 quarters or years, or a period that cuts weeks: a week
                                 across two months cannot be split between them */
    int subject;              /* question words the table's name or synonyms say ("revenue",
                                 "monthly" of revenue_monthly): what it is about */
    int others_subject;       /* question words nothing here matches that name another
                                 candidate's subject ("ticket volume" asked of request
                                 latency, while tickets_daily is named so) */
    int drops_values;         /* question words nothing here matches that another candidate
                                 filters on as a value ("sync ticket volume": tickets holds
                                 category 'sync', tickets_daily has no category) */
    bool lacks_money;         /* the question asks for money ("revenue", "how much did we
                                 win") and the table holds none */
    bool lacks_duration;      /* the question asks how long something takes ("queue time")
                                 and no column here times it */
    int drops_threshold;      /* the question's thresholds no column here compares ("$75k" on
                                 a table without an amount of money) */
} scout_discover_signals;

/* The score of one candidate, 0..1. Fit leads (0.6), search relevance
 * behind (0.3); a curated metric the question names lifts (0.12); a missing
 * measure or period costs; a source of truth is lifted a little (search
 * already ranks it up), a deprecated table pushed far down, staging copies
 * and stale tables a little. Unbound → search evidence only (fit 0, no
 * measure): at most 0.22, below any table that answers well. */
double scout_discover_score(const scout_discover_signals *s);

/* One candidate. Everything is owned by the discovery. */
typedef struct scout_candidate {
    char *table;         /* fqname */
    double score;        /* scout_discover_score */
    double search_score; /* raw search score; 0 when added as a lookalike */
    int search_rank;     /* 1-based; 0 = not a search hit (lookalike) */
    scout_discover_signals sig;
    scout_question_fit fit; /* why/missing owned */
    scout_semantic *query;  /* bound query; NULL when the binding failed */
    char *trust_reason;     /* curated reason ("double-counts refunds"), or NULL */
    char *deprecated_by;    /* the replacement, or NULL */
    char *freshness;        /* latest date, or NULL */
    char *doc;              /* a doc or thread that explains the tier, "heading (uri)" */
    char *lookalike_of;     /* set when added as a lookalike of a leader */
    bool item_grain;        /* one row per item (single unique key), from the card */
    char *why;              /* one line: why it fits (winner) */
    char *why_not;          /* one line: why it was not chosen (others); NULL for the winner */
} scout_candidate;

typedef enum scout_discover_verdict {
    SCOUT_DISCOVER_CHOSEN = 0,
    SCOUT_DISCOVER_AMBIGUOUS,   /* the best two are too close to call */
    SCOUT_DISCOVER_NOTHING_FITS /* no candidate can answer the question */
} scout_discover_verdict;

typedef struct scout_discovery {
    scout_candidate *c; /* best first */
    size_t n;
    scout_discover_verdict verdict;
    int chosen;        /* index into c, or -1 */
    double margin;     /* score(best) - score(second); 1 when alone */
    double confidence; /* 0..1 in the choice */
    char *message;     /* AMBIGUOUS / NOTHING_FITS: what to tell the asker */
} scout_discovery;

typedef struct scout_discover_opts {
    scout_catalog *cat;
    scout_search *search;              /* required unless force_table */
    const char *question;              /* the raw text (for search) */
    const scout_principal *who;        /* the asker */
    const scout_search_policy *policy; /* NULL = search's default */
    size_t k;                          /* candidates from search; 0 = 10 */
    const char *force_table;           /* the asker chose: bind only this (fqname) */
    double min_score;                  /* below this nothing fits; 0 = 0.25 */
    double ambiguity_margin;           /* best two closer than this → ask; 0 = 0.03 */
    scout_event_stream *events;        /* may be NULL */
    const scout_embedder *embedder;    /* dense retrieval fused into search; NULL = lexical */
} scout_discover_opts;

/* Runs discovery for the analysed question q. Emits `candidates` and
 * `table_choice` events. SCOUT_EUSER when search finds nothing at all for the
 * words (the question names nothing scout knows). Otherwise *out is filled
 * (free with scout_discovery_free) whatever the verdict. */
scout_rc scout_discover_run(const scout_discover_opts *o, const scout_question *q,
                            scout_discovery **out, scout_err *err);

void scout_discovery_free(scout_discovery *d);

/* The chosen candidate, or NULL. Borrowed. */
const scout_candidate *scout_discovery_chosen(const scout_discovery *d);

/* {"candidates":[{table, score, fit, search_rank, trust, why, missing?, why_not?}]}. */
json_t *scout_discovery_candidates_json(const scout_discovery *d);

/* {"table", "why", "confidence", "margin", "verdict", "rejected":[{table, why}], "message"?}. */
json_t *scout_discovery_choice_json(const scout_discovery *d);

/* Heuristic: the name says raw/staging/tmp/backfill/archive/snapshot/old. */
bool scout_discover_is_staging(const char *fqname);

#endif
