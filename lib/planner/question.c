/* question.c — the deterministic question parser (see question.h). Analysis
 * tokenises the question and claims words for constructs it recognises
 * (time, grain, ranking, comparison, aggregation, numeric filters, dimension
 * phrases); binding matches what is left against one table's card (column
 * names, split identifiers, synonyms, descriptions, metric names and top
 * values) and assembles a semantic query. Words nobody claims are reported,
 * never silently dropped. */
#include "planner/question.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/fsutil.h"
#include "planner/joins.h"
#include "planner/launch.h"
#include "planner/timeexpr.h"
#include "search/synonyms.h"
#include "catalog/curated.h"
#include "catalog/knowledge.h"
#include "search/text.h"

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

/* ---- small helpers ---- */

static char *dupstr(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p) memcpy(p, s, n + 1);
    return p;
}

static void copy_word(char *dst, const char *src, size_t n)
{
    if (n >= WORD_MAX) n = WORD_MAX - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static bool tok_is(const scout_question *q, size_t i, const char *w)
{
    return i < q->n && strcmp(q->t[i].w, w) == 0;
}

static bool tok_any(const scout_question *q, size_t i, const char *const *ws)
{
    for (; *ws; ws++)
        if (tok_is(q, i, *ws)) return true;
    return false;
}

static void claim(scout_question *q, size_t from, size_t to, int how)
{
    for (size_t i = from; i < to && i < q->n; i++) q->t[i].used = how;
}

/* ---- input checks ---- */

static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return true;
    }
    return false;
}

/* A statement rather than a question: starts with an SQL verb and carries
 * SQL structure. "select the top 5 plans" stays a question. */
static bool looks_like_sql(const scout_question *q, const char *text)
{
    static const char *const verbs[] = {"select", "insert", "update",   "delete", "drop",
                                        "create", "alter",  "truncate", "grant",  "pragma",
                                        "attach", "with",   NULL};
    if (q->n == 0 || !tok_any(q, 0, verbs)) return false;
    if (strchr(text, ';') || strchr(text, '*')) return true;
    for (size_t i = 1; i < q->n; i++)
        if (tok_is(q, i, "from") || tok_is(q, i, "table") || tok_is(q, i, "into") ||
            tok_is(q, i, "set") || tok_is(q, i, "where"))
            return true;
    return false;
}

/* ---- tokenising ---- */

static bool word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* Parses "$1,000", "50k", "1.5m", "60" into value; false if not a number. */
static bool parse_number(const char *s, size_t len, double *value, bool *money)
{
    char buf[WORD_MAX];
    size_t k = 0;
    *money = false;
    size_t i = 0;
    if (i < len && s[i] == '$') *money = true, i++;
    bool digit = false;
    for (; i < len && k + 1 < sizeof buf; i++) {
        if (isdigit((unsigned char)s[i]))
            buf[k++] = s[i], digit = true;
        else if (s[i] == '.' && i + 1 < len && isdigit((unsigned char)s[i + 1]))
            buf[k++] = '.';
        else if (s[i] == ',' && digit && i + 1 < len && isdigit((unsigned char)s[i + 1]))
            continue;
        else
            break;
    }
    if (!digit) return false;
    buf[k] = 0;
    double v = strtod(buf, NULL);
    if (i < len) {
        /* "50k", "2m", "1b": a scaled amount, read as money */
        char suf = (char)tolower((unsigned char)s[i]);
        if ((suf != 'k' && suf != 'm' && suf != 'b') || i + 1 != len) return false;
        v *= suf == 'k' ? 1e3 : suf == 'm' ? 1e6 : 1e9;
        *money = true;
    }
    *value = v;
    return true;
}

static void fold(const char *s, size_t n, char *out)
{
    if (n >= WORD_MAX) n = WORD_MAX - 1;
    for (size_t i = 0; i < n; i++) out[i] = (char)tolower((unsigned char)s[i]);
    out[n] = 0;
}

/* One token starting at s[i]: an ISO date, a number ($1,000 / 50k / 2.5), or
 * a word of letters and digits (with a trailing "'s" dropped). */
static size_t token_end(const char *s, size_t len, size_t i)
{
    size_t j = i;
    if (len - i >= 10 && isdigit((unsigned char)s[i]) && s[i + 4] == '-' && s[i + 7] == '-') {
        bool iso = true;
        for (size_t k = 0; k < 10; k++)
            if (k != 4 && k != 7 && !isdigit((unsigned char)s[i + k])) iso = false;
        if (iso) return i + 10;
    }
    if (s[j] == '$' || isdigit((unsigned char)s[j])) {
        j++;
        while (j < len &&
               (isdigit((unsigned char)s[j]) ||
                ((s[j] == ',' || s[j] == '.') && j + 1 < len && isdigit((unsigned char)s[j + 1]))))
            j++;
        while (j < len && isalpha((unsigned char)s[j])) j++; /* 50k, 3rd, p95 handled below */
        return j;
    }
    while (j < len && word_byte((unsigned char)s[j])) j++;
    return j;
}

static scout_rc tokenise(scout_question *q, const char *s, size_t len, scout_err *err)
{
    q->t = calloc(MAX_TOKENS, sizeof *q->t);
    if (!q->t) return scout_err_set(err, SCOUT_ENOMEM, "out of memory analysing the question");
    size_t i = 0;
    while (i < len && q->n < MAX_TOKENS) {
        unsigned char c = (unsigned char)s[i];
        if (!word_byte(c) && c != '$') {
            i++;
            continue;
        }
        if (c == '$' && (i + 1 >= len || !isdigit((unsigned char)s[i + 1]))) {
            i++;
            continue;
        }
        size_t j = token_end(s, len, i);
        if (j == i) j = i + 1;
        qtok *t = &q->t[q->n++];
        t->off = i, t->len = j - i;
        copy_word(t->orig, s + i, j - i);
        fold(s + i, j - i, t->w);
        t->is_num = parse_number(s + i, j - i, &t->num, &t->money);
        if (t->w[0] == '$') memmove(t->w, t->w + 1, strlen(t->w));
        /* "year's" → "year": possessives carry no meaning here. */
        if (j + 1 < len && s[j] == '\'' && (s[j + 1] == 's' || s[j + 1] == 'S') &&
            (j + 2 >= len || !word_byte((unsigned char)s[j + 2]))) {
            t->poss = true;
            j += 2;
        }
        i = j;
    }
    if (i < len) return scout_err_set(err, SCOUT_EUSER, "the question has too many words");
    return SCOUT_OK;
}

typedef struct relctx {
    qtok *t;
} relctx;

static void add_rel(void *ud, const char *stem, double weight, scout_syn_origin origin,
                    const char *via)
{
    (void)origin, (void)via;
    qtok *t = ((relctx *)ud)->t;
    if (t->n_rel >= MAX_REL || strlen(stem) >= WORD_MAX || strcmp(stem, t->stem) == 0) return;
    copy_word(t->rel[t->n_rel], stem, strlen(stem));
    t->relw[t->n_rel++] = weight;
}

/* Stems every word and records related stems (abbreviations expanded: "rev"
 * → revenue; thesaurus: "turnover" ~ revenue) with the search module's own
 * normalisation, so the parser and retrieval agree on vocabulary. */
static scout_rc stem_all(scout_question *q, scout_err *err)
{
    scout_text *tx = NULL;
    scout_synonyms *syn = NULL;
    scout_rc rc = scout_text_new(&tx, err);
    if (rc == SCOUT_OK) rc = scout_synonyms_new(tx, "/nonexistent-wordnet", &syn, err);
    for (size_t i = 0; rc == SCOUT_OK && i < q->n; i++) {
        qtok *t = &q->t[i];
        if (!scout_text_stem(tx, t->w, strlen(t->w), t->stem, sizeof t->stem))
            copy_word(t->stem, t->w, strlen(t->w));
        if (scout_text_is_stop(t->w, strlen(t->w)) && t->used == U_FREE) t->used = U_STOP;
        const char *full = scout_synonyms_abbrev(syn, t->w);
        if (full) {
            char st[WORD_MAX];
            if (scout_text_stem(tx, full, strlen(full), st, sizeof st)) {
                copy_word(t->rel[0], st, strlen(st));
                t->relw[0] = 1.0;
                t->n_rel = 1;
            }
        }
        relctx rcx = {t};
        scout_synonyms_expand(syn, t->w, t->stem, 0, add_rel, &rcx);
    }
    scout_synonyms_free(syn);
    scout_text_free(tx);
    return rc;
}

/* ---- analysis: constructs ---- */

static const char *const VS[] = {"vs", "versus", "compared", "compare", "than", "against", NULL};

/* "since the Lighthouse launch", "in its first week": the words are the
 * period; its day is found when the question is placed against the
 * knowledge layer (scout_question_place_launch). */
static void find_launch(scout_question *q)
{
    const char *words[MAX_TOKENS];
    for (size_t k = 0; k < q->n; k++) words[k] = q->t[k].w;
    for (size_t i = 0; i < q->n; i++) {
        size_t used = 0;
        if (!scout_launch_match(words, q->n, i, &q->launch, &used)) continue;
        if (used > sizeof q->launch_was) {
            q->launch.kind = SCOUT_LAUNCH_NONE;
            return;
        }
        for (size_t k = 0; k < used; k++) q->launch_was[k] = (unsigned char)q->t[i + k].used;
        claim(q, i, i + used, U_TIME);
        q->launch_at = i, q->launch_end = i + used;
        return;
    }
}

/* Is a comparison word ("vs", "compared") among tokens [from, to)? */
static bool vs_between(const scout_question *q, size_t from, size_t to)
{
    for (size_t k = from; k < to && k < q->n; k++)
        if (tok_any(q, k, VS)) return true;
    return false;
}

static void find_time(scout_question *q)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used != U_FREE && q->t[i].used != U_STOP) continue;
        const char *words[MAX_TOKENS];
        for (size_t k = 0; k < q->n; k++) words[k] = q->t[k].w;
        scout_timeexpr te;
        size_t used = 0;
        if (!scout_timeexpr_match(words, q->n, i, &te, &used)) continue;
        /* A bare number is a year only when it looks like one in context. */
        if (te.kind == SCOUT_TX_YEAR && i > 0 &&
            (tok_is(q, i - 1, "top") || tok_is(q, i - 1, "over")))
            continue;
        if (te.kind == SCOUT_TX_NOW) q->now = true;
        /* "now, and month by month this year": now is the latest value, and the
         * period the question names is the one to place. */
        if (q->has_time && q->time.kind == SCOUT_TX_NOW && te.kind != SCOUT_TX_NOW &&
            !vs_between(q, 0, i)) {
            q->time = te;
            claim(q, i, i + used, U_TIME);
            i += used - 1;
            continue;
        }
        /* "October's revenue this year": "this year" says which October,
         * it is not a second period (a month without a year is already the
         * latest one in the data). */
        if (q->has_time && !q->has_time2 && te.kind == SCOUT_TX_THIS_YEAR &&
            q->time.kind == SCOUT_TX_MONTH && !q->time.y) {
            claim(q, i, i + used, U_TIME);
            i += used - 1;
            continue;
        }
        if (!q->has_time || (te.kind == SCOUT_TX_NOW && q->has_time)) {
            if (te.kind == SCOUT_TX_NOW && q->has_time) {
                claim(q, i, i + used, U_TIME);
                i += used - 1;
                continue;
            }
            q->time = te, q->has_time = true;
        } else if (!q->has_time2) {
            q->time2 = te, q->has_time2 = true;
        }
        claim(q, i, i + used, U_TIME);
        i += used - 1;
    }
    /* "in 2025" style years adjacent to a month ("March 2025") are consumed by
     * the matcher; "this November vs last November" is a year-over-year
     * comparison, handled in find_comparison. */
}

static scout_grain grain_word(const char *w)
{
    static const struct {
        const char *w;
        scout_grain g;
    } m[] = {{"daily", SCOUT_GRAIN_DAY},       {"day", SCOUT_GRAIN_DAY},
             {"days", SCOUT_GRAIN_DAY},        {"weekly", SCOUT_GRAIN_WEEK},
             {"week", SCOUT_GRAIN_WEEK},       {"weeks", SCOUT_GRAIN_WEEK},
             {"monthly", SCOUT_GRAIN_MONTH},   {"month", SCOUT_GRAIN_MONTH},
             {"months", SCOUT_GRAIN_MONTH},    {"quarterly", SCOUT_GRAIN_QUARTER},
             {"quarter", SCOUT_GRAIN_QUARTER}, {"quarters", SCOUT_GRAIN_QUARTER},
             {"yearly", SCOUT_GRAIN_YEAR},     {"annually", SCOUT_GRAIN_YEAR},
             {"year", SCOUT_GRAIN_YEAR},       {"years", SCOUT_GRAIN_YEAR}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (strcmp(w, m[i].w) == 0) return m[i].g;
    return SCOUT_GRAIN_NONE;
}

static void find_grain(scout_question *q)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used != U_FREE && q->t[i].used != U_STOP) continue;
        const char *w = q->t[i].w;
        scout_grain g = grain_word(w);
        /* "month by month", "month over month", "week on week" */
        if (g && i + 2 < q->n &&
            (tok_is(q, i + 1, "by") || tok_is(q, i + 1, "over") || tok_is(q, i + 1, "on")) &&
            grain_word(q->t[i + 2].w) == g) {
            q->grain = g;
            claim(q, i, i + 3, U_GRAIN);
            continue;
        }
        /* "per month", "by week", "each day", "every month", "for each of the
         * last 14 days" (the period itself is claimed by find_time). */
        if (g && i > 0 &&
            (tok_is(q, i - 1, "per") || tok_is(q, i - 1, "by") || tok_is(q, i - 1, "each") ||
             tok_is(q, i - 1, "every"))) {
            q->grain = g;
            claim(q, i - 1, i + 1, U_GRAIN);
            continue;
        }
        if (tok_is(q, i, "each") && tok_is(q, i + 1, "of") && tok_is(q, i + 2, "the") &&
            q->t[i + 3 < q->n ? i + 3 : i].used == U_TIME) {
            /* unit comes from the time expression: "each of the last 14 days" */
            for (size_t k = i + 3; k < q->n && q->t[k].used == U_TIME; k++)
                if (grain_word(q->t[k].w)) q->grain = grain_word(q->t[k].w);
            claim(q, i, i + 3, U_GRAIN);
            continue;
        }
        if (g && (strcmp(w, "daily") == 0 || strcmp(w, "weekly") == 0 ||
                  strcmp(w, "monthly") == 0 || strcmp(w, "quarterly") == 0 ||
                  strcmp(w, "yearly") == 0 || strcmp(w, "annually") == 0)) {
            /* "daily active users" names a measure, not a grain, when the
             * table says so; bind re-reads these words. */
            q->grain = g;
            q->t[i].used = U_GRAIN;
            continue;
        }
        if (strcmp(w, "trend") == 0 || strcmp(w, "trends") == 0 ||
            (strcmp(w, "over") == 0 && tok_is(q, i + 1, "time"))) {
            q->over_time = true;
            claim(q, i, strcmp(w, "over") == 0 ? i + 2 : i + 1, U_GRAIN);
        }
    }
}

/* "top five", "which three regions": a spelled count (two to twenty) is a
 * number only in the place a list size stands; elsewhere "one" or "ten"
 * stay words ("one number", "last ten days" is the time parser's). */
static int64_t count_word(const scout_question *q, size_t i)
{
    static const char *const words[] = {"two",       "three",    "four",     "five",    "six",
                                        "seven",     "eight",    "nine",     "ten",     "eleven",
                                        "twelve",    "thirteen", "fourteen", "fifteen", "sixteen",
                                        "seventeen", "eighteen", "nineteen", "twenty",  NULL};
    if (i >= q->n || q->t[i].used != U_FREE) return 0;
    for (size_t k = 0; words[k]; k++)
        if (strcmp(q->t[i].w, words[k]) == 0) return (int64_t)k + 2;
    return 0;
}

/* The list size written right at token i, as digits or a spelled count. */
static int64_t list_size_at(const scout_question *q, size_t i)
{
    if (i >= q->n) return 0;
    if (q->t[i].is_num && !q->t[i].money && q->t[i].num >= 1 && q->t[i].num <= 1000)
        return (int64_t)q->t[i].num;
    return count_word(q, i);
}

static void find_rank(scout_question *q)
{
    static const char *const hi[] = {"top",     "highest", "most",    "biggest",  "largest", "best",
                                     "slowest", "max",     "maximum", "greatest", NULL};
    static const char *const lo[] = {"bottom", "lowest",  "least", "smallest", "worst",
                                     "fewest", "fastest", "min",   "minimum",  NULL};
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used != U_FREE && q->t[i].used != U_STOP) continue;
        int dir = tok_any(q, i, hi) ? 1 : tok_any(q, i, lo) ? -1 : 0;
        /* "Rank the features by adoption rate": the imperative verb ranks
         * every member, highest first, unless a lo word turns it. */
        if (i == 0 && tok_is(q, i, "rank")) {
            dir = 1;
            q->rank_all = true;
        }
        if (!dir) continue;
        /* "at least 3", "at most" are numeric filters, not rankings. */
        if (i > 0 && tok_is(q, i - 1, "at")) continue;
        if (q->rank == 0) q->rank = dir;
        q->t[i].used = U_RANK;
        int64_t n = list_size_at(q, i + 1);
        if (n) {
            q->limit = n;
            q->t[i + 1].used = U_RANK;
        }
    }
    /* "Which 5 countries ...", "which five countries": a count right after
     * which/what. */
    for (size_t i = 0; i + 1 < q->n; i++) {
        int64_t n = q->t[i + 1].used == U_FREE ? list_size_at(q, i + 1) : 0;
        if ((tok_is(q, i, "which") || tok_is(q, i, "what")) && n) {
            q->limit = n;
            q->t[i + 1].used = U_RANK;
            if (!q->rank) q->rank = 1;
        }
    }
    if (tok_is(q, 0, "which") || tok_is(q, 0, "what") || tok_is(q, 0, "where"))
        q->rank_which = true;
    if (tok_is(q, 0, "who") && q->rank) q->who = q->rank_which = true;
    for (size_t i = 0; i < q->n; i++)
        if (tok_is(q, i, "which") && i > 0) q->rank_which = true;
}

/* "slowest 5 composer requests", "the longest calls": a ranking by how
 * long things take (a duration column), highest first; "fastest",
 * "quickest", "shortest" lowest first. */
static void find_speed(scout_question *q)
{
    static const char *const hi[] = {"slowest", "longest", NULL};
    static const char *const lo[] = {"fastest", "quickest", "shortest", NULL};
    for (size_t i = 0; i < q->n && !q->speed; i++) {
        int dir = tok_any(q, i, hi) ? 1 : tok_any(q, i, lo) ? -1 : 0;
        if (!dir || (q->t[i].used != U_FREE && q->t[i].used != U_STOP && q->t[i].used != U_RANK))
            continue;
        q->speed = dir;
        if (q->t[i].used == U_RANK && q->rank) continue;
        q->rank = dir;
        q->t[i].used = U_RANK;
        int64_t n = list_size_at(q, i + 1);
        if (n) {
            q->limit = n;
            q->t[i + 1].used = U_RANK;
        }
    }
}

static void find_agg(scout_question *q)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used != U_FREE && q->t[i].used != U_STOP) continue;
        const char *w = q->t[i].w;
        scout_agg a = (scout_agg)-1;
        size_t to = i + 1;
        if (!strcmp(w, "average") || !strcmp(w, "avg") || !strcmp(w, "mean"))
            a = SCOUT_AGG_AVG;
        else if (!strcmp(w, "total") || !strcmp(w, "sum"))
            a = SCOUT_AGG_SUM;
        else if (!strcmp(w, "distinct") || !strcmp(w, "unique"))
            a = SCOUT_AGG_COUNT_DISTINCT;
        else if (!strcmp(w, "how") && (tok_is(q, i + 1, "many")))
            a = SCOUT_AGG_COUNT, to = i + 2, q->how_many = i + 2;
        else if (!strcmp(w, "number") && tok_is(q, i + 1, "of"))
            a = SCOUT_AGG_COUNT, to = i + 2;
        else if (!strcmp(w, "count") && (tok_is(q, i + 1, "of") || i == 0))
            a = SCOUT_AGG_COUNT;
        else if (!strcmp(w, "how") && tok_is(q, i + 1, "much"))
            to = i + 2, a = SCOUT_AGG_SUM, q->how_much = true;
        if ((int)a == -1) continue;
        claim(q, i, to, U_AGG);
        /* "distinct" wins over "how many": "how many distinct users". */
        if (!q->agg_set || a == SCOUT_AGG_COUNT_DISTINCT ||
            (q->agg == SCOUT_AGG_SUM && a != SCOUT_AGG_SUM))
            q->agg = a, q->agg_set = true;
    }
}

/* "over $1,000", "at least 3 seats", "more than 50k", "under 100 ms",
 * "older than 60 days". The column is chosen at bind time from the word after
 * the number (unit) or, for money, an amount column. */
/* The word after a threshold's number is its unit ("500 ms", "3 seats");
 * seconds are compared in milliseconds, and time units are the filter's. */
static void numeric_unit(scout_question *q, size_t u, numfilter *f)
{
    const char *unit = q->t[u].w;
    if (!strcmp(unit, "second") || !strcmp(unit, "seconds") || !strcmp(unit, "s"))
        f->value *= 1000, copy_word(f->unit, "ms", 2);
    else
        copy_word(f->unit, unit, strlen(unit));
    if (!strcmp(unit, "ms") || !strcmp(unit, "milliseconds") || !strcmp(unit, "second") ||
        !strcmp(unit, "seconds") || !strcmp(unit, "days") || !strcmp(unit, "day"))
        q->t[u].used = U_NUM;
}

/* "$500 a month", "$2k a year", "$30k annually": the period an amount is
 * paid over, said right after it. It says which amount column compares (one
 * kept per month: mrr_usd, monthly_price_usd), not a time range or a grain.
 * ("per month", "each month" stay a grain: "deals over $50k per month" is
 * as often a count by month.) True when the words were such a period. */
static bool amount_period(scout_question *q, size_t u, numfilter *f)
{
    static const char *const lead[] = {"a", "an", NULL};
    size_t n = 0;
    scout_grain g = SCOUT_GRAIN_NONE;
    if (tok_any(q, u, lead) && u + 1 < q->n) {
        g = grain_word(q->t[u + 1].w);
        n = 2;
    } else if (tok_is(q, u, "annually")) {
        g = SCOUT_GRAIN_YEAR, n = 1;
    }
    if (g != SCOUT_GRAIN_MONTH && g != SCOUT_GRAIN_YEAR && g != SCOUT_GRAIN_WEEK) return false;
    if (q->t[u + n - 1].used != U_FREE && q->t[u + n - 1].used != U_GRAIN) return false;
    const char *per = g == SCOUT_GRAIN_MONTH ? "month" : g == SCOUT_GRAIN_YEAR ? "year" : "week";
    copy_word(f->per, per, strlen(per));
    bool had_grain = q->t[u + n - 1].used == U_GRAIN;
    claim(q, u, u + n, U_NUM);
    if (!had_grain) return true;
    bool other = false;
    for (size_t i = 0; i < q->n; i++) other = other || q->t[i].used == U_GRAIN;
    if (!other) q->grain = SCOUT_GRAIN_NONE;
    return true;
}

/* "subscriptions that pay more than $500", "deals worth over $50k": the
 * verb before a money comparison says what is compared, the amount, so it
 * is part of the threshold rather than a word the table must match.
 * ("paid" is left alone: it is also an outcome, is_paid.) */
static void claim_paying_verb(scout_question *q, size_t cmp)
{
    static const char *const paying[] = {"pay",    "pays",   "paying", "cost",   "costs",
                                         "spend",  "spends", "spent",  "earn",   "earns",
                                         "earned", "worth",  "priced", "valued", NULL};
    if (cmp > 0 && q->t[cmp - 1].used == U_FREE && tok_any(q, cmp - 1, paying))
        q->t[cmp - 1].used = U_NUM;
}

static void find_numeric(scout_question *q)
{
    for (size_t i = 0; i < q->n && q->n_nf < MAX_NUMF; i++) {
        if (q->t[i].used == U_TIME || q->t[i].used == U_RANK) continue;
        scout_op op;
        size_t k;
        const char *w = q->t[i].w;
        const char *nx = i + 1 < q->n ? q->t[i + 1].w : "";
        if ((!strcmp(w, "over") || !strcmp(w, "above") || !strcmp(w, "exceeding")))
            op = SCOUT_OP_GT, k = i + 1;
        else if ((!strcmp(w, "more") || !strcmp(w, "greater") || !strcmp(w, "larger") ||
                  !strcmp(w, "higher") || !strcmp(w, "older") || !strcmp(w, "slower") ||
                  !strcmp(w, "bigger") || !strcmp(w, "longer")) &&
                 !strcmp(nx, "than"))
            op = SCOUT_OP_GT, k = i + 2;
        else if ((!strcmp(w, "less") || !strcmp(w, "fewer") || !strcmp(w, "lower") ||
                  !strcmp(w, "younger") || !strcmp(w, "faster") || !strcmp(w, "smaller") ||
                  !strcmp(w, "shorter")) &&
                 !strcmp(nx, "than"))
            op = SCOUT_OP_LT, k = i + 2;
        else if (!strcmp(w, "under") || !strcmp(w, "below"))
            op = SCOUT_OP_LT, k = i + 1;
        else if (!strcmp(w, "at") && !strcmp(nx, "least"))
            op = SCOUT_OP_GE, k = i + 2;
        else if (!strcmp(w, "at") && !strcmp(nx, "most"))
            op = SCOUT_OP_LE, k = i + 2;
        else if (!strcmp(w, "minimum") && i + 1 < q->n && q->t[i + 1].is_num)
            op = SCOUT_OP_GE, k = i + 1;
        else
            continue;
        if (k >= q->n) continue;
        double mult = 1;
        /* "half a second", "a second" */
        if (tok_is(q, k, "half") && tok_is(q, k + 1, "a")) {
            mult = 0.5;
            q->t[k].is_num = true, q->t[k].num = 1;
            claim(q, k + 1, k + 2, U_NUM);
        }
        if (!q->t[k].is_num) continue;
        numfilter *f = &q->nf[q->n_nf++];
        memset(f, 0, sizeof *f);
        f->op = op;
        f->value = q->t[k].num * mult;
        f->money = q->t[k].money;
        f->at = k;
        size_t u = mult != 1 ? k + 2 : k + 1;
        if (!(f->money && amount_period(q, u, f)) && u < q->n && !q->t[u].is_num &&
            q->t[u].used != U_STOP)
            numeric_unit(q, u, f);
        claim(q, i, k + 1, U_NUM);
        if (f->money) claim_paying_verb(q, i);
        if (!strcmp(w, "older") || !strcmp(w, "younger")) copy_word(f->unit, "days", 4);
    }
}

/* "2 or lower", "3 seats or more", "$100 or less": the comparison said
 * after the number includes it (>= / <=). The unit, when there is one, is
 * the word between the number and "or". */
static void find_numeric_after(scout_question *q)
{
    static const char *const up[] = {"more", "higher", "greater", "above", "over", "larger", NULL};
    static const char *const down[] = {"less", "lower", "fewer", "below", "under", "smaller", NULL};
    for (size_t i = 0; i < q->n && q->n_nf < MAX_NUMF; i++) {
        if (!q->t[i].is_num || q->t[i].used != U_FREE) continue;
        size_t o = tok_is(q, i + 1, "or") ? i + 1 : tok_is(q, i + 2, "or") ? i + 2 : q->n;
        if (o + 1 >= q->n || (o == i + 2 && (q->t[i + 1].is_num || q->t[i + 1].used != U_FREE)))
            continue;
        bool ge = tok_any(q, o + 1, up), le = tok_any(q, o + 1, down);
        if (!ge && !le) continue;
        numfilter *f = &q->nf[q->n_nf++];
        memset(f, 0, sizeof *f);
        f->op = ge ? SCOUT_OP_GE : SCOUT_OP_LE;
        f->value = q->t[i].num;
        f->money = q->t[i].money;
        f->at = i;
        if (o == i + 2) copy_word(f->unit, q->t[i + 1].w, strlen(q->t[i + 1].w));
        claim(q, i, i + 1, U_NUM);
        claim(q, o, o + 2, U_NUM);
    }
}

/* "5xx errors", "4xx responses": an HTTP status class is the range of
 * status codes N00..N99, compared on a status column ("status_code"). The
 * noun right after ("errors") is what the class names, not a measure. */
static void find_status_class(scout_question *q)
{
    for (size_t i = 0; i < q->n && q->n_nf + 2 <= MAX_NUMF; i++) {
        const char *w = q->t[i].w;
        if (q->t[i].used != U_FREE || strlen(w) != 3 || w[0] < '1' || w[0] > '5' ||
            strcmp(w + 1, "xx") != 0)
            continue;
        double lo = (w[0] - '0') * 100.0;
        for (int k = 0; k < 2; k++) {
            numfilter *f = &q->nf[q->n_nf++];
            memset(f, 0, sizeof *f);
            f->op = k == 0 ? SCOUT_OP_GE : SCOUT_OP_LT;
            f->value = k == 0 ? lo : lo + 100;
            f->at = i;
            copy_word(f->unit, "status", 6);
            f->status_class = true;
        }
        size_t e = i + 1;
        if (tok_is(q, e, "error") || tok_is(q, e, "errors")) e++;
        claim(q, i, e, U_NUM);
    }
}

static bool stop_dim_word(const scout_question *q, size_t i)
{
    static const char *const stops[] = {
        "and",  "in",  "for",   "last",   "this",  "since", "from",   "on", "over",
        "with", "at",  "vs",    "versus", "where", "among", "during", "of", "to",
        "that", "who", "which", "the",    "per",   "by",    "each",   NULL};
    return tok_any(q, i, stops);
}

static bool stop_dim(const scout_question *q, size_t i)
{
    return q->t[i].used != U_FREE && q->t[i].used != U_STOP ? true : stop_dim_word(q, i);
}

static void add_dim(scout_question *q, size_t from, size_t to)
{
    if (from >= to || q->n_dims >= MAX_DIMS) return;
    q->dims[q->n_dims].from = from, q->dims[q->n_dims].to = to;
    q->dim_soft[q->n_dims] = DIM_FIRM;
    q->n_dims++;
    claim(q, from, to, U_DIM);
}

/* The open words right after token i, up to a stop word (at most three):
 * the noun phrase a ranking or "which" introduces. Returns its end. */
static size_t phrase_end(const scout_question *q, size_t i)
{
    size_t e = i;
    while (e < q->n && e < i + 3 && q->t[e].used == U_FREE && !stop_dim(q, e) && !q->t[e].is_num)
        e++;
    return e;
}

/* "the best revenue day", "the lowest adoption feature", "top 3 ticket
 * categories for ...": after a ranking, the phrase's last word is its head
 * noun, the thing ranked; the words before it qualify it (often the
 * measure). A period word there is a grain; any other head is only a
 * guess that binding drops when no text column fits it. */
static void rank_head_dim(scout_question *q)
{
    /* "who shipped the most deploys": a person is ranked, deploys counted */
    if (!q->rank || q->n_dims || q->grain || q->who) return;
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used != U_RANK || (i + 1 < q->n && q->t[i + 1].used == U_RANK)) continue;
        size_t e = phrase_end(q, i + 1);
        if (e == i + 1) continue;
        scout_grain g = grain_word(q->t[e - 1].w);
        /* a singular head asks for one: "the best day", "the lowest feature" */
        size_t hl = strlen(q->t[e - 1].w);
        if (hl > 1 && q->t[e - 1].w[hl - 1] != 's') q->rank_which = true;
        if (g) {
            q->grain = g;
            q->t[e - 1].used = U_GRAIN;
        } else {
            add_dim(q, e - 1, e);
            if (q->n_dims) q->dim_soft[q->n_dims - 1] = DIM_SOFT;
        }
        return;
    }
}

