/* question.c — the deterministic question parser (see question.h). Analysis
 * tokenises the question and claims words for constructs it recognises
 * (time, grain, ranking, comparison, aggregation, numeric filters, dimension
 * phrases); binding matches what is left against one table's card (column
 * names, split identifiers, synonyms, descriptions, metric names and top
 * values) and assembles a semantic query. Words nobody claims are reported,
 * never silently dropped. This file holds analysis, its JSON and the public
 * analyze/free API; binding is in bind.c and bind_measure.c, the types they
 * share in question_int.h. */
#include "planner/question.h"
#include "planner/question_int.h"

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

/* ---- small helpers ---- */

char *qn_dupstr(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p) memcpy(p, s, n + 1);
    return p;
}

void qn_copy_word(char *dst, const char *src, size_t n)
{
    if (n >= WORD_MAX) n = WORD_MAX - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

bool qn_tok_is(const scout_question *q, size_t i, const char *w)
{
    return i < q->n && strcmp(q->t[i].w, w) == 0;
}

bool qn_tok_any(const scout_question *q, size_t i, const char *const *ws)
{
    for (; *ws; ws++)
        if (qn_tok_is(q, i, *ws)) return true;
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
    if (q->n == 0 || !qn_tok_any(q, 0, verbs)) return false;
    if (strchr(text, ';') || strchr(text, '*')) return true;
    for (size_t i = 1; i < q->n; i++)
        if (qn_tok_is(q, i, "from") || qn_tok_is(q, i, "table") || qn_tok_is(q, i, "into") ||
            qn_tok_is(q, i, "set") || qn_tok_is(q, i, "where"))
            return true;
    return false;
}

/* ---- tokenising ---- */

bool qn_word_byte(unsigned char c)
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

void qn_fold(const char *s, size_t n, char *out)
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
    while (j < len && qn_word_byte((unsigned char)s[j])) j++;
    return j;
}

