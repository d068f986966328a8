/* question_int.h — internal to the question parser, shared by question.c
 * (analysis), bind.c (loading a table, the binder core, scout_question_bind)
 * and bind_measure.c (measures, thresholds, money, durations, time, rates).
 * Not a public header: include only from those three files.
 *
 * Naming: the public API stays scout_question_* (question.h). A helper used
 * by more than one of these files loses its `static` and gains the short
 * module prefix `qn_` (DESIGN.md §4); helpers used in one file stay static
 * with their original names. */
#ifndef SCOUT_PLANNER_QUESTION_INT_H
#define SCOUT_PLANNER_QUESTION_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "planner/launch.h"
#include "planner/question.h"
#include "planner/timeexpr.h"

#define MAX_TOKENS   400
#define MAX_DIMS     4
#define MAX_NUMF     4
#define MAX_REL      6
#define WORD_MAX     64
#define MAX_MEASURES 3
#define MAX_NB       6
#define MAX_VALS     16 /* value matches one question binds */

/* What claimed a word during analysis. */
enum { DIM_FIRM = 0, DIM_SOFT, DIM_LOOSE };
enum { U_FREE = 0, U_STOP, U_TIME, U_GRAIN, U_RANK, U_CMP, U_AGG, U_NUM, U_DIM, U_FILLER };

typedef struct qtok {
    char w[WORD_MAX];    /* folded */
    char orig[WORD_MAX]; /* as written (for short codes such as "NA") */
    char stem[WORD_MAX];
    char rel[MAX_REL][WORD_MAX]; /* related stems: abbreviation expansion, thesaurus */
    double relw[MAX_REL];
    int n_rel;
    bool is_num, money;
    bool poss; /* written with a possessive "'s" ("Growth's") */
    double num;
    int used;
    size_t off, len; /* where it is in the question text */
} qtok;

typedef struct span {
    size_t from, to; /* [from, to) token indexes */
} span;

typedef struct numfilter {
    scout_op op;
    double value;
    bool money;
    bool status_class;   /* "5xx": only a status column compares */
    size_t at;           /* the number's token */
    char unit[WORD_MAX]; /* "ms", "days", "seats": the word after the number */
    char per[8];         /* "month" for "$500 a month", "year" for "$2k per year", else "" */
} numfilter;

typedef enum { CMP_NONE, CMP_PREV, CMP_YEAR, CMP_MEMBERS, CMP_PERIOD, CMP_AGO } cmp_kind;

