/* bind_measure.c — the binder's measure side (see question_int.h): numeric
 * thresholds, money, durations, actors ("how many people did X"), choosing
 * the measure columns, the time column and period, and rates. */
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
    qn_fold(name, strlen(name) < WORD_MAX - 1 ? strlen(name) : WORD_MAX - 1, low);
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
bool qn_money_col(const bcol *c)
{
    if (!c->numeric || c->is_id || c->is_time) return false;
    if (money_name(c->name)) return true;
    char low[32];
    qn_fold(c->type, strlen(c->type) < 31 ? strlen(c->type) : 31, low);
    if (strstr(low, "money")) return true;
    return (qn_in_set(c->desc, "usd") || qn_in_set(c->desc, "dollar")) &&
           qn_measure_nature(c) != 2 && !strstr(c->name, "per_");
}

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
    return qn_in_set(bc->desc, per);
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
    if (nf->money && !qn_money_col(bc)) return -1;
    double s = 0;
    /* words after the number ("3 seats", "5 weekly active users") */
    for (size_t k = nf->at + 1; k < q->n && k < nf->at + 4; k++) {
        if (b->used[k] == B_VALUE) break;
        s += qn_col_word(bc, &q->t[k]);
    }
    /* the thing compared, before the comparison ("an open
     * opportunity over $50k"), counts half */
    for (size_t k = nf->at, n = 0; k > 0 && n < 3; k--) {
        if (b->used[k - 1] == U_NUM || b->used[k - 1] == U_STOP || b->used[k - 1] == U_FILLER)
            continue;
        if (!qn_open_tok(b, k - 1)) break;
        s += 0.5 * qn_col_word(bc, &q->t[k - 1]);
        n++;
    }
    if (nf->unit[0] && strstr(bc->name, nf->unit)) s += 1;
    if (!strcmp(nf->unit, "days") && (name_part(bc->name, "age") || strstr(bc->name, "overdue")))
        s += 1;
    if (nf->money) s += local_currency(bc) ? 0.3 : 0.8;
    if (nf->per[0] && amount_per(bc, nf->per)) s += 0.6;
    return s;
}

scout_rc qn_bind_numeric(binder *b, scout_question_fit *fit, size_t *matched)
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
                qn_note(&b->missing, "no amount of money to compare with '%s'%s", q->t[nf->at].orig,
                        NULL);
            else
                qn_note(&b->missing, "no numeric column for '%s %s'", q->t[nf->at].orig, nf->unit);
            continue;
        }
        const bcol *bc = &b->bt->cols[best];
        for (size_t k = nf->at + 1; k < q->n && k < nf->at + 4; k++)
            if (qn_col_word(bc, &q->t[k]) >= 0.5 && (qn_open_tok(b, k) || b->used[k] == U_GRAIN))
                b->used[k] = B_COLUMN;
        /* "deals over $50k", "requests slower than 500 ms" hold for each
         * thing; a summary row's amount is a group's total or average, so
         * the threshold would filter groups. A count per row ("at least 3
         * opportunities") still compares what the row counts. */
        if (qn_preaggregated(b->bt) && !qn_count_like(bc)) {
            qn_note(&b->missing, "'%s' is a per-item threshold; %s holds summary rows",
                    q->t[nf->at].orig, b->bt->fqname);
            scout_rc rc = qn_push_filter(b->s, bc->name, nf->op, 1);
            if (rc != SCOUT_OK) return rc;
            set_number(&b->s->filters[b->s->n_filters - 1].values[0], nf->value);
            continue;
        }
        scout_rc rc = qn_push_filter(b->s, bc->name, nf->op, 1);
        if (rc != SCOUT_OK) return rc;
        set_number(&b->s->filters[b->s->n_filters - 1].values[0], nf->value);
        /* still the nearest filter, but a table with a dollar amount fits better */
        if (nf->money && local_currency(bc)) {
            qn_note(&b->missing, "%s is in local currency, not the question's dollars%s", bc->name,
                    NULL);
            continue;
        }
        /* the two ends of one range ("5xx") are said once */
        if (!(i > 0 && q->nf[i - 1].at == nf->at))
            qn_note(&b->why, "%s compared with the question's number%s", bc->name, NULL);
        (*matched)++;
    }
    return SCOUT_OK;
}

/* A pre-aggregated table (a summary per day, type, category...) holds one row
 * per group, not one per thing: its grain names no identifier, or its name
 * says it is a daily/weekly/monthly roll-up. Counting its rows counts groups. */
bool qn_preaggregated(const btable *bt)
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
bool qn_count_like(const bcol *c)
{
    return c->numeric && !c->is_id && !c->is_time && !qn_money_col(c) &&
           qn_measure_nature(c) != 2 && !strstr(c->type, "REAL") && !strstr(c->type, "real") &&
           strncmp(c->name, "is_", 3) != 0;
}

