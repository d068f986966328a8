/* acme_crm — the sales CRM (crm.raw, crm.mart) and support desk (crm.support).
 * CRM account ids are product account ids (undeclared link to
 * product.raw.users.account_id); declining enterprise accounts always carry an
 * open renewal opportunity over $50k so the cross-department question has
 * answers. Tickets carry customer_id (finance) and region. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme_int.h"
#include "base/fsutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const REPS[][3] = {
    {"Hannah Reyes", "NA", "enterprise"},
    {"Marcus Bell", "NA", "mid-market"},
    {"Aiko Sato", "APAC", "enterprise"},
    {"Ravi Menon", "APAC", "mid-market"},
    {"Clara Vogel", "EMEA", "enterprise"},
    {"Tom Ashby", "EMEA", "mid-market"},
    {"Lucia Ramos", "LATAM", "enterprise"},
    {"Pedro Alves", "LATAM", "smb"},
    {"Grace Liu", "NA", "smb"},
    {"Sven Olsen", "EMEA", "smb"},
};

static const char *const STAGES[][4] = {
    /* name, order, is_closed, is_won */
    {"prospecting", "1", "0", "0"}, {"discovery", "2", "0", "0"},  {"proposal", "3", "0", "0"},
    {"negotiation", "4", "0", "0"}, {"closed_won", "5", "1", "1"}, {"closed_lost", "6", "1", "0"},
};

static scout_rc create_tables(acme_ctx *c)
{
    static const struct {
        const char *schema, *name, *desc, *ddl;
    } T[] = {
        {"raw", "countries", "Country to sales region mapping used by the CRM.",
         "CREATE TABLE raw.countries (country_code TEXT PRIMARY KEY, region TEXT)"},
        {"raw", "owners", "Sales reps (opportunity and account owners).",
         "CREATE TABLE raw.owners (owner_id INTEGER PRIMARY KEY, name TEXT, email TEXT, region "
         "TEXT, team TEXT)"},
        {"raw", "accounts",
         "CRM accounts: the business customers. account_id is the same id as the product "
         "account (product.raw.accounts / product.raw.users.account_id).",
         "CREATE TABLE raw.accounts (account_id INTEGER PRIMARY KEY, name TEXT, segment TEXT, "
         "country_code TEXT, region TEXT, owner_id INTEGER REFERENCES owners(owner_id), industry "
         "TEXT, created_date TEXT)"},
        {"raw", "stages", "Opportunity pipeline stages.",
         "CREATE TABLE raw.stages (stage_id INTEGER PRIMARY KEY, stage TEXT, stage_order INTEGER, "
         "is_closed INTEGER, is_won INTEGER, probability REAL)"},
        {"raw", "opportunities",
         "Sales opportunities (new business and renewals) with amount in USD and close date.",
         "CREATE TABLE raw.opportunities (opportunity_id INTEGER PRIMARY KEY, account_id INTEGER "
         "NOT NULL REFERENCES accounts(account_id), owner_id INTEGER, name TEXT, type TEXT, "
         "amount_usd REAL, stage_id INTEGER, is_closed INTEGER, created_date TEXT, close_date "
         "TEXT)"},
        {"raw", "contacts", "People at CRM accounts.",
         "CREATE TABLE raw.contacts (contact_id INTEGER PRIMARY KEY, account_id INTEGER, name "
         "TEXT, title TEXT)"},
        {"raw", "activities", "Calls, emails and meetings logged by reps.",
         "CREATE TABLE raw.activities (activity_id INTEGER PRIMARY KEY, account_id INTEGER, "
         "owner_id INTEGER, activity_type TEXT, activity_date TEXT)"},
        {"raw", "campaigns", "Marketing campaigns that source leads.",
         "CREATE TABLE raw.campaigns (campaign_id INTEGER PRIMARY KEY, name TEXT, channel TEXT, "
         "start_date TEXT, budget_usd REAL)"},
        {"raw", "leads", "Inbound leads before they become accounts.",
         "CREATE TABLE raw.leads (lead_id INTEGER PRIMARY KEY, campaign_id INTEGER, company TEXT, "
         "region TEXT, created_date TEXT, converted_account_id INTEGER)"},
        {"support", "agents", "Support agents and their region.",
         "CREATE TABLE support.agents (agent_id INTEGER PRIMARY KEY, name TEXT, region TEXT)"},
        {"support", "sla_policies", "Response-time targets per priority.",
         "CREATE TABLE support.sla_policies (priority TEXT PRIMARY KEY, first_response_hours "
         "INTEGER)"},
        {"support", "tickets",
         "Support tickets. account_id is the product account; customer_id the finance customer "
         "(NULL for free users); region from the account's country. created_at UTC.",
         "CREATE TABLE support.tickets (ticket_id INTEGER PRIMARY KEY, account_id INTEGER, "
         "customer_id INTEGER, region TEXT, created_at TEXT, priority TEXT, status TEXT, channel "
         "TEXT, category TEXT, agent_id INTEGER, resolved_at TEXT)"},
        {"support", "csat_responses", "Customer satisfaction survey responses per ticket.",
         "CREATE TABLE support.csat_responses (ticket_id INTEGER, score INTEGER, responded_at "
         "TEXT)"},
    };
    scout_rc rc = SCOUT_OK;
    for (int i = 0; !rc && i < N(T); i++)
        rc = acme_raw_table(c, T[i].schema, T[i].name,
                            !strcmp(T[i].schema, "raw") ? "revops" : "support-ops", T[i].desc,
                            T[i].ddl);
    return rc;
}

