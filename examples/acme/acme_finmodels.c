/* acme_finmodels — the finance dbt models: staging views of raw, the revenue
 * and subscriber marts, and the archive lookalikes. The SQL here is what
 * builds the tables and what the dbt project and manifest show. */
#include "acme/acme_int.h"

#define N(a)  ((int)(sizeof(a) / sizeof((a)[0])))
#define OWNER "finance-data"

/* Staging models are thin, typed renames of raw tables. */
static const acme_model_def STAGING[] = {
    {"staging", "stg_customers", NULL, OWNER, "staging", "customer_id",
     "Staged customers with test flag; one row per billing customer.",
     "-- owner: finance-data\n"
     "select customer_id, account_id, name as customer_name, lower(billing_email) as "
     "billing_email,\n"
     "       country_code, segment, signup_date, is_test\n"
     "from {{ source('finance_raw', 'customers') }}\n"},
    {"staging", "stg_invoices", NULL, OWNER, "staging", "invoice_id",
     "Staged invoices; excludes void invoices. issued_at is UTC.",
     "-- owner: finance-data\n"
     "select invoice_id, customer_id, subscription_id, plan, issued_at, status, currency,\n"
     "       amount_local, amount_usd\n"
     "from {{ source('finance_raw', 'invoices') }}\n"
     "where status <> 'void'\n"},
    {"staging", "stg_invoice_lines", NULL, OWNER, "staging", "line_id",
     "Staged invoice lines (subscription, addon, credit).",
     "-- owner: finance-data\n"
     "select line_id, invoice_id, line_type, description, quantity, amount_usd\n"
     "from {{ source('finance_raw', 'invoice_lines') }}\n"},
    {"staging", "stg_payments", NULL, OWNER, "staging", "payment_id", "Staged payment attempts.",
     "-- owner: finance-data\n"
     "select payment_id, invoice_id, customer_id, paid_at, amount_usd, status, method\n"
     "from {{ source('finance_raw', 'payments') }}\n"},
    {"staging", "stg_refunds", NULL, OWNER, "staging", "refund_id", "Staged refunds.",
     "-- owner: finance-data\n"
     "select refund_id, invoice_id, customer_id, refunded_at, amount_usd, reason, is_full\n"
     "from {{ source('finance_raw', 'refunds') }}\n"},
    {"staging", "stg_fx_rates", NULL, OWNER, "staging", "rate_date, currency",
     "Staged FX rates (units per USD).",
     "-- owner: finance-data\n"
     "select rate_date, currency, units_per_usd\n"
     "from {{ source('finance_raw', 'fx_rates') }}\n"},
    {"staging", "stg_accounts", NULL, OWNER, "staging", "account_id",
     "Staged replica of product accounts with lower-cased billing email.",
     "-- owner: finance-data\n"
     "select account_id, account_name, lower(billing_email) as billing_email, account_type,\n"
     "       segment, country_code, created_at, is_test\n"
     "from {{ source('finance_raw', 'accounts') }}\n"},
    {"staging", "stg_subscriptions", NULL, OWNER, "staging", "subscription_id",
     "Staged replica of subscriptions with Pacific-time dates (finance's day boundary).",
     "-- owner: finance-data\n"
     "-- Finance closes the books on Pacific time: shift UTC by -8 hours before taking the date.\n"
     "select subscription_id, account_id, plan, status,\n"
     "       date(started_at, '-8 hours') as start_date_pt,\n"
     "       date(converted_at, '-8 hours') as paid_date_pt,\n"
     "       date(canceled_at, '-8 hours') as cancel_date_pt,\n"
     "       date(refunded_at, '-8 hours') as refund_date_pt,\n"
     "       seats, mrr_usd\n"
     "from {{ source('finance_raw', 'subscriptions') }}\n"},
    {"staging", "stg_countries", NULL, OWNER, "staging", "country_code", "Countries with region.",
     "-- owner: finance-data\n"
     "select country_code, country_name, region, currency\n"
     "from {{ source('finance_raw', 'countries') }}\n"},
    {"staging", "stg_plans", NULL, OWNER, "staging", "plan", "Price list.",
     "-- owner: finance-data\n"
     "select plan, plan_name, monthly_price_usd, per_seat\n"
     "from {{ source('finance_raw', 'plans') }}\n"},
};

