/* discover.c — see discover.h. */
#include "ask/discover.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"

#define DISCOVER_MAX_CANDIDATES    24 /* search hits plus lookalikes */
#define DISCOVER_LOOKALIKE_LEADERS 3
#define DISCOVER_LOOKALIKE_MIN     0.5 /* similarity a lookalike needs to be compared */

/* ---------- scoring (pure) ---------- */

double scout_discover_score(const scout_discover_signals *s)
{
    /* A table the question cannot be bound to may still be what it is about
     * (a lookup the planner cannot express): it keeps its search evidence so
     * the candidates stay in relevance order, but with no fit and no measure
     * it stays below any table that answers reasonably well. */
    double fit = s->bound ? s->fit : 0;
    /* Fit leads, search behind: many tables bind a question perfectly
     * (fit 1.0 is common), and the search score carries what the fit does
     * not see — the question's words in the name, description, values and
     * synonyms — plus the trust, layer and usage priors. The source-of-truth
     * lift is therefore small: it breaks ties search left, and must not
     * carry a trusted table of another subject past the one asked about. */
    double v = 0.6 * fit + 0.3 * s->search_rel;
    /* "new users per month", "mid-market accounts by country": a question
     * that names what the rows of an item table are asks to count them,
     * said or not. */
    if (!s->has_measure && !(s->counts_items && s->subject > 0)) v -= 0.08;
    /* The question names a curated metric this table defines ("net
     * revenue" → revenue_daily's net_revenue): the experts' own answer
     * beats a same-named column summed on a cohort or segment rollup. */
    /* A rollup carrying the metric's column (revenue_monthly) is the metric
     * at another grain: lifted too, a little less than the experts' table. */
    if (s->by_metric) v += s->metric_copy ? 0.08 : 0.12;
    if (s->needs_time && !s->has_time) v -= 0.15;
    /* A sum rolls up from days to months; an average or a distinct count
     * does not, so a table kept at the asked grain wins for those. */
    if (s->averages_finer) v -= 0.15;
    /* "How many users": counting the users beats summing a count kept on
     * a rollup of something else (users per feature counts a user twice). */
    if (s->counts_items) v += 0.05;
    /* Weeks cannot be split into days: the grain asked is not there. Nor
     * into months: a week that straddles two is counted in one of them. */
    if (s->grain_too_coarse || s->grain_straddles) v -= 0.15;
    /* "How many accounts", "top 5 accounts": a table whose rows are the
     * accounts answers it as kept; one that merely has account columns
     * (users with an account_type) counts something else. */
    if (s->rows_are_entity && !s->staging) v += 0.06;
    if (s->counts_other_entity) v -= 0.06;
    /* "How many users used export": the rows of the act, each user once,
     * answer it as asked; the users table dates their signup, a daily rollup
     * counts a user once a day. Lifted like a table of the entity itself,
     * raw or not: the events are where the act is kept. */
    if (s->counts_actors) v += 0.06;
    if (s->sample_counts) v -= 0.08;
    /* A cohort month dates the members, not the events counted: the
     * question's period there gives another question's number, as wrong as
     * a dropped filter. */
    if (s->period_on_cohort) v -= 0.25;
    /* The fit counts a word nothing matches as half a need, since verbs
     * ("signed", "handle") miss everywhere alike; a word another candidate
     * is named for is the subject of the question, and this table is not
     * about it. */
    v -= 0.2 * (s->others_subject > 2 ? 2 : s->others_subject);
    /* A value another candidate filters on, none of whose words this table
     * places, is a filter it would drop: its answer covers rows the question
     * excludes (all tickets for "sync tickets"), a wrong number rather than
     * a rougher one, so it costs more than a word of another subject. */
    v -= 0.25 * (s->drops_values > 2 ? 2 : s->drops_values);
    /* So is a threshold it cannot compare ("deals over $75k" asked of a
     * quarterly win-rate table): it would count every deal. */
    v -= 0.25 * (s->drops_threshold > 2 ? 2 : s->drops_threshold);
    /* and a count or sum of something else where money is asked ("how
     * much did we win" of a table counting closed deals) is no answer. */
    if (s->lacks_money) v -= 0.25;
    /* Likewise a count where a duration is asked ("queue time" of a daily
     * rollup that only counts requests per component). */
    if (s->lacks_duration) v -= 0.25;
    /* Search weighs a name among many fields; a table named for what the
     * question says beats one that mentions it in passing (a cohort table
     * that has a revenue column). */
    v += 0.04 * (s->subject > 2 ? 2 : s->subject);
    if (s->finer_than_asked) v -= 0.1;
    if (s->trust == SCOUT_TIER_SOURCE_OF_TRUTH) v += 0.04;
    /* A deprecated table may still bind perfectly (it is a near-copy); it must
     * never win against a live one, so the penalty exceeds any fit gap. */
    if (s->trust == SCOUT_TIER_DEPRECATED) v -= 0.45;
    /* A raw table the data team defines a metric on is their vetted source
     * for it, not an unmodelled copy. */
    if (s->staging && !s->by_metric) v -= 0.08;
    if (s->stale_days > 180)
        v -= 0.12;
    else if (s->stale_days > 30)
        v -= 0.06;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

bool scout_discover_is_staging(const char *fq)
{
    static const char *const words[] = {".raw.",    ".staging.", ".archive.", "stg_", "tmp_",
                                        "backfill", "snapshot",  "_old",      "_v0",  "_v1"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(fq, words[i])) return true;
    return false;
}

/* ---------- small helpers ---------- */

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static bool ci_contains(const char *hay, const char *needle)
{
    if (!hay) return false;
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n)) return true;
    return false;
}

/* Days since 1970-01-01 for YYYY-MM-DD (YYYY-MM counts as the 28th). */
static bool date_days(const char *s, long *out)
{
    int y, m, d = 28;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) < 2 || m < 1 || m > 12) return false;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = era * 146097 + doe - 719468;
    return true;
}

static scout_trust_tier tier_of(const char *t)
{
    if (t && !strcmp(t, "source_of_truth")) return SCOUT_TIER_SOURCE_OF_TRUTH;
    if (t && !strcmp(t, "deprecated")) return SCOUT_TIER_DEPRECATED;
    return SCOUT_TIER_NORMAL;
}