static scout_rc small_tables(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    for (int i = 0; !rc && i < ACME_N_COUNTRIES; i++)
        rc = acme_execf(c, "INSERT INTO raw.countries VALUES ('%s', '%s')", ACME_COUNTRIES[i].code,
                        ACME_COUNTRIES[i].region);
    for (int i = 0; !rc && i < N(REPS); i++) {
        char email[64];
        snprintf(email, sizeof email, "rep%d@acme.io", i + 1);
        rc = acme_execf(c, "INSERT INTO raw.owners VALUES (%d, '%s', '%s', '%s', '%s')", i + 1,
                        REPS[i][0], email, REPS[i][1], REPS[i][2]);
        if (!rc)
            rc = acme_execf(c, "INSERT INTO support.agents VALUES (%d, 'Agent %d', '%s')", i + 1,
                            i + 1, REPS[i][1]);
    }
    static const double PROB[] = {0.1, 0.2, 0.4, 0.7, 1.0, 0.0};
    for (int i = 0; !rc && i < N(STAGES); i++)
        rc = acme_execf(c, "INSERT INTO raw.stages VALUES (%d, '%s', %s, %s, %s, %.1f)", i + 1,
                        STAGES[i][0], STAGES[i][1], STAGES[i][2], STAGES[i][3], PROB[i]);
    for (int i = 1; !rc && i <= 12; i++) {
        char d[11];
        acme_day_str(i * 55, d);
        rc = acme_execf(c, "INSERT INTO raw.campaigns VALUES (%d, 'Campaign %d', '%s', '%s', %d)",
                        i, i, i % 3 ? "paid_search" : "events", d, 5000 * (1 + i % 4));
    }
    if (!rc)
        rc = acme_exec(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                          "i < 600) INSERT INTO raw.leads SELECT i, 1 + i % 12, 'Lead Co ' || i, "
                          "CASE i % 4 WHEN 0 THEN 'EMEA' WHEN 1 THEN 'NA' WHEN 2 THEN 'APAC' ELSE "
                          "'LATAM' END, date('2024-11-25', '+' || (i % 729) || ' days'), CASE WHEN "
                          "i % 9 = 0 THEN i / 9 END FROM n");
    if (!rc)
        rc = acme_exec(c, "INSERT INTO support.sla_policies VALUES ('urgent', 1), ('high', 4), "
                          "('normal', 24), ('low', 72)");
    return rc;
}

