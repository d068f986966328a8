/* acme_product — the product warehouse: users, feature events (the biggest
 * table), the feature catalog with the "Lighthouse" export launch, the
 * growth analytics marts built from dbt model SQL, and the sandbox team copies
 * that make table discovery hard. Accounts/subscriptions come from acme_subs.c
 * and engineering tables from acme_eng.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme_int.h"

#define N(a)    ((int)(sizeof(a) / sizeof((a)[0])))
#define MIN_DAY (-800)

static const char *const PLATFORMS[] = {"ios", "android", "web", "desktop"};
static const double PLATFORM_W[] = {0.32, 0.22, 0.34, 0.12};

typedef struct feature_def {
    const char *name, *codename, *launched, *description;
    double weight;
} feature_def;

static const feature_def FEATURES[] = {
    {"composer", NULL, "2019-03-01", "Write and edit documents", 30},
    {"search", NULL, "2019-03-01", "Full-text search across workspaces", 18},
    {"inbox", NULL, "2019-09-15", "Notifications and mentions inbox", 14},
    {"comments", NULL, "2020-02-10", "Inline comments and threads", 9},
    {"share", NULL, "2020-05-04", "Share documents with people outside the workspace", 6},
    {"templates", NULL, "2021-01-20", "Document templates gallery", 5},
    {"calendar", NULL, "2022-04-12", "Calendar view of tasks", 4},
    {"ai_assist", "Beacon", "2025-04-08", "AI writing assistant inside the composer", 6},
    {"mobile_sync", NULL, "2021-08-30", "Offline sync on mobile", 3},
    {"export", "Lighthouse", "2026-06-02",
     "Export documents to PDF, Word and Markdown (launched 2026-06-02, codename Lighthouse)", 7},
};

typedef struct user_rec {
    int64_t account_id;
    int signup_day;
    int platform;
} user_rec;

typedef struct product_gen {
    acme_ctx *c;
    acme_rng r;
    user_rec *users; /* index = user_id - 1 */
    int64_t n_users;
    int64_t *by_signup; /* user indexes ordered by signup day */
    int64_t *signed_by; /* signed_by[d - MIN_DAY] = users signed up on or before day d */
    int64_t *biz_first, *biz_count; /* per business account: first user index and count */
    sqlite3_stmt *ins;
    int64_t next_event;
} product_gen;

static int feature_launch_day(const feature_def *f)
{
    int y, m, d;
    if (sscanf(f->launched, "%d-%d-%d", &y, &m, &d) != 3) return MIN_DAY;
    int day = acme_day_index(y, m, d);
    return day < MIN_DAY ? MIN_DAY : day;
}

static int day_of_ts(const char *ts)
{
    int y, m, d;
    if (!ts || sscanf(ts, "%d-%d-%d", &y, &m, &d) != 3) return 0;
    int day = acme_day_index(y, m, d);
    return day < MIN_DAY ? MIN_DAY : day > ACME_LAST ? ACME_LAST : day;
}

static scout_rc add_user(product_gen *g, sqlite3_stmt *st, int64_t account_id, int day,
                         const char *plan, const char *country)
{
    user_rec *u = &g->users[g->n_users];
    u->account_id = account_id;
    u->signup_day = day;
    u->platform = acme_rng_weighted(&g->r, PLATFORM_W, 4);
    int64_t uid = ++g->n_users;
    char ds[11];
    acme_day_str(day, ds);
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_int64(st, 2, account_id);
    char email[48];
    snprintf(email, sizeof email, "user%lld@acct%lld.example", (long long)uid,
             (long long)account_id);
    acme_bind_text(st, 3, email);
    acme_bind_text(st, 4, PLATFORMS[u->platform]);
    acme_bind_text(st, 5, plan);
    acme_bind_text(st, 6, ds);
    acme_bind_text(st, 7, country);
    return acme_step_reset(g->c, st);
}