struct scout_question {
    char *text;
    qtok *t;
    size_t n;
    scout_agg agg;
    bool agg_set;
    bool has_time, has_time2;
    scout_timeexpr time, time2;
    scout_grain grain;
    bool over_time; /* "trend", "over time": a grain chosen at bind time */
    int rank;       /* +1 highest first, -1 lowest first, 0 none */
    int64_t limit;
    bool rank_which; /* "which X ... most": one row unless a number is given */
    bool rank_all;   /* "rank the X by Y": every member, ordered, no size */
    bool who;        /* "who ... the most": the one ranked is a person */
    cmp_kind cmp;
    scout_grain ago; /* CMP_AGO: "a month ago" — the same dates one such period earlier */
    bool growth;
    bool now;        /* "now", "current": the latest value of a level */
    bool net_change; /* "added", "gained", "net new": a level's change over the period */
    int snap; /* "on the first (-1) / last (+1) day of each month": which point of each period */
    bool point_avg; /* "average daily revenue": the average of the per-day totals */
    bool how_much;  /* "how much": an amount, not a count of things */
    span dims[MAX_DIMS];
    /* DIM_SOFT: a guess from word order, dropped when no text column fits;
     * DIM_LOOSE: a phrase whose words not naming the column stay open */
    unsigned char dim_soft[MAX_DIMS];
    bool dim_across[MAX_DIMS]; /* said after "across": maybe the set summed over */
    /* where the phrase would end read through words analysis took as filler
     * ("by account type": "type"), for a column whose name it says in full */
    size_t dim_reach[MAX_DIMS];
    size_t n_dims;
    bool when;       /* "when did ...": the answer is a date column's value */
    bool listing;    /* "which X have a target above 200 ms": X listed, dims[0] */
    bool lookup;     /* "which team owns the export service": X of the rows named, dims[0] */
    size_t how_many; /* token after "how many" (0: not asked) */
    numfilter nf[MAX_NUMF];
    size_t n_nf;
    /* "since the Lighthouse launch": a period anchored on a documented launch,
     * made concrete by scout_question_place_launch (time, time_name) */
    scout_launch launch;
    size_t launch_at, launch_end; /* the words of the launch period */
    unsigned char launch_was[16]; /* how they were read before (stop words) */
    char time_name[96];           /* the period as the question said it; "" = the usual label */
    char *launch_note;            /* "the Lighthouse launch = 2026-06-02 (doc: …)" */
    /* "hours to resolve", "time to first response", "how long does it take
     * to close": a duration up to an event; dur_at is the event word's
     * token (0: no duration asked), dur_unit NONE when no unit is said */
    size_t dur_at;
    /* "queue time", "render latency", "build duration": a time noun after
     * the word x it times (timed_at: the noun's token, 0: none); a column
     * named x plus a duration unit (queue_ms) measures it */
    size_t timed_at;
    int speed;      /* "slowest" / "longest" +1, "fastest" / "quickest" -1: ranked by a duration */
    bool list_days; /* "Days this year where ...": the days that pass, listed */
    size_t breach_at; /* "broke its SLO": the limit noun's token (0: none) */
    int breach_dir;   /* +1 above the limit ("broke", "exceeded"), -1 below ("missed a goal") */
    scout_dur_unit dur_unit;
};

/* ---- binding: the table as the parser sees it ---- */

#define SET_MAX 1024

typedef struct bcol {
    const char *name, *type, *max;
    bool numeric, is_id, is_time;
    bool from_metric; /* rolled up from the column a curated metric sums */
    double null_rate;
    char names[SET_MAX], syns[SET_MAX], desc[SET_MAX]; /* " stem stem " */
    char phrases[SET_MAX];                             /* each synonym whole: "|stem stem|stem|" */
    char mods[SET_MAX]; /* words that only qualify a synonym's head ("account" of
                           "account executive"): alone they name something else */
    json_t *top;        /* borrowed from the card */
} bcol;

typedef struct bmetric {
    const char *name, *time_col; /* time_col: the curated time column, "" if none */
    bool money;                  /* sums an amount (sum(x_usd)): not an answer to "how many" */
    char filters[256];           /* its curated row filters as JSON text ("" if none) */
    char names[SET_MAX], syns[SET_MAX], desc[SET_MAX];
    char phrases[SET_MAX];
} bmetric;

typedef struct btable {
    json_t *card;
    const char *fqname, *freshness, *time_col, *trust, *grain;
    bcol *cols;
    size_t n_cols;
    bmetric *mets;
    size_t n_mets;
    char names[SET_MAX];   /* table name, synonyms */
    char phrases[SET_MAX]; /* its synonyms whole: "|new user|signup|" */
    char subject[SET_MAX]; /* what it is about: its name's words and each synonym's last word
                              ("new users" is about users; "new" says which) */
    char desc[SET_MAX];    /* its description: what it holds ("currently open tickets") */
    char latest[11];
    int period_text; /* 7: months as "YYYY-MM" text; 8: quarters as "YYYY-Qn" */
} btable;

/* ---- binding: state per table ---- */

typedef struct vmatch {
    const btable *t; /* the base table or a joined neighbour */
    size_t col;
    char *value; /* the column's value as stored */
    size_t from, to;
} vmatch;