static const acme_model_def MARTS[] = {
    {"mart", "dim_customers", NULL, OWNER, "finance", "customer_id",
     "Customers with region, country, segment and cohort month (first paid month).",
     "-- owner: finance-data\n"
     "select c.customer_id, c.account_id, c.customer_name, c.billing_email, c.country_code,\n"
     "       k.country_name, k.region, c.segment, c.signup_date,\n"
     "       strftime('%Y-%m', c.signup_date) as cohort_month, c.is_test\n"
     "from {{ ref('stg_customers') }} c\n"
     "join {{ ref('stg_countries') }} k on k.country_code = c.country_code\n"},
    {"mart", "fct_invoices", NULL, OWNER, "finance", "invoice_id",
     "Invoices with gross (non-credit lines), refunded amount and net, Pacific invoice date.",
     "-- owner: finance-data\n"
     "with gross as (\n"
     "    select invoice_id, sum(amount_usd) as gross_usd\n"
     "    from {{ ref('stg_invoice_lines') }}\n"
     "    where line_type <> 'credit'\n"
     "    group by invoice_id\n"
     "), refunded as (\n"
     "    select invoice_id, sum(amount_usd) as refunded_usd\n"
     "    from {{ ref('stg_refunds') }}\n"
     "    group by invoice_id\n"
     ")\n"
     "select i.invoice_id, i.customer_id, i.plan, date(i.issued_at, '-8 hours') as invoice_date,\n"
     "       i.status, g.gross_usd, coalesce(r.refunded_usd, 0) as refunded_usd,\n"
     "       g.gross_usd - coalesce(r.refunded_usd, 0) as net_usd\n"
     "from {{ ref('stg_invoices') }} i\n"
     "join gross g on g.invoice_id = i.invoice_id\n"
     "left join refunded r on r.invoice_id = i.invoice_id\n"},
    {"mart", "revenue_daily", NULL, OWNER, "finance,canonical", "day, region, country_code, plan",
     "Canonical daily revenue by Pacific day, region, country and plan: gross revenue from "
     "paid invoices, refunds on the day they were issued, net = gross - refunds. Excludes "
     "internal test accounts. Use this, not archive.revenue_daily_v1.",
     "-- owner: finance-data\n"
     "-- Revenue is recognised on the invoice's Pacific date; refunds on the refund's Pacific "
     "date.\n"
     "with gross as (\n"
     "    select date(i.issued_at, '-8 hours') as day, i.customer_id, i.plan,\n"
     "           sum(l.amount_usd) as gross_usd, 0 as refunds_usd\n"
     "    from {{ ref('stg_invoices') }} i\n"
     "    join {{ ref('stg_invoice_lines') }} l on l.invoice_id = i.invoice_id\n"
     "    where i.status = 'paid' and l.line_type <> 'credit'\n"
     "    group by 1, 2, 3\n"
     "), refunds as (\n"
     "    select date(r.refunded_at, '-8 hours') as day, i.customer_id, i.plan,\n"
     "           0 as gross_usd, sum(r.amount_usd) as refunds_usd\n"
     "    from {{ ref('stg_refunds') }} r\n"
     "    join {{ ref('stg_invoices') }} i on i.invoice_id = r.invoice_id\n"
     "    group by 1, 2, 3\n"
     "), unioned as (\n"
     "    select * from gross union all select * from refunds\n"
     ")\n"
     "select u.day, c.region, c.country_code, u.plan,\n"
     "       round(sum(u.gross_usd), 2) as gross_revenue_usd,\n"
     "       round(sum(u.refunds_usd), 2) as refunds_usd,\n"
     "       round(sum(u.gross_usd) - sum(u.refunds_usd), 2) as net_revenue_usd,\n"
     "       count(distinct u.customer_id) as customers\n"
     "from unioned u\n"
     "join {{ ref('dim_customers') }} c on c.customer_id = u.customer_id\n"
     "where c.is_test = 0 and u.day <= '2026-11-24'\n"
     "group by 1, 2, 3, 4\n"},
    {"mart", "revenue_monthly", NULL, OWNER, "finance,canonical", "month, region, plan",
     "Monthly revenue by region and plan, rolled up from revenue_daily.",
     "-- owner: finance-data\n"
     "select strftime('%Y-%m', day) as month, region, plan,\n"
     "       round(sum(gross_revenue_usd), 2) as gross_revenue_usd,\n"
     "       round(sum(refunds_usd), 2) as refunds_usd,\n"
     "       round(sum(net_revenue_usd), 2) as net_revenue_usd\n"
     "from {{ ref('revenue_daily') }}\n"
     "group by 1, 2, 3\n"},
    {"mart", "revenue_by_country_quarterly", NULL, OWNER, "finance", "quarter, country_code",
     "Quarterly net revenue by country.",
     "-- owner: finance-data\n"
     "select strftime('%Y', day) || '-Q' || ((cast(strftime('%m', day) as integer) + 2) / 3)\n"
     "           as quarter,\n"
     "       region, country_code, round(sum(net_revenue_usd), 2) as net_revenue_usd\n"
     "from {{ ref('revenue_daily') }}\n"
     "group by 1, 2, 3\n"},
    {"mart", "customer_cohorts", NULL, OWNER, "finance", "cohort_month, revenue_month, region",
     "Net revenue and paying customers by cohort month (first paid month), revenue month and "
     "region.",
     "-- owner: finance-data\n"
     "select c.cohort_month, strftime('%Y-%m', f.invoice_date) as revenue_month, c.region,\n"
     "       count(distinct f.customer_id) as customers, round(sum(f.net_usd), 2) as "
     "net_revenue_usd\n"
     "from {{ ref('fct_invoices') }} f\n"
     "join {{ ref('dim_customers') }} c on c.customer_id = f.customer_id\n"
     "where c.is_test = 0 and f.status = 'paid'\n"
     "group by 1, 2, 3\n"},
    {"mart", "refunds_monthly", NULL, OWNER, "finance", "month, reason",
     "Refund totals per month and reason (Pacific dates).",
     "-- owner: finance-data\n"
     "select strftime('%Y-%m', date(refunded_at, '-8 hours')) as month, reason,\n"
     "       count(*) as refunds, round(sum(amount_usd), 2) as refunds_usd,\n"
     "       sum(is_full) as full_refunds\n"
     "from {{ ref('stg_refunds') }}\n"
     "group by 1, 2\n"},
    {"mart", "mrr_monthly", NULL, OWNER, "finance", "month, plan",
     "Monthly recurring revenue by plan: paid invoices in the month.",
     "-- owner: finance-data\n"
     "select strftime('%Y-%m', invoice_date) as month, plan, round(sum(gross_usd), 2) as mrr_usd,\n"
     "       count(distinct customer_id) as paying_customers\n"
     "from {{ ref('fct_invoices') }}\n"
     "where status = 'paid'\n"
     "group by 1, 2\n"},
    {"mart", "arr_by_segment", NULL, OWNER, "finance", "segment",
     "Annualised run-rate by customer segment from the last 30 days of invoices.",
     "-- owner: finance-data\n"
     "select c.segment, round(12 * sum(f.gross_usd), 2) as arr_usd,\n"
     "       count(distinct f.customer_id) as customers\n"
     "from {{ ref('fct_invoices') }} f\n"
     "join {{ ref('dim_customers') }} c on c.customer_id = f.customer_id\n"
     "where f.invoice_date > '2026-10-25' and c.is_test = 0\n"
     "group by 1\n"},
    {"mart", "ar_aging", NULL, OWNER, "finance", "invoice_id",
     "Open (unpaid) invoices with days outstanding as of 2026-11-24.",
     "-- owner: finance-data\n"
     "select invoice_id, customer_id, invoice_date, gross_usd,\n"
     "       cast(julianday('2026-11-24') - julianday(invoice_date) as integer) as "
     "days_outstanding\n"
     "from {{ ref('fct_invoices') }}\n"
     "where status = 'open'\n"},
    {"mart", "plus_subscribers_daily", "finance_plus_subscribers_daily", OWNER, "finance,canonical",
     "day",
     "Finance's paid Plus subscribers per Pacific day: paid only (trials excluded), "
     "subscriptions refunded on or before the day excluded, internal test accounts excluded, "
     "duplicate accounts de-duplicated by billing email. Growth's broader count is "
     "product.analytics.plus_subscribers_daily.",
     "-- owner: finance-data\n"
     "{{ config(alias='plus_subscribers_daily') }}\n"
     "-- Finance definition of a Plus subscriber (see docs/metrics-plus-subscribers.md):\n"
     "--   paid (trials excluded), not refunded, not a test account, one per billing email,\n"
     "--   day boundary America/Los_Angeles (UTC-8, applied in stg_subscriptions).\n"
     "-- Each paid subscription covers [paid day, min(cancel day + 1, refund day)); an email\n"
     "-- counts once while any of its subscriptions covers the day.\n"
     "with paid as (\n"
     "    select a.billing_email, s.paid_date_pt as start_day,\n"
     "           case when s.refund_date_pt is not null\n"
     "                 and (s.cancel_date_pt is null or s.refund_date_pt <= s.cancel_date_pt)\n"
     "                then s.refund_date_pt\n"
     "                else date(s.cancel_date_pt, '+1 day') end as end_day\n"
     "    from {{ ref('stg_subscriptions') }} s\n"
     "    join {{ ref('stg_accounts') }} a on a.account_id = s.account_id\n"
     "    where s.plan = 'plus' and s.paid_date_pt is not null and a.is_test = 0\n"
     "), intervals as (\n"
     "    select * from paid where end_day is null or end_day > start_day\n"
     "), edges as (\n"
     "    select billing_email, start_day as day, 1 as delta from intervals\n"
     "    union all\n"
     "    select billing_email, end_day, -1 from intervals where end_day is not null\n"
     "), per_email as (\n"
     "    select billing_email, day, sum(delta) as delta from edges group by 1, 2\n"
     "), running as (\n"
     "    select billing_email, day, sum(delta) over w as open_now, sum(delta) over w - delta as "
     "open_before\n"
     "    from per_email\n"
     "    window w as (partition by billing_email order by day)\n"
     "), email_changes as (\n"
     "    select max(day, '2024-11-25') as day,\n"
     "           sum(case when open_before = 0 and open_now > 0 then 1\n"
     "                    when open_before > 0 and open_now = 0 then -1 else 0 end) as delta\n"
     "    from running\n"
     "    group by 1\n"
     "), days as (\n"
     "    with recursive d(day) as (\n"
     "        select '2024-11-25' union all\n"
     "        select date(day, '+1 day') from d where day < '2026-11-24'\n"
     "    ) select day from d\n"
     ")\n"
     "select d.day, sum(coalesce(e.delta, 0)) over (order by d.day) as paid_plus_subscribers\n"
     "from days d\n"
     "left join email_changes e on e.day = d.day\n"},
};

