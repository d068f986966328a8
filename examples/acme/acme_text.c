/* acme_text — the institutional knowledge around the data: Markdown docs with
 * front matter, dashboards (YAML) and the query log (JSON lines). The Slack
 * export lives in acme_slack.c. Every fact the signature questions need is
 * stated somewhere here, the way real teams write it down. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme_int.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct acme_doc {
    const char *file, *title, *owners, *visibility, *body;
} acme_doc;

static const acme_doc DOCS[] = {
    {"metrics-revenue.md", "Revenue metrics: gross and net revenue", "[finance-data]", "finance",
     "# Revenue metrics\n\n"
     "**Gross revenue** is the sum of paid invoice lines (subscription and add-on lines, not "
     "credit lines), in USD, recognised on the invoice date.\n\n"
     "**Refunds** are attributed to the day the refund was issued, not the invoice date.\n\n"
     "**Net revenue** = gross revenue - refunds.\n\n"
     "Finance closes the books on **Pacific time** (America/Los_Angeles, we use a fixed UTC-8 "
     "shift): a day is `date(ts, '-8 hours')`.\n\n"
     "Internal test accounts (`is_test = 1`, emails `@acme-internal.test`) are excluded.\n\n"
     "## Tables\n\n"
     "- `finance.mart.revenue_daily` — canonical, by day, region, country and plan.\n"
     "- `finance.mart.revenue_monthly` — monthly roll-up by region and plan.\n"
     "- `finance.mart.customer_cohorts` — revenue by cohort month (first paid month) and region.\n"
     "- Do **not** use `finance.archive.revenue_daily_v1` (deprecated, double-counts refunds) or "
     "`finance.archive.tmp_revenue_backfill_2025` (temporary backfill, first half of 2025 "
     "only).\n\n"
     "Regions: EMEA, NA, APAC, LATAM (from `finance.raw.countries`).\n"},
    {"metrics-plus-subscribers.md", "Plus subscribers: Growth and Finance definitions",
     "[growth-analytics, finance-data]", "public",
     "# Plus subscribers\n\n"
     "There are two official numbers and they are *supposed* to differ.\n\n"
     "## Growth definition (product.analytics.plus_subscribers_daily)\n\n"
     "Every account with an active Plus subscription on the **UTC** day: trials included, "
     "refunded subscriptions included until they end, internal test accounts included, and "
     "each account counted separately (duplicate accounts with the same billing email count "
     "twice). Shown on the *Growth — Plus Subscribers* dashboard.\n\n"
     "## Finance definition (finance.mart.plus_subscribers_daily)\n\n"
     "Paid Plus subscribers only:\n\n"
     "1. trials are excluded until they convert (`converted_at`);\n"
     "2. subscriptions refunded on or before the day are excluded;\n"
     "3. test accounts (`is_test = 1`, `@acme-internal.test`) are excluded;\n"
     "4. duplicate accounts are de-duplicated by billing email;\n"
     "5. days are **Pacific** days (UTC-8), so cancellations by the 02:00 UTC dunning job land "
     "on the previous day.\n\n"
     "Shown on the *Finance — Paid Plus Subscribers* dashboard. Board and investor numbers use "
     "the Finance definition.\n"},
    {"deprecation-revenue-daily-v1.md", "Deprecated: finance.archive.revenue_daily_v1",
     "[finance-data]", "finance",
     "# Deprecation notice: revenue_daily_v1\n\n"
     "`finance.archive.revenue_daily_v1` was deprecated on 2026-02-09. It **double-counts "
     "refunds**: the billing system books a negative credit line on the invoice when a refund "
     "is issued, and v1 subtracts both those credit lines and the refunds table. It also uses "
     "UTC days and includes test accounts.\n\n"
     "Use `finance.mart.revenue_daily` instead. The *Legacy Revenue (v1)* dashboard still reads "
     "the old table and will be removed.\n"},
    {"postmortem-2026-03-17-search-queue.md", "Post-mortem: search queue backlog (2026-03-17)",
     "[platform-eng]", "public",
     "# Post-mortem: search queue backlog, 2026-03-17\n\n"
     "**Severity:** SEV1. **Duration:** 14:05–19:40 UTC.\n\n"
     "## What happened\n\n"
     "After the search index migration, workers re-indexed in the foreground and the request "
     "queue backed up: search p95 queue time went from ~20 ms to ~180 ms "
     "(`product.eng.request_latency_daily`, service `search`, component `queue`) and the error "
     "rate hit 6%.\n\n"
     "## Follow-ups\n\n"
     "- Re-indexing moved to a background pool.\n"
     "- Alert on queue p95 > 2x the 7-day median.\n"},
    {"lighthouse-launch.md", "Lighthouse launch note", "[product-management]", "public",
     "# Lighthouse launch\n\n"
     "**Lighthouse** is the internal codename of the **export** feature (export documents to "
     "PDF, Word and Markdown). It launched to everyone on **2026-06-02** on ios, android, web and "
     "desktop.\n\n"
     "In telemetry it is `feature = 'export'` in `product.raw.feature_events`. First-30-day "
     "adoption by platform is in `product.analytics.export_launch_adoption`. "
     "`product.sandbox.export_adoption_scratch` only covers the first week.\n"},
    {"finance-timezone-cutoff.md", "Finance day boundary (Pacific time)", "[finance-data]",
     "public",
     "# Why Finance days end at 08:00 UTC\n\n"
     "Finance reports on America/Los_Angeles days, implemented as a fixed UTC-8 shift "
     "(`date(ts, '-8 hours')`). Product and Growth use UTC days. Events between 00:00 and "
     "08:00 UTC therefore fall on different days in the two worlds; the nightly dunning job "
     "cancels failed-payment subscriptions at about 02:00 UTC, which is the previous evening in "
     "Pacific time.\n"},
    {"sandbox-and-copies.md", "Sandbox tables and team copies", "[growth-analytics]", "public",
     "# Sandbox tables are not sources of truth\n\n"
     "`product.sandbox` holds team copies and scratch work. They are not refreshed.\n\n"
     "- `growth_plus_subscribers_copy`: stale copy of the Growth Plus count (stops 2026-08-14).\n"
     "- `dau_old`: counts events, not users. Use `product.analytics.dau`.\n"
     "- `plus_subs_finance_attempt`: only removes trials; not the Finance number.\n"
     "- `wau_v2_draft`, `trial_conversion_old`, `users_copy_2025`, `tmp_feature_events_sample`.\n"},
    {"account-health.md", "Enterprise account health", "[revops, growth-analytics]", "public",
     "# Enterprise account health\n\n"
     "CRM accounts (`crm.raw.accounts`) use the same `account_id` as product accounts, so join "
     "`crm.raw.accounts.account_id = product.raw.users.account_id` to see usage. Weekly active "
     "users per account are in `product.analytics.account_weekly_active_users`. Open pipeline "
     "is `crm.mart.opportunities_enriched where is_open = 1`.\n\n"
     "Support tickets (`crm.support.tickets`) carry `customer_id` (finance) and `region`.\n"},
};

static scout_rc write_docs_files(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    for (int i = 0; !rc && i < N(DOCS); i++) {
        scout_buf b = SCOUT_BUF_INIT;
        rc = scout_buf_printf(&b,
                              "---\ntitle: \"%s\"\nowners: %s\nvisibility: %s\nupdated: "
                              "2026-11-20\n---\n\n%s",
                              DOCS[i].title, DOCS[i].owners, DOCS[i].visibility, DOCS[i].body);
        char rel[128];
        snprintf(rel, sizeof rel, "docs/%s", DOCS[i].file);
        if (!rc) rc = acme_write_text(c, rel, scout_buf_cstr(&b), b.len);
        scout_buf_free(&b);
    }
    return rc;
}

scout_rc acme_write_docs(acme_ctx *c)
{
    return write_docs_files(c);
}

/* ---- Dashboards -------------------------------------------------------------- */

