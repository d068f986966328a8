/* acme_eng — engineering tables in product.eng: daily latency percentiles per
 * service and component, sampled requests, deploys and incidents. Two stories
 * are planted: a composer/model regression on 2026-11-24 (the day's deploy of
 * a larger reranker model), and the 2026-03-17 search queue incident that has
 * a post-mortem in docs/. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "acme/acme_int.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NS   4
#define NC   4

static const char *const SERVICES[NS] = {"composer", "search", "export", "inbox"};
static const char *const COMPONENTS[NC] = {"queue", "model", "network", "render"};
/* Typical p95 in ms per service (rows) and component (columns). */
static const double BASE_P95[NS][NC] = {
    {40, 420, 90, 60}, {20, 150, 70, 40}, {80, 30, 120, 600}, {15, 25, 60, 35}};
static const double BASE_REQ[NS] = {180000, 240000, 30000, 150000};

typedef struct eng_gen {
    acme_ctx *c;
    acme_rng r;
    double prev[NS][NC];
    int export_launch, incident_day;
} eng_gen;

/* Day-to-day multiplier for one series: slow drift plus small noise. */
static double drift(eng_gen *g, int day, int s, int k)
{
    double slow = 1.0 + 0.05 * sin((day + 37.0 * s + 11.0 * k) / 45.0);
    double noise = acme_rng_normal(&g->r) * 0.012;
    if (noise > 0.03) noise = 0.03;
    if (noise < -0.03) noise = -0.03;
    return slow * (1.0 + noise);
}

static double p95_for(eng_gen *g, int day, int s, int k)
{
    double v = BASE_P95[s][k] * drift(g, day, s, k);
    if (day == ACME_LAST && g->prev[s][k] > 0) {
        /* The regression: composer's model got ~42% slower, network a little. */
        double f = 1.0 + 0.01 * (acme_rng_unit(&g->r) - 0.5);
        if (s == 0 && k == 1) f = 1.42;
        if (s == 0 && k == 2) f = 1.035;
        v = g->prev[s][k] * f;
    }
    if (day == g->incident_day && s == 1 && k == 0) v *= 9.0; /* search queue backlog */
    if (day == g->incident_day + 1 && s == 1 && k == 0) v *= 1.6;
    if (day != g->incident_day) g->prev[s][k] = v;
    if (day == g->incident_day) g->prev[s][k] = BASE_P95[s][k];
    return v;
}

static scout_rc daily(eng_gen *g)
{
    acme_ctx *c = g->c;
    sqlite3_stmt *st = NULL, *er = NULL;
    scout_rc rc =
        acme_prepare(c, "INSERT INTO eng.request_latency_daily VALUES (?,?,?,?,?,?,?)", &st);
    if (!rc) rc = acme_prepare(c, "INSERT INTO eng.error_rates_daily VALUES (?,?,?,?,?)", &er);
    if (!rc) rc = acme_begin(c);
    for (int day = 0; !rc && day < ACME_DAYS; day++) {
        char ds[11];
        acme_day_str(day, ds);
        for (int s = 0; !rc && s < NS; s++) {
            if (s == 2 && day < g->export_launch) continue;
            double wk = acme_weekday(day) < 5 ? 1.0 : 0.6;
            int64_t req = (int64_t)(BASE_REQ[s] * wk * (0.7 + 0.6 * day / ACME_LAST) *
                                    (1 + 0.02 * acme_rng_normal(&g->r)));
            for (int k = 0; !rc && k < NC; k++) {
                double p95 = p95_for(g, day, s, k);
                acme_bind_text(st, 1, ds);
                acme_bind_text(st, 2, SERVICES[s]);
                acme_bind_text(st, 3, COMPONENTS[k]);
                sqlite3_bind_int64(st, 4, req);
                sqlite3_bind_double(st, 5, round(p95 * 0.45 * 10) / 10);
                sqlite3_bind_double(st, 6, round(p95 * 10) / 10);
                sqlite3_bind_double(st, 7, round(p95 * 0.55 * 10) / 10);
                rc = acme_step_reset(c, st);
            }
            double erate =
                day == g->incident_day && s == 1 ? 0.062 : 0.002 + 0.001 * acme_rng_unit(&g->r);
            acme_bind_text(er, 1, ds);
            acme_bind_text(er, 2, SERVICES[s]);
            sqlite3_bind_int64(er, 3, req);
            sqlite3_bind_int64(er, 4, (int64_t)(req * erate));
            sqlite3_bind_double(er, 5, round(erate * 10000) / 10000);
            if (!rc) rc = acme_step_reset(c, er);
        }
    }
    if (!rc) rc = acme_commit(c);
    sqlite3_finalize(st);
    sqlite3_finalize(er);
    return rc;
}

