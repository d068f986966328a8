/* retrieval_gen.c — see retrieval_gen.h. All randomness comes from one
 * xorshift generator seeded by the caller, so a seed is a catalog. */
#include "retrieval_gen.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

/* ---- vocabulary: departments, their subjects, dimensions ---- */

typedef struct dim {
    const char *col;    /* column name */
    const char *spoken; /* how people say "by <spoken>" */
    const char *values[7];
} dim;

static const dim DIMS[] = {
    {"region", "region", {"EMEA", "APAC", "NA", "LATAM"}},
    {"country_code", "country", {"US", "DE", "FR", "GB", "JP", "BR", "IN"}},
    {"plan_tier", "plan", {"Free", "Plus", "Pro", "Enterprise"}},
    {"platform", "platform", {"ios", "android", "web"}},
    {"acq_channel", "channel", {"paid_search", "organic", "affiliate", "email", "social"}},
    {"segment", "segment", {"SMB", "Mid-Market", "Enterprise"}},
    {"currency", "currency", {"USD", "EUR", "GBP", "JPY"}},
    {"priority", "priority", {"P1", "P2", "P3", "P4"}},
    {"carrier", "carrier", {"UPS", "FedEx", "DHL"}},
    {"deal_stage", "stage", {"prospecting", "negotiation", "closed_won", "closed_lost"}},
    {"severity", "severity", {"sev1", "sev2", "sev3"}},
    {"emp_type", "employment type", {"full_time", "part_time", "contractor"}},
    {"device_type", "device", {"desktop", "mobile", "tablet"}},
    {"payment_method", "payment method", {"card", "paypal", "wire", "ach"}},
    {"warehouse_site", "warehouse", {"reno", "memphis", "rotterdam"}},
    {"ticket_category", "category", {"billing", "technical", "shipping", "login"}},
};
#define N_DIMS (sizeof DIMS / sizeof DIMS[0])

typedef struct subject {
    const char *word;     /* table-name word */
    const char *desc;     /* description phrase */
    const char *people;   /* comma-separated: what people call it in questions */
    const char *measures; /* "column:spoken;..." */
    int dims[4];          /* indexes into DIMS, -1 ends */
} subject;

typedef struct dept {
    const char *name;
    const char *unit; /* what a namespace is in this department */
    subject subjects[8];
} dept;