/* How many of the words of set a (" stem stem ") are in set b. */
double qn_shared_words(const char *a, const char *b)
{
    double n = 0;
    for (const char *p = a; *p;) {
        while (*p == ' ') p++;
        const char *e = strchr(p, ' ');
        if (!e || e == p) break;
        char w[WORD_MAX];
        qn_copy_word(w, p, (size_t)(e - p));
        if (qn_in_set(b, w)) n += 1;
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
        if (!qn_count_like(bc)) continue;
        double s = 0;
        /* the question's words first (those naming the table itself count
         * less), the table's name only between equals */
        for (size_t i = 0; i < b->q->n; i++)
            s += 10 * qn_tok_in(&b->q->t[i], bc->names) * qn_own_word(b, i);
        s += 0.5 * qn_shared_words(bc->names, b->bt->names);
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
        if (!qn_money_col(bc)) continue;
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
        if ((qn_open_tok(b, i) || b->used[i] == U_FILLER) && qn_tok_any(q, i, nouns) &&
            !(i > 0 && qn_tok_any(q, i - 1, aux)))
            return i;
    for (size_t i = 1; q->how_much && i < q->n; i++) {
        if (!qn_tok_is(q, i - 1, "how") || !qn_tok_is(q, i, "much")) continue;
        size_t k = i + 1;
        while (k < q->n && qn_tok_any(q, k, aux)) k++;
        if (qn_tok_any(q, k, verbs)) return k;
    }
    return q->n;
}

/* Does the table hold any amount of money, as a column or a metric? */
static bool has_money(const btable *bt)
{
    for (size_t c = 0; c < bt->n_cols; c++)
        if (qn_money_col(&bt->cols[c])) return true;
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
    size_t c = m->ref.column && !m->ref.table ? qn_col_index(b->bt, m->ref.column) : (size_t)-1;
    return c != (size_t)-1 && qn_money_col(&b->bt->cols[c]);
}

/* The money a question asks for, against what the measure is: a money
 * measure answers the money noun ("closed-won revenue" summing won_usd),
 * so the noun is placed; a table without any money cannot answer at all,
 * whatever it sums or counts instead (closed_deals for "how much did we
 * win"), so it has no measure for the question. */
void qn_check_money(binder *b, scout_question_fit *fit)
{
    size_t i = money_asked(b);
    if (i == b->q->n) return;
    if (measures_money(b)) {
        if (qn_open_tok(b, i)) b->used[i] = B_MEASURE;
        return;
    }
    if (has_money(b->bt)) return;
    fit->has_measure = false;
    fit->lacks_money = true;
    qn_note(&b->missing, "no amount of money for '%s'%s", b->q->t[i].orig, NULL);
}

static bool duration_suffix(const char *name);

/* "Average queue time" asked of a table with no column timing the queue
 * (a daily rollup where 'queue' is a component value): what it sums or
 * counts instead is not how long anything took, so it has no measure for
 * the question. A table measuring some duration column is left alone. */
void qn_check_duration(binder *b, scout_question_fit *fit)
{
    const scout_question *q = b->q;
    if ((!q->timed_at || !qn_open_tok(b, q->timed_at)) && !q->speed) return;
    for (size_t i = 0; i < b->s->n_measures; i++) {
        const scout_sq_measure *m = &b->s->measures[i];
        if (m->from || (m->ref.column && duration_suffix(m->ref.column))) return;
    }
    for (size_t i = 0; i < b->s->n_dimensions; i++) /* a row ranking lists it */
        if (duration_suffix(b->s->dimensions[i].ref.column)) return;
    fit->has_measure = false;
    fit->lacks_duration = true;
    if (q->timed_at)
        qn_note(&b->missing, "no column times '%s %s'", q->t[q->timed_at - 1].orig,
                q->t[q->timed_at].orig);
    else
        qn_note(&b->missing, "no duration to rank by%s%s", "", NULL);
}

/* No measure named on a summary table: its count column, summed. */
static scout_rc push_count_column(binder *b, size_t c, bool *level)
{
    const bcol *bc = &b->bt->cols[c];
    if (qn_measure_nature(bc) == 1) *level = true;
    qn_note(&b->why, "summing %s, the table's count per row%s", bc->name, NULL);
    return qn_push_measure(b->s, SCOUT_AGG_SUM, bc->name, NULL, SCOUT_OVER_SUM);
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
        bool grain = u == U_GRAIN || (u == U_AGG && qn_grain_word(t->w) != SCOUT_GRAIN_NONE);
        if (t->is_num || (!qn_open_tok(b, from + k) && !grain) || t->w[0] != name[k]) return false;
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
    if (qn_preaggregated(b->bt)) return false;
    int words = 0;
    for (size_t i = 0; i < q->n && i < 4 && words < 2; i++) {
        if (b->used[i] == U_FILLER || b->used[i] == U_STOP) continue;
        if (!qn_open_tok(b, i)) return false;
        if (qn_tok_in(&q->t[i], b->bt->subject) >= 1.0) return true;
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
            if (qn_open_tok(b, i) || q->t[i].used == U_TIME) sc += qn_col_word(bc, &q->t[i]);
        if (sc > bs) bs = sc, best = c;
    }
    if (best == (size_t)-1) return SCOUT_OK;
    bool first = false;
    for (size_t i = 0; i < q->n; i++)
        if (qn_tok_is(q, i, "first") || qn_tok_is(q, i, "earliest")) first = true;
    const bcol *bc = &b->bt->cols[best];
    for (size_t i = 0; i < q->n; i++)
        if (qn_open_tok(b, i) && qn_col_word(bc, &q->t[i]) >= 0.5) b->used[i] = B_MEASURE;
    qn_note(&b->why, "the date %s answers 'when'%s", bc->name, NULL);
    fit->has_measure = true;
    *done = true;
    return qn_push_measure(b->s, first ? SCOUT_AGG_MIN : SCOUT_AGG_MAX, bc->name, NULL,
                           SCOUT_OVER_SUM);
}

/* Do only words naming the table itself pick this column? */
static bool names_only_the_table(const binder *b, pick p)
{
    const scout_question *q = b->q;
    bool any = false;
    for (size_t i = 0; i < q->n; i++) {
        if (!qn_open_tok(b, i) && b->used[i] != U_GRAIN) continue;
        double w = p.metric ? qn_met_word(&b->bt->mets[p.idx], &q->t[i])
                            : qn_col_word(&b->bt->cols[p.idx], &q->t[i]);
        if (w < 0.5) continue;
        if (qn_tok_in(&q->t[i], b->bt->names) < 1.0) return false;
        any = true;
    }
    return any;
}

/* Does stem begin a '_'-separated part of the table's own name ("subscript"
 * of subscription_events_daily)? Synonyms are left out: they widen what a
 * table may answer, its name says what it is. */
static bool says_table_name(const btable *bt, const char *stem)
{
    const char *name = qn_jstr(bt->card, "name");
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
    if (!q->how_many || qn_preaggregated(b->bt)) return false;
    for (size_t i = q->how_many; i < q->n && i < q->how_many + 3; i++) {
        if (b->used[i] == B_VALUE || b->used[i] == U_STOP || b->used[i] == U_FILLER) continue;
        return qn_open_tok(b, i) && qn_tok_in(&q->t[i], b->bt->names) >= 1.0;
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
        if (qn_open_tok(b, noun)) b->used[noun] = B_MEASURE;
        qn_note(&b->why, "measure: the amount %s for '%s'", col, q->t[noun].orig);
    } else if (q->how_much) {
        qn_note(&b->why, "measure: the amount %s for 'how much'", col, NULL);
    } else {
        qn_note(&b->missing, "no measure named; using the amount %s", col, NULL);
    }
    fit->has_measure = q->how_much || noun < q->n;
    return qn_push_measure(b->s, agg, col, NULL, SCOUT_OVER_SUM);
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
        !qn_preaggregated(b->bt))
        return;
    fit->has_measure = false;
    qn_note(&b->missing, "'average' asked, but metric %s is a total over %s's summary rows",
            m->name, b->bt->fqname);
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
    if (i >= b->q->n || qn_tok_in(&b->q->t[i], b->bt->names) >= 1.0) return false;
    for (size_t j = 0; j < b->n_nb; j++)
        if (qn_tok_in(&b->q->t[i], b->nb[j].names) >= 1.0) return true;
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
        bool named = qn_in_set(bc->names, q->t[q->dur_at].stem);
        if (!named && q->dur_at + 1 < q->n && b->used[q->dur_at + 1] == U_FREE)
            named = qn_in_set(bc->names, q->t[q->dur_at + 1].stem) &&
                    qn_tok_in(&q->t[q->dur_at], bc->names) > 0;
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
    scout_rc rc = qn_push_measure(b->s, agg, e->name, NULL, SCOUT_OVER_SUM);
    scout_sq_measure *m = &b->s->measures[b->s->n_measures - 1];
    if (rc == SCOUT_OK && !(m->from = qn_dupstr(st->name))) rc = SCOUT_ENOMEM;
    m->unit = q->dur_unit                     ? q->dur_unit
              : date_only(e) && date_only(st) ? SCOUT_DUR_DAY
                                              : SCOUT_DUR_HOUR;
    if (rc == SCOUT_OK) rc = qn_push_filter(b->s, e->name, SCOUT_OP_IS_NOT_NULL, 0);
    for (size_t i = q->dur_at; i < q->n && i < q->dur_at + 2; i++)
        if (i == q->dur_at || qn_in_set(e->names, q->t[i].stem)) b->used[i] = B_COLUMN;
    qn_note(&b->why, "measure: time from %s to %s", st->name, e->name);
    fit->has_measure = *done = rc == SCOUT_OK;
    return rc;
}

