/* acme_finance — the restricted finance warehouse: customers, invoices, lines,
 * payments, refunds and FX rates derived from the replicated subscription
 * data, then staging, marts and archive tables built by running the dbt model
 * SQL. The archive holds revenue_daily_v1, which double-counts refunds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme_int.h"
#include "base/fsutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

const acme_country ACME_COUNTRIES[] = {
    {"US", "United States", "NA", "USD", 30},  {"CA", "Canada", "NA", "CAD", 5},
    {"MX", "Mexico", "LATAM", "MXN", 3},       {"BR", "Brazil", "LATAM", "BRL", 4},
    {"AR", "Argentina", "LATAM", "ARS", 1.5},  {"CL", "Chile", "LATAM", "CLP", 1},
    {"CO", "Colombia", "LATAM", "COP", 1.2},   {"GB", "United Kingdom", "EMEA", "GBP", 8},
    {"DE", "Germany", "EMEA", "EUR", 7},       {"FR", "France", "EMEA", "EUR", 5},
    {"NL", "Netherlands", "EMEA", "EUR", 2.5}, {"ES", "Spain", "EMEA", "EUR", 2.5},
    {"IT", "Italy", "EMEA", "EUR", 2},         {"SE", "Sweden", "EMEA", "SEK", 1.5},
    {"PL", "Poland", "EMEA", "PLN", 1.5},      {"IE", "Ireland", "EMEA", "EUR", 1},
    {"CH", "Switzerland", "EMEA", "CHF", 1},   {"AE", "United Arab Emirates", "EMEA", "AED", 1},
    {"ZA", "South Africa", "EMEA", "ZAR", 1},  {"NG", "Nigeria", "EMEA", "NGN", 0.8},
    {"IN", "India", "APAC", "INR", 5},         {"JP", "Japan", "APAC", "JPY", 4},
    {"AU", "Australia", "APAC", "AUD", 3},     {"SG", "Singapore", "APAC", "SGD", 1.5},
    {"KR", "South Korea", "APAC", "KRW", 2},   {"ID", "Indonesia", "APAC", "IDR", 1.5},
    {"NZ", "New Zealand", "APAC", "NZD", 0.8}, {"PH", "Philippines", "APAC", "PHP", 1},
    {"VN", "Vietnam", "APAC", "VND", 0.8},     {"TW", "Taiwan", "APAC", "TWD", 1},
};
const int ACME_N_COUNTRIES = N(ACME_COUNTRIES);

const acme_country *acme_pick_country(acme_rng *r)
{
    double w[N(ACME_COUNTRIES)];
    for (int i = 0; i < N(ACME_COUNTRIES); i++) w[i] = ACME_COUNTRIES[i].weight;
    return &ACME_COUNTRIES[acme_rng_weighted(r, w, N(ACME_COUNTRIES))];
}

/* Units of currency per USD, roughly; FX drifts a little day to day. */
static double fx_base(const char *cur)
{
    static const struct {
        const char *cur;
        double per_usd;
    } F[] = {{"USD", 1},     {"CAD", 1.36}, {"MXN", 17.5}, {"BRL", 5.1},   {"ARS", 900},
             {"CLP", 930},   {"COP", 3950}, {"GBP", 0.79}, {"EUR", 0.92},  {"SEK", 10.6},
             {"PLN", 4.0},   {"CHF", 0.88}, {"AED", 3.67}, {"ZAR", 18.4},  {"NGN", 1500},
             {"INR", 83.3},  {"JPY", 150},  {"AUD", 1.52}, {"SGD", 1.34},  {"KRW", 1330},
             {"IDR", 15700}, {"NZD", 1.65}, {"PHP", 56},   {"VND", 24500}, {"TWD", 31.5}};
    for (int i = 0; i < N(F); i++)
        if (!strcmp(F[i].cur, cur)) return F[i].per_usd;
    return 1;
}

static const char *country_currency(const char *code)
{
    for (int i = 0; i < N(ACME_COUNTRIES); i++)
        if (!strcmp(ACME_COUNTRIES[i].code, code)) return ACME_COUNTRIES[i].currency;
    return "USD";
}

typedef struct fin_gen {
    acme_ctx *c;
    acme_rng r;
    sqlite3_stmt *inv, *line, *pay, *ref;
    int64_t next_invoice, next_line, next_payment, next_refund;
} fin_gen;

