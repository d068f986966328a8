/* acme_subs — product.raw accounts, subscriptions and subscription_events.
 * This is where the Growth-vs-Finance Plus subscriber disagreement is born:
 * trials, refunds that keep access until period end, a nightly cancellation
 * job at 02:00 UTC (which lands on the previous day in Pacific time),
 * duplicate accounts sharing a billing email, and internal test accounts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "acme/acme_int.h"

#define NONE  INT64_MIN
#define DAY_S 86400
#define END_S ((int64_t)ACME_DAYS * DAY_S) /* first second after the data */

static const char *const FIRST[] = {
    "olivia", "liam",  "emma",  "noah",  "ava",    "lucas", "mia",   "leo",   "sofia", "mateo",
    "amara",  "kenji", "priya", "arjun", "chloe",  "yusuf", "elena", "jonas", "maya",  "diego",
    "hana",   "omar",  "zoe",   "felix", "ingrid", "tariq", "lena",  "raj",   "nora",  "kofi"};
static const char *const LAST[] = {"smith", "garcia", "muller", "rossi",  "tanaka", "kim",
                                   "patel", "silva",  "nguyen", "dubois", "novak",  "okafor",
                                   "jones", "larsen", "moreau", "santos", "weber",  "ito",
                                   "khan",  "brown",  "lopez",  "chen",   "berg",   "costa"};
static const char *const DOMAINS[] = {"gmail.com", "outlook.com", "proton.me", "yahoo.com",
                                      "icloud.com"};
static const char *const CO_A[] = {"Blue",   "Northwind", "Vertex", "Lumen",  "Atlas",   "Cobalt",
                                   "Nimbus", "Harbor",    "Summit", "Quartz", "Pioneer", "Orbit",
                                   "Cedar",  "Falcon",    "Helix",  "Ionic",  "Juniper", "Kestrel"};
static const char *const CO_B[] = {"Logistics", "Health",    "Labs",    "Capital", "Retail",
                                   "Media",     "Systems",   "Foods",   "Energy",  "Robotics",
                                   "Travel",    "Analytics", "Studios", "Partners"};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct sub_row {
    int64_t id, account_id;
    const char *plan;
    int64_t started, trial_end, converted, canceled, refunded; /* absolute seconds or NONE */
    int seats;
    double price;
} sub_row;

typedef struct subs_gen {
    acme_ctx *c;
    acme_rng r;
    sqlite3_stmt *acct, *sub, *ev;
    int64_t next_account, next_sub, next_event;
} subs_gen;

const char *acme_biz_segment(int64_t account_id)
{
    int64_t k = account_id % 10;
    return k < 2 ? "enterprise" : k < 5 ? "mid-market" : "smb";
}

bool acme_biz_declining(const acme_ctx *c, int64_t account_id)
{
    if (account_id < 1 || account_id > c->n_biz_accounts) return false;
    if (strcmp(acme_biz_segment(account_id), "enterprise")) return false;
    acme_rng r;
    char name[32];
    snprintf(name, sizeof name, "declining-%lld", (long long)account_id);
    acme_rng_seed(&r, c->seed, name);
    return acme_rng_chance(&r, 0.4);
}

static void ts_text(int64_t t, char out[20])
{
    int64_t day = t >= 0 ? t / DAY_S : -((-t + DAY_S - 1) / DAY_S);
    acme_ts_str((int)day, (int)(t - day * DAY_S), out);
}

static void bind_ts(sqlite3_stmt *st, int i, int64_t t)
{
    if (t == NONE) {
        sqlite3_bind_null(st, i);
        return;
    }
    char s[20];
    ts_text(t, s);
    acme_bind_text(st, i, s);
}

static scout_rc insert_account(subs_gen *g, int64_t id, const char *name, const char *email,
                               const char *type, const char *segment, const char *country,
                               int64_t created, bool is_test, const char *plan)
{
    sqlite3_stmt *st = g->acct;
    sqlite3_bind_int64(st, 1, id);
    acme_bind_text(st, 2, name);
    acme_bind_text(st, 3, email);
    acme_bind_text(st, 4, type);
    acme_bind_text(st, 5, segment);
    acme_bind_text(st, 6, country);
    bind_ts(st, 7, created);
    sqlite3_bind_int(st, 8, is_test);
    acme_bind_text(st, 9, plan);
    return acme_step_reset(g->c, st);
}