/* "accounts with the most tickets", "reps that have the highest win
 * rate": the noun before with/having/have ranked by the rest is what is
 * ranked. A guess like a head noun: binding drops it when no text column
 * fits ("deals with the largest amount" ranks the deals themselves). */
static void with_most_dim(scout_question *q)
{
    static const char *const with[] = {"with", "having", "have", "has", NULL};
    static const char *const rel[] = {"that", "who", NULL};
    if (!q->rank || q->n_dims || q->grain) return;
    for (size_t r = 0; r < q->n; r++) {
        if (q->t[r].used != U_RANK) continue;
        size_t k = r;
        if (k > 0 && tok_is(q, k - 1, "the")) k--;
        if (k == 0 || !tok_any(q, k - 1, with)) continue;
        size_t w = --k;
        if (k > 0 && tok_any(q, k - 1, rel)) k--;
        size_t s = k;
        while (s > 0 && k - s < 3 && q->t[s - 1].used == U_FREE) s--;
        if (s == k) continue;
        add_dim(q, s, k);
        if (q->n_dims) q->dim_soft[q->n_dims - 1] = DIM_SOFT;
        q->t[w].used = U_FILLER;
        return;
    }
}

/* "top 5 countries by revenue", "bottom 3 regions by net revenue": after a
 * ranking the noun before "by" is what is ranked (the dimension) and the
 * words after it name the measure, which binding finds among open words. */
static bool rank_noun_dim(scout_question *q, size_t by)
{
    size_t k = by;
    while (k > 0 && by - k < 4 && q->t[k - 1].used != U_RANK) {
        if (tok_is(q, k - 1, "the") || tok_is(q, k - 1, "all")) break;
        if (q->t[k - 1].used != U_FREE && q->t[k - 1].used != U_STOP) return false;
        k--;
    }
    /* "rank the features by ...": an article between ranking and noun */
    size_t r = k;
    if (r > 1 && (tok_is(q, r - 1, "the") || tok_is(q, r - 1, "all")) && q->t[r - 2].used == U_RANK)
        r--;
    if (r == 0 || k == by || q->t[r - 1].used != U_RANK) return false;
    add_dim(q, k, by);
    q->t[by].used = U_FILLER;
    return true;
}

/* "by region", "per cohort", "across geographies and customer cohorts", "for
 * each plan", "broken down by kind of event", "region by region". */
static void find_dims(scout_question *q)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used == U_GRAIN || q->t[i].used == U_TIME) continue;
        size_t s = 0;
        if (tok_is(q, i, "by") || tok_is(q, i, "per") || tok_is(q, i, "across"))
            s = i + 1;
        else if (tok_is(q, i, "each") && !tok_is(q, i + 1, "of"))
            s = i + 1;
        else if (i + 2 < q->n && q->t[i].stem[0] && tok_is(q, i + 1, "by") &&
                 strcmp(q->t[i].w, q->t[i + 2].w) == 0 && q->t[i].used == U_FREE) {
            add_dim(q, i, i + 1); /* "stage by stage" */
            claim(q, i + 1, i + 3, U_FILLER);
            continue;
        }
        if (!s) continue;
        if (tok_is(q, i, "by") && rank_noun_dim(q, i)) continue;
        if (tok_is(q, s, "kind") || tok_is(q, s, "type")) {
            if (tok_is(q, s + 1, "of")) {
                s += 2; /* "by kind of event" → event */
            } else if (s < q->n && q->t[s].used == U_FILLER) {
                /* "activities by type": the type column itself */
                q->t[i].used = U_FILLER;
                add_dim(q, s, s + 1);
                continue;
            }
        }
        q->t[i].used = U_FILLER;
        size_t first = q->n_dims;
        for (;;) {
            size_t e = s;
            while (e < q->n && e < s + 3 && !stop_dim(q, e)) e++;
            if (e == s) break;
            add_dim(q, s, e);
            /* "across geographies and customer cohorts" */
            if (tok_is(q, e, "and") && e + 1 < q->n && !stop_dim(q, e + 1) &&
                q->n_dims < MAX_DIMS && (tok_is(q, i, "across") || tok_is(q, i, "by"))) {
                q->t[e].used = U_FILLER;
                s = e + 1;
                continue;
            }
            break;
        }
        for (size_t k = first; k < q->n_dims; k++) q->dim_across[k] = tok_is(q, i, "across");
    }
    /* "Which plan brought in the most": the thing asked for is a dimension. */
    if (q->rank && q->n_dims == 0) {
        for (size_t i = 0; i + 1 < q->n; i++)
            if ((tok_is(q, i, "which") || (tok_is(q, i, "what") && q->rank_which)) &&
                q->t[i + 1].used != U_TIME) {
                size_t s = i + 1;
                while (s < q->n && q->t[s].used == U_RANK) s++;
                /* "which ticket category is ...": the whole noun phrase;
                 * binding picks the column its words name best. A third
                 * open word is the verb ("which support agent solved"), so
                 * two words at most. */
                size_t e = phrase_end(q, s);
                if (e > s + 2) e = s + 2;
                if (s < q->n && q->t[s].used == U_FREE && !grain_word(q->t[s].w)) {
                    add_dim(q, s, e > s ? e : s + 1);
                    q->dim_soft[q->n_dims - 1] = DIM_LOOSE;
                } else if (s < q->n && grain_word(q->t[s].w) == SCOUT_GRAIN_DAY)
                    q->grain = SCOUT_GRAIN_DAY;
                break;
            }
    }
    with_most_dim(q);
    rank_head_dim(q);
}

/* "Days this year where the composer model component broke its SLO",
 * "days when errors topped 100": a question that opens with "days" and a
 * relative word asks for the days that pass, listed, not a count of them. */
static void find_days_listed(scout_question *q)
{
    static const char *const rel[] = {"where", "when", "that", "which", "on", NULL};
    if (q->n < 3 || !tok_is(q, 0, "days") || (q->t[0].used != U_FREE && q->t[0].used != U_STOP))
        return;
    for (size_t i = 1; i < q->n && i < 6; i++)
        if (tok_any(q, i, rel)) {
            q->list_days = true;
            q->t[0].used = U_FILLER;
            return;
        }
}

/* "broke its SLO", "exceeded the target", "missed their goal": a value
 * past the limit its row keeps (p95_ms > p95_target_ms). The verb is
 * claimed; the limit noun stays open for binding to find the column. A
 * goal or target is missed from below; a service-level limit from above. */
static void find_breach(scout_question *q)
{
    static const char *const above[] = {"break",    "breaks",   "exceed", "violate",  "broke",
                                        "broken",   "breached", "breach", "exceeded", "exceeds",
                                        "violated", "blew",     "over",   "above",    NULL};
    static const char *const below[] = {"missed", "miss", "under", "below", NULL};
    static const char *const limits[] = {"slo",  "slos",  "sla",       "target", "targets",
                                         "goal", "goals", "threshold", "budget", NULL};
    for (size_t i = 0; i + 1 < q->n && !q->breach_at; i++) {
        int dir = tok_any(q, i, above) ? 1 : tok_any(q, i, below) ? -1 : 0;
        if (!dir || (q->t[i].used != U_FREE && q->t[i].used != U_STOP)) continue;
        size_t k = i + 1;
        if (k < q->n && (tok_is(q, k, "its") || tok_is(q, k, "the") || tok_is(q, k, "their"))) k++;
        if (k >= q->n || !tok_any(q, k, limits) || q->t[k].used != U_FREE) continue;
        /* a latency objective is broken by going over it, whatever the verb */
        if (dir < 0 && (tok_is(q, k, "slo") || tok_is(q, k, "slos") || tok_is(q, k, "sla")))
            dir = 1;
        q->breach_at = k;
        q->breach_dir = dir;
        claim(q, i, k, U_CMP);
    }
}

/* "by account type", "per deal stage": filler words ("type", "kind",
 * "number") end a dimension phrase for the head-noun reading, yet may be
 * the last word of a column's name. Records how far each phrase reaches
 * through them (three words at most); binding uses the reach only for a
 * column whose whole name the words say. */
static void find_dim_reach(scout_question *q)
{
    for (size_t d = 0; d < q->n_dims; d++) {
        size_t e = q->dims[d].to;
        while (e < q->n && e < q->dims[d].from + 3 && q->t[e].used == U_FILLER && !q->t[e].is_num &&
               !stop_dim_word(q, e))
            e++;
        q->dim_reach[d] = e;
    }
}

/* "Which service components have a p95 latency target above 200 ms?",
 * "what accounts have more than 3 open opportunities": which things pass a
 * condition on a number of their own — a listing of them, no aggregate.
 * The phrase after "which" is what is listed; binding keeps the listing
 * only when the number's column is all a measure would be. */
static void find_listing(scout_question *q)
{
    /* "more than" reads as a comparison of members until binding finds two
     * values; it is the threshold here */
    bool compares = q->cmp != CMP_NONE && q->cmp != CMP_MEMBERS;
    if (q->n_dims || q->rank || q->agg_set || q->grain || compares || !q->n_nf || q->n < 3 ||
        (!tok_is(q, 0, "which") && !tok_is(q, 0, "what")))
        return;
    size_t e = phrase_end(q, 1);
    if (e == 1 || grain_word(q->t[1].w)) return;
    add_dim(q, 1, e);
    q->dim_soft[q->n_dims - 1] = DIM_SOFT;
    q->listing = true;
}

/* "Which team owns the export service?", "what plan is Acme Corp on": a
 * question that asks which X, with no number, ranking, aggregate or
 * period word, asks for X's value on the rows the rest names — a lookup,
 * not a count. The phrase after which/what (two words at most) is X; a
 * guess binding drops when no text column fits it. */
static void find_lookup(scout_question *q)
{
    if (q->n_dims || q->listing || q->rank || q->agg_set || q->grain || q->over_time ||
        q->has_time || q->cmp != CMP_NONE || q->n_nf || q->dur_at || q->n < 4 ||
        (!tok_is(q, 0, "which") && !tok_is(q, 0, "what")))
        return;
    size_t e = phrase_end(q, 1);
    if (e > 3) e = 3;
    if (e == 1 || e >= q->n || grain_word(q->t[1].w)) return;
    add_dim(q, 1, e);
    q->dim_soft[q->n_dims - 1] = DIM_SOFT;
    q->lookup = true;
}

/* "Growth's Plus subscriber count", "how many does growth count": a
 * possessive, or the subject of do/does/did, is a noun naming someone (a
 * team), not the change the question asks for. */
static bool names_a_team(const scout_question *q, size_t i)
{
    if (q->t[i].poss) return true;
    return i > 0 && (tok_is(q, i - 1, "does") || tok_is(q, i - 1, "do") ||
                     tok_is(q, i - 1, "did") || (i > 1 && tok_is(q, i - 2, "according")));
}

static void find_comparison(scout_question *q)
{
    for (size_t i = 0; i < q->n; i++) {
        const char *w = q->t[i].w;
        /* "the 2 weeks before the launch" is the period, not a comparison */
        if (q->t[i].used == U_TIME) continue;
        if (!strcmp(w, "growth") && names_a_team(q, i)) continue;
        if (!strcmp(w, "growth") || !strcmp(w, "grew") || !strcmp(w, "grow") ||
            !strcmp(w, "grown")) {
            q->growth = true;
            q->t[i].used = U_CMP;
        }
        if ((!strcmp(w, "year") && tok_is(q, i + 1, "over") && tok_is(q, i + 2, "year")) ||
            !strcmp(w, "yoy")) {
            q->cmp = CMP_YEAR;
            claim(q, i, !strcmp(w, "yoy") ? i + 1 : i + 3, U_CMP);
        }
        /* "the same period/month/day last year" */
        if (!strcmp(w, "same") && i + 3 < q->n) {
            size_t e = i + 2;
            if (tok_is(q, e, "last") && tok_is(q, e + 1, "year")) {
                q->cmp = CMP_YEAR;
                claim(q, i > 0 && tok_is(q, i - 1, "the") ? i - 1 : i, e + 2, U_CMP);
            }
        }
        /* "a year ago", "one year earlier", "than a year before", "the year
         * prior": the same period a year back, whatever the period is. Only
         * "a"/"one"/"the" before "year" counts, so "the day before" and
         * "two years ago" keep their own meaning. */
        if (!strcmp(w, "year") && i > 0 &&
            (tok_is(q, i - 1, "a") || tok_is(q, i - 1, "one") || tok_is(q, i - 1, "the")) &&
            (tok_is(q, i + 1, "ago") || tok_is(q, i + 1, "earlier") || tok_is(q, i + 1, "before") ||
             tok_is(q, i + 1, "prior"))) {
            q->cmp = CMP_YEAR;
            claim(q, i - 1, i + 2, U_CMP);
            continue;
        }
        /* "a month ago", "one week earlier": the same dates one such
         * period back ("a year ago" is handled above) */
        if (grain_word(w) && grain_word(w) < SCOUT_GRAIN_YEAR && i > 0 &&
            (tok_is(q, i - 1, "a") || tok_is(q, i - 1, "one")) &&
            (tok_is(q, i + 1, "ago") || tok_is(q, i + 1, "earlier"))) {
            q->cmp = CMP_AGO;
            q->ago = grain_word(w);
            claim(q, i - 1, i + 2, U_CMP);
            continue;
        }
        /* "the day/week/quarter before", "the previous period/quarter" */
        if ((!strcmp(w, "before") && i > 0 && grain_word(q->t[i - 1].w)) ||
            ((!strcmp(w, "previous") || !strcmp(w, "prior") || !strcmp(w, "preceding")) &&
             i + 1 < q->n && (grain_word(q->t[i + 1].w) || tok_is(q, i + 1, "period")))) {
            if (q->cmp == CMP_NONE) q->cmp = CMP_PREV;
            size_t a = !strcmp(w, "before") ? i - 1 : i, b = !strcmp(w, "before") ? i + 1 : i + 2;
            if (a > 0 && tok_is(q, a - 1, "the")) a--;
            claim(q, a, b, U_CMP);
        }
        if (tok_any(q, i, VS)) q->t[i].used = U_CMP;
    }
    bool vs = false;
    for (size_t i = 0; i < q->n; i++)
        if (tok_any(q, i, VS)) vs = true;
    /* A second period after "vs"/"compared with": the previous period when
     * it is the one right before, a year earlier, or an explicit period. */
    if (q->has_time2 && q->cmp == CMP_NONE) {
        scout_timeexpr prev;
        if (q->time2.kind == SCOUT_TX_MONTH && q->time.kind == SCOUT_TX_MONTH &&
            q->time2.m == q->time.m)
            q->cmp = CMP_YEAR;
        else if ((scout_timeexpr_previous(&q->time, &prev) && prev.kind == q->time2.kind) ||
                 q->time2.kind == q->time.kind)
            q->cmp = CMP_PREV;
        else
            q->cmp = CMP_PERIOD;
    }
    if (q->has_time2 && q->cmp == CMP_YEAR && q->time2.kind == SCOUT_TX_MONTH) q->has_time2 = false;
    if (q->growth && q->cmp == CMP_NONE)
        q->cmp = q->has_time && q->time.kind == SCOUT_TX_THIS_YEAR ? CMP_YEAR : CMP_PREV;
    if (vs || tok_is(q, 0, "compare")) {
        if (q->cmp == CMP_NONE) q->cmp = CMP_MEMBERS; /* confirmed at bind when two values match */
    }
}

/* "Which latency components explain the slowdown", "what regions drove the
 * drop": the things asked about are a dimension of the comparison, ranked by
 * their change (largest increase first; largest decrease first for a drop). */
static void find_drivers(scout_question *q)
{
    static const char *const verbs[] = {"explain", "explains", "drove",       "drive",
                                        "drives",  "caused",   "cause",       "causes",
                                        "account", "accounts", "contributed", NULL};
    static const char *const falls[] = {"drop", "drops",    "decline", "declines", "fall",
                                        "dip",  "decrease", "slump",   "loss",     NULL};
    if (q->cmp == CMP_NONE || q->cmp == CMP_MEMBERS || q->n_dims || q->rank) return;
    for (size_t i = 0; i + 2 < q->n; i++) {
        if (!tok_is(q, i, "which") && !tok_is(q, i, "what")) continue;
        size_t v = i + 1;
        while (v < q->n && v < i + 4 && !tok_any(q, v, verbs) &&
               (q->t[v].used == U_FREE || q->t[v].used == U_STOP))
            v++;
        if (v == i + 1 || v >= q->n || !tok_any(q, v, verbs)) continue;
        add_dim(q, i + 1, v);
        q->rank = 1;
        for (size_t k = v + 1; k < q->n; k++)
            if (tok_any(q, k, falls)) q->rank = -1;
        return;
    }
}

/* "How many subscribers have we added since January", "net new accounts
 * this quarter": said of a level, the change between the period's first and
 * last value (the verb is claimed; on a flow table it changes nothing). */
static void find_net_change(scout_question *q)
{
    static const char *const verbs[] = {"added", "add", "gained", "gain", NULL};
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used != U_FREE && q->t[i].used != U_STOP) continue;
        if (tok_any(q, i, verbs)) {
            q->net_change = true;
            q->t[i].used = U_CMP;
        } else if (tok_is(q, i, "net") && (tok_is(q, i + 1, "new") || tok_is(q, i + 1, "change"))) {
            q->net_change = true;
            claim(q, i, i + 2, U_CMP);
        }
    }
}

static scout_dur_unit unit_word(const char *w)
{
    static const struct {
        const char *w;
        scout_dur_unit u;
    } m[] = {{"minutes", SCOUT_DUR_MINUTE}, {"minute", SCOUT_DUR_MINUTE},
             {"mins", SCOUT_DUR_MINUTE},    {"hours", SCOUT_DUR_HOUR},
             {"hour", SCOUT_DUR_HOUR},      {"hrs", SCOUT_DUR_HOUR},
             {"days", SCOUT_DUR_DAY},       {"day", SCOUT_DUR_DAY}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (strcmp(w, m[i].w) == 0) return m[i].u;
    return SCOUT_DUR_NONE;
}

/* The token after "to" in "<unit|time> to <event>", or 0. */
static size_t duration_event(const scout_question *q, size_t i)
{
    bool lead = unit_word(q->t[i].w) || tok_is(q, i, "time");
    if (!lead || q->t[i].used != U_FREE || !tok_is(q, i + 1, "to") || i + 2 >= q->n) return 0;
    return q->t[i + 2].used == U_FREE ? i + 2 : 0;
}

/* "queue time", "render latency", "deploy duration", "queue wait": a time
 * noun after an open word names how long that thing takes. Nothing is
 * claimed: a table without such a column reads the words as before. */
static void find_timed_noun(scout_question *q)
{
    static const char *const nouns[] = {"time",    "times", "duration", "durations",
                                        "latency", "wait",  NULL};
    for (size_t i = 1; i < q->n && !q->timed_at; i++)
        if (q->t[i].used == U_FREE && tok_any(q, i, nouns) && q->t[i - 1].used == U_FREE &&
            !q->t[i - 1].is_num && q->t[i - 1].stem[0])
            q->timed_at = i;
}

/* "Average hours to resolve urgent tickets", "time to first response",
 * "how long does it take to close a deal": the time from a row's start to
 * the event the verb names, measured per row. The unit word and "to" are
 * claimed; the event word stays open for bind to find its column. A unit
 * said elsewhere ("in days") sets the unit of "time to". */
static void find_duration(scout_question *q)
{
    for (size_t i = 0; i + 2 < q->n && !q->dur_at; i++) {
        size_t ev = duration_event(q, i);
        if (ev) {
            q->dur_at = ev, q->dur_unit = unit_word(q->t[i].w);
            claim(q, i, i + 2, U_AGG);
        } else if (tok_is(q, i, "how") && tok_is(q, i + 1, "long")) {
            for (size_t k = i + 2; k + 1 < q->n && k < i + 6 && !q->dur_at; k++)
                if (tok_is(q, k, "to") && q->t[k + 1].used == U_FREE) q->dur_at = k + 1;
            if (q->dur_at) {
                claim(q, i, i + 2, U_AGG);
                q->t[q->dur_at - 1].used = U_AGG;
            }
        }
    }
    for (size_t i = 1; q->dur_at && !q->dur_unit && i < q->n; i++)
        if (tok_is(q, i - 1, "in") && unit_word(q->t[i].w) && q->t[i].used == U_FREE) {
            q->dur_unit = unit_word(q->t[i].w);
            claim(q, i - 1, i + 1, U_AGG);
        }
}

/* "on the first day of each month", "at the end of every quarter": a level
 * read at one point of each period — its first or its last day. */
static void find_snapshot(scout_question *q)
{
    for (size_t i = 0; i + 3 < q->n; i++) {
        bool first = tok_is(q, i, "first") || tok_is(q, i, "start"),
             last = tok_is(q, i, "last") || tok_is(q, i, "end");
        if ((!first && !last) || q->t[i].used == U_TIME) continue;
        size_t k = i + 1;
        if (tok_is(q, k, "day")) k++;
        if (!tok_is(q, k, "of")) continue;
        if (!(tok_is(q, k + 1, "each") || tok_is(q, k + 1, "every") || tok_is(q, k + 1, "the")))
            continue;
        if (!grain_word(q->t[k + 2 < q->n ? k + 2 : k].w)) continue;
        q->snap = first ? -1 : 1;
        claim(q, i > 0 && (tok_is(q, i - 1, "the") || tok_is(q, i - 1, "on")) ? i - 1 : i, k + 1,
              U_GRAIN);
        return;
    }
}

/* "average daily revenue", "daily average of signups": the average of the
 * per-day totals over the period, one number; "daily" is then not a series
 * (unless another grain is said: "average daily p50 per month"). */
static void find_point_average(scout_question *q)
{
    for (size_t i = 0; i + 1 < q->n; i++) {
        bool avg_daily = q->t[i].used == U_AGG && q->agg == SCOUT_AGG_AVG &&
                         tok_is(q, i + 1, "daily") && q->t[i + 1].used == U_GRAIN;
        bool daily_avg = tok_is(q, i, "daily") && q->t[i].used == U_GRAIN &&
                         q->t[i + 1].used == U_AGG && q->agg == SCOUT_AGG_AVG;
        /* "on average, how many ... per day", "the most users per day on
         * average": an average asked for, "per day" says of what — the
         * per-day values — not a row per day. */
        bool per_day_avg = tok_is(q, i, "per") && q->t[i].used == U_GRAIN &&
                           q->t[i + 1].used == U_GRAIN &&
                           grain_word(q->t[i + 1].w) == SCOUT_GRAIN_DAY && q->agg == SCOUT_AGG_AVG;
        if (!avg_daily && !daily_avg && !per_day_avg) continue;
        size_t d = avg_daily ? i + 1 : i;
        q->t[d].used = U_AGG;
        if (per_day_avg) q->t[i + 1].used = U_AGG;
        q->point_avg = true;
        bool other = false;
        for (size_t k = 0; k < q->n; k++) other |= q->t[k].used == U_GRAIN;
        if (!other && q->grain == SCOUT_GRAIN_DAY) q->grain = SCOUT_GRAIN_NONE;
        return;
    }
}

/* "our best revenue day this year", "which month had the most signups": a ranking of
 * periods — a series at that grain, ranked, one row unless a number says. */
static void find_ranked_period(scout_question *q)
{
    static const char *const nouns[] = {"day", "week", "month", "quarter", NULL};
    if (!q->rank || q->grain != SCOUT_GRAIN_NONE) return;
    size_t r = q->n;
    for (size_t i = 0; i < q->n && r == q->n; i++)
        if (q->t[i].used == U_RANK) r = i;
    for (size_t i = 0; i < q->n; i++) {
        bool after_rank = i > r && i <= r + 3;
        bool asked = i > 0 && (tok_is(q, i - 1, "which") || tok_is(q, i - 1, "what"));
        if (q->t[i].used != U_FREE || !tok_any(q, i, nouns) || (!after_rank && !asked)) continue;
        q->grain = grain_word(q->t[i].w);
        q->t[i].used = U_GRAIN;
        if (!q->limit && !q->rank_all) q->limit = 1;
        return;
    }
}

static void find_fillers(scout_question *q)
{
    /* Words that carry no table meaning in an analytical question. */
    static const char *const fillers[] = {
        "what",   "whats",   "which",   "show",    "me",        "our",      "we",         "us",
        "did",    "do",      "does",    "have",    "has",       "was",      "were",       "is",
        "are",    "get",     "got",     "give",    "tell",      "list",     "much",       "many",
        "the",    "a",       "an",      "of",      "in",        "on",       "for",        "by",
        "to",     "from",    "and",     "or",      "with",      "at",       "there",      "so",
        "far",    "been",    "how",     "it",      "its",       "their",    "each",       "every",
        "per",    "all",     "made",    "make",    "bring",     "brought",  "came",       "come",
        "take",   "took",    "off",     "still",   "right",     "where",    "when",       "who",
        "up",     "during",  "among",   "across",  "that",      "this",     "these",      "those",
        "be",     "any",     "go",      "went",    "out",       "compare",  "comparison", "same",
        "period", "change",  "changed", "changes", "number",    "amount",   "value",      "values",
        "figure", "figures", "data",    "broken",  "down",      "split",    "breakdown",  "s",
        "i",      "my",      "you",     "can",     "please",    "issue",    "issued",     "log",
        "logged", "sit",     "does",    "explain", "including", "included", "kind",       "type",
        "first",  "after",   "then",    "since",   "dollars",   "usd",      NULL};
    for (size_t i = 0; i < q->n; i++)
        if ((q->t[i].used == U_FREE || q->t[i].used == U_STOP) && tok_any(q, i, fillers))
            q->t[i].used = U_FILLER;
    /* "trials included", "including refunds": what the count takes in, a
     * qualifier of the measure, not the measure */
    for (size_t i = 0; i < q->n; i++) {
        if (tok_is(q, i, "included") && i > 0 && q->t[i - 1].used == U_FREE)
            q->t[i - 1].used = U_FILLER;
        if (tok_is(q, i, "including") && i + 1 < q->n && q->t[i + 1].used == U_FREE)
            q->t[i + 1].used = U_FILLER;
    }
}

scout_rc scout_question_analyze(const char *question, scout_question **out, scout_err *err)
{
    *out = NULL;
    if (!question) return scout_err_set(err, SCOUT_EUSER, "empty question");
    size_t len = strlen(question);
    if (len > SCOUT_QUESTION_MAX)
        return scout_err_set(err, SCOUT_EUSER, "question too long (%zu bytes, at most %d)", len,
                             SCOUT_QUESTION_MAX);
    if (!scout_text_valid_utf8(question, len))
        return scout_err_set(err, SCOUT_EUSER, "question is not valid utf-8 text");
    if (has_control(question, len))
        return scout_err_set(err, SCOUT_EUSER, "question contains control characters");
    scout_question *q = calloc(1, sizeof *q);
    if (!q || !(q->text = dupstr(question))) {
        free(q);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory analysing the question");
    }
    scout_rc rc = tokenise(q, question, len, err);
    if (rc == SCOUT_OK && q->n == 0) rc = scout_err_set(err, SCOUT_EUSER, "empty question");
    if (rc == SCOUT_OK && looks_like_sql(q, question))
        rc = scout_err_set(err, SCOUT_EUSER, "that looks like sql; ask the question in words");
    if (rc == SCOUT_OK) rc = stem_all(q, err);
    if (rc != SCOUT_OK) {
        scout_question_free(q);
        return rc;
    }
    q->when = tok_is(q, 0, "when");
    find_launch(q);
    find_time(q);
    find_duration(q);
    find_timed_noun(q);
    find_comparison(q);
    find_net_change(q);
    find_snapshot(q);
    find_grain(q);
    find_rank(q);
    find_speed(q);
    find_ranked_period(q);
    find_agg(q);
    find_point_average(q);
    find_numeric(q);
    find_numeric_after(q);
    find_status_class(q);
    find_fillers(q);
    find_drivers(q);
    find_days_listed(q);
    find_breach(q);
    find_dims(q);
    find_dim_reach(q);
    find_listing(q);
    find_lookup(q);
    size_t content = 0, wordlike = 0;
    for (size_t i = 0; i < q->n; i++) {
        const qtok *t = &q->t[i];
        bool alpha = t->w[0] && strspn(t->w, "abcdefghijklmnopqrstuvwxyz") == strlen(t->w);
        if (alpha && strlen(t->w) <= 20) wordlike++;
        if (t->used == U_FREE || t->used == U_DIM || t->used != U_STOP) content++;
    }
    if (wordlike * 2 < q->n || content == 0) {
        scout_question_free(q);
        return scout_err_set(err, SCOUT_EUSER, "the question has no recognisable words");
    }
    *out = q;
    return SCOUT_OK;
}

static bool in_launch(const scout_question *q, size_t i)
{
    return q->launch.kind != SCOUT_LAUNCH_NONE && i >= q->launch_at && i < q->launch_end;
}

scout_rc scout_question_search_text(const scout_question *q, scout_buf *out)
{
    size_t len = strlen(q->text), from = 0;
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used != U_TIME || q->t[i].off + q->t[i].len > len) continue;
        /* a launch names a thing a table may be about ("export launch
           adoption"), not just a span of days */
        if (in_launch(q, i)) continue;
        if (scout_buf_append(out, q->text + from, q->t[i].off - from)) return SCOUT_ENOMEM;
        if (scout_buf_puts(out, " ")) return SCOUT_ENOMEM;
        from = q->t[i].off + q->t[i].len;
    }
    if (scout_buf_append(out, q->text + from, len - from)) return SCOUT_ENOMEM;
    return SCOUT_OK;
}

void scout_question_free(scout_question *q)
{
    if (!q) return;
    free(q->launch_note);
    free(q->text);
    free(q->t);
    free(q);
}

/* ---- launch-anchored periods ---- */

/* The day name launched, as the knowledge layer states it to who; false
 * when nothing the asker may read dates it. */
static bool launch_day_of(scout_catalog *cat, const scout_principal *who, const char *name,
                          char day[11], char **uri)
{
    return name[0] && scout_knowledge_launch_day(cat, name, who, day, uri, NULL) == SCOUT_OK;
}

/* The launched thing's name: the question's words for it, or (for "since
 * launch", "its first week") the first of its other words that a launch
 * date is known for ("tried export in its first week" → export). */
static bool find_launched(const scout_question *q, scout_catalog *cat, const scout_principal *who,
                          char name[96], char day[11], char **uri)
{
    const scout_launch *l = &q->launch;
    name[0] = 0;
    for (size_t i = l->name_from; i < l->name_to; i++) {
        size_t len = strlen(name);
        snprintf(name + len, 96 - len, "%s%s", len ? " " : "", q->t[i].orig);
    }
    if (name[0]) return launch_day_of(cat, who, name, day, uri);
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used == U_TIME || q->t[i].used == U_STOP || strlen(q->t[i].w) < 3) continue;
        scout_strlcpy(name, q->t[i].orig, 96);
        if (launch_day_of(cat, who, name, day, uri)) return true;
    }
    name[0] = 0;
    return false;
}

/* Makes a launch-anchored period concrete: the dates go into q->time as an
 * explicit range, the question's words become its label. A launch nobody
 * dated leaves its words unclaimed, so the answer says they were not
 * placed rather than quietly dropping the period. */