/* clang-format off */
static const dept DEPTS[] = {
    {"finance", "business unit", {
        {"revenue", "recognised revenue net of refunds", "revenue,income,sales,earnings,top line",
         "net_rev_amt:net revenue;gross_rev_amt:gross revenue;refund_amt:refunds", {0, 6, 2, -1}},
        {"invoices", "invoices issued to customers", "invoices,bills,billing",
         "invoice_cnt:number of invoices;invoice_total_amt:amount invoiced;overdue_amt:overdue amount", {0, 5, 6, -1}},
        {"payments", "customer payments received", "payments,collections,cash received",
         "paid_amt:amount paid;payment_cnt:number of payments;fail_cnt:failed payments", {13, 6, 0, -1}},
        {"expenses", "operating expenses by cost centre", "expenses,spend,costs,opex",
         "expense_amt:expense amount;budget_amt:budget;variance_amt:variance", {0, 6, -1}},
        {"mrr", "monthly recurring revenue by plan", "recurring revenue,subscription revenue,MRR",
         "mrr_amt:recurring revenue;new_mrr_amt:new recurring revenue;churned_mrr_amt:churned revenue", {2, 5, 0, -1}},
        {"ar_aging", "accounts receivable by age bucket", "receivables,outstanding invoices,money owed",
         "open_ar_amt:open receivables;days_outstanding:days outstanding", {5, 0, -1}},
        {"tax_liability", "sales tax and VAT owed", "tax owed,VAT,sales tax",
         "tax_amt:tax amount;taxable_amt:taxable amount", {1, 6, -1}},
        {"fx_gains", "foreign-exchange gains and losses", "currency gains,fx impact,exchange rate effect",
         "fx_gain_amt:fx gain;fx_loss_amt:fx loss", {6, 0, -1}}}},
    {"sales", "sales team", {
        {"pipeline", "open pipeline value by stage", "pipeline,open deals,deal flow",
         "pipeline_amt:pipeline value;opp_cnt:number of opportunities", {9, 0, 5, -1}},
        {"bookings", "closed-won bookings", "bookings,closed deals,wins,new business",
         "booked_amt:bookings amount;deal_cnt:deals closed", {0, 5, 9, -1}},
        {"win_rate", "win rate of closed opportunities", "win rate,close rate,conversion of deals",
         "won_cnt:deals won;lost_cnt:deals lost;win_pct:win rate", {0, 5, -1}},
        {"quota_attainment", "quota attainment per rep", "quota attainment,quota,target attainment",
         "quota_amt:quota;attained_amt:attained amount;attain_pct:attainment", {0, 5, -1}},
        {"leads", "inbound and outbound leads", "leads,prospects,MQLs",
         "lead_cnt:number of leads;mql_cnt:marketing qualified leads", {4, 0, 5, -1}},
        {"renewals", "contract renewals due and closed", "renewals,contract renewals,renewal rate",
         "renewed_amt:renewed amount;renewal_cnt:renewals", {5, 0, 2, -1}},
        {"discounts", "discounts given on deals", "discounts,price concessions,markdowns",
         "discount_amt:discount amount;avg_disc_pct:average discount", {5, 9, -1}},
        {"activities", "sales calls, emails and meetings", "sales activities,calls and meetings,rep activity",
         "call_cnt:calls;meeting_cnt:meetings;email_cnt:emails", {0, -1}}}},
    {"marketing", "brand", {
        {"campaign_spend", "advertising spend per campaign", "ad spend,marketing spend,campaign cost",
         "spend_amt:spend;impr_cnt:impressions;click_cnt:clicks", {4, 0, 3, -1}},
        {"signups", "new account signups", "signups,registrations,new users",
         "signup_cnt:signups;activated_cnt:activated signups", {4, 3, 1, -1}},
        {"cac", "customer acquisition cost", "acquisition cost,CAC,cost per customer",
         "cac_amt:acquisition cost;new_cust_cnt:new customers", {4, 0, -1}},
        {"email_engagement", "email opens and clicks", "email engagement,open rate,newsletter clicks",
         "sent_cnt:emails sent;open_cnt:opens;ctr_pct:click-through rate", {12, 0, -1}},
        {"web_traffic", "website sessions and visitors", "web traffic,site visits,visitors",
         "session_cnt:sessions;visitor_cnt:visitors;bounce_pct:bounce rate", {12, 1, 4, -1}},
        {"attribution", "multi-touch attribution of conversions", "attribution,conversion credit,touchpoints",
         "attributed_conv_cnt:attributed conversions;attributed_rev_amt:attributed revenue", {4, -1}},
        {"seo_rankings", "search engine ranking positions", "SEO,search rankings,organic positions",
         "avg_position:average position;kw_cnt:keywords", {1, 12, -1}},
        {"events", "webinar and conference attendance", "webinars,event attendance,conference signups",
         "registrant_cnt:registrants;attendee_cnt:attendees", {0, -1}}}},
    {"product", "app", {
        {"active_users", "daily, weekly and monthly active users", "active users,DAU,MAU,usage",
         "dau_cnt:active users;session_cnt:sessions", {3, 2, 1, -1}},
        {"feature_adoption", "feature adoption per feature", "feature adoption,feature usage,who uses features",
         "adopter_cnt:adopters;usage_cnt:uses;adoption_pct:adoption rate", {2, 3, -1}},
        {"retention", "cohort retention of new users", "retention,users coming back,churn of users",
         "retained_cnt:retained users;cohort_size:cohort size;ret_pct:retention rate", {3, 2, -1}},
        {"subscriptions", "paid subscriptions by plan", "subscribers,paying users,subscriptions",
         "sub_cnt:subscribers;new_sub_cnt:new subscribers;cancel_cnt:cancellations", {2, 3, 0, -1}},
        {"trial_conversion", "trials converting to paid", "trial conversion,trials to paid,free trial upgrades",
         "trial_cnt:trials;converted_cnt:conversions;conv_pct:conversion rate", {2, 3, 4, -1}},
        {"experiments", "A/B test exposures and outcomes", "experiments,AB tests,test results",
         "exposure_cnt:exposures;conv_cnt:conversions;lift_pct:lift", {3, -1}},
        {"app_ratings", "app store ratings and reviews", "app ratings,store reviews,stars",
         "rating_avg:average rating;review_cnt:reviews", {3, 1, -1}},
        {"crashes", "app crashes per release", "crashes,app crashes,crash rate",
         "crash_cnt:crashes;crash_free_pct:crash-free sessions", {3, 12, -1}}}},
    {"engineering", "service", {
        {"latency", "request latency percentiles", "latency,response time,slowness,p95",
         "p50_ms:median latency;p95_ms:p95 latency;p99_ms:p99 latency", {0, 11, -1}},
        {"error_rates", "HTTP error rates", "errors,error rate,failures,5xx",
         "err_cnt:errors;req_cnt:requests;err_pct:error rate", {0, -1}},
        {"deploys", "production deployments", "deploys,deployments,releases,ships",
         "deploy_cnt:deploys;rollback_cnt:rollbacks;lead_time_hrs:lead time", {10, -1}},
        {"incidents", "incidents and their resolution", "incidents,outages,pages",
         "incident_cnt:incidents;mttr_min:time to resolve", {10, 0, -1}},
        {"cloud_costs", "cloud infrastructure spend", "cloud costs,AWS bill,infrastructure spend",
         "cost_amt:cloud cost;cpu_hrs:cpu hours;storage_gb:storage", {0, 6, -1}},
        {"build_times", "CI build durations", "build times,CI duration,pipeline speed",
         "build_cnt:builds;avg_build_sec:average build time;fail_cnt:failed builds", {-1}},
        {"slo_breaches", "SLO breaches per objective", "SLO breaches,missed SLOs,reliability",
         "breach_cnt:breaches;budget_left_pct:error budget left", {10, 0, -1}},
        {"queue_depth", "message queue depth and lag", "queue backlog,queue lag,consumer lag",
         "depth_cnt:queue depth;lag_sec:lag", {0, -1}}}},
    {"support", "support desk", {
        {"tickets", "support tickets opened and solved", "tickets,support cases,help requests",
         "opened_cnt:tickets opened;solved_cnt:tickets solved", {7, 15, 0, -1}},
        {"csat", "customer satisfaction survey scores", "CSAT,satisfaction,happiness scores",
         "csat_avg:satisfaction score;response_cnt:survey responses", {15, 0, 2, -1}},
        {"first_response", "time to first response", "first response time,response speed,how fast we reply",
         "frt_min:first response time;breach_cnt:SLA breaches", {7, 0, -1}},
        {"backlog", "open ticket backlog", "ticket backlog,open tickets,queue of cases",
         "open_cnt:open tickets;aged_cnt:aged tickets", {7, 15, -1}},
        {"agent_productivity", "tickets handled per agent", "agent productivity,agent workload,handle time",
         "handled_cnt:tickets handled;aht_min:handle time", {0, -1}},
        {"chat_sessions", "live chat conversations", "live chats,chat volume,chat conversations",
         "chat_cnt:chats;missed_cnt:missed chats", {0, 12, -1}},
        {"nps", "net promoter score responses", "NPS,promoters,detractors",
         "nps_score:net promoter score;promoter_cnt:promoters", {2, 0, -1}},
        {"escalations", "escalated tickets", "escalations,escalated cases",
         "escalated_cnt:escalations", {7, 15, -1}}}},
    {"operations", "fulfilment network", {
        {"shipments", "outbound shipments", "shipments,deliveries,parcels shipped",
         "shipment_cnt:shipments;late_cnt:late shipments;ship_cost_amt:shipping cost", {8, 14, 1, -1}},
        {"inventory", "stock on hand per SKU", "inventory,stock levels,on-hand stock",
         "on_hand_qty:units on hand;reorder_qty:reorder quantity", {14, -1}},
        {"returns", "returned orders", "returns,sent back items,RMAs",
         "return_cnt:returns;return_amt:returned value", {14, 1, -1}},
        {"orders", "customer orders placed", "orders,purchases,checkouts",
         "order_cnt:orders;order_amt:order value;aov_amt:average order value", {1, 13, 12, -1}},
        {"supplier_lead_times", "supplier delivery lead times", "supplier lead times,vendor delays,procurement lead time",
         "lead_time_days:lead time;po_cnt:purchase orders", {1, -1}},
        {"warehouse_throughput", "units picked and packed", "warehouse throughput,picking volume,units packed",
         "picked_qty:units picked;packed_qty:units packed", {14, -1}},
        {"stockouts", "out-of-stock events", "stockouts,out of stock,empty shelves",
         "stockout_cnt:stockouts;lost_sales_amt:lost sales", {14, 1, -1}},
        {"carrier_performance", "carrier on-time delivery", "carrier performance,on-time delivery,late deliveries",
         "ontime_pct:on-time rate;delay_hrs:delay", {8, 1, -1}}}},
    {"people", "division", {
        {"headcount", "employees on payroll", "headcount,employees,staff numbers",
         "emp_cnt:employees;fte_cnt:full-time equivalents", {11, 1, -1}},
        {"attrition", "employee departures", "attrition,employee turnover,people leaving",
         "leaver_cnt:leavers;attrition_pct:attrition rate", {11, 1, -1}},
        {"hiring", "open requisitions and hires", "hiring,recruiting,new hires",
         "hire_cnt:hires;open_req_cnt:open roles;time_to_fill_days:time to fill", {11, 1, -1}},
        {"payroll", "salaries and payroll costs", "payroll,salaries,compensation",
         "gross_pay_amt:gross pay;bonus_amt:bonuses", {11, 6, -1}},
        {"training", "training courses completed", "training,learning,courses taken",
         "completion_cnt:completions;hours_cnt:training hours", {11, -1}},
        {"engagement_survey", "employee engagement survey", "employee engagement,pulse survey,morale",
         "engagement_score:engagement score;response_cnt:responses", {11, 1, -1}},
        {"time_off", "vacation and sick leave taken", "time off,vacation,PTO,sick days",
         "pto_days:days off;sick_days:sick days", {11, 1, -1}},
        {"diversity", "workforce diversity metrics", "diversity,representation,DEI",
         "emp_cnt:employees;rep_pct:representation", {11, 1, -1}}}},
};
/* clang-format on */
#define N_DEPTS (sizeof DEPTS / sizeof DEPTS[0])