static scout_rc bind_measure_columns(binder *b, scout_question_fit *fit, bool *level);

/* ---------- "how many <people> did X": the actors of an act, distinct ---------- */

/* Is word i a verb of something done: a past tense ("opened", "tried") or
 * one of the common irregular ones ("paid", "bought", "used")? */
static bool acts_word(const scout_question *q, size_t i)
{
    static const char *const irregular[] = {
        "used", "paid", "bought", "sold",  "made", "sent", "spent", "gave", "got", "took",
        "saw",  "won",  "lost",   "wrote", "ran",  "did",  "read",  "left", NULL};
    if (i >= q->n || q->t[i].is_num || (q->t[i].used != U_FREE && q->t[i].used != U_STOP))
        return false;
    return qn_past_tense(&q->t[i]) || qn_tok_any(q, i, irregular);
}

/* "How many users used export", "how many distinct customers paid by card":
 * the noun counted when a verb of what they did follows it ("have", "did"
 * may come between). Its token, 0 when the question is not shaped so. */
size_t qn_actor_noun(const scout_question *q)
{
    static const char *const aux[] = {"have", "has", "had", "did", "ever", "actually", NULL};
    if (!q->how_many) return 0;
    size_t i = q->how_many;
    while (i < q->n && q->t[i].used == U_AGG) i++; /* "distinct", "unique" */
    if (i + 1 >= q->n || q->t[i].is_num || q->t[i].used != U_FREE) return 0;
    size_t v = i + 1;
    if (qn_tok_any(q, v, aux)) v++;
    /* "customers who had a failed payment": having one is the act */
    static const char *const possess[] = {"have", "has", "had", NULL};
    if (!acts_word(q, v) && qn_tok_any(q, i + 1, possess) &&
        (qn_tok_is(q, v, "a") || qn_tok_is(q, v, "an") || qn_tok_is(q, v, "any")))
        return i;
    return acts_word(q, v) ? i : 0;
}