scout_rc scout_question_place_launch(scout_question *q, scout_catalog *cat,
                                     const scout_principal *who, scout_err *err)
{
    const scout_launch *l = &q->launch;
    if (l->kind == SCOUT_LAUNCH_NONE || q->has_time) return SCOUT_OK;
    char name[96], day[11], start[11], end[11];
    char *uri = NULL;
    if (!find_launched(q, cat, who, name, day, &uri) || !scout_launch_span(l, day, start, end)) {
        for (size_t i = q->launch_at; i < q->launch_end; i++)
            q->t[i].used = q->launch_was[i - q->launch_at];
        q->launch.kind = SCOUT_LAUNCH_NONE;
        free(uri);
        return SCOUT_OK;
    }
    scout_timeexpr te = {.kind = end[0] ? SCOUT_TX_RANGE : SCOUT_TX_SINCE};
    scout_date_parse(start, &te.y, &te.m, &te.d);
    if (end[0]) scout_date_parse(end, &te.y2, &te.m2, &te.d2);
    q->time = te, q->has_time = true;
    if (l->kind == SCOUT_LAUNCH_SINCE)
        snprintf(q->time_name, sizeof q->time_name, "since the %.60s launch", name);
    else
        snprintf(q->time_name, sizeof q->time_name, "the %d days %s the %.60s launch", l->days,
                 l->kind == SCOUT_LAUNCH_BEFORE ? "before" : "from", name);
    scout_buf note = SCOUT_BUF_INIT;
    /* the document's own name, as other reasons cite docs */
    const char *doc = uri && strrchr(uri, '/') ? strrchr(uri, '/') + 1 : uri;
    scout_rc rc = scout_buf_printf(&note, "the %s launch = %s%s%s%s", name, day,
                                   doc ? " (doc: " : "", doc ? doc : "", doc ? ")" : "");
    free(uri);
    free(q->launch_note);
    q->launch_note = rc ? NULL : scout_buf_take(&note);
    scout_buf_free(&note);
    return q->launch_note ? SCOUT_OK : scout_err_set(err, SCOUT_ENOMEM, "out of memory");
}

/* ---- analysis JSON ---- */

static const char *USE_NAMES[] = {"free",       "stop",      "time",   "grain",     "rank",
                                  "comparison", "aggregate", "number", "dimension", "filler"};
static const char *CMP_NAMES[] = {"none",    "previous_period", "previous_year",
                                  "members", "period",          "ago"};

static json_t *span_json(const scout_question *q, span s)
{
    json_t *a = json_array();
    for (size_t i = s.from; i < s.to; i++) json_array_append_new(a, json_string(q->t[i].w));
    return a;
}

static json_t *time_json(const scout_timeexpr *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(scout_timeexpr_kind_name(t->kind)));
    if (t->n) json_object_set_new(o, "n", json_integer(t->n));
    if (t->y) json_object_set_new(o, "year", json_integer(t->y));
    if (t->q) json_object_set_new(o, "quarter", json_integer(t->q));
    if (t->m) json_object_set_new(o, "month", json_integer(t->m));
    if (t->d) json_object_set_new(o, "day", json_integer(t->d));
    if (t->end_of) json_object_set_new(o, "end_of", json_true());
    return o;
}

scout_rc scout_question_json(const scout_question *q, scout_buf *out, scout_err *err)
{
    json_t *o = json_object();
    if (!o) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    json_object_set_new(o, "question", json_string(q->text));
    if (q->agg_set)
        json_object_set_new(o, "aggregate", json_string(scout_semantic_agg_name(q->agg)));
    if (q->has_time) json_object_set_new(o, "time", time_json(&q->time));
    if (q->has_time2) json_object_set_new(o, "time2", time_json(&q->time2));
    if (q->grain) json_object_set_new(o, "grain", json_string(scout_semantic_grain_name(q->grain)));
    if (q->over_time) json_object_set_new(o, "over_time", json_true());
    if (q->rank) json_object_set_new(o, "rank", json_string(q->rank > 0 ? "highest" : "lowest"));
    if (q->limit) json_object_set_new(o, "limit", json_integer(q->limit));
    if (q->cmp) json_object_set_new(o, "comparison", json_string(CMP_NAMES[q->cmp]));
    if (q->growth) json_object_set_new(o, "growth", json_true());
    if (q->now) json_object_set_new(o, "now", json_true());
    if (q->listing) json_object_set_new(o, "listing", json_true());
    if (q->dur_at) {
        json_t *d = json_object();
        json_object_set_new(d, "until", json_string(q->t[q->dur_at].w));
        json_object_set_new(d, "unit", json_string(scout_semantic_unit_name(q->dur_unit)));
        json_object_set_new(o, "duration", d);
    }
    json_t *dims = json_array();
    for (size_t i = 0; i < q->n_dims; i++) json_array_append_new(dims, span_json(q, q->dims[i]));
    json_object_set_new(o, "dimensions", dims);
    json_t *nf = json_array();
    for (size_t i = 0; i < q->n_nf; i++) {
        json_t *f = json_object();
        json_object_set_new(f, "op", json_string(scout_semantic_op_name(q->nf[i].op)));
        json_object_set_new(f, "value", json_real(q->nf[i].value));
        if (q->nf[i].money) json_object_set_new(f, "money", json_true());
        if (q->nf[i].unit[0]) json_object_set_new(f, "unit", json_string(q->nf[i].unit));
        if (q->nf[i].per[0]) json_object_set_new(f, "per", json_string(q->nf[i].per));
        json_array_append_new(nf, f);
    }
    json_object_set_new(o, "numeric_filters", nf);
    json_t *words = json_array(), *uses = json_object();
    for (size_t i = 0; i < q->n; i++) {
        if (q->t[i].used == U_FREE) json_array_append_new(words, json_string(q->t[i].w));
    }
    json_object_set_new(o, "open_words", words);
    for (size_t i = 0; i < q->n; i++)
        if (q->t[i].used != U_FREE && q->t[i].used != U_STOP && q->t[i].used != U_FILLER)
            json_object_set_new(uses, q->t[i].w, json_string(USE_NAMES[q->t[i].used]));
    json_object_set_new(o, "claimed", uses);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    scout_rc rc = scout_buf_puts(out, s);
    free(s);
    if (rc != SCOUT_OK) return scout_err_set(err, rc, "question analysis too large");
    return SCOUT_OK;
}

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

typedef struct setctx {
    char *set;
} setctx;

static int add_term(void *ud, const scout_term *t)
{
    char *set = ((setctx *)ud)->set;
    size_t have = strlen(set);
    if (have + t->stem_len + 2 >= SET_MAX) return 1;
    if (have == 0) set[have++] = ' ';
    memcpy(set + have, t->stem, t->stem_len);
    set[have + t->stem_len] = ' ';
    set[have + t->stem_len + 1] = 0;
    return 0;
}

/* The head of a description, which says what a row is ("Currently open
 * tickets with age in days"): up to the first clause break, at most six
 * words. The rest often names neighbours ("... from paid invoices"). An
 * early parenthesis is an apposition that still names the subject
 * ("Lighthouse (export feature) launch tracking"), so it is read through. */
static void desc_head(char *dst, const char *desc, size_t cap)
{
    size_t n = 0, words = 0;
    for (; desc && desc[n] && n + 1 < cap; n++) {
        char ch = desc[n];
        if (ch == ':' || ch == ',' || ch == ';' || ch == '.') break;
        if (ch == ' ' && ++words >= 6) break;
        dst[n] = ch == '(' || ch == ')' ? ' ' : ch;
    }
    dst[n] = 0;
}

static void add_text(scout_text *tx, char *set, const char *text)
{
    if (!text) return;
    setctx c = {set};
    scout_text_terms(tx, text, strlen(text), 0, add_term, &c);
}

/* Adds text to set and, whole, to the phrase list: a synonym said in full
 * ("revenue") tells more than one sharing a word ("invoiced revenue"). */
static void add_syn(scout_text *tx, char *set, char *phrases, const char *text)
{
    if (!text) return;
    add_text(tx, set, text);
    char one[SET_MAX] = "";
    add_text(tx, one, text);
    size_t have = strlen(phrases), n = strlen(one);
    while (n > 0 && one[n - 1] == ' ') n--;
    size_t from = one[0] == ' ' ? 1 : 0;
    if (n <= from || have + (n - from) + 3 >= SET_MAX) return;
    if (have == 0) phrases[have++] = '|';
    memcpy(phrases + have, one + from, n - from);
    phrases[have + n - from] = '|';
    phrases[have + n - from + 1] = 0;
}

/* A column synonym of several words names what its last word names ("account
 * executive" is an executive, "opportunity owner" an owner): the head joins
 * the word set, the words before it only qualify it and go to mods, so
 * "accounts" alone does not name the owner column. The phrase is kept whole. */
static void add_col_syn(scout_text *tx, bcol *bc, const char *text)
{
    if (!text) return;
    char one[SET_MAX] = "";
    add_syn(tx, one, bc->phrases, text);
    const char *p = one, *last = NULL;
    size_t last_n = 0;
    while (*p) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        if (e > p) {
            if (last) {
                setctx c = {bc->mods};
                scout_term t = {.stem = last, .stem_len = last_n};
                add_term(&c, &t);
            }
            last = p;
            last_n = (size_t)(e - p);
        }
        p = e;
    }
    if (last) {
        setctx c = {bc->syns};
        scout_term t = {.stem = last, .stem_len = last_n};
        add_term(&c, &t);
    }
}

/* Adds the identifier's parts that mix letters and digits ("p95" of p95_ms)
 * as written: text normalisation splits them, but people type them whole. */
static void add_mixed_parts(char *set, const char *ident)
{
    const char *p = ident;
    while (*p) {
        const char *e = p;
        bool alpha = false, digit = false;
        while (*e && *e != '_') {
            alpha = alpha || isalpha((unsigned char)*e);
            digit = digit || isdigit((unsigned char)*e);
            e++;
        }
        size_t n = (size_t)(e - p), have = strlen(set);
        if (alpha && digit && n < WORD_MAX && have + n + 3 < SET_MAX) {
            if (have == 0) set[have++] = ' ';
            for (size_t i = 0; i < n; i++) set[have + i] = (char)tolower((unsigned char)p[i]);
            set[have + n] = ' ';
            set[have + n + 1] = 0;
        }
        p = *e ? e + 1 : e;
    }
}

static bool in_set(const char *set, const char *stem)
{
    if (!stem[0] || !set[0]) return false;
    size_t n = strlen(stem);
    for (const char *p = strstr(set, stem); p; p = strstr(p + 1, stem))
        if (p[-1] == ' ' && p[n] == ' ') return true;
    return false;
}

/* How well one question word names a set: its stem, else a related stem. */
static double tok_in(const qtok *t, const char *set)
{
    if (in_set(set, t->stem)) return 1.0;
    double best = 0;
    for (int i = 0; i < t->n_rel; i++)
        if (in_set(set, t->rel[i]) && t->relw[i] * 0.7 > best) best = t->relw[i] * 0.7;
    return best;
}

static double col_word(const bcol *c, const qtok *t)
{
    double s = tok_in(t, c->names);
    double y = tok_in(t, c->syns) * 0.9;
    double m = tok_in(t, c->mods) * 0.1; /* a qualifier alone: a hint, never a binding */
    if (m > y) y = m;
    double d = tok_in(t, c->desc) * 0.1;
    return s > y ? (s > d ? s : d) : (y > d ? y : d);
}

static double met_word(const bmetric *m, const qtok *t)
{
    double s = tok_in(t, m->names);
    double y = tok_in(t, m->syns) * 0.9;
    double d = tok_in(t, m->desc) * 0.1;
    return s > y ? (s > d ? s : d) : (y > d ? y : d);
}

static bool numeric_type(const char *type)
{
    static const char *const kinds[] = {"int",   "real",    "num",   "double",
                                        "float", "decimal", "money", NULL};
    char low[32];
    fold(type, strlen(type) < 31 ? strlen(type) : 31, low);
    for (size_t i = 0; kinds[i]; i++)
        if (strstr(low, kinds[i])) return true;
    return false;
}

static bool numeric_text(const char *s)
{
    if (!s || !*s) return false;
    char *end;
    strtod(s, &end);
    return *end == 0;
}

static bool time_like(const char *name, const char *type)
{
    char low[32];
    fold(type, strlen(type) < 31 ? strlen(type) : 31, low);
    if (strstr(low, "date") || strstr(low, "time")) return true;
    size_t n = strlen(name);
    return !strcmp(name, "day") || !strcmp(name, "date") || !strcmp(name, "week_start") ||
           !strcmp(name, "month") || (n > 3 && !strcmp(name + n - 3, "_at")) ||
           (n > 5 && !strcmp(name + n - 5, "_date")) || (n > 6 && !strcmp(name + n - 6, "_month"));
}

/* Synonyms of the table and its metrics live in the catalog's curated layer
 * but are not part of the card's JSON yet; read them directly (read-only). */
static void load_synonyms(scout_catalog *cat, scout_text *tx, const char *kind, const char *target,
                          char *set, char *phrases)
{
    sqlite3 *db = scout_catalog_db(cat);
    sqlite3_stmt *st = NULL;
    if (!db ||
        sqlite3_prepare_v2(db, "SELECT term FROM synonyms WHERE target_kind = ?1 AND target = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *term = (const char *)sqlite3_column_text(st, 0);
        if (phrases)
            add_syn(tx, set, phrases, term);
        else
            add_text(tx, set, term);
    }
    sqlite3_finalize(st);
}

/* A column copied or rolled up from the column a curated metric sums
 * (revenue_monthly.net_revenue_usd from revenue_daily.net_revenue_usd,
 * the net_revenue metric) is that metric at another grain: it answers to
 * the metric's name and synonyms too. Column lineage, up to three hops. */
static void load_metric_lineage(scout_catalog *cat, scout_text *tx, const char *fqname, bcol *cols,
                                size_t n_cols)
{
    static const char SQL[] =
        "WITH RECURSIVE up(col, fq, src, depth) AS ("
        " SELECT to_column, from_fqname, from_column, 1 FROM lineage_edges"
        "  WHERE to_fqname = ?1 AND to_column IS NOT NULL AND from_column IS NOT NULL"
        " UNION SELECT up.col, e.from_fqname, e.from_column, up.depth + 1"
        "  FROM lineage_edges e JOIN up ON e.to_fqname = up.fq AND e.to_column = up.src"
        "  WHERE up.depth < 3 AND e.from_column IS NOT NULL)"
        "SELECT DISTINCT up.col, m.name FROM up JOIN metrics m ON m.table_fqname = up.fq"
        " AND lower(replace(m.expression, ' ', '')) = 'sum(' || lower(up.src) || ')'"
        " WHERE m.table_fqname <> ?1";
    sqlite3 *db = scout_catalog_db(cat);
    sqlite3_stmt *st = NULL;
    if (!db || sqlite3_prepare_v2(db, SQL, -1, &st, NULL) != SQLITE_OK) return;
    sqlite3_bind_text(st, 1, fqname, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        const char *metric = (const char *)sqlite3_column_text(st, 1);
        for (size_t i = 0; col && metric && i < n_cols; i++) {
            if (strcmp(cols[i].name, col) != 0) continue;
            char words[256];
            size_t k = 0;
            for (; metric[k] && k + 1 < sizeof words; k++)
                words[k] = metric[k] == '_' ? ' ' : metric[k];
            words[k] = 0;
            add_syn(tx, cols[i].syns, cols[i].phrases, words);
            load_synonyms(cat, tx, "metric", metric, cols[i].syns, cols[i].phrases);
            cols[i].from_metric = true;
        }
    }
    sqlite3_finalize(st);
}

/* A metric's curated row filters ("is_closed = 0"); not on the card yet. */
static void load_metric_filters(scout_catalog *cat, const char *fqname, bmetric *m)
{
    sqlite3 *db = scout_catalog_db(cat);
    sqlite3_stmt *st = NULL;
    if (!db ||
        sqlite3_prepare_v2(db, "SELECT filters FROM metrics WHERE name = ?1 AND table_fqname = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, fqname, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *f = (const char *)sqlite3_column_text(st, 0);
        if (f) snprintf(m->filters, sizeof m->filters, "%s", f);
    }
    sqlite3_finalize(st);
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void split_ident(char *dst, const char *name, size_t cap)
{
    size_t k = 0;
    for (; name[k] && k + 1 < cap; k++) dst[k] = name[k] == '_' ? ' ' : name[k];
    dst[k] = 0;
}

/* base: the table the question is bound to (a joined neighbour only lends
 * dimensions and values, so its measures' vocabulary is not read). */
static scout_rc load_table(scout_catalog *cat, const char *fqname, const scout_principal *who,
                           bool base, btable *bt, scout_err *err)
{
    memset(bt, 0, sizeof *bt);
    scout_buf b;
    scout_buf_init(&b, 0);
    scout_rc rc = scout_catalog_card_json(cat, fqname, who, &b, err);
    if (rc != SCOUT_OK) {
        scout_buf_free(&b);
        return rc;
    }
    json_error_t je;
    bt->card = json_loadb(b.data, b.len, 0, &je);
    scout_buf_free(&b);
    if (!bt->card)
        return scout_err_set(err, SCOUT_EINTERNAL, "table card is not json: %s", je.text);
    scout_text *tx = NULL;
    if ((rc = scout_text_new(&tx, err)) != SCOUT_OK) return rc;
    bt->fqname = jstr(bt->card, "fqname");
    bt->freshness = jstr(bt->card, "freshness");
    bt->time_col = jstr(bt->card, "freshness_column");
    bt->trust = jstr(bt->card, "trust");
    bt->grain = jstr(bt->card, "grain");
    json_t *cols = json_object_get(bt->card, "columns");
    json_t *mets = json_object_get(bt->card, "metrics");
    bt->cols = calloc(json_array_size(cols) + 1, sizeof *bt->cols);
    bt->mets = calloc(json_array_size(mets) + 1, sizeof *bt->mets);
    if (!bt->cols || !bt->mets) {
        scout_text_free(tx);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory binding the question");
    }
    char tmp[512];
    split_ident(tmp, jstr(bt->card, "name"), sizeof tmp);
    add_text(tx, bt->names, tmp);
    add_text(tx, bt->subject, tmp);
    load_synonyms(cat, tx, "table", fqname, bt->names, bt->phrases);
    for (const char *p = bt->phrases; *p == '|' && p[1];) {
        const char *e = strchr(p + 1, '|');
        if (!e) break;
        const char *w = e;
        while (w > p + 1 && w[-1] != ' ') w--;
        char head[WORD_MAX];
        copy_word(head, w, (size_t)(e - w));
        size_t n = strlen(head), have = strlen(bt->subject);
        if (n && !in_set(bt->subject, head) && have + n + 3 < SET_MAX) {
            if (!have) bt->subject[have++] = ' ';
            memcpy(bt->subject + have, head, n);
            bt->subject[have + n] = ' ';
            bt->subject[have + n + 1] = 0;
        }
        p = e;
    }
    desc_head(tmp, jstr(bt->card, "description"), sizeof tmp);
    add_text(tx, bt->desc, tmp);
    size_t i;
    json_t *c;
    json_array_foreach(cols, i, c)
    {
        bcol *bc = &bt->cols[bt->n_cols++];
        bc->name = jstr(c, "name");
        bc->type = jstr(c, "type");
        bc->max = jstr(c, "max");
        bc->null_rate = json_number_value(json_object_get(c, "null_rate"));
        size_t nl = strlen(bc->name);
        bc->is_id = !strcmp(bc->name, "id") || (nl > 3 && !strcmp(bc->name + nl - 3, "_id"));
        bc->numeric = numeric_type(bc->type) || (!bc->type[0] && numeric_text(jstr(c, "min")) &&
                                                 numeric_text(jstr(c, "max")));
        bc->is_time = time_like(bc->name, bc->type) || !strcmp(bc->name, bt->time_col);
        if (bc->is_time) bc->numeric = false;
        split_ident(tmp, bc->name, sizeof tmp);
        add_text(tx, bc->names, tmp);
        add_mixed_parts(bc->names, bc->name);
        size_t k;
        json_t *s;
        json_array_foreach(json_object_get(c, "synonyms"), k, s)
        {
            add_col_syn(tx, bc, json_string_value(s));
        }
        add_text(tx, bc->desc, jstr(c, "description"));
        bc->top = json_object_get(c, "top_values");
    }
    if (base) load_metric_lineage(cat, tx, fqname, bt->cols, bt->n_cols);
    json_array_foreach(mets, i, c)
    {
        bmetric *m = &bt->mets[bt->n_mets++];
        m->name = jstr(c, "name");
        m->time_col = jstr(c, "time_column");
        const char *ex = jstr(c, "expression");
        m->money = ex && !strncmp(ex, "sum(", 4) && (strstr(ex, "_usd") || strstr(ex, "amount"));
        split_ident(tmp, m->name, sizeof tmp);
        add_text(tx, m->names, tmp);
        add_text(tx, m->desc, jstr(c, "description"));
        load_synonyms(cat, tx, "metric", m->name, m->syns, m->phrases);
        load_metric_filters(cat, fqname, m);
    }
    scout_text_free(tx);
    if (!bt->time_col[0])
        for (i = 0; i < bt->n_cols; i++)
            if (bt->cols[i].is_time) {
                bt->time_col = bt->cols[i].name;
                break;
            }
    /* The latest date: freshness as a day; a month ("2026-10") means its
     * last day is the latest we know of. */
    const char *f = bt->freshness;
    if (strlen(f) >= 10)
        copy_word(bt->latest, f, 10), bt->latest[10] = 0;
    else if (strlen(f) == 7 && f[4] == '-' && f[5] == 'Q') {
        char first[11];
        int qn = f[6] - '0';
        snprintf(first, sizeof first, "%.4s-%02d-01", f, qn >= 1 && qn <= 4 ? qn * 3 - 2 : 1);
        char next[11];
        bt->period_text = 8;
        if (scout_semantic_date_add_months(first, 3, next))
            scout_semantic_date_add_days(next, -1, bt->latest);
    } else if (strlen(f) == 7) {
        bt->period_text = 7;
        char first[11];
        snprintf(first, sizeof first, "%.7s-01", f);
        char next[11];
        if (scout_semantic_date_add_months(first, 1, next))
            scout_semantic_date_add_days(next, -1, bt->latest);
    }
    return SCOUT_OK;
}

/* Is s a period label: "2026-07" (7) or "2026-Q3" (8)? 0 when neither. */
static int period_label(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-') return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    if (s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') return 8;
    return isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[6]) ? 7 : 0;
}

/* A table with no freshness column may still keep its periods as text
 * ("quarter" holding 2025-Q1..2026-Q4): that column is its time, and its
 * latest label places "Q3" or "last quarter", as for a monthly mart. */
static void find_text_period(btable *bt)
{
    if (bt->period_text || bt->time_col[0]) return;
    for (size_t c = 0; c < bt->n_cols; c++) {
        bcol *bc = &bt->cols[c];
        json_t *col = json_array_get(json_object_get(bt->card, "columns"), c);
        int kind = period_label(bc->max);
        if (!kind || period_label(jstr(col, "min")) != kind) continue;
        char first[16], next[11];
        int qn = bc->max[6] - '0';
        if (kind == 8)
            snprintf(first, sizeof first, "%.4s-%02d-01", bc->max, qn * 3 - 2);
        else
            snprintf(first, sizeof first, "%.7s-01", bc->max);
        if (!scout_semantic_date_add_months(first, kind == 8 ? 3 : 1, next) ||
            !scout_semantic_date_add_days(next, -1, bt->latest))
            continue;
        bc->is_time = true, bc->numeric = false;
        bt->time_col = bc->name;
        bt->freshness = bc->max;
        bt->period_text = kind;
        return;
    }
}

static void free_table(btable *bt)
{
    free(bt->cols);
    free(bt->mets);
    json_decref(bt->card);
}

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

static bool open_tok(const binder *b, size_t i)
{
    return b->used[i] == U_FREE || b->used[i] == U_DIM;
}

static void note(scout_buf *buf, const char *fmt, const char *a, const char *c)
{
    if (buf->len) scout_buf_puts(buf, "; ");
    scout_buf_printf(buf, fmt, a, c ? c : "");
}

/* Words for short codes people spell out ("Germany" → DE). */
static const struct {
    const char *words, *value;
} ALIASES[] = {{"north america", "NA"},
               {"united states", "US"},
               {"usa", "US"},
               {"america", "US"},
               {"germany", "DE"},
               {"france", "FR"},
               {"uk", "GB"},
               {"britain", "GB"},
               {"united kingdom", "GB"},
               {"japan", "JP"},
               {"india", "IN"},
               {"brazil", "BR"},
               {"canada", "CA"},
               {"mexico", "MX"},
               {"netherlands", "NL"},
               {"spain", "ES"},
               {"italy", "IT"},
               {"australia", "AU"},
               {"latin america", "LATAM"},
               {"europe", "EMEA"},
               {"asia", "APAC"}};

/* The noun of an action names the verb stored as a value: "cancellations"
 * → cancel, "subscriptions" → subscribe. The noun ends in -tions (a
 * singular "subscription" names a thing, as in "subscription refunds") and
 * starts with all of the verb but its last two letters (verbs of five
 * letters or more, so short codes never match this way). */
static bool names_the_act(const char *noun, const char *verb)
{
    size_t nl = strlen(noun), vl = strlen(verb);
    if (nl < 7 || noun[nl - 1] != 's') return false; /* counted acts are plural */
    nl--;
    if (vl < 5 || nl < 6 || strncmp(noun + nl - 4, "tion", 4) != 0) return false;
    return nl > vl && strncmp(noun, verb, vl - 2) == 0;
}

/* Folds value's words into out with no separators ("mid-market" →
 * "midmarket"); the number of words, 0 when it does not fit. */
static size_t value_joined(const char *value, char *out, size_t cap)
{
    size_t o = 0, words = 0, vl = strlen(value);
    for (size_t p = 0; p < vl;) {
        while (p < vl && !word_byte((unsigned char)value[p])) p++;
        if (p >= vl) break;
        size_t e = p;
        while (e < vl && word_byte((unsigned char)value[e])) e++;
        char w[WORD_MAX];
        fold(value + p, e - p, w);
        size_t wl = strlen(w);
        if (o + wl + 1 > cap) return 0;
        memcpy(out + o, w, wl + 1);
        o += wl, words++;
        p = e;
    }
    return words;
}

/* Does the value's word sequence occur at token i? Returns words matched.
 * A stored value's words may be joined by '_', '-' or spaces and in any
 * case ("ai_assist", "mid-market", "Closed Won"): the question's words
 * match them in order. A value of several words also matches the question
 * writing them as one ("midmarket"), never a part of a word. */
static size_t value_at(const binder *b, size_t i, const char *value)
{
    const scout_question *q = b->q;
    size_t k = i, vl = strlen(value);
    char joined[WORD_MAX];
    size_t n_words = value_joined(value, joined, sizeof joined);
    if (n_words > 1 && i < q->n && (open_tok(b, i) || b->used[i] == U_STOP) &&
        !strcmp(q->t[i].w, joined))
        return 1;
    size_t p = 0;
    while (p < vl) {
        while (p < vl && !word_byte((unsigned char)value[p])) p++;
        if (p >= vl) break;
        size_t e = p;
        while (e < vl && word_byte((unsigned char)value[e])) e++;
        if (k >= q->n || (!open_tok(b, k) && b->used[k] != U_STOP && b->used[k] != U_FILLER &&
                          b->used[k] != U_AGG))
            return 0;
        char w[WORD_MAX];
        fold(value + p, e - p, w);
        if (strcmp(w, q->t[k].w) != 0) {
            /* plural: "calls" names the value "call" */
            size_t tl = strlen(q->t[k].w);
            if (!(tl == strlen(w) + 1 && q->t[k].w[tl - 1] == 's' &&
                  strncmp(w, q->t[k].w, tl - 1) == 0) &&
                !names_the_act(q->t[k].w, w))
                return 0;
        }
        /* A two-letter code on its own ("NA", "IN", "US") only when written
         * in capitals, so "in" and "us" stay words; inside a value of several
         * words ("ai_assist") the other words already pin the meaning. */
        if (n_words == 1 && e - p <= 2 && strncmp(q->t[k].orig, value + p, e - p) != 0) return 0;
        k++;
        p = e;
    }
    return k - i;
}

/* Does the word name something on the base table (a column or metric)? */
static bool names_base(const binder *b, const qtok *t)
{
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (col_word(&b->bt->cols[c], t) >= 0.5) return true;
    for (size_t m = 0; m < b->bt->n_mets; m++)
        if (met_word(&b->bt->mets[m], t) >= 0.5) return true;
    return tok_in(t, b->bt->names) >= 0.5;
}

/* Does the word name a column of the base table by its own name? */
static bool names_base_column(const binder *b, const qtok *t)
{
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (tok_in(t, b->bt->cols[c].names) >= 1.0) return true;
    return false;
}

static void find_values_in(binder *b, const btable *bt)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i < q->n && b->n_vals < MAX_VALS; i++) {
        if (q->t[i].is_num) continue;
        /* a joined table's values only for words the base table leaves over */
        if (bt != b->bt && (!open_tok(b, i) || names_base(b, &q->t[i]))) continue;
        /* "tickets per account": a grouping word that names a column of
         * the base table is that column, not a value ('account' category) */
        if (q->t[i].used == U_DIM && names_base_column(b, &q->t[i])) continue;
        size_t best_len = 0, best_col = 0;
        const char *best_val = NULL;
        for (size_t c = 0; c < bt->n_cols; c++) {
            const bcol *bc = &bt->cols[c];
            if (bc->is_time) continue;
            /* a column of distinct values keeps no top values, but its
             * least and greatest are values too ("android" of 4 platforms) */
            json_t *ends = NULL;
            if (!json_array_size(bc->top) && !bc->numeric && !bc->is_id) {
                json_t *col = json_array_get(json_object_get(bt->card, "columns"), c);
                ends = json_pack("[{s:O?},{s:O?}]", "value", json_object_get(col, "min"), "value",
                                 json_object_get(col, "max"));
            }
            size_t k;
            json_t *tv;
            json_array_foreach(ends ? ends : bc->top, k, tv)
            {
                const char *v = json_string_value(json_object_get(tv, "value"));
                if (!v || !*v || numeric_text(v) || strlen(v) > 200) continue;
                size_t len = value_at(b, i, v);
                for (size_t a = 0; !len && a < sizeof ALIASES / sizeof ALIASES[0]; a++)
                    if (!strcasecmp(v, ALIASES[a].value)) {
                        size_t al = value_at(b, i, ALIASES[a].words);
                        if (al && strlen(ALIASES[a].words) > 2) len = al;
                    }
                /* Prefer the longest match, then a column the question names. */
                bool better = len > best_len || (len && len == best_len && best_val &&
                                                 tok_in(&q->t[i > 0 ? i - 1 : i], bc->names) > 0);
                if (better) best_len = len, best_col = c, best_val = v;
            }
            if (ends && best_val && best_col == c) {
                /* the value must outlive ends: point at the card's copy */
                json_t *col = json_array_get(json_object_get(bt->card, "columns"), c);
                const char *mn = json_string_value(json_object_get(col, "min"));
                best_val = mn && !strcmp(mn, best_val)
                               ? mn
                               : json_string_value(json_object_get(col, "max"));
            }
            json_decref(ends);
        }
        if (!best_len) continue;
        /* A value word that is also the measure's own name ("refunds" the
         * event type vs refunds_usd) still filters: the question's noun
         * decides at measure time, so only claim unambiguous words. */
        vmatch *m = &b->vals[b->n_vals++];
        m->t = bt, m->col = best_col, m->value = (char *)best_val, m->from = i,
        m->to = i + best_len;
        for (size_t k = i; k < i + best_len; k++) b->used[k] = B_VALUE;
        i += best_len - 1;
    }
}

/* A top value of column col on bt equal to value (borrowed from the card). */
static const char *top_value_of(const btable *bt, const char *col, const char *value, size_t *ci)
{
    for (size_t c = 0; c < bt->n_cols; c++) {
        if (strcmp(bt->cols[c].name, col) != 0) continue;
        size_t k;
        json_t *tv;
        json_array_foreach(bt->cols[c].top, k, tv)
        {
            const char *v = json_string_value(json_object_get(tv, "value"));
            if (v && !strcmp(v, value)) {
                *ci = c;
                return v;
            }
        }
    }
    return NULL;
}