static const char *const GRAINS[3][2] = {
    {"daily", "day"}, {"weekly", "week"}, {"monthly", "month"}};
static const char *const GRAIN_SPOKEN[3][5] = {
    {"daily", "per day", "each day", "by day", "day by day"},
    {"weekly", "per week", "each week", "by week", "week over week"},
    {"monthly", "per month", "each month", "by month", "month over month"}};

static const char *const SYL1[] = {"kal", "mor", "tev", "zan", "pol", "ver", "qua", "bri", "dex",
                                   "fen", "gor", "hal", "jun", "lux", "nim", "ost", "pyr", "rho",
                                   "sil", "tor", "ulm", "vex", "wyn", "xan", "yor", "zel", "cad",
                                   "dor", "elm", "fal", "gav", "hex", "ivo", "jor", "kep", "lom"};
static const char *const SYL2[] = {"ora", "ix",  "an",  "eus", "ara",  "ion", "ella", "ock", "ume",
                                   "ast", "ino", "ava", "orn", "ette", "us",  "ia",   "ent", "ax",
                                   "ova", "il",  "amo", "ire", "una",  "esk", "ola",  "ith", "ar",
                                   "en",  "oth", "ise", "uno", "elle", "and", "oro",  "ak",  "is"};
#define N_SYL1 (sizeof SYL1 / sizeof SYL1[0])
#define N_SYL2 (sizeof SYL2 / sizeof SYL2[0])