static const char *tier_name(scout_trust_tier t)
{
    return t == SCOUT_TIER_SOURCE_OF_TRUTH ? "source_of_truth"
           : t == SCOUT_TIER_DEPRECATED    ? "deprecated"
                                           : "normal";
}

/* A doc or thread that explains why a table is deprecated: the file name of
 * a doc (shorter than its path), or the channel of a thread. */
static char *tier_doc(const json_t *card)
{
    const json_t *discussed = json_object_get(card, "discussed"), *d;
    size_t i;
    const json_t *best = NULL;
    json_array_foreach(discussed, i, d)
    {
        if (!ci_contains(jstr(d, "excerpt"), "deprecat") &&
            !ci_contains(jstr(d, "heading"), "deprecat"))
            continue;
        const char *uri = jstr(d, "uri");
        bool is_doc = uri && strncmp(uri, "slack://", 8);
        if (!best || is_doc) best = d;
        if (is_doc) break;
    }
    if (!best) return NULL;
    const char *uri = jstr(best, "uri");
    if (uri && strncmp(uri, "slack://", 8)) {
        const char *base = strrchr(uri, '/');
        base = base ? base + 1 : uri;
        size_t n = strcspn(base, "#");
        char *s = malloc(n + 1);
        if (s) {
            memcpy(s, base, n);
            s[n] = '\0';
        }
        return s;
    }
    return scout_strdup(jstr(best, "where"));
}

/* ---------- building the candidate list ---------- */

typedef struct disc_run {
    const scout_discover_opts *o;
    scout_discovery *d;
    json_t *cards[DISCOVER_MAX_CANDIDATES]; /* card per candidate, NULL when unavailable */
} disc_run;

static bool has_candidate(const scout_discovery *d, const char *fq)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->c[i].table, fq)) return true;
    return false;
}

static bool may_read(const scout_discover_opts *o, const char *fq)
{
    return !o->policy || !o->policy->can_read_table || o->policy->can_read_table(o->policy->ud, fq);
}

static scout_candidate *add_candidate(scout_discovery *d, const char *fq)
{
    if (d->n >= DISCOVER_MAX_CANDIDATES || has_candidate(d, fq)) return NULL;
    scout_candidate *c = &d->c[d->n];
    memset(c, 0, sizeof *c);
    c->table = scout_strdup(fq);
    if (!c->table) return NULL;
    d->n++;
    return c;
}

static json_t *load_card(const scout_discover_opts *o, const char *fq)
{
    scout_buf b = SCOUT_BUF_INIT;
    json_t *card = NULL;
    if (scout_catalog_card_json(o->cat, fq, o->who, &b, NULL) == SCOUT_OK)
        card = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
    scout_buf_free(&b);
    return card;
}

/* Searches with the question minus its time expression; a question that
 * is nothing but a period keeps its words. */
static scout_rc gather_search(disc_run *r, const scout_question *q, scout_err *err)
{
    const scout_discover_opts *o = r->o;
    scout_buf text = SCOUT_BUF_INIT;
    if (scout_question_search_text(q, &text) != SCOUT_OK) {
        scout_buf_free(&text);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory for discovery");
    }
    const char *words = o->question;
    for (size_t i = 0; i < text.len; i++)
        if (isalnum((unsigned char)text.data[i])) {
            words = text.data;
            break;
        }
    scout_search_opts so = {0};
    so.kinds = 1u << SCOUT_SEARCH_TABLE;
    so.k = o->k ? o->k : 10;
    so.who = o->who;
    so.policy = o->policy;
    so.embedder = o->embedder;
    scout_search_results *res = NULL;
    scout_rc rc = scout_search_query(o->search, words, &so, &res, err);
    scout_buf_free(&text);
    if (rc) return rc;
    size_t n = scout_search_results_count(res);
    double top = n ? scout_search_results_hit(res, 0)->score : 0;
    for (size_t i = 0; i < n; i++) {
        const scout_search_hit *h = scout_search_results_hit(res, i);
        scout_candidate *c = add_candidate(r->d, h->key);
        if (!c) continue;
        c->search_score = h->score;
        c->search_rank = (int)i + 1;
        c->sig.search_rel = top > 0 ? h->score / top : 0;
    }
    scout_search_results_free(res);
    if (!r->d->n)
        return scout_err_set(err, SCOUT_EUSER,
                             "no table matches these words; try other words or `scout search`");
    return SCOUT_OK;
}

/* The leaders' lookalikes and replacements join the comparison, so the
 * answer can say why not them even when search already sank them. */
static void gather_lookalikes(disc_run *r)
{
    size_t leaders = r->d->n < DISCOVER_LOOKALIKE_LEADERS ? r->d->n : DISCOVER_LOOKALIKE_LEADERS;
    for (size_t i = 0; i < leaders; i++) {
        if (!r->cards[i]) r->cards[i] = load_card(r->o, r->d->c[i].table);
        const json_t *card = r->cards[i], *s;
        size_t j;
        const char *by = jstr(card, "deprecated_by");
        if (by && may_read(r->o, by)) add_candidate(r->d, by);
        json_array_foreach(json_object_get(card, "similar"), j, s)
        {
            const char *fq = jstr(s, "fqname");
            if (!fq || json_real_value(json_object_get(s, "score")) < DISCOVER_LOOKALIKE_MIN ||
                !may_read(r->o, fq))
                continue;
            scout_candidate *c = add_candidate(r->d, fq);
            if (c) c->lookalike_of = scout_strdup(r->d->c[i].table);
        }
    }
}

/* One row per item: the card's grain is a single unique key ("unique:
 * opportunity_id"), or the table's primary key is one column. */
static bool item_grain(const json_t *card)
{
    const char *g = jstr(card, "grain");
    const char *u = g ? strstr(g, "unique:") : NULL;
    if (u) return !strchr(u, ',');
    size_t i, pk = 0;
    const json_t *col;
    json_array_foreach(json_object_get(card, "columns"), i, col)
    {
        if (json_integer_value(json_object_get(col, "pk")) > 0) pk++;
    }
    return pk == 1;
}