/* One codename at token i: the column and value it stands for, matched on
 * the base table or a neighbour. */
static void codename_at(binder *b, const char *term, const char *col, const char *value)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i < q->n && b->n_vals < MAX_VALS; i++) {
        size_t len = value_at(b, i, term);
        if (!len) continue;
        for (size_t j = 0; j <= b->n_nb; j++) {
            const btable *bt = j == 0 ? b->bt : &b->nb[j - 1];
            size_t ci = 0;
            const char *v = top_value_of(bt, col, value, &ci);
            if (!v) continue;
            vmatch *m = &b->vals[b->n_vals++];
            m->t = bt, m->col = ci, m->value = (char *)v, m->from = i, m->to = i + len;
            for (size_t k = i; k < i + len; k++) b->used[k] = B_VALUE;
            return;
        }
    }
}

/* A codename the knowledge layer learned ("Lighthouse" is the export
 * feature): kind is the column, meaning the value. */
static int knowledge_codename(void *ud, const char *term, const char *kind, const char *meaning)
{
    if (term && kind && meaning) codename_at(ud, term, kind, meaning);
    return 0;
}

/* Codenames stand for a value: curated value synonyms ("Beacon" for
 * feature = 'ai_assist') and those the knowledge layer learned from docs
 * the asker may read ("Lighthouse" is the export feature; one stated only in
 * a private channel does not steer a non-member's question). Read-only. */
static void find_codenames(binder *b, scout_catalog *cat, const scout_principal *who)
{
    sqlite3 *db = scout_catalog_db(cat);
    sqlite3_stmt *st = NULL;
    if (!db || sqlite3_prepare_v2(db,
                                  "SELECT term, target FROM synonyms WHERE target_kind = 'value'"
                                  " LIMIT 1000",
                                  -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *term = (const char *)sqlite3_column_text(st, 0);
        const char *target = (const char *)sqlite3_column_text(st, 1);
        if (!term || !target) continue;
        /* "feature = 'ai_assist'": the curated value synonym's condition */
        char col[WORD_MAX], value[256];
        const char *eq = strchr(target, '='), *q1 = eq ? strchr(eq, '\'') : NULL;
        const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
        size_t cl = eq ? (size_t)(eq - target) : 0;
        while (cl && target[cl - 1] == ' ') cl--;
        if (!q2 || !cl || cl >= sizeof col || (size_t)(q2 - q1 - 1) >= sizeof value) continue;
        memcpy(col, target, cl);
        col[cl] = 0;
        memcpy(value, q1 + 1, (size_t)(q2 - q1 - 1));
        value[q2 - q1 - 1] = 0;
        codename_at(b, term, col, value);
    }
    sqlite3_finalize(st);
    scout_knowledge_codenames_each(cat, who, knowledge_codename, b, NULL);
}

/* "among Plus users", "for urgent tickets": the noun after a filtering
 * value names the population the value selects, not what is measured. */
static void claim_populations(binder *b)
{
    const scout_question *q = b->q;
    for (size_t v = 0; v < b->n_vals; v++) {
        const vmatch *m = &b->vals[v];
        if (m->from == 0 || m->to >= q->n || !open_tok(b, m->to) || q->t[m->to].is_num) continue;
        if (tok_is(q, m->from - 1, "among") || tok_is(q, m->from - 1, "for"))
            b->used[m->to] = B_VALUE;
    }
}

/* Values on the base table first; words it leaves over may be values of a
 * joined table ("billing tickets" on CSAT responses: tickets.category). */
static void find_values(binder *b)
{
    find_values_in(b, b->bt);
    for (size_t j = 0; j < b->n_nb; j++) find_values_in(b, &b->nb[j]);
    claim_populations(b);
}

typedef struct pick {
    bool metric;
    size_t idx;
    double score;
} pick;

/* Name words of a candidate the question does not say ("net" in
 * net_revenue when it asks for "gross revenue"), minus unit suffixes. */
static double unmatched_names(const binder *b, const char *names, const char *implied)
{
    double n = 0;
    const char *p = names;
    while (*p) {
        while (*p == ' ') p++;
        const char *e = strchr(p, ' ');
        if (!e || e == p) break;
        char w[WORD_MAX];
        copy_word(w, p, (size_t)(e - p));
        /* units, and for a column the table's own words ("subscribers"
         * of plus_subscribers_daily), go without saying */
        bool said = !strcmp(w, "usd") || !strcmp(w, "ms") || !strcmp(w, "count") ||
                    !strcmp(w, "total") || (implied && in_set(implied, w));
        for (size_t i = 0; i < b->q->n && !said; i++)
            if (!strcmp(b->q->t[i].stem, w))
                said = true;
            else
                for (int r = 0; r < b->q->t[i].n_rel && !said; r++)
                    if (!strcmp(b->q->t[i].rel[r], w)) said = true;
        if (!said) n += 1;
        p = e;
    }
    return n;
}

/* The word itself, or its spelled-out abbreviation ("rev" → revenue). */
static bool said_as(const qtok *t, const char *stem)
{
    if (!strcmp(t->stem, stem)) return true;
    for (int r = 0; r < t->n_rel; r++)
        if (t->relw[r] >= 1.0 && !strcmp(t->rel[r], stem)) return true;
    return false;
}

static bool phrase_said_by(const binder *b, const char *phrases, bool any_word);

/* Is one of the synonym phrases said in full by the question's open words? */
static bool phrase_said(const binder *b, const char *phrases)
{
    return phrase_said_by(b, phrases, false);
}

/* any_word: whatever claimed the words ("open deals" names the metric even
 * when "open" also became the is_open filter). */
static bool phrase_said_by(const binder *b, const char *phrases, bool any_word)
{
    const char *p = phrases;
    while (*p == '|' && p[1]) {
        const char *e = strchr(p + 1, '|');
        if (!e) break;
        bool all = true;
        const char *w = p + 1;
        while (w < e && all) {
            const char *we = w;
            while (we < e && *we != ' ') we++;
            char stem[WORD_MAX];
            copy_word(stem, w, (size_t)(we - w));
            bool found = false;
            for (size_t i = 0; i < b->q->n && !found; i++)
                if ((any_word || open_tok(b, i) || b->used[i] == U_GRAIN ||
                     b->used[i] == B_MEASURE) &&
                    said_as(&b->q->t[i], stem))
                    found = true;
            all = found;
            w = we < e ? we + 1 : e;
        }
        if (all) return true;
        p = e;
    }
    return false;
}

/* A 0/1 flag column ("is_open", "is_won"): the word after "is_", else NULL.
 * A flag filters ("open deals"); it is not a quantity to add up. */
static const char *flag_word(const bcol *c)
{
    if (strncmp(c->name, "is_", 3) != 0 || !c->name[3] || strchr(c->name + 3, '_')) return NULL;
    return c->name + 3;
}

/* How much word i can tell the table's columns apart. A word naming the
 * table itself ("Plus" in plus_subscribers_daily) does less than one only a
 * column has ("trialing"); what a count includes ("including trials",
 * "trials included") qualifies the measure rather than naming it. */
static double own_word(const binder *b, size_t i)
{
    const scout_question *q = b->q;
    if ((i > 0 && tok_is(q, i - 1, "including")) || tok_is(q, i + 1, "included")) return 0.2;
    return tok_in(&q->t[i], b->bt->names) >= 1.0 ? 0.5 : 1.0;
}

static bool money_col(const bcol *c);
static bool count_like(const bcol *c);

/* "How much did refunds take off revenue": the subject of a "how much
 * did/do/does" question is what is measured when it names the candidate;
 * the nouns later in the sentence are what it acts on. */
static bool subject_names(const binder *b, const char *names)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i + 3 < q->n; i++) {
        if (!tok_is(q, i, "how") || !tok_is(q, i + 1, "much") ||
            !(tok_is(q, i + 2, "did") || tok_is(q, i + 2, "do") || tok_is(q, i + 2, "does")))
            continue;
        const qtok *t = &q->t[i + 3];
        return open_tok(b, i + 3) && in_set(names, t->stem);
    }
    return false;
}

/* Scores every measure candidate against the open words; the best wins,
 * curated metrics first on a tie. */
/* A metric defined on rows the question already chose otherwise: its
 * curated filter names a column the question filters ("open pipeline" is
 * is_closed = 0; "deals closed in October" set is_closed = 1). */
static bool metric_overruled(const binder *b, const bmetric *m)
{
    for (size_t f = 0; f < b->s->n_filters && m->filters[0]; f++) {
        const char *col = b->s->filters[f].ref.column;
        size_t l = strlen(col);
        for (const char *p = strstr(m->filters, col); p; p = strstr(p + 1, col))
            if ((p == m->filters || !word_byte((unsigned char)p[-1])) &&
                !word_byte((unsigned char)p[l]))
                return true;
    }
    return false;
}

/* Is a synonym of several words said in full by words still open or read
 * only as fillers ("invoice amount": "amount" alone is a filler)? Words
 * another measure or a value took do not count. */
static bool compound_said(const binder *b, const char *phrases)
{
    for (const char *p = phrases; *p == '|' && p[1];) {
        const char *e = strchr(p + 1, '|');
        if (!e) break;
        bool several = memchr(p + 1, ' ', (size_t)(e - p - 1)) != NULL, all = several;
        for (const char *w = p + 1; all && w < e;) {
            const char *we = w;
            while (we < e && *we != ' ') we++;
            char stem[WORD_MAX];
            copy_word(stem, w, (size_t)(we - w));
            bool found = false;
            for (size_t i = 0; i < b->q->n && !found; i++)
                found = (open_tok(b, i) || b->used[i] == U_FILLER) && said_as(&b->q->t[i], stem);
            all = found;
            w = we < e ? we + 1 : e;
        }
        if (all) return true;
        p = e;
    }
    return false;
}

static pick best_measure(binder *b, bool ids_too, const bool *taken)
{
    pick best = {false, 0, 0};
    const scout_question *q = b->q;
    bool count = q->agg_set && q->agg == SCOUT_AGG_COUNT;
    for (size_t m = 0; m < b->bt->n_mets; m++) {
        if (taken && taken[b->bt->n_cols + m]) continue;
        if (count && b->bt->mets[m].money) continue; /* "how many refunds" counts them */
        if (metric_overruled(b, &b->bt->mets[m])) continue;
        double s = 0, syn = 0;
        for (size_t i = 0; i < q->n; i++)
            if (open_tok(b, i) || b->used[i] == U_GRAIN) s += met_word(&b->bt->mets[m], &q->t[i]);
        if (phrase_said(b, b->bt->mets[m].phrases)) syn = 0.1;
        if (s > 0) s += 0.15 + syn - 0.2 * unmatched_names(b, b->bt->mets[m].names, NULL);
        if (s > 0 && subject_names(b, b->bt->mets[m].names)) s += 10;
        if (s > best.score) best = (pick){true, m, s};
    }
    bool money = false;
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (b->bt->cols[c].numeric && !b->bt->cols[c].is_id && money_col(&b->bt->cols[c]))
            money = true;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        if ((taken && taken[c]) || bc->is_time || (!bc->numeric && !ids_too) ||
            (bc->is_id && !ids_too) || flag_word(bc))
            continue;
        /* "how many refunds" counts them; refunds_usd is how much they were */
        if (count && bc->numeric && money_col(bc)) continue;
        /* and "how much open pipeline" is an amount where the table has one,
         * not its count of open opportunities */
        if (q->how_much && money && count_like(bc)) continue;
        double s = 0, syn = 0;
        for (size_t i = 0; i < q->n; i++)
            if (open_tok(b, i) || b->used[i] == U_GRAIN)
                s += col_word(bc, &q->t[i]) * own_word(b, i);
        if (phrase_said(b, bc->phrases)) syn = 0.1;
        /* "invoice amount" said in full names gross_usd, even though
         * "amount" alone is a filler and "invoice" only qualifies it */
        if (s < 1.0 && compound_said(b, bc->phrases)) s = 1.0;
        if (s > 0) s += syn - 0.2 * unmatched_names(b, bc->names, b->bt->names);
        if (s > 0 && subject_names(b, bc->names)) s += 10; /* the subject decides */
        if (s > best.score + 1e-9) best = (pick){false, c, s};
    }
    return best;
}

static void claim_measure(binder *b, pick p)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i < q->n; i++) {
        if (!open_tok(b, i) && b->used[i] != U_GRAIN) continue;
        double s = p.metric ? met_word(&b->bt->mets[p.idx], &q->t[i])
                            : col_word(&b->bt->cols[p.idx], &q->t[i]);
        if (s >= 0.5) b->used[i] = b->used[i] == U_GRAIN ? U_GRAIN + 100 : B_MEASURE;
    }
}

/* A level (stock) is measured at a point in time: summing a daily
 * subscriber count over a month is meaningless, so periods take its last
 * value. Rates and percentiles average instead. */
static int measure_nature(const bcol *c)
{
    static const char *const levels[] = {"subscrib", "balanc", "outstand", "backlog", "headcount",
                                         "mrr",      "arr",    "open",     "active",  "dau",
                                         "wau",      "mau",    "trialing", NULL};
    static const char *const rates[] = {"rate",   "pct",   "percent", "ratio", "share", "score",
                                        "csat",   "p50",   "p90",     "p95",   "p99",   "avg",
                                        "median", "hours", "minutes", NULL};
    for (size_t i = 0; rates[i]; i++)
        if (strstr(c->name, rates[i])) return 2;
    for (size_t i = 0; levels[i]; i++)
        if (strstr(c->name, levels[i])) return 1;
    return 0;
}

static scout_rc push_measure(scout_semantic *s, scout_agg agg, const char *col, const char *metric,
                             scout_over_time ot)
{
    scout_sq_measure *m = realloc(s->measures, (s->n_measures + 1) * sizeof *m);
    if (!m) return SCOUT_ENOMEM;
    s->measures = m;
    m = &s->measures[s->n_measures++];
    memset(m, 0, sizeof *m);
    m->agg = agg;
    m->over_time = ot;
    if (col && !(m->ref.column = dupstr(col))) return SCOUT_ENOMEM;
    if (metric && !(m->metric = dupstr(metric))) return SCOUT_ENOMEM;
    return SCOUT_OK;
}

static scout_rc push_dim(scout_semantic *s, const char *col)
{
    for (size_t i = 0; i < s->n_dimensions; i++)
        if (!strcmp(s->dimensions[i].ref.column, col)) return SCOUT_OK;
    scout_sq_dimension *d = realloc(s->dimensions, (s->n_dimensions + 1) * sizeof *d);
    if (!d) return SCOUT_ENOMEM;
    s->dimensions = d;
    d = &s->dimensions[s->n_dimensions++];
    memset(d, 0, sizeof *d);
    return (d->ref.column = dupstr(col)) ? SCOUT_OK : SCOUT_ENOMEM;
}

static scout_rc push_filter(scout_semantic *s, const char *col, scout_op op, size_t n)
{
    scout_sq_filter *f = realloc(s->filters, (s->n_filters + 1) * sizeof *f);
    if (!f) return SCOUT_ENOMEM;
    s->filters = f;
    f = &s->filters[s->n_filters++];
    memset(f, 0, sizeof *f);
    f->op = op;
    f->values = calloc(n ? n : 1, sizeof *f->values);
    f->n_values = n;
    if (!f->values || !(f->ref.column = dupstr(col))) return SCOUT_ENOMEM;
    return SCOUT_OK;
}

static scout_rc push_assumption(scout_semantic *s, const char *text)
{
    char **a = realloc(s->assumptions, (s->n_assumptions + 1) * sizeof *a);
    if (!a) return SCOUT_ENOMEM;
    s->assumptions = a;
    return (a[s->n_assumptions++] = dupstr(text)) ? SCOUT_OK : SCOUT_ENOMEM;
}

/* Points ref at a joined table and remembers that its default filters apply. */
static scout_rc use_neighbour(binder *b, const btable *t, scout_sq_ref *ref)
{
    for (size_t j = 0; j < b->n_nb; j++)
        if (&b->nb[j] == t) b->nb_used[j] = true;
    return (ref->table = dupstr(t->fqname)) ? SCOUT_OK : SCOUT_ENOMEM;
}

/* Value filters: one column with several values becomes IN (and, when the
 * question compares them, a dimension so each member gets its row). */
static scout_rc bind_values(binder *b, bool *compare_members)
{
    scout_semantic *s = b->s;
    bool done[MAX_VALS] = {false};
    *compare_members = false;
    /* A value said twice ("web vs mobile: ... on web") is one value. */
    for (size_t i = 0; i < b->n_vals; i++)
        for (size_t j = i + 1; j < b->n_vals; j++)
            if (b->vals[j].col == b->vals[i].col && b->vals[j].t == b->vals[i].t &&
                !strcmp(b->vals[j].value, b->vals[i].value))
                done[j] = true;
    for (size_t i = 0; i < b->n_vals; i++) {
        if (done[i]) continue;
        size_t n = 0;
        const btable *vt = b->vals[i].t;
        for (size_t j = i; j < b->n_vals; j++)
            if (b->vals[j].col == b->vals[i].col && b->vals[j].t == vt && !done[j]) n++;
        const char *col = vt->cols[b->vals[i].col].name;
        scout_rc rc = push_filter(s, col, n > 1 ? SCOUT_OP_IN : SCOUT_OP_EQ, n);
        if (rc != SCOUT_OK) return rc;
        scout_sq_filter *f = &s->filters[s->n_filters - 1];
        if (vt != b->bt && (rc = use_neighbour(b, vt, &f->ref)) != SCOUT_OK) return rc;
        size_t k = 0;
        for (size_t j = i; j < b->n_vals; j++) {
            if (b->vals[j].col != b->vals[i].col || b->vals[j].t != vt || done[j]) continue;
            done[j] = true;
            f->values[k].kind = SCOUT_VAL_KIND_STRING;
            if (!(f->values[k++].s = dupstr(b->vals[j].value))) return SCOUT_ENOMEM;
            note(&b->why, "%s holds '%s'", col, b->vals[j].value);
            /* note() takes (fmt, a, c): reorder for readability */
        }
        if (n > 1 && b->q->cmp == CMP_MEMBERS && vt == b->bt) {
            *compare_members = true;
            if ((rc = push_dim(s, col)) != SCOUT_OK) return rc;
        }
    }
    return SCOUT_OK;
}

/* Verbs of an outcome, by their forms. Each says which flag it sets
 * (is_won = 1 for "won"; 0 for "lost", its opposite), a flag it also
 * clears (a lost deal is no longer open), and the event it happens at,
 * whose time column a period then applies to ("won in 2025" → close_date).
 * Base forms ("win") count only after a subject or auxiliary ("did we
 * win"), so the noun in "win rate" is not a verb. */
static const struct {
    const char *past, *base, *flag;
    int on;
    const char *clears, *event;
} OUTCOMES[] = {
    {" won ", " win wins winning ", "won", 1, NULL, "close"},
    {" lost ", " lose loses losing ", "won", 0, "open", "close"},
    {" closed ", " closes closing ", "open", 0, NULL, "close"},
    {" paid ", " pay pays ", "paid", 1, NULL, "paid"},
};

/* The outcome verb at word i, or -1. */
static int outcome_at(const scout_question *q, size_t i)
{
    static const char *const subj[] = {"we", "they", "did", "do", "does", "to", "will", NULL};
    char w[WORD_MAX + 2];
    snprintf(w, sizeof w, " %s ", q->t[i].w);
    for (size_t k = 0; k < sizeof OUTCOMES / sizeof OUTCOMES[0]; k++) {
        if (strstr(OUTCOMES[k].past, w)) return (int)k;
        if (strstr(OUTCOMES[k].base, w) && i > 0 && tok_any(q, i - 1, subj)) return (int)k;
    }
    return -1;
}

/* Sets flag is_<word> to on for question word i, unless already filtered. */
static scout_rc set_flag(binder *b, const char *word, int on, size_t i)
{
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const char *w = flag_word(&b->bt->cols[c]);
        if (!w || strcmp(w, word) != 0) continue;
        for (size_t f = 0; f < b->s->n_filters; f++)
            if (!strcmp(b->s->filters[f].ref.column, b->bt->cols[c].name)) return SCOUT_OK;
        scout_rc rc = push_filter(b->s, b->bt->cols[c].name, SCOUT_OP_EQ, 1);
        if (rc != SCOUT_OK) return rc;
        b->s->filters[b->s->n_filters - 1].values[0].kind = SCOUT_VAL_KIND_INT;
        b->s->filters[b->s->n_filters - 1].values[0].i = on;
        b->used[i] = B_VALUE;
        note(&b->why, on ? "%s = 1 for '%s'" : "%s = 0 for '%s'", b->bt->cols[c].name,
             b->q->t[i].w);
        return SCOUT_OK;
    }
    return SCOUT_OK;
}

/* "open deals", "won deals": a flag the question says is on; "lost deals",
 * "deals we lost": the outcome's flag off, and the row closed. */
static scout_rc bind_flags(binder *b)
{
    const scout_question *q = b->q;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < q->n && rc == SCOUT_OK; i++) {
        if (!open_tok(b, i)) continue;
        /* the flag the word names itself first ("closed" → is_closed) */
        rc = set_flag(b, q->t[i].w, 1, i);
        int k = outcome_at(q, i);
        if (k < 0 || rc != SCOUT_OK) continue;
        rc = set_flag(b, OUTCOMES[k].flag, OUTCOMES[k].on, i);
        if (rc == SCOUT_OK && OUTCOMES[k].clears) rc = set_flag(b, OUTCOMES[k].clears, 0, i);
    }
    return rc;
}

/* "converted leads", "assigned tickets": a past participle naming a column
 * that is empty until it happens (converted_account_id) means it is set. */
static scout_rc bind_presence(binder *b)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i < q->n; i++) {
        size_t wl = strlen(q->t[i].w);
        if (!open_tok(b, i) || wl < 5 || strcmp(q->t[i].w + wl - 2, "ed") != 0) continue;
        for (size_t c = 0; c < b->bt->n_cols; c++) {
            const bcol *bc = &b->bt->cols[c];
            if (bc->is_time || bc->null_rate <= 0 || strncmp(bc->name, q->t[i].w, wl) != 0 ||
                bc->name[wl] != '_')
                continue;
            scout_rc rc = push_filter(b->s, bc->name, SCOUT_OP_IS_NOT_NULL, 0);
            if (rc != SCOUT_OK) return rc;
            b->used[i] = B_VALUE;
            note(&b->why, "%s is set for '%s'", bc->name, q->t[i].w);
            break;
        }
    }
    return SCOUT_OK;
}

static size_t best_column_in(const scout_question *q, const btable *bt, size_t from, size_t to,
                             bool numeric_only, const bool *skip, double *score)
{
    size_t best = (size_t)-1;
    double bs = 0;
    for (size_t c = 0; c < bt->n_cols; c++) {
        const bcol *bc = &bt->cols[c];
        if (numeric_only && !bc->numeric) continue;
        if (skip && bc->is_id) continue; /* a joined table's keys are not its labels */
        double s = 0;
        for (size_t i = from; i < to && i < q->n; i++)
            if (!skip || !skip[i - from]) s += col_word(bc, &q->t[i]);
        /* dimensions are usually text; identifiers and times less so, and a
         * quantity ("customers", a count per row) is what is measured, not
         * what rows are grouped by */
        if (s > 0 && !numeric_only && !bc->numeric && !bc->is_time) s += 0.1;
        if (!numeric_only && bc->numeric && !bc->is_id) s *= 0.2;
        if (s > bs) bs = s, best = c;
    }
    *score = bs;
    return best;
}

static size_t best_column(binder *b, size_t from, size_t to, bool numeric_only, double *score)
{
    return best_column_in(b->q, b->bt, from, to, numeric_only, NULL, score);
}

/* The column people read as a row's name: name, title, <table>_name. */
static size_t label_column(const btable *bt)
{
    for (size_t c = 0; c < bt->n_cols; c++) {
        const char *n = bt->cols[c].name;
        size_t l = strlen(n);
        if (bt->cols[c].numeric || bt->cols[c].is_time) continue;
        if (!strcmp(n, "name") || !strcmp(n, "title") || (l > 5 && !strcmp(n + l - 5, "_name")))
            return c;
    }
    return (size_t)-1;
}

/* A dimension on a many-to-one joined table: the phrase's words that name
 * the table ("customer" of dim_customers) count a little, the rest must
 * name a column ("segment"); a phrase that only names the table ("per
 * campaign") means its label column, unless the base table has a text
 * column of that name (own_text): its values are readable already.
 * Returns the neighbour or -1. */
static size_t neighbour_dim(const binder *b, span sp, double base, bool own_text, size_t *col)
{
    size_t best = (size_t)-1;
    double bs = base;
    for (size_t j = 0; j < b->n_nb; j++) {
        if (!b->nb_m2o[j]) continue;
        const btable *nt = &b->nb[j];
        bool skip[MAX_TOKENS] = {false};
        size_t n_table = 0, n = sp.to - sp.from;
        for (size_t i = sp.from; i < sp.to; i++)
            if (tok_in(&b->q->t[i], nt->names) >= 0.5) skip[i - sp.from] = true, n_table++;
        double sc = 0;
        size_t c = (size_t)-1;
        if (n_table == n && own_text)
            continue; /* "by plan" with a plan column here: already readable */
        if (n_table == n)
            c = label_column(nt), sc = c == (size_t)-1 ? 0 : 0.9 + 0.3 * (double)n_table;
        else {
            c = best_column_in(b->q, nt, sp.from, sp.to, false, skip, &sc);
            if (sc < 0.5) continue;
            sc += 0.3 * (double)n_table;
        }
        if (c != (size_t)-1 && sc > bs + 1e-9) bs = sc, best = j, *col = c;
    }
    return best;
}

static size_t col_index(const btable *bt, const char *name);

/* "by country" when the table holds both: the readable name, not the code;
 * "per owner" bound to owner_id: owner_name when the table has it. */
static size_t prefer_name(const btable *bt, size_t c)
{
    const char *n = bt->cols[c].name;
    size_t l = strlen(n), cut = 0;
    if (l >= 6 && !strcmp(n + l - 5, "_code")) cut = 5;
    if (l >= 4 && !strcmp(n + l - 3, "_id")) cut = 3;
    if (!cut) return c;
    static const char *const labels[] = {"_name", "_title", NULL};
    for (size_t s = 0; labels[s]; s++) {
        char want[WORD_MAX];
        snprintf(want, sizeof want, "%.*s%s", (int)(l - cut), n, labels[s]);
        for (size_t k = 0; k < bt->n_cols; k++)
            if (!strcmp(bt->cols[k].name, want) && !bt->cols[k].numeric) return k;
    }
    return c;
}

/* Distinct values of column c on the card (sampled or exact), 0 unknown. */
static double col_distinct(const btable *bt, size_t c)
{
    json_t *col = json_array_get(json_object_get(bt->card, "columns"), c);
    return json_number_value(json_object_get(col, "distinct"));
}

/* Is id column c the key of bt's rows (its primary key, or the grain's
 * unique column)? Then the table's label column names the same entity. */
static bool keys_rows(const btable *bt, size_t c)
{
    json_t *col = json_array_get(json_object_get(bt->card, "columns"), c);
    if (json_integer_value(json_object_get(col, "pk")) > 0) return true;
    const char *u = bt->grain ? strstr(bt->grain, "unique: ") : NULL;
    if (!u) return false;
    u += 8;
    size_t l = strlen(bt->cols[c].name);
    return !strncmp(u, bt->cols[c].name, l) && (!u[l] || u[l] == ';' || u[l] == ',');
}

/* An entity grouped by its identifier ("top 5 accounts" → account_id) is
 * read by its name: the id's own label on the table (owner_name), the
 * table's label when the id keys its rows (name of account_summary), else
 * the label of the many-to-one neighbour keyed by the same column
 * (tickets.agent_id → agents.name). Sets *nb (-1 for the base table) and
 * *lc; false when no label is known. */
static bool entity_label(const binder *b, size_t c, size_t *nb, size_t *lc)
{
    const bcol *bc = &b->bt->cols[c];
    if (!bc->is_id) return false;
    size_t k = prefer_name(b->bt, c);
    if (k == c && keys_rows(b->bt, c)) k = label_column(b->bt);
    if (k != c && k != (size_t)-1) return *nb = (size_t)-1, *lc = k, true;
    for (size_t j = 0; j < b->n_nb; j++) {
        const btable *nt = &b->nb[j];
        if (!b->nb_m2o[j]) continue;
        size_t key = col_index(nt, bc->name);
        if (key == (size_t)-1 || !keys_rows(nt, key)) continue;
        k = prefer_name(nt, key);
        if (k == key) k = label_column(nt);
        if (k != key && k != (size_t)-1) return *nb = j, *lc = k, true;
    }
    return false;
}

/* Does label lc (on the base table, or neighbour nb) tell apart the
 * entities id column c names? When the card counts fewer distinct labels
 * than ids, two entities share a name and the id must stay too. */
static bool label_unique(const binder *b, size_t c, size_t nb, size_t lc)
{
    const btable *lt = nb == (size_t)-1 ? b->bt : &b->nb[nb];
    size_t key = nb == (size_t)-1 ? c : col_index(lt, b->bt->cols[c].name);
    double nl = col_distinct(lt, lc), ni = key == (size_t)-1 ? 0 : col_distinct(lt, key);
    return nl <= 0 || ni <= 0 || nl >= ni;
}

static scout_rc bind_neighbour_dim(binder *b, span sp, size_t nb, size_t col)
{
    const btable *nt = &b->nb[nb];
    col = prefer_name(nt, col);
    scout_semantic *s = b->s;
    for (size_t i = sp.from; i < sp.to; i++) b->used[i] = B_COLUMN;
    for (size_t i = 0; i < s->n_dimensions; i++)
        if (s->dimensions[i].ref.table && !strcmp(s->dimensions[i].ref.table, nt->fqname) &&
            !strcmp(s->dimensions[i].ref.column, nt->cols[col].name))
            return SCOUT_OK;
    scout_sq_dimension *d = realloc(s->dimensions, (s->n_dimensions + 1) * sizeof *d);
    if (!d) return SCOUT_ENOMEM;
    s->dimensions = d;
    d = &s->dimensions[s->n_dimensions++];
    memset(d, 0, sizeof *d);
    if (!(d->ref.column = dupstr(nt->cols[col].name))) return SCOUT_ENOMEM;
    return use_neighbour(b, nt, &d->ref);
}

/* The words of grouping phrase d (span sp) that column bc groups by. A
 * loosely read one ("which segment booked") keeps only the words naming
 * bc; the rest stay open ("booked" is the measure). */
static void mark_dim_words(binder *b, size_t d, span sp, const bcol *bc)
{
    const scout_question *q = b->q;
    for (size_t i = sp.from; i < sp.to; i++)
        if (q->dim_soft[d] != DIM_LOOSE || col_word(bc, &q->t[i]) >= 0.5)
            b->used[i] = B_COLUMN;
        else if (b->used[i] == U_DIM)
            b->used[i] = U_FREE;
}

/* "Who shipped the most deploys": the people a table names, by the role
 * words of its columns (author, owner_name, agent_id → the agent's name). */