static scout_rc tokenise(scout_question *q, const char *s, size_t len, scout_err *err)
{
    q->t = calloc(MAX_TOKENS, sizeof *q->t);
    if (!q->t) return scout_err_set(err, SCOUT_ENOMEM, "out of memory analysing the question");
    size_t i = 0;
    while (i < len && q->n < MAX_TOKENS) {
        unsigned char c = (unsigned char)s[i];
        if (!qn_word_byte(c) && c != '$') {
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
        qn_copy_word(t->orig, s + i, j - i);
        qn_fold(s + i, j - i, t->w);
        t->is_num = parse_number(s + i, j - i, &t->num, &t->money);
        if (t->w[0] == '$') memmove(t->w, t->w + 1, strlen(t->w));
        /* "year's" → "year": possessives carry no meaning here. */
        if (j + 1 < len && s[j] == '\'' && (s[j + 1] == 's' || s[j + 1] == 'S') &&
            (j + 2 >= len || !qn_word_byte((unsigned char)s[j + 2]))) {
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
    qn_copy_word(t->rel[t->n_rel], stem, strlen(stem));
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
            qn_copy_word(t->stem, t->w, strlen(t->w));
        if (scout_text_is_stop(t->w, strlen(t->w)) && t->used == U_FREE) t->used = U_STOP;
        const char *full = scout_synonyms_abbrev(syn, t->w);
        if (full) {
            char st[WORD_MAX];
            if (scout_text_stem(tx, full, strlen(full), st, sizeof st)) {
                qn_copy_word(t->rel[0], st, strlen(st));
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
        if (qn_tok_any(q, k, VS)) return true;
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
            (qn_tok_is(q, i - 1, "top") || qn_tok_is(q, i - 1, "over")))
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

scout_grain qn_grain_word(const char *w)
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
        scout_grain g = qn_grain_word(w);
        /* "month by month", "month over month", "week on week" */
        if (g && i + 2 < q->n &&
            (qn_tok_is(q, i + 1, "by") || qn_tok_is(q, i + 1, "over") ||
             qn_tok_is(q, i + 1, "on")) &&
            qn_grain_word(q->t[i + 2].w) == g) {
            q->grain = g;
            claim(q, i, i + 3, U_GRAIN);
            continue;
        }
        /* "per month", "by week", "each day", "every month", "for each of the
         * last 14 days" (the period itself is claimed by find_time). */
        if (g && i > 0 &&
            (qn_tok_is(q, i - 1, "per") || qn_tok_is(q, i - 1, "by") ||
             qn_tok_is(q, i - 1, "each") || qn_tok_is(q, i - 1, "every"))) {
            q->grain = g;
            claim(q, i - 1, i + 1, U_GRAIN);
            continue;
        }
        if (qn_tok_is(q, i, "each") && qn_tok_is(q, i + 1, "of") && qn_tok_is(q, i + 2, "the") &&
            q->t[i + 3 < q->n ? i + 3 : i].used == U_TIME) {
            /* unit comes from the time expression: "each of the last 14 days" */
            for (size_t k = i + 3; k < q->n && q->t[k].used == U_TIME; k++)
                if (qn_grain_word(q->t[k].w)) q->grain = qn_grain_word(q->t[k].w);
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
            (strcmp(w, "over") == 0 && qn_tok_is(q, i + 1, "time"))) {
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
        int dir = qn_tok_any(q, i, hi) ? 1 : qn_tok_any(q, i, lo) ? -1 : 0;
        /* "Rank the features by adoption rate": the imperative verb ranks
         * every member, highest first, unless a lo word turns it. */
        if (i == 0 && qn_tok_is(q, i, "rank")) {
            dir = 1;
            q->rank_all = true;
        }
        if (!dir) continue;
        /* "at least 3", "at most" are numeric filters, not rankings. */
        if (i > 0 && qn_tok_is(q, i - 1, "at")) continue;
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
        if ((qn_tok_is(q, i, "which") || qn_tok_is(q, i, "what")) && n) {
            q->limit = n;
            q->t[i + 1].used = U_RANK;
            if (!q->rank) q->rank = 1;
        }
    }
    if (qn_tok_is(q, 0, "which") || qn_tok_is(q, 0, "what") || qn_tok_is(q, 0, "where"))
        q->rank_which = true;
    if (qn_tok_is(q, 0, "who") && q->rank) q->who = q->rank_which = true;
    for (size_t i = 0; i < q->n; i++)
        if (qn_tok_is(q, i, "which") && i > 0) q->rank_which = true;
}

/* "slowest 5 composer requests", "the longest calls": a ranking by how
 * long things take (a duration column), highest first; "fastest",
 * "quickest", "shortest" lowest first. */
static void find_speed(scout_question *q)
{
    static const char *const hi[] = {"slowest", "longest", NULL};
    static const char *const lo[] = {"fastest", "quickest", "shortest", NULL};
    for (size_t i = 0; i < q->n && !q->speed; i++) {
        int dir = qn_tok_any(q, i, hi) ? 1 : qn_tok_any(q, i, lo) ? -1 : 0;
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
        else if (!strcmp(w, "how") && (qn_tok_is(q, i + 1, "many")))
            a = SCOUT_AGG_COUNT, to = i + 2, q->how_many = i + 2;
        else if (!strcmp(w, "number") && qn_tok_is(q, i + 1, "of"))
            a = SCOUT_AGG_COUNT, to = i + 2;
        else if (!strcmp(w, "count") && (qn_tok_is(q, i + 1, "of") || i == 0))
            a = SCOUT_AGG_COUNT;
        else if (!strcmp(w, "how") && qn_tok_is(q, i + 1, "much"))
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
        f->value *= 1000, qn_copy_word(f->unit, "ms", 2);
    else
        qn_copy_word(f->unit, unit, strlen(unit));
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
    if (qn_tok_any(q, u, lead) && u + 1 < q->n) {
        g = qn_grain_word(q->t[u + 1].w);
        n = 2;
    } else if (qn_tok_is(q, u, "annually")) {
        g = SCOUT_GRAIN_YEAR, n = 1;
    }
    if (g != SCOUT_GRAIN_MONTH && g != SCOUT_GRAIN_YEAR && g != SCOUT_GRAIN_WEEK) return false;
    if (q->t[u + n - 1].used != U_FREE && q->t[u + n - 1].used != U_GRAIN) return false;
    const char *per = g == SCOUT_GRAIN_MONTH ? "month" : g == SCOUT_GRAIN_YEAR ? "year" : "week";
    qn_copy_word(f->per, per, strlen(per));
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
    if (cmp > 0 && q->t[cmp - 1].used == U_FREE && qn_tok_any(q, cmp - 1, paying))
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
        if (qn_tok_is(q, k, "half") && qn_tok_is(q, k + 1, "a")) {
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
        if (!strcmp(w, "older") || !strcmp(w, "younger")) qn_copy_word(f->unit, "days", 4);
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
        size_t o = qn_tok_is(q, i + 1, "or") ? i + 1 : qn_tok_is(q, i + 2, "or") ? i + 2 : q->n;
        if (o + 1 >= q->n || (o == i + 2 && (q->t[i + 1].is_num || q->t[i + 1].used != U_FREE)))
            continue;
        bool ge = qn_tok_any(q, o + 1, up), le = qn_tok_any(q, o + 1, down);
        if (!ge && !le) continue;
        numfilter *f = &q->nf[q->n_nf++];
        memset(f, 0, sizeof *f);
        f->op = ge ? SCOUT_OP_GE : SCOUT_OP_LE;
        f->value = q->t[i].num;
        f->money = q->t[i].money;
        f->at = i;
        if (o == i + 2) qn_copy_word(f->unit, q->t[i + 1].w, strlen(q->t[i + 1].w));
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
            qn_copy_word(f->unit, "status", 6);
            f->status_class = true;
        }
        size_t e = i + 1;
        if (qn_tok_is(q, e, "error") || qn_tok_is(q, e, "errors")) e++;
        claim(q, i, e, U_NUM);
    }
}

static bool stop_dim_word(const scout_question *q, size_t i)
{
    static const char *const stops[] = {
        "and",  "in",  "for",   "last",   "this",  "since", "from",   "on", "over",
        "with", "at",  "vs",    "versus", "where", "among", "during", "of", "to",
        "that", "who", "which", "the",    "per",   "by",    "each",   NULL};
    return qn_tok_any(q, i, stops);
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
        scout_grain g = qn_grain_word(q->t[e - 1].w);
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
        if (k > 0 && qn_tok_is(q, k - 1, "the")) k--;
        if (k == 0 || !qn_tok_any(q, k - 1, with)) continue;
        size_t w = --k;
        if (k > 0 && qn_tok_any(q, k - 1, rel)) k--;
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
        if (qn_tok_is(q, k - 1, "the") || qn_tok_is(q, k - 1, "all")) break;
        if (q->t[k - 1].used != U_FREE && q->t[k - 1].used != U_STOP) return false;
        k--;
    }
    /* "rank the features by ...": an article between ranking and noun */
    size_t r = k;
    if (r > 1 && (qn_tok_is(q, r - 1, "the") || qn_tok_is(q, r - 1, "all")) &&
        q->t[r - 2].used == U_RANK)
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
        if (qn_tok_is(q, i, "by") || qn_tok_is(q, i, "per") || qn_tok_is(q, i, "across"))
            s = i + 1;
        else if (qn_tok_is(q, i, "each") && !qn_tok_is(q, i + 1, "of"))
            s = i + 1;
        else if (i + 2 < q->n && q->t[i].stem[0] && qn_tok_is(q, i + 1, "by") &&
                 strcmp(q->t[i].w, q->t[i + 2].w) == 0 && q->t[i].used == U_FREE) {
            add_dim(q, i, i + 1); /* "stage by stage" */
            claim(q, i + 1, i + 3, U_FILLER);
            continue;
        }
        if (!s) continue;
        if (qn_tok_is(q, i, "by") && rank_noun_dim(q, i)) continue;
        if (qn_tok_is(q, s, "kind") || qn_tok_is(q, s, "type")) {
            if (qn_tok_is(q, s + 1, "of")) {
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
            if (qn_tok_is(q, e, "and") && e + 1 < q->n && !stop_dim(q, e + 1) &&
                q->n_dims < MAX_DIMS && (qn_tok_is(q, i, "across") || qn_tok_is(q, i, "by"))) {
                q->t[e].used = U_FILLER;
                s = e + 1;
                continue;
            }
            break;
        }
        for (size_t k = first; k < q->n_dims; k++) q->dim_across[k] = qn_tok_is(q, i, "across");
    }
    /* "Which plan brought in the most": the thing asked for is a dimension. */
    if (q->rank && q->n_dims == 0) {
        for (size_t i = 0; i + 1 < q->n; i++)
            if ((qn_tok_is(q, i, "which") || (qn_tok_is(q, i, "what") && q->rank_which)) &&
                q->t[i + 1].used != U_TIME) {
                size_t s = i + 1;
                while (s < q->n && q->t[s].used == U_RANK) s++;
                /* "which ticket category is ...": the whole noun phrase;
                 * binding picks the column its words name best. A third
                 * open word is the verb ("which support agent solved"), so
                 * two words at most. */
                size_t e = phrase_end(q, s);
                if (e > s + 2) e = s + 2;
                if (s < q->n && q->t[s].used == U_FREE && !qn_grain_word(q->t[s].w)) {
                    add_dim(q, s, e > s ? e : s + 1);
                    q->dim_soft[q->n_dims - 1] = DIM_LOOSE;
                } else if (s < q->n && qn_grain_word(q->t[s].w) == SCOUT_GRAIN_DAY)
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
    if (q->n < 3 || !qn_tok_is(q, 0, "days") || (q->t[0].used != U_FREE && q->t[0].used != U_STOP))
        return;
    for (size_t i = 1; i < q->n && i < 6; i++)
        if (qn_tok_any(q, i, rel)) {
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
        int dir = qn_tok_any(q, i, above) ? 1 : qn_tok_any(q, i, below) ? -1 : 0;
        if (!dir || (q->t[i].used != U_FREE && q->t[i].used != U_STOP)) continue;
        size_t k = i + 1;
        if (k < q->n &&
            (qn_tok_is(q, k, "its") || qn_tok_is(q, k, "the") || qn_tok_is(q, k, "their")))
            k++;
        if (k >= q->n || !qn_tok_any(q, k, limits) || q->t[k].used != U_FREE) continue;
        /* a latency objective is broken by going over it, whatever the verb */
        if (dir < 0 &&
            (qn_tok_is(q, k, "slo") || qn_tok_is(q, k, "slos") || qn_tok_is(q, k, "sla")))
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
        (!qn_tok_is(q, 0, "which") && !qn_tok_is(q, 0, "what")))
        return;
    size_t e = phrase_end(q, 1);
    if (e == 1 || qn_grain_word(q->t[1].w)) return;
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
        (!qn_tok_is(q, 0, "which") && !qn_tok_is(q, 0, "what")))
        return;
    size_t e = phrase_end(q, 1);
    if (e > 3) e = 3;
    if (e == 1 || e >= q->n || qn_grain_word(q->t[1].w)) return;
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
    return i > 0 && (qn_tok_is(q, i - 1, "does") || qn_tok_is(q, i - 1, "do") ||
                     qn_tok_is(q, i - 1, "did") || (i > 1 && qn_tok_is(q, i - 2, "according")));
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
        if ((!strcmp(w, "year") && qn_tok_is(q, i + 1, "over") && qn_tok_is(q, i + 2, "year")) ||
            !strcmp(w, "yoy")) {
            q->cmp = CMP_YEAR;
            claim(q, i, !strcmp(w, "yoy") ? i + 1 : i + 3, U_CMP);
        }
        /* "the same period/month/day last year" */
        if (!strcmp(w, "same") && i + 3 < q->n) {
            size_t e = i + 2;
            if (qn_tok_is(q, e, "last") && qn_tok_is(q, e + 1, "year")) {
                q->cmp = CMP_YEAR;
                claim(q, i > 0 && qn_tok_is(q, i - 1, "the") ? i - 1 : i, e + 2, U_CMP);
            }
        }
        /* "a year ago", "one year earlier", "than a year before", "the year
         * prior": the same period a year back, whatever the period is. Only
         * "a"/"one"/"the" before "year" counts, so "the day before" and
         * "two years ago" keep their own meaning. */
        if (!strcmp(w, "year") && i > 0 &&
            (qn_tok_is(q, i - 1, "a") || qn_tok_is(q, i - 1, "one") ||
             qn_tok_is(q, i - 1, "the")) &&
            (qn_tok_is(q, i + 1, "ago") || qn_tok_is(q, i + 1, "earlier") ||
             qn_tok_is(q, i + 1, "before") || qn_tok_is(q, i + 1, "prior"))) {
            q->cmp = CMP_YEAR;
            claim(q, i - 1, i + 2, U_CMP);
            continue;
        }
        /* "a month ago", "one week earlier": the same dates one such
         * period back ("a year ago" is handled above) */
        if (qn_grain_word(w) && qn_grain_word(w) < SCOUT_GRAIN_YEAR && i > 0 &&
            (qn_tok_is(q, i - 1, "a") || qn_tok_is(q, i - 1, "one")) &&
            (qn_tok_is(q, i + 1, "ago") || qn_tok_is(q, i + 1, "earlier"))) {
            q->cmp = CMP_AGO;
            q->ago = qn_grain_word(w);
            claim(q, i - 1, i + 2, U_CMP);
            continue;
        }
        /* "the day/week/quarter before", "the previous period/quarter" */
        if ((!strcmp(w, "before") && i > 0 && qn_grain_word(q->t[i - 1].w)) ||
            ((!strcmp(w, "previous") || !strcmp(w, "prior") || !strcmp(w, "preceding")) &&
             i + 1 < q->n && (qn_grain_word(q->t[i + 1].w) || qn_tok_is(q, i + 1, "period")))) {
            if (q->cmp == CMP_NONE) q->cmp = CMP_PREV;
            size_t a = !strcmp(w, "before") ? i - 1 : i, b = !strcmp(w, "before") ? i + 1 : i + 2;
            if (a > 0 && qn_tok_is(q, a - 1, "the")) a--;
            claim(q, a, b, U_CMP);
        }
        if (qn_tok_any(q, i, VS)) q->t[i].used = U_CMP;
    }
    bool vs = false;
    for (size_t i = 0; i < q->n; i++)
        if (qn_tok_any(q, i, VS)) vs = true;
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
    if (vs || qn_tok_is(q, 0, "compare")) {
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
        if (!qn_tok_is(q, i, "which") && !qn_tok_is(q, i, "what")) continue;
        size_t v = i + 1;
        while (v < q->n && v < i + 4 && !qn_tok_any(q, v, verbs) &&
               (q->t[v].used == U_FREE || q->t[v].used == U_STOP))
            v++;
        if (v == i + 1 || v >= q->n || !qn_tok_any(q, v, verbs)) continue;
        add_dim(q, i + 1, v);
        q->rank = 1;
        for (size_t k = v + 1; k < q->n; k++)
            if (qn_tok_any(q, k, falls)) q->rank = -1;
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
        if (qn_tok_any(q, i, verbs)) {
            q->net_change = true;
            q->t[i].used = U_CMP;
        } else if (qn_tok_is(q, i, "net") &&
                   (qn_tok_is(q, i + 1, "new") || qn_tok_is(q, i + 1, "change"))) {
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
    bool lead = unit_word(q->t[i].w) || qn_tok_is(q, i, "time");
    if (!lead || q->t[i].used != U_FREE || !qn_tok_is(q, i + 1, "to") || i + 2 >= q->n) return 0;
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
        if (q->t[i].used == U_FREE && qn_tok_any(q, i, nouns) && q->t[i - 1].used == U_FREE &&
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
        } else if (qn_tok_is(q, i, "how") && qn_tok_is(q, i + 1, "long")) {
            for (size_t k = i + 2; k + 1 < q->n && k < i + 6 && !q->dur_at; k++)
                if (qn_tok_is(q, k, "to") && q->t[k + 1].used == U_FREE) q->dur_at = k + 1;
            if (q->dur_at) {
                claim(q, i, i + 2, U_AGG);
                q->t[q->dur_at - 1].used = U_AGG;
            }
        }
    }
    for (size_t i = 1; q->dur_at && !q->dur_unit && i < q->n; i++)
        if (qn_tok_is(q, i - 1, "in") && unit_word(q->t[i].w) && q->t[i].used == U_FREE) {
            q->dur_unit = unit_word(q->t[i].w);
            claim(q, i - 1, i + 1, U_AGG);
        }
}

/* "on the first day of each month", "at the end of every quarter": a level
 * read at one point of each period — its first or its last day. */
static void find_snapshot(scout_question *q)
{
    for (size_t i = 0; i + 3 < q->n; i++) {
        bool first = qn_tok_is(q, i, "first") || qn_tok_is(q, i, "start"),
             last = qn_tok_is(q, i, "last") || qn_tok_is(q, i, "end");
        if ((!first && !last) || q->t[i].used == U_TIME) continue;
        size_t k = i + 1;
        if (qn_tok_is(q, k, "day")) k++;
        if (!qn_tok_is(q, k, "of")) continue;
        if (!(qn_tok_is(q, k + 1, "each") || qn_tok_is(q, k + 1, "every") ||
              qn_tok_is(q, k + 1, "the")))
            continue;
        if (!qn_grain_word(q->t[k + 2 < q->n ? k + 2 : k].w)) continue;
        q->snap = first ? -1 : 1;
        claim(q, i > 0 && (qn_tok_is(q, i - 1, "the") || qn_tok_is(q, i - 1, "on")) ? i - 1 : i,
              k + 1, U_GRAIN);
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
                         qn_tok_is(q, i + 1, "daily") && q->t[i + 1].used == U_GRAIN;
        bool daily_avg = qn_tok_is(q, i, "daily") && q->t[i].used == U_GRAIN &&
                         q->t[i + 1].used == U_AGG && q->agg == SCOUT_AGG_AVG;
        /* "on average, how many ... per day", "the most users per day on
         * average": an average asked for, "per day" says of what — the
         * per-day values — not a row per day. */
        bool per_day_avg =
            qn_tok_is(q, i, "per") && q->t[i].used == U_GRAIN && q->t[i + 1].used == U_GRAIN &&
            qn_grain_word(q->t[i + 1].w) == SCOUT_GRAIN_DAY && q->agg == SCOUT_AGG_AVG;
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
        bool asked = i > 0 && (qn_tok_is(q, i - 1, "which") || qn_tok_is(q, i - 1, "what"));
        if (q->t[i].used != U_FREE || !qn_tok_any(q, i, nouns) || (!after_rank && !asked)) continue;
        q->grain = qn_grain_word(q->t[i].w);
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
        if ((q->t[i].used == U_FREE || q->t[i].used == U_STOP) && qn_tok_any(q, i, fillers))
            q->t[i].used = U_FILLER;
    /* "trials included", "including refunds": what the count takes in, a
     * qualifier of the measure, not the measure */
    for (size_t i = 0; i < q->n; i++) {
        if (qn_tok_is(q, i, "included") && i > 0 && q->t[i - 1].used == U_FREE)
            q->t[i - 1].used = U_FILLER;
        if (qn_tok_is(q, i, "including") && i + 1 < q->n && q->t[i + 1].used == U_FREE)
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
    if (!q || !(q->text = qn_dupstr(question))) {
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
    q->when = qn_tok_is(q, 0, "when");
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

bool qn_in_launch(const scout_question *q, size_t i)
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
        if (qn_in_launch(q, i)) continue;
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