static scout_rc insert_event(subs_gen *g, const sub_row *s, const char *type, int64_t t,
                             double amount)
{
    if (t == NONE) return SCOUT_OK;
    sqlite3_stmt *st = g->ev;
    sqlite3_bind_int64(st, 1, g->next_event++);
    sqlite3_bind_int64(st, 2, s->id);
    sqlite3_bind_int64(st, 3, s->account_id);
    acme_bind_text(st, 4, type);
    bind_ts(st, 5, t);
    acme_bind_text(st, 6, s->plan);
    sqlite3_bind_double(st, 7, amount);
    return acme_step_reset(g->c, st);
}

static const char *sub_status(const sub_row *s)
{
    if (s->canceled != NONE) return s->converted == NONE ? "expired" : "canceled";
    if (s->refunded != NONE) return "refunded";
    return s->converted == NONE ? "trialing" : "active";
}

/* Business subscriptions change seat counts now and then: upgrade/downgrade events. */
static scout_rc seat_changes(subs_gen *g, const sub_row *s)
{
    scout_rc rc = SCOUT_OK;
    int64_t stop = s->canceled == NONE ? END_S : s->canceled;
    for (int64_t t = s->converted + 90 * DAY_S; !rc && t < stop; t += 90 * DAY_S) {
        if (!acme_rng_chance(&g->r, 0.3)) continue;
        bool up = acme_rng_chance(&g->r, 0.7);
        rc = insert_event(g, s, up ? "upgrade" : "downgrade", t + acme_rng_range(&g->r, 0, 80000),
                          (up ? 1 : -1) * s->price * (double)acme_rng_range(&g->r, 1, 5));
    }
    return rc;
}

static scout_rc insert_sub(subs_gen *g, sub_row *s)
{
    s->id = g->next_sub++;
    sqlite3_stmt *st = g->sub;
    sqlite3_bind_int64(st, 1, s->id);
    sqlite3_bind_int64(st, 2, s->account_id);
    acme_bind_text(st, 3, s->plan);
    acme_bind_text(st, 4, sub_status(s));
    bind_ts(st, 5, s->started);
    bind_ts(st, 6, s->trial_end);
    bind_ts(st, 7, s->converted);
    bind_ts(st, 8, s->canceled);
    bind_ts(st, 9, s->refunded);
    sqlite3_bind_int(st, 10, s->seats);
    sqlite3_bind_double(st, 11, s->converted == NONE ? 0.0 : s->price * s->seats);
    scout_rc rc = acme_step_reset(g->c, st);
    double amount = s->price * s->seats;
    if (s->trial_end != NONE) {
        if (!rc) rc = insert_event(g, s, "trial_start", s->started, 0);
        if (!rc) rc = insert_event(g, s, "trial_convert", s->converted, amount);
    } else if (!rc) {
        rc = insert_event(g, s, "subscribe", s->started, amount);
    }
    if (!rc) rc = insert_event(g, s, "refund", s->refunded, -amount);
    if (!rc) rc = insert_event(g, s, "cancel", s->canceled, 0);
    if (!rc && s->seats > 1 && s->converted != NONE) rc = seat_changes(g, s);
    return rc;
}

/* Most cancellations come from the nightly dunning job, which runs at 02:00
 * UTC: in Pacific time that is still the previous evening. */
static int64_t cancel_time(acme_rng *r, int64_t day)
{
    if (acme_rng_chance(r, 0.4)) return day * DAY_S + 7200 + acme_rng_range(r, 0, 3599);
    return day * DAY_S + acme_rng_range(r, 0, DAY_S - 1);
}

static void clip_future(sub_row *s)
{
    if (s->converted != NONE && s->converted >= END_S) s->converted = NONE;
    if (s->canceled != NONE && s->canceled >= END_S) s->canceled = NONE;
    if (s->refunded != NONE && s->refunded >= END_S) s->refunded = NONE;
}

/* A paid life: monthly churn, occasional refund (access continues to period end). */
static void paid_life(acme_rng *r, sub_row *s, double churn, double refund_p)
{
    for (int64_t t = s->converted + 30 * DAY_S; t < END_S; t += 30 * DAY_S) {
        if (acme_rng_chance(r, churn)) {
            s->canceled = cancel_time(r, t / DAY_S);
            break;
        }
    }
    if (acme_rng_chance(r, refund_p)) {
        s->refunded = s->converted + acme_rng_range(r, 1, 25) * DAY_S + acme_rng_range(r, 0, 80000);
        int64_t end = s->refunded + acme_rng_range(r, 0, 30) * DAY_S + 3600;
        if (s->canceled == NONE || end < s->canceled) s->canceled = end;
    }
}