/* Individual sampled requests with per-component timings (lognormal around p50). */
static scout_rc samples(eng_gen *g)
{
    acme_ctx *c = g->c;
    int64_t per_day = acme_scaled(c, 200, 4), id = 1;
    sqlite3_stmt *st = NULL;
    scout_rc rc =
        acme_prepare(c, "INSERT INTO eng.request_samples VALUES (?,?,?,?,?,?,?,?,?)", &st);
    if (!rc) rc = acme_begin(c);
    for (int day = 0; !rc && day < ACME_DAYS; day++) {
        for (int64_t i = 0; !rc && i < per_day; i++) {
            int s = (int)acme_rng_range(&g->r, 0, day < g->export_launch ? NS - 2 : NS - 1);
            if (s == 2 && day < g->export_launch) s = 3;
            double ms[NC], total = 0;
            for (int k = 0; k < NC; k++) {
                double f = (day == ACME_LAST && s == 0 && k == 1) ? 1.42 : 1.0;
                if (day == g->incident_day && s == 1 && k == 0) f = 9.0;
                ms[k] = round(BASE_P95[s][k] * 0.45 * f * exp(0.45 * acme_rng_normal(&g->r)));
                total += ms[k];
            }
            char ts[20];
            acme_ts_str(day, (int)acme_rng_range(&g->r, 0, 86399), ts);
            sqlite3_bind_int64(st, 1, id++);
            acme_bind_text(st, 2, ts);
            acme_bind_text(st, 3, SERVICES[s]);
            sqlite3_bind_int(st, 4, acme_rng_chance(&g->r, 0.003) ? 500 : 200);
            sqlite3_bind_double(st, 5, total);
            for (int k = 0; k < NC; k++) sqlite3_bind_double(st, 6 + k, ms[k]);
            rc = acme_step_reset(c, st);
        }
    }
    if (!rc) rc = acme_commit(c);
    sqlite3_finalize(st);
    return rc;
}

static scout_rc small_tables(eng_gen *g)
{
    acme_ctx *c = g->c;
    scout_rc rc = acme_begin(c);
    static const char *const TEAMS[NS] = {"editor", "discovery", "documents", "messaging"};
    for (int s = 0; !rc && s < NS; s++) {
        rc = acme_execf(c, "INSERT INTO eng.services VALUES ('%s', '%s', 'team-%s@acme.io')",
                        SERVICES[s], TEAMS[s], TEAMS[s]);
        for (int k = 0; !rc && k < NC; k++)
            rc = acme_execf(c, "INSERT INTO eng.slo_targets VALUES ('%s', '%s', %.0f)", SERVICES[s],
                            COMPONENTS[k], ceil(BASE_P95[s][k] * 1.3 / 10) * 10);
    }
    if (!rc)
        rc = acme_exec(
            c, "INSERT INTO eng.components VALUES"
               " ('queue', 'Time waiting in the request queue before a worker picks it up'),"
               " ('model', 'Time in the ML model server (ranking, suggestions)'),"
               " ('network', 'Time between edge and backend, both ways'),"
               " ('render', 'Server-side rendering of the response')");
    int64_t id = 1;
    for (int day = 2; !rc && day < ACME_DAYS; day += 3) {
        int s = (int)acme_rng_range(&g->r, 0, NS - 1);
        char ts[20];
        acme_ts_str(day, (int)acme_rng_range(&g->r, 30000, 70000), ts);
        rc = acme_execf(c,
                        "INSERT INTO eng.deploys VALUES (%lld, '%s', '%s', 'v%d.%d', '%s', "
                        "'routine release')",
                        (long long)id++, SERVICES[s], ts, 3 + day / 200, day % 50, "ci-bot");
    }
    if (!rc)
        rc = acme_execf(c,
                        "INSERT INTO eng.deploys VALUES (%lld, 'composer', '2026-11-24 01:12:00', "
                        "'model-server v4.2', 'dkowalski', 'Switch composer suggestions to the "
                        "larger reranker model')",
                        (long long)id);
    if (!rc)
        rc = acme_exec(c, "INSERT INTO eng.incidents VALUES (1, '2026-03-17 14:05:00', '2026-03-17 "
                          "19:40:00', 'search', 'SEV1', 'Search queue backlog after index "
                          "migration', 'docs/postmortem-2026-03-17-search-queue.md'),"
                          " (2, '2025-08-04 09:10:00', '2025-08-04 09:55:00', 'inbox', 'SEV3', "
                          "'Delayed notifications', NULL),"
                          " (3, '2026-11-24 03:00:00', NULL, 'composer', 'SEV2', 'Composer "
                          "suggestions slow after model-server v4.2', NULL)");
    if (!rc) rc = acme_commit(c);
    return rc;
}