static const char *const TEAMS[] = {"growth", "bizops",   "analytics", "jsmith", "apatel",
                                    "finops", "insights", "strategy",  "mlee",   "data_eng"};
static const char *const FILLER[] = {
    "tenant_id",     "cost_center",    "external_ref",  "notes",       "owner_id",    "approved_by",
    "source_system", "etl_batch_id",   "is_deleted",    "record_hash", "created_by",  "updated_by",
    "valid_from",    "valid_to",       "row_version",   "legacy_code", "partner_id",  "account_id",
    "customer_id",   "user_id",        "session_id",    "order_id",    "product_id",  "sku",
    "currency_rate", "ingested_at",    "loaded_at",     "updated_at",  "created_at",  "status",
    "comment_text",  "label",          "category_code", "group_name",  "external_id", "sync_status",
    "pipeline_run",  "schema_version", "region_code",   "batch_date",  "dq_flag",     "is_test",
    "is_internal",   "flag_reason",    "owner_email",   "contract_id", "vendor_id",   "location_id",
    "employee_id",   "team_name"};
#define N_FILLER (sizeof FILLER / sizeof FILLER[0])

/* ---- randomness ---- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    uint64_t x = r->s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return r->s = x;
}

static size_t pick(rng *r, size_t n)
{
    return (size_t)(next(r) % n);
}

static int chance(rng *r, int pct)
{
    return (int)pick(r, 100) < pct;
}

/* ---- writing ---- */