static scout_rc replicate(acme_ctx *c)
{
    char *wh = scout_path_join(c->dir, "warehouse/product/raw.db");
    if (!wh) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    sqlite3_stmt *st = NULL;
    scout_rc rc = acme_prepare(c, "ATTACH ?1 AS product_raw", &st);
    if (!rc) {
        acme_bind_text(st, 1, wh);
        rc = acme_step_reset(c, st);
    }
    sqlite3_finalize(st);
    free(wh);
    static const char *const T[3][2] = {
        {"accounts", "Replica of product.raw.accounts (synced nightly by the billing sync job)."},
        {"subscriptions", "Replica of product.raw.subscriptions (synced nightly); timestamps "
                          "UTC. Finance reports use the Pacific day boundary."},
        {"subscription_events", "Replica of product.raw.subscription_events (synced nightly)."}};
    for (int i = 0; !rc && i < 3; i++) {
        char ddl[160];
        snprintf(ddl, sizeof ddl, "CREATE TABLE raw.%s AS SELECT * FROM product_raw.%s", T[i][0],
                 T[i][0]);
        rc = acme_raw_table(c, "raw", T[i][0], "finance-data", T[i][1], ddl);
    }
    if (!rc) rc = acme_exec(c, "DETACH product_raw");
    return rc;
}

static scout_rc countries_plans_fx(fin_gen *g)
{
    acme_ctx *c = g->c;
    scout_rc rc = acme_begin(c);
    for (int i = 0; !rc && i < N(ACME_COUNTRIES); i++)
        rc = acme_execf(c, "INSERT INTO raw.countries VALUES ('%s', '%q', '%s', '%s')",
                        ACME_COUNTRIES[i].code, ACME_COUNTRIES[i].name, ACME_COUNTRIES[i].region,
                        ACME_COUNTRIES[i].currency);
    if (!rc)
        rc = acme_exec(c, "INSERT INTO raw.plans VALUES (1, 'free', 'Free', 0, 0),"
                          " (2, 'plus', 'Plus', 12, 0), (3, 'pro', 'Pro', 29, 1),"
                          " (4, 'enterprise', 'Enterprise', 45, 1)");
    sqlite3_stmt *st = NULL;
    if (!rc) rc = acme_prepare(c, "INSERT INTO raw.fx_rates VALUES (?,?,?)", &st);
    static const char *const CUR[] = {"CAD", "MXN", "BRL", "ARS", "CLP", "COP", "GBP", "EUR",
                                      "SEK", "PLN", "CHF", "AED", "ZAR", "NGN", "INR", "JPY",
                                      "AUD", "SGD", "KRW", "IDR", "NZD", "PHP", "VND", "TWD"};
    for (int d = 0; !rc && d < ACME_DAYS; d++) {
        char ds[11];
        acme_day_str(d, ds);
        for (int k = 0; !rc && k < N(CUR); k++) {
            double v = fx_base(CUR[k]) * (1 + 0.04 * sin((d + 17.0 * k) / 60.0));
            acme_bind_text(st, 1, ds);
            acme_bind_text(st, 2, CUR[k]);
            sqlite3_bind_double(st, 3, round(v * 10000) / 10000);
            rc = acme_step_reset(c, st);
        }
    }
    sqlite3_finalize(st);
    if (!rc) rc = acme_commit(c);
    return rc;
}

static scout_rc customers(acme_ctx *c)
{
    /* Customer ids differ from account ids on purpose: the link is customers.account_id. */
    return acme_exec(
        c, "INSERT INTO raw.customers SELECT 700000 + a.account_id, a.account_id, a.account_name,"
           " a.billing_email, a.country_code,"
           " CASE a.segment WHEN 'enterprise' THEN 'Enterprise' WHEN 'mid-market' THEN "
           "'Mid-market' ELSE 'SMB' END,"
           " date(min(s.converted_at)), a.is_test"
           " FROM raw.accounts a JOIN raw.subscriptions s ON s.account_id = a.account_id"
           " WHERE s.converted_at IS NOT NULL GROUP BY a.account_id ORDER BY a.account_id");
}

static scout_rc add_line(fin_gen *g, int64_t invoice, const char *type, const char *desc,
                         double qty, double amount)
{
    sqlite3_stmt *st = g->line;
    sqlite3_bind_int64(st, 1, g->next_line++);
    sqlite3_bind_int64(st, 2, invoice);
    acme_bind_text(st, 3, type);
    acme_bind_text(st, 4, desc);
    sqlite3_bind_double(st, 5, qty);
    sqlite3_bind_double(st, 6, round(amount * 100) / 100);
    return acme_step_reset(g->c, st);
}