static void read_card_facts(scout_candidate *c, const json_t *card)
{
    c->item_grain = item_grain(card);
    c->sig.trust = tier_of(jstr(card, "trust"));
    c->trust_reason = scout_strdup(jstr(card, "trust_reason"));
    c->deprecated_by = scout_strdup(jstr(card, "deprecated_by"));
    c->freshness = scout_strdup(jstr(card, "freshness"));
    if (c->sig.trust == SCOUT_TIER_DEPRECATED) c->doc = tier_doc(card);
    c->sig.staging = scout_discover_is_staging(c->table);
}

/* Does a '_'-separated part of the table's own name start with stem (n
 * bytes, at least 4: "invoic" of fct_invoices)? */
static bool name_part_has_stem(const char *fq, const char *stem, size_t n)
{
    const char *dot = strrchr(fq, '.');
    const char *p = dot ? dot + 1 : fq;
    if (n < 4) return false;
    for (; *p; p++)
        if ((p == (dot ? dot + 1 : fq) || p[-1] == '_') && !strncmp(p, stem, n)) return true;
    return false;
}

/* A sample of another table ("tmp_feature_events_sample", "1% sample of
 * feature_events"): its rows are a fraction of the events, so a count or a
 * sum from it is a fraction of the answer, however well it binds. */
static bool sample_counts(const json_t *card, const char *table, const scout_semantic *q)
{
    const char *desc = card ? jstr(card, "description") : NULL;
    /* "sample" as a whole part of the name; "request_samples" are requests */
    const char *p = strstr(table, "_sample");
    bool sample = (p && (p[7] == 0 || p[7] == '_')) || ci_contains(desc, "sample of");
    if (!sample || !q || !q->n_measures) return false;
    scout_agg a = q->measures[0].agg;
    return a == SCOUT_AGG_COUNT || a == SCOUT_AGG_COUNT_DISTINCT || a == SCOUT_AGG_SUM;
}

static scout_rc bind_one(disc_run *r, size_t i, const scout_question *q, scout_err *err);

/* "How many invoices did we send to Mid-market customers": search finds the
 * customers (the value and the noun match there) and misses the invoices
 * table, whose rows are what is counted. A word a leader cannot place that
 * names a table the leader joins to brings that table in: the fact table
 * filtered through its join answers what the dimension alone cannot. */