typedef struct acme_query {
    const char *title, *sql;
} acme_query;

typedef struct acme_dashboard {
    const char *file, *name, *owner, *description;
    bool canonical;
    acme_query q[3];
} acme_dashboard;

static const acme_dashboard DASHBOARDS[] = {
    {"growth-plus-subscribers.yaml",
     "Growth — Plus Subscribers",
     "growth-analytics",
     "Canonical Growth view of Plus subscribers (trials included, UTC days).",
     true,
     {{"Plus subscribers (daily)",
       "select day, plus_subscribers, trialing_subscribers from "
       "analytics.plus_subscribers_daily where day >= date('2026-11-24', '-90 days') order by day"},
      {"Trial conversion by month", "select trial_month, trials, converted, conversion_rate from "
                                    "analytics.trial_conversion_monthly order by trial_month"},
      {NULL, NULL}}},
    {"finance-paid-plus-subscribers.yaml",
     "Finance — Paid Plus Subscribers",
     "finance-data",
     "Canonical Finance count of paid Plus subscribers (Pacific days, no trials, no refunds, "
     "no test accounts, deduplicated by billing email).",
     true,
     {{"Paid Plus subscribers (daily)",
       "select day, paid_plus_subscribers from mart.plus_subscribers_daily where day >= "
       "date('2026-11-24', '-90 days') order by day"},
      {NULL, NULL},
      {NULL, NULL}}},
    {"executive-revenue.yaml",
     "Executive Revenue Report",
     "finance-data",
     "Canonical revenue report for the exec team: net revenue by region and month, refunds.",
     true,
     {{"Net revenue by region and month",
       "select strftime('%Y-%m', day) as month, region, sum(net_revenue_usd) as net_revenue_usd "
       "from mart.revenue_daily group by 1, 2 order by 1, 2"},
      {"Refunds by month",
       "select strftime('%Y-%m', day) as month, sum(refunds_usd) as refunds_usd from "
       "mart.revenue_daily group by 1 order by 1"},
      {"Top countries this year",
       "select country_code, sum(net_revenue_usd) as net_revenue_usd from mart.revenue_daily "
       "where day >= '2026-01-01' group by 1 order by 2 desc limit 10"}}},
    {"engineering-latency.yaml",
     "Engineering — Latency",
     "platform-eng",
     "Canonical p95 latency by service and component.",
     true,
     {{"p95 by component (14 days)",
       "select day, service, component, p95_ms from eng.request_latency_daily where day >= "
       "date('2026-11-24', '-14 days') order by day, service, component"},
      {NULL, NULL},
      {NULL, NULL}}},
    {"sales-pipeline.yaml",
     "Sales Pipeline",
     "revops",
     "Canonical open pipeline by stage and region.",
     true,
     {{"Open pipeline by stage",
       "select stage, region, opportunities, amount_usd from mart.pipeline_by_stage order by "
       "amount_usd desc"},
      {NULL, NULL},
      {NULL, NULL}}},
    {"legacy-revenue-v1.yaml",
     "Legacy Revenue (v1)",
     "finance-data",
     "Old revenue dashboard still on archive.revenue_daily_v1 (double-counts refunds). Not "
     "canonical; scheduled for removal.",
     false,
     {{"Net revenue (v1)", "select strftime('%Y-%m', day) as month, sum(net_revenue_usd) from "
                           "archive.revenue_daily_v1 group by 1 order by 1"},
      {NULL, NULL},
      {NULL, NULL}}},
    {"growth-scratch.yaml",
     "Growth scratchpad",
     "growth-analytics",
     "Personal scratch dashboard; uses sandbox copies. Not canonical.",
     false,
     {{"Plus subscribers (copy)",
       "select day, plus_subscribers from sandbox.growth_plus_subscribers_copy order by day"},
      {"DAU (old)", "select day, dau from sandbox.dau_old order by day"},
      {NULL, NULL}}},
};