/* The id column naming the actor noun: <noun>_id ("customers" →
 * customer_id). "People", "persons", "someone" are the product's users.
 * (size_t)-1 when the table has none. */
static size_t actor_column(const btable *bt, const scout_question *q, size_t noun)
{
    static const char *const people[] = {"people", "person", "persons", "someone", "folks", NULL};
    bool person = qn_tok_any(q, noun, people);
    for (size_t c = 0; c < bt->n_cols; c++) {
        const bcol *bc = &bt->cols[c];
        size_t l = strlen(bc->name);
        /* one word before _id: converted_account_id is not the account */
        if (!bc->is_id || bc->is_time || l < 4 || strcmp(bc->name + l - 3, "_id") != 0 ||
            memchr(bc->name, '_', l - 3))
            continue;
        if (person ? !strcmp(bc->name, "user_id") : qn_tok_in(&q->t[noun], bc->names) >= 1.0)
            return c;
    }
    return (size_t)-1;
}

/* Before values are read: the actor noun of a table that records acts by
 * an id of it (feature events by user_id) is that id, not a value
 * ("accounts" is no ticket category here). A table whose own rows are the
 * noun (users, accounts) counts its rows as before. */
void qn_find_actor(binder *b)
{
    size_t noun = qn_actor_noun(b->q);
    if (!noun || qn_tok_in(&b->q->t[noun], b->bt->names) >= 1.0) return;
    size_t c = actor_column(b->bt, b->q, noun);
    if (c == (size_t)-1 || qn_keys_rows(b->bt, c)) return; /* one row per user: the users */
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
        if (!qn_open_tok(b, i) && q->t[i].used != U_STOP) continue;
        if (qn_tok_in(&q->t[i], b->bt->names) >= 1.0) return true;
        if (q->t[i].used == U_STOP || i > b->actor_at + 2) continue;
        for (size_t c = 0; c < b->bt->n_cols; c++)
            if (c + 1 != b->actor && qn_tok_in(&q->t[i], b->bt->cols[c].names) >= 1.0) return true;
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
    qn_note(&b->why, "counting distinct %s, each one who '%s' once", bc->name,
            b->q->t[b->actor_at + 1].orig);
    fit->has_measure = true;
    fit->counts_actors = true;
    /* the verb is the act this table records: placed, not a miss */
    for (size_t i = b->actor_at + 1; i <= b->actor_at + 2 && i < b->q->n; i++)
        if (qn_open_tok(b, i) && acts_word(b->q, i)) b->used[i] = B_MEASURE;
    *done = true;
    return qn_push_measure(b->s, SCOUT_AGG_COUNT_DISTINCT, bc->name, NULL, SCOUT_OVER_SUM);
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
    if (!q->timed_at || !qn_open_tok(b, x) || !qn_open_tok(b, q->timed_at)) return (size_t)-1;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        if (!bc->numeric || bc->is_id || !duration_suffix(bc->name)) continue;
        size_t n = strlen(q->t[x].w);
        if (!strncmp(bc->name, q->t[x].w, n) && bc->name[n] == '_' && duration_suffix(bc->name + n))
            return c;
        if (loose == (size_t)-1 && qn_in_set(bc->names, q->t[x].stem)) loose = c;
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
    scout_rc rc = qn_push_measure(b->s, b->q->speed > 0 ? SCOUT_AGG_MAX : SCOUT_AGG_MIN,
                                  b->bt->cols[c].name, NULL, SCOUT_OVER_SUM);
    qn_note(&b->why, "ranked by %s, how long each took%s", b->bt->cols[c].name, "");
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
    scout_rc rc = qn_push_measure(b->s, agg, b->bt->cols[c].name, NULL, SCOUT_OVER_SUM);
    b->used[q->timed_at - 1] = b->used[q->timed_at] = B_COLUMN;
    qn_note(&b->why, "measure: %s, the '%s time'", b->bt->cols[c].name, q->t[q->timed_at - 1].w);
    fit->has_measure = *done = rc == SCOUT_OK;
    return rc;
}