typedef struct gen {
    sqlite3 *db;
    sqlite3_stmt *src, *tab, *col, *val;
    rng r;
    rgen_stats *st;
    int64_t table_id, column_id;
} gen;

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    fprintf(stderr, "retrieval_gen: %s\n", msg ? msg : "?");
    sqlite3_free(msg);
    return -1;
}

typedef struct tspec {
    const char *source, *schema;
    char name[96], fqname[160], desc[400];
    const char *trust, *deprecated_by, *freshness, *owner;
    int usage, users;
} tspec;

static int add_table(gen *g, const tspec *t)
{
    sqlite3_stmt *s = g->tab;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, ++g->table_id);
    sqlite3_bind_text(s, 2, t->fqname, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, t->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, t->schema, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, t->name, -1, SQLITE_STATIC);
    if (t->desc[0])
        sqlite3_bind_text(s, 6, t->desc, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 6);
    sqlite3_bind_text(s, 7, t->trust, -1, SQLITE_STATIC);
    if (t->deprecated_by)
        sqlite3_bind_text(s, 8, t->deprecated_by, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 8);
    sqlite3_bind_text(s, 9, t->freshness, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 10, t->usage);
    sqlite3_bind_int(s, 11, t->users);
    sqlite3_bind_text(s, 12, t->owner, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 13, 1000 + (int64_t)pick(&g->r, 5000000));
    if (sqlite3_step(s) != SQLITE_DONE) {
        fprintf(stderr, "retrieval_gen: table %s: %s\n", t->fqname, sqlite3_errmsg(g->db));
        return -1;
    }
    g->st->tables++;
    return 0;
}

static int add_column(gen *g, int ordinal, const char *name, const char *type, const char *desc)
{
    sqlite3_stmt *s = g->col;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, ++g->column_id);
    sqlite3_bind_int64(s, 2, g->table_id);
    sqlite3_bind_int(s, 3, ordinal);
    sqlite3_bind_text(s, 4, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, type, -1, SQLITE_STATIC);
    if (desc)
        sqlite3_bind_text(s, 6, desc, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 6);
    if (sqlite3_step(s) != SQLITE_DONE) return -1;
    g->st->columns++;
    return 0;
}

static int add_values(gen *g, const dim *d)
{
    for (int i = 0; i < 7 && d->values[i]; i++) {
        sqlite3_stmt *s = g->val;
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, g->column_id);
        sqlite3_bind_int(s, 2, i + 1);
        sqlite3_bind_text(s, 3, d->values[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, 1000 - 100 * i);
        if (sqlite3_step(s) != SQLITE_DONE) return -1;
        g->st->top_values++;
    }
    return 0;
}

/* Columns of a subject table: time, dimensions (with top values), measures,
 * then the generic columns every warehouse table accretes. */
static int add_columns(gen *g, const subject *sj, int grain, int with_desc, int n_target)
{
    int ord = 1, rc = 0;
    char buf[128];
    rc |= add_column(g, ord++, grain < 0 ? "event_ts" : GRAINS[grain][1], "TEXT",
                     with_desc ? "the period this row covers" : NULL);
    for (int i = 0; i < 4 && sj->dims[i] >= 0; i++) {
        const dim *d = &DIMS[sj->dims[i]];
        snprintf(buf, sizeof buf, "%s of the row", d->spoken);
        rc |= add_column(g, ord++, d->col, "TEXT", with_desc ? buf : NULL);
        rc |= add_values(g, d);
    }
    const char *m = sj->measures;
    while (*m) {
        size_t n = strcspn(m, ";");
        const char *colon = memchr(m, ':', n);
        if (colon) {
            char name[64], spoken[96];
            snprintf(name, sizeof name, "%.*s", (int)(colon - m), m);
            snprintf(spoken, sizeof spoken, "%.*s", (int)(n - (size_t)(colon - m) - 1), colon + 1);
            rc |= add_column(g, ord++, name, "REAL", with_desc ? spoken : NULL);
        }
        m += n;
        if (*m) m++;
    }
    snprintf(buf, sizeof buf, "%s_id", sj->word);
    rc |= add_column(g, ord++, buf, "INTEGER", NULL);
    size_t start = pick(&g->r, N_FILLER);
    while (ord <= n_target) {
        rc |= add_column(g, ord, FILLER[(start + (size_t)ord * 7) % N_FILLER], "TEXT", NULL);
        ord++;
    }
    return rc;
}