static scout_rc write_dashboard(acme_ctx *c, const acme_dashboard *d)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_rc rc =
        scout_buf_printf(&b,
                         "name: \"%s\"\nowner: %s\ncanonical: %s\ndescription: \"%s\"\n"
                         "queries:\n",
                         d->name, d->owner, d->canonical ? "true" : "false", d->description);
    for (int i = 0; !rc && i < 3 && d->q[i].title; i++)
        rc = scout_buf_printf(&b, "  - title: \"%s\"\n    sql: |\n      %s\n", d->q[i].title,
                              d->q[i].sql);
    char rel[128];
    snprintf(rel, sizeof rel, "dashboards/%s", d->file);
    if (!rc) rc = acme_write_text(c, rel, scout_buf_cstr(&b), b.len);
    scout_buf_free(&b);
    return rc;
}

scout_rc acme_write_dashboards(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    for (int i = 0; !rc && i < N(DASHBOARDS); i++) rc = write_dashboard(c, &DASHBOARDS[i]);
    return rc;
}

/* ---- Query log --------------------------------------------------------------- */

/* Dashboards live in different sources; the log records which. */
static const char *const DASH_SOURCE[] = {"product", "finance", "finance", "product",
                                          "crm",     "finance", "product"};

static const char *const ANALYSTS[] = {"maya.chen",   "raj.patel",   "sofia.alvarez", "ben.okafor",
                                       "jonas.weber", "liam.brooks", "elena.rossi",   "tom.ashby"};