/* The measure: a duration when one is asked and the table has its two
 * times; else a column, a metric or a count. A table that cannot time the
 * asked duration measures something else, so it has no measure for it. */
scout_rc qn_bind_measures(binder *b, scout_question_fit *fit, bool *level)
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
        qn_note(&b->missing, "'%s' are the rows of a joined table, not of this one",
                b->q->t[counted_noun(b)].w, NULL);
        fit->has_measure = false;
    }
    if (b->q->dur_at) {
        qn_note(&b->missing, "no two time columns to measure the time to '%s'",
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
    const char *table = qn_jstr(bt->card, "name");
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
    bool named = qn_phrase_said(b, b->bt->phrases);
    for (size_t i = 0; i < b->q->n && !named; i++)
        named = qn_open_tok(b, i) && says_table_name(b->bt, b->q->t[i].stem);
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
        qn_note(&b->why, "counting rows%s%s", "", NULL);
        fit->has_measure = true;
        fit->rows_are_entity = true;
        return qn_push_measure(b->s, SCOUT_AGG_COUNT, NULL, NULL, SCOUT_OVER_SUM);
    }
    size_t acro = acronym_measure(b);
    pick p = qn_best_measure(b, distinct, NULL);
    if (acro != (size_t)-1 && p.score < 1.0) p = (pick){false, acro, 1.0};
    bool count = q->agg_set && q->agg == SCOUT_AGG_COUNT;
    /* "how many invoices": counting rows, unless a column is named for it. */
    double need = count ? 0.85 : 0.25;
    scout_rc rc;
    /* "total open pipeline" on open_pipeline_by_region: the words name the
     * table, whose one amount is what it is about. A column the question
     * names in full ("customers" on customer_cohorts) is still the measure. */
    if (!count && !distinct && !p.metric && p.score > 0 && names_only_the_table(b, p) &&
        qn_unmatched_names(b, b->bt->cols[p.idx].names, NULL) > 0 &&
        only_money_column(b->bt) != (size_t)-1 && !qn_money_col(&b->bt->cols[p.idx])) {
        size_t money = only_money_column(b->bt);
        qn_claim_measure(b, p);
        qn_note(&b->why, "measure: %s, the amount of what the table is named for%s",
                b->bt->cols[money].name, NULL);
        fit->has_measure = true;
        scout_agg agg = q->agg_set && q->agg != SCOUT_AGG_COUNT ? q->agg : SCOUT_AGG_SUM;
        return qn_push_measure(s, agg, b->bt->cols[money].name, NULL, SCOUT_OVER_SUM);
    }
    bool amount = q->how_much && only_money_column(b->bt) != (size_t)-1;
    /* "How much is outstanding on invoices older than 60 days": the column
     * the number is compared with (days_outstanding) is the condition; the
     * amount asked for is the money column */
    if (amount && !p.metric && p.score > 0 && !qn_money_col(&b->bt->cols[p.idx]))
        for (size_t f = 0; f < b->s->n_filters; f++)
            if (!b->s->filters[f].ref.table &&
                !strcmp(b->s->filters[f].ref.column, b->bt->cols[p.idx].name))
                p.score = 0;
    if (p.score < need && !count && !distinct && !amount) {
        pick t = table_named_measure(b);
        if (t.score > 0) p = t, p.score = need;
    }
    if (p.score < need && !distinct && !amount && qn_preaggregated(b->bt) &&
        count_column(b) != (size_t)-1) {
        /* the count answers "how many X" when X or the table's name names
         * it (refunds_monthly.refunds, subscription_events_daily.events),
         * not when it counts something else (revenue_daily.customers) */
        const bcol *cc = &b->bt->cols[count_column(b)];
        bool named = qn_shared_words(cc->names, b->bt->names) > 0;
        for (size_t i = 0; i < q->n && !named; i++)
            if (qn_open_tok(b, i) && qn_tok_in(&q->t[i], cc->names) >= 0.5) named = true;
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
            qn_note(&b->why, "counting rows%s%s", "", NULL);
            fit->has_measure = true;
            return qn_push_measure(s, SCOUT_AGG_COUNT, NULL, NULL, SCOUT_OVER_SUM);
        }
        size_t money = only_money_column(b->bt);
        if (b->bt->n_mets == 1 && !qn_metric_overruled(b, &b->bt->mets[0])) {
            p = (pick){true, 0, 0.1};
        } else if (money != (size_t)-1 && (q->agg_set || q->rank || money_asked(b) < q->n)) {
            return push_money_measure(b, fit, money);
        } else if (rows_are_subject(b)) {
            /* "Accounts with at least 3 open opportunities": the rows the
             * question is about, counted */
            qn_note(&b->why, "counting the rows the question names%s%s", "", NULL);
            fit->has_measure = true;
            return qn_push_measure(s, SCOUT_AGG_COUNT, NULL, NULL, SCOUT_OVER_SUM);
        } else {
            qn_note(&b->missing, "no measure matches the question%s%s", "", NULL);
            fit->has_measure = false;
            return qn_push_measure(s, SCOUT_AGG_COUNT, NULL, NULL, SCOUT_OVER_SUM);
        }
    }
    fit->has_measure = p.score >= need;
    /* a rolled-up copy of a metric's column counts as the metric when the
     * question names the metric in full ("open pipeline", not just "open") */
    fit->by_metric =
        fit->has_measure && (p.metric || (b->bt->cols[p.idx].from_metric &&
                                          qn_phrase_said_by(b, b->bt->cols[p.idx].phrases, true)));
    fit->metric_copy = fit->by_metric && !p.metric;
    bool taken[512] = {false};
    for (int k = 0; k < MAX_MEASURES; k++) {
        qn_claim_measure(b, p);
        if (p.metric) {
            rc =
                qn_push_measure(s, SCOUT_AGG_METRIC, NULL, b->bt->mets[p.idx].name, SCOUT_OVER_SUM);
            qn_note(&b->why, "measure: metric %s%s", b->bt->mets[p.idx].name, NULL);
            average_of_a_total(b, fit, &b->bt->mets[p.idx]);
            if (p.idx + b->bt->n_cols < 512) taken[b->bt->n_cols + p.idx] = true;
        } else {
            const bcol *bc = &b->bt->cols[p.idx];
            scout_agg agg = SCOUT_AGG_SUM;
            int nature = qn_measure_nature(bc);
            if (q->agg_set && q->agg != SCOUT_AGG_COUNT && q->agg != SCOUT_AGG_SUM)
                agg = q->agg;
            else if (nature == 2)
                agg = SCOUT_AGG_AVG;
            if (distinct) agg = SCOUT_AGG_COUNT_DISTINCT;
            if (nature == 1 && agg == SCOUT_AGG_SUM) *level = true;
            rc = qn_push_measure(s, agg, bc->name, NULL, SCOUT_OVER_SUM);
            qn_note(&b->why, "measure: %s of %s", scout_semantic_agg_name(agg), bc->name);
            if (p.idx < 512) taken[p.idx] = true;
        }
        if (rc != SCOUT_OK) return rc;
        /* A second measure only when the question lists several ("gross vs
         * net revenue") and open words name another candidate. */
        bool listing = false;
        for (size_t i = 0; i < q->n; i++)
            if (qn_tok_is(q, i, "vs") || qn_tok_is(q, i, "versus") || qn_tok_is(q, i, "and"))
                listing = true;
        if (!listing) break;
        p = qn_best_measure(b, false, taken);
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
bool qn_month_text(const bcol *c)
{
    return c->max && qn_period_label(c->max) == 7;
}

/* "the May 2026 signup cohort, each month after": one period of the named
 * month column, and a series over the table's other month column. */
static const char *series_col(const binder *b, const char *start, const char *end)
{
    const char *col = b->bt->time_col;
    if (b->bt->period_text != 7 || !start[0] || !end[0] || strncmp(start, end, 7) != 0) return col;
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (strcmp(b->bt->cols[c].name, col) != 0 && qn_month_text(&b->bt->cols[c]))
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
        if (!(s->time.column = qn_dupstr(col)) || !(s->time.start = qn_dupstr(start)) ||
            !(s->time.end = qn_dupstr(end)))
            return SCOUT_ENOMEM;
        if (label[0] && !(s->time.label = qn_dupstr(label))) return SCOUT_ENOMEM;
    } else if (end[0]) {
        /* "now" on a monthly table: its latest period */
        scout_rc rc = qn_push_filter(s, col, SCOUT_OP_EQ, 1);
        if (rc != SCOUT_OK) return rc;
        scout_sq_filter *f = &s->filters[s->n_filters - 1];
        f->values[0].kind = SCOUT_VAL_KIND_STRING;
        if (!(f->values[0].s = qn_dupstr(b->bt->freshness))) return SCOUT_ENOMEM;
    }
    if (grain || b->q->over_time) {
        scout_rc rc = qn_push_dim(s, series_col(b, start, end));
        if (rc != SCOUT_OK) return rc;
    }
    qn_note(&b->why, "period on %s%s", col, NULL);
    if (label[0]) {
        char a[400];
        snprintf(a, sizeof a, "%s (relative to the latest period in %s, %s)", label, b->bt->fqname,
                 b->bt->freshness);
        if (qn_push_assumption(s, a) != SCOUT_OK) return SCOUT_ENOMEM;
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
            qn_copy_word(out, d, 10), out[10] = 0;
    }
    sqlite3_finalize(st);
}