/* Unique for every i below 36^3: two syllables, a third past 1,296. */
static void namespace_name(size_t i, char *out, size_t n)
{
    size_t a = i % N_SYL1, b = (i / N_SYL1 + a) % N_SYL2, c = i / (N_SYL1 * N_SYL2);
    snprintf(out, n, "%s%s%s", SYL1[a], SYL2[b], c ? SYL1[(c - 1) % N_SYL1] : "");
}

/* ---- questions ---- */

static void cap_first(char *s)
{
    if (s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 'a' + 'A');
}

static const char *people_word(rng *r, const subject *sj, char *out, size_t n)
{
    /* The comma list; any entry, the first (plain) one only half the time. */
    const char *p = sj->people;
    size_t count = 1;
    for (const char *c = p; *c; c++) count += *c == ',';
    size_t k = pick(r, count);
    for (size_t i = 0; i < k; i++) p = strchr(p, ',') + 1;
    size_t len = strcspn(p, ",");
    snprintf(out, n, "%.*s", (int)len, p);
    return k == 0 ? "plain" : "synonym";
}

static void spoken_measure(rng *r, const subject *sj, char *out, size_t n)
{
    const char *m = sj->measures;
    size_t count = 1;
    for (const char *c = m; *c; c++) count += *c == ';';
    size_t k = pick(r, count);
    for (size_t i = 0; i < k; i++) m = strchr(m, ';') + 1;
    size_t len = strcspn(m, ";");
    const char *colon = memchr(m, ':', len);
    snprintf(out, n, "%.*s", (int)(len - (size_t)(colon - m) - 1), colon + 1);
}

static void make_question(rng *r, const dept *d, const subject *sj, int grain, const char *ns,
                          rgen_question *q)
{
    char what[96], nsname[64], gp[32];
    snprintf(nsname, sizeof nsname, "%s", ns);
    cap_first(nsname);
    snprintf(gp, sizeof gp, "%s", GRAIN_SPOKEN[grain][pick(r, 5)]);
    int style = (int)pick(r, 4);
    const dim *dm = NULL;
    int nd = 0;
    while (nd < 4 && sj->dims[nd] >= 0) nd++;
    if (nd) dm = &DIMS[sj->dims[pick(r, (size_t)nd)]];
    switch (style) {
    case 0: /* the subject in people's words */
        q->style = people_word(r, sj, what, sizeof what);
        if (chance(r, 50))
            snprintf(q->text, sizeof q->text, "%s %s for %s", gp, what, nsname);
        else
            snprintf(q->text, sizeof q->text, "how did %s %s change %s?", nsname, what, gp);
        break;
    case 1: /* a measure, spoken, by a dimension */
        spoken_measure(r, sj, what, sizeof what);
        q->style = "measure";
        if (dm)
            snprintf(q->text, sizeof q->text, "%s by %s %s at %s", what, dm->spoken, gp, nsname);
        else
            snprintf(q->text, sizeof q->text, "what is the %s %s at %s", what, gp, nsname);
        break;
    case 2: /* a value of one of its dimensions */
        q->style = "value";
        people_word(r, sj, what, sizeof what);
        if (dm) {
            size_t nv = 0;
            while (nv < 7 && dm->values[nv]) nv++;
            snprintf(q->text, sizeof q->text, "%s in %s for %s, %s", what, dm->values[pick(r, nv)],
                     nsname, gp);
        } else {
            snprintf(q->text, sizeof q->text, "%s for %s %s", what, nsname, gp);
        }
        break;
    default: /* a question about the department's unit */
        q->style = people_word(r, sj, what, sizeof what);
        snprintf(q->text, sizeof q->text, "show me %s of the %s %s %s", what, nsname, d->unit, gp);
        break;
    }
}

/* ---- the catalog ---- */

typedef struct canon {
    uint32_t ns, subj;
    uint8_t dept, grain;
} canon;