static const char *const ADHOC[][2] = {
    {"finance", "select c.region, sum(r.net_revenue_usd) from mart.revenue_daily r join "
                "mart.dim_customers c on c.country_code = r.country_code where r.day >= "
                "'2026-07-01' group by 1"},
    {"finance", "select i.invoice_id, i.amount_usd, r.amount_usd from raw.invoices i join "
                "raw.refunds r on r.invoice_id = i.invoice_id where r.refunded_at >= '2026-03-01'"},
    {"finance", "select c.segment, count(*) from raw.customers c join raw.invoices i on "
                "i.customer_id = c.customer_id where c.is_test = 0 group by 1"},
    {"finance", "select cohort_month, revenue_month, net_revenue_usd from mart.customer_cohorts "
                "where region = 'EMEA'"},
    {"finance", "select country_code, strftime('%Y', day), sum(net_revenue_usd) from "
                "mart.revenue_daily group by 1, 2"},
    {"finance", "select s.subscription_id, a.billing_email from raw.subscriptions s join "
                "raw.accounts a on a.account_id = s.account_id where a.billing_email in (select "
                "billing_email from raw.accounts group by 1 having count(*) > 1)"},
    {"product", "select u.platform, count(distinct e.user_id) from raw.feature_events e join "
                "raw.users u on u.user_id = e.user_id where e.feature = 'export' and e.event_ts < "
                "'2026-07-02' group by 1"},
    {"product", "select f.feature, u.plan, count(distinct f.user_id) from raw.feature_events f "
                "join raw.users u on u.user_id = f.user_id group by 1, 2"},
    {"product", "select a.account_id, a.billing_email, s.status from raw.accounts a join "
                "raw.subscriptions s on s.account_id = a.account_id where a.is_test = 1"},
    {"product", "select trial_month, conversion_rate from analytics.trial_conversion_monthly "
                "where trial_month >= '2026-05'"},
    {"product", "select week_start, account_id, weekly_active_users from "
                "analytics.account_weekly_active_users where week_start >= '2026-09-01'"},
    {"product", "select day, component, p95_ms from eng.request_latency_daily where service = "
                "'composer' and day >= '2026-11-10'"},
    {"product",
     "select s.plan, count(*) from raw.subscriptions s join raw.subscription_events e "
     "on e.subscription_id = s.subscription_id where e.event_type = 'refund' group by 1"},
    {"crm", "select a.name, o.amount_usd, o.close_date from raw.opportunities o join "
            "raw.accounts a on a.account_id = o.account_id where o.is_closed = 0 and "
            "o.amount_usd > 50000"},
    {"crm", "select t.region, count(*) from support.tickets t where t.created_at >= "
            "'2026-07-01' and t.created_at < '2026-10-01' group by 1"},
    {"crm", "select o.owner_id, w.name, sum(o.amount_usd) from raw.opportunities o join "
            "raw.owners w on w.owner_id = o.owner_id group by 1, 2"},
    {"crm", "select t.customer_id, count(*) from support.tickets t group by 1 order by 2 desc "
            "limit 20"},
    /* Cross-source joins analysts run in the federated notebook: undeclared keys. */
    {"crm", "select a.account_id, a.name, u.user_id from crm.raw.accounts a join "
            "product.raw.users u on u.account_id = a.account_id where a.segment = 'enterprise'"},
    {"crm", "select t.region, count(*) as tickets, sum(r.net_revenue_usd) from "
            "crm.support.tickets t join finance.raw.customers c on c.customer_id = "
            "t.customer_id join finance.mart.revenue_daily r on r.country_code = c.country_code "
            "group by 1"},
};

static const char *const NOISE_TABLES[][2] = {
    {"finance", "raw.invoices"},
    {"finance", "archive.revenue_daily_v1"},
    {"finance", "staging.stg_payments"},
    {"finance", "mart.revenue_daily"},
    {"product", "raw.feature_events"},
    {"product", "sandbox.dau_old"},
    {"product", "raw.users"},
    {"product", "sandbox.growth_plus_subscribers_copy"},
    {"crm", "raw.opportunities"},
    {"crm", "support.tickets"},
    {"finance", "archive.tmp_revenue_backfill_2025"},
};

static const char *const FAILING[][3] = {
    {"finance", "select sum(revenue) from mart.revenue_daily", "no such column: revenue"},
    {"finance", "select * from mart.revenue where day = '2026-11-01'",
     "no such table: mart.revenue"},
    {"product", "select count(*) from analytics.plus_subscribers",
     "no such table: analytics.plus_subscribers"},
    {"product",
     "select user_id, count(*) from raw.feature_events where ts > '2026-01-01' group by 1",
     "no such column: ts"},
    {"crm", "select account_name from raw.opportunities", "no such column: account_name"},
    {"product", "select day, p99_ms from eng.request_latency_daily", "no such column: p99_ms"},
};