/* Users: many per business account, one or two per consumer account. */
static scout_rc gen_users(product_gen *g)
{
    acme_ctx *c = g->c;
    sqlite3_stmt *sel = NULL, *ins = NULL;
    scout_rc rc = acme_prepare(c,
                               "SELECT account_id, account_type, segment, created_at, plan, "
                               "country_code FROM raw.accounts ORDER BY account_id",
                               &sel);
    if (!rc) rc = acme_prepare(c, "INSERT INTO raw.users VALUES (?,?,?,?,?,?,?)", &ins);
    if (!rc) rc = acme_begin(c);
    while (!rc && sqlite3_step(sel) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(sel, 0);
        const char *seg = (const char *)sqlite3_column_text(sel, 2);
        int day = day_of_ts((const char *)sqlite3_column_text(sel, 3));
        const char *plan = (const char *)sqlite3_column_text(sel, 4);
        const char *country = (const char *)sqlite3_column_text(sel, 5);
        int64_t n = 1;
        if (id <= c->n_biz_accounts) {
            n = !strcmp(seg, "enterprise")   ? acme_rng_range(&g->r, 15, 40)
                : !strcmp(seg, "mid-market") ? acme_rng_range(&g->r, 5, 15)
                                             : acme_rng_range(&g->r, 2, 5);
            g->biz_first[id] = g->n_users;
            g->biz_count[id] = n;
        } else if (acme_rng_chance(&g->r, 0.15)) {
            n = 2;
        }
        for (int64_t k = 0; !rc && k < n; k++) {
            int sd = day + (k ? (int)acme_rng_range(&g->r, 0, 60) : 0);
            rc = add_user(g, ins, id, sd > ACME_LAST ? ACME_LAST : sd, plan, country);
        }
    }
    if (!rc) rc = acme_commit(c);
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

/* Counting sort of users by signup day, so "users who exist on day d" is a prefix. */
static scout_rc index_signups(product_gen *g)
{
    size_t nd = (size_t)(ACME_DAYS - MIN_DAY);
    g->by_signup = malloc((size_t)g->n_users * sizeof *g->by_signup + 1);
    g->signed_by = calloc(nd, sizeof *g->signed_by);
    if (!g->by_signup || !g->signed_by)
        return scout_err_set(g->c->err, SCOUT_ENOMEM, "acme: out of memory");
    for (int64_t i = 0; i < g->n_users; i++) g->signed_by[g->users[i].signup_day - MIN_DAY]++;
    int64_t acc = 0;
    for (size_t d = 0; d < nd; d++) {
        int64_t k = g->signed_by[d];
        g->signed_by[d] = acc; /* start offset for now */
        acc += k;
    }
    for (int64_t i = 0; i < g->n_users; i++)
        g->by_signup[g->signed_by[g->users[i].signup_day - MIN_DAY]++] = i;
    /* After placement signed_by[d] is the end offset of day d, i.e. the prefix length. */
    return SCOUT_OK;
}

static scout_rc insert_feature_event(product_gen *g, int64_t user, int day, int feature)
{
    sqlite3_stmt *st = g->ins;
    acme_rng *r = &g->r;
    int platform = acme_rng_chance(r, 0.8) ? g->users[user].platform : (int)acme_rng_range(r, 0, 3);
    char ts[20];
    acme_ts_str(day, (int)acme_rng_range(r, 0, 86399), ts);
    static const char *const ACTIONS[] = {"open", "use", "use", "complete"};
    sqlite3_bind_int64(st, 1, g->next_event++);
    sqlite3_bind_int64(st, 2, user + 1);
    acme_bind_text(st, 3, FEATURES[feature].name);
    acme_bind_text(st, 4, ACTIONS[acme_rng_range(r, 0, 3)]);
    acme_bind_text(st, 5, PLATFORMS[platform]);
    acme_bind_text(st, 6, ts);
    return acme_step_reset(g->c, st);
}

static void feature_weights(int day, double *w)
{
    for (int f = 0; f < N(FEATURES); f++) {
        int launch = feature_launch_day(&FEATURES[f]);
        w[f] = day < launch ? 0.0 : FEATURES[f].weight;
        /* New features ramp up over their first two months. */
        if (day >= launch && day - launch < 60) w[f] *= 0.3 + 0.7 * (day - launch) / 60.0;
    }
}

/* Key enterprise accounts: steady usage, except declining ones fade over the last 9 weeks. */
static scout_rc enterprise_stream(product_gen *g, int day, const double *w)
{
    acme_ctx *c = g->c;
    scout_rc rc = SCOUT_OK;
    for (int64_t a = 1; !rc && a <= c->n_biz_accounts; a++) {
        if (strcmp(acme_biz_segment(a), "enterprise") || g->biz_count[a] == 0) continue;
        if (g->users[g->biz_first[a]].signup_day > day) continue;
        double trend = 1.0 + 0.1 * day / ACME_LAST;
        int fade_start = ACME_LAST - 63;
        if (acme_biz_declining(c, a) && day >= fade_start)
            trend = 1.0 - 0.8 * (day - fade_start) / 63.0;
        double lambda = 2.0 * trend;
        int64_t k = (int64_t)lambda + (acme_rng_chance(&g->r, lambda - (int64_t)lambda) ? 1 : 0);
        for (int64_t i = 0; !rc && i < k; i++) {
            int64_t u = g->biz_first[a] + acme_rng_range(&g->r, 0, g->biz_count[a] - 1);
            rc = insert_feature_event(g, u, day, acme_rng_weighted(&g->r, w, N(FEATURES)));
        }
    }
    return rc;
}

static scout_rc gen_feature_events(product_gen *g)
{
    acme_ctx *c = g->c;
    double per_day = 800000.0 * c->scale / ACME_DAYS / 0.95;
    double carry = 0;
    scout_rc rc = acme_prepare(c, "INSERT INTO raw.feature_events VALUES (?,?,?,?,?,?)", &g->ins);
    if (!rc) rc = acme_begin(c);
    for (int day = 0; !rc && day < ACME_DAYS; day++) {
        double w[N(FEATURES)];
        feature_weights(day, w);
        double want =
            per_day * (0.6 + 0.8 * day / ACME_LAST) * (acme_weekday(day) < 5 ? 1.1 : 0.75);
        want += carry;
        int64_t n = (int64_t)want;
        carry = want - (double)n;
        int64_t pool = g->signed_by[day - MIN_DAY];
        for (int64_t i = 0; !rc && pool > 0 && i < n; i++) {
            int64_t u = g->by_signup[acme_rng_range(&g->r, 0, pool - 1)];
            rc = insert_feature_event(g, u, day, acme_rng_weighted(&g->r, w, N(FEATURES)));
        }
        if (!rc) rc = enterprise_stream(g, day, w);
    }
    if (!rc) rc = acme_commit(c);
    sqlite3_finalize(g->ins);
    g->ins = NULL;
    return rc;
}

static scout_rc gen_features(acme_ctx *c)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = acme_prepare(c, "INSERT INTO raw.features VALUES (?,?,?,?,?)", &st);
    for (int f = 0; !rc && f < N(FEATURES); f++) {
        acme_bind_text(st, 1, FEATURES[f].name);
        if (FEATURES[f].codename) acme_bind_text(st, 2, FEATURES[f].codename);
        acme_bind_text(st, 3, FEATURES[f].launched);
        acme_bind_text(st, 4, FEATURES[f].description);
        acme_bind_text(st, 5, f < 7 ? "core" : "growth");
        rc = acme_step_reset(c, st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Small raw tables: releases, experiments, plan catalog. */
static scout_rc gen_small_raw(acme_ctx *c)
{
    acme_rng r;
    acme_rng_seed(&r, c->seed, "product-small");
    scout_rc rc = acme_begin(c);
    for (int d = 3, v = 0; !rc && d < ACME_DAYS; d += 14, v++) {
        char ds[11];
        acme_day_str(d, ds);
        for (int p = 0; !rc && p < 4; p++)
            rc = acme_execf(c, "INSERT INTO raw.app_releases VALUES ('%s', '6.%d.%d', '%s', %d)",
                            PLATFORMS[p], v / 4, v % 4, ds, (int)acme_rng_range(&r, 3, 40));
    }
    static const char *const EXP[] = {"onboarding_checklist",   "plus_paywall_copy",
                                      "trial_length_21d",       "export_button_placement",
                                      "annual_discount_banner", "ai_assist_nudge"};
    for (int e = 0; !rc && e < N(EXP); e++) {
        char s[11], t[11];
        int start = 60 + e * 110;
        acme_day_str(start, s);
        acme_day_str(start + 28, t);
        rc = acme_execf(c, "INSERT INTO raw.experiments VALUES (%d, '%s', '%s', '%s', '%s')", e + 1,
                        EXP[e], s, t, e % 2 ? "growth" : "product");
    }
    if (!rc)
        rc =
            acme_exec(c, "INSERT INTO raw.experiment_assignments SELECT u.user_id, e.experiment_id,"
                         " CASE WHEN (u.user_id * 7 + e.experiment_id) % 2 = 0 THEN 'control'"
                         " ELSE 'treatment' END, e.start_date FROM raw.users u JOIN "
                         "raw.experiments e ON u.signup_date <= e.end_date"
                         " WHERE (u.user_id + e.experiment_id) % 5 = 0");
    if (!rc)
        rc = acme_exec(c, "INSERT INTO raw.plans VALUES ('free','Free',0),('plus','Plus',12),"
                          "('pro','Pro',29),('enterprise','Enterprise',45)");
    if (!rc) rc = acme_commit(c);
    return rc;
}

static scout_rc create_raw(acme_ctx *c)
{
    scout_rc rc = acme_raw_table(
        c, "raw", "users", "app-platform",
        "App users. Each user belongs to one account (account_id); plan is the account's current "
        "plan; platform is the user's primary platform.",
        "CREATE TABLE raw.users (user_id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL "
        "REFERENCES accounts(account_id), email TEXT, platform TEXT, plan TEXT, signup_date TEXT, "
        "country_code TEXT)");
    if (!rc)
        rc = acme_raw_table(c, "raw", "feature_events", "app-platform",
                            "Client telemetry: one row per feature interaction (UTC). The export "
                            "feature (codename Lighthouse) appears from 2026-06-02.",
                            "CREATE TABLE raw.feature_events (event_id INTEGER PRIMARY KEY, "
                            "user_id INTEGER NOT NULL, feature TEXT NOT NULL, action TEXT, "
                            "platform TEXT NOT NULL, event_ts TEXT NOT NULL)");
    if (!rc)
        rc = acme_raw_table(c, "raw", "features", "product-management",
                            "Feature catalog with launch dates and internal codenames.",
                            "CREATE TABLE raw.features (feature TEXT PRIMARY KEY, codename TEXT, "
                            "launched_on TEXT, description TEXT, area TEXT)");
    if (!rc)
        rc = acme_raw_table(c, "raw", "app_releases", "app-platform",
                            "Client releases per platform, every two weeks.",
                            "CREATE TABLE raw.app_releases (platform TEXT, version TEXT, "
                            "released_on TEXT, fixes INTEGER)");
    if (!rc)
        rc = acme_raw_table(c, "raw", "experiments", "growth-analytics",
                            "A/B experiments run by Growth and Product.",
                            "CREATE TABLE raw.experiments (experiment_id INTEGER PRIMARY KEY, "
                            "name TEXT, start_date TEXT, end_date TEXT, team TEXT)");
    if (!rc)
        rc = acme_raw_table(c, "raw", "experiment_assignments", "growth-analytics",
                            "Which users were assigned to which experiment arm.",
                            "CREATE TABLE raw.experiment_assignments (user_id INTEGER, "
                            "experiment_id INTEGER, arm TEXT, assigned_on TEXT)");
    if (!rc)
        rc = acme_raw_table(c, "raw", "plans", "app-platform",
                            "Plan catalog as the app knows it (list price per seat per month).",
                            "CREATE TABLE raw.plans (plan TEXT PRIMARY KEY, display_name TEXT, "
                            "monthly_price_usd REAL)");
    return rc;
}

/* ---- dbt models (product.analytics) ---------------------------------------- */

static const acme_model_def MODELS[] = {
    {"analytics", "dim_date", NULL, "growth-analytics", NULL, "day",
     "Calendar of the data window (2024-11-25 .. 2026-11-24), one row per UTC day.",
     "-- owner: growth-analytics\n"
     "with recursive days(day) as (\n"
     "    select '2024-11-25'\n"
     "    union all\n"
     "    select date(day, '+1 day') from days where day < '2026-11-24'\n"
     ")\n"
     "select day, strftime('%Y-%m', day) as month, date(day, '-6 days', 'weekday 1') as "
     "week_start\n"
     "from days\n"},
    {"analytics", "dim_accounts", NULL, "growth-analytics", NULL, "account_id",
     "One row per product account with type, segment, test flag and current plan.",
     "-- owner: growth-analytics\n"
     "select account_id, account_name, billing_email, account_type, segment, country_code,\n"
     "       date(created_at) as created_date, is_test, plan\n"
     "from {{ source('product_raw', 'accounts') }}\n"},
    {"analytics", "dim_users", NULL, "growth-analytics", NULL, "user_id",
     "One row per user with the account's type, segment and test flag.",
     "-- owner: growth-analytics\n"
     "select u.user_id, u.account_id, u.platform, u.plan, u.signup_date, u.country_code,\n"
     "       a.account_type, a.segment, a.is_test\n"
     "from {{ source('product_raw', 'users') }} u\n"
     "join {{ ref('dim_accounts') }} a on a.account_id = u.account_id\n"},
    {"analytics", "feature_usage_daily", NULL, "growth-analytics", NULL, "day, feature, platform",
     "Events and distinct users per day, feature and platform (UTC days).",
     "-- owner: growth-analytics\n"
     "select date(event_ts) as day, feature, platform,\n"
     "       count(*) as events, count(distinct user_id) as users\n"
     "from {{ source('product_raw', 'feature_events') }}\n"
     "group by 1, 2, 3\n"},
    {"analytics", "dau", NULL, "growth-analytics", NULL, "day",
     "Daily active users: distinct users with any feature event on the UTC day.",
     "-- owner: growth-analytics\n"
     "select date(event_ts) as day, count(distinct user_id) as dau\n"
     "from {{ source('product_raw', 'feature_events') }}\n"
     "group by 1\n"},
    {"analytics", "wau", NULL, "growth-analytics", NULL, "week_start",
     "Weekly active users per ISO week (Monday start).",
     "-- owner: growth-analytics\n"
     "select date(event_ts, '-6 days', 'weekday 1') as week_start, count(distinct user_id) as wau\n"
     "from {{ source('product_raw', 'feature_events') }}\n"
     "group by 1\n"},
    {"analytics", "mau", NULL, "growth-analytics", NULL, "month",
     "Monthly active users per calendar month.",
     "-- owner: growth-analytics\n"
     "select strftime('%Y-%m', event_ts) as month, count(distinct user_id) as mau\n"
     "from {{ source('product_raw', 'feature_events') }}\n"
     "group by 1\n"},
    {"analytics", "account_weekly_active_users", NULL, "growth-analytics", NULL,
     "week_start, account_id",
     "Weekly active users per account (Monday weeks); use for account health and churn risk.",
     "-- owner: growth-analytics\n"
     "select date(e.event_ts, '-6 days', 'weekday 1') as week_start, u.account_id,\n"
     "       count(distinct e.user_id) as weekly_active_users, count(*) as events\n"
     "from {{ source('product_raw', 'feature_events') }} e\n"
     "join {{ source('product_raw', 'users') }} u on u.user_id = e.user_id\n"
     "group by 1, 2\n"},
    {"analytics", "feature_adoption", NULL, "growth-analytics", NULL, "month, feature",
     "Monthly feature adoption: users of the feature / monthly active users.",
     "-- owner: growth-analytics\n"
     "with monthly as (\n"
     "    select strftime('%Y-%m', event_ts) as month, feature, count(distinct user_id) as users\n"
     "    from {{ source('product_raw', 'feature_events') }}\n"
     "    group by 1, 2\n"
     ")\n"
     "select m.month, m.feature, m.users as feature_users, a.mau,\n"
     "       round(1.0 * m.users / a.mau, 4) as adoption_rate\n"
     "from monthly m\n"
     "join {{ ref('mau') }} a on a.month = m.month\n"},
    {"analytics", "feature_adoption_by_plan", NULL, "growth-analytics", NULL, "feature, plan",
     "Share of each plan's active users (last 90 days) who used each feature. Plan is the "
     "account's current plan; test accounts excluded.",
     "-- owner: growth-analytics\n"
     "with recent as (\n"
     "    select e.user_id, e.feature, u.plan\n"
     "    from {{ source('product_raw', 'feature_events') }} e\n"
     "    join {{ ref('dim_users') }} u on u.user_id = e.user_id\n"
     "    where e.event_ts >= '2026-08-27' and u.is_test = 0\n"
     "), plan_users as (\n"
     "    select plan, count(distinct user_id) as active_users from recent group by plan\n"
     ")\n"
     "select r.feature, r.plan, count(distinct r.user_id) as feature_users, p.active_users,\n"
     "       round(1.0 * count(distinct r.user_id) / p.active_users, 4) as adoption_rate\n"
     "from recent r\n"
     "join plan_users p on p.plan = r.plan\n"
     "group by r.feature, r.plan, p.active_users\n"},
    {"analytics", "export_launch_adoption", NULL, "growth-analytics", "launch", "platform",
     "Lighthouse (export feature) launch tracking: distinct users and events in the first 30 "
     "days after launch on 2026-06-02, by platform.",
     "-- owner: growth-analytics\n"
     "-- Lighthouse is the codename of the export feature, launched 2026-06-02.\n"
     "select platform, count(distinct user_id) as users_first_30d, count(*) as events_first_30d\n"
     "from {{ source('product_raw', 'feature_events') }}\n"
     "where feature = 'export' and event_ts >= '2026-06-02' and event_ts < '2026-07-02'\n"
     "group by platform\n"},
    {"analytics", "trial_conversion_monthly", NULL, "growth-analytics", NULL, "trial_month",
     "Plus trials started per month and how many converted to paid.",
     "-- owner: growth-analytics\n"
     "select strftime('%Y-%m', started_at) as trial_month,\n"
     "       count(*) as trials,\n"
     "       sum(case when trial_ends_at <= '2026-11-24 23:59:59' then 1 else 0 end) as "
     "trials_ended,\n"
     "       sum(case when converted_at is not null then 1 else 0 end) as converted,\n"
     "       round(1.0 * sum(case when converted_at is not null then 1 else 0 end) / count(*), 4)\n"
     "           as conversion_rate\n"
     "from {{ source('product_raw', 'subscriptions') }}\n"
     "where plan = 'plus' and trial_ends_at is not null\n"
     "group by 1\n"},
    {"analytics", "plus_subscribers_daily", "growth_plus_subscribers_daily", "growth-analytics",
     "growth,canonical", "day",
     "Growth's Plus subscriber count per UTC day: every account with an active Plus "
     "subscription, including trials, refunded subscriptions and internal test accounts; "
     "duplicate accounts are counted separately. Finance's paid definition is "
     "finance.mart.plus_subscribers_daily.",
     "-- owner: growth-analytics\n"
     "{{ config(alias='plus_subscribers_daily') }}\n"
     "-- Growth definition: active Plus accounts on the UTC day, trials included.\n"
     "-- A subscription is active from its start day through its cancel day (inclusive);\n"
     "-- it is trialing until its conversion day. Counts come from running sums of changes.\n"
     "with subs as (\n"
     "    select date(started_at) as start_day, date(canceled_at, '+1 day') as end_day,\n"
     "           date(converted_at) as paid_day\n"
     "    from {{ source('product_raw', 'subscriptions') }}\n"
     "    where plan = 'plus'\n"
     "), changes as (\n"
     "    select start_day as day, 1 as d_subs,\n"
     "           case when paid_day is null or paid_day > start_day then 1 else 0 end as d_trial\n"
     "    from subs\n"
     "    union all\n"
     "    select end_day, -1, case when paid_day is null or paid_day >= end_day then -1 else 0 "
     "end\n"
     "    from subs where end_day is not null\n"
     "    union all\n"
     "    select paid_day, 0, -1\n"
     "    from subs where paid_day > start_day and (end_day is null or paid_day < end_day)\n"
     "), daily as (\n"
     "    select max(day, '2024-11-25') as day, sum(d_subs) as d_subs, sum(d_trial) as d_trial\n"
     "    from changes\n"
     "    group by 1\n"
     ")\n"
     "select d.day,\n"
     "       sum(coalesce(x.d_subs, 0)) over (order by d.day) as plus_subscribers,\n"
     "       sum(coalesce(x.d_trial, 0)) over (order by d.day) as trialing_subscribers\n"
     "from {{ ref('dim_date') }} d\n"
     "left join daily x on x.day = d.day\n"},
    {"analytics", "subscription_events_daily", NULL, "growth-analytics", NULL, "day, event_type",
     "Subscription lifecycle events per UTC day and type.",
     "-- owner: growth-analytics\n"
     "select date(event_ts) as day, event_type, plan, count(*) as events,\n"
     "       sum(amount_usd) as amount_usd\n"
     "from {{ source('product_raw', 'subscription_events') }}\n"
     "group by 1, 2, 3\n"},
    {"analytics", "user_retention_cohorts", NULL, "growth-analytics", NULL,
     "signup_month, activity_month", "Users by signup month and the months they were active in.",
     "-- owner: growth-analytics\n"
     "select strftime('%Y-%m', u.signup_date) as signup_month,\n"
     "       strftime('%Y-%m', e.event_ts) as activity_month,\n"
     "       count(distinct e.user_id) as active_users\n"
     "from {{ source('product_raw', 'feature_events') }} e\n"
     "join {{ ref('dim_users') }} u on u.user_id = e.user_id\n"
     "where u.signup_date >= '2024-11-25'\n"
     "group by 1, 2\n"},
};

static const acme_model_def MORE[] = {
    {"analytics", "platform_mix_daily", NULL, "growth-analytics", NULL, "day, platform",
     "Daily active users per platform.",
     "-- owner: growth-analytics\n"
     "select date(event_ts) as day, platform, count(distinct user_id) as active_users\n"
     "from {{ source('product_raw', 'feature_events') }}\n"
     "group by 1, 2\n"},
    {"analytics", "plus_feature_usage", NULL, "growth-analytics", NULL, "feature",
     "Feature usage by users on Plus accounts over the last 90 days (test accounts excluded).",
     "-- owner: growth-analytics\n"
     "select e.feature, count(distinct e.user_id) as plus_users, count(*) as events\n"
     "from {{ source('product_raw', 'feature_events') }} e\n"
     "join {{ ref('dim_users') }} u on u.user_id = e.user_id\n"
     "where u.plan = 'plus' and u.is_test = 0 and e.event_ts >= '2026-08-27'\n"
     "group by 1\n"},
    {"analytics", "experiment_exposure", NULL, "growth-analytics", NULL, "experiment_id, arm",
     "Users per experiment arm.",
     "-- owner: growth-analytics\n"
     "select x.experiment_id, e.name, x.arm, count(*) as users\n"
     "from {{ source('product_raw', 'experiment_assignments') }} x\n"
     "join {{ source('product_raw', 'experiments') }} e on e.experiment_id = x.experiment_id\n"
     "group by 1, 2, 3\n"},
    {"analytics", "releases_by_platform", NULL, "app-platform", NULL, "platform",
     "Release cadence per platform.",
     "-- owner: app-platform\n"
     "select platform, count(*) as releases, max(released_on) as last_release\n"
     "from {{ source('product_raw', 'app_releases') }}\n"
     "group by 1\n"},
};

static scout_rc product_models(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    for (int i = 0; !rc && i < N(MODELS); i++) rc = acme_model(c, &MODELS[i]);
    for (int i = 0; !rc && i < N(MORE); i++) rc = acme_model(c, &MORE[i]);
    return rc;
}

/* Team copies and scratch tables: the lookalikes that make discovery hard. */
static scout_rc sandbox(acme_ctx *c)
{
    scout_rc rc = acme_adhoc_table(
        c, "sandbox", "growth_plus_subscribers_copy", "growth-analytics",
        "Copy of analytics.plus_subscribers_daily taken by a Growth analyst in August 2026; "
        "stale, not refreshed.",
        "SELECT * FROM analytics.plus_subscribers_daily WHERE day < '2026-08-15'");
    if (!rc)
        rc = acme_adhoc_table(c, "sandbox", "dau_old", "growth-analytics",
                              "Old DAU table; counts events instead of distinct users. Replaced by "
                              "analytics.dau in March 2026.",
                              "SELECT date(event_ts) AS day, count(*) AS dau FROM "
                              "raw.feature_events WHERE event_ts < '2026-03-01' GROUP BY 1");
    if (!rc)
        rc = acme_adhoc_table(c, "sandbox", "plus_subs_finance_attempt", "growth-analytics",
                              "Growth's attempt to reproduce Finance's paid Plus count (excludes "
                              "trials only; still includes test accounts).",
                              "SELECT day, plus_subscribers - trialing_subscribers AS "
                              "paid_plus_subscribers FROM analytics.plus_subscribers_daily");
    if (!rc)
        rc = acme_adhoc_table(c, "sandbox", "tmp_feature_events_sample", "app-platform",
                              "1% sample of feature_events for notebook work.",
                              "SELECT * FROM raw.feature_events WHERE event_id % 100 = 0");
    if (!rc)
        rc = acme_adhoc_table(c, "sandbox", "export_adoption_scratch", "product-management",
                              "Scratch numbers for the Lighthouse launch review (first week only).",
                              "SELECT platform, count(DISTINCT user_id) AS users FROM "
                              "raw.feature_events WHERE feature = 'export' AND event_ts < "
                              "'2026-06-09' GROUP BY platform");
    if (!rc)
        rc = acme_adhoc_table(c, "sandbox", "wau_v2_draft", "growth-analytics",
                              "Draft rolling-7-day WAU; never finished, uses Sunday weeks.",
                              "SELECT date(event_ts, 'weekday 0') AS week_end, count(DISTINCT "
                              "user_id) AS wau FROM raw.feature_events WHERE event_ts >= "
                              "'2026-01-01' GROUP BY 1");
    if (!rc)
        rc = acme_adhoc_table(c, "sandbox", "users_copy_2025", "app-platform",
                              "Snapshot of raw.users from 2025-12-31.",
                              "SELECT * FROM raw.users WHERE signup_date <= '2025-12-31'");
    if (!rc)
        rc = acme_adhoc_table(c, "sandbox", "trial_conversion_old", "growth-analytics",
                              "Old trial conversion numbers (counted Pro trials too).",
                              "SELECT strftime('%Y-%m', started_at) AS month, count(*) AS trials, "
                              "sum(converted_at IS NOT NULL) AS converted FROM raw.subscriptions "
                              "WHERE trial_ends_at IS NOT NULL AND started_at < '2026-04-01' "
                              "GROUP BY 1");
    if (!rc)
        rc = acme_adhoc_table(c, "sandbox", "jsmith_plus_test", "growth-analytics",
                              "Personal test table: Plus accounts without test accounts, UTC, no "
                              "trial handling. Not maintained.",
                              "SELECT account_id, plan, created_at FROM raw.accounts WHERE plan "
                              "= 'plus' AND is_test = 0");
    if (!rc)
        rc =
            acme_adhoc_table(c, "sandbox", "plus_subscribers_daily_backup_2025", "growth-analytics",
                             "Backup of the Growth Plus count taken before the 2025 migration.",
                             "SELECT * FROM analytics.plus_subscribers_daily WHERE day < "
                             "'2026-01-01'");
    return rc;
}

static void free_gen(product_gen *g)
{
    free(g->users);
    free(g->by_signup);
    free(g->signed_by);
    free(g->biz_first);
    free(g->biz_count);
}

scout_rc acme_gen_product(acme_ctx *c)
{
    product_gen g = {.c = c, .next_event = 1};
    acme_rng_seed(&g.r, c->seed, "product");
    acme_progress(c, "subscriptions");
    scout_rc rc = acme_gen_subs(c);
    if (!rc) rc = create_raw(c);
    if (!rc) {
        /* Upper bound: business accounts have at most 40 users, consumers 2. */
        size_t cap = (size_t)(c->n_biz_accounts * 40 + (c->n_accounts - c->n_biz_accounts) * 2 + 1);
        g.users = malloc(cap * sizeof *g.users);
        g.biz_first = calloc((size_t)c->n_biz_accounts + 1, sizeof *g.biz_first);
        g.biz_count = calloc((size_t)c->n_biz_accounts + 1, sizeof *g.biz_count);
        if (!g.users || !g.biz_first || !g.biz_count)
            rc = scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    }
    if (!rc) rc = gen_users(&g);
    c->n_users = g.n_users;
    if (!rc) rc = gen_features(c);
    if (!rc) rc = index_signups(&g);
    acme_progress(c, "feature events");
    if (!rc) rc = gen_feature_events(&g);
    if (!rc) rc = gen_small_raw(c);
    acme_progress(c, "engineering");
    if (!rc) rc = acme_gen_eng(c);
    acme_progress(c, "product models");
    if (!rc) rc = product_models(c);
    if (!rc) rc = sandbox(c);
    free_gen(&g);
    return rc;
}