static scout_rc add_refund(fin_gen *g, int64_t invoice, int64_t customer, const char *ts,
                           double amount, const char *reason, bool full)
{
    sqlite3_stmt *st = g->ref;
    amount = round(amount * 100) / 100;
    sqlite3_bind_int64(st, 1, g->next_refund++);
    sqlite3_bind_int64(st, 2, invoice);
    sqlite3_bind_int64(st, 3, customer);
    acme_bind_text(st, 4, ts);
    sqlite3_bind_double(st, 5, amount);
    acme_bind_text(st, 6, reason);
    sqlite3_bind_int(st, 7, full);
    scout_rc rc = acme_step_reset(g->c, st);
    /* The billing system also books a credit line on the invoice: the correct
     * revenue mart ignores it, revenue_daily_v1 subtracts it a second time. */
    if (!rc) rc = add_line(g, invoice, "credit", "Refund credit note", 1, -amount);
    return rc;
}

typedef struct sub_info {
    int64_t sub_id, account_id, customer_id;
    const char *plan, *converted, *canceled, *refunded, *country;
    int seats;
} sub_info;

static double plan_price(const char *plan)
{
    return !strcmp(plan, "plus") ? 12 : !strcmp(plan, "pro") ? 29 : 45;
}

/* One invoice per 30 days of paid life; payment a few days later. */
static scout_rc invoice_one(fin_gen *g, const sub_info *s, int day, int sec, bool refund_here)
{
    acme_rng *r = &g->r;
    int64_t id = g->next_invoice++;
    double base = plan_price(s->plan) * s->seats;
    bool addon = s->seats > 1 && acme_rng_chance(r, 0.25);
    double addon_amt = addon ? 5.0 * (double)acme_rng_range(r, 1, 10) : 0;
    double total = base + addon_amt;
    const char *cur = country_currency(s->country);
    bool failed = acme_rng_chance(r, 0.025);
    char ts[20], paid[20];
    acme_ts_str(day, sec, ts);
    sqlite3_stmt *st = g->inv;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, s->customer_id);
    sqlite3_bind_int64(st, 3, s->sub_id);
    acme_bind_text(st, 4, s->plan);
    acme_bind_text(st, 5, ts);
    acme_bind_text(st, 6, failed ? "open" : "paid");
    acme_bind_text(st, 7, cur);
    sqlite3_bind_double(st, 8, round(total * fx_base(cur) * 100) / 100);
    sqlite3_bind_double(st, 9, total);
    scout_rc rc = acme_step_reset(g->c, st);
    if (!rc) rc = add_line(g, id, "subscription", s->plan, s->seats, base);
    if (!rc && addon) rc = add_line(g, id, "addon", "Extra storage", 1, addon_amt);
    acme_ts_str(day + (int)acme_rng_range(r, 0, 3), sec + 600, paid);
    /* A payment is never dated after "today": one due later is taken as paid with the invoice. */
    if (strcmp(paid, "2026-11-24 23:59:59") > 0) scout_strlcpy(paid, ts, sizeof paid);
    st = g->pay;
    sqlite3_bind_int64(st, 1, g->next_payment++);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, s->customer_id);
    acme_bind_text(st, 4, paid);
    sqlite3_bind_double(st, 5, total);
    acme_bind_text(st, 6, failed ? "failed" : "succeeded");
    acme_bind_text(st, 7, acme_rng_chance(r, 0.8) ? "card" : "bank_transfer");
    if (!rc) rc = acme_step_reset(g->c, st);
    if (!rc && refund_here && !failed)
        rc = add_refund(g, id, s->customer_id, s->refunded, total, "requested_by_customer", true);
    else if (!rc && !failed && acme_rng_chance(r, 0.03)) {
        char rts[20];
        acme_ts_str(day + (int)acme_rng_range(r, 2, 20), sec + 3600, rts);
        if (strcmp(rts, "2026-11-24 23:59:59") < 0)
            rc = add_refund(g, id, s->customer_id, rts, total * (0.2 + 0.4 * acme_rng_unit(r)),
                            "service_issue", false);
    }
    return rc;
}

static int ts_day(const char *ts)
{
    int y, m, d;
    if (!ts || sscanf(ts, "%d-%d-%d", &y, &m, &d) != 3) return ACME_DAYS;
    return acme_day_index(y, m, d);
}