static const acme_model_def ARCHIVE[] = {
    {"archive", "revenue_daily_v1", NULL, OWNER, "deprecated", "day, region, country_code, plan",
     "DEPRECATED (2026-02-09): first version of daily revenue. Double-counts refunds (subtracts "
     "both the credit lines and the refunds table), uses UTC days and includes test accounts. "
     "Use finance.mart.revenue_daily.",
     "-- owner: finance-data\n"
     "-- DEPRECATED: double-counts refunds. Use finance.mart.revenue_daily instead.\n"
     "with lines as (\n"
     "    select date(i.issued_at) as day, i.customer_id, i.plan, sum(l.amount_usd) as amount_usd\n"
     "    from {{ source('finance_raw', 'invoices') }} i\n"
     "    join {{ source('finance_raw', 'invoice_lines') }} l on l.invoice_id = i.invoice_id\n"
     "    group by 1, 2, 3\n"
     "), refunds as (\n"
     "    select date(r.refunded_at) as day, i.customer_id, i.plan, sum(r.amount_usd) as "
     "refunds_usd\n"
     "    from {{ source('finance_raw', 'refunds') }} r\n"
     "    join {{ source('finance_raw', 'invoices') }} i on i.invoice_id = r.invoice_id\n"
     "    group by 1, 2, 3\n"
     "), unioned as (\n"
     "    select day, customer_id, plan, amount_usd, 0 as refunds_usd from lines\n"
     "    union all\n"
     "    select day, customer_id, plan, 0, refunds_usd from refunds\n"
     ")\n"
     "select u.day, k.region, c.country_code, u.plan,\n"
     "       round(sum(u.amount_usd), 2) as gross_revenue_usd,\n"
     "       round(sum(u.refunds_usd), 2) as refunds_usd,\n"
     "       round(sum(u.amount_usd) - sum(u.refunds_usd), 2) as net_revenue_usd\n"
     "from unioned u\n"
     "join {{ source('finance_raw', 'customers') }} c on c.customer_id = u.customer_id\n"
     "join {{ source('finance_raw', 'countries') }} k on k.country_code = c.country_code\n"
     "group by 1, 2, 3, 4\n"},
    {"archive", "tmp_revenue_backfill_2025", NULL, OWNER, "deprecated,temporary",
     "day, region, country_code, plan",
     "Temporary table from the 2025 revenue backfill (January-June 2025 only). Do not use; "
     "kept for the audit trail.",
     "-- owner: finance-data\n"
     "-- One-off backfill, January to June 2025. Temporary.\n"
     "select * from {{ ref('revenue_daily') }}\n"
     "where day between '2025-01-01' and '2025-06-30'\n"},
    {"archive", "revenue_monthly_2024", NULL, OWNER, "archive", "month, region, plan",
     "Frozen 2024 monthly revenue as reported at year end.",
     "-- owner: finance-data\n"
     "select * from {{ ref('revenue_monthly') }} where month < '2025-01'\n"},
    {"archive", "customers_snapshot_2025_06", NULL, OWNER, "archive", "customer_id",
     "Snapshot of dim_customers at 2025-06-30 for the mid-year audit.",
     "-- owner: finance-data\n"
     "select * from {{ ref('dim_customers') }} where signup_date <= '2025-06-30'\n"},
    {"archive", "plus_subscribers_daily_v0", NULL, OWNER, "deprecated", "day",
     "DEPRECATED: first paid Plus count; used UTC days and did not dedupe accounts.",
     "-- owner: finance-data\n"
     "-- DEPRECATED: UTC day boundary and no de-duplication. Use mart.plus_subscribers_daily.\n"
     "select day, paid_plus_subscribers\n"
     "from {{ ref('finance_plus_subscribers_daily') }}\n"
     "where day < '2025-10-01'\n"},
};