static scout_rc bind_who(binder *b, scout_question_fit *fit)
{
    static const char *const roles[] = {
        "author",    "owner",    "assignee", "agent",    "rep",         "creator",
        "reporter",  "manager",  "engineer", "employee", "person",      "user",
        "requester", "approver", "reviewer", "seller",   "salesperson", NULL};
    if (!b->q->who || b->s->n_dimensions) return SCOUT_OK;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        char first[WORD_MAX];
        size_t l = strcspn(bc->name, "_");
        copy_word(first, bc->name, l < WORD_MAX ? l : WORD_MAX - 1);
        bool role = false;
        for (size_t r = 0; roles[r] && !role; r++) role = !strcmp(first, roles[r]);
        if (!role || bc->is_time || (bc->numeric && !bc->is_id)) continue;
        size_t lnb = (size_t)-1, lc = c;
        if (bc->is_id && !entity_label(b, c, &lnb, &lc)) continue;
        span none = {0, 0};
        scout_rc rc = lnb != (size_t)-1 ? bind_neighbour_dim(b, none, lnb, lc)
                                        : push_dim(b->s, b->bt->cols[lc].name);
        if (rc != SCOUT_OK) return rc;
        fit->dims_wanted++, fit->dims_matched++;
        note(&b->why, "dimension %s for 'who'%s",
             lnb != (size_t)-1 ? b->nb[lnb].cols[lc].name : b->bt->cols[lc].name, NULL);
        return SCOUT_OK;
    }
    return SCOUT_OK;
}

/* "weekly active users across accounts on the pro plan", "total across
 * all enterprise accounts": "across" entities (the phrase names an id)
 * that the question narrows with a value, or calls "all", is the set the
 * measure is added up over — one total, not a row per entity. "Across
 * regions" (a category) stays a grouping. */
static bool across_the_set(const binder *b, size_t d, size_t c, double sc)
{
    const scout_question *q = b->q;
    if (!q->dim_across[d] || c == (size_t)-1 || sc < 0.5 || !b->bt->cols[c].is_id) return false;
    size_t from = q->dims[d].from;
    return b->n_vals > 0 || (from > 0 && tok_is(q, from - 1, "all")) || tok_is(q, from, "all");
}

/* "which service components": the things listed are the pairs of the
 * columns each word names (service, component), when words name different
 * text columns. Returns how many dimensions it added (0 or at least 2). */
static size_t bind_listing_words(binder *b, span sp)
{
    size_t cols[3], n = 0;
    for (size_t i = sp.from; i < sp.to && n < 3; i++) {
        double sc;
        size_t c = best_column(b, i, i + 1, false, &sc);
        if (c == (size_t)-1 || sc < 1.0 || b->bt->cols[c].numeric || b->bt->cols[c].is_time)
            return 0;
        bool seen = false;
        for (size_t k = 0; k < n; k++) seen |= cols[k] == c;
        if (!seen) cols[n++] = c;
    }
    if (n < 2) return 0;
    for (size_t k = 0; k < n; k++)
        if (push_dim(b->s, b->bt->cols[cols[k]].name) != SCOUT_OK) return 0;
    for (size_t i = sp.from; i < sp.to; i++) b->used[i] = B_COLUMN;
    return n;
}

/* Does tokens [from, to) say the column's name in full, part by part
 * ("account type" = account_type)? */
static bool says_column_name(const scout_question *q, size_t from, size_t to, const bcol *bc)
{
    char said[SET_MAX] = " ";
    for (size_t i = from; i < to; i++) {
        size_t l = strlen(said);
        if (!q->t[i].stem[0]) return false;
        snprintf(said + l, sizeof said - l, "%s ", q->t[i].stem);
    }
    return !strcmp(said, bc->names);
}

/* "by account type" on a table with account_name and account_type: a
 * phrase of two or more words that says a column's whole name binds to
 * it, before any word-by-word match (which "account" alone would win for
 * account_name). The longest such run within the phrase's reach wins; sp
 * becomes those words. Returns the column or -1. */
static size_t full_name_dim(const binder *b, size_t d, span *sp)
{
    const scout_question *q = b->q;
    size_t reach = q->dim_reach[d] > sp->to ? q->dim_reach[d] : sp->to;
    for (size_t len = reach - sp->from; len >= 2; len--)
        for (size_t i = sp->from; i + len <= reach; i++)
            for (size_t c = 0; c < b->bt->n_cols; c++) {
                const bcol *bc = &b->bt->cols[c];
                if (bc->numeric || bc->is_time || !says_column_name(q, i, i + len, bc)) continue;
                sp->from = i, sp->to = i + len;
                return c;
            }
    return (size_t)-1;
}

static scout_rc bind_dims(binder *b, scout_question_fit *fit)
{
    const scout_question *q = b->q;
    for (size_t d = 0; d < q->n_dims; d++) {
        span sp = q->dims[d];
        double sc;
        size_t c = best_column(b, sp.from, sp.to, false, &sc);
        for (size_t i = sp.from; i + 1 < sp.to; i++)
            if (q->t[i].poss) {
                /* "each sales rep's team": the possessor only qualifies the
                 * thing owned, which a column must name */
                sp.from = i + 1;
                c = best_column(b, sp.from, sp.to, false, &sc);
            }
        size_t whole = full_name_dim(b, d, &sp);
        if (whole != (size_t)-1) c = whole, sc = (double)(sp.to - sp.from);
        size_t lnb, lc;
        if (q->dim_soft[d] == DIM_SOFT &&
            (c == (size_t)-1 || sc < 0.5 || b->bt->cols[c].is_time ||
             (b->bt->cols[c].numeric && !entity_label(b, c, &lnb, &lc))))
            continue; /* a guessed head noun that names no text column (nor an
                         entity by its id): its words stay open for the
                         measure ("the most revenue") */
        fit->dims_wanted++;
        if (q->listing && d == 0 && bind_listing_words(b, sp)) {
            fit->dims_matched++;
            note(&b->why, "listing the pairs the words of '%s' name%s", q->t[sp.from].w, NULL);
            continue;
        }
        if (across_the_set(b, d, c, sc)) {
            for (size_t i = sp.from; i < sp.to; i++)
                if (open_tok(b, i)) b->used[i] = B_COLUMN;
            fit->dims_matched++;
            note(&b->why, "one total across the %s the question narrows%s", b->bt->cols[c].name,
                 NULL);
            continue;
        }
        bool own_text = c != (size_t)-1 && sc >= 1.0 && !b->bt->cols[c].numeric &&
                        !b->bt->cols[c].is_id && !b->bt->cols[c].is_time;
        size_t ncol = 0,
               nb = neighbour_dim(b, sp, c == (size_t)-1 || sc < 0.25 ? 0.4 : sc, own_text, &ncol);
        char phrase[128] = "";
        for (size_t i = sp.from; i < sp.to; i++) {
            size_t l = strlen(phrase);
            snprintf(phrase + l, sizeof phrase - l, "%s%s", l ? " " : "", q->t[i].w);
        }
        if (nb != (size_t)-1) {
            ncol = prefer_name(&b->nb[nb], ncol);
            size_t had = b->s->n_dimensions;
            scout_rc rc = bind_neighbour_dim(b, sp, nb, ncol);
            if (rc != SCOUT_OK) return rc;
            if (b->s->n_dimensions > had) b->dim_at[d] = b->s->n_dimensions;
            fit->dims_matched++;
            note(&b->why, "dimension %s for '%s' (joined)", b->nb[nb].cols[ncol].name, phrase);
            continue;
        }
        if (c == (size_t)-1 || sc < 0.25) {
            /* The phrase may name the table's rows ("per account") or a
             * value already used; otherwise it is missing. */
            note(&b->missing, "no column for '%s'%s", phrase, NULL);
            continue;
        }
        if (c != (size_t)-1 && sc >= 0.5 && sp.from > 0 && tok_is(q, sp.from - 1, "per") &&
            q->agg_set && q->agg == SCOUT_AGG_AVG && b->bt->cols[c].is_id && keys_rows(b->bt, c)) {
            /* "average seats per subscription" on a table of subscriptions:
             * the average is already one per row, not a grouping */
            for (size_t i = sp.from; i < sp.to; i++) b->used[i] = B_COLUMN;
            fit->dims_matched++;
            note(&b->why, "average per %s, one per row%s", b->bt->cols[c].name, NULL);
            continue;
        }
        size_t id = c;
        bool entity = false;
        if (entity_label(b, c, &lnb, &lc)) {
            entity = true;
            /* the entity by its name; its id too when names repeat */
            size_t had = b->s->n_dimensions;
            bool uniq = label_unique(b, c, lnb, lc);
            if (lnb != (size_t)-1) {
                int was[MAX_TOKENS] = {0};
                for (size_t i = sp.from; i < sp.to; i++) was[i] = b->used[i];
                scout_rc rc = bind_neighbour_dim(b, sp, lnb, lc);
                for (size_t i = sp.from; i < sp.to; i++) b->used[i] = was[i];
                mark_dim_words(b, d, sp, &b->bt->cols[id]);
                if (rc == SCOUT_OK && !uniq) rc = push_dim(b->s, b->bt->cols[id].name);
                if (rc != SCOUT_OK) return rc;
                if (b->s->n_dimensions > had) b->dim_at[d] = had + 1;
                fit->dims_matched++;
                note(&b->why, "dimension %s for '%s' (joined, the entity's name)",
                     b->nb[lnb].cols[lc].name, phrase);
                continue;
            }
            c = lc;
            if (!uniq) {
                scout_rc rc = push_dim(b->s, b->bt->cols[c].name);
                if (rc == SCOUT_OK) rc = push_dim(b->s, b->bt->cols[id].name);
                if (rc != SCOUT_OK) return rc;
                mark_dim_words(b, d, sp, &b->bt->cols[id]);
                if (b->s->n_dimensions > had) b->dim_at[d] = had + 1;
                fit->dims_matched++;
                note(&b->why, "dimension %s (and the id) for '%s'", b->bt->cols[c].name, phrase);
                continue;
            }
        }
        c = prefer_name(b->bt, c);
        const bcol *bc = &b->bt->cols[c];
        /* an entity's words name its id, not the label chosen for it */
        mark_dim_words(b, d, sp, &b->bt->cols[entity ? id : c]);
        if (bc->is_time && !strcmp(bc->name, b->bt->time_col) && !b->bt->period_text) {
            fit->dims_matched++;
            continue; /* "by day" on the time column is a grain */
        }
        size_t had = b->s->n_dimensions;
        scout_rc rc = push_dim(b->s, bc->name);
        if (rc != SCOUT_OK) return rc;
        if (b->s->n_dimensions > had) b->dim_at[d] = b->s->n_dimensions;
        fit->dims_matched++;
        /* "top 5 accounts by open pipeline" on a table of accounts: the
         * phrase's head noun names the rows themselves, one per member. Not
         * when the question counts: "customers per segment" counts customers,
         * the segment is only how they are split. */
        if (!(q->agg_set && q->agg == SCOUT_AGG_COUNT) &&
            tok_in(&q->t[sp.to - 1], b->bt->names) >= 1.0)
            fit->rows_are_entity = true;
        note(&b->why, "dimension %s for '%s'", bc->name, phrase);
    }
    return SCOUT_OK;
}

/* Is part (len n) one of words, allowing a plural "s" ("fees")? */
static bool part_in(const char *part, size_t n, const char *const *words)
{
    for (; *words; words++) {
        size_t l = strlen(*words);
        if ((n == l || (n == l + 1 && part[l] == 's')) && !strncmp(part, *words, l)) return true;
    }
    return false;
}

/* Does a column name say an amount of money? One of its '_' parts is a
 * currency or what money is called (amount_usd, mrr, monthly_price,
 * budget), not only after "per" (units_per_usd is an exchange rate;
 * revenue_per_user is money), and no part makes it a ratio of amounts
 * (revenue_share, price_change_pct). */
static bool money_name(const char *name)
{
    static const char *const money[] = {
        "usd",      "eur",      "gbp",    "jpy",      "cad",   "aud",    "chf", "cents",
        "dollar",   "euro",     "amount", "revenue",  "price", "cost",   "mrr", "arr",
        "acv",      "tcv",      "ltv",    "gmv",      "spend", "budget", "fee", "salary",
        "bookings", "billings", "income", "earnings", "value", "payout", NULL};
    static const char *const ratio[] = {"rate", "ratio", "pct", "percent", "share", NULL};
    bool found = false, after_per = false;
    char low[WORD_MAX];
    fold(name, strlen(name) < WORD_MAX - 1 ? strlen(name) : WORD_MAX - 1, low);
    for (const char *p = low; *p;) {
        size_t n = strcspn(p, "_");
        if (part_in(p, n, ratio)) return false;
        if (n == 3 && !strncmp(p, "per", 3)) after_per = true;
        if (!after_per && part_in(p, n, money)) found = true;
        p += n;
        if (*p) p++;
    }
    return found;
}

/* A column holding an amount of money: its name says so, its type is a
 * currency type (PostgreSQL's money), or its description says the amount
 * is in dollars ("Amount in USD.") — what a catalog knows of a column's
 * unit. Rates and counts are never money, whatever their description. */
static bool money_col(const bcol *c)
{
    if (!c->numeric || c->is_id || c->is_time) return false;
    if (money_name(c->name)) return true;
    char low[32];
    fold(c->type, strlen(c->type) < 31 ? strlen(c->type) : 31, low);
    if (strstr(low, "money")) return true;
    return (in_set(c->desc, "usd") || in_set(c->desc, "dollar")) && measure_nature(c) != 2 &&
           !strstr(c->name, "per_");
}

static bool preaggregated(const btable *bt);
static size_t col_index(const btable *bt, const char *name);

static void set_number(scout_sq_value *v, double x)
{
    if (x == floor(x) && fabs(x) < 9e15)
        v->kind = SCOUT_VAL_KIND_INT, v->i = (int64_t)x;
    else
        v->kind = SCOUT_VAL_KIND_REAL, v->d = x;
}

/* Is part a whole '_'-separated part of name ("age" of age_days, not of
 * agent_id)? */
static bool name_part(const char *name, const char *part)
{
    size_t n = strlen(part);
    for (const char *p = strstr(name, part); p; p = strstr(p + 1, part))
        if ((p == name || p[-1] == '_') && (p[n] == 0 || p[n] == '_')) return true;
    return false;
}

/* An amount in each row's own currency ("amount_local"): not dollars, so
 * a "$100" threshold on it compares unlike things. */
static bool local_currency(const bcol *c)
{
    return name_part(c->name, "local") || strstr(c->name, "local_currency") != NULL;
}

/* Does an amount column say the period it is kept per ("$500 a month" →
 * mrr_usd, monthly_price_usd; "a year" → arr_usd, annual_contract_value)? */
static bool amount_per(const bcol *bc, const char *per)
{
    static const char *const month[] = {"month", "monthly", "mrr", NULL};
    static const char *const year[] = {"year", "yearly", "annual", "arr", "acv", NULL};
    static const char *const week[] = {"week", "weekly", NULL};
    const char *const *words = !strcmp(per, "month") ? month : !strcmp(per, "year") ? year : week;
    for (size_t i = 0; words[i]; i++)
        if (name_part(bc->name, words[i])) return true;
    return in_set(bc->desc, per);
}

/* How well column bc fits threshold nf: the words around the number, its
 * unit and kind; negative when it cannot compare at all. A dollar amount
 * compares only with a money column: "$75k" is never a count, a rate or a
 * percentage, and a table without one cannot take the threshold. */
static double threshold_score(const binder *b, const numfilter *nf, const bcol *bc)
{
    const scout_question *q = b->q;
    if (!bc->numeric || bc->is_id) return -1; /* ids are names, not amounts */
    if (nf->status_class && !strstr(bc->name, "status")) return -1;
    if (nf->money && !money_col(bc)) return -1;
    double s = 0;
    /* words after the number ("3 seats", "5 weekly active users") */
    for (size_t k = nf->at + 1; k < q->n && k < nf->at + 4; k++) {
        if (b->used[k] == B_VALUE) break;
        s += col_word(bc, &q->t[k]);
    }
    /* the thing compared, before the comparison ("an open
     * opportunity over $50k"), counts half */
    for (size_t k = nf->at, n = 0; k > 0 && n < 3; k--) {
        if (b->used[k - 1] == U_NUM || b->used[k - 1] == U_STOP || b->used[k - 1] == U_FILLER)
            continue;
        if (!open_tok(b, k - 1)) break;
        s += 0.5 * col_word(bc, &q->t[k - 1]);
        n++;
    }
    if (nf->unit[0] && strstr(bc->name, nf->unit)) s += 1;
    if (!strcmp(nf->unit, "days") && (name_part(bc->name, "age") || strstr(bc->name, "overdue")))
        s += 1;
    if (nf->money) s += local_currency(bc) ? 0.3 : 0.8;
    if (nf->per[0] && amount_per(bc, nf->per)) s += 0.6;
    return s;
}

static scout_rc bind_numeric(binder *b, scout_question_fit *fit, size_t *matched)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i < q->n_nf; i++) {
        const numfilter *nf = &q->nf[i];
        size_t best = (size_t)-1;
        double bs = 0;
        for (size_t c = 0; c < b->bt->n_cols; c++) {
            double s = threshold_score(b, nf, &b->bt->cols[c]);
            if (s > bs) bs = s, best = c;
        }
        if (best == (size_t)-1) {
            if (i > 0 && q->nf[i - 1].at == nf->at) continue;
            fit->thresholds_dropped++;
            if (nf->money)
                note(&b->missing, "no amount of money to compare with '%s'%s", q->t[nf->at].orig,
                     NULL);
            else
                note(&b->missing, "no numeric column for '%s %s'", q->t[nf->at].orig, nf->unit);
            continue;
        }
        const bcol *bc = &b->bt->cols[best];
        for (size_t k = nf->at + 1; k < q->n && k < nf->at + 4; k++)
            if (col_word(bc, &q->t[k]) >= 0.5 && (open_tok(b, k) || b->used[k] == U_GRAIN))
                b->used[k] = B_COLUMN;
        /* "deals over $50k", "requests slower than 500 ms" hold for each
         * thing; a summary row's amount is a group's total or average, so
         * the threshold would filter groups. A count per row ("at least 3
         * opportunities") still compares what the row counts. */
        if (preaggregated(b->bt) && !count_like(bc)) {
            note(&b->missing, "'%s' is a per-item threshold; %s holds summary rows",
                 q->t[nf->at].orig, b->bt->fqname);
            scout_rc rc = push_filter(b->s, bc->name, nf->op, 1);
            if (rc != SCOUT_OK) return rc;
            set_number(&b->s->filters[b->s->n_filters - 1].values[0], nf->value);
            continue;
        }
        scout_rc rc = push_filter(b->s, bc->name, nf->op, 1);
        if (rc != SCOUT_OK) return rc;
        set_number(&b->s->filters[b->s->n_filters - 1].values[0], nf->value);
        /* still the nearest filter, but a table with a dollar amount fits better */
        if (nf->money && local_currency(bc)) {
            note(&b->missing, "%s is in local currency, not the question's dollars%s", bc->name,
                 NULL);
            continue;
        }
        /* the two ends of one range ("5xx") are said once */
        if (!(i > 0 && q->nf[i - 1].at == nf->at))
            note(&b->why, "%s compared with the question's number%s", bc->name, NULL);
        (*matched)++;
    }
    return SCOUT_OK;
}

/* A pre-aggregated table (a summary per day, type, category...) holds one row
 * per group, not one per thing: its grain names no identifier, or its name
 * says it is a daily/weekly/monthly roll-up. Counting its rows counts groups. */
static bool preaggregated(const btable *bt)
{
    if (bt->grain[0]) return !strstr(bt->grain, "_id") && strcmp(bt->grain, "unique: id") != 0;
    const char *n = strrchr(bt->fqname, '.');
    n = n ? n + 1 : bt->fqname;
    static const char *const rollups[] = {"_daily",     "_weekly", "_monthly",
                                          "_quarterly", "_by_",    NULL};
    for (size_t i = 0; rollups[i]; i++)
        if (strstr(n, rollups[i])) return true;
    return false;
}

/* Columns that hold a count of things per row (events, tickets, dau): whole
 * numbers that are neither identifiers, money, times nor rates. */
static bool count_like(const bcol *c)
{
    return c->numeric && !c->is_id && !c->is_time && !money_col(c) && measure_nature(c) != 2 &&
           !strstr(c->type, "REAL") && !strstr(c->type, "real") && strncmp(c->name, "is_", 3) != 0;
}

/* How many of the words of set a (" stem stem ") are in set b. */
static double shared_words(const char *a, const char *b)
{
    double n = 0;
    for (const char *p = a; *p;) {
        while (*p == ' ') p++;
        const char *e = strchr(p, ' ');
        if (!e || e == p) break;
        char w[WORD_MAX];
        copy_word(w, p, (size_t)(e - p));
        if (in_set(b, w)) n += 1;
        p = e;
    }
    return n;
}

/* The count column of a pre-aggregated table: the one the question or the
 * table's name says ("subscription_events_daily" → events), else the first. */
static size_t count_column(const binder *b)
{
    size_t best = (size_t)-1;
    double bs = -1;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        if (!count_like(bc)) continue;
        double s = 0;
        /* the question's words first (those naming the table itself count
         * less), the table's name only between equals */
        for (size_t i = 0; i < b->q->n; i++)
            s += 10 * tok_in(&b->q->t[i], bc->names) * own_word(b, i);
        s += 0.5 * shared_words(bc->names, b->bt->names);
        if (s > bs) bs = s, best = c;
    }
    return best;
}

/* The table's one money column, or (size_t)-1 when it has none or several.
 * A copy in each row's own currency (amount_local beside amount_usd) is not
 * a second amount: the question's money is the common currency. */
static size_t only_money_column(const btable *bt)
{
    size_t found = (size_t)-1, local = (size_t)-1, n_local = 0;
    for (size_t c = 0; c < bt->n_cols; c++) {
        const bcol *bc = &bt->cols[c];
        if (!money_col(bc)) continue;
        if (local_currency(bc)) {
            local = c, n_local++;
            continue;
        }
        if (found != (size_t)-1) return (size_t)-1;
        found = c;
    }
    return found != (size_t)-1 ? found : n_local == 1 ? local : (size_t)-1;
}

/* The word that asks for an amount of money, or q->n when none does: a
 * money noun still open ("closed-won revenue in EMEA", "bookings this
 * quarter"), or a verb of money a "how much" asks about, after any
 * auxiliary and subject ("how much did we win", "how much was billed";
 * not "how much time did we spend"). A count ("how many deals had
 * revenue") asks for a number of things instead. */
static size_t money_asked(const binder *b)
{
    static const char *const nouns[] = {"revenue",  "revenues", "amount", "amounts", "value",
                                        "bookings", "spend",    "money",  "dollars", "income",
                                        "earnings", "billings", NULL};
    static const char *const verbs[] = {
        "win",       "won",    "earn",     "earned",  "make",     "made",   "collect",
        "collected", "bill",   "billed",   "invoice", "invoiced", "charge", "charged",
        "spend",     "spent",  "pay",      "paid",    "book",     "booked", "sell",
        "sold",      "refund", "refunded", "lose",    "lost",     NULL};
    static const char *const aux[] = {"did", "do",   "does", "have", "has", "was", "were", "is",
                                      "are", "been", "we",   "they", "you", "i",   NULL};
    const scout_question *q = b->q;
    if (q->agg_set && (q->agg == SCOUT_AGG_COUNT || q->agg == SCOUT_AGG_COUNT_DISTINCT))
        return q->n;
    /* after a subject or auxiliary it is a verb: "did we spend"; "amount",
     * "value" and "dollars" name no column ("invoice amount"), yet say money */
    for (size_t i = 0; i < q->n; i++)
        if ((open_tok(b, i) || b->used[i] == U_FILLER) && tok_any(q, i, nouns) &&
            !(i > 0 && tok_any(q, i - 1, aux)))
            return i;
    for (size_t i = 1; q->how_much && i < q->n; i++) {
        if (!tok_is(q, i - 1, "how") || !tok_is(q, i, "much")) continue;
        size_t k = i + 1;
        while (k < q->n && tok_any(q, k, aux)) k++;
        if (tok_any(q, k, verbs)) return k;
    }
    return q->n;
}

/* Does the table hold any amount of money, as a column or a metric? */
static bool has_money(const btable *bt)
{
    for (size_t c = 0; c < bt->n_cols; c++)
        if (money_col(&bt->cols[c])) return true;
    for (size_t m = 0; m < bt->n_mets; m++)
        if (bt->mets[m].money) return true;
    return false;
}

/* Is the query's first measure an amount of money (a money column or a
 * curated metric summing one)? */
static bool measures_money(const binder *b)
{
    if (!b->s->n_measures) return false;
    const scout_sq_measure *m = &b->s->measures[0];
    for (size_t k = 0; m->metric && k < b->bt->n_mets; k++)
        if (!strcmp(b->bt->mets[k].name, m->metric)) return b->bt->mets[k].money;
    size_t c = m->ref.column && !m->ref.table ? col_index(b->bt, m->ref.column) : (size_t)-1;
    return c != (size_t)-1 && money_col(&b->bt->cols[c]);
}

/* The money a question asks for, against what the measure is: a money
 * measure answers the money noun ("closed-won revenue" summing won_usd),
 * so the noun is placed; a table without any money cannot answer at all,
 * whatever it sums or counts instead (closed_deals for "how much did we
 * win"), so it has no measure for the question. */
static void check_money(binder *b, scout_question_fit *fit)
{
    size_t i = money_asked(b);
    if (i == b->q->n) return;
    if (measures_money(b)) {
        if (open_tok(b, i)) b->used[i] = B_MEASURE;
        return;
    }
    if (has_money(b->bt)) return;
    fit->has_measure = false;
    fit->lacks_money = true;
    note(&b->missing, "no amount of money for '%s'%s", b->q->t[i].orig, NULL);
}

static bool duration_suffix(const char *name);

/* "Average queue time" asked of a table with no column timing the queue
 * (a daily rollup where 'queue' is a component value): what it sums or
 * counts instead is not how long anything took, so it has no measure for
 * the question. A table measuring some duration column is left alone. */
static void check_duration(binder *b, scout_question_fit *fit)
{
    const scout_question *q = b->q;
    if ((!q->timed_at || !open_tok(b, q->timed_at)) && !q->speed) return;
    for (size_t i = 0; i < b->s->n_measures; i++) {
        const scout_sq_measure *m = &b->s->measures[i];
        if (m->from || (m->ref.column && duration_suffix(m->ref.column))) return;
    }
    for (size_t i = 0; i < b->s->n_dimensions; i++) /* a row ranking lists it */
        if (duration_suffix(b->s->dimensions[i].ref.column)) return;
    fit->has_measure = false;
    fit->lacks_duration = true;
    if (q->timed_at)
        note(&b->missing, "no column times '%s %s'", q->t[q->timed_at - 1].orig,
             q->t[q->timed_at].orig);
    else
        note(&b->missing, "no duration to rank by%s%s", "", NULL);
}

/* No measure named on a summary table: its count column, summed. */
static scout_rc push_count_column(binder *b, size_t c, bool *level)
{
    const bcol *bc = &b->bt->cols[c];
    if (measure_nature(bc) == 1) *level = true;
    note(&b->why, "summing %s, the table's count per row%s", bc->name, NULL);
    return push_measure(b->s, SCOUT_AGG_SUM, bc->name, NULL, SCOUT_OVER_SUM);
}

/* Do tokens from..from+len-1 spell name by their initials ("daily active
 * users" → dau)? Each word must still be open, or a grain word ("daily"),
 * also when "average daily" read it as the per-day average: "the average
 * daily active users" still names dau. */
static bool spells_by_initials(const binder *b, size_t from, const char *name, size_t len)
{
    if (from + len > b->q->n) return false;
    for (size_t k = 0; k < len; k++) {
        const qtok *t = &b->q->t[from + k];
        int u = b->used[from + k];
        bool grain = u == U_GRAIN || (u == U_AGG && grain_word(t->w) != SCOUT_GRAIN_NONE);
        if (t->is_num || (!open_tok(b, from + k) && !grain) || t->w[0] != name[k]) return false;
    }
    return true;
}

/* A numeric column named by the initials of 3-4 of the question's words
 * (dau, wau, mau): people say the words, the table keeps the acronym. The
 * words are claimed as the measure; (size_t)-1 when none. */
static size_t acronym_measure(binder *b)
{
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        size_t len = strlen(bc->name);
        /* "arr_usd": the acronym before a unit suffix */
        const char *us = strchr(bc->name, '_');
        if (us && (!strcmp(us, "_usd") || !strcmp(us, "_count") || !strcmp(us, "_total")))
            len = (size_t)(us - bc->name);
        if (!bc->numeric || bc->is_id || bc->is_time || len < 3 || len > 4) continue;
        bool alpha = true;
        for (size_t k = 0; k < len; k++)
            if (!islower((unsigned char)bc->name[k])) alpha = false;
        for (size_t i = 0; alpha && i + len <= b->q->n; i++) {
            if (!spells_by_initials(b, i, bc->name, len)) continue;
            /* "daily" stays the grain too: "daily active users last week"
             * is a series of days */
            for (size_t k = i; k < i + len; k++) b->used[k] = B_MEASURE;
            return c;
        }
    }
    return (size_t)-1;
}

/* Does the question open with a noun naming the rows of a row-level table
 * ("Accounts with ...", "Invoices over ...", "new leads per month")? The
 * noun is the head: the table's name or a synonym's last word ("new" of
 * "new user" only qualifies users), after at most one qualifier. */
static bool rows_are_subject(const binder *b)
{
    const scout_question *q = b->q;
    if (preaggregated(b->bt)) return false;
    int words = 0;
    for (size_t i = 0; i < q->n && i < 4 && words < 2; i++) {
        if (b->used[i] == U_FILLER || b->used[i] == U_STOP) continue;
        if (!open_tok(b, i)) return false;
        if (tok_in(&q->t[i], b->bt->subject) >= 1.0) return true;
        words++;
    }
    return false;
}

/* "When did we last ship a release?": the answer is a date the table
 * keeps (last_release), the latest one, or the earliest for "first". */
static scout_rc bind_when(binder *b, scout_question_fit *fit, bool *done)
{
    const scout_question *q = b->q;
    size_t best = (size_t)-1;
    double bs = 0.5;
    *done = false;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        /* a date by its type or name, or by what it holds ("2026-11-12") */
        bool date = bc->is_time || (strlen(bc->max) >= 10 && isdigit((unsigned char)bc->max[0]) &&
                                    bc->max[4] == '-' && bc->max[7] == '-');
        if (!date) continue;
        double sc = 0;
        for (size_t i = 0; i < q->n; i++)
            if (open_tok(b, i) || q->t[i].used == U_TIME) sc += col_word(bc, &q->t[i]);
        if (sc > bs) bs = sc, best = c;
    }
    if (best == (size_t)-1) return SCOUT_OK;
    bool first = false;
    for (size_t i = 0; i < q->n; i++)
        if (tok_is(q, i, "first") || tok_is(q, i, "earliest")) first = true;
    const bcol *bc = &b->bt->cols[best];
    for (size_t i = 0; i < q->n; i++)
        if (open_tok(b, i) && col_word(bc, &q->t[i]) >= 0.5) b->used[i] = B_MEASURE;
    note(&b->why, "the date %s answers 'when'%s", bc->name, NULL);
    fit->has_measure = true;
    *done = true;
    return push_measure(b->s, first ? SCOUT_AGG_MIN : SCOUT_AGG_MAX, bc->name, NULL,
                        SCOUT_OVER_SUM);
}

/* Do only words naming the table itself pick this column? */
static bool names_only_the_table(const binder *b, pick p)
{
    const scout_question *q = b->q;
    bool any = false;
    for (size_t i = 0; i < q->n; i++) {
        if (!open_tok(b, i) && b->used[i] != U_GRAIN) continue;
        double w = p.metric ? met_word(&b->bt->mets[p.idx], &q->t[i])
                            : col_word(&b->bt->cols[p.idx], &q->t[i]);
        if (w < 0.5) continue;
        if (tok_in(&q->t[i], b->bt->names) < 1.0) return false;
        any = true;
    }
    return any;
}

/* Does stem begin a '_'-separated part of the table's own name ("subscript"
 * of subscription_events_daily)? Synonyms are left out: they widen what a
 * table may answer, its name says what it is. */