static int ts_sec(const char *ts)
{
    int h = 0, mi = 0, s = 0;
    if (!ts || strlen(ts) < 19 || sscanf(ts + 11, "%d:%d:%d", &h, &mi, &s) != 3) return 0;
    return h * 3600 + mi * 60 + s;
}

static scout_rc invoice_sub(fin_gen *g, const sub_info *s)
{
    int start = ts_day(s->converted), sec = ts_sec(s->converted);
    int stop = s->canceled ? ts_day(s->canceled) : ACME_DAYS;
    int refund_day = s->refunded ? ts_day(s->refunded) : -100000;
    if (start < 0) start += ((-start + 29) / 30) * 30; /* invoices inside the window only */
    scout_rc rc = SCOUT_OK;
    for (int d = start; !rc && d < stop && d < ACME_DAYS; d += 30) {
        bool refund_here = refund_day >= d && refund_day < d + 30;
        rc = invoice_one(g, s, d, sec, refund_here);
    }
    return rc;
}

static scout_rc invoices(fin_gen *g)
{
    acme_ctx *c = g->c;
    sqlite3_stmt *sel = NULL;
    scout_rc rc = acme_prepare(c,
                               "SELECT s.subscription_id, s.account_id, 700000 + s.account_id, "
                               "s.plan, s.converted_at, s.canceled_at, s.refunded_at, "
                               "a.country_code, s.seats FROM raw.subscriptions s JOIN "
                               "raw.accounts a ON a.account_id = s.account_id WHERE "
                               "s.converted_at IS NOT NULL ORDER BY s.subscription_id",
                               &sel);
    if (!rc) rc = acme_prepare(c, "INSERT INTO raw.invoices VALUES (?,?,?,?,?,?,?,?,?)", &g->inv);
    if (!rc) rc = acme_prepare(c, "INSERT INTO raw.invoice_lines VALUES (?,?,?,?,?,?)", &g->line);
    if (!rc) rc = acme_prepare(c, "INSERT INTO raw.payments VALUES (?,?,?,?,?,?,?)", &g->pay);
    if (!rc) rc = acme_prepare(c, "INSERT INTO raw.refunds VALUES (?,?,?,?,?,?,?)", &g->ref);
    if (!rc) rc = acme_begin(c);
    while (!rc && sqlite3_step(sel) == SQLITE_ROW) {
        sub_info s = {
            .sub_id = sqlite3_column_int64(sel, 0),
            .account_id = sqlite3_column_int64(sel, 1),
            .customer_id = sqlite3_column_int64(sel, 2),
            .plan = (const char *)sqlite3_column_text(sel, 3),
            .converted = (const char *)sqlite3_column_text(sel, 4),
            .canceled = (const char *)sqlite3_column_text(sel, 5),
            .refunded = (const char *)sqlite3_column_text(sel, 6),
            .country = (const char *)sqlite3_column_text(sel, 7),
            .seats = sqlite3_column_int(sel, 8),
        };
        if (!s.country) s.country = "US";
        rc = invoice_sub(g, &s);
    }
    if (!rc) rc = acme_commit(c);
    sqlite3_finalize(sel);
    sqlite3_finalize(g->inv);
    sqlite3_finalize(g->line);
    sqlite3_finalize(g->pay);
    sqlite3_finalize(g->ref);
    return rc;
}

static scout_rc ledger(acme_ctx *c)
{
    scout_rc rc = acme_exec(
        c, "INSERT INTO raw.gl_accounts VALUES (4000, 'Subscription revenue', 'revenue'),"
           " (4010, 'Add-on revenue', 'revenue'), (4900, 'Refunds and credits', 'contra_revenue'),"
           " (1200, 'Accounts receivable', 'asset'), (1000, 'Cash', 'asset')");
    if (!rc)
        rc = acme_exec(
            c, "INSERT INTO raw.tax_rates SELECT country_code, CASE region WHEN 'EMEA' THEN "
               "0.20 WHEN 'APAC' THEN 0.10 WHEN 'LATAM' THEN 0.16 ELSE 0.0 END FROM "
               "raw.countries");
    if (!rc)
        rc =
            /* Disputes open 9 days after the payment; one that would open after "today" does not
               exist yet. */
            acme_exec(c, "INSERT INTO raw.disputes SELECT payment_id, invoice_id, "
                         "datetime(paid_at, '+9 days'), amount_usd, CASE payment_id % 3 WHEN 0 "
                         "THEN 'won' ELSE 'lost' END FROM raw.payments WHERE payment_id % 211 = 0 "
                         "AND datetime(paid_at, '+9 days') <= '2026-11-24 23:59:59'");
    return rc;
}