static void consumer_journey(acme_rng *r, sub_row *s, int64_t start)
{
    s->plan = acme_rng_chance(r, 0.9) ? "plus" : "pro";
    s->price = !strcmp(s->plan, "plus") ? 12.0 : 29.0;
    s->seats = 1;
    s->started = start;
    s->trial_end = s->converted = s->canceled = s->refunded = NONE;
    if (acme_rng_chance(r, 0.85)) {
        s->trial_end = start + 14 * DAY_S;
        if (acme_rng_chance(r, 0.55))
            s->converted = s->trial_end;
        else if (s->trial_end < END_S)
            s->canceled = s->trial_end;
    } else {
        s->converted = start;
    }
    if (s->converted != NONE && s->converted < END_S) paid_life(r, s, 0.035, 0.04);
    clip_future(s);
}

static void person(acme_rng *r, int64_t id, char *name, size_t nn, char *email, size_t en,
                   bool test)
{
    const char *f = FIRST[acme_rng_range(r, 0, N(FIRST) - 1)];
    const char *l = LAST[acme_rng_range(r, 0, N(LAST) - 1)];
    snprintf(name, nn, "%c%s %c%s", f[0] - 32, f + 1, l[0] - 32, l + 1);
    if (test)
        snprintf(email, en, "qa.%s%lld@acme-internal.test", f, (long long)id);
    else
        snprintf(email, en, "%s.%s%lld@%s", f, l, (long long)id,
                 DOMAINS[acme_rng_range(r, 0, N(DOMAINS) - 1)]);
}

static const char *end_plan(const sub_row *s)
{
    return s->canceled == NONE ? s->plan : "free";
}