static scout_rc gather_join_neighbours(disc_run *r, const scout_question *q, scout_err *err)
{
    size_t n0 = r->d->n,
           leaders = n0 < DISCOVER_LOOKALIKE_LEADERS ? n0 : DISCOVER_LOOKALIKE_LEADERS;
    for (size_t i = 0; i < leaders; i++) {
        const char *un = r->d->c[i].fit.unplaced_stems;
        size_t j;
        const json_t *jk;
        json_array_foreach(json_object_get(r->cards[i], "join_keys"), j, jk)
        {
            const char *other = jstr(jk, "other_fqname");
            if (!other || !un || has_candidate(r->d, other) || !may_read(r->o, other)) continue;
            for (const char *p = un; *p;) {
                while (*p == ' ') p++;
                size_t len = strcspn(p, " ");
                if (len && name_part_has_stem(other, p, len)) {
                    if (!add_candidate(r->d, other)) break;
                    break;
                }
                p += len;
            }
        }
    }
    for (size_t i = n0; i < r->d->n; i++) {
        r->cards[i] = load_card(r->o, r->d->c[i].table);
        if (r->cards[i]) read_card_facts(&r->d->c[i], r->cards[i]);
        scout_rc rc = bind_one(r, i, q, err);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

static bool averages_finer(const scout_semantic *q);
static bool grain_too_coarse(const scout_semantic *q);
static bool grain_straddles(const scout_semantic *q);
static bool averages_over_unasked_grain(const json_t *card, const scout_semantic *q);

static scout_rc bind_one(disc_run *r, size_t i, const scout_question *q, scout_err *err)
{
    scout_candidate *c = &r->d->c[i];
    scout_err berr = {0};
    scout_rc rc = scout_question_bind(q, r->o->cat, c->table, r->o->who, &c->query, &c->fit, &berr);
    if (rc == SCOUT_ENOMEM || rc == SCOUT_EINTERRUPTED)
        return scout_err_set(err, rc, "%s", berr.msg);
    if (rc) {
        /* Any other failure means this table cannot answer: say why, keep going. */
        if (!c->fit.missing && berr.msg[0]) c->fit.missing = scout_strdup(berr.msg);
        c->query = NULL;
        return SCOUT_OK;
    }
    c->sig.bound = c->query != NULL;
    c->sig.fit = c->fit.score;
    c->sig.has_measure = c->fit.has_measure;
    c->sig.by_metric = c->fit.by_metric;
    c->sig.metric_copy = c->fit.metric_copy;
    c->sig.has_time = c->fit.has_time;
    /* From the question: a table that cannot apply its period leaves the
     * period out of the bound query, which must not hide the need. */
    c->sig.needs_time = c->fit.wants_time || (c->query && c->query->has_time);
    c->sig.averages_finer =
        averages_finer(c->query) || averages_over_unasked_grain(r->cards[i], c->query);
    c->sig.grain_too_coarse = grain_too_coarse(c->query);
    c->sig.grain_straddles = grain_straddles(c->query);
    c->sig.rows_are_entity = c->fit.rows_are_entity && c->item_grain;
    c->sig.period_on_cohort = c->fit.period_on_cohort;
    c->sig.drops_threshold = (int)c->fit.thresholds_dropped;
    c->sig.lacks_money = c->fit.lacks_money;
    c->sig.counts_actors = c->fit.counts_actors;
    c->sig.sample_counts = sample_counts(r->cards[i], c->table, c->query);
    c->sig.lacks_duration = c->fit.lacks_duration;
    c->sig.counts_items = c->item_grain && c->query && c->query->n_measures == 1 &&
                          c->query->measures[0].agg == SCOUT_AGG_COUNT &&
                          !c->query->measures[0].ref.column;
    return SCOUT_OK;
}

/* The grain a time column is kept at, read from its name ("week_start",
 * "revenue_month"); anything else (day, date, ts) is daily or finer. */
static scout_grain column_grain(const char *col)
{
    if (!col) return SCOUT_GRAIN_DAY;
    if (ci_contains(col, "year")) return SCOUT_GRAIN_YEAR;
    if (ci_contains(col, "quarter")) return SCOUT_GRAIN_QUARTER;
    if (ci_contains(col, "month")) return SCOUT_GRAIN_MONTH;
    if (ci_contains(col, "week")) return SCOUT_GRAIN_WEEK;
    return SCOUT_GRAIN_DAY;
}

/* The bound query asks for a grain coarser than the table keeps and one of
 * its measures cannot be added up across the finer rows. */
static bool averages_finer(const scout_semantic *q)
{
    if (!q || !q->has_time || q->time.grain == SCOUT_GRAIN_NONE ||
        column_grain(q->time.column) >= q->time.grain)
        return false;
    for (size_t i = 0; i < q->n_measures; i++)
        if (q->measures[i].agg == SCOUT_AGG_AVG || q->measures[i].agg == SCOUT_AGG_COUNT_DISTINCT)
            return true;
    return false;
}

static bool grain_too_coarse(const scout_semantic *q)
{
    return q && q->has_time && q->time.grain != SCOUT_GRAIN_NONE &&
           column_grain(q->time.column) > q->time.grain;
}

/* 1970-01-01 was a Thursday: Monday is the day where (days + 3) % 7 == 0. */
static int weekday_from_monday(long days)
{
    return (int)(((days + 3) % 7 + 7) % 7);
}

/* Weeks nest in no month, quarter or year: a weekly table answers "each
 * month" or "this year" only approximately, by where each week starts. A
 * period that begins on a Monday and ends on a Sunday is whole weeks. */
static bool grain_straddles(const scout_semantic *q)
{
    if (!q || !q->has_time || q->time.holds != SCOUT_GRAIN_NONE ||
        column_grain(q->time.column) != SCOUT_GRAIN_WEEK)
        return false;
    if (q->time.grain >= SCOUT_GRAIN_MONTH) return true;
    long d;
    if (q->time.start && date_days(q->time.start, &d) && weekday_from_monday(d) != 0) return true;
    return q->time.end && date_days(q->time.end, &d) && weekday_from_monday(d) != 6;
}

static bool query_uses(const scout_semantic *q, const char *col);

/* The card's grain names the columns a row is kept per ("day, platform"):
 * an average over rows per day and platform is not the daily figure the
 * question asks for unless it groups or filters by platform too. Sums add
 * up across such a column; averages and distinct counts do not. */
static bool averages_over_unasked_grain(const json_t *card, const scout_semantic *q)
{
    const char *g = card ? jstr(card, "grain") : NULL;
    if (!g || !q || q->n_measures != 1 ||
        (q->measures[0].agg != SCOUT_AGG_AVG && q->measures[0].agg != SCOUT_AGG_COUNT_DISTINCT))
        return false;
    size_t end = strcspn(g, ";");
    size_t i;
    const json_t *col;
    json_array_foreach(json_object_get(card, "columns"), i, col)
    {
        const char *name = jstr(col, "name"), *type = jstr(col, "type");
        if (!name || !type || !ci_contains(type, "text") || query_uses(q, name) ||
            (q->has_time && q->time.column && !strcmp(q->time.column, name)))
            continue;
        size_t n = strlen(name);
        /* a whole entry of the list before "; unique:" */
        for (const char *p = strstr(g, name); p && (size_t)(p - g) < end; p = strstr(p + 1, name))
            if ((p == g || p[-1] == ' ' || p[-1] == ',') &&
                (p[n] == 0 || p[n] == ',' || p[n] == ';'))
                return true;
    }
    return false;
}

static bool in_stems(const char *set, const char *stem, size_t n)
{
    for (const char *p = set ? strstr(set, stem) : NULL; p; p = strstr(p + 1, stem))
        if (p > set && p[-1] == ' ' && p[n] == ' ') return true;
    return false;
}

/* Counts, per candidate, the question words nothing in it matches that
 * another bound, live candidate's name or synonyms say. */
static void others_subject(scout_discovery *d)
{
    for (size_t i = 0; i < d->n; i++) {
        scout_candidate *c = &d->c[i];
        const char *p = c->fit.unplaced_stems;
        int n = 0;
        while (p && *p) {
            while (*p == ' ') p++;
            size_t len = strcspn(p, " ");
            if (!len) break;
            char stem[64];
            if (len < sizeof stem) {
                memcpy(stem, p, len);
                stem[len] = 0;
                for (size_t j = 0; j < d->n; j++) {
                    const scout_candidate *o = &d->c[j];
                    /* only a table that can answer is an alternative ("deals
                     * we win in October": win_rate_quarterly cannot apply the
                     * month, so "win" is just a verb there) */
                    if (j == i || !o->sig.bound || o->sig.trust == SCOUT_TIER_DEPRECATED ||
                        (o->sig.needs_time && !o->sig.has_time))
                        continue;
                    if (in_stems(o->fit.subject_stems, stem, len)) {
                        n++;
                        break;
                    }
                }
            }
            p += len;
        }
        c->sig.others_subject = n;
        int k = 0;
        for (const char *w = c->fit.subject_stems; w && *w; w++)
            if (w[0] != ' ' && (w == c->fit.subject_stems || w[-1] == ' ')) k++;
        c->sig.subject = k;
    }
}

/* Are all the '+'-joined stems of value (n bytes) in the word set? */
static bool all_in_stems(const char *set, const char *value, size_t n)
{
    for (size_t p = 0; p < n;) {
        size_t len = 0;
        while (p + len < n && value[p + len] != '+') len++;
        char stem[64];
        if (!len || len >= sizeof stem) return false;
        memcpy(stem, value + p, len);
        stem[len] = 0;
        if (!in_stems(set, stem, len)) return false;
        p += len + 1;
    }
    return n > 0;
}

/* Counts, per candidate, the values another bound, live candidate filters
 * on of which this one places no word ("sync" of "sync ticket volume" on a
 * daily table without the category): the filters it would drop. A value
 * said partly elsewhere ("closed won" on a table whose measure is won_usd)
 * is kept, not dropped. */
static void dropped_values(scout_discovery *d)
{
    for (size_t i = 0; i < d->n; i++) {
        scout_candidate *c = &d->c[i];
        char seen[512] = " ";
        int n = 0;
        for (size_t j = 0; c->fit.unplaced_stems && j < d->n; j++) {
            const scout_candidate *o = &d->c[j];
            if (j == i || !o->sig.bound || o->sig.trust == SCOUT_TIER_DEPRECATED ||
                (o->sig.needs_time && !o->sig.has_time))
                continue;
            for (const char *p = o->fit.value_stems; p && *p;) {
                while (*p == ' ') p++;
                size_t len = strcspn(p, " ");
                if (!len) break;
                char v[128];
                if (len < sizeof v - 1 && all_in_stems(c->fit.unplaced_stems, p, len)) {
                    memcpy(v, p, len);
                    v[len] = 0;
                    /* each value once, however many candidates filter on it */
                    if (!in_stems(seen, v, len)) {
                        n++;
                        size_t sl = strlen(seen);
                        if (sl + len + 2 < sizeof seen) {
                            memcpy(seen + sl, v, len);
                            seen[sl + len] = ' ';
                            seen[sl + len + 1] = 0;
                        }
                    }
                }
                p += len;
            }
        }
        c->sig.drops_values = n;
    }
}

static bool query_uses(const scout_semantic *q, const char *col)
{
    for (size_t i = 0; i < q->n_dimensions; i++)
        if (q->dimensions[i].ref.column && !strcmp(q->dimensions[i].ref.column, col)) return true;
    for (size_t i = 0; i < q->n_filters; i++)
        if (q->filters[i].ref.column && !strcmp(q->filters[i].ref.column, col)) return true;
    return q->comparison.dimension.column && !strcmp(q->comparison.dimension.column, col);
}

static bool time_name(const char *n, const char *fresh_col)
{
    size_t l = strlen(n);
    return (fresh_col && !strcmp(n, fresh_col)) || !strcmp(n, "day") || !strcmp(n, "date") ||
           ci_contains(n, "month") || ci_contains(n, "week") || ci_contains(n, "quarter") ||
           ci_contains(n, "year") || (l > 5 && !strcmp(n + l - 5, "_date")) ||
           (l > 3 && !strcmp(n + l - 3, "_at")) || (l > 3 && !strcmp(n + l - 3, "_ts"));
}

/* Category columns (text, not a date, not an id) the bound query neither
 * groups nor filters by: the rows a sum adds up across. */
static size_t unasked_categories(const json_t *card, const scout_semantic *q)
{
    size_t i, n = 0;
    const json_t *col;
    const char *fresh = jstr(card, "freshness_column");
    json_array_foreach(json_object_get(card, "columns"), i, col)
    {
        const char *name = jstr(col, "name"), *type = jstr(col, "type");
        size_t l = name ? strlen(name) : 0;
        if (!l || !type || !ci_contains(type, "text") || time_name(name, fresh) ||
            !strcmp(name, "id") || (l > 3 && !strcmp(name + l - 3, "_id")))
            continue;
        if (!query_uses(q, name)) n++;
    }
    return n;
}

/* The one column a bound query sums, or NULL. */
static const char *summed_column(const scout_semantic *q)
{
    if (!q || q->n_measures != 1 || q->measures[0].agg != SCOUT_AGG_SUM) return NULL;
    return q->measures[0].ref.column;
}

/* Two candidates sum the same column; one keeps a category the question
 * does not ask about, the other has none: the second is at the asked grain
 * and gives the right number even when the first repeats the value on each
 * of its extra rows (a service's requests on every latency component). */
static void finer_than_asked(disc_run *r)
{
    scout_discovery *d = r->d;
    size_t left[DISCOVER_MAX_CANDIDATES];
    for (size_t i = 0; i < d->n; i++)
        left[i] = summed_column(d->c[i].query) && r->cards[i]
                      ? unasked_categories(r->cards[i], d->c[i].query)
                      : (size_t)-1;
    for (size_t i = 0; i < d->n; i++) {
        const char *col = summed_column(d->c[i].query);
        /* one row per item: its other categories describe the item, they do
         * not repeat it (an account's segment), so nothing is counted twice */
        if (!col || left[i] == 0 || left[i] == (size_t)-1 || d->c[i].item_grain) continue;
        for (size_t j = 0; j < d->n; j++) {
            const char *other = summed_column(d->c[j].query);
            if (j != i && other && left[j] == 0 && !strcmp(col, other) &&
                d->c[j].sig.trust != SCOUT_TIER_DEPRECATED) {
                d->c[i].sig.finer_than_asked = true;
                break;
            }
        }
    }
}

/* Counting rows answers "how many X" only where a row is an X: once some
 * live candidate's rows are the entity counted or ranked, the others that
 * count their own rows count something else, and those that reach the
 * entity through a join ("top 5 accounts" from opportunities joined to
 * accounts) answer from a table about something else. */
static void other_entity(scout_discovery *d)
{
    bool any = false;
    for (size_t i = 0; i < d->n; i++)
        any |= d->c[i].sig.bound && d->c[i].sig.rows_are_entity &&
               d->c[i].sig.trust != SCOUT_TIER_DEPRECATED;
    for (size_t i = 0; any && i < d->n; i++) {
        const scout_semantic *q = d->c[i].query;
        if (!q || d->c[i].sig.rows_are_entity) continue;
        bool joined = false;
        for (size_t k = 0; k < q->n_dimensions; k++) joined |= q->dimensions[k].ref.table != NULL;
        d->c[i].sig.counts_other_entity =
            joined || (q->n_measures == 1 && q->measures[0].agg == SCOUT_AGG_COUNT &&
                       !q->measures[0].ref.column && !q->measures[0].metric);
    }
}

static void stale_days(scout_discovery *d)
{
    long newest = 0;
    bool any = false;
    for (size_t i = 0; i < d->n; i++) {
        long v;
        if (d->c[i].freshness && date_days(d->c[i].freshness, &v) && (!any || v > newest)) {
            newest = v;
            any = true;
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        long v;
        d->c[i].sig.stale_days = any && d->c[i].freshness && date_days(d->c[i].freshness, &v)
                                     ? (double)(newest - v)
                                     : -1;
    }
}

/* Best first; equal scores keep search order (lookalikes last). */
static int cmp_candidate(const void *a, const void *b)
{
    const scout_candidate *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    int rx = x->search_rank ? x->search_rank : 1000, ry = y->search_rank ? y->search_rank : 1000;
    return rx - ry;
}

/* ---------- reasons ---------- */

/* "double-counts refunds. Use X instead." → "double-counts refunds": the
 * replacement is named separately. */
static void put_reason_core(scout_buf *b, const char *reason)
{
    const char *cut = NULL;
    for (const char *p = reason; *p; p++)
        if ((p[0] == '.' || p[0] == ';') && p[1] == ' ' && !strncasecmp(p + 2, "use ", 4)) {
            cut = p;
            break;
        }
    size_t n = cut ? (size_t)(cut - reason) : strlen(reason);
    while (n && (reason[n - 1] == '.' || reason[n - 1] == ' ')) n--;
    scout_buf_append(b, reason, n);
}

static char *winner_why(const scout_candidate *c)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, 2000);
    if (c->sig.trust == SCOUT_TIER_SOURCE_OF_TRUTH) scout_buf_puts(&b, "source of truth; ");
    if (c->fit.why && *c->fit.why) scout_buf_printf(&b, "%s; ", c->fit.why);
    if (c->search_rank) scout_buf_printf(&b, "search rank %d", c->search_rank);
    if (c->freshness)
        scout_buf_printf(&b, "%sdata to %s", c->search_rank ? "; " : "", c->freshness);
    if (c->fit.missing) scout_buf_printf(&b, "; lacks: %s", c->fit.missing);
    return scout_buf_take(&b);
}

static char *loser_why(const scout_candidate *c, const scout_candidate *w)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, 2000);
    if (c->sig.trust == SCOUT_TIER_DEPRECATED) {
        scout_buf_puts(&b, "deprecated");
        if (c->trust_reason) {
            scout_buf_puts(&b, ", ");
            put_reason_core(&b, c->trust_reason);
        }
        if (c->doc) scout_buf_printf(&b, " (doc: %s)", c->doc);
        const char *use = c->deprecated_by ? c->deprecated_by : w ? w->table : NULL;
        if (use) scout_buf_printf(&b, "; use %s", use);
    } else if (!c->sig.bound) {
        scout_buf_printf(&b, "cannot answer it: %s",
                         c->fit.missing ? c->fit.missing : "nothing in it matches the question");
    } else {
        const char *sep = "";
        if (c->fit.missing) {
            scout_buf_printf(&b, "%s", c->fit.missing);
            sep = "; ";
        }
        if (c->sig.staging && w && !w->sig.staging) {
            scout_buf_printf(&b, "%sa raw/staging copy; %s is the modelled table", sep, w->table);
            sep = "; ";
        }
        if (c->sig.stale_days > 30) {
            scout_buf_printf(&b, "%sstale: data ends %s, %.0f days behind", sep, c->freshness,
                             c->sig.stale_days);
            sep = "; ";
        }
        if (w && w->sig.trust == SCOUT_TIER_SOURCE_OF_TRUTH &&
            c->sig.trust != SCOUT_TIER_SOURCE_OF_TRUTH) {
            scout_buf_printf(&b, "%s%s is the source of truth", sep, w->table);
            sep = "; ";
        }
        if (!*sep)
            scout_buf_printf(&b, "fits less well (score %.2f vs %.2f)", c->score,
                             w ? w->score : 0.0);
    }
    return scout_buf_take(&b);
}