static scout_rc create_raw(acme_ctx *c)
{
    static const struct {
        const char *name, *desc, *ddl;
    } T[] = {
        {"countries", "ISO countries with Acme's sales region (EMEA, NA, APAC, LATAM).",
         "CREATE TABLE raw.countries (country_code TEXT PRIMARY KEY, country_name TEXT, region "
         "TEXT NOT NULL, currency TEXT)"},
        {"plans", "Price list: Free, Plus, Pro, Enterprise (USD per seat per month).",
         "CREATE TABLE raw.plans (plan_id INTEGER PRIMARY KEY, plan TEXT UNIQUE, plan_name TEXT, "
         "monthly_price_usd REAL, per_seat INTEGER)"},
        {"customers",
         "Billing customers (anyone who ever paid). customer_id is not the product "
         "account_id: join via customers.account_id. is_test marks internal accounts.",
         "CREATE TABLE raw.customers (customer_id INTEGER PRIMARY KEY, account_id INTEGER, name "
         "TEXT, billing_email TEXT, country_code TEXT REFERENCES countries(country_code), segment "
         "TEXT, signup_date TEXT, is_test INTEGER NOT NULL DEFAULT 0)"},
        {"invoices",
         "Invoices from the billing system, one per subscription per 30-day period. "
         "issued_at is UTC. amount_usd is the invoice total before refunds.",
         "CREATE TABLE raw.invoices (invoice_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
         "REFERENCES customers(customer_id), subscription_id INTEGER, plan TEXT, issued_at TEXT, "
         "status TEXT, currency TEXT, amount_local REAL, amount_usd REAL)"},
        {"invoice_lines",
         "Invoice lines: subscription, addon, and credit (negative, booked when "
         "a refund is issued).",
         "CREATE TABLE raw.invoice_lines (line_id INTEGER PRIMARY KEY, invoice_id INTEGER NOT "
         "NULL REFERENCES invoices(invoice_id), line_type TEXT, description TEXT, quantity REAL, "
         "amount_usd REAL)"},
        {"payments", "Payment attempts per invoice.",
         "CREATE TABLE raw.payments (payment_id INTEGER PRIMARY KEY, invoice_id INTEGER, "
         "customer_id INTEGER, paid_at TEXT, amount_usd REAL, status TEXT, method TEXT)"},
        {"refunds", "Refunds, full and partial, with the UTC time they were issued.",
         "CREATE TABLE raw.refunds (refund_id INTEGER PRIMARY KEY, invoice_id INTEGER NOT NULL "
         "REFERENCES invoices(invoice_id), customer_id INTEGER, refunded_at TEXT, amount_usd "
         "REAL, reason TEXT, is_full INTEGER)"},
        {"fx_rates", "Daily FX rates: units of currency per USD.",
         "CREATE TABLE raw.fx_rates (rate_date TEXT, currency TEXT, units_per_usd REAL, PRIMARY "
         "KEY (rate_date, currency))"},
        {"gl_accounts", "General ledger chart of accounts.",
         "CREATE TABLE raw.gl_accounts (gl_account INTEGER PRIMARY KEY, name TEXT, type TEXT)"},
        {"tax_rates", "Indirect tax rate per country (not included in revenue).",
         "CREATE TABLE raw.tax_rates (country_code TEXT, rate REAL)"},
        {"disputes", "Card payment disputes (chargebacks).",
         "CREATE TABLE raw.disputes (payment_id INTEGER, invoice_id INTEGER, opened_at TEXT, "
         "amount_usd REAL, outcome TEXT)"},
    };
    scout_rc rc = SCOUT_OK;
    for (int i = 0; !rc && i < N(T); i++)
        rc = acme_raw_table(c, "raw", T[i].name, "finance-data", T[i].desc, T[i].ddl);
    return rc;
}

scout_rc acme_gen_finance(acme_ctx *c)
{
    fin_gen g = {.c = c, .next_invoice = 1, .next_line = 1, .next_payment = 1, .next_refund = 1};
    acme_rng_seed(&g.r, c->seed, "finance");
    scout_rc rc = replicate(c);
    if (!rc) rc = create_raw(c);
    if (!rc) rc = countries_plans_fx(&g);
    if (!rc) rc = customers(c);
    acme_progress(c, "invoices");
    if (!rc) rc = invoices(&g);
    if (!rc) rc = ledger(c);
    acme_progress(c, "finance models");
    if (!rc) rc = acme_finance_models(c);
    return rc;
}