static int build(gen *g, size_t n_tables, size_t n_questions, rgen_question *qs)
{
    char ns[32];
    canon *cs = malloc(n_tables * sizeof *cs);
    size_t n_canon = 0;
    if (!cs) return -1;
    int rc = 0;
    /* One source per department; namespaces (product lines, brands, ...)
     * rotate through departments until the table budget is spent. */
    for (size_t i = 0; i < N_DEPTS; i++) {
        sqlite3_reset(g->src);
        sqlite3_bind_int64(g->src, 1, (int64_t)i + 1);
        sqlite3_bind_text(g->src, 2, DEPTS[i].name, -1, SQLITE_STATIC);
        if (sqlite3_step(g->src) != SQLITE_DONE) rc = -1;
    }
    for (size_t nsi = 0; !rc && g->st->tables < n_tables; nsi++) {
        size_t di = nsi % N_DEPTS;
        const dept *d = &DEPTS[di];
        namespace_name(nsi, ns, sizeof ns);
        char nsn[64];
        snprintf(nsn, sizeof nsn, "%s", ns);
        cap_first(nsn);
        char sch_mart[64], sch_stg[64], sch_raw[64], sch_arch[64], sch_sbx[64];
        snprintf(sch_mart, sizeof sch_mart, "%s_mart", ns);
        snprintf(sch_stg, sizeof sch_stg, "%s_staging", ns);
        snprintf(sch_raw, sizeof sch_raw, "%s_raw", ns);
        snprintf(sch_arch, sizeof sch_arch, "%s_archive", ns);
        snprintf(sch_sbx, sizeof sch_sbx, "%s_sandbox", ns);
        for (size_t si = 0; !rc && si < 8 && g->st->tables < n_tables; si++) {
            const subject *sj = &d->subjects[si];
            tspec t = {0};
            t.source = d->name;
            t.owner = TEAMS[pick(&g->r, 3) + 5];
            /* raw and staging once per subject */
            t.schema = sch_raw;
            snprintf(t.name, sizeof t.name, "%s", sj->word);
            snprintf(t.fqname, sizeof t.fqname, "%s.%s.%s", t.source, t.schema, t.name);
            t.trust = "normal";
            t.freshness = "2026-09-30";
            t.usage = (int)pick(&g->r, 20);
            t.users = t.usage ? 1 + (int)pick(&g->r, 3) : 0;
            rc |= add_table(g, &t) || add_columns(g, sj, -1, 0, 14 + (int)pick(&g->r, 20));
            t.schema = sch_stg;
            snprintf(t.name, sizeof t.name, "stg_%s", sj->word);
            snprintf(t.fqname, sizeof t.fqname, "%s.%s.%s", t.source, t.schema, t.name);
            snprintf(t.desc, sizeof t.desc,
                     "Staging: cleaned %s records for %s, one row per event.", sj->desc, nsn);
            rc |= add_table(g, &t) || add_columns(g, sj, -1, 1, 16 + (int)pick(&g->r, 20));
            for (int gr = 0; !rc && gr < 3 && g->st->tables < n_tables; gr++) {
                if (gr == (int)((si + nsi) % 3) && chance(&g->r, 60))
                    continue; /* not every grain */
                tspec m = t;
                m.schema = sch_mart;
                snprintf(m.name, sizeof m.name, "%s_%s", sj->word, GRAINS[gr][0]);
                snprintf(m.fqname, sizeof m.fqname, "%s.%s.%s", m.source, m.schema, m.name);
                if (chance(&g->r, 80))
                    snprintf(m.desc, sizeof m.desc,
                             "%s %s for the %s %s. One row per %s. Maintained by %s.",
                             GRAINS[gr][0], sj->desc, nsn, d->unit, GRAINS[gr][1], m.owner);
                else
                    m.desc[0] = '\0'; /* undocumented, as many real tables are */
                cap_first(m.desc);
                m.trust = chance(&g->r, 30) ? "source_of_truth" : "normal";
                m.usage = 5 + (int)pick(&g->r, 200);
                m.users = 1 + (int)pick(&g->r, 25);
                rc |= add_table(g, &m) || add_columns(g, sj, gr, 1, 20 + (int)pick(&g->r, 24));
                cs[n_canon++] = (canon){(uint32_t)nsi, (uint32_t)si, (uint8_t)di, (uint8_t)gr};
                if (chance(&g->r, 35)) { /* the deprecated first version */
                    tspec v = m;
                    v.schema = sch_arch;
                    snprintf(v.name, sizeof v.name, "%s_%s_v1", sj->word, GRAINS[gr][0]);
                    snprintf(v.fqname, sizeof v.fqname, "%s.%s.%s", v.source, v.schema, v.name);
                    snprintf(v.desc, sizeof v.desc,
                             "Old %s %s for %s; double counts corrections. Use %s.", GRAINS[gr][0],
                             sj->desc, nsn, m.fqname);
                    v.trust = "deprecated";
                    v.deprecated_by = m.fqname;
                    v.freshness = "2025-11-30";
                    v.usage = (int)pick(&g->r, 30);
                    v.users = v.usage ? 1 + (int)pick(&g->r, 4) : 0;
                    rc |= add_table(g, &v) || add_columns(g, sj, gr, 1, 20 + (int)pick(&g->r, 24));
                }
                if (chance(&g->r, 35)) { /* a team's copy in the sandbox */
                    tspec c = m;
                    c.schema = sch_sbx;
                    snprintf(c.name, sizeof c.name, "%s_%s_%s%s", TEAMS[pick(&g->r, 5)], sj->word,
                             GRAINS[gr][0], chance(&g->r, 50) ? "_copy" : "");
                    snprintf(c.fqname, sizeof c.fqname, "%s.%s.%s", c.source, c.schema, c.name);
                    c.desc[0] = '\0';
                    if (chance(&g->r, 40))
                        snprintf(c.desc, sizeof c.desc, "copy of %s %s for analysis", nsn,
                                 sj->word);
                    c.trust = "normal";
                    c.freshness = "2025-06-30";
                    c.usage = (int)pick(&g->r, 5);
                    c.users = c.usage ? 1 : 0;
                    rc |= add_table(g, &c) || add_columns(g, sj, gr, 0, 20 + (int)pick(&g->r, 24));
                }
            }
        }
    }
    for (size_t i = 0; !rc && i < n_questions && n_canon; i++) {
        const canon *c = &cs[pick(&g->r, n_canon)];
        const dept *d = &DEPTS[c->dept];
        namespace_name(c->ns, ns, sizeof ns);
        make_question(&g->r, d, &d->subjects[c->subj], c->grain, ns, &qs[i]);
        snprintf(qs[i].answer, sizeof qs[i].answer, "%s.%s_mart.%s_%s", d->name, ns,
                 d->subjects[c->subj].word, GRAINS[c->grain][0]);
        g->st->questions++;
    }
    free(cs);
    return rc;
}