static bool says_table_name(const btable *bt, const char *stem)
{
    const char *name = jstr(bt->card, "name");
    size_t n = strlen(stem);
    if (!name || n < 4) return false;
    for (const char *p = name; *p; p++)
        if ((p == name || p[-1] == '_') && !strncmp(p, stem, n)) return true;
    return false;
}

/* "How many enterprise accounts have ...": the noun counted (after "how
 * many" and any values) names the rows of a row-level table: count them. */
static bool counts_the_rows(const binder *b)
{
    const scout_question *q = b->q;
    if (!q->how_many || preaggregated(b->bt)) return false;
    for (size_t i = q->how_many; i < q->n && i < q->how_many + 3; i++) {
        if (b->used[i] == B_VALUE || b->used[i] == U_STOP || b->used[i] == U_FILLER) continue;
        return open_tok(b, i) && tok_in(&q->t[i], b->bt->names) >= 1.0;
    }
    return false;
}

/* No column named for the measure, but the question asks for an amount:
 * "how much open pipeline", "closed-won revenue" (a money noun no column
 * is named for), "the biggest open deal" (a ranking). The table's one
 * money column answers; a ranking alone does not say it is the amount
 * wanted, so that stays a guess. */
static scout_rc push_money_measure(binder *b, scout_question_fit *fit, size_t money)
{
    const scout_question *q = b->q;
    scout_agg agg = q->agg_set ? q->agg : SCOUT_AGG_SUM;
    const char *col = b->bt->cols[money].name;
    size_t noun = money_asked(b);
    if (noun < q->n) {
        if (open_tok(b, noun)) b->used[noun] = B_MEASURE;
        note(&b->why, "measure: the amount %s for '%s'", col, q->t[noun].orig);
    } else if (q->how_much) {
        note(&b->why, "measure: the amount %s for 'how much'", col, NULL);
    } else {
        note(&b->missing, "no measure named; using the amount %s", col, NULL);
    }
    fit->has_measure = q->how_much || noun < q->n;
    return push_measure(b->s, agg, col, NULL, SCOUT_OVER_SUM);
}

/* "Average invoice amount" answered with a curated metric that sums money
 * on a summary table (revenue_daily's gross_revenue): the metric is the
 * period's total and the table's rows are not the things averaged, so the
 * average asked for is lost. "average daily revenue" and "average revenue
 * per month" say what the average is over and keep it. */
static void average_of_a_total(binder *b, scout_question_fit *fit, const bmetric *m)
{
    const scout_question *q = b->q;
    if (!q->agg_set || q->agg != SCOUT_AGG_AVG || q->point_avg || q->grain || !m->money ||
        !preaggregated(b->bt))
        return;
    fit->has_measure = false;
    note(&b->missing, "'average' asked, but metric %s is a total over %s's summary rows", m->name,
         b->bt->fqname);
}

/* The noun "how many" counts (past values and fillers), or q->n. */
static size_t counted_noun(const binder *b)
{
    const scout_question *q = b->q;
    for (size_t i = q->how_many; q->how_many && i < q->n && i < q->how_many + 3; i++)
        if (b->used[i] != B_VALUE && b->used[i] != U_STOP && b->used[i] != U_FILLER) return i;
    return q->n;
}

/* Is there a table of the same source named for noun (leads, fct_leads)
 * with a key naming this table (campaign_id on campaigns)? The naming
 * convention joins such a table to this one, though only it knows the
 * join (one catalog query). */
