/* bind.c — binding a question to one table (see question.h, question_int.h):
 * loading the table as the parser sees it (its card's columns, metrics,
 * synonyms and lineage), then matching the words analysis left open against
 * it — values, codenames, dimensions, flags, listings, lookups, comparisons,
 * order and default filters — and assembling the semantic query in
 * scout_question_bind. Measures, thresholds, time and rates are in
 * bind_measure.c. */
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

/* ---- binding: the table as the parser sees it ---- */

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

bool qn_in_set(const char *set, const char *stem)
{
    if (!stem[0] || !set[0]) return false;
    size_t n = strlen(stem);
    for (const char *p = strstr(set, stem); p; p = strstr(p + 1, stem))
        if (p[-1] == ' ' && p[n] == ' ') return true;
    return false;
}

/* How well one question word names a set: its stem, else a related stem. */
double qn_tok_in(const qtok *t, const char *set)
{
    if (qn_in_set(set, t->stem)) return 1.0;
    double best = 0;
    for (int i = 0; i < t->n_rel; i++)
        if (qn_in_set(set, t->rel[i]) && t->relw[i] * 0.7 > best) best = t->relw[i] * 0.7;
    return best;
}

double qn_col_word(const bcol *c, const qtok *t)
{
    double s = qn_tok_in(t, c->names);
    double y = qn_tok_in(t, c->syns) * 0.9;
    double m = qn_tok_in(t, c->mods) * 0.1; /* a qualifier alone: a hint, never a binding */
    if (m > y) y = m;
    double d = qn_tok_in(t, c->desc) * 0.1;
    return s > y ? (s > d ? s : d) : (y > d ? y : d);
}

double qn_met_word(const bmetric *m, const qtok *t)
{
    double s = qn_tok_in(t, m->names);
    double y = qn_tok_in(t, m->syns) * 0.9;
    double d = qn_tok_in(t, m->desc) * 0.1;
    return s > y ? (s > d ? s : d) : (y > d ? y : d);
}