int rgen_build(const char *path, uint64_t seed, size_t n_tables, size_t n_questions,
               rgen_question **qs, rgen_stats *st)
{
    memset(st, 0, sizeof *st);
    *qs = calloc(n_questions ? n_questions : 1, sizeof **qs);
    scout_catalog *cat = NULL;
    scout_err err = {0};
    if (!*qs || scout_catalog_open(path, &cat, &err)) {
        fprintf(stderr, "retrieval_gen: %s\n", err.msg);
        return -1;
    }
    scout_catalog_close(cat); /* the schema is real; now write it directly */
    gen g = {0};
    g.st = st;
    g.r.s = seed * 0x9E3779B97F4A7C15ull + 1;
    if (sqlite3_open(path, &g.db) != SQLITE_OK) return -1;
    int rc = exec(g.db, "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; BEGIN");
    const char *sql[4] = {
        "INSERT INTO sources (id, name, kind) VALUES (?, ?, 'sqlite')",
        "INSERT INTO tables (id, fqname, source_id, source, schema_name, name, description,"
        " trust, deprecated_by, freshness, query_count, user_count, owner, row_count, n_columns)"
        " VALUES (?1, ?2, (SELECT id FROM sources WHERE name = ?3), ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
        " ?10, ?11, ?12, ?13, 0)",
        "INSERT INTO columns (id, table_id, ordinal, name, type, description) VALUES (?,?,?,?,?,?)",
        "INSERT INTO column_top_values (column_id, rank, value, count) VALUES (?,?,?,?)"};
    sqlite3_stmt **stmts[4] = {&g.src, &g.tab, &g.col, &g.val};
    for (int i = 0; !rc && i < 4; i++)
        if (sqlite3_prepare_v2(g.db, sql[i], -1, stmts[i], NULL) != SQLITE_OK) {
            fprintf(stderr, "retrieval_gen: %s\n", sqlite3_errmsg(g.db));
            rc = -1;
        }
    if (!rc) rc = build(&g, n_tables, n_questions, *qs);
    if (!rc)
        rc = exec(g.db, "UPDATE tables SET n_columns = (SELECT count(*) FROM columns c"
                        " WHERE c.table_id = tables.id); COMMIT");
    for (int i = 0; i < 4; i++) sqlite3_finalize(*stmts[i]);
    sqlite3_close(g.db);
    return rc;
}