static bool table_refers_here(const binder *b, const char *noun)
{
    static const char SQL[] =
        "SELECT 1 FROM tables t JOIN columns c ON c.table_id = t.id"
        " JOIN tables me ON me.fqname = ?1"
        " WHERE t.source = me.source AND t.fqname <> ?1 AND t.trust <> 'deprecated'"
        " AND (t.name = ?2 OR t.name LIKE '%\\_' || ?2 ESCAPE '\\')"
        " AND c.name IN (me.name || '_id', substr(me.name, 1, length(me.name) - 1) || '_id')"
        " LIMIT 1";
    sqlite3 *db = b->cat ? scout_catalog_db(b->cat) : NULL;
    sqlite3_stmt *st = NULL;
    if (!db || strlen(noun) < 3 || sqlite3_prepare_v2(db, SQL, -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, b->bt->fqname, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, noun, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* "How many leads did each campaign channel bring in?" asked of campaigns:
 * the noun counted names the rows of a table joined to this one (leads),
 * not this table's own, so a count of this table's rows answers another
 * question; the joined table counts them. */
static bool counts_rows_elsewhere(const binder *b)
{
    size_t i = counted_noun(b);
    if (i >= b->q->n || tok_in(&b->q->t[i], b->bt->names) >= 1.0) return false;
    for (size_t j = 0; j < b->n_nb; j++)
        if (tok_in(&b->q->t[i], b->nb[j].names) >= 1.0) return true;
    return table_refers_here(b, b->q->t[i].w);
}

static bool creation_like(const bcol *c);

/* The column of the event a duration runs to: a time column the event
 * word (and the word after it: "first response") names, not a creation
 * time. (size_t)-1 when none. */
static size_t duration_end(const binder *b)
{
    const scout_question *q = b->q;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        if (!bc->is_time || creation_like(bc)) continue;
        bool named = in_set(bc->names, q->t[q->dur_at].stem);
        if (!named && q->dur_at + 1 < q->n && b->used[q->dur_at + 1] == U_FREE)
            named = in_set(bc->names, q->t[q->dur_at + 1].stem) &&
                    tok_in(&q->t[q->dur_at], bc->names) > 0;
        if (named) return c;
    }
    return (size_t)-1;
}

/* Where a duration starts: the row's creation (or open) time. */
static size_t duration_start(const binder *b, size_t end)
{
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (c != end && creation_like(&b->bt->cols[c])) return c;
    return (size_t)-1;
}

static bool date_only(const bcol *c)
{
    return (c->type && strstr(c->type, "DATE") && !strstr(c->type, "TIME")) ||
           (strlen(c->name) > 5 && !strcmp(c->name + strlen(c->name) - 5, "_date"));
}

/* Binds "average hours to resolve" as a duration from the start column to
 * the event's column; only rows that reached the event count. The event
 * words are claimed as a column, so they no longer pick the period's
 * column: the period then selects rows by when they started. */
static scout_rc bind_duration(binder *b, scout_question_fit *fit, bool *done)
{
    const scout_question *q = b->q;
    size_t end = duration_end(b), start = end == (size_t)-1 ? end : duration_start(b, end);
    *done = false;
    if (end == (size_t)-1 || start == (size_t)-1) return SCOUT_OK;
    const bcol *e = &b->bt->cols[end], *st = &b->bt->cols[start];
    scout_agg agg = q->agg_set && (q->agg == SCOUT_AGG_SUM || q->agg == SCOUT_AGG_MIN ||
                                   q->agg == SCOUT_AGG_MAX)
                        ? q->agg
                        : SCOUT_AGG_AVG;
    scout_rc rc = push_measure(b->s, agg, e->name, NULL, SCOUT_OVER_SUM);
    scout_sq_measure *m = &b->s->measures[b->s->n_measures - 1];
    if (rc == SCOUT_OK && !(m->from = dupstr(st->name))) rc = SCOUT_ENOMEM;
    m->unit = q->dur_unit                     ? q->dur_unit
              : date_only(e) && date_only(st) ? SCOUT_DUR_DAY
                                              : SCOUT_DUR_HOUR;
    if (rc == SCOUT_OK) rc = push_filter(b->s, e->name, SCOUT_OP_IS_NOT_NULL, 0);
    for (size_t i = q->dur_at; i < q->n && i < q->dur_at + 2; i++)
        if (i == q->dur_at || in_set(e->names, q->t[i].stem)) b->used[i] = B_COLUMN;
    note(&b->why, "measure: time from %s to %s", st->name, e->name);
    fit->has_measure = *done = rc == SCOUT_OK;
    return rc;
}

static scout_rc bind_measure_columns(binder *b, scout_question_fit *fit, bool *level);

/* ---------- "how many <people> did X": the actors of an act, distinct ---------- */

static bool past_tense(const qtok *t);

/* Is word i a verb of something done: a past tense ("opened", "tried") or
 * one of the common irregular ones ("paid", "bought", "used")? */
static bool acts_word(const scout_question *q, size_t i)
{
    static const char *const irregular[] = {
        "used", "paid", "bought", "sold",  "made", "sent", "spent", "gave", "got", "took",
        "saw",  "won",  "lost",   "wrote", "ran",  "did",  "read",  "left", NULL};
    if (i >= q->n || q->t[i].is_num || (q->t[i].used != U_FREE && q->t[i].used != U_STOP))
        return false;
    return past_tense(&q->t[i]) || tok_any(q, i, irregular);
}

/* "How many users used export", "how many distinct customers paid by card":
 * the noun counted when a verb of what they did follows it ("have", "did"
 * may come between). Its token, 0 when the question is not shaped so. */
static size_t actor_noun(const scout_question *q)
{
    static const char *const aux[] = {"have", "has", "had", "did", "ever", "actually", NULL};
    if (!q->how_many) return 0;
    size_t i = q->how_many;
    while (i < q->n && q->t[i].used == U_AGG) i++; /* "distinct", "unique" */
    if (i + 1 >= q->n || q->t[i].is_num || q->t[i].used != U_FREE) return 0;
    size_t v = i + 1;
    if (tok_any(q, v, aux)) v++;
    /* "customers who had a failed payment": having one is the act */
    static const char *const possess[] = {"have", "has", "had", NULL};
    if (!acts_word(q, v) && tok_any(q, i + 1, possess) &&
        (tok_is(q, v, "a") || tok_is(q, v, "an") || tok_is(q, v, "any")))
        return i;
    return acts_word(q, v) ? i : 0;
}

/* The id column naming the actor noun: <noun>_id ("customers" →
 * customer_id). "People", "persons", "someone" are the product's users.
 * (size_t)-1 when the table has none. */
static size_t actor_column(const btable *bt, const scout_question *q, size_t noun)
{
    static const char *const people[] = {"people", "person", "persons", "someone", "folks", NULL};
    bool person = tok_any(q, noun, people);
    for (size_t c = 0; c < bt->n_cols; c++) {
        const bcol *bc = &bt->cols[c];
        size_t l = strlen(bc->name);
        /* one word before _id: converted_account_id is not the account */
        if (!bc->is_id || bc->is_time || l < 4 || strcmp(bc->name + l - 3, "_id") != 0 ||
            memchr(bc->name, '_', l - 3))
            continue;
        if (person ? !strcmp(bc->name, "user_id") : tok_in(&q->t[noun], bc->names) >= 1.0) return c;
    }
    return (size_t)-1;
}

/* Before values are read: the actor noun of a table that records acts by
 * an id of it (feature events by user_id) is that id, not a value
 * ("accounts" is no ticket category here). A table whose own rows are the
 * noun (users, accounts) counts its rows as before. */
static void find_actor(binder *b)
{
    size_t noun = actor_noun(b->q);
    if (!noun || tok_in(&b->q->t[noun], b->bt->names) >= 1.0) return;
    size_t c = actor_column(b->bt, b->q, noun);
    if (c == (size_t)-1 || keys_rows(b->bt, c)) return; /* one row per user: the users */
    b->actor = c + 1, b->actor_at = noun;
    b->used[noun] = B_COLUMN;
}

/* Does this table record the act: a word after the actor is one of its own
 * values ("export" of feature), its name ("a ticket"), or the verb names a
 * column of it ("paid" → paid_date)? A verb it knows nothing of ("signed
 * up" on feature events) is some other table's act. */
static bool action_recorded(const binder *b)
{
    const scout_question *q = b->q;
    for (size_t v = 0; v < b->n_vals; v++)
        if (b->vals[v].t == b->bt && b->vals[v].from > b->actor_at) return true;
    for (size_t i = b->actor_at + 1; i < q->n; i++) {
        if (!open_tok(b, i) && q->t[i].used != U_STOP) continue;
        if (tok_in(&q->t[i], b->bt->names) >= 1.0) return true;
        if (q->t[i].used == U_STOP || i > b->actor_at + 2) continue;
        for (size_t c = 0; c < b->bt->n_cols; c++)
            if (c + 1 != b->actor && tok_in(&q->t[i], b->bt->cols[c].names) >= 1.0) return true;
    }
    return false;
}

/* "How many users used export last week": each user once, however many
 * events — COUNT(DISTINCT user_id) on the rows of the act. *done when so. */
static scout_rc bind_actor_count(binder *b, scout_question_fit *fit, bool *done)
{
    *done = false;
    if (!b->actor) return SCOUT_OK;
    if (!action_recorded(b)) {
        b->used[b->actor_at] = b->q->t[b->actor_at].used; /* some other table's act */
        b->actor = 0;
        return SCOUT_OK;
    }
    const bcol *bc = &b->bt->cols[b->actor - 1];
    note(&b->why, "counting distinct %s, each one who '%s' once", bc->name,
         b->q->t[b->actor_at + 1].orig);
    fit->has_measure = true;
    fit->counts_actors = true;
    /* the verb is the act this table records: placed, not a miss */
    for (size_t i = b->actor_at + 1; i <= b->actor_at + 2 && i < b->q->n; i++)
        if (open_tok(b, i) && acts_word(b->q, i)) b->used[i] = B_MEASURE;
    *done = true;
    return push_measure(b->s, SCOUT_AGG_COUNT_DISTINCT, bc->name, NULL, SCOUT_OVER_SUM);
}

/* Is the identifier's last part a unit of duration (queue_ms,
 * resolution_hours)? */
static bool duration_suffix(const char *name)
{
    static const char *const units[] = {"ms",   "millis", "seconds", "secs", "sec",  "s", "minutes",
                                        "mins", "min",    "hours",   "hrs",  "days", NULL};
    const char *u = strrchr(name, '_');
    if (!u || u == name) return false;
    for (const char *const *w = units; *w; w++)
        if (!strcmp(u + 1, *w)) return true;
    return false;
}

/* The column a "<x> time" phrase names: numeric, its name x plus a unit
 * of duration (queue_ms), else any duration column whose name has x in it
 * (first_response_minutes for "response time"). Returns it or -1. */
static size_t timed_column(const binder *b)
{
    const scout_question *q = b->q;
    size_t x = q->timed_at - 1, loose = (size_t)-1;
    if (!q->timed_at || !open_tok(b, x) || !open_tok(b, q->timed_at)) return (size_t)-1;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        if (!bc->numeric || bc->is_id || !duration_suffix(bc->name)) continue;
        size_t n = strlen(q->t[x].w);
        if (!strncmp(bc->name, q->t[x].w, n) && bc->name[n] == '_' && duration_suffix(bc->name + n))
            return c;
        if (loose == (size_t)-1 && in_set(bc->names, q->t[x].stem)) loose = c;
    }
    return loose;
}

/* The duration "slowest" ranks by when no phrase names one: the only
 * duration column, else the one named for the whole (total_ms, latency_ms,
 * duration_seconds) rather than a part of it (queue_ms). Returns it or -1. */
static size_t speed_column(const btable *bt)
{
    static const char *const whole[] = {"total", "latency", "duration", "elapsed", NULL};
    size_t only = (size_t)-1, n = 0;
    for (size_t c = 0; c < bt->n_cols; c++) {
        const bcol *bc = &bt->cols[c];
        if (!bc->numeric || bc->is_id || !duration_suffix(bc->name)) continue;
        n++, only = c;
        for (const char *const *w = whole; *w; w++)
            if (!strncmp(bc->name, *w, strlen(*w)) && bc->name[strlen(*w)] == '_') return c;
    }
    return n == 1 ? only : (size_t)-1;
}

/* "slowest 5 composer requests": ranked by how long each took. The
 * aggregate is the extreme; a ranking of rows lists them instead
 * (bind_row_ranking). */
static scout_rc bind_speed(binder *b, scout_question_fit *fit, bool *done)
{
    *done = false;
    if (!b->q->speed) return SCOUT_OK;
    size_t c = speed_column(b->bt);
    if (c == (size_t)-1) return SCOUT_OK;
    scout_rc rc = push_measure(b->s, b->q->speed > 0 ? SCOUT_AGG_MAX : SCOUT_AGG_MIN,
                               b->bt->cols[c].name, NULL, SCOUT_OVER_SUM);
    note(&b->why, "ranked by %s, how long each took%s", b->bt->cols[c].name, "");
    fit->has_measure = *done = rc == SCOUT_OK;
    return rc;
}

/* "Average queue time": the duration column the phrase names, averaged
 * unless the question says otherwise (a duration per row adds up to
 * nothing anyone reads). */
static scout_rc bind_timed_noun(binder *b, scout_question_fit *fit, bool *done)
{
    const scout_question *q = b->q;
    size_t c = timed_column(b);
    *done = false;
    if (c == (size_t)-1) return SCOUT_OK;
    scout_agg agg = q->agg_set && (q->agg == SCOUT_AGG_SUM || q->agg == SCOUT_AGG_MIN ||
                                   q->agg == SCOUT_AGG_MAX || q->agg == SCOUT_AGG_AVG)
                        ? q->agg
                        : SCOUT_AGG_AVG;
    scout_rc rc = push_measure(b->s, agg, b->bt->cols[c].name, NULL, SCOUT_OVER_SUM);
    b->used[q->timed_at - 1] = b->used[q->timed_at] = B_COLUMN;
    note(&b->why, "measure: %s, the '%s time'", b->bt->cols[c].name, q->t[q->timed_at - 1].w);
    fit->has_measure = *done = rc == SCOUT_OK;
    return rc;
}

/* The measure: a duration when one is asked and the table has its two
 * times; else a column, a metric or a count. A table that cannot time the
 * asked duration measures something else, so it has no measure for it. */
static scout_rc bind_measures(binder *b, scout_question_fit *fit, bool *level)
{
    bool done = false;
    *level = false;
    scout_rc rc = b->q->dur_at ? bind_duration(b, fit, &done) : SCOUT_OK;
    if (rc != SCOUT_OK || done) return rc;
    rc = bind_timed_noun(b, fit, &done);
    if (rc != SCOUT_OK || done) return rc;
    rc = bind_speed(b, fit, &done);
    if (rc != SCOUT_OK || done) return rc;
    rc = bind_measure_columns(b, fit, level);
    const scout_sq_measure *m = b->s->n_measures ? &b->s->measures[0] : NULL;
    if (rc == SCOUT_OK && m && m->agg == SCOUT_AGG_COUNT && !m->ref.column &&
        counts_rows_elsewhere(b)) {
        b->counted_elsewhere = 1 + counted_noun(b);
        note(&b->missing, "'%s' are the rows of a joined table, not of this one",
             b->q->t[counted_noun(b)].w, NULL);
        fit->has_measure = false;
    }
    if (b->q->dur_at) {
        note(&b->missing, "no two time columns to measure the time to '%s'",
             b->q->t[b->q->dur_at].w, NULL);
        fit->has_measure = false;
    }
    return rc;
}

/* The numeric column every word of whose name is a word of the table's
 * own name (csat of csat_monthly, refunds of refunds_monthly): the
 * quantity the table is named for. Returns it or -1. */
static size_t subject_column(const btable *bt)
{
    const char *table = jstr(bt->card, "name");
    if (!table) return (size_t)-1;
    for (size_t c = 0; c < bt->n_cols; c++) {
        const bcol *bc = &bt->cols[c];
        if (!bc->numeric || bc->is_id || bc->is_time) continue;
        bool all = true;
        for (const char *p = bc->name; all && *p;) {
            size_t n = strcspn(p, "_");
            all = false;
            for (const char *t = table; *t && !all; t += strcspn(t, "_"), t += *t == '_')
                all = strcspn(t, "_") == n && !strncmp(t, p, n);
            p += n;
            p += *p == '_';
        }
        if (all) return c;
    }
    return (size_t)-1;
}

/* "EMEA customer satisfaction trend": the words that would name the
 * measure name the table instead (a curated synonym of csat_monthly, said
 * in full, or its own name's word). Its subject column is then the measure,
 * aggregated per its nature (a score averaged). Returns the pick, or one
 * with score 0. */
static pick table_named_measure(const binder *b)
{
    pick none = {false, 0, 0};
    size_t c = subject_column(b->bt);
    if (c == (size_t)-1) return none;
    bool named = phrase_said(b, b->bt->phrases);
    for (size_t i = 0; i < b->q->n && !named; i++)
        named = open_tok(b, i) && says_table_name(b->bt, b->q->t[i].stem);
    return named ? (pick){false, c, 1.0} : none;
}

static scout_rc bind_measure_columns(binder *b, scout_question_fit *fit, bool *level)
{
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    bool distinct = q->agg_set && q->agg == SCOUT_AGG_COUNT_DISTINCT;
    *level = false;
    if (q->when) {
        bool done = false;
        scout_rc rc = bind_when(b, fit, &done);
        if (rc != SCOUT_OK || done) return rc;
    }
    bool acted = false;
    scout_rc arc = bind_actor_count(b, fit, &acted);
    if (arc != SCOUT_OK || acted) return arc;
    if (!distinct && counts_the_rows(b)) {
        note(&b->why, "counting rows%s%s", "", NULL);
        fit->has_measure = true;
        fit->rows_are_entity = true;
        return push_measure(b->s, SCOUT_AGG_COUNT, NULL, NULL, SCOUT_OVER_SUM);
    }
    size_t acro = acronym_measure(b);
    pick p = best_measure(b, distinct, NULL);
    if (acro != (size_t)-1 && p.score < 1.0) p = (pick){false, acro, 1.0};
    bool count = q->agg_set && q->agg == SCOUT_AGG_COUNT;
    /* "how many invoices": counting rows, unless a column is named for it. */
    double need = count ? 0.85 : 0.25;
    scout_rc rc;
    /* "total open pipeline" on open_pipeline_by_region: the words name the
     * table, whose one amount is what it is about. A column the question
     * names in full ("customers" on customer_cohorts) is still the measure. */
    if (!count && !distinct && !p.metric && p.score > 0 && names_only_the_table(b, p) &&
        unmatched_names(b, b->bt->cols[p.idx].names, NULL) > 0 &&
        only_money_column(b->bt) != (size_t)-1 && !money_col(&b->bt->cols[p.idx])) {
        size_t money = only_money_column(b->bt);
        claim_measure(b, p);
        note(&b->why, "measure: %s, the amount of what the table is named for%s",
             b->bt->cols[money].name, NULL);
        fit->has_measure = true;
        scout_agg agg = q->agg_set && q->agg != SCOUT_AGG_COUNT ? q->agg : SCOUT_AGG_SUM;
        return push_measure(s, agg, b->bt->cols[money].name, NULL, SCOUT_OVER_SUM);
    }
    bool amount = q->how_much && only_money_column(b->bt) != (size_t)-1;
    /* "How much is outstanding on invoices older than 60 days": the column
     * the number is compared with (days_outstanding) is the condition; the
     * amount asked for is the money column */
    if (amount && !p.metric && p.score > 0 && !money_col(&b->bt->cols[p.idx]))
        for (size_t f = 0; f < b->s->n_filters; f++)
            if (!b->s->filters[f].ref.table &&
                !strcmp(b->s->filters[f].ref.column, b->bt->cols[p.idx].name))
                p.score = 0;
    if (p.score < need && !count && !distinct && !amount) {
        pick t = table_named_measure(b);
        if (t.score > 0) p = t, p.score = need;
    }
    if (p.score < need && !distinct && !amount && preaggregated(b->bt) &&
        count_column(b) != (size_t)-1) {
        /* the count answers "how many X" when X or the table's name names
         * it (refunds_monthly.refunds, subscription_events_daily.events),
         * not when it counts something else (revenue_daily.customers) */
        const bcol *cc = &b->bt->cols[count_column(b)];
        bool named = shared_words(cc->names, b->bt->names) > 0;
        for (size_t i = 0; i < q->n && !named; i++)
            if (open_tok(b, i) && tok_in(&q->t[i], cc->names) >= 0.5) named = true;
        /* no other measure named, and the question says the table's own
         * name: the count it keeps is the measure ("weekly subscription
         * cancellations" of subscription_events_daily.events) */
        bool about = false;
        for (size_t i = 0; i < q->n && !about; i++) about = says_table_name(b->bt, q->t[i].stem);
        fit->has_measure = named && (count || (!q->agg_set && about));
        return push_count_column(b, count_column(b), level);
    }
    if (p.score < need) {
        if (count || distinct) {
            note(&b->why, "counting rows%s%s", "", NULL);
            fit->has_measure = true;
            return push_measure(s, SCOUT_AGG_COUNT, NULL, NULL, SCOUT_OVER_SUM);
        }
        size_t money = only_money_column(b->bt);
        if (b->bt->n_mets == 1 && !metric_overruled(b, &b->bt->mets[0])) {
            p = (pick){true, 0, 0.1};
        } else if (money != (size_t)-1 && (q->agg_set || q->rank || money_asked(b) < q->n)) {
            return push_money_measure(b, fit, money);
        } else if (rows_are_subject(b)) {
            /* "Accounts with at least 3 open opportunities": the rows the
             * question is about, counted */
            note(&b->why, "counting the rows the question names%s%s", "", NULL);
            fit->has_measure = true;
            return push_measure(s, SCOUT_AGG_COUNT, NULL, NULL, SCOUT_OVER_SUM);
        } else {
            note(&b->missing, "no measure matches the question%s%s", "", NULL);
            fit->has_measure = false;
            return push_measure(s, SCOUT_AGG_COUNT, NULL, NULL, SCOUT_OVER_SUM);
        }
    }
    fit->has_measure = p.score >= need;
    /* a rolled-up copy of a metric's column counts as the metric when the
     * question names the metric in full ("open pipeline", not just "open") */
    fit->by_metric =
        fit->has_measure && (p.metric || (b->bt->cols[p.idx].from_metric &&
                                          phrase_said_by(b, b->bt->cols[p.idx].phrases, true)));
    fit->metric_copy = fit->by_metric && !p.metric;
    bool taken[512] = {false};
    for (int k = 0; k < MAX_MEASURES; k++) {
        claim_measure(b, p);
        if (p.metric) {
            rc = push_measure(s, SCOUT_AGG_METRIC, NULL, b->bt->mets[p.idx].name, SCOUT_OVER_SUM);
            note(&b->why, "measure: metric %s%s", b->bt->mets[p.idx].name, NULL);
            average_of_a_total(b, fit, &b->bt->mets[p.idx]);
            if (p.idx + b->bt->n_cols < 512) taken[b->bt->n_cols + p.idx] = true;
        } else {
            const bcol *bc = &b->bt->cols[p.idx];
            scout_agg agg = SCOUT_AGG_SUM;
            int nature = measure_nature(bc);
            if (q->agg_set && q->agg != SCOUT_AGG_COUNT && q->agg != SCOUT_AGG_SUM)
                agg = q->agg;
            else if (nature == 2)
                agg = SCOUT_AGG_AVG;
            if (distinct) agg = SCOUT_AGG_COUNT_DISTINCT;
            if (nature == 1 && agg == SCOUT_AGG_SUM) *level = true;
            rc = push_measure(s, agg, bc->name, NULL, SCOUT_OVER_SUM);
            note(&b->why, "measure: %s of %s", scout_semantic_agg_name(agg), bc->name);
            if (p.idx < 512) taken[p.idx] = true;
        }
        if (rc != SCOUT_OK) return rc;
        /* A second measure only when the question lists several ("gross vs
         * net revenue") and open words name another candidate. */
        bool listing = false;
        for (size_t i = 0; i < q->n; i++)
            if (tok_is(q, i, "vs") || tok_is(q, i, "versus") || tok_is(q, i, "and")) listing = true;
        if (!listing) break;
        p = best_measure(b, false, taken);
        if (p.score < 0.9) break;
    }
    return SCOUT_OK;
}

static scout_grain auto_grain(const char *start, const char *end)
{
    if (!start || !end || !start[0]) return SCOUT_GRAIN_MONTH;
    int y1 = atoi(start), m1 = atoi(start + 5), y2 = atoi(end), m2 = atoi(end + 5);
    int months = (y2 - y1) * 12 + (m2 - m1);
    if (months >= 3) return SCOUT_GRAIN_MONTH;
    if (months >= 1) return SCOUT_GRAIN_WEEK;
    return SCOUT_GRAIN_DAY;
}

/* Does column c hold months as 'YYYY-MM' text (its latest value says so)? */
static bool month_text(const bcol *c)
{
    return c->max && period_label(c->max) == 7;
}

/* "the May 2026 signup cohort, each month after": one period of the named
 * month column, and a series over the table's other month column. */
static const char *series_col(const binder *b, const char *start, const char *end)
{
    const char *col = b->bt->time_col;
    if (b->bt->period_text != 7 || !start[0] || !end[0] || strncmp(start, end, 7) != 0) return col;
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (strcmp(b->bt->cols[c].name, col) != 0 && month_text(&b->bt->cols[c]))
            return b->bt->cols[c].name;
    return col;
}

/* Does start..end cover whole periods of a text period column (7: months,
 * 8: quarters)? It must begin on a period's first day and end on a period's
 * last day. */
static bool whole_periods(int period_text, const char *start, const char *end)
{
    int y1, m1, d1, y2, m2, d2;
    if (!scout_date_parse(start, &y1, &m1, &d1) || !scout_date_parse(end, &y2, &m2, &d2))
        return false;
    if (d1 != 1 || d2 != scout_days_in_month(y2, m2)) return false;
    return period_text != 8 || ((m1 - 1) % 3 == 0 && m2 % 3 == 0);
}

/* A time column holding months ("2026-10") or quarters ("2026-Q3") as text
 * cannot take date arithmetic: the period is placed with time.holds, which
 * compiles to a string range on the column (labels sort in time order) and
 * lets comparisons shift whole periods; a grain becomes the column itself. */
static scout_rc bind_text_period(binder *b, scout_question_fit *fit, const char *start,
                                 const char *end, const char *label, scout_grain grain)
{
    scout_semantic *s = b->s;
    const char *col = b->bt->time_col;
    /* "October" cannot be cut out of a column of quarters: the table does
     * not apply the period (the fit says so) rather than widening it */
    if (start[0] && end[0] && !whole_periods(b->bt->period_text, start, end)) return SCOUT_OK;
    fit->has_time = true;
    if (start[0] && end[0]) {
        s->has_time = true;
        s->time.holds = b->bt->period_text == 7 ? SCOUT_GRAIN_MONTH : SCOUT_GRAIN_QUARTER;
        if (!(s->time.column = dupstr(col)) || !(s->time.start = dupstr(start)) ||
            !(s->time.end = dupstr(end)))
            return SCOUT_ENOMEM;
        if (label[0] && !(s->time.label = dupstr(label))) return SCOUT_ENOMEM;
    } else if (end[0]) {
        /* "now" on a monthly table: its latest period */
        scout_rc rc = push_filter(s, col, SCOUT_OP_EQ, 1);
        if (rc != SCOUT_OK) return rc;
        scout_sq_filter *f = &s->filters[s->n_filters - 1];
        f->values[0].kind = SCOUT_VAL_KIND_STRING;
        if (!(f->values[0].s = dupstr(b->bt->freshness))) return SCOUT_ENOMEM;
    }
    if (grain || b->q->over_time) {
        scout_rc rc = push_dim(s, series_col(b, start, end));
        if (rc != SCOUT_OK) return rc;
    }
    note(&b->why, "period on %s%s", col, NULL);
    if (label[0]) {
        char a[400];
        snprintf(a, sizeof a, "%s (relative to the latest period in %s, %s)", label, b->bt->fqname,
                 b->bt->freshness);
        if (push_assumption(s, a) != SCOUT_OK) return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

/* Is this a column that records when a row came into being? */
static bool creation_like(const bcol *c)
{
    static const char *const parts[] = {"created", "opened",   "submitted", "start",
                                        "signup",  "event_ts", NULL};
    if (!c->is_time) return false;
    for (size_t i = 0; parts[i]; i++)
        if (strstr(c->name, parts[i])) return true;
    return !strcmp(c->name, "ts");
}

/* The time column a period applies to: one the question names ("resolved
 * last week" → resolved_at), else the chosen metric's curated time column,
 * else the card's freshness column. A table's freshness column is its
 * latest-changing one (tickets: resolved_at), which is not when things
 * happened: on a table of things counted as they arrive, the creation time
 * is what "tickets last month" means. */
static void pick_time_col(binder *b);

/* The day the source was last loaded: the latest day most of its tables
 * end on (one catalog query). Planned dates run past it. "" if unknown. */
static void source_load_day(const binder *b, char out[11])
{
    static const char SQL[] =
        "SELECT substr(t.freshness, 1, 10) AS d FROM tables t JOIN tables me ON me.fqname = ?1"
        " WHERE t.source = me.source AND length(t.freshness) >= 10"
        " GROUP BY d ORDER BY count(*) DESC, d DESC LIMIT 1";
    sqlite3 *db = b->cat ? scout_catalog_db(b->cat) : NULL;
    sqlite3_stmt *st = NULL;
    out[0] = 0;
    if (!db || sqlite3_prepare_v2(db, SQL, -1, &st, NULL) != SQLITE_OK) return;
    sqlite3_bind_text(st, 1, b->bt->fqname, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        if (d && strlen(d) == 10 && isdigit((unsigned char)d[0]) && d[4] == '-')
            copy_word(out, d, 10), out[10] = 0;
    }
    sqlite3_finalize(st);
}

static void choose_time_col(binder *b)
{
    const char *before = b->bt->time_col;
    pick_time_col(b);
    if (before == b->bt->time_col || !before[0]) return;
    /* Periods are placed relative to the chosen column's own latest date,
     * unless it runs past the table's: dates still to come (an open deal's
     * expected close) are plans, so "this year" is placed at the day the
     * source was loaded, not at the last planned date. */
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const char *mx = b->bt->cols[c].max;
        if (b->bt->cols[c].name != b->bt->time_col || strlen(mx) < 10 ||
            !isdigit((unsigned char)mx[0]) || mx[4] != '-')
            continue;
        char load[11] = "";
        if (strlen(b->bt->latest) == 10 && strncmp(mx, b->bt->latest, 10) > 0)
            source_load_day(b, load);
        const char *use = load[0] && strncmp(load, mx, 10) < 0 ? load : mx;
        copy_word(b->bt->latest, use, 10);
        b->bt->latest[10] = 0;
    }
}

/* Does question word i name time column bc? Words grouped by (a
 * dimension) name what rows are split by, not the period's column. */
static bool names_time_col(const binder *b, const bcol *bc, size_t i)
{
    const scout_question *q = b->q;
    if (q->t[i].used == U_TIME || q->t[i].used == U_GRAIN || q->t[i].is_num ||
        b->used[i] == B_COLUMN)
        return false;
    /* an outcome happens at its event: "won", "lost" → the close date */
    int k = outcome_at(q, i);
    if (k >= 0 && in_set(bc->names, OUTCOMES[k].event)) return true;
    return in_set(bc->names, q->t[i].stem) && strcmp(q->t[i].stem, "day") != 0 &&
           strcmp(q->t[i].stem, "date") != 0 && strcmp(q->t[i].stem, "month") != 0;
}

static void pick_time_col(binder *b)
{
    const scout_question *q = b->q;
    /* a word next to the period names its column first ("the January 2026
     * cohort"), then any word ("resolved last week") */
    for (int pass = 0; pass < 2; pass++)
        for (size_t c = 0; c < b->bt->n_cols; c++) {
            const bcol *bc = &b->bt->cols[c];
            if (!bc->is_time) continue;
            for (size_t i = 0; i < q->n; i++) {
                bool next = (i > 0 && q->t[i - 1].used == U_TIME) ||
                            (i + 1 < q->n && q->t[i + 1].used == U_TIME);
                if ((pass == 0 && !next) || !names_time_col(b, bc, i)) continue;
                b->bt->time_col = bc->name;
                return;
            }
        }
    const scout_semantic *s = b->s;
    for (size_t i = 0; i < s->n_measures; i++) {
        if (!s->measures[i].metric) continue;
        for (size_t m = 0; m < b->bt->n_mets; m++)
            if (!strcmp(b->bt->mets[m].name, s->measures[i].metric) && b->bt->mets[m].time_col[0])
                for (size_t c = 0; c < b->bt->n_cols; c++)
                    if (!strcmp(b->bt->cols[c].name, b->bt->mets[m].time_col)) {
                        b->bt->time_col = b->bt->cols[c].name;
                        return;
                    }
    }
    if (preaggregated(b->bt)) return;
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (!strcmp(b->bt->cols[c].name, b->bt->time_col) && creation_like(&b->bt->cols[c])) return;
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (creation_like(&b->bt->cols[c])) {
            b->bt->time_col = b->bt->cols[c].name;
            return;
        }
}

/* Counts of active users (DAU, WAU, MAU, "active users") are levels of one
 * day or week, but across a period people mean the average per time point
 * ("DAU this week" = the average day), not the last day's value. */
static bool activity_count(const char *col)
{
    static const char *const parts[] = {"active", "dau", "wau", "mau", NULL};
    for (size_t i = 0; col && parts[i]; i++)
        if (strstr(col, parts[i])) return true;
    return false;
}

/* How the level measures combine over the period: the latest value ("how
 * many now", "subscribers last month"), or the average per time point for
 * activity counts over a span. A column of text periods grouped by itself
 * has one point per group and keeps plain sums. "Added since" takes the
 * change: the last value minus the first. */
static scout_rc set_over_time(binder *b)
{
    scout_semantic *s = b->s;
    if (!s->has_time) return SCOUT_OK;
    for (size_t i = 0; i < s->n_dimensions && s->time.holds; i++)
        if (!strcmp(s->dimensions[i].ref.column, s->time.column)) return SCOUT_OK;
    scout_over_time ot = SCOUT_OVER_LAST;
    if (s->time.start && s->n_measures && activity_count(s->measures[0].ref.column))
        ot = SCOUT_OVER_AVG;
    if (s->time.start && b->q->net_change) ot = SCOUT_OVER_CHANGE;
    if (b->q->snap) ot = b->q->snap < 0 ? SCOUT_OVER_FIRST : SCOUT_OVER_LAST;
    for (size_t i = 0; i < s->n_measures; i++) {
        scout_sq_measure *m = &s->measures[i];
        m->over_time = ot;
        if (m->as || !m->ref.column || m->agg != SCOUT_AGG_SUM) continue;
        /* a level read at a point is not a sum: name it after its column */
        char as[SCOUT_SEMANTIC_IDENT_MAX];
        snprintf(as, sizeof as, "%.200s%s", m->ref.column, ot == SCOUT_OVER_CHANGE ? "_added" : "");
        if (!(m->as = dupstr(as))) return SCOUT_ENOMEM;
    }
    if (ot != SCOUT_OVER_CHANGE) return SCOUT_OK;
    char a[300];
    snprintf(a, sizeof a,
             "added = the level on the latest day of the period minus the level on its first "
             "day (%s)",
             s->time.start);
    return push_assumption(s, a);
}

/* A table of whole weeks (its time column a week_start) cannot answer for
 * a span of days that cuts weeks ("the last 14 days" from a Tuesday): its
 * rows count days outside the span. Such a table fits the period less well
 * than one at a finer grain; a series by week, or whole weeks, fit. */
static bool cuts_weeks(const binder *b, const char *start, const char *end, scout_grain grain)
{
    if (!strstr(b->bt->time_col, "week") || grain >= SCOUT_GRAIN_WEEK || !start[0] || !end[0])
        return false;
    int y, m, d;
    if (!scout_date_parse(start, &y, &m, &d)) return false;
    long s = (long)scout_days_from_civil(y, m, d);
    if (!scout_date_parse(end, &y, &m, &d)) return false;
    long e = (long)scout_days_from_civil(y, m, d);
    /* 1970-01-01 was a Thursday: (days + 3) % 7 == 0 on Mondays */
    bool monday = ((s + 3) % 7 + 7) % 7 == 0, sunday = ((e + 3) % 7 + 7) % 7 == 6;
    return !(monday && (sunday || strncmp(end, b->bt->latest, 10) >= 0));
}

/* "How many subscribers now compared with a year ago": a level's latest
 * value set against an earlier one — the question compares, and names no
 * period but "now" (or none: a level's latest value). */
static bool now_compared(const scout_question *q)
{
    return q->cmp != CMP_NONE && q->cmp != CMP_MEMBERS &&
           (!q->has_time || q->time.kind == SCOUT_TX_NOW);
}

static scout_rc bind_time(binder *b, scout_question_fit *fit, bool level, scout_grain grain)
{
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    bool want = q->has_time || grain || q->over_time || level;
    if (!want) return SCOUT_OK;
    if (!b->bt->time_col || !b->bt->time_col[0]) {
        /* a launch period's words were read as words here instead */
        bool launch_only = q->launch.kind != SCOUT_LAUNCH_NONE && !grain;
        if ((q->has_time || grain) && !launch_only)
            note(&b->missing, "no time column for the period%s%s", "", NULL);
        return SCOUT_OK;
    }
    char start[11] = "", end[11] = "", label[160] = "";
    scout_timeexpr te = q->time;
    if (!q->has_time && level)
        te.kind = SCOUT_TX_NOW; /* a level with no period: its latest value */
    if (te.kind != SCOUT_TX_NONE &&
        !scout_timeexpr_resolve(&te, b->bt->latest, start, end, label, sizeof label)) {
        note(&b->missing, "the table has no latest date to place the period%s%s", "", NULL);
        return SCOUT_OK;
    }
    if (q->time_name[0] && label[0]) { /* "since the Lighthouse launch = 2026-06-02..…" */
        char said[160];
        const char *eq = strstr(label, " = ");
        snprintf(said, sizeof said, "%s%s", q->time_name, eq ? eq : "");
        scout_strlcpy(label, said, sizeof label);
        if (q->launch_note && push_assumption(s, q->launch_note) != SCOUT_OK) return SCOUT_ENOMEM;
    }
    if (b->bt->period_text) return bind_text_period(b, fit, start, end, label, grain);
    s->has_time = true;
    if (!(s->time.column = dupstr(b->bt->time_col))) return SCOUT_ENOMEM;
    if (te.kind == SCOUT_TX_NOW) {
        /* compared, "now" is the latest day itself, so the other side is
         * the same day a year (or a period) earlier */
        if (now_compared(q) && !(s->time.start = dupstr(end))) return SCOUT_ENOMEM;
        if (!(s->time.end = dupstr(end))) return SCOUT_ENOMEM;
        snprintf(label, sizeof label, "now = %s, the latest date in the data", end);
    } else if (start[0]) {
        if (!(s->time.start = dupstr(start)) || !(s->time.end = dupstr(end))) return SCOUT_ENOMEM;
    }
    if (label[0] && !(s->time.label = dupstr(label))) return SCOUT_ENOMEM;
    if (!grain && q->over_time) grain = auto_grain(start, end);
    s->time.grain = grain;
    fit->has_time = true;
    if (cuts_weeks(b, start, end, grain)) {
        fit->has_time = false;
        note(&b->missing, "the table holds whole weeks; %s cuts weeks", label, NULL);
    }
    note(&b->why, "time %s%s", b->bt->time_col, NULL);
    if (label[0]) {
        char a[400];
        snprintf(a, sizeof a, "%s (relative to the latest date in %s, %s)", label, b->bt->fqname,
                 b->bt->latest);
        if (push_assumption(s, a) != SCOUT_OK) return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

/* ---- rates ---- */

/* Points measure m at another column (and denominator); the output name is
 * derived again at validation. */
static scout_rc retarget(binder *b, scout_sq_measure *m, scout_agg agg, const char *col,
                         const char *per)
{
    (void)b;
    char *c = dupstr(col), *p = per ? dupstr(per) : NULL;
    if (!c || (per && !p)) {
        free(c);
        free(p);
        return SCOUT_ENOMEM;
    }
    free(m->ref.column);
    free(m->per);
    free(m->as);
    m->ref.column = c, m->per = p, m->as = NULL;
    m->agg = agg;
    m->over_time = SCOUT_OVER_SUM;
    return SCOUT_OK;
}

static bool rate_name(const char *name)
{
    return strstr(name, "rate") || strstr(name, "ratio") || strstr(name, "share") ||
           strstr(name, "pct");
}

/* Do two identifiers share a word start ("conversion_rate" / "converted",
 * "error_rate" / "errors")? Five letters: stems of one family differ later. */
static bool share_prefix(const char *a, const char *b)
{
    for (const char *p = a; *p;) {
        size_t n = strcspn(p, "_");
        if (n >= 5 && strcmp(p, "rate") != 0)
            for (const char *q = b; *q;) {
                size_t m = strcspn(q, "_");
                if (m >= 5 && strncmp(p, q, 5) == 0) return true;
                q += m + (q[m] == '_');
            }
        p += n + (p[n] == '_');
    }
    return false;
}

static size_t col_index(const btable *bt, const char *name)
{
    for (size_t c = 0; c < bt->n_cols; c++)
        if (!strcmp(bt->cols[c].name, name)) return c;
    return (size_t)-1;
}

/* Is column col grouped by or filtered to one value? */
static bool one_value(const scout_semantic *s, const char *col)
{
    for (size_t i = 0; i < s->n_dimensions; i++)
        if (!strcmp(s->dimensions[i].ref.column, col)) return true;
    for (size_t i = 0; i < s->n_filters; i++)
        if (s->filters[i].op == SCOUT_OP_EQ && !strcmp(s->filters[i].ref.column, col)) return true;
    return false;
}

/* A summary table without a declared grain: its text columns and its time
 * column make a row, so one row per group means each has one value (the
 * period a single day, or a daily series). */
static bool implied_grain_covered(const binder *b)
{
    const scout_semantic *s = b->s;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        if (bc->numeric) continue;
        if (bc->is_time && s->has_time && s->time.column && !strcmp(s->time.column, bc->name)) {
            bool day = s->time.grain == SCOUT_GRAIN_DAY ||
                       (s->time.start && s->time.end && !strcmp(s->time.start, s->time.end));
            if (!day) return false;
        } else if (!one_value(s, bc->name)) {
            return false;
        }
    }
    return true;
}

/* Does every column of the table's grain have one value per result row
 * (grouped by, or filtered to one value)? Then a stored rate is the value
 * of a single row and needs no recomputing. */
static bool grain_covered(const binder *b)
{
    const char *g = b->bt->grain;
    const scout_semantic *s = b->s;
    if (!g[0]) return preaggregated(b->bt) && implied_grain_covered(b);
    for (const char *p = g; *p;) {
        p += strspn(p, " ,;");
        if (!strncmp(p, "unique:", 7)) {
            p += 7;
            continue;
        }
        size_t n = strcspn(p, " ,;");
        if (!n) break;
        char col[WORD_MAX];
        copy_word(col, p, n);
        if (!one_value(s, col)) return false;
        p += n;
    }
    return true;
}

/* The denominator of a rate: the count column that bounds the others (most
 * requests, attempts, trials), other than the numerator. */
static size_t rate_base(const btable *bt, size_t num)
{
    size_t best = (size_t)-1;
    double bm = -1;
    for (size_t c = 0; c < bt->n_cols; c++) {
        if (c == num || !count_like(&bt->cols[c]) || measure_nature(&bt->cols[c]) == 1) continue;
        double mx = strtod(bt->cols[c].max, NULL);
        if (mx > bm) bm = mx, best = c;
    }
    if (best != (size_t)-1 && num != (size_t)-1 && bm < strtod(bt->cols[num].max, NULL))
        return (size_t)-1;
    return best;
}

static bool rate_said(const scout_question *q)
{
    static const char *const words[] = {"rate",   "rates",      "share",      "ratio",
                                        "ratios", "percentage", "proportion", NULL};
    for (size_t i = 0; i < q->n; i++)
        if (q->t[i].used != U_TIME && tok_any(q, i, words)) return true;
    return false;
}

/* A rate over several rows is the ratio of its parts' sums (failures /
 * attempts, errors / requests, converted / trials), not an average of
 * stored rates; one row per group keeps the stored rate as it is. */
static scout_rc bind_rate(binder *b)
{
    scout_sq_measure *m = &b->s->measures[0];
    if (b->s->n_measures != 1 || !m->ref.column || m->agg == SCOUT_AGG_METRIC) return SCOUT_OK;
    size_t chosen = col_index(b->bt, m->ref.column), stored = (size_t)-1;
    if (chosen == (size_t)-1) return SCOUT_OK;
    bool picked_rate = rate_name(m->ref.column);
    if (!picked_rate && !rate_said(b->q)) return SCOUT_OK;
    if (picked_rate) stored = chosen;
    for (size_t c = 0; c < b->bt->n_cols && stored == (size_t)-1; c++)
        if (b->bt->cols[c].numeric && rate_name(b->bt->cols[c].name)) stored = c;
    size_t num = picked_rate ? (size_t)-1 : chosen;
    if (num != (size_t)-1 &&
        (!count_like(&b->bt->cols[num]) || rate_base(b->bt, num) == (size_t)-1))
        num = (size_t)-1; /* the chosen is the base itself ("share of trials") */
    for (size_t c = 0; c < b->bt->n_cols && num == (size_t)-1 && stored != (size_t)-1; c++)
        if (count_like(&b->bt->cols[c]) &&
            share_prefix(b->bt->cols[stored].name, b->bt->cols[c].name))
            num = c;
    size_t den = num != (size_t)-1 ? rate_base(b->bt, num) : (size_t)-1;
    if (stored != (size_t)-1 && (grain_covered(b) || den == (size_t)-1)) {
        if (chosen == stored && m->agg == SCOUT_AGG_AVG) return SCOUT_OK;
        return retarget(b, m, SCOUT_AGG_AVG, b->bt->cols[stored].name, NULL);
    }
    if (den == (size_t)-1) return SCOUT_OK;
    note(&b->why, "rate as sum(%s) / sum(%s)", b->bt->cols[num].name, b->bt->cols[den].name);
    return retarget(b, m, SCOUT_AGG_RATIO, b->bt->cols[num].name, b->bt->cols[den].name);
}

/* "average daily revenue last month": the flow summed per day, then those
 * daily totals averaged over the period (an average of rows would weigh
 * each region's row, not each day). Rates and levels keep their reading. */
static scout_rc set_point_average(binder *b, bool level)
{
    scout_semantic *s = b->s;
    if (!b->q->point_avg || level || !s->has_time || !s->time.start || s->time.holds)
        return SCOUT_OK;
    for (size_t i = 0; i < s->n_measures; i++) {
        const scout_sq_measure *m = &s->measures[i];
        if (m->agg == SCOUT_AGG_METRIC) continue;
        size_t c = m->ref.column && !m->ref.table ? col_index(b->bt, m->ref.column) : (size_t)-1;
        if (m->agg != SCOUT_AGG_AVG || c == (size_t)-1 || measure_nature(&b->bt->cols[c]) != 0)
            return SCOUT_OK;
    }
    for (size_t i = 0; i < s->n_measures; i++) {
        scout_sq_measure *m = &s->measures[i];
        if (m->agg == SCOUT_AGG_AVG) {
            m->agg = SCOUT_AGG_SUM;
            char as[SCOUT_SEMANTIC_IDENT_MAX];
            snprintf(as, sizeof as, "avg_daily_%.200s", m->ref.column);
            if (!m->as && !(m->as = dupstr(as))) return SCOUT_ENOMEM;
        }
        m->over_time = SCOUT_OVER_AVG;
    }
    return push_assumption(s, "average daily = the total of each day, averaged over the "
                              "days of the period that have data");
}
/* Does the query hold a comparison with a number ("> 200")? */
static bool has_threshold(const scout_semantic *s)
{
    for (size_t i = 0; i < s->n_filters; i++)
        if (s->filters[i].op >= SCOUT_OP_GT && s->filters[i].op <= SCOUT_OP_BETWEEN) return true;
    return false;
}

static bool filters_column(const scout_semantic *s, const char *col)
{
    for (size_t i = 0; col && i < s->n_filters; i++)
        if (!s->filters[i].ref.table && !strcmp(s->filters[i].ref.column, col)) return true;
    return false;
}

/* A listing ("which components have a target above 200 ms") measures
 * nothing: when the only measure found is the column the number filters,
 * or none fits, the query lists the distinct rows of its dimensions. */
static scout_rc bind_listing(binder *b, scout_question_fit *fit)
{
    scout_semantic *s = b->s;
    if (!b->q->listing || !s->n_dimensions || s->n_measures != 1 || !has_threshold(s))
        return SCOUT_OK;
    scout_sq_measure *m = &s->measures[0];
    bool rows = m->agg == SCOUT_AGG_COUNT && !m->ref.column; /* no "how many": not asked */
    if (m->where || m->metric || (fit->has_measure && !rows && !filters_column(s, m->ref.column)))
        return SCOUT_OK;
    free(m->ref.table);
    free(m->ref.column);
    free(m->per);
    free(m->as);
    free(m->from);
    s->n_measures = 0;
    fit->has_measure = true;
    note(&b->why, "listing the rows that pass%s%s", "", NULL);
    return SCOUT_OK;
}

/* The limit a row keeps for one of its own values: a numeric column named
 * as another plus a limit word (p95_target_ms for p95_ms, goal_usd for
 * usd). Sets both; false when the table keeps none. */
static bool limit_pair(const btable *bt, size_t *value, size_t *limit)
{
    static const char *const words[] = {"target",    "slo",    "sla", "goal",
                                        "threshold", "budget", NULL};
    for (size_t c = 0; c < bt->n_cols; c++) {
        const char *n = bt->cols[c].name;
        if (!bt->cols[c].numeric || bt->cols[c].is_id) continue;
        for (const char *const *w = words; *w; w++) {
            size_t wl = strlen(*w);
            for (const char *p = n; (p = strstr(p, *w)) != NULL; p++) {
                bool starts = p == n || p[-1] == '_', ends = !p[wl] || p[wl] == '_';
                if (!starts || !ends) continue;
                /* drop the word and one underscore beside it */
                char rest[128];
                size_t pre = (size_t)(p - n), post = p[wl] == '_' ? wl + 1 : wl;
                if (!p[wl] && pre) pre--; /* trailing: drop the '_' before it */
                snprintf(rest, sizeof rest, "%.*s%s", (int)pre, n, p + post);
                size_t v = col_index(bt, rest);
                if (v != (size_t)-1 && v != c && bt->cols[v].numeric) {
                    *value = v, *limit = c;
                    return true;
                }
            }
        }
    }
    return false;
}

/* "broke its SLO" of a table keeping each row's value and its limit: the
 * rows whose value is past the limit (p95_ms > p95_target_ms). */
static scout_rc bind_breach(binder *b, size_t *value)
{
    const scout_question *q = b->q;
    size_t v, l;
    *value = (size_t)-1;
    if (!q->breach_at || !limit_pair(b->bt, &v, &l)) return SCOUT_OK;
    scout_rc rc =
        push_filter(b->s, b->bt->cols[v].name, q->breach_dir > 0 ? SCOUT_OP_GT : SCOUT_OP_LT, 0);
    scout_sq_filter *f = &b->s->filters[b->s->n_filters - 1];
    if (rc == SCOUT_OK && !(f->than = dupstr(b->bt->cols[l].name))) rc = SCOUT_ENOMEM;
    if (open_tok(b, q->breach_at)) b->used[q->breach_at] = B_COLUMN;
    *value = v;
    note(&b->why, "past its limit: %s beyond %s", b->bt->cols[v].name, b->bt->cols[l].name);
    return rc;
}

/* "Days this year where the composer model component broke its SLO": the
 * days that pass, listed — the time column and the value the condition is
 * about (the breached value, else the one measure column) — not a count. */
static scout_rc bind_days_listed(binder *b, scout_question_fit *fit, size_t value)
{
    scout_semantic *s = b->s;
    size_t t = col_index(b->bt, b->bt->time_col);
    if (!b->q->list_days || s->n_dimensions || s->n_measures > 1 || t == (size_t)-1)
        return SCOUT_OK;
    const scout_sq_measure *m = s->n_measures ? &s->measures[0] : NULL;
    if (value == (size_t)-1 && m && m->ref.column && !m->ref.table && !m->from && !m->per &&
        !m->where)
        value = col_index(b->bt, m->ref.column);
    if (value == (size_t)-1 && !s->n_filters) return SCOUT_OK;
    for (size_t i = 0; i < s->n_measures; i++) {
        free(s->measures[i].ref.table);
        free(s->measures[i].ref.column);
        free(s->measures[i].metric);
        free(s->measures[i].as);
    }
    s->n_measures = 0;
    scout_rc rc = push_dim(s, b->bt->cols[t].name);
    if (rc == SCOUT_OK && value != (size_t)-1 && value != t)
        rc = push_dim(s, b->bt->cols[value].name);
    fit->has_measure = true;
    note(&b->why, "listing the days that pass%s%s", "", NULL);
    return rc;
}

/* The column naming one row of a row-level table: its label (name,
 * title), else the identifier keying its rows, else its first one. */
static size_t row_key_column(const btable *bt)
{
    size_t c = label_column(bt), first = (size_t)-1;
    if (c != (size_t)-1) return c;
    for (c = 0; c < bt->n_cols; c++) {
        if (!bt->cols[c].is_id) continue;
        if (keys_rows(bt, c)) return c;
        if (first == (size_t)-1) first = c;
    }
    return first;
}

/* Do the question's words name the table's rows ("requests" of
 * request_samples)? */
static bool names_the_rows(const binder *b)
{
    for (size_t i = 0; i < b->q->n; i++)
        if ((open_tok(b, i) || b->used[i] == B_TABLE) && tok_in(&b->q->t[i], b->bt->subject) >= 1.0)
            return true;
    return false;
}

/* "slowest 5 composer requests today", "the 3 biggest deals this month":
 * a ranking of a row-level table's own rows, with no grouping, lists the
 * rows — each one's key and the ranked column, ordered, limited — not one
 * extreme value. One row asked ("the slowest request") keeps the extreme. */
static scout_rc bind_row_ranking(binder *b)
{
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    if (!q->rank || q->limit < 2 || s->n_dimensions || s->n_measures != 1 ||
        s->comparison.type != SCOUT_CMP_NONE || preaggregated(b->bt) || !names_the_rows(b))
        return SCOUT_OK;
    scout_sq_measure *m = &s->measures[0];
    size_t key = row_key_column(b->bt);
    if (!m->ref.column || m->ref.table || m->from || m->per || m->where || m->metric ||
        key == (size_t)-1 || !strcmp(b->bt->cols[key].name, m->ref.column))
        return SCOUT_OK;
    char *col = m->ref.column;
    m->ref.column = NULL;
    free(m->as);
    s->n_measures = 0;
    scout_rc rc = push_dim(s, b->bt->cols[key].name);
    if (rc == SCOUT_OK) rc = push_dim(s, col);
    if (rc == SCOUT_OK && !(s->order_by = calloc(1, sizeof *s->order_by))) rc = SCOUT_ENOMEM;
    if (rc == SCOUT_OK) {
        s->n_order_by = 1;
        s->order_by[0].desc = q->rank > 0;
        s->order_by[0].value = SCOUT_ORDER_CURRENT;
        if (!(s->order_by[0].key = dupstr(col))) rc = SCOUT_ENOMEM;
        s->limit = q->limit;
    }
    note(&b->why, "listing the rows ranked by %s%s", col, "");
    free(col);
    return rc;
}

/* "Which team owns the export service?": the asked column on the rows a
 * value names, listed (no measure) — only when the table bound that
 * column and a value, and its measure is only the count nobody asked for. */
static scout_rc bind_lookup(binder *b, scout_question_fit *fit)
{
    scout_semantic *s = b->s;
    if (!b->q->lookup || s->n_dimensions != 1 || s->n_measures != 1 || !b->n_vals) return SCOUT_OK;
    scout_sq_measure *m = &s->measures[0];
    if (m->agg != SCOUT_AGG_COUNT || m->ref.column || m->where || m->metric || m->per)
        return SCOUT_OK;
    free(m->as);
    s->n_measures = 0;
    fit->has_measure = true;
    note(&b->why, "looking up %s of the rows named%s", s->dimensions[0].ref.column, "");
    return SCOUT_OK;
}

/* "Average paid Plus subscribers per month", "average DAU in October": the
 * average of a level over a period is the average of its per-day totals (a
 * level kept per plan or platform is added up per day first), not the
 * average of its rows. */
static scout_rc set_level_average(binder *b)
{
    scout_semantic *s = b->s;
    if (b->q->point_avg || !s->has_time || s->time.holds || s->n_measures != 1) return SCOUT_OK;
    scout_sq_measure *m = &s->measures[0];
    if (m->agg != SCOUT_AGG_AVG || !m->ref.column || m->ref.table || m->from) return SCOUT_OK;
    size_t c = col_index(b->bt, m->ref.column);
    if (c == (size_t)-1 || measure_nature(&b->bt->cols[c]) != 1) return SCOUT_OK;
    char as[SCOUT_SEMANTIC_IDENT_MAX];
    snprintf(as, sizeof as, "avg_%.200s", m->ref.column);
    if (!m->as && !(m->as = dupstr(as))) return SCOUT_ENOMEM;
    m->agg = SCOUT_AGG_SUM;
    m->over_time = SCOUT_OVER_AVG;
    return push_assumption(s, "average = the level's total on each day, averaged over the days "
                              "of the period that have data");
}

/* "this November vs last November" while November is in progress: the
 * current period only has data to the latest date, so both periods run to
 * date (November 1–24 of each year), not a partial month against a whole
 * one. Said as an assumption. */
static scout_rc align_to_date(binder *b)
{
    scout_semantic *s = b->s;
    const char *latest = b->bt->latest;
    if (strlen(latest) < 10 || !s->time.end || strncmp(s->time.end, latest, 10) <= 0)
        return SCOUT_OK;
    if (s->time.start && strncmp(s->time.start, latest, 10) > 0) return SCOUT_OK;
    char *end = calloc(1, 11);
    if (!end) return SCOUT_ENOMEM;
    memcpy(end, latest, 10);
    free(s->time.end);
    s->time.end = end;
    if (s->time.label && s->time.start) {
        const char *eq = strstr(s->time.label, " = ");
        char l[200];
        snprintf(l, sizeof l, "%.*s to date = %s..%s", eq ? (int)(eq - s->time.label) : 0,
                 s->time.label, s->time.start, end);
        free(s->time.label);
        if (!(s->time.label = dupstr(l))) return SCOUT_ENOMEM;
    }
    char a[200];
    snprintf(a, sizeof a,
             "the current period is in progress: both periods are compared to date, through the "
             "same day (%s and a year earlier)",
             end);
    return push_assumption(s, a);
}

/* Is measure m a count of rows: count(*) or a curated count(*) metric? */
static bool counts_rows(const binder *b, const scout_sq_measure *m)
{
    if (m->agg == SCOUT_AGG_COUNT && !m->ref.column) return true;
    if (m->agg != SCOUT_AGG_METRIC) return false;
    size_t i;
    json_t *mt;
    json_array_foreach(json_object_get(b->bt->card, "metrics"), i, mt)
    {
        if (strcmp(jstr(mt, "name"), m->metric) != 0) continue;
        const char *ex = jstr(mt, "expression");
        return !strncmp(ex, "count(*)", 8) && !ex[8] &&
               !json_array_size(json_object_get(mt, "filters"));
    }
    return false;
}

/* "Share of tickets that are still open, by priority": the value the
 * relative clause names (else the only value) is the condition whose share
 * of the rows is measured, not a filter on them. "Share of EMEA tickets
 * that are urgent" keeps EMEA as the filter. */
static scout_rc bind_share(binder *b)
{
    static const char *const words[] = {"share",   "proportion", "percentage",
                                        "percent", "fraction",   NULL};
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    bool said = false;
    size_t rel = q->n;
    for (size_t i = 0; i < q->n; i++) {
        if (tok_any(q, i, words)) said = true;
        if (rel == q->n && (tok_is(q, i, "that") || tok_is(q, i, "which") || tok_is(q, i, "who")))
            rel = i;
    }
    if (!said || s->n_measures != 1 || !counts_rows(b, &s->measures[0])) return SCOUT_OK;
    const vmatch *cond = NULL;
    size_t base_vals = 0;
    for (size_t v = 0; v < b->n_vals; v++) {
        if (b->vals[v].t != b->bt) continue;
        base_vals++;
        if (b->vals[v].from > rel && !cond) cond = &b->vals[v];
    }
    if (!cond && base_vals == 1)
        for (size_t v = 0; v < b->n_vals; v++)
            if (b->vals[v].t == b->bt) cond = &b->vals[v];
    if (!cond) return SCOUT_OK;
    const char *col = b->bt->cols[cond->col].name;
    for (size_t f = 0; f < s->n_filters; f++) {
        scout_sq_filter *fl = &s->filters[f];
        if (fl->ref.table || strcmp(fl->ref.column, col) != 0) continue;
        scout_sq_measure *m = &s->measures[0];
        if (!(m->where = malloc(sizeof *m->where))) return SCOUT_ENOMEM;
        *m->where = *fl;
        memmove(fl, fl + 1, (s->n_filters - f - 1) * sizeof *fl);
        s->n_filters--;
        free(m->metric), free(m->as);
        m->metric = NULL, m->as = NULL;
        m->agg = SCOUT_AGG_SHARE;
        note(&b->why, "share of rows where %s holds the value%s", col, NULL);
        return SCOUT_OK;
    }
    return SCOUT_OK;
}

/* "Tickets per account by region": a count of rows over the distinct
 * identifiers the "per" phrase names (account_id), within another grouping.
 * "Revenue per plan" names a text column and stays a grouping. */
static scout_rc bind_count_per(binder *b)
{
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    /* alone, "per agent" breaks the count down by agent; next to another
     * grouping ("by region", "per month") it is the rate's denominator */
    if (s->n_measures != 1 || !counts_rows(b, &s->measures[0]) || (q->n_dims < 2 && !q->grain))
        return SCOUT_OK;
    for (size_t d = 0; d < q->n_dims; d++) {
        span sp = q->dims[d];
        if (sp.from == 0 || !tok_is(q, sp.from - 1, "per") || sp.to - sp.from != 1) continue;
        for (size_t c = 0; c < b->bt->n_cols; c++) {
            const bcol *bc = &b->bt->cols[c];
            if (!bc->is_id || tok_in(&q->t[sp.from], bc->names) < 1.0) continue;
            /* drop the grouping the phrase made (on the base or a joined table) */
            if (b->dim_at[d]) {
                scout_sq_dimension *dm = &s->dimensions[b->dim_at[d] - 1];
                free(dm->ref.table), free(dm->ref.column), free(dm->as);
                memmove(dm, dm + 1,
                        (size_t)(s->dimensions + s->n_dimensions - dm - 1) * sizeof *dm);
                s->n_dimensions--;
            }
            scout_sq_measure *m = &s->measures[0];
            free(m->metric), free(m->as), free(m->per);
            m->metric = NULL, m->as = NULL;
            if (!(m->per = dupstr(bc->name))) return SCOUT_ENOMEM;
            m->agg = SCOUT_AGG_COUNT_PER;
            note(&b->why, "count per distinct %s%s", bc->name, NULL);
            return SCOUT_OK;
        }
    }
    return SCOUT_OK;
}

/* d shifted one period of grain g back (a week is seven days). */
static bool shift_back(const char *d, scout_grain g, char out[11])
{
    if (g == SCOUT_GRAIN_DAY || g == SCOUT_GRAIN_WEEK)
        return scout_semantic_date_add_days(d, g == SCOUT_GRAIN_DAY ? -1 : -7, out);
    return scout_semantic_date_add_months(d, g == SCOUT_GRAIN_QUARTER ? -3 : -1, out);
}

/* "now compared with a month ago": the same dates one period earlier, as
 * an explicit other period. */
static scout_rc bind_ago(binder *b)
{
    scout_semantic *s = b->s;
    char st[11], en[11], label[64];
    if (!shift_back(s->time.start, b->q->ago, st) || !shift_back(s->time.end, b->q->ago, en))
        return SCOUT_OK;
    snprintf(label, sizeof label, "a %s earlier", scout_semantic_grain_name(b->q->ago));
    s->comparison.type = SCOUT_CMP_PERIOD;
    if (!(s->comparison.start = dupstr(st)) || !(s->comparison.end = dupstr(en)) ||
        !(s->comparison.label = dupstr(label)))
        return SCOUT_ENOMEM;
    return SCOUT_OK;
}

static scout_rc bind_comparison(binder *b, bool members)
{
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    if (members || q->cmp == CMP_NONE || q->cmp == CMP_MEMBERS) return SCOUT_OK;
    if (!s->has_time || !s->time.start) {
        note(&b->missing, "a comparison needs a period the table can place%s%s", "", NULL);
        return SCOUT_OK;
    }
    if (q->cmp == CMP_AGO) return bind_ago(b);
    scout_timeexpr whole;
    bool to_date = q->time.kind == SCOUT_TX_THIS_WEEK || q->time.kind == SCOUT_TX_THIS_MONTH ||
                   q->time.kind == SCOUT_TX_THIS_QUARTER || q->time.kind == SCOUT_TX_THIS_YEAR;
    if (q->cmp == CMP_PREV && to_date && scout_timeexpr_previous(&q->time, &whole)) {
        /* "this quarter vs last quarter": the whole previous quarter, as
         * people read it, not a span of the same length. */
        char st[11], en[11], label[160];
        if (!scout_timeexpr_resolve(&whole, b->bt->latest, st, en, label, sizeof label) || !st[0])
            return SCOUT_OK;
        s->comparison.type = SCOUT_CMP_PERIOD;
        if (!(s->comparison.start = dupstr(st)) || !(s->comparison.end = dupstr(en)) ||
            !(s->comparison.label = dupstr(label)))
            return SCOUT_ENOMEM;
    } else if (q->cmp == CMP_PREV)
        s->comparison.type = SCOUT_CMP_PREVIOUS_PERIOD;
    else if (q->cmp == CMP_YEAR) {
        s->comparison.type = SCOUT_CMP_PREVIOUS_YEAR;
        return align_to_date(b);
    } else {
        char st[11], en[11], label[160];
        if (!scout_timeexpr_resolve(&q->time2, b->bt->latest, st, en, label, sizeof label) ||
            !st[0])
            return SCOUT_OK;
        s->comparison.type = SCOUT_CMP_PERIOD;
        if (!(s->comparison.start = dupstr(st)) || !(s->comparison.end = dupstr(en)) ||
            !(s->comparison.label = dupstr(label)))
            return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

static scout_rc bind_order(binder *b)
{
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    if (!q->rank || s->n_order_by) return SCOUT_OK; /* a row ranking orders itself */
    if (s->n_dimensions == 0 && !(s->has_time && s->time.grain)) {
        /* "the biggest open deal": one aggregate, the extreme value. */
        scout_sq_measure *m = &s->measures[0];
        if (m->agg == SCOUT_AGG_SUM && m->ref.column && m->over_time == SCOUT_OVER_SUM)
            m->agg = q->rank > 0 ? SCOUT_AGG_MAX : SCOUT_AGG_MIN;
        return SCOUT_OK;
    }
    s->order_by = calloc(1, sizeof *s->order_by);
    if (!s->order_by) return SCOUT_ENOMEM;
    s->n_order_by = 1;
    s->order_by[0].desc = q->rank > 0;
    s->order_by[0].value =
        s->comparison.type != SCOUT_CMP_NONE ? SCOUT_ORDER_DELTA : SCOUT_ORDER_CURRENT;
    s->limit = q->limit;
    if (!s->limit && q->rank_which) {
        /* "which plan ... most" asks for one; "which features ... highest" for a list */
        bool plural = false;
        for (size_t d = 0; d < q->n_dims; d++) {
            const char *w = q->t[q->dims[d].to - 1].w; /* the head noun */
            size_t l = strlen(w);
            if (l > 3 && w[l - 1] == 's' && w[l - 2] != 's') plural = true;
        }
        if (!plural) s->limit = 1;
    }
    /* the key is the measure's output name, known after validation */
    return SCOUT_OK;
}

/* A series over a text period column ("2026-07" months) reads in time
 * order, like a bucketed series, unless the question ranks. */
static scout_rc order_text_series(binder *b)
{
    scout_semantic *s = b->s;
    if (!b->bt->period_text || s->n_order_by || b->q->rank) return SCOUT_OK;
    for (size_t i = 0; i < s->n_dimensions; i++) {
        const char *d = s->dimensions[i].ref.column;
        size_t c = s->dimensions[i].ref.table ? (size_t)-1 : col_index(b->bt, d);
        /* the table's period column, a 'YYYY-MM' text column, or any other
         * column that holds periods (quarter labels) */
        bool period = !strcmp(d, b->bt->time_col) ||
                      (c != (size_t)-1 && (month_text(&b->bt->cols[c]) || b->bt->cols[c].is_time));
        if (!period) continue;
        if (!(s->order_by = calloc(1, sizeof *s->order_by))) return SCOUT_ENOMEM;
        s->n_order_by = 1;
        return (s->order_by[0].key = dupstr(d)) ? SCOUT_OK : SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

/* The table's curated default filters ("always exclude test accounts"),
 * each applied as a structured filter and said as an assumption, unless the
 * question already filters that column itself. */
/* Two table refs name the same table (NULL is the base table). */
static bool same_table(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

static scout_rc table_default_filters(binder *b, const btable *bt)
{
    scout_semantic *s = b->s;
    const json_t *df = json_object_get(bt->card, "default_filters"), *f;
    const char *owner = jstr(bt->card, "owner");
    const char *tref = bt == b->bt ? NULL : bt->fqname;
    size_t idx;
    json_array_foreach(df, idx, f)
    {
        scout_curated_filter cf;
        const char *cond = jstr((json_t *)f, "condition"), *why = jstr((json_t *)f, "reason");
        if (!scout_curated_filter_parse(cond, &cf)) continue;
        bool said = false;
        for (size_t i = 0; i < s->n_filters; i++)
            if (!strcmp(s->filters[i].ref.column, cf.column) &&
                same_table(s->filters[i].ref.table, tref))
                said = true;
        int op = -1;
        for (int o = SCOUT_OP_EQ; o <= SCOUT_OP_IS_NOT_NULL; o++)
            if (!strcmp(scout_semantic_op_name((scout_op)o), cf.op)) op = o;
        if (said || op < 0) continue;
        bool null_test = op == SCOUT_OP_IS_NULL || op == SCOUT_OP_IS_NOT_NULL;
        scout_rc rc = push_filter(s, cf.column, (scout_op)op, null_test ? 0 : 1);
        if (rc != SCOUT_OK) return rc;
        if (tref && !(s->filters[s->n_filters - 1].ref.table = dupstr(tref))) return SCOUT_ENOMEM;
        scout_sq_value *v = &s->filters[s->n_filters - 1].values[0];
        if (cf.kind == 3) {
            v->kind = SCOUT_VAL_KIND_STRING;
            if (!(v->s = dupstr(cf.value))) return SCOUT_ENOMEM;
        } else if (cf.kind == 2) {
            v->kind = SCOUT_VAL_KIND_REAL, v->d = strtod(cf.value, NULL);
        } else if (cf.kind == 1) {
            v->kind = SCOUT_VAL_KIND_INT, v->i = strtoll(cf.value, NULL, 10);
        }
        char a[600];
        snprintf(a, sizeof a, "excluding %s (%s), as curated%s%s", why[0] ? why : "by default",
                 cond, owner[0] ? " by " : "", owner);
        if ((rc = push_assumption(s, a)) != SCOUT_OK) return rc;
        note(&b->why, "default filter %s%s", cond, NULL);
    }
    return SCOUT_OK;
}

/* The base table's curated default filters, and those of every joined
 * table the query reads: a dimension table that always excludes test
 * accounts excludes them from a join too. */
static scout_rc bind_default_filters(binder *b)
{
    scout_rc rc = table_default_filters(b, b->bt);
    for (size_t j = 0; j < b->n_nb && rc == SCOUT_OK; j++)
        if (b->nb_used[j]) rc = table_default_filters(b, &b->nb[j]);
    return rc;
}

/* Cards of the tables one join away in the same source (declared FKs, join
 * keys, naming), for dimensions and values the base table lacks. A table
 * the asker cannot read is skipped; failures only mean no joins. */
static void load_neighbours(binder *b, scout_catalog *cat, const scout_principal *who)
{
    scout_joins_graph *g = NULL;
    scout_err e = {0};
    const char *base[1] = {b->bt->fqname};
    if (scout_joins_graph_new(&g, &e) != SCOUT_OK) return;
    if (scout_joins_load(g, cat, base, 1, 1, &e) == SCOUT_OK) {
        scout_joins_neighbour nbs[MAX_NB];
        size_t n = scout_joins_neighbours(g, b->bt->fqname, nbs, MAX_NB);
        for (size_t j = 0; j < n; j++) {
            btable *nt = &b->nb[b->n_nb];
            if (load_table(cat, nbs[j].table, who, false, nt, &e) != SCOUT_OK) {
                free_table(nt);
                continue;
            }
            b->nb_m2o[b->n_nb++] = nbs[j].many_to_one;
        }
    }
    scout_joins_graph_free(g);
}

/* Appends " stem " to a heap word set (discovery compares them across
 * tables). On failure the set is left as it was and SCOUT_ENOMEM returned. */
static scout_rc add_stem(char **set, const char *stem)
{
    size_t have = *set ? strlen(*set) : 0, n = strlen(stem);
    if (*set && in_set(*set, stem)) return SCOUT_OK;
    char *ns = realloc(*set, have + n + 3);
    if (!ns) return SCOUT_ENOMEM;
    if (!have) ns[have++] = ' ';
    memcpy(ns + have, stem, n);
    ns[have + n] = ' ';
    ns[have + n + 1] = 0;
    *set = ns;
    return SCOUT_OK;
}

/* Does text hold word (folded) as a whole word, in any case? */
static bool says_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; p && *p; p++)
        if ((p == text || !word_byte((unsigned char)p[-1])) && !strncasecmp(p, word, n) &&
            !word_byte((unsigned char)p[n]))
            return true;
    return false;
}

/* "opened", "closed", "churned": a word ending in -ed whose stem drops the
 * ending (so not "need" or "speed"). */
static bool past_tense(const qtok *t)
{
    size_t n = strlen(t->w);
    return n > 4 && !strcmp(t->w + n - 2, "ed") && strncmp(t->w, t->stem, n) != 0;
}

static scout_rc list_unplaced(binder *b, scout_question_fit *fit)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i < q->n; i++) {
        /* a run of value words is one value: "closed won" → "closed+won" */
        if (b->used[i] == B_VALUE && !q->t[i].is_num && (i == 0 || b->used[i - 1] != B_VALUE)) {
            char group[256] = "";
            size_t gl = 0;
            for (size_t k = i; k < q->n && b->used[k] == B_VALUE; k++) {
                int w =
                    snprintf(group + gl, sizeof group - gl, "%s%s", k > i ? "+" : "", q->t[k].stem);
                if (w < 0 || (size_t)w >= sizeof group - gl) break;
                gl += (size_t)w;
            }
            if (gl && add_stem(&fit->value_stems, group) != SCOUT_OK) return SCOUT_ENOMEM;
        }
        /* A word the table's own name says, whatever else used it. */
        if (!q->t[i].is_num && q->t[i].used != U_STOP && q->t[i].used != U_TIME &&
            in_set(b->bt->subject, q->t[i].stem) &&
            add_stem(&fit->subject_stems, q->t[i].stem) != SCOUT_OK)
            return SCOUT_ENOMEM;
        if (!open_tok(b, i) || q->t[i].is_num) continue;
        /* "ticket count", "number of deals": the aggregate, said as a noun */
        if (!strcmp(q->t[i].w, "count") || !strcmp(q->t[i].w, "number") ||
            !strcmp(q->t[i].w, "total"))
            continue;
        double t = tok_in(&q->t[i], b->bt->names);
        if (t >= 0.5) {
            b->used[i] = B_TABLE;
            continue;
        }
        bool any = false, count = q->agg_set && q->agg == SCOUT_AGG_COUNT;
        for (size_t c = 0; c < b->bt->n_cols && !any; c++) {
            const bcol *bc = &b->bt->cols[c];
            /* "how many refunds" of a table whose refunds_usd went unused:
             * the question counts a thing this table only has an amount of */
            if (count && bc->numeric && !bc->is_id && money_col(bc)) continue;
            if (col_word(bc, &q->t[i]) >= 0.9) any = true;
        }
        if (any) continue;                   /* names a column we did not need: harmless */
        if (i + 1 == b->counted_elsewhere) { /* noted when binding the count */
            if (add_stem(&fit->unplaced_stems, q->t[i].stem) != SCOUT_OK) return SCOUT_ENOMEM;
            fit->unplaced++;
            continue;
        }
        /* the description says the table holds it ("currently open tickets");
         * a past-tense verb ("opened this month") is an act, not that state,
         * so the description must say the verb itself ("trials started") */
        if (tok_in(&q->t[i], b->bt->desc) >= 1.0 &&
            (!past_tense(&q->t[i]) || says_word(jstr(b->bt->card, "description"), q->t[i].w)))
            continue;
        note(&b->missing, "nothing matches '%s'%s", q->t[i].orig, NULL);
        if (add_stem(&fit->unplaced_stems, q->t[i].stem) != SCOUT_OK) return SCOUT_ENOMEM;
        if (i > 0 && isupper((unsigned char)q->t[i].orig[0])) {
            fit->values_wanted++;
            if (add_stem(&fit->unplaced_values, q->t[i].orig) != SCOUT_OK) return SCOUT_ENOMEM;
        } else
            fit->unplaced++;
    }
    return SCOUT_OK;
}

static double fit_score(const binder *b, const scout_question_fit *fit, size_t nf_ok)
{
    const scout_question *q = b->q;
    double have = 0, want = 1; /* the measure */
    have += fit->has_measure ? 1 : 0.3;
    want += (double)fit->dims_wanted + (double)fit->values_wanted + (double)q->n_nf;
    have += (double)fit->dims_matched + (double)fit->values_matched + (double)nf_ok;
    if (q->has_time || q->grain) want += 1, have += fit->has_time ? 1 : 0;
    /* A word the table knows nothing of ("invoices" asked of revenue_daily)
     * counts half a need: it is often a verb ("signed", "send") every
     * candidate misses alike, but a missed noun should sink a lookalike. */
    want += 0.5 * (double)fit->unplaced;
    double sc = want > 0 ? have / want : 0;
    if (!strcmp(b->bt->trust, "deprecated")) sc *= 0.7;
    return sc > 1 ? 1 : sc < 0 ? 0 : sc;
}

static void set_order_key(scout_semantic *s)
{
    if (s->n_order_by && !s->order_by[0].key && s->measures[0].as)
        s->order_by[0].key = dupstr(s->measures[0].as);
}

/* "How many invoices did we send in October" on a table of customers by
 * cohort month: the cohort (signup) month is when the customer joined, not
 * when the invoices went out, so the period placed there answers another
 * question (the October cohort's lifetime invoices). Unless the question
 * names the cohort itself, or the measure counts the members (customers of
 * customer_cohorts, whose joining is the event). */
static void period_on_cohort(binder *b, scout_question_fit *fit)
{
    const scout_semantic *s = b->s;
    if (!s->has_time || !s->time.column || s->n_measures != 1 || !s->measures[0].ref.column ||
        s->measures[0].ref.table)
        return;
    const char *tc = s->time.column;
    size_t c = col_index(b->bt, tc), m = col_index(b->bt, s->measures[0].ref.column);
    if (c == (size_t)-1 || m == (size_t)-1 || (!strstr(tc, "cohort") && !strstr(tc, "signup")))
        return;
    for (size_t i = 0; i < b->q->n; i++)
        if (grain_word(b->q->t[i].w) == SCOUT_GRAIN_NONE &&
            tok_in(&b->q->t[i], b->bt->cols[c].names) >= 1.0)
            return;
    if (shared_words(b->bt->cols[m].names, b->bt->names) > 0) return;
    fit->period_on_cohort = true;
    note(&b->missing, "%s dates the cohort, not when the %s happened", tc, b->bt->cols[m].name);
}

/* Days a row of a rollup covers, from its time column's name (week_start,
 * month); a day otherwise. */
static long rollup_row_days(const char *col)
{
    if (!col) return 1;
    if (strstr(col, "year")) return 366;
    if (strstr(col, "quarter")) return 92;
    if (strstr(col, "month")) return 31;
    if (strstr(col, "week")) return 7;
    return 1;
}

/* Does the bound period cover more than one row of the rollup (several
 * days of a daily table), read per period and not as a series at its grain? */
static bool spans_rows(const scout_semantic *s)
{
    if (!s->has_time || !s->time.start || !s->time.end) return true; /* all of them */
    long row = rollup_row_days(s->time.column);
    static const long grain_days[] = {[SCOUT_GRAIN_DAY] = 1,
                                      [SCOUT_GRAIN_WEEK] = 7,
                                      [SCOUT_GRAIN_MONTH] = 31,
                                      [SCOUT_GRAIN_QUARTER] = 92,
                                      [SCOUT_GRAIN_YEAR] = 366};
    /* a series at the table's own grain: one row a period */
    if (s->time.grain > SCOUT_GRAIN_NONE && s->time.grain <= SCOUT_GRAIN_YEAR &&
        grain_days[s->time.grain] <= row)
        return false;
    int y, m, d;
    if (!scout_date_parse(s->time.start, &y, &m, &d)) return true;
    long a = (long)scout_days_from_civil(y, m, d);
    if (!scout_date_parse(s->time.end, &y, &m, &d)) return true;
    long e = (long)scout_days_from_civil(y, m, d);
    return e - a + 1 > row;
}

/* Does the data team document the column (or its rollup) as a distinct
 * count ("Events and distinct users per day")? Other counts (trials,
 * tickets) are of acts, which add up over days. */
static bool documents_distinct(const btable *bt, size_t c)
{
    const char *sets[] = {bt->desc, bt->cols[c].desc};
    for (size_t k = 0; k < 2; k++)
        if (in_set(sets[k], "distinct") || in_set(sets[k], "uniqu")) return true;
    return false;
}

/* "How many users used export last week" on a daily rollup of distinct
 * users: its users column counts each user once a day, so adding days
 * counts user-days (why DAU is averaged over a span, docs/eval.md), and
 * COUNT(DISTINCT users) counts distinct numbers. A count column is no
 * identifier: the measure does not answer who did it; the event rows do. */
static void distinct_counts_summed(binder *b, scout_question_fit *fit)
{
    const scout_semantic *s = b->s;
    size_t noun = actor_noun(b->q);
    if (s->n_measures != 1 || !s->measures[0].ref.column || s->measures[0].ref.table ||
        !preaggregated(b->bt))
        return;
    size_t c = col_index(b->bt, s->measures[0].ref.column);
    if (c == (size_t)-1 || !count_like(&b->bt->cols[c])) return;
    scout_agg agg = s->measures[0].agg;
    bool counted_twice =
        agg == SCOUT_AGG_COUNT_DISTINCT ||
        (agg == SCOUT_AGG_SUM && noun && tok_in(&b->q->t[noun], b->bt->cols[c].names) >= 0.5 &&
         documents_distinct(b->bt, c) && spans_rows(s));
    if (!counted_twice) return;
    fit->has_measure = false;
    note(&b->missing, "%s counts each one once per row; %s over rows counts some many times",
         b->bt->cols[c].name, scout_semantic_agg_name(agg));
}

/* "How many users used search yesterday" on the users table: the act is
 * another table's (search, a value of feature events reached by a join),
 * so the table's own date (signup_date) dates when they joined, not when
 * they did it. Unless the verb names that date ("signed up" → signup). */
static void period_on_members(binder *b, scout_question_fit *fit)
{
    const scout_semantic *s = b->s;
    size_t noun = actor_noun(b->q);
    if (!noun || b->actor || !s->has_time || !s->time.column) return;
    bool elsewhere = false;
    for (size_t v = 0; v < b->n_vals; v++)
        if (b->vals[v].t != b->bt && b->vals[v].from > noun) elsewhere = true;
    size_t c = col_index(b->bt, s->time.column);
    if (!elsewhere || c == (size_t)-1) return;
    for (size_t i = noun + 1; i < b->q->n && i <= noun + 2; i++)
        if (col_word(&b->bt->cols[c], &b->q->t[i]) >= 0.5) return;
    fit->period_on_cohort = true;
    note(&b->missing, "%s dates the members, not when they '%s'", s->time.column,
         b->q->t[noun + 1].orig);
}

scout_rc scout_question_bind(const scout_question *q, scout_catalog *cat, const char *fqname,
                             const scout_principal *who, scout_semantic **out,
                             scout_question_fit *fit, scout_err *err)
{
    *out = NULL;
    memset(fit, 0, sizeof *fit);
    btable bt;
    scout_rc rc = load_table(cat, fqname, who, true, &bt, err);
    if (rc != SCOUT_OK) {
        free_table(&bt);
        if (rc == SCOUT_ENOTFOUND) fit->missing = dupstr("no such table");
        return rc;
    }
    find_text_period(&bt);
    binder b = {.q = q, .bt = &bt, .cat = cat};
    for (size_t i = 0; i < q->n; i++) b.used[i] = q->t[i].used;
    /* A table without a time column cannot place the launch period; it may
     * hold it as columns instead ("users_first_30d" of a launch-adoption
     * table), so its words stay open there. */
    if (!bt.time_col || !bt.time_col[0])
        for (size_t i = 0; i < q->n; i++)
            if (in_launch(q, i)) b.used[i] = q->launch_was[i - q->launch_at];
    load_neighbours(&b, cat, who);
    scout_buf_init(&b.why, 4096);
    scout_buf_init(&b.missing, 4096);
    b.s = calloc(1, sizeof *b.s);
    if (!b.s) rc = SCOUT_ENOMEM;
    bool members = false, level = false;
    size_t nf_ok = 0;
    if (rc == SCOUT_OK) {
        b.s->version = SCOUT_SEMANTIC_VERSION;
        if (!(b.s->table = dupstr(bt.fqname))) rc = SCOUT_ENOMEM;
    }
    if (rc == SCOUT_OK) {
        find_codenames(&b, cat, who);
        find_actor(&b);
        find_values(&b);
        fit->values_matched = fit->values_wanted = b.n_vals;
        rc = bind_values(&b, &members);
    }
    if (rc == SCOUT_OK) rc = bind_flags(&b);
    if (rc == SCOUT_OK) rc = bind_presence(&b);
    if (rc == SCOUT_OK) rc = bind_dims(&b, fit);
    if (rc == SCOUT_OK) rc = bind_who(&b, fit);
    if (rc == SCOUT_OK) rc = bind_default_filters(&b);
    if (rc == SCOUT_OK) rc = bind_numeric(&b, fit, &nf_ok);
    if (rc == SCOUT_OK) rc = bind_measures(&b, fit, &level);
    if (rc == SCOUT_OK) rc = bind_listing(&b, fit);
    if (rc == SCOUT_OK) rc = bind_lookup(&b, fit);
    if (rc == SCOUT_OK) rc = bind_row_ranking(&b);
    size_t breached = (size_t)-1;
    if (rc == SCOUT_OK) rc = bind_breach(&b, &breached);
    if (rc == SCOUT_OK) rc = bind_days_listed(&b, fit, breached);
    if (rc == SCOUT_OK) check_money(&b, fit);
    if (rc == SCOUT_OK) check_duration(&b, fit);
    scout_grain grain = q->grain;
    /* "daily active users" named the measure, not a grain */
    bool grain_left = false;
    for (size_t i = 0; i < q->n; i++) {
        if (b.used[i] == U_GRAIN + 100 || (b.used[i] == B_COLUMN && q->t[i].used == U_GRAIN))
            grain = SCOUT_GRAIN_NONE;
        else if (b.used[i] == U_GRAIN)
            grain_left = true; /* "monthly active users by month": "by month" stays */
    }
    if (grain_left) grain = q->grain;
    /* "monthly active users this month compared with last month": periods
     * compared are totals; the grain word says the periods' unit, and a
     * series cannot be compared (see docs/semantic-query.md) */
    if (q->cmp == CMP_PREV || q->cmp == CMP_YEAR || q->cmp == CMP_PERIOD) grain = SCOUT_GRAIN_NONE;
    if (rc == SCOUT_OK) rc = list_unplaced(&b, fit);
    if (rc == SCOUT_OK) {
        choose_time_col(&b);
        rc = bind_time(&b, fit, level, grain);
    }
    if (rc == SCOUT_OK) period_on_cohort(&b, fit);
    if (rc == SCOUT_OK) distinct_counts_summed(&b, fit);
    if (rc == SCOUT_OK) period_on_members(&b, fit);
    /* levels: latest value per period (or overall); averages stay averages */
    if (rc == SCOUT_OK && level) rc = set_over_time(&b);
    if (rc == SCOUT_OK) rc = set_point_average(&b, level);
    if (rc == SCOUT_OK) rc = set_level_average(&b);
    if (rc == SCOUT_OK) rc = bind_rate(&b);
    if (rc == SCOUT_OK) rc = bind_share(&b);
    if (rc == SCOUT_OK) rc = bind_count_per(&b);
    if (rc == SCOUT_OK) rc = bind_comparison(&b, members);
    if (rc == SCOUT_OK) rc = bind_order(&b);
    if (rc == SCOUT_OK) rc = order_text_series(&b);
    fit->wants_time = q->has_time || q->grain;
    fit->score = fit_score(&b, fit, nf_ok);
    if (rc == SCOUT_OK) {
        /* Validation derives the measures' output names; the sort key is
         * one of them, so validate once without the order, then with it. */
        size_t n_order = b.s->n_order_by;
        b.s->n_order_by = 0;
        rc = scout_semantic_validate(b.s, NULL, err);
        b.s->n_order_by = n_order;
        if (rc == SCOUT_OK && n_order) {
            set_order_key(b.s);
            if (!b.s->order_by[0].key)
                rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
            else
                rc = scout_semantic_validate(b.s, NULL, err);
        }
    } else if (rc == SCOUT_ENOMEM) {
        scout_err_set(err, rc, "out of memory binding the question");
    }
    fit->why = b.why.len ? scout_buf_take(&b.why) : NULL;
    fit->missing = b.missing.len ? scout_buf_take(&b.missing) : NULL;
    scout_buf_free(&b.why);
    scout_buf_free(&b.missing);
    free_table(&bt);
    for (size_t j = 0; j < b.n_nb; j++) free_table(&b.nb[j]);
    if (rc == SCOUT_OK && !fit->has_measure && fit->dims_matched == 0 && fit->values_matched == 0 &&
        !fit->has_time) {
        rc = scout_err_set(err, SCOUT_ENOTFOUND, "nothing in the question matches %s", fqname);
    }
    if (rc != SCOUT_OK) {
        scout_semantic_free(b.s);
        return rc;
    }
    *out = b.s;
    return SCOUT_OK;
}

void scout_question_fit_free(scout_question_fit *fit)
{
    if (!fit) return;
    free(fit->why);
    free(fit->missing);
    free(fit->subject_stems);
    free(fit->unplaced_stems);
    free(fit->value_stems);
    free(fit->unplaced_values);
    fit->why = fit->missing = fit->subject_stems = fit->unplaced_stems = fit->value_stems = NULL;
    fit->unplaced_values = NULL;
}
