/* question — turns a plain-English question into a semantic query, in two
 * steps so discovery can compare tables: analyse the words once (time range
 * expression, grain, ranking, comparison, value mentions, measure and
 * dimension phrases), then bind that analysis to one candidate table's card
 * (columns, types, top values, metrics, synonyms, time column, freshness),
 * which yields a semantic query plus how well the table fits and why.
 * Deterministic; no model. */
#ifndef SCOUT_PLANNER_QUESTION_H
#define SCOUT_PLANNER_QUESTION_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "catalog/catalog.h"
#include "planner/semantic.h"

#define SCOUT_QUESTION_MAX 4000 /* bytes; longer questions are refused */

typedef struct scout_question scout_question; /* the table-independent analysis */

/* Analyses question. SCOUT_EUSER with a one-line message for empty, too long,
 * binary/control-character input, SQL text or nothing recognisable. The
 * analysis may be serialised for --json/debugging with scout_question_json. */
scout_rc scout_question_analyze(const char *question, scout_question **out, scout_err *err);

void scout_question_free(scout_question *q);

/* Dates a launch-anchored period ("since the Lighthouse launch", "in its
 * first week") from the knowledge layer, as who may read it; the period then
 * binds like any other, labelled with the question's words and with the
 * launch day as an assumption. A question without one, or a launch nobody
 * dated, is left as it is. Call once after scout_question_analyze. */
scout_rc scout_question_place_launch(scout_question *q, scout_catalog *cat,
                                     const scout_principal *who, scout_err *err);

/* Appends the question as search should read it: the words of its time
 * expression ("the first half of 2025", "last quarter") blanked out, since
 * they name a period any dated table can apply, not what the question is
 * about ("first" would match "first paid month" in a cohort table). */
scout_rc scout_question_search_text(const scout_question *q, scout_buf *out);

/* Appends the analysis as JSON (phrases found, time expression, grain, ...). */
scout_rc scout_question_json(const scout_question *q, scout_buf *out, scout_err *err);

/* How one table fits the question. */
typedef struct scout_question_fit {
    double score;     /* 0..1: share of the question's needs this table meets */
    bool has_measure; /* a measure column or curated metric matched */
    bool by_metric;   /* that measure is a curated metric the question names */
    bool metric_copy; /* ... carried by a column rolled up from the metric's own */
    bool has_time;    /* the question's period can be applied (time column) */
    bool wants_time;  /* the question names a period or a grain at all */
    /* The noun the question counts ("how many accounts") or ranks by ("top
     * 5 accounts") names this table's own rows (its name or synonyms), read
     * on the table itself, not through a join: the table is that entity. */
    bool rows_are_entity;
    /* The period sits on a cohort or signup column while the measure counts
     * something else than the members (invoices of customers by cohort
     * month): when they joined, not when it happened. */
    bool period_on_cohort;
    /* "How many users used export": COUNT(DISTINCT user_id) on the rows of
     * the act, each one who did it once, in the act's own period. */
    bool counts_actors;
    size_t dims_matched, dims_wanted;
    size_t values_matched, values_wanted;
    size_t unplaced; /* lowercase words nothing in the table matches */
    /* Thresholds of the question no column here can compare ("$75k" on a
     * table without an amount of money): its answer would drop the filter. */
    size_t thresholds_dropped;
    /* The question asks for money ("revenue", "how much did we win") and the
     * table holds none: what it sums or counts instead is not the answer. */
    bool lacks_money;
    /* The question asks how long something takes ("queue time") and no
     * column here times it: a count or sum of something else is no answer. */
    bool lacks_duration;
    /* The question's words as stems, " a b ", for comparing tables: those
     * the table's name or curated synonyms say exactly (its subject:
     * "tickets" of support.tickets_daily), and those nothing in it matches.
     * NULL when none; freed by scout_question_fit_free. */
    char *subject_stems, *unplaced_stems;
    /* The values this table filters on, as the question's stems, one value
     * per entry and its words joined by '+' (" sync closed+won "), NULL when
     * none: a sibling that places none of a value's words drops a filter
     * the question asks for. */
    char *value_stems;
    /* The question's capitalised words nothing in the table places, as typed
     * (" Antarctica "), NULL when none: a value the asker filters on that the
     * answer would silently ignore. */
    char *unplaced_values;
    char *why; /* "measure net_revenue_usd (metric net_revenue); region holds 'EMEA'; time day" */
    char *missing; /* what it lacks, NULL if nothing: "no column holds 'Android'" */
} scout_question_fit;

/* Binds the analysis to table fqname using the catalog (its card). On success
 * *out is a validated semantic query (caller frees) with assumptions filled
 * (period resolved relative to the table's latest date, e.g. "last quarter =
 * 2026-07-01..2026-09-30, the latest full quarter in the data"), and fit is
 * filled (caller frees fit->why/missing with scout_question_fit_free). When
 * the table cannot answer at all, returns SCOUT_ENOTFOUND with fit->missing
 * saying why. who filters what the binding may read from the card. */
scout_rc scout_question_bind(const scout_question *q, scout_catalog *cat, const char *fqname,
                             const scout_principal *who, scout_semantic **out,
                             scout_question_fit *fit, scout_err *err);

void scout_question_fit_free(scout_question_fit *fit);

#endif