/* ---------- the verdict ---------- */

static bool in_list(const json_t *arr, const char *fq)
{
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (jstr(e, "fqname") && !strcmp(jstr(e, "fqname"), fq)) return true;
    }
    return false;
}

/* Two tables where one is built from the other (a rollup) give the same
 * numbers; choosing between them is not a question worth asking. */
static bool lineage_related(const json_t *card_a, const char *b)
{
    return card_a && (in_list(json_object_get(card_a, "upstream"), b) ||
                      in_list(json_object_get(card_a, "downstream"), b));
}

/* The table's own name without its layer's prefix ("stg_subscriptions" →
 * "subscriptions"), n bytes at *out. */
static const char *base_name(const char *fq, size_t *n)
{
    static const char *const prefixes[] = {"stg_", "raw_", "src_", "int_", "base_"};
    const char *dot = strrchr(fq, '.');
    const char *b = dot ? dot + 1 : fq;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(b, prefixes[i], strlen(prefixes[i]))) b += strlen(prefixes[i]);
    *n = strlen(b);
    return b;
}

/* The bound query as JSON with its table and assumptions left out: two
 * candidates that serialise the same read the same columns the same way. */
static char *reading_of(const scout_semantic *q)
{
    scout_semantic tmp = *q;
    tmp.table = "";
    tmp.n_assumptions = 0;
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, 1 << 16);
    scout_err e = {0};
    if (scout_semantic_to_json(&tmp, &b, &e) != SCOUT_OK) {
        scout_buf_free(&b);
        return NULL;
    }
    return scout_buf_take(&b);
}