/* Business accounts 1..n_biz: Pro or Enterprise seats, no trials, low churn. */
static scout_rc business_accounts(subs_gen *g)
{
    acme_ctx *c = g->c;
    scout_rc rc = SCOUT_OK;
    for (int64_t id = 1; !rc && id <= c->n_biz_accounts; id++) {
        const char *seg = acme_biz_segment(id);
        bool ent = !strcmp(seg, "enterprise");
        sub_row s = {.account_id = id, .plan = ent ? "enterprise" : "pro"};
        s.price = ent ? 45.0 : 29.0;
        s.seats = (int)(ent                          ? acme_rng_range(&g->r, 20, 200)
                        : !strcmp(seg, "mid-market") ? acme_rng_range(&g->r, 5, 40)
                                                     : acme_rng_range(&g->r, 2, 10));
        int64_t created =
            acme_rng_range(&g->r, -700, 700) * DAY_S + acme_rng_range(&g->r, 0, 80000);
        s.started = s.converted = created + acme_rng_range(&g->r, 0, 30) * DAY_S;
        s.trial_end = s.canceled = s.refunded = NONE;
        /* Declining accounts must stay customers: their renewal is what is at risk. */
        if (!acme_biz_declining(c, id)) paid_life(&g->r, &s, ent ? 0.004 : 0.01, 0.01);
        clip_future(&s);
        if (s.started >= END_S) s.started = s.converted = END_S - DAY_S;
        char name[64], email[96];
        snprintf(name, sizeof name, "%s %s %s", CO_A[id % N(CO_A)], CO_B[(id / 3) % N(CO_B)],
                 ent      ? "Group"
                 : id % 2 ? "Inc"
                          : "GmbH");
        snprintf(email, sizeof email, "billing@%s-%s%lld.example", CO_A[id % N(CO_A)],
                 CO_B[(id / 3) % N(CO_B)], (long long)id);
        for (char *p = email; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        rc = insert_account(g, id, name, email, "business", seg, acme_pick_country(&g->r)->code,
                            created, false, end_plan(&s));
        if (!rc) rc = insert_sub(g, &s);
    }
    g->next_account = c->n_biz_accounts + 1;
    return rc;
}

/* A second account someone opened with the same billing email, also paying for Plus. */
static scout_rc duplicate_account(subs_gen *g, const sub_row *orig, const char *name,
                                  const char *email, const char *country)
{
    int64_t created = orig->converted + acme_rng_range(&g->r, 1, 60) * DAY_S + 3600;
    if (created >= END_S) return SCOUT_OK;
    sub_row s = {.account_id = g->next_account++, .plan = "plus", .price = 12.0, .seats = 1};
    s.started = s.converted = created + 600;
    s.trial_end = s.canceled = s.refunded = NONE;
    paid_life(&g->r, &s, 0.02, 0.0);
    clip_future(&s);
    scout_rc rc = insert_account(g, s.account_id, name, email, "consumer", "consumer", country,
                                 created, false, end_plan(&s));
    return rc ? rc : insert_sub(g, &s);
}

static scout_rc consumer_account(subs_gen *g)
{
    acme_rng *r = &g->r;
    int64_t id = g->next_account++;
    bool test = acme_rng_chance(r, 0.003);
    char name[64], email[96];
    person(r, id, name, sizeof name, email, sizeof email, test);
    /* Sign-ups grow over time: sqrt skews creation towards recent days. */
    int64_t day = -365 + (int64_t)(1094.0 * sqrt(acme_rng_unit(r)));
    int64_t created = day * DAY_S + acme_rng_range(r, 0, DAY_S - 1);
    const char *country = acme_pick_country(r)->code;
    sub_row s = {.account_id = id};
    bool has_sub = test || acme_rng_chance(r, 0.7);
    if (has_sub) {
        consumer_journey(r, &s, created + acme_rng_range(r, 0, 10 * DAY_S));
        if (test) { /* QA accounts convert and never churn */
            s.plan = "plus";
            s.price = 12.0;
            if (s.converted == NONE && s.trial_end != NONE && s.trial_end < END_S)
                s.converted = s.trial_end;
            s.canceled = s.refunded = NONE;
        }
    }
    if (has_sub && s.started >= END_S) has_sub = false;
    scout_rc rc = insert_account(g, id, name, email, "consumer", "consumer", country, created, test,
                                 has_sub ? end_plan(&s) : "free");
    if (!rc && has_sub) rc = insert_sub(g, &s);
    if (!rc && has_sub && !test && s.converted != NONE && acme_rng_chance(r, 0.05))
        rc = duplicate_account(g, &s, name, email, country);
    return rc;
}

/* ---- Guaranteeing the five factors --------------------------------------- */

/* Growth's active set on the last day (UTC day, trials and everything included). */
#define G_ACTIVE                                                                                   \
    " FROM raw.subscriptions s JOIN raw.accounts a ON a.account_id = s.account_id"                 \
    " WHERE s.plan = 'plus' AND date(s.started_at) <= '2026-11-24'"                                \
    " AND (s.canceled_at IS NULL OR date(s.canceled_at) >= '2026-11-24')"

static const char *const FACTOR_SQL[5] = {
    /* trials */
    "SELECT count(*)" G_ACTIVE
    " AND (s.converted_at IS NULL OR date(s.converted_at) > '2026-11-24')",
    /* duplicate accounts */
    "SELECT count(*) - count(DISTINCT a.billing_email)" G_ACTIVE,
    /* refunds */
    "SELECT count(*)" G_ACTIVE " AND s.refunded_at IS NOT NULL",
    /* test accounts */
    "SELECT count(*)" G_ACTIVE " AND a.is_test = 1",
    /* timezone: cancelled before 08:00 UTC on the last day = the previous Pacific day */
    "SELECT count(*)" G_ACTIVE " AND date(s.canceled_at, '-8 hours') < '2026-11-24'",
};

/* Adds one subscriber that only the given factor excludes. */
static scout_rc topup(subs_gen *g, int factor, int64_t k)
{
    const int64_t last = (int64_t)ACME_LAST * DAY_S;
    sub_row s = {.account_id = g->next_account++, .plan = "plus", .price = 12.0, .seats = 1};
    s.trial_end = s.canceled = s.refunded = NONE;
    s.started = s.converted = last - (40 + 7 * k) * DAY_S + 36000;
    if (factor == 0) {
        s.started = last - (1 + k % 12) * DAY_S + 40000;
        s.trial_end = s.started + 14 * DAY_S;
        s.converted = NONE;
    } else if (factor == 2) {
        s.refunded = last - (1 + k % 20) * DAY_S + 50000;
    } else if (factor == 4) {
        s.canceled = last + 7200 + 97 * k % 3600;
    }
    acme_rng *r = &g->r;
    char name[64], email[96];
    person(r, s.account_id, name, sizeof name, email, sizeof email, factor == 3);
    const char *country = acme_pick_country(r)->code;
    scout_rc rc = insert_account(g, s.account_id, name, email, "consumer", "consumer", country,
                                 s.started - 3600, factor == 3, end_plan(&s));
    if (!rc) rc = insert_sub(g, &s);
    if (!rc && factor == 1) {
        sub_row d = s;
        d.account_id = g->next_account++;
        d.started = d.converted = s.started + 5 * DAY_S;
        rc = insert_account(g, d.account_id, name, email, "consumer", "consumer", country,
                            d.started - 600, false, "plus");
        if (!rc) rc = insert_sub(g, &d);
    }
    return rc;
}

/* Makes every factor nonzero and all five counts different, so that the
 * disagreement can be stack-ranked even at tiny scales. */
static scout_rc ensure_factors(subs_gen *g)
{
    static const int64_t floors[5] = {8, 6, 4, 3, 2};
    int64_t target[5] = {0};
    scout_rc rc = SCOUT_OK;
    for (int f = 0; !rc && f < 5; f++) {
        int64_t have = 0;
        rc = acme_query_int(g->c, FACTOR_SQL[f], &have);
        int64_t t = have > floors[f] ? have : floors[f];
        for (bool clash = true; clash;) {
            clash = false;
            for (int p = 0; p < f; p++)
                if (target[p] == t) clash = true;
            if (clash) t++;
        }
        target[f] = t;
        for (int64_t k = 0; !rc && k < t - have; k++) rc = topup(g, f, k);
    }
    return rc;
}

static scout_rc create_tables(acme_ctx *c)
{
    scout_rc rc = acme_raw_table(
        c, "raw", "accounts", "app-platform",
        "Product accounts from the app database (one per sign-up; business accounts 1..N are the "
        "CRM accounts). Duplicate accounts can share a billing_email; internal test accounts use "
        "@acme-internal.test and is_test = 1.",
        "CREATE TABLE raw.accounts (account_id INTEGER PRIMARY KEY, account_name TEXT NOT NULL, "
        "billing_email TEXT NOT NULL, account_type TEXT NOT NULL, segment TEXT, country_code "
        "TEXT, created_at TEXT NOT NULL, is_test INTEGER NOT NULL DEFAULT 0, plan TEXT)");
    if (!rc)
        rc = acme_raw_table(
            c, "raw", "subscriptions", "app-platform",
            "Subscriptions from the billing service: one row per subscription with trial, paid "
            "conversion, cancellation and refund timestamps (UTC). Refunded subscriptions keep "
            "access until the end of the paid period.",
            "CREATE TABLE raw.subscriptions (subscription_id INTEGER PRIMARY KEY, account_id "
            "INTEGER NOT NULL REFERENCES accounts(account_id), plan TEXT NOT NULL, status TEXT "
            "NOT NULL, started_at TEXT NOT NULL, trial_ends_at TEXT, converted_at TEXT, "
            "canceled_at TEXT, refunded_at TEXT, seats INTEGER NOT NULL, mrr_usd REAL NOT NULL)");
    if (!rc)
        rc = acme_raw_table(
            c, "raw", "subscription_events", "app-platform",
            "Subscription lifecycle events: trial_start, trial_convert, subscribe, upgrade, "
            "downgrade, cancel, refund (UTC timestamps).",
            "CREATE TABLE raw.subscription_events (event_id INTEGER PRIMARY KEY, subscription_id "
            "INTEGER NOT NULL REFERENCES subscriptions(subscription_id), account_id INTEGER NOT "
            "NULL, event_type TEXT NOT NULL, event_ts TEXT NOT NULL, plan TEXT, amount_usd REAL)");
    return rc;
}

scout_rc acme_gen_subs(acme_ctx *c)
{
    subs_gen g = {.c = c, .next_sub = 1, .next_event = 1};
    acme_rng_seed(&g.r, c->seed, "subscriptions");
    c->n_biz_accounts = acme_scaled(c, 1500, 60);
    int64_t n_consumer = acme_scaled(c, 36000, 500);
    scout_rc rc = create_tables(c);
    if (!rc) rc = acme_prepare(c, "INSERT INTO raw.accounts VALUES (?,?,?,?,?,?,?,?,?)", &g.acct);
    if (!rc)
        rc =
            acme_prepare(c, "INSERT INTO raw.subscriptions VALUES (?,?,?,?,?,?,?,?,?,?,?)", &g.sub);
    if (!rc)
        rc = acme_prepare(c, "INSERT INTO raw.subscription_events VALUES (?,?,?,?,?,?,?)", &g.ev);
    if (!rc) rc = acme_begin(c);
    if (!rc) rc = business_accounts(&g);
    for (int64_t i = 0; !rc && i < n_consumer; i++) rc = consumer_account(&g);
    if (!rc) rc = ensure_factors(&g);
    if (!rc) rc = acme_commit(c);
    c->n_accounts = g.next_account - 1;
    sqlite3_finalize(g.acct);
    sqlite3_finalize(g.sub);
    sqlite3_finalize(g.ev);
    return rc;
}