static bool numeric_type(const char *type)
{
    static const char *const kinds[] = {"int",   "real",    "num",   "double",
                                        "float", "decimal", "money", NULL};
    char low[32];
    qn_fold(type, strlen(type) < 31 ? strlen(type) : 31, low);
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
    qn_fold(type, strlen(type) < 31 ? strlen(type) : 31, low);
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

const char *qn_jstr(json_t *o, const char *k)
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
    bt->fqname = qn_jstr(bt->card, "fqname");
    bt->freshness = qn_jstr(bt->card, "freshness");
    bt->time_col = qn_jstr(bt->card, "freshness_column");
    bt->trust = qn_jstr(bt->card, "trust");
    bt->grain = qn_jstr(bt->card, "grain");
    json_t *cols = json_object_get(bt->card, "columns");
    json_t *mets = json_object_get(bt->card, "metrics");
    bt->cols = calloc(json_array_size(cols) + 1, sizeof *bt->cols);
    bt->mets = calloc(json_array_size(mets) + 1, sizeof *bt->mets);
    if (!bt->cols || !bt->mets) {
        scout_text_free(tx);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory binding the question");
    }
    char tmp[512];
    split_ident(tmp, qn_jstr(bt->card, "name"), sizeof tmp);
    add_text(tx, bt->names, tmp);
    add_text(tx, bt->subject, tmp);
    load_synonyms(cat, tx, "table", fqname, bt->names, bt->phrases);
    for (const char *p = bt->phrases; *p == '|' && p[1];) {
        const char *e = strchr(p + 1, '|');
        if (!e) break;
        const char *w = e;
        while (w > p + 1 && w[-1] != ' ') w--;
        char head[WORD_MAX];
        qn_copy_word(head, w, (size_t)(e - w));
        size_t n = strlen(head), have = strlen(bt->subject);
        if (n && !qn_in_set(bt->subject, head) && have + n + 3 < SET_MAX) {
            if (!have) bt->subject[have++] = ' ';
            memcpy(bt->subject + have, head, n);
            bt->subject[have + n] = ' ';
            bt->subject[have + n + 1] = 0;
        }
        p = e;
    }
    desc_head(tmp, qn_jstr(bt->card, "description"), sizeof tmp);
    add_text(tx, bt->desc, tmp);
    size_t i;
    json_t *c;
    json_array_foreach(cols, i, c)
    {
        bcol *bc = &bt->cols[bt->n_cols++];
        bc->name = qn_jstr(c, "name");
        bc->type = qn_jstr(c, "type");
        bc->max = qn_jstr(c, "max");
        bc->null_rate = json_number_value(json_object_get(c, "null_rate"));
        size_t nl = strlen(bc->name);
        bc->is_id = !strcmp(bc->name, "id") || (nl > 3 && !strcmp(bc->name + nl - 3, "_id"));
        bc->numeric = numeric_type(bc->type) || (!bc->type[0] && numeric_text(qn_jstr(c, "min")) &&
                                                 numeric_text(qn_jstr(c, "max")));
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
        add_text(tx, bc->desc, qn_jstr(c, "description"));
        bc->top = json_object_get(c, "top_values");
    }
    if (base) load_metric_lineage(cat, tx, fqname, bt->cols, bt->n_cols);
    json_array_foreach(mets, i, c)
    {
        bmetric *m = &bt->mets[bt->n_mets++];
        m->name = qn_jstr(c, "name");
        m->time_col = qn_jstr(c, "time_column");
        const char *ex = qn_jstr(c, "expression");
        m->money = ex && !strncmp(ex, "sum(", 4) && (strstr(ex, "_usd") || strstr(ex, "amount"));
        split_ident(tmp, m->name, sizeof tmp);
        add_text(tx, m->names, tmp);
        add_text(tx, m->desc, qn_jstr(c, "description"));
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
        qn_copy_word(bt->latest, f, 10), bt->latest[10] = 0;
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
int qn_period_label(const char *s)
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
        int kind = qn_period_label(bc->max);
        if (!kind || qn_period_label(qn_jstr(col, "min")) != kind) continue;
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

bool qn_open_tok(const binder *b, size_t i)
{
    return b->used[i] == U_FREE || b->used[i] == U_DIM;
}

void qn_note(scout_buf *buf, const char *fmt, const char *a, const char *c)
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
        while (p < vl && !qn_word_byte((unsigned char)value[p])) p++;
        if (p >= vl) break;
        size_t e = p;
        while (e < vl && qn_word_byte((unsigned char)value[e])) e++;
        char w[WORD_MAX];
        qn_fold(value + p, e - p, w);
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
    if (n_words > 1 && i < q->n && (qn_open_tok(b, i) || b->used[i] == U_STOP) &&
        !strcmp(q->t[i].w, joined))
        return 1;
    size_t p = 0;
    while (p < vl) {
        while (p < vl && !qn_word_byte((unsigned char)value[p])) p++;
        if (p >= vl) break;
        size_t e = p;
        while (e < vl && qn_word_byte((unsigned char)value[e])) e++;
        if (k >= q->n || (!qn_open_tok(b, k) && b->used[k] != U_STOP && b->used[k] != U_FILLER &&
                          b->used[k] != U_AGG))
            return 0;
        char w[WORD_MAX];
        qn_fold(value + p, e - p, w);
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
        if (qn_col_word(&b->bt->cols[c], t) >= 0.5) return true;
    for (size_t m = 0; m < b->bt->n_mets; m++)
        if (qn_met_word(&b->bt->mets[m], t) >= 0.5) return true;
    return qn_tok_in(t, b->bt->names) >= 0.5;
}

/* Does the word name a column of the base table by its own name? */
static bool names_base_column(const binder *b, const qtok *t)
{
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (qn_tok_in(t, b->bt->cols[c].names) >= 1.0) return true;
    return false;
}

static void find_values_in(binder *b, const btable *bt)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i < q->n && b->n_vals < MAX_VALS; i++) {
        if (q->t[i].is_num) continue;
        /* a joined table's values only for words the base table leaves over */
        if (bt != b->bt && (!qn_open_tok(b, i) || names_base(b, &q->t[i]))) continue;
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
                bool better =
                    len > best_len || (len && len == best_len && best_val &&
                                       qn_tok_in(&q->t[i > 0 ? i - 1 : i], bc->names) > 0);
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
        if (m->from == 0 || m->to >= q->n || !qn_open_tok(b, m->to) || q->t[m->to].is_num) continue;
        if (qn_tok_is(q, m->from - 1, "among") || qn_tok_is(q, m->from - 1, "for"))
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

/* Name words of a candidate the question does not say ("net" in
 * net_revenue when it asks for "gross revenue"), minus unit suffixes. */
double qn_unmatched_names(const binder *b, const char *names, const char *implied)
{
    double n = 0;
    const char *p = names;
    while (*p) {
        while (*p == ' ') p++;
        const char *e = strchr(p, ' ');
        if (!e || e == p) break;
        char w[WORD_MAX];
        qn_copy_word(w, p, (size_t)(e - p));
        /* units, and for a column the table's own words ("subscribers"
         * of plus_subscribers_daily), go without saying */
        bool said = !strcmp(w, "usd") || !strcmp(w, "ms") || !strcmp(w, "count") ||
                    !strcmp(w, "total") || (implied && qn_in_set(implied, w));
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

/* Is one of the synonym phrases said in full by the question's open words? */
bool qn_phrase_said(const binder *b, const char *phrases)
{
    return qn_phrase_said_by(b, phrases, false);
}

typedef bool (*tok_ok_fn)(const binder *b, size_t i);

/* Which question words may say a phrase's word: open ones (and a grain or
 * the measure they already named), any word at all, or open ones and
 * fillers. */
static bool tok_open(const binder *b, size_t i)
{
    return qn_open_tok(b, i) || b->used[i] == U_GRAIN || b->used[i] == B_MEASURE;
}

static bool tok_every(const binder *b, size_t i)
{
    (void)b, (void)i;
    return true;
}

static bool tok_open_or_filler(const binder *b, size_t i)
{
    return qn_open_tok(b, i) || b->used[i] == U_FILLER;
}

/* Is one of the phrases ("|stem stem|stem|") said in full by words ok
 * accepts? several: only phrases of more than one word count. */
static bool phrases_said(const binder *b, const char *phrases, tok_ok_fn ok, bool several)
{
    for (const char *p = phrases; *p == '|' && p[1];) {
        const char *e = strchr(p + 1, '|');
        if (!e) break;
        bool all = !several || memchr(p + 1, ' ', (size_t)(e - p - 1)) != NULL;
        for (const char *w = p + 1; all && w < e;) {
            const char *we = w;
            while (we < e && *we != ' ') we++;
            char stem[WORD_MAX];
            qn_copy_word(stem, w, (size_t)(we - w));
            bool found = false;
            for (size_t i = 0; i < b->q->n && !found; i++)
                found = ok(b, i) && said_as(&b->q->t[i], stem);
            all = found;
            w = we < e ? we + 1 : e;
        }
        if (all) return true;
        p = e;
    }
    return false;
}

/* any_word: whatever claimed the words ("open deals" names the metric even
 * when "open" also became the is_open filter). */
bool qn_phrase_said_by(const binder *b, const char *phrases, bool any_word)
{
    return phrases_said(b, phrases, any_word ? tok_every : tok_open, false);
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
double qn_own_word(const binder *b, size_t i)
{
    const scout_question *q = b->q;
    if ((i > 0 && qn_tok_is(q, i - 1, "including")) || qn_tok_is(q, i + 1, "included")) return 0.2;
    return qn_tok_in(&q->t[i], b->bt->names) >= 1.0 ? 0.5 : 1.0;
}

/* "How much did refunds take off revenue": the subject of a "how much
 * did/do/does" question is what is measured when it names the candidate;
 * the nouns later in the sentence are what it acts on. */
static bool subject_names(const binder *b, const char *names)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i + 3 < q->n; i++) {
        if (!qn_tok_is(q, i, "how") || !qn_tok_is(q, i + 1, "much") ||
            !(qn_tok_is(q, i + 2, "did") || qn_tok_is(q, i + 2, "do") ||
              qn_tok_is(q, i + 2, "does")))
            continue;
        const qtok *t = &q->t[i + 3];
        return qn_open_tok(b, i + 3) && qn_in_set(names, t->stem);
    }
    return false;
}

/* Scores every measure candidate against the open words; the best wins,
 * curated metrics first on a tie. */
/* A metric defined on rows the question already chose otherwise: its
 * curated filter names a column the question filters ("open pipeline" is
 * is_closed = 0; "deals closed in October" set is_closed = 1). */
bool qn_metric_overruled(const binder *b, const bmetric *m)
{
    for (size_t f = 0; f < b->s->n_filters && m->filters[0]; f++) {
        const char *col = b->s->filters[f].ref.column;
        size_t l = strlen(col);
        for (const char *p = strstr(m->filters, col); p; p = strstr(p + 1, col))
            if ((p == m->filters || !qn_word_byte((unsigned char)p[-1])) &&
                !qn_word_byte((unsigned char)p[l]))
                return true;
    }
    return false;
}

/* Is a synonym of several words said in full by words still open or read
 * only as fillers ("invoice amount": "amount" alone is a filler)? Words
 * another measure or a value took do not count. */
static bool compound_said(const binder *b, const char *phrases)
{
    return phrases_said(b, phrases, tok_open_or_filler, true);
}

pick qn_best_measure(binder *b, bool ids_too, const bool *taken)
{
    pick best = {false, 0, 0};
    const scout_question *q = b->q;
    bool count = q->agg_set && q->agg == SCOUT_AGG_COUNT;
    for (size_t m = 0; m < b->bt->n_mets; m++) {
        if (taken && taken[b->bt->n_cols + m]) continue;
        if (count && b->bt->mets[m].money) continue; /* "how many refunds" counts them */
        if (qn_metric_overruled(b, &b->bt->mets[m])) continue;
        double s = 0, syn = 0;
        for (size_t i = 0; i < q->n; i++)
            if (qn_open_tok(b, i) || b->used[i] == U_GRAIN)
                s += qn_met_word(&b->bt->mets[m], &q->t[i]);
        if (qn_phrase_said(b, b->bt->mets[m].phrases)) syn = 0.1;
        if (s > 0) s += 0.15 + syn - 0.2 * qn_unmatched_names(b, b->bt->mets[m].names, NULL);
        if (s > 0 && subject_names(b, b->bt->mets[m].names)) s += 10;
        if (s > best.score) best = (pick){true, m, s};
    }
    bool money = false;
    for (size_t c = 0; c < b->bt->n_cols; c++)
        if (b->bt->cols[c].numeric && !b->bt->cols[c].is_id && qn_money_col(&b->bt->cols[c]))
            money = true;
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const bcol *bc = &b->bt->cols[c];
        if ((taken && taken[c]) || bc->is_time || (!bc->numeric && !ids_too) ||
            (bc->is_id && !ids_too) || flag_word(bc))
            continue;
        /* "how many refunds" counts them; refunds_usd is how much they were */
        if (count && bc->numeric && qn_money_col(bc)) continue;
        /* and "how much open pipeline" is an amount where the table has one,
         * not its count of open opportunities */
        if (q->how_much && money && qn_count_like(bc)) continue;
        double s = 0, syn = 0;
        for (size_t i = 0; i < q->n; i++)
            if (qn_open_tok(b, i) || b->used[i] == U_GRAIN)
                s += qn_col_word(bc, &q->t[i]) * qn_own_word(b, i);
        if (qn_phrase_said(b, bc->phrases)) syn = 0.1;
        /* "invoice amount" said in full names gross_usd, even though
         * "amount" alone is a filler and "invoice" only qualifies it */
        if (s < 1.0 && compound_said(b, bc->phrases)) s = 1.0;
        if (s > 0) s += syn - 0.2 * qn_unmatched_names(b, bc->names, b->bt->names);
        if (s > 0 && subject_names(b, bc->names)) s += 10; /* the subject decides */
        if (s > best.score + 1e-9) best = (pick){false, c, s};
    }
    return best;
}

void qn_claim_measure(binder *b, pick p)
{
    const scout_question *q = b->q;
    for (size_t i = 0; i < q->n; i++) {
        if (!qn_open_tok(b, i) && b->used[i] != U_GRAIN) continue;
        double s = p.metric ? qn_met_word(&b->bt->mets[p.idx], &q->t[i])
                            : qn_col_word(&b->bt->cols[p.idx], &q->t[i]);
        if (s >= 0.5) b->used[i] = b->used[i] == U_GRAIN ? U_GRAIN + 100 : B_MEASURE;
    }
}

/* A level (stock) is measured at a point in time: summing a daily
 * subscriber count over a month is meaningless, so periods take its last
 * value. Rates and percentiles average instead. */
int qn_measure_nature(const bcol *c)
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

scout_rc qn_push_measure(scout_semantic *s, scout_agg agg, const char *col, const char *metric,
                         scout_over_time ot)
{
    scout_sq_measure *m = realloc(s->measures, (s->n_measures + 1) * sizeof *m);
    if (!m) return SCOUT_ENOMEM;
    s->measures = m;
    m = &s->measures[s->n_measures++];
    memset(m, 0, sizeof *m);
    m->agg = agg;
    m->over_time = ot;
    if (col && !(m->ref.column = qn_dupstr(col))) return SCOUT_ENOMEM;
    if (metric && !(m->metric = qn_dupstr(metric))) return SCOUT_ENOMEM;
    return SCOUT_OK;
}

scout_rc qn_push_dim(scout_semantic *s, const char *col)
{
    for (size_t i = 0; i < s->n_dimensions; i++)
        if (!strcmp(s->dimensions[i].ref.column, col)) return SCOUT_OK;
    scout_sq_dimension *d = realloc(s->dimensions, (s->n_dimensions + 1) * sizeof *d);
    if (!d) return SCOUT_ENOMEM;
    s->dimensions = d;
    d = &s->dimensions[s->n_dimensions++];
    memset(d, 0, sizeof *d);
    return (d->ref.column = qn_dupstr(col)) ? SCOUT_OK : SCOUT_ENOMEM;
}

scout_rc qn_push_filter(scout_semantic *s, const char *col, scout_op op, size_t n)
{
    scout_sq_filter *f = realloc(s->filters, (s->n_filters + 1) * sizeof *f);
    if (!f) return SCOUT_ENOMEM;
    s->filters = f;
    f = &s->filters[s->n_filters++];
    memset(f, 0, sizeof *f);
    f->op = op;
    f->values = calloc(n ? n : 1, sizeof *f->values);
    f->n_values = n;
    if (!f->values || !(f->ref.column = qn_dupstr(col))) return SCOUT_ENOMEM;
    return SCOUT_OK;
}

scout_rc qn_push_assumption(scout_semantic *s, const char *text)
{
    char **a = realloc(s->assumptions, (s->n_assumptions + 1) * sizeof *a);
    if (!a) return SCOUT_ENOMEM;
    s->assumptions = a;
    return (a[s->n_assumptions++] = qn_dupstr(text)) ? SCOUT_OK : SCOUT_ENOMEM;
}

/* Points ref at a joined table and remembers that its default filters apply. */
static scout_rc use_neighbour(binder *b, const btable *t, scout_sq_ref *ref)
{
    for (size_t j = 0; j < b->n_nb; j++)
        if (&b->nb[j] == t) b->nb_used[j] = true;
    return (ref->table = qn_dupstr(t->fqname)) ? SCOUT_OK : SCOUT_ENOMEM;
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
        scout_rc rc = qn_push_filter(s, col, n > 1 ? SCOUT_OP_IN : SCOUT_OP_EQ, n);
        if (rc != SCOUT_OK) return rc;
        scout_sq_filter *f = &s->filters[s->n_filters - 1];
        if (vt != b->bt && (rc = use_neighbour(b, vt, &f->ref)) != SCOUT_OK) return rc;
        size_t k = 0;
        for (size_t j = i; j < b->n_vals; j++) {
            if (b->vals[j].col != b->vals[i].col || b->vals[j].t != vt || done[j]) continue;
            done[j] = true;
            f->values[k].kind = SCOUT_VAL_KIND_STRING;
            if (!(f->values[k++].s = qn_dupstr(b->vals[j].value))) return SCOUT_ENOMEM;
            qn_note(&b->why, "%s holds '%s'", col, b->vals[j].value);
            /* qn_note() takes (fmt, a, c): reorder for readability */
        }
        if (n > 1 && b->q->cmp == CMP_MEMBERS && vt == b->bt) {
            *compare_members = true;
            if ((rc = qn_push_dim(s, col)) != SCOUT_OK) return rc;
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
int qn_outcome_at(const scout_question *q, size_t i)
{
    static const char *const subj[] = {"we", "they", "did", "do", "does", "to", "will", NULL};
    char w[WORD_MAX + 2];
    snprintf(w, sizeof w, " %s ", q->t[i].w);
    for (size_t k = 0; k < sizeof OUTCOMES / sizeof OUTCOMES[0]; k++) {
        if (strstr(OUTCOMES[k].past, w)) return (int)k;
        if (strstr(OUTCOMES[k].base, w) && i > 0 && qn_tok_any(q, i - 1, subj)) return (int)k;
    }
    return -1;
}

/* The event word of outcome k (OUTCOMES[k].event): the table stays private
 * to this file, bind_measure.c asks for the one field it reads. */
const char *qn_outcome_event(int k)
{
    return OUTCOMES[k].event;
}

/* Sets flag is_<word> to on for question word i, unless already filtered. */
static scout_rc set_flag(binder *b, const char *word, int on, size_t i)
{
    for (size_t c = 0; c < b->bt->n_cols; c++) {
        const char *w = flag_word(&b->bt->cols[c]);
        if (!w || strcmp(w, word) != 0) continue;
        for (size_t f = 0; f < b->s->n_filters; f++)
            if (!strcmp(b->s->filters[f].ref.column, b->bt->cols[c].name)) return SCOUT_OK;
        scout_rc rc = qn_push_filter(b->s, b->bt->cols[c].name, SCOUT_OP_EQ, 1);
        if (rc != SCOUT_OK) return rc;
        b->s->filters[b->s->n_filters - 1].values[0].kind = SCOUT_VAL_KIND_INT;
        b->s->filters[b->s->n_filters - 1].values[0].i = on;
        b->used[i] = B_VALUE;
        qn_note(&b->why, on ? "%s = 1 for '%s'" : "%s = 0 for '%s'", b->bt->cols[c].name,
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
        if (!qn_open_tok(b, i)) continue;
        /* the flag the word names itself first ("closed" → is_closed) */
        rc = set_flag(b, q->t[i].w, 1, i);
        int k = qn_outcome_at(q, i);
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
        if (!qn_open_tok(b, i) || wl < 5 || strcmp(q->t[i].w + wl - 2, "ed") != 0) continue;
        for (size_t c = 0; c < b->bt->n_cols; c++) {
            const bcol *bc = &b->bt->cols[c];
            if (bc->is_time || bc->null_rate <= 0 || strncmp(bc->name, q->t[i].w, wl) != 0 ||
                bc->name[wl] != '_')
                continue;
            scout_rc rc = qn_push_filter(b->s, bc->name, SCOUT_OP_IS_NOT_NULL, 0);
            if (rc != SCOUT_OK) return rc;
            b->used[i] = B_VALUE;
            qn_note(&b->why, "%s is set for '%s'", bc->name, q->t[i].w);
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
            if (!skip || !skip[i - from]) s += qn_col_word(bc, &q->t[i]);
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
            if (qn_tok_in(&b->q->t[i], nt->names) >= 0.5) skip[i - sp.from] = true, n_table++;
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
bool qn_keys_rows(const btable *bt, size_t c)
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
    if (k == c && qn_keys_rows(b->bt, c)) k = label_column(b->bt);
    if (k != c && k != (size_t)-1) return *nb = (size_t)-1, *lc = k, true;
    for (size_t j = 0; j < b->n_nb; j++) {
        const btable *nt = &b->nb[j];
        if (!b->nb_m2o[j]) continue;
        size_t key = qn_col_index(nt, bc->name);
        if (key == (size_t)-1 || !qn_keys_rows(nt, key)) continue;
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
    size_t key = nb == (size_t)-1 ? c : qn_col_index(lt, b->bt->cols[c].name);
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
    if (!(d->ref.column = qn_dupstr(nt->cols[col].name))) return SCOUT_ENOMEM;
    return use_neighbour(b, nt, &d->ref);
}

/* The words of grouping phrase d (span sp) that column bc groups by. A
 * loosely read one ("which segment booked") keeps only the words naming
 * bc; the rest stay open ("booked" is the measure). */
static void mark_dim_words(binder *b, size_t d, span sp, const bcol *bc)
{
    const scout_question *q = b->q;
    for (size_t i = sp.from; i < sp.to; i++)
        if (q->dim_soft[d] != DIM_LOOSE || qn_col_word(bc, &q->t[i]) >= 0.5)
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
        qn_copy_word(first, bc->name, l < WORD_MAX ? l : WORD_MAX - 1);
        bool role = false;
        for (size_t r = 0; roles[r] && !role; r++) role = !strcmp(first, roles[r]);
        if (!role || bc->is_time || (bc->numeric && !bc->is_id)) continue;
        size_t lnb = (size_t)-1, lc = c;
        if (bc->is_id && !entity_label(b, c, &lnb, &lc)) continue;
        span none = {0, 0};
        scout_rc rc = lnb != (size_t)-1 ? bind_neighbour_dim(b, none, lnb, lc)
                                        : qn_push_dim(b->s, b->bt->cols[lc].name);
        if (rc != SCOUT_OK) return rc;
        fit->dims_wanted++, fit->dims_matched++;
        qn_note(&b->why, "dimension %s for 'who'%s",
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
    return b->n_vals > 0 || (from > 0 && qn_tok_is(q, from - 1, "all")) ||
           qn_tok_is(q, from, "all");
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
        if (qn_push_dim(b->s, b->bt->cols[cols[k]].name) != SCOUT_OK) return 0;
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
            qn_note(&b->why, "listing the pairs the words of '%s' name%s", q->t[sp.from].w, NULL);
            continue;
        }
        if (across_the_set(b, d, c, sc)) {
            for (size_t i = sp.from; i < sp.to; i++)
                if (qn_open_tok(b, i)) b->used[i] = B_COLUMN;
            fit->dims_matched++;
            qn_note(&b->why, "one total across the %s the question narrows%s", b->bt->cols[c].name,
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
            qn_note(&b->why, "dimension %s for '%s' (joined)", b->nb[nb].cols[ncol].name, phrase);
            continue;
        }
        if (c == (size_t)-1 || sc < 0.25) {
            /* The phrase may name the table's rows ("per account") or a
             * value already used; otherwise it is missing. */
            qn_note(&b->missing, "no column for '%s'%s", phrase, NULL);
            continue;
        }
        if (c != (size_t)-1 && sc >= 0.5 && sp.from > 0 && qn_tok_is(q, sp.from - 1, "per") &&
            q->agg_set && q->agg == SCOUT_AGG_AVG && b->bt->cols[c].is_id &&
            qn_keys_rows(b->bt, c)) {
            /* "average seats per subscription" on a table of subscriptions:
             * the average is already one per row, not a grouping */
            for (size_t i = sp.from; i < sp.to; i++) b->used[i] = B_COLUMN;
            fit->dims_matched++;
            qn_note(&b->why, "average per %s, one per row%s", b->bt->cols[c].name, NULL);
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
                if (rc == SCOUT_OK && !uniq) rc = qn_push_dim(b->s, b->bt->cols[id].name);
                if (rc != SCOUT_OK) return rc;
                if (b->s->n_dimensions > had) b->dim_at[d] = had + 1;
                fit->dims_matched++;
                qn_note(&b->why, "dimension %s for '%s' (joined, the entity's name)",
                        b->nb[lnb].cols[lc].name, phrase);
                continue;
            }
            c = lc;
            if (!uniq) {
                scout_rc rc = qn_push_dim(b->s, b->bt->cols[c].name);
                if (rc == SCOUT_OK) rc = qn_push_dim(b->s, b->bt->cols[id].name);
                if (rc != SCOUT_OK) return rc;
                mark_dim_words(b, d, sp, &b->bt->cols[id]);
                if (b->s->n_dimensions > had) b->dim_at[d] = had + 1;
                fit->dims_matched++;
                qn_note(&b->why, "dimension %s (and the id) for '%s'", b->bt->cols[c].name, phrase);
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
        scout_rc rc = qn_push_dim(b->s, bc->name);
        if (rc != SCOUT_OK) return rc;
        if (b->s->n_dimensions > had) b->dim_at[d] = b->s->n_dimensions;
        fit->dims_matched++;
        /* "top 5 accounts by open pipeline" on a table of accounts: the
         * phrase's head noun names the rows themselves, one per member. Not
         * when the question counts: "customers per segment" counts customers,
         * the segment is only how they are split. */
        if (!(q->agg_set && q->agg == SCOUT_AGG_COUNT) &&
            qn_tok_in(&q->t[sp.to - 1], b->bt->names) >= 1.0)
            fit->rows_are_entity = true;
        qn_note(&b->why, "dimension %s for '%s'", bc->name, phrase);
    }
    return SCOUT_OK;
}

/* A listing ("which components have a target above 200 ms") measures
 * nothing: when the only measure found is the column the number filters,
 * or none fits, the query lists the distinct rows of its dimensions. */
static scout_rc bind_listing(binder *b, scout_question_fit *fit)
{
    scout_semantic *s = b->s;
    if (!b->q->listing || !s->n_dimensions || s->n_measures != 1 || !qn_has_threshold(s))
        return SCOUT_OK;
    scout_sq_measure *m = &s->measures[0];
    bool rows = m->agg == SCOUT_AGG_COUNT && !m->ref.column; /* no "how many": not asked */
    if (m->where || m->metric ||
        (fit->has_measure && !rows && !qn_filters_column(s, m->ref.column)))
        return SCOUT_OK;
    free(m->ref.table);
    free(m->ref.column);
    free(m->per);
    free(m->as);
    free(m->from);
    s->n_measures = 0;
    fit->has_measure = true;
    qn_note(&b->why, "listing the rows that pass%s%s", "", NULL);
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
                size_t v = qn_col_index(bt, rest);
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
        qn_push_filter(b->s, b->bt->cols[v].name, q->breach_dir > 0 ? SCOUT_OP_GT : SCOUT_OP_LT, 0);
    scout_sq_filter *f = &b->s->filters[b->s->n_filters - 1];
    if (rc == SCOUT_OK && !(f->than = qn_dupstr(b->bt->cols[l].name))) rc = SCOUT_ENOMEM;
    if (qn_open_tok(b, q->breach_at)) b->used[q->breach_at] = B_COLUMN;
    *value = v;
    qn_note(&b->why, "past its limit: %s beyond %s", b->bt->cols[v].name, b->bt->cols[l].name);
    return rc;
}

/* "Days this year where the composer model component broke its SLO": the
 * days that pass, listed — the time column and the value the condition is
 * about (the breached value, else the one measure column) — not a count. */
static scout_rc bind_days_listed(binder *b, scout_question_fit *fit, size_t value)
{
    scout_semantic *s = b->s;
    size_t t = qn_col_index(b->bt, b->bt->time_col);
    if (!b->q->list_days || s->n_dimensions || s->n_measures > 1 || t == (size_t)-1)
        return SCOUT_OK;
    const scout_sq_measure *m = s->n_measures ? &s->measures[0] : NULL;
    if (value == (size_t)-1 && m && m->ref.column && !m->ref.table && !m->from && !m->per &&
        !m->where)
        value = qn_col_index(b->bt, m->ref.column);
    if (value == (size_t)-1 && !s->n_filters) return SCOUT_OK;
    for (size_t i = 0; i < s->n_measures; i++) {
        free(s->measures[i].ref.table);
        free(s->measures[i].ref.column);
        free(s->measures[i].metric);
        free(s->measures[i].as);
    }
    s->n_measures = 0;
    scout_rc rc = qn_push_dim(s, b->bt->cols[t].name);
    if (rc == SCOUT_OK && value != (size_t)-1 && value != t)
        rc = qn_push_dim(s, b->bt->cols[value].name);
    fit->has_measure = true;
    qn_note(&b->why, "listing the days that pass%s%s", "", NULL);
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
        if (qn_keys_rows(bt, c)) return c;
        if (first == (size_t)-1) first = c;
    }
    return first;
}

/* Do the question's words name the table's rows ("requests" of
 * request_samples)? */
static bool names_the_rows(const binder *b)
{
    for (size_t i = 0; i < b->q->n; i++)
        if ((qn_open_tok(b, i) || b->used[i] == B_TABLE) &&
            qn_tok_in(&b->q->t[i], b->bt->subject) >= 1.0)
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
        s->comparison.type != SCOUT_CMP_NONE || qn_preaggregated(b->bt) || !names_the_rows(b))
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
    scout_rc rc = qn_push_dim(s, b->bt->cols[key].name);
    if (rc == SCOUT_OK) rc = qn_push_dim(s, col);
    if (rc == SCOUT_OK && !(s->order_by = calloc(1, sizeof *s->order_by))) rc = SCOUT_ENOMEM;
    if (rc == SCOUT_OK) {
        s->n_order_by = 1;
        s->order_by[0].desc = q->rank > 0;
        s->order_by[0].value = SCOUT_ORDER_CURRENT;
        if (!(s->order_by[0].key = qn_dupstr(col))) rc = SCOUT_ENOMEM;
        s->limit = q->limit;
    }
    qn_note(&b->why, "listing the rows ranked by %s%s", col, "");
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
    qn_note(&b->why, "looking up %s of the rows named%s", s->dimensions[0].ref.column, "");
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
    size_t c = qn_col_index(b->bt, m->ref.column);
    if (c == (size_t)-1 || qn_measure_nature(&b->bt->cols[c]) != 1) return SCOUT_OK;
    char as[SCOUT_SEMANTIC_IDENT_MAX];
    snprintf(as, sizeof as, "avg_%.200s", m->ref.column);
    if (!m->as && !(m->as = qn_dupstr(as))) return SCOUT_ENOMEM;
    m->agg = SCOUT_AGG_SUM;
    m->over_time = SCOUT_OVER_AVG;
    return qn_push_assumption(s, "average = the level's total on each day, averaged over the days "
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
        if (!(s->time.label = qn_dupstr(l))) return SCOUT_ENOMEM;
    }
    char a[200];
    snprintf(a, sizeof a,
             "the current period is in progress: both periods are compared to date, through the "
             "same day (%s and a year earlier)",
             end);
    return qn_push_assumption(s, a);
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
        if (strcmp(qn_jstr(mt, "name"), m->metric) != 0) continue;
        const char *ex = qn_jstr(mt, "expression");
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
        if (qn_tok_any(q, i, words)) said = true;
        if (rel == q->n &&
            (qn_tok_is(q, i, "that") || qn_tok_is(q, i, "which") || qn_tok_is(q, i, "who")))
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
        qn_note(&b->why, "share of rows where %s holds the value%s", col, NULL);
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
        if (sp.from == 0 || !qn_tok_is(q, sp.from - 1, "per") || sp.to - sp.from != 1) continue;
        for (size_t c = 0; c < b->bt->n_cols; c++) {
            const bcol *bc = &b->bt->cols[c];
            if (!bc->is_id || qn_tok_in(&q->t[sp.from], bc->names) < 1.0) continue;
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
            if (!(m->per = qn_dupstr(bc->name))) return SCOUT_ENOMEM;
            m->agg = SCOUT_AGG_COUNT_PER;
            qn_note(&b->why, "count per distinct %s%s", bc->name, NULL);
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
    if (!(s->comparison.start = qn_dupstr(st)) || !(s->comparison.end = qn_dupstr(en)) ||
        !(s->comparison.label = qn_dupstr(label)))
        return SCOUT_ENOMEM;
    return SCOUT_OK;
}

static scout_rc bind_comparison(binder *b, bool members)
{
    const scout_question *q = b->q;
    scout_semantic *s = b->s;
    if (members || q->cmp == CMP_NONE || q->cmp == CMP_MEMBERS) return SCOUT_OK;
    if (!s->has_time || !s->time.start) {
        qn_note(&b->missing, "a comparison needs a period the table can place%s%s", "", NULL);
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
        if (!(s->comparison.start = qn_dupstr(st)) || !(s->comparison.end = qn_dupstr(en)) ||
            !(s->comparison.label = qn_dupstr(label)))
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
        if (!(s->comparison.start = qn_dupstr(st)) || !(s->comparison.end = qn_dupstr(en)) ||
            !(s->comparison.label = qn_dupstr(label)))
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
        size_t c = s->dimensions[i].ref.table ? (size_t)-1 : qn_col_index(b->bt, d);
        /* the table's period column, a 'YYYY-MM' text column, or any other
         * column that holds periods (quarter labels) */
        bool period =
            !strcmp(d, b->bt->time_col) ||
            (c != (size_t)-1 && (qn_month_text(&b->bt->cols[c]) || b->bt->cols[c].is_time));
        if (!period) continue;
        if (!(s->order_by = calloc(1, sizeof *s->order_by))) return SCOUT_ENOMEM;
        s->n_order_by = 1;
        return (s->order_by[0].key = qn_dupstr(d)) ? SCOUT_OK : SCOUT_ENOMEM;
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
    const char *owner = qn_jstr(bt->card, "owner");
    const char *tref = bt == b->bt ? NULL : bt->fqname;
    size_t idx;
    json_array_foreach(df, idx, f)
    {
        scout_curated_filter cf;
        const char *cond = qn_jstr((json_t *)f, "condition"), *why = qn_jstr((json_t *)f, "reason");
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
        scout_rc rc = qn_push_filter(s, cf.column, (scout_op)op, null_test ? 0 : 1);
        if (rc != SCOUT_OK) return rc;
        if (tref && !(s->filters[s->n_filters - 1].ref.table = qn_dupstr(tref)))
            return SCOUT_ENOMEM;
        scout_sq_value *v = &s->filters[s->n_filters - 1].values[0];
        if (cf.kind == 3) {
            v->kind = SCOUT_VAL_KIND_STRING;
            if (!(v->s = qn_dupstr(cf.value))) return SCOUT_ENOMEM;
        } else if (cf.kind == 2) {
            v->kind = SCOUT_VAL_KIND_REAL, v->d = strtod(cf.value, NULL);
        } else if (cf.kind == 1) {
            v->kind = SCOUT_VAL_KIND_INT, v->i = strtoll(cf.value, NULL, 10);
        }
        char a[600];
        snprintf(a, sizeof a, "excluding %s (%s), as curated%s%s", why[0] ? why : "by default",
                 cond, owner[0] ? " by " : "", owner);
        if ((rc = qn_push_assumption(s, a)) != SCOUT_OK) return rc;
        qn_note(&b->why, "default filter %s%s", cond, NULL);
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
    if (*set && qn_in_set(*set, stem)) return SCOUT_OK;
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
        if ((p == text || !qn_word_byte((unsigned char)p[-1])) && !strncasecmp(p, word, n) &&
            !qn_word_byte((unsigned char)p[n]))
            return true;
    return false;
}

/* "opened", "closed", "churned": a word ending in -ed whose stem drops the
 * ending (so not "need" or "speed"). */
bool qn_past_tense(const qtok *t)
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
            qn_in_set(b->bt->subject, q->t[i].stem) &&
            add_stem(&fit->subject_stems, q->t[i].stem) != SCOUT_OK)
            return SCOUT_ENOMEM;
        if (!qn_open_tok(b, i) || q->t[i].is_num) continue;
        /* "ticket count", "number of deals": the aggregate, said as a noun */
        if (!strcmp(q->t[i].w, "count") || !strcmp(q->t[i].w, "number") ||
            !strcmp(q->t[i].w, "total"))
            continue;
        double t = qn_tok_in(&q->t[i], b->bt->names);
        if (t >= 0.5) {
            b->used[i] = B_TABLE;
            continue;
        }
        bool any = false, count = q->agg_set && q->agg == SCOUT_AGG_COUNT;
        for (size_t c = 0; c < b->bt->n_cols && !any; c++) {
            const bcol *bc = &b->bt->cols[c];
            /* "how many refunds" of a table whose refunds_usd went unused:
             * the question counts a thing this table only has an amount of */
            if (count && bc->numeric && !bc->is_id && qn_money_col(bc)) continue;
            if (qn_col_word(bc, &q->t[i]) >= 0.9) any = true;
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
        if (qn_tok_in(&q->t[i], b->bt->desc) >= 1.0 &&
            (!qn_past_tense(&q->t[i]) || says_word(qn_jstr(b->bt->card, "description"), q->t[i].w)))
            continue;
        qn_note(&b->missing, "nothing matches '%s'%s", q->t[i].orig, NULL);
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
        s->order_by[0].key = qn_dupstr(s->measures[0].as);
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
    size_t c = qn_col_index(b->bt, tc), m = qn_col_index(b->bt, s->measures[0].ref.column);
    if (c == (size_t)-1 || m == (size_t)-1 || (!strstr(tc, "cohort") && !strstr(tc, "signup")))
        return;
    for (size_t i = 0; i < b->q->n; i++)
        if (qn_grain_word(b->q->t[i].w) == SCOUT_GRAIN_NONE &&
            qn_tok_in(&b->q->t[i], b->bt->cols[c].names) >= 1.0)
            return;
    if (qn_shared_words(b->bt->cols[m].names, b->bt->names) > 0) return;
    fit->period_on_cohort = true;
    qn_note(&b->missing, "%s dates the cohort, not when the %s happened", tc, b->bt->cols[m].name);
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
        if (qn_in_set(sets[k], "distinct") || qn_in_set(sets[k], "uniqu")) return true;
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
    size_t noun = qn_actor_noun(b->q);
    if (s->n_measures != 1 || !s->measures[0].ref.column || s->measures[0].ref.table ||
        !qn_preaggregated(b->bt))
        return;
    size_t c = qn_col_index(b->bt, s->measures[0].ref.column);
    if (c == (size_t)-1 || !qn_count_like(&b->bt->cols[c])) return;
    scout_agg agg = s->measures[0].agg;
    bool counted_twice =
        agg == SCOUT_AGG_COUNT_DISTINCT ||
        (agg == SCOUT_AGG_SUM && noun && qn_tok_in(&b->q->t[noun], b->bt->cols[c].names) >= 0.5 &&
         documents_distinct(b->bt, c) && spans_rows(s));
    if (!counted_twice) return;
    fit->has_measure = false;
    qn_note(&b->missing, "%s counts each one once per row; %s over rows counts some many times",
            b->bt->cols[c].name, scout_semantic_agg_name(agg));
}

/* "How many users used search yesterday" on the users table: the act is
 * another table's (search, a value of feature events reached by a join),
 * so the table's own date (signup_date) dates when they joined, not when
 * they did it. Unless the verb names that date ("signed up" → signup). */
static void period_on_members(binder *b, scout_question_fit *fit)
{
    const scout_semantic *s = b->s;
    size_t noun = qn_actor_noun(b->q);
    if (!noun || b->actor || !s->has_time || !s->time.column) return;
    bool elsewhere = false;
    for (size_t v = 0; v < b->n_vals; v++)
        if (b->vals[v].t != b->bt && b->vals[v].from > noun) elsewhere = true;
    size_t c = qn_col_index(b->bt, s->time.column);
    if (!elsewhere || c == (size_t)-1) return;
    for (size_t i = noun + 1; i < b->q->n && i <= noun + 2; i++)
        if (qn_col_word(&b->bt->cols[c], &b->q->t[i]) >= 0.5) return;
    fit->period_on_cohort = true;
    qn_note(&b->missing, "%s dates the members, not when they '%s'", s->time.column,
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
        if (rc == SCOUT_ENOTFOUND) fit->missing = qn_dupstr("no such table");
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
            if (qn_in_launch(q, i)) b.used[i] = q->launch_was[i - q->launch_at];
    load_neighbours(&b, cat, who);
    scout_buf_init(&b.why, 4096);
    scout_buf_init(&b.missing, 4096);
    b.s = calloc(1, sizeof *b.s);
    if (!b.s) rc = SCOUT_ENOMEM;
    bool members = false, level = false;
    size_t nf_ok = 0;
    if (rc == SCOUT_OK) {
        b.s->version = SCOUT_SEMANTIC_VERSION;
        if (!(b.s->table = qn_dupstr(bt.fqname))) rc = SCOUT_ENOMEM;
    }
    if (rc == SCOUT_OK) {
        find_codenames(&b, cat, who);
        qn_find_actor(&b);
        find_values(&b);
        fit->values_matched = fit->values_wanted = b.n_vals;
        rc = bind_values(&b, &members);
    }
    if (rc == SCOUT_OK) rc = bind_flags(&b);
    if (rc == SCOUT_OK) rc = bind_presence(&b);
    if (rc == SCOUT_OK) rc = bind_dims(&b, fit);
    if (rc == SCOUT_OK) rc = bind_who(&b, fit);
    if (rc == SCOUT_OK) rc = bind_default_filters(&b);
    if (rc == SCOUT_OK) rc = qn_bind_numeric(&b, fit, &nf_ok);
    if (rc == SCOUT_OK) rc = qn_bind_measures(&b, fit, &level);
    if (rc == SCOUT_OK) rc = bind_listing(&b, fit);
    if (rc == SCOUT_OK) rc = bind_lookup(&b, fit);
    if (rc == SCOUT_OK) rc = bind_row_ranking(&b);
    size_t breached = (size_t)-1;
    if (rc == SCOUT_OK) rc = bind_breach(&b, &breached);
    if (rc == SCOUT_OK) rc = bind_days_listed(&b, fit, breached);
    if (rc == SCOUT_OK) qn_check_money(&b, fit);
    if (rc == SCOUT_OK) qn_check_duration(&b, fit);
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
        qn_choose_time_col(&b);
        rc = qn_bind_time(&b, fit, level, grain);
    }
    if (rc == SCOUT_OK) period_on_cohort(&b, fit);
    if (rc == SCOUT_OK) distinct_counts_summed(&b, fit);
    if (rc == SCOUT_OK) period_on_members(&b, fit);
    /* levels: latest value per period (or overall); averages stay averages */
    if (rc == SCOUT_OK && level) rc = qn_set_over_time(&b);
    if (rc == SCOUT_OK) rc = qn_set_point_average(&b, level);
    if (rc == SCOUT_OK) rc = set_level_average(&b);
    if (rc == SCOUT_OK) rc = qn_bind_rate(&b);
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