/* Copies of one table in several sources or layers (a replica, its staged
 * cleanup): the same name once the layer's prefix is dropped, read through
 * the same columns for this question. Their answers agree, so which one is
 * not a question worth asking back. */
static bool copies(const scout_candidate *a, const scout_candidate *b)
{
    size_t na, nb;
    const char *x = base_name(a->table, &na), *y = base_name(b->table, &nb);
    if (!a->query || !b->query || na != nb || strncmp(x, y, na)) return false;
    char *ja = reading_of(a->query), *jb = reading_of(b->query);
    bool same = ja && jb && !strcmp(ja, jb);
    free(ja);
    free(jb);
    return same;
}

/* Where a copy sits in the pipeline: the experts' source of truth, then
 * modelled layers, then staging, then raw replicas and archives. */
static int layer_rank(const scout_candidate *c)
{
    if (c->sig.trust == SCOUT_TIER_SOURCE_OF_TRUTH) return 3;
    if (!c->sig.staging) return 2;
    if (strstr(c->table, ".staging.") || strstr(c->table, "stg_")) return 1;
    return 0;
}

/* The candidate table i is built or copied from: one its card lists
 * upstream or its description names ("Replica of product.raw.x"); -1. */
static int copied_from(const disc_run *r, size_t i)
{
    const json_t *card = r->cards[i];
    const char *desc = card ? jstr(card, "description") : NULL;
    for (size_t j = 0; card && j < r->d->n; j++)
        if (j != i && (in_list(json_object_get(card, "upstream"), r->d->c[j].table) ||
                       (desc && strstr(desc, r->d->c[j].table))))
            return (int)j;
    return -1;
}