void qn_choose_time_col(binder *b)
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
        qn_copy_word(b->bt->latest, use, 10);
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
    int k = qn_outcome_at(q, i);
    if (k >= 0 && qn_in_set(bc->names, qn_outcome_event(k))) return true;
    return qn_in_set(bc->names, q->t[i].stem) && strcmp(q->t[i].stem, "day") != 0 &&
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
    if (qn_preaggregated(b->bt)) return;
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
scout_rc qn_set_over_time(binder *b)
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
        if (!(m->as = qn_dupstr(as))) return SCOUT_ENOMEM;
    }
    if (ot != SCOUT_OVER_CHANGE) return SCOUT_OK;
    char a[300];
    snprintf(a, sizeof a,
             "added = the level on the latest day of the period minus the level on its first "
             "day (%s)",
             s->time.start);
    return qn_push_assumption(s, a);
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

scout_rc qn_bind_time(binder *b, scout_question_fit *fit, bool level, scout_grain grain)
{
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    bool want = q->has_time || grain || q->over_time || level;
    if (!want) return SCOUT_OK;
    if (!b->bt->time_col || !b->bt->time_col[0]) {
        /* a launch period's words were read as words here instead */
        bool launch_only = q->launch.kind != SCOUT_LAUNCH_NONE && !grain;
        if ((q->has_time || grain) && !launch_only)
            qn_note(&b->missing, "no time column for the period%s%s", "", NULL);
        return SCOUT_OK;
    }
    char start[11] = "", end[11] = "", label[160] = "";
    scout_timeexpr te = q->time;
    if (!q->has_time && level)
        te.kind = SCOUT_TX_NOW; /* a level with no period: its latest value */
    if (te.kind != SCOUT_TX_NONE &&
        !scout_timeexpr_resolve(&te, b->bt->latest, start, end, label, sizeof label)) {
        qn_note(&b->missing, "the table has no latest date to place the period%s%s", "", NULL);
        return SCOUT_OK;
    }
    if (q->time_name[0] && label[0]) { /* "since the Lighthouse launch = 2026-06-02..…" */
        char said[160];
        const char *eq = strstr(label, " = ");
        snprintf(said, sizeof said, "%s%s", q->time_name, eq ? eq : "");
        scout_strlcpy(label, said, sizeof label);
        if (q->launch_note && qn_push_assumption(s, q->launch_note) != SCOUT_OK)
            return SCOUT_ENOMEM;
    }
    if (b->bt->period_text) return bind_text_period(b, fit, start, end, label, grain);
    s->has_time = true;
    if (!(s->time.column = qn_dupstr(b->bt->time_col))) return SCOUT_ENOMEM;
    if (te.kind == SCOUT_TX_NOW) {
        /* compared, "now" is the latest day itself, so the other side is
         * the same day a year (or a period) earlier */
        if (now_compared(q) && !(s->time.start = qn_dupstr(end))) return SCOUT_ENOMEM;
        if (!(s->time.end = qn_dupstr(end))) return SCOUT_ENOMEM;
        snprintf(label, sizeof label, "now = %s, the latest date in the data", end);
    } else if (start[0]) {
        if (!(s->time.start = qn_dupstr(start)) || !(s->time.end = qn_dupstr(end)))
            return SCOUT_ENOMEM;
    }
    if (label[0] && !(s->time.label = qn_dupstr(label))) return SCOUT_ENOMEM;
    if (!grain && q->over_time) grain = auto_grain(start, end);
    s->time.grain = grain;
    fit->has_time = true;
    if (cuts_weeks(b, start, end, grain)) {
        fit->has_time = false;
        qn_note(&b->missing, "the table holds whole weeks; %s cuts weeks", label, NULL);
    }
    qn_note(&b->why, "time %s%s", b->bt->time_col, NULL);
    if (label[0]) {
        char a[400];
        snprintf(a, sizeof a, "%s (relative to the latest date in %s, %s)", label, b->bt->fqname,
                 b->bt->latest);
        if (qn_push_assumption(s, a) != SCOUT_OK) return SCOUT_ENOMEM;
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
    char *c = qn_dupstr(col), *p = per ? qn_dupstr(per) : NULL;
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

size_t qn_col_index(const btable *bt, const char *name)
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
    if (!g[0]) return qn_preaggregated(b->bt) && implied_grain_covered(b);
    for (const char *p = g; *p;) {
        p += strspn(p, " ,;");
        if (!strncmp(p, "unique:", 7)) {
            p += 7;
            continue;
        }
        size_t n = strcspn(p, " ,;");
        if (!n) break;
        char col[WORD_MAX];
        qn_copy_word(col, p, n);
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
        if (c == num || !qn_count_like(&bt->cols[c]) || qn_measure_nature(&bt->cols[c]) == 1)
            continue;
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
        if (q->t[i].used != U_TIME && qn_tok_any(q, i, words)) return true;
    return false;
}

/* A rate over several rows is the ratio of its parts' sums (failures /
 * attempts, errors / requests, converted / trials), not an average of
 * stored rates; one row per group keeps the stored rate as it is. */
scout_rc qn_bind_rate(binder *b)
{
    scout_sq_measure *m = &b->s->measures[0];
    if (b->s->n_measures != 1 || !m->ref.column || m->agg == SCOUT_AGG_METRIC) return SCOUT_OK;
    size_t chosen = qn_col_index(b->bt, m->ref.column), stored = (size_t)-1;
    if (chosen == (size_t)-1) return SCOUT_OK;
    bool picked_rate = rate_name(m->ref.column);
    if (!picked_rate && !rate_said(b->q)) return SCOUT_OK;
    if (picked_rate) stored = chosen;
    for (size_t c = 0; c < b->bt->n_cols && stored == (size_t)-1; c++)
        if (b->bt->cols[c].numeric && rate_name(b->bt->cols[c].name)) stored = c;
    size_t num = picked_rate ? (size_t)-1 : chosen;
    if (num != (size_t)-1 &&
        (!qn_count_like(&b->bt->cols[num]) || rate_base(b->bt, num) == (size_t)-1))
        num = (size_t)-1; /* the chosen is the base itself ("share of trials") */
    for (size_t c = 0; c < b->bt->n_cols && num == (size_t)-1 && stored != (size_t)-1; c++)
        if (qn_count_like(&b->bt->cols[c]) &&
            share_prefix(b->bt->cols[stored].name, b->bt->cols[c].name))
            num = c;
    size_t den = num != (size_t)-1 ? rate_base(b->bt, num) : (size_t)-1;
    if (stored != (size_t)-1 && (grain_covered(b) || den == (size_t)-1)) {
        if (chosen == stored && m->agg == SCOUT_AGG_AVG) return SCOUT_OK;
        return retarget(b, m, SCOUT_AGG_AVG, b->bt->cols[stored].name, NULL);
    }
    if (den == (size_t)-1) return SCOUT_OK;
    qn_note(&b->why, "rate as sum(%s) / sum(%s)", b->bt->cols[num].name, b->bt->cols[den].name);
    return retarget(b, m, SCOUT_AGG_RATIO, b->bt->cols[num].name, b->bt->cols[den].name);
}

/* "average daily revenue last month": the flow summed per day, then those
 * daily totals averaged over the period (an average of rows would weigh
 * each region's row, not each day). Rates and levels keep their reading. */
scout_rc qn_set_point_average(binder *b, bool level)
{
    scout_semantic *s = b->s;
    if (!b->q->point_avg || level || !s->has_time || !s->time.start || s->time.holds)
        return SCOUT_OK;
    for (size_t i = 0; i < s->n_measures; i++) {
        const scout_sq_measure *m = &s->measures[i];
        if (m->agg == SCOUT_AGG_METRIC) continue;
        size_t c = m->ref.column && !m->ref.table ? qn_col_index(b->bt, m->ref.column) : (size_t)-1;
        if (m->agg != SCOUT_AGG_AVG || c == (size_t)-1 || qn_measure_nature(&b->bt->cols[c]) != 0)
            return SCOUT_OK;
    }
    for (size_t i = 0; i < s->n_measures; i++) {
        scout_sq_measure *m = &s->measures[i];
        if (m->agg == SCOUT_AGG_AVG) {
            m->agg = SCOUT_AGG_SUM;
            char as[SCOUT_SEMANTIC_IDENT_MAX];
            snprintf(as, sizeof as, "avg_daily_%.200s", m->ref.column);
            if (!m->as && !(m->as = qn_dupstr(as))) return SCOUT_ENOMEM;
        }
        m->over_time = SCOUT_OVER_AVG;
    }
    return qn_push_assumption(s, "average daily = the total of each day, averaged over the "
                                 "days of the period that have data");
}
/* Does the query hold a comparison with a number ("> 200")? */
bool qn_has_threshold(const scout_semantic *s)
{
    for (size_t i = 0; i < s->n_filters; i++)
        if (s->filters[i].op >= SCOUT_OP_GT && s->filters[i].op <= SCOUT_OP_BETWEEN) return true;
    return false;
}

bool qn_filters_column(const scout_semantic *s, const char *col)
{
    for (size_t i = 0; col && i < s->n_filters; i++)
        if (!s->filters[i].ref.table && !strcmp(s->filters[i].ref.column, col)) return true;
    return false;
}