typedef struct qlog_gen {
    acme_ctx *c;
    acme_rng r;
    scout_buf out;
    int64_t n;
} qlog_gen;

static scout_rc emit(qlog_gen *g, int64_t t, const char *user, const char *source, const char *sql,
                     const char *dashboard, const char *error)
{
    char ts[20];
    acme_ts_str((int)(t / 86400), (int)(t % 86400), ts);
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s}", "sql", sql, "user", user, "ts", ts, "source", source);
    if (!o) return scout_err_set(g->c->err, SCOUT_ENOMEM, "acme: out of memory");
    if (dashboard) json_object_set_new(o, "dashboard", json_string(dashboard));
    if (error)
        json_object_set_new(o, "error", json_string(error));
    else
        json_object_set_new(o, "duration_ms", json_integer(acme_rng_range(&g->r, 15, 4000)));
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!line) return scout_err_set(g->c->err, SCOUT_ENOMEM, "acme: out of memory");
    scout_rc rc = scout_buf_puts(&g->out, line);
    if (!rc) rc = scout_buf_putc(&g->out, '\n');
    free(line);
    g->n++;
    return rc ? scout_err_set(g->c->err, rc, "acme: query log too large") : SCOUT_OK;
}

/* One entry of a kind chosen by weight: canonical refresh, ad-hoc, noise, failure. */
static scout_rc one_entry(qlog_gen *g, int64_t t)
{
    acme_rng *r = &g->r;
    static const double W[] = {0.35, 0.40, 0.15, 0.10};
    int kind = acme_rng_weighted(r, W, 4);
    const char *user = ANALYSTS[acme_rng_range(r, 0, N(ANALYSTS) - 1)];
    if (kind == 0) {
        int d = (int)acme_rng_range(r, 0, N(DASHBOARDS) - 1);
        if (!DASHBOARDS[d].canonical && acme_rng_chance(r, 0.7)) d = 0;
        const acme_dashboard *db = &DASHBOARDS[d];
        int nq = 0;
        while (nq < 3 && db->q[nq].title) nq++;
        const acme_query *q = &db->q[acme_rng_range(r, 0, nq - 1)];
        return emit(g, t, "svc_dashboards", DASH_SOURCE[d], q->sql, db->name, NULL);
    }
    if (kind == 1) {
        int k = (int)acme_rng_range(r, 0, N(ADHOC) - 1);
        return emit(g, t, user, ADHOC[k][0], ADHOC[k][1], NULL, NULL);
    }
    if (kind == 2) {
        int k = (int)acme_rng_range(r, 0, N(NOISE_TABLES) - 1);
        char sql[128];
        snprintf(sql, sizeof sql, "select * from %s limit 10", NOISE_TABLES[k][1]);
        return emit(g, t, user, NOISE_TABLES[k][0], sql, NULL, NULL);
    }
    int k = (int)acme_rng_range(r, 0, N(FAILING) - 1);
    return emit(g, t, user, FAILING[k][0], FAILING[k][1], NULL, FAILING[k][2]);
}

scout_rc acme_write_query_log(acme_ctx *c)
{
    qlog_gen g = {.c = c};
    acme_rng_seed(&g.r, c->seed, "query-log");
    scout_buf_init(&g.out, (size_t)512 << 20);
    int64_t n = acme_scaled(c, 6000, 200);
    /* Entries spread evenly over the last 180 days, so the log is in time order. */
    int64_t start = (int64_t)(ACME_LAST - 179) * 86400, span = 180 * 86400;
    scout_rc rc = SCOUT_OK;
    for (int64_t i = 0; !rc && i < n; i++) {
        int64_t step = span / n;
        int64_t t = start + i * step + acme_rng_range(&g.r, 0, step > 1 ? step - 1 : 0);
        rc = one_entry(&g, t);
    }
    /* Make sure each kind is present even in the smallest log. */
    int64_t last = start + span - 60;
    if (!rc)
        rc = emit(&g, last, "svc_dashboards", "finance", DASHBOARDS[1].q[0].sql, DASHBOARDS[1].name,
                  NULL);
    if (!rc)
        rc = emit(&g, last + 1, "jonas.weber", "product", "select * from raw.users limit 10", NULL,
                  NULL);
    if (!rc) rc = emit(&g, last + 2, "raj.patel", "finance", FAILING[0][1], NULL, FAILING[0][2]);
    if (!rc) rc = acme_write_text(c, "query_log.jsonl", scout_buf_cstr(&g.out), g.out.len);
    c->stats->query_log_entries = g.n;
    scout_buf_free(&g.out);
    return rc;
}