/* Is candidate i built from candidate k, directly or through other
 * candidates (a staged table of a replica of k)? */
static bool built_from(const disc_run *r, size_t i, size_t k)
{
    int at = (int)i;
    for (int step = 0; step < 4 && at >= 0; step++) {
        at = copied_from(r, (size_t)at);
        if (at == (int)k) return true;
    }
    return false;
}

/* Of two copies, the one to answer from: a source of truth, else a
 * modelled layer over raw and staging ones, else the origin the other is
 * built from (a replica lags what it copies), else staging over raw. */
static bool prefer_second_copy(const disc_run *r)
{
    const scout_candidate *a = &r->d->c[0], *b = &r->d->c[1];
    int ra = layer_rank(a), rb = layer_rank(b);
    if ((ra >= 2 || rb >= 2) && ra != rb) return rb > ra;
    if (built_from(r, 0, 1)) return true;
    if (built_from(r, 1, 0)) return false;
    return rb > ra;
}

static json_t *card_for(disc_run *r, const char *fq)
{
    for (size_t i = 0; i < r->d->n; i++)
        if (!strcmp(r->d->c[i].table, fq)) return r->cards[i];
    return NULL;
}

static void set_message(scout_discovery *d, const char *head)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, 4000);
    scout_buf_puts(&b, head);
    size_t shown = 0;
    for (size_t i = 0; i < d->n && shown < 3; i++) {
        const scout_candidate *c = &d->c[i];
        if (!c->sig.bound || c->sig.trust == SCOUT_TIER_DEPRECATED) continue;
        scout_buf_printf(&b, "%s%s (%s)", shown ? "; " : " options: ", c->table,
                         c->fit.why && *c->fit.why ? c->fit.why : "partial match");
        shown++;
    }
    if (!shown) scout_buf_puts(&b, " try naming the measure, the table or the period");
    d->message = scout_buf_take(&b);
}

static void decide(disc_run *r)
{
    scout_discovery *d = r->d;
    const scout_discover_opts *o = r->o;
    double min_score = o->min_score > 0 ? o->min_score : 0.25;
    double margin_min = o->ambiguity_margin > 0 ? o->ambiguity_margin : 0.03;
    d->chosen = -1;
    if (!d->n || !d->c[0].sig.bound || d->c[0].score < min_score) {
        d->verdict = SCOUT_DISCOVER_NOTHING_FITS;
        d->confidence = d->n ? d->c[0].score * 0.3 : 0;
        set_message(d, "no table fits this question well enough to answer it;");
        return;
    }
    const scout_candidate *b = &d->c[0], *s = d->n > 1 && d->c[1].sig.bound ? &d->c[1] : NULL;
    d->margin = s ? b->score - s->score : 1;
    /* Close only when the fit, the search evidence and the trust tier all
     * fail to separate them: coarse fits often tie, and asking back on every
     * tie would be as unhelpful as guessing. */
    bool close = s && d->margin < margin_min && !o->force_table &&
                 fabs(b->sig.search_rel - s->sig.search_rel) < 0.1 &&
                 b->sig.trust == s->sig.trust && fabs(b->sig.fit - s->sig.fit) < 0.05;
    if (close && (lineage_related(card_for(r, b->table), s->table) ||
                  lineage_related(card_for(r, s->table), b->table)))
        close = false;
    if (close && copies(b, s)) {
        /* copies: answer from the most trusted layer instead of asking */
        close = false;
        if (prefer_second_copy(r)) {
            scout_candidate t = d->c[0];
            d->c[0] = d->c[1];
            d->c[1] = t;
            json_t *tc = r->cards[0];
            r->cards[0] = r->cards[1];
            r->cards[1] = tc;
            b = &d->c[0];
            s = &d->c[1];
            d->margin = 0;
        }
    }
    if (close) {
        d->verdict = SCOUT_DISCOVER_AMBIGUOUS;
        d->confidence = b->score * 0.5;
        set_message(d, "two tables fit this question about equally well; which one did you mean?");
        return;
    }
    d->verdict = SCOUT_DISCOVER_CHOSEN;
    d->chosen = 0;
    double m = d->margin / 0.2;
    d->confidence = b->score * (0.6 + 0.4 * (m > 1 ? 1 : m));
}

/* ---------- run ---------- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The inputs of the score, so a surprising choice can be explained. */
static json_t *signals_json(const scout_discover_signals *s)
{
    json_t *o =
        json_pack("{s:f, s:b, s:b, s:b, s:b, s:b, s:f, s:b, s:b, s:b, s:i, s:b, s:i, s:i}",
                  "search_rel", round(s->search_rel * 1000) / 1000, "has_measure", s->has_measure,
                  "by_metric", s->by_metric, "needs_time", s->needs_time, "has_time", s->has_time,
                  "staging", s->staging, "stale_days", s->stale_days, "averages_finer",
                  s->averages_finer, "grain_too_coarse", s->grain_too_coarse, "counts_items",
                  s->counts_items, "others_subject", s->others_subject, "finer_than_asked",
                  s->finer_than_asked, "subject", s->subject, "drops_values", s->drops_values);
    if (o) {
        json_object_set_new(o, "rows_are_entity", json_boolean(s->rows_are_entity));
        json_object_set_new(o, "counts_other_entity", json_boolean(s->counts_other_entity));
        json_object_set_new(o, "grain_straddles", json_boolean(s->grain_straddles));
        json_object_set_new(o, "period_on_cohort", json_boolean(s->period_on_cohort));
        json_object_set_new(o, "drops_threshold", json_integer(s->drops_threshold));
        json_object_set_new(o, "lacks_money", json_boolean(s->lacks_money));
        json_object_set_new(o, "counts_actors", json_boolean(s->counts_actors));
        json_object_set_new(o, "sample_counts", json_boolean(s->sample_counts));
        json_object_set_new(o, "lacks_duration", json_boolean(s->lacks_duration));
    }
    return o;
}