typedef struct binder {
    const scout_question *q;
    btable *bt;
    int used[MAX_TOKENS]; /* per-bind claims, starting from the analysis */
    scout_buf why, missing;
    vmatch vals[MAX_VALS];
    size_t n_vals;
    scout_semantic *s;
    btable nb[MAX_NB]; /* tables one join away, same source */
    bool nb_m2o[MAX_NB], nb_used[MAX_NB];
    size_t n_nb;
    size_t dim_at[MAX_DIMS]; /* 1 + the dimension each phrase became, 0 for none */
    scout_catalog *cat;
    size_t counted_elsewhere; /* 1 + the counted noun naming another table's rows, 0: none */
    size_t actor, actor_at;   /* 1 + the id column "how many <people> did X" counts, its noun */
} binder;

enum { B_VALUE = 20, B_TABLE, B_MEASURE, B_COLUMN };

typedef struct pick {
    bool metric;
    size_t idx;
    double score;
} pick;

/* question.c: small helpers and tokenising */
char *qn_dupstr(const char *s);
void qn_copy_word(char *dst, const char *src, size_t n);
bool qn_tok_is(const scout_question *q, size_t i, const char *w);
bool qn_tok_any(const scout_question *q, size_t i, const char *const *ws);
bool qn_word_byte(unsigned char c);
void qn_fold(const char *s, size_t n, char *out);
scout_grain qn_grain_word(const char *w);
bool qn_in_launch(const scout_question *q, size_t i);

/* bind.c: the table as the parser sees it and the binder core */
bool qn_in_set(const char *set, const char *stem);
double qn_tok_in(const qtok *t, const char *set);
double qn_col_word(const bcol *c, const qtok *t);
double qn_met_word(const bmetric *m, const qtok *t);
const char *qn_jstr(json_t *o, const char *k);
int qn_period_label(const char *s);
bool qn_open_tok(const binder *b, size_t i);
void qn_note(scout_buf *buf, const char *fmt, const char *a, const char *c);
double qn_unmatched_names(const binder *b, const char *names, const char *implied);
bool qn_phrase_said(const binder *b, const char *phrases);
bool qn_phrase_said_by(const binder *b, const char *phrases, bool any_word);
double qn_own_word(const binder *b, size_t i);
bool qn_metric_overruled(const binder *b, const bmetric *m);
pick qn_best_measure(binder *b, bool ids_too, const bool *taken);
void qn_claim_measure(binder *b, pick p);
int qn_measure_nature(const bcol *c);
scout_rc qn_push_measure(scout_semantic *s, scout_agg agg, const char *col, const char *metric,
                         scout_over_time ot);
scout_rc qn_push_dim(scout_semantic *s, const char *col);
scout_rc qn_push_filter(scout_semantic *s, const char *col, scout_op op, size_t n);
scout_rc qn_push_assumption(scout_semantic *s, const char *text);
int qn_outcome_at(const scout_question *q, size_t i);
const char *qn_outcome_event(int k);
bool qn_keys_rows(const btable *bt, size_t c);
bool qn_past_tense(const qtok *t);

/* bind_measure.c: measures, thresholds, money, durations, actors, time, rates */
bool qn_money_col(const bcol *c);
scout_rc qn_bind_numeric(binder *b, scout_question_fit *fit, size_t *matched);
bool qn_preaggregated(const btable *bt);
bool qn_count_like(const bcol *c);
double qn_shared_words(const char *a, const char *b);
void qn_check_money(binder *b, scout_question_fit *fit);
void qn_check_duration(binder *b, scout_question_fit *fit);
size_t qn_actor_noun(const scout_question *q);
void qn_find_actor(binder *b);
scout_rc qn_bind_measures(binder *b, scout_question_fit *fit, bool *level);
bool qn_month_text(const bcol *c);
void qn_choose_time_col(binder *b);
scout_rc qn_set_over_time(binder *b);
scout_rc qn_bind_time(binder *b, scout_question_fit *fit, bool level, scout_grain grain);
size_t qn_col_index(const btable *bt, const char *name);
scout_rc qn_bind_rate(binder *b);
scout_rc qn_set_point_average(binder *b, bool level);
bool qn_has_threshold(const scout_semantic *s);
bool qn_filters_column(const scout_semantic *s, const char *col);

#endif