static scout_rc create_tables(acme_ctx *c)
{
    static const struct {
        const char *name, *desc, *ddl;
    } T[] = {
        {"request_latency_daily",
         "Daily request latency per service and component from the metrics pipeline "
         "(p50/p95/avg in ms). Components add up to the request's end-to-end time.",
         "CREATE TABLE eng.request_latency_daily (day TEXT NOT NULL, service TEXT NOT NULL, "
         "component TEXT NOT NULL, requests INTEGER, p50_ms REAL, p95_ms REAL, avg_ms REAL, "
         "PRIMARY KEY (day, service, component))"},
        {"request_samples", "Sampled individual requests with per-component timings in ms.",
         "CREATE TABLE eng.request_samples (request_id INTEGER PRIMARY KEY, ts TEXT, service "
         "TEXT, status_code INTEGER, total_ms REAL, queue_ms REAL, model_ms REAL, network_ms "
         "REAL, render_ms REAL)"},
        {"error_rates_daily", "Daily 5xx error rate per service.",
         "CREATE TABLE eng.error_rates_daily (day TEXT, service TEXT, requests INTEGER, errors "
         "INTEGER, error_rate REAL)"},
        {"services", "Backend services and owning teams.",
         "CREATE TABLE eng.services (service TEXT PRIMARY KEY, team TEXT, contact TEXT)"},
        {"components", "Latency components a request's time is split into.",
         "CREATE TABLE eng.components (component TEXT PRIMARY KEY, description TEXT)"},
        {"slo_targets", "p95 latency SLO per service and component.",
         "CREATE TABLE eng.slo_targets (service TEXT, component TEXT, p95_target_ms REAL)"},
        {"deploys", "Production deploys (UTC).",
         "CREATE TABLE eng.deploys (deploy_id INTEGER PRIMARY KEY, service TEXT, deployed_at "
         "TEXT, version TEXT, author TEXT, description TEXT)"},
        {"incidents", "Incidents with severity and post-mortem links.",
         "CREATE TABLE eng.incidents (incident_id INTEGER PRIMARY KEY, started_at TEXT, "
         "resolved_at TEXT, service TEXT, severity TEXT, title TEXT, postmortem TEXT)"},
    };
    scout_rc rc = SCOUT_OK;
    for (int i = 0; !rc && i < N(T); i++)
        rc = acme_raw_table(c, "eng", T[i].name, "platform-eng", T[i].desc, T[i].ddl);
    return rc;
}

static const acme_model_def ENG_MODELS[] = {
    {"eng", "latency_weekly", NULL, "platform-eng", NULL, "week_start, service, component",
     "Weekly average of daily p95 latency per service and component.",
     "-- owner: platform-eng\n"
     "select date(day, '-6 days', 'weekday 1') as week_start, service, component,\n"
     "       round(avg(p95_ms), 1) as avg_p95_ms, sum(requests) as requests\n"
     "from {{ source('product_eng', 'request_latency_daily') }}\n"
     "group by 1, 2, 3\n"},
    {"eng", "slo_breaches_daily", NULL, "platform-eng", NULL, "day, service, component",
     "Days on which a component's p95 exceeded its SLO target.",
     "-- owner: platform-eng\n"
     "select l.day, l.service, l.component, l.p95_ms, t.p95_target_ms\n"
     "from {{ source('product_eng', 'request_latency_daily') }} l\n"
     "join {{ source('product_eng', 'slo_targets') }} t\n"
     "  on t.service = l.service and t.component = l.component\n"
     "where l.p95_ms > t.p95_target_ms\n"},
};

scout_rc acme_gen_eng(acme_ctx *c)
{
    eng_gen g = {.c = c};
    acme_rng_seed(&g.r, c->seed, "eng");
    g.export_launch = acme_day_index(2026, 6, 2);
    g.incident_day = acme_day_index(2026, 3, 17);
    scout_rc rc = create_tables(c);
    if (!rc) rc = daily(&g);
    if (!rc) rc = samples(&g);
    if (!rc) rc = small_tables(&g);
    for (int i = 0; !rc && i < N(ENG_MODELS); i++) rc = acme_model(c, &ENG_MODELS[i]);
    return rc;
}