json_t *scout_discovery_candidates_json(const scout_discovery *d)
{
    json_t *arr = json_array();
    for (size_t i = 0; d && i < d->n; i++) {
        const scout_candidate *c = &d->c[i];
        json_t *o = json_pack("{s:s, s:f, s:f, s:i, s:s, s:b}", "table", c->table, "score",
                              round(c->score * 1000) / 1000, "fit", round(c->sig.fit * 1000) / 1000,
                              "search_rank", c->search_rank, "trust", tier_name(c->sig.trust),
                              "bound", c->sig.bound);
        if (!o) continue;
        json_object_set_new(o, "why", str_or_null(c->fit.why));
        if (c->fit.missing) json_object_set_new(o, "missing", json_string(c->fit.missing));
        if (c->why_not) json_object_set_new(o, "why_not", json_string(c->why_not));
        if (c->lookalike_of) json_object_set_new(o, "lookalike_of", json_string(c->lookalike_of));
        if (c->freshness) json_object_set_new(o, "freshness", json_string(c->freshness));
        json_object_set_new(o, "signals", signals_json(&c->sig));
        json_array_append_new(arr, o);
    }
    return json_pack("{s:o}", "candidates", arr);
}

static const char *verdict_name(scout_discover_verdict v)
{
    return v == SCOUT_DISCOVER_CHOSEN      ? "chosen"
           : v == SCOUT_DISCOVER_AMBIGUOUS ? "ambiguous"
                                           : "nothing_fits";
}

json_t *scout_discovery_choice_json(const scout_discovery *d)
{
    const scout_candidate *w = scout_discovery_chosen(d);
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "verdict", json_string(verdict_name(d->verdict)));
    json_object_set_new(o, "table", w ? json_string(w->table) : json_null());
    json_object_set_new(o, "why", w ? str_or_null(w->why) : json_null());
    json_object_set_new(o, "confidence", json_real(round(d->confidence * 1000) / 1000));
    json_object_set_new(o, "margin", json_real(round(d->margin * 1000) / 1000));
    json_t *rej = json_array();
    for (size_t i = 0; i < d->n; i++) {
        const scout_candidate *c = &d->c[i];
        if (w == c || !c->why_not) continue;
        json_array_append_new(rej, json_pack("{s:s, s:s}", "table", c->table, "why", c->why_not));
    }
    json_object_set_new(o, "rejected", rej);
    if (d->message) json_object_set_new(o, "message", json_string(d->message));
    return o;
}

const scout_candidate *scout_discovery_chosen(const scout_discovery *d)
{
    return d && d->chosen >= 0 && (size_t)d->chosen < d->n ? &d->c[d->chosen] : NULL;
}

static void explain(scout_discovery *d)
{
    const scout_candidate *w = scout_discovery_chosen(d);
    for (size_t i = 0; i < d->n; i++) {
        scout_candidate *c = &d->c[i];
        if (c == w)
            c->why = winner_why(c);
        else
            c->why_not = loser_why(c, w ? w : d->n ? &d->c[0] : NULL);
    }
}

scout_rc scout_discover_run(const scout_discover_opts *o, const scout_question *q,
                            scout_discovery **out, scout_err *err)
{
    *out = NULL;
    disc_run r = {0};
    r.o = o;
    r.d = calloc(1, sizeof *r.d);
    if (r.d) r.d->c = calloc(DISCOVER_MAX_CANDIDATES, sizeof *r.d->c);
    if (!r.d || !r.d->c) {
        scout_discovery_free(r.d);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory for discovery");
    }
    scout_rc rc = SCOUT_OK;
    if (o->force_table) {
        if (!add_candidate(r.d, o->force_table))
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
        if (!rc) r.d->c[0].search_rank = 1, r.d->c[0].sig.search_rel = 1;
    } else {
        scout_event_status(o->events, "searching the catalog for candidate tables");
        rc = gather_search(&r, q, err);
        if (!rc) gather_lookalikes(&r);
    }
    for (size_t i = 0; !rc && i < r.d->n; i++) {
        if (!r.cards[i]) r.cards[i] = load_card(o, r.d->c[i].table);
        if (r.cards[i]) read_card_facts(&r.d->c[i], r.cards[i]);
        rc = bind_one(&r, i, q, err);
    }
    if (!rc && !o->force_table) rc = gather_join_neighbours(&r, q, err);
    if (!rc) {
        stale_days(r.d);
        others_subject(r.d);
        dropped_values(r.d);
        finer_than_asked(&r);
        other_entity(r.d);
        for (size_t i = 0; i < r.d->n; i++) r.d->c[i].score = scout_discover_score(&r.d->c[i].sig);
    }
    if (!rc) {
        /* The cards travel with their candidates: sort an index, then permute both. */
        size_t n = r.d->n;
        scout_candidate tmp[DISCOVER_MAX_CANDIDATES];
        json_t *cards[DISCOVER_MAX_CANDIDATES] = {0};
        memcpy(tmp, r.d->c, n * sizeof *tmp);
        size_t order[DISCOVER_MAX_CANDIDATES];
        for (size_t i = 0; i < n; i++) order[i] = i;
        for (size_t i = 1; i < n; i++) /* insertion sort: n is tiny and it is stable */
            for (size_t j = i; j > 0 && cmp_candidate(&tmp[order[j]], &tmp[order[j - 1]]) < 0;
                 j--) {
                size_t t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
        for (size_t i = 0; i < n; i++) {
            r.d->c[i] = tmp[order[i]];
            cards[i] = r.cards[order[i]];
        }
        memcpy(r.cards, cards, n * sizeof *cards);
        decide(&r);
        explain(r.d);
        scout_event_emit(o->events, SCOUT_EVENT_CANDIDATES, scout_discovery_candidates_json(r.d));
        scout_event_emit(o->events, SCOUT_EVENT_TABLE_CHOICE, scout_discovery_choice_json(r.d));
    }
    for (size_t i = 0; i < DISCOVER_MAX_CANDIDATES; i++) json_decref(r.cards[i]);
    if (rc) {
        scout_discovery_free(r.d);
        return rc;
    }
    *out = r.d;
    return SCOUT_OK;
}

void scout_discovery_free(scout_discovery *d)
{
    if (!d) return;
    for (size_t i = 0; d->c && i < d->n; i++) {
        scout_candidate *c = &d->c[i];
        free(c->table);
        scout_question_fit_free(&c->fit);
        scout_semantic_free(c->query);
        free(c->trust_reason);
        free(c->deprecated_by);
        free(c->freshness);
        free(c->doc);
        free(c->lookalike_of);
        free(c->why);
        free(c->why_not);
    }
    free(d->c);
    free(d->message);
    free(d);
}