/* The owner of an account is one of its region's reps, spread by account id. */
static scout_rc assign_owners(acme_ctx *c)
{
    sqlite3_stmt *sel = NULL, *up = NULL;
    scout_rc rc = acme_prepare(c, "SELECT account_id, region FROM raw.accounts", &sel);
    if (!rc) rc = acme_prepare(c, "UPDATE raw.accounts SET owner_id = ? WHERE account_id = ?", &up);
    if (!rc) rc = acme_begin(c);
    while (!rc && sqlite3_step(sel) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(sel, 0);
        const char *region = (const char *)sqlite3_column_text(sel, 1);
        int idx[N(REPS)], n = 0;
        for (int i = 0; i < N(REPS); i++)
            if (region && !strcmp(REPS[i][1], region)) idx[n++] = i;
        sqlite3_bind_int(up, 1, n ? idx[id % n] + 1 : 1);
        sqlite3_bind_int64(up, 2, id);
        rc = acme_step_reset(c, up);
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(up);
    if (!rc) rc = acme_commit(c);
    return rc;
}

/* Accounts come from the product replica so names and countries agree. */
static scout_rc accounts(acme_ctx *c)
{
    char *path = scout_path_join(c->dir, "warehouse/product/raw.db");
    if (!path) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    sqlite3_stmt *st = NULL;
    scout_rc rc = acme_prepare(c, "ATTACH ?1 AS product_raw", &st);
    if (!rc) {
        acme_bind_text(st, 1, path);
        rc = acme_step_reset(c, st);
    }
    sqlite3_finalize(st);
    free(path);
    if (!rc)
        rc = acme_execf(
            c,
            "INSERT INTO raw.accounts SELECT a.account_id, a.account_name, a.segment, "
            "a.country_code, k.region, NULL, "
            "CASE a.account_id %% 5 WHEN 0 THEN 'software' WHEN 1 THEN 'retail' WHEN 2 THEN "
            "'healthcare' WHEN 3 THEN 'finance' ELSE 'manufacturing' END, date(a.created_at) "
            "FROM product_raw.accounts a JOIN raw.countries k ON k.country_code = a.country_code "
            "WHERE a.account_id <= %lld",
            (long long)c->n_biz_accounts);
    /* Tickets need every account's country: keep a temp copy before detaching. */
    if (!rc)
        rc = acme_exec(c, "CREATE TEMP TABLE acct AS SELECT a.account_id, a.is_test, k.region,"
                          " p.account_id IS NOT NULL AS paid FROM product_raw.accounts a"
                          " JOIN raw.countries k ON k.country_code = a.country_code"
                          " LEFT JOIN (SELECT DISTINCT account_id FROM product_raw.subscriptions"
                          " WHERE converted_at IS NOT NULL) p ON p.account_id = a.account_id");
    if (!rc) rc = acme_exec(c, "DETACH product_raw");
    if (!rc) rc = assign_owners(c);
    return rc;
}

static scout_rc opportunity(acme_ctx *c, sqlite3_stmt *st, acme_rng *r, int64_t *id, int64_t acct,
                            bool open, double amount, const char *type)
{
    int created = (int)acme_rng_range(r, 0, ACME_LAST - 30);
    int stage = open ? (int)acme_rng_range(r, 1, 4) : (acme_rng_chance(r, 0.35) ? 5 : 6);
    int close = open ? ACME_LAST + (int)acme_rng_range(r, 10, 120)
                     : created + (int)acme_rng_range(r, 20, 120);
    if (!open && close > ACME_LAST) close = ACME_LAST;
    char cd[11], cl[11], name[64];
    acme_day_str(created, cd);
    acme_day_str(close, cl);
    snprintf(name, sizeof name, "%s %lld-%lld", type, (long long)acct, (long long)*id);
    sqlite3_bind_int64(st, 1, (*id)++);
    sqlite3_bind_int64(st, 2, acct);
    sqlite3_bind_int64(st, 3, 1 + (acct * 7) % N(REPS));
    acme_bind_text(st, 4, name);
    acme_bind_text(st, 5, type);
    sqlite3_bind_double(st, 6, (double)(int64_t)(amount / 100) * 100);
    sqlite3_bind_int(st, 7, stage);
    sqlite3_bind_int(st, 8, !open);
    acme_bind_text(st, 9, cd);
    acme_bind_text(st, 10, cl);
    return acme_step_reset(c, st);
}

static scout_rc opportunities(acme_ctx *c, acme_rng *r)
{
    sqlite3_stmt *st = NULL;
    int64_t id = 1;
    scout_rc rc =
        acme_prepare(c, "INSERT INTO raw.opportunities VALUES (?,?,?,?,?,?,?,?,?,?)", &st);
    for (int64_t a = 1; !rc && a <= c->n_biz_accounts; a++) {
        const char *seg = acme_biz_segment(a);
        double hi = !strcmp(seg, "enterprise")   ? 300000
                    : !strcmp(seg, "mid-market") ? 60000
                                                 : 15000;
        int64_t k = acme_rng_range(r, 1, 5);
        for (int64_t i = 0; !rc && i < k; i++)
            rc = opportunity(c, st, r, &id, a, acme_rng_chance(r, 0.25),
                             hi * (0.1 + 0.9 * acme_rng_unit(r)), i ? "expansion" : "new_business");
        /* Declining accounts are up for renewal: a big open renewal is at risk. */
        if (!rc && acme_biz_declining(c, a))
            rc = opportunity(c, st, r, &id, a, true, 55000 + 200000 * acme_rng_unit(r), "renewal");
        else if (!rc && !strcmp(seg, "enterprise") && acme_rng_chance(r, 0.5))
            rc = opportunity(c, st, r, &id, a, true, 52000 + 150000 * acme_rng_unit(r), "renewal");
    }
    sqlite3_finalize(st);
    if (!rc)
        rc = acme_exec(c, "INSERT INTO raw.contacts SELECT account_id * 10 + n, account_id, "
                          "'Contact ' || account_id || '-' || n, CASE n WHEN 1 THEN 'CTO' WHEN 2 "
                          "THEN 'Head of Ops' ELSE 'Buyer' END FROM raw.accounts, (SELECT 1 AS n "
                          "UNION ALL SELECT 2 UNION ALL SELECT 3)");
    return rc;
}

static scout_rc activities_and_tickets(acme_ctx *c, acme_rng *r)
{
    sqlite3_stmt *act = NULL, *tk = NULL;
    scout_rc rc = acme_prepare(c, "INSERT INTO raw.activities VALUES (?,?,?,?,?)", &act);
    int64_t n_act = acme_scaled(c, 30000, 300);
    static const char *const ATYPE[] = {"call", "email", "meeting", "demo"};
    for (int64_t i = 1; !rc && i <= n_act; i++) {
        char d[11];
        acme_day_str((int)acme_rng_range(r, 0, ACME_LAST), d);
        int64_t a = acme_rng_range(r, 1, c->n_biz_accounts);
        sqlite3_bind_int64(act, 1, i);
        sqlite3_bind_int64(act, 2, a);
        sqlite3_bind_int64(act, 3, 1 + (a * 7) % N(REPS));
        acme_bind_text(act, 4, ATYPE[acme_rng_range(r, 0, 3)]);
        acme_bind_text(act, 5, d);
        rc = acme_step_reset(c, act);
    }
    if (!rc)
        rc = acme_exec(c, "CREATE TEMP TABLE tk (ticket_id INTEGER PRIMARY KEY, account_id "
                          "INTEGER, created_at TEXT, priority TEXT, status TEXT, channel TEXT, "
                          "category TEXT, agent_id INTEGER, resolved_at TEXT)");
    if (!rc) rc = acme_prepare(c, "INSERT INTO tk VALUES (?,?,?,?,?,?,?,?,?)", &tk);
    int64_t n_tk = acme_scaled(c, 40000, 400);
    static const char *const PRI[] = {"urgent", "high", "normal", "low"};
    static const double PRI_W[] = {0.05, 0.2, 0.55, 0.2};
    static const char *const CH[] = {"email", "chat", "web", "phone"};
    static const char *const CAT[] = {"billing", "bug", "how-to", "account", "export", "sync"};
    for (int64_t i = 1; !rc && i <= n_tk; i++) {
        /* Business accounts file far more tickets per account than consumers. */
        int64_t a = acme_rng_chance(r, 0.5) ? acme_rng_range(r, 1, c->n_biz_accounts)
                                            : acme_rng_range(r, 1, c->n_accounts);
        int day = (int)acme_rng_range(r, 0, ACME_LAST);
        int sec = (int)acme_rng_range(r, 0, 86399);
        char ts[20], res[20];
        acme_ts_str(day, sec, ts);
        bool open = day > ACME_LAST - 10 && acme_rng_chance(r, 0.6);
        acme_ts_str(day, sec + (int)acme_rng_range(r, 600, 5 * 86400), res);
        sqlite3_bind_int64(tk, 1, i);
        sqlite3_bind_int64(tk, 2, a);
        acme_bind_text(tk, 3, ts);
        acme_bind_text(tk, 4, PRI[acme_rng_weighted(r, PRI_W, 4)]);
        acme_bind_text(tk, 5, open ? "open" : "solved");
        acme_bind_text(tk, 6, CH[acme_rng_range(r, 0, 3)]);
        acme_bind_text(tk, 7, CAT[acme_rng_range(r, 0, day > 554 ? 5 : 3)]);
        sqlite3_bind_int64(tk, 8, acme_rng_range(r, 1, N(REPS)));
        if (!open && strcmp(res, "2026-11-24 23:59:59") <= 0) acme_bind_text(tk, 9, res);
        rc = acme_step_reset(c, tk);
    }
    sqlite3_finalize(act);
    sqlite3_finalize(tk);
    if (!rc)
        rc = acme_exec(c, "INSERT INTO support.tickets SELECT t.ticket_id, t.account_id, CASE "
                          "WHEN a.paid THEN 700000 + t.account_id END, a.region, t.created_at, "
                          "t.priority, CASE WHEN t.resolved_at IS NULL THEN 'open' ELSE t.status "
                          "END, t.channel, t.category, t.agent_id, t.resolved_at FROM tk t JOIN "
                          "acct a ON a.account_id = t.account_id ORDER BY t.ticket_id");
    if (!rc)
        rc = acme_exec(c, "INSERT INTO support.csat_responses SELECT ticket_id, 1 + (ticket_id * "
                          "7919) % 5, resolved_at FROM support.tickets WHERE resolved_at IS NOT "
                          "NULL AND ticket_id % 4 = 0");
    return rc;
}

static const acme_model_def MODELS[] = {
    {"mart", "opportunities_enriched", NULL, "revops", "sales", "opportunity_id",
     "Opportunities with account segment/region, owner and stage names; is_open flags the "
     "open pipeline.",
     "-- owner: revops\n"
     "select o.opportunity_id, o.account_id, a.name as account_name, a.segment, a.region,\n"
     "       w.name as owner_name, s.stage, o.type, o.amount_usd, o.created_date, o.close_date,\n"
     "       1 - s.is_closed as is_open, s.is_won\n"
     "from {{ source('crm_raw', 'opportunities') }} o\n"
     "join {{ source('crm_raw', 'accounts') }} a on a.account_id = o.account_id\n"
     "join {{ source('crm_raw', 'stages') }} s on s.stage_id = o.stage_id\n"
     "left join {{ source('crm_raw', 'owners') }} w on w.owner_id = o.owner_id\n"},
    {"mart", "pipeline_by_stage", NULL, "revops", "sales", "stage, region",
     "Open pipeline amount and count by stage and region.",
     "-- owner: revops\n"
     "select stage, region, count(*) as opportunities, round(sum(amount_usd), 2) as amount_usd\n"
     "from {{ ref('opportunities_enriched') }}\n"
     "where is_open = 1\n"
     "group by 1, 2\n"},
    {"mart", "bookings_monthly", NULL, "revops", "sales", "month, segment",
     "Closed-won bookings per close month and segment.",
     "-- owner: revops\n"
     "select strftime('%Y-%m', close_date) as month, segment, count(*) as deals,\n"
     "       round(sum(amount_usd), 2) as bookings_usd\n"
     "from {{ ref('opportunities_enriched') }}\n"
     "where is_won = 1\n"
     "group by 1, 2\n"},
    {"mart", "win_rate_quarterly", NULL, "revops", "sales", "quarter, segment",
     "Win rate of closed opportunities per quarter and segment.",
     "-- owner: revops\n"
     "select strftime('%Y', close_date) || '-Q' || ((cast(strftime('%m', close_date) as integer) + "
     "2) / 3)\n"
     "           as quarter, segment,\n"
     "       round(avg(is_won), 4) as win_rate, count(*) as closed_deals\n"
     "from {{ ref('opportunities_enriched') }}\n"
     "where is_open = 0\n"
     "group by 1, 2\n"},
    {"mart", "owner_performance", NULL, "revops", "sales", "owner_name",
     "Bookings and open pipeline per sales rep.",
     "-- owner: revops\n"
     "select owner_name, sum(case when is_won = 1 then amount_usd else 0 end) as won_usd,\n"
     "       sum(case when is_open = 1 then amount_usd else 0 end) as open_pipeline_usd\n"
     "from {{ ref('opportunities_enriched') }}\n"
     "group by 1\n"},
    {"mart", "account_summary", NULL, "revops", "sales", "account_id",
     "One row per CRM account: segment, region, owner, open pipeline and open opportunities.",
     "-- owner: revops\n"
     "select a.account_id, a.name, a.segment, a.region, a.owner_id,\n"
     "       coalesce(sum(case when o.is_open = 1 then o.amount_usd end), 0) as "
     "open_pipeline_usd,\n"
     "       sum(case when o.is_open = 1 then 1 else 0 end) as open_opportunities,\n"
     "       max(case when o.is_open = 1 then o.amount_usd end) as largest_open_opportunity_usd\n"
     "from {{ source('crm_raw', 'accounts') }} a\n"
     "left join {{ ref('opportunities_enriched') }} o on o.account_id = a.account_id\n"
     "group by 1, 2, 3, 4, 5\n"},
    {"mart", "activities_weekly", NULL, "revops", "sales", "week_start, activity_type",
     "Sales activities per week and type.",
     "-- owner: revops\n"
     "select date(activity_date, '-6 days', 'weekday 1') as week_start, activity_type,\n"
     "       count(*) as activities\n"
     "from {{ source('crm_raw', 'activities') }}\n"
     "group by 1, 2\n"},
    {"mart", "open_pipeline_by_region", NULL, "revops", "sales", "region, segment",
     "Open pipeline per region and segment.",
     "-- owner: revops\n"
     "select region, segment, count(*) as open_opportunities, round(sum(amount_usd), 2) as "
     "amount_usd\n"
     "from {{ ref('opportunities_enriched') }}\n"
     "where is_open = 1\n"
     "group by 1, 2\n"},
    {"support", "csat_monthly", NULL, "support-ops", "support", "month, region",
     "Average CSAT score per month and region.",
     "-- owner: support-ops\n"
     "select strftime('%Y-%m', c.responded_at) as month, t.region, round(avg(c.score), 2) as "
     "csat,\n"
     "       count(*) as responses\n"
     "from {{ source('crm_support', 'csat_responses') }} c\n"
     "join {{ source('crm_support', 'tickets') }} t on t.ticket_id = c.ticket_id\n"
     "group by 1, 2\n"},
    {"support", "tickets_by_category", NULL, "support-ops", "support", "category, priority",
     "Ticket counts by category and priority.",
     "-- owner: support-ops\n"
     "select category, priority, count(*) as tickets\n"
     "from {{ source('crm_support', 'tickets') }}\n"
     "group by 1, 2\n"},
    {"support", "tickets_daily", NULL, "support-ops", "support", "day, region, priority",
     "Tickets created per UTC day, region and priority.",
     "-- owner: support-ops\n"
     "select date(created_at) as day, region, priority, count(*) as tickets\n"
     "from {{ source('crm_support', 'tickets') }}\n"
     "group by 1, 2, 3\n"},
    {"support", "tickets_by_region_monthly", NULL, "support-ops", "support", "month, region",
     "Tickets, distinct accounts and median-ish resolution hours per month and region.",
     "-- owner: support-ops\n"
     "select strftime('%Y-%m', created_at) as month, region, count(*) as tickets,\n"
     "       count(distinct account_id) as accounts,\n"
     "       round(avg((julianday(resolved_at) - julianday(created_at)) * 24), 1)\n"
     "           as avg_resolution_hours\n"
     "from {{ source('crm_support', 'tickets') }}\n"
     "group by 1, 2\n"},
    {"support", "ticket_backlog", NULL, "support-ops", "support", "ticket_id",
     "Currently open tickets with age in days.",
     "-- owner: support-ops\n"
     "select ticket_id, account_id, region, priority, created_at,\n"
     "       cast(julianday('2026-11-24 23:59:59') - julianday(created_at) as integer) as "
     "age_days\n"
     "from {{ source('crm_support', 'tickets') }}\n"
     "where status = 'open'\n"},
};

scout_rc acme_gen_crm(acme_ctx *c)
{
    acme_rng r;
    acme_rng_seed(&r, c->seed, "crm");
    scout_rc rc = create_tables(c);
    if (!rc) rc = small_tables(c);
    if (!rc) rc = accounts(c); /* ATTACH cannot run inside a transaction */
    if (!rc) rc = acme_begin(c);
    if (!rc) rc = opportunities(c, &r);
    if (!rc) rc = activities_and_tickets(c, &r);
    if (!rc) rc = acme_commit(c);
    for (int i = 0; !rc && i < N(MODELS); i++) rc = acme_model(c, &MODELS[i]);
    return rc;
}