static const acme_model_def MORE[] = {
    {"staging", "stg_disputes", NULL, OWNER, "staging", NULL, "Staged card disputes.",
     "-- owner: finance-data\n"
     "select payment_id, invoice_id, opened_at, amount_usd, outcome\n"
     "from {{ source('finance_raw', 'disputes') }}\n"},
    {"staging", "stg_tax_rates", NULL, OWNER, "staging", "country_code", "Staged tax rates.",
     "-- owner: finance-data\n"
     "select country_code, rate from {{ source('finance_raw', 'tax_rates') }}\n"},
    {"staging", "stg_gl_accounts", NULL, OWNER, "staging", "gl_account", "Staged GL accounts.",
     "-- owner: finance-data\n"
     "select gl_account, name, type from {{ source('finance_raw', 'gl_accounts') }}\n"},
    {"mart", "fct_payments", NULL, OWNER, "finance", "payment_id",
     "Payments with Pacific payment date and customer region.",
     "-- owner: finance-data\n"
     "select p.payment_id, p.invoice_id, p.customer_id, date(p.paid_at, '-8 hours') as paid_date,\n"
     "       p.amount_usd, p.status, p.method, c.region\n"
     "from {{ ref('stg_payments') }} p\n"
     "join {{ ref('dim_customers') }} c on c.customer_id = p.customer_id\n"},
    {"mart", "payment_failures_monthly", NULL, OWNER, "finance", "month, method",
     "Failed payment attempts per month and method.",
     "-- owner: finance-data\n"
     "select strftime('%Y-%m', paid_date) as month, method, count(*) as attempts,\n"
     "       sum(case when status = 'failed' then 1 else 0 end) as failures\n"
     "from {{ ref('fct_payments') }}\n"
     "group by 1, 2\n"},
    {"mart", "revenue_by_segment_monthly", NULL, OWNER, "finance", "month, segment",
     "Monthly net revenue by customer segment.",
     "-- owner: finance-data\n"
     "select strftime('%Y-%m', f.invoice_date) as month, c.segment,\n"
     "       round(sum(f.net_usd), 2) as net_revenue_usd\n"
     "from {{ ref('fct_invoices') }} f\n"
     "join {{ ref('dim_customers') }} c on c.customer_id = f.customer_id\n"
     "where c.is_test = 0 and f.status = 'paid'\n"
     "group by 1, 2\n"},
    {"mart", "customer_ltv", NULL, OWNER, "finance", "customer_id",
     "Lifetime net revenue per customer (test accounts excluded).",
     "-- owner: finance-data\n"
     "select f.customer_id, c.segment, c.region, c.cohort_month,\n"
     "       round(sum(f.net_usd), 2) as lifetime_net_usd, count(*) as invoices\n"
     "from {{ ref('fct_invoices') }} f\n"
     "join {{ ref('dim_customers') }} c on c.customer_id = f.customer_id\n"
     "where c.is_test = 0\n"
     "group by 1, 2, 3, 4\n"},
    {"archive", "mrr_monthly_old", NULL, OWNER, "deprecated", "month, plan",
     "DEPRECATED: MRR before the 2025 plan repricing; included open invoices.",
     "-- owner: finance-data\n"
     "-- DEPRECATED: counts open (unpaid) invoices as MRR.\n"
     "select strftime('%Y-%m', invoice_date) as month, plan, round(sum(gross_usd), 2) as mrr_usd\n"
     "from {{ ref('fct_invoices') }}\n"
     "where invoice_date < '2025-07-01'\n"
     "group by 1, 2\n"},
};

scout_rc acme_finance_models(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    for (int i = 0; !rc && i < N(STAGING); i++) rc = acme_model(c, &STAGING[i]);
    /* Join columns the marts look up by (dbt post-hook indexes in the real project). */
    if (!rc)
        rc = acme_exec(c, "CREATE INDEX staging.ix_lines_invoice ON stg_invoice_lines(invoice_id);"
                          "CREATE INDEX staging.ix_refunds_invoice ON stg_refunds(invoice_id)");
    for (int i = 0; !rc && i < N(MARTS); i++) rc = acme_model(c, &MARTS[i]);
    for (int i = 0; !rc && i < N(ARCHIVE); i++) rc = acme_model(c, &ARCHIVE[i]);
    for (int i = 0; !rc && i < N(MORE); i++) rc = acme_model(c, &MORE[i]);
    return rc;
}
