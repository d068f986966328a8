/* acme_slack — a Slack export in Slack's standard layout: users.json,
 * channels.json (public), groups.json (private, with members) and one JSON
 * array of messages per channel per day. Knowledge messages carry the facts
 * (v1 double-counts refunds, Pacific cut-off, duplicates, Lighthouse = export,
 * the composer regression); chit-chat surrounds them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme_int.h"

#define N(a)       ((int)(sizeof(a) / sizeof((a)[0])))
#define EPOCH_DAY0 20052 /* 2024-11-25 in days since 1970-01-01 */

typedef struct slack_user {
    const char *id, *name, *real_name, *title, *team;
} slack_user;

static const slack_user USERS[] = {
    {"U01MAYA", "maya.chen", "Maya Chen", "Head of Finance Data", "finance-data"},
    {"U02RAJ", "raj.patel", "Raj Patel", "Finance Analyst", "finance-data"},
    {"U03SOFIA", "sofia.alvarez", "Sofia Alvarez", "Growth Analyst", "growth-analytics"},
    {"U04BEN", "ben.okafor", "Ben Okafor", "Growth PM", "growth-analytics"},
    {"U05DANA", "dkowalski", "Dana Kowalski", "Staff Engineer, Platform", "platform-eng"},
    {"U06LIAM", "liam.brooks", "Liam Brooks", "Data Engineer", "data-platform"},
    {"U07PRIYA", "priya.nair", "Priya Nair", "CFO", "exec"},
    {"U08GRACE", "grace.liu", "Grace Liu", "VP Growth", "exec"},
    {"U09TOM", "tom.ashby", "Tom Ashby", "Account Executive", "revops"},
    {"U10ELENA", "elena.rossi", "Elena Rossi", "Support Ops Lead", "support-ops"},
    {"U11JONAS", "jonas.weber", "Jonas Weber", "Product Analyst", "product-management"},
};

typedef struct slack_channel {
    const char *id, *name, *purpose;
    bool private_;
    const char *members[6];
} slack_channel;

static const slack_channel CHANNELS[] = {
    {"C01DATAHELP", "data-help", "Ask the data team anything", false, {NULL}},
    {"C02GROWTH", "growth", "Growth experiments and metrics", false, {NULL}},
    {"C03INCIDENTS", "eng-incidents", "Production incidents", false, {NULL}},
    {"C04GENERAL", "general", "Company-wide", false, {NULL}},
    {"G01FINDATA",
     "finance-data",
     "Finance data team (private)",
     true,
     {"U01MAYA", "U02RAJ", "U06LIAM", "U07PRIYA", NULL}},
    {"G02EXEC",
     "exec-metrics",
     "Exec metrics review (private)",
     true,
     {"U07PRIYA", "U08GRACE", "U01MAYA", "U04BEN", NULL}},
};

typedef struct knowledge {
    int channel, y, m, d, sec;
    const char *user, *text;
    int reply_to; /* index of the parent message in KNOW, or -1 */
} knowledge;

static const knowledge KNOW[] = {
    {4, 2026, 2, 9, 36000, "U01MAYA",
     "Heads up: finance.archive.revenue_daily_v1 is deprecated as of today. It double-counts "
     "refunds (credit lines + refunds table). Use finance.mart.revenue_daily.",
     -1},
    {4, 2026, 2, 9, 36600, "U02RAJ",
     "So every refund was subtracted twice in v1? That explains the March variance.", 0},
    {4, 2026, 2, 9, 37200, "U01MAYA",
     "Yes. The Legacy Revenue (v1) dashboard still reads it; "
     "ignore it until we remove it.",
     0},
    {0, 2026, 4, 14, 50000, "U11JONAS",
     "Which revenue table should I use? I see revenue_daily, revenue_daily_v1 and "
     "tmp_revenue_backfill_2025.",
     -1},
    {0, 2026, 4, 14, 50700, "U06LIAM",
     "finance.mart.revenue_daily. v1 double-counts refunds, and the tmp backfill only has Jan-Jun "
     "2025. Finance days are Pacific time, by the way.",
     3},
    {1, 2026, 5, 6, 40000, "U04BEN",
     "Why is our Plus number ~15% higher than Finance's? Board deck uses theirs.", -1},
    {1, 2026, 5, 6, 41000, "U03SOFIA",
     "Our growth dashboard includes trials and test accounts (@acme-internal.test), and we count "
     "accounts, so duplicate accounts with the same billing email count twice. Finance only "
     "counts paid, dedupes by billing email and drops refunded subs.",
     5},
    {1, 2026, 5, 6, 41900, "U03SOFIA",
     "Also Finance uses the Pacific day boundary, so the 02:00 UTC dunning cancellations land on "
     "the previous day for them.",
     5},
    {4, 2026, 5, 7, 30000, "U01MAYA",
     "Reminder: finance.mart.plus_subscribers_daily is the paid count: no trials, no refunded "
     "subscriptions, no test accounts, one per billing email, Pacific days.",
     -1},
    {5, 2026, 5, 8, 60000, "U07PRIYA",
     "For the board we report Finance's paid Plus subscribers. Growth's number is for funnel "
     "work only.",
     -1},
    {1, 2026, 5, 30, 45000, "U04BEN",
     "Lighthouse ships Tuesday 2026-06-02! (Lighthouse = the export feature, for anyone new.)", -1},
    {3, 2026, 6, 2, 60000, "U11JONAS",
     "Export (codename Lighthouse) is live on ios, android, web and desktop. Track it with "
     "feature = 'export' in product.raw.feature_events.",
     -1},
    {2, 2026, 3, 17, 51000, "U05DANA",
     "SEV1: search queue backlog after the index migration. Queue p95 is ~9x normal. "
     "Investigating.",
     -1},
    {2, 2026, 3, 17, 70800, "U05DANA",
     "Resolved 19:40 UTC. Post-mortem: docs/postmortem-2026-03-17-search-queue.md.", 12},
    {2, 2026, 11, 24, 14400, "U05DANA",
     "Composer feels slow since model-server v4.2 went out at 01:12 UTC (larger reranker). "
     "Model component p95 looks ~40% up vs yesterday, network slightly up.",
     -1},
    {2, 2026, 11, 24, 15000, "U06LIAM",
     "Confirmed in product.eng.request_latency_daily: composer/model p95 jumped, queue and "
     "render flat.",
     14},
    {0, 2026, 8, 20, 33000, "U03SOFIA",
     "FYI product.sandbox.growth_plus_subscribers_copy is my stale copy from August, don't build "
     "on it. And sandbox.dau_old counts events, not users.",
     -1},
    {0, 2026, 9, 3, 42000, "U09TOM",
     "How do I get product usage for my CRM accounts? Is there a mapping table?", -1},
    {0, 2026, 9, 3, 43000, "U06LIAM",
     "No mapping needed: crm.raw.accounts.account_id is the product account_id. Join "
     "product.raw.users on account_id, or use analytics.account_weekly_active_users.",
     17},
    {0, 2026, 10, 12, 38000, "U10ELENA",
     "support.tickets has customer_id (finance) and region, so revenue per ticket by region is a "
     "join through finance customers.",
     -1},
    {4, 2026, 10, 20, 55000, "U02RAJ",
     "Found ~a few dozen duplicate accounts sharing a billing email in raw.accounts. Finance "
     "dedupes on lower(billing_email).",
     -1},
    {3, 2025, 8, 4, 34000, "U05DANA", "Delayed notifications on inbox, SEV3, fixed in 45 min.", -1},
};

static const char *const CHATTER[] = {
    "morning all",
    "anyone up for lunch?",
    "thanks!",
    "PR is up, reviews welcome",
    "the coffee machine on 3 is fixed",
    "standup in 5",
    "happy friday :tada:",
    "who owns the quarterly planning doc?",
    "great work on the release",
    "brb",
    "can someone share the all-hands slides?",
    "reminder: expense reports due Monday",
    "nice chart!",
    "+1",
    "dashboard is loading slowly today",
    "is the VPN flaky for anyone else?",
};

typedef struct msg {
    int channel, day, sec, order;
    const char *user, *text;
    int parent; /* index into msgs, or -1 */
} msg;

static int msg_cmp(const void *a, const void *b)
{
    const msg *x = a, *y = b;
    if (x->channel != y->channel) return x->channel - y->channel;
    if (x->day != y->day) return x->day - y->day;
    if (x->sec != y->sec) return x->sec - y->sec;
    return x->order - y->order;
}

static void ts_of(int day, int sec, int order, char out[32])
{
    long long t = (long long)(EPOCH_DAY0 + day) * 86400 + sec;
    snprintf(out, 32, "%lld.%06d", t, 100 + order % 900);
}

static scout_rc write_json(acme_ctx *c, const char *rel, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    scout_rc rc = text ? acme_write_text(c, rel, text, strlen(text))
                       : scout_err_set(c->err, SCOUT_ENOMEM, "acme: cannot encode %s", rel);
    free(text);
    json_decref(v);
    return rc;
}

static scout_rc write_directory(acme_ctx *c)
{
    json_t *users = json_array();
    for (int i = 0; users && i < N(USERS); i++) {
        char email[64];
        snprintf(email, sizeof email, "%s@acme.io", USERS[i].name);
        json_array_append_new(users, json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "id",
                                               USERS[i].id, "name", USERS[i].name, "real_name",
                                               USERS[i].real_name, "team_name", USERS[i].team,
                                               "profile", "title", USERS[i].title, "email", email,
                                               "real_name", USERS[i].real_name));
    }
    scout_rc rc = write_json(c, "slack/users.json", users);
    json_t *pub = json_array(), *priv = json_array();
    for (int i = 0; i < N(CHANNELS); i++) {
        const slack_channel *ch = &CHANNELS[i];
        json_t *members = json_array();
        if (ch->private_)
            for (int k = 0; k < 6 && ch->members[k]; k++)
                json_array_append_new(members, json_string(ch->members[k]));
        else
            for (int k = 0; k < N(USERS); k++)
                json_array_append_new(members, json_string(USERS[k].id));
        json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:b, s:o, s:{s:s}}", "id", ch->id, "name",
                              ch->name, "created", 1700000000, "creator", "U06LIAM", "is_private",
                              ch->private_, "members", members, "purpose", "value", ch->purpose);
        json_array_append_new(ch->private_ ? priv : pub, o);
    }
    if (!rc)
        rc = write_json(c, "slack/channels.json", pub);
    else
        json_decref(pub);
    if (!rc)
        rc = write_json(c, "slack/groups.json", priv);
    else
        json_decref(priv);
    return rc;
}

static int collect(acme_ctx *c, msg *m, int cap)
{
    int n = 0;
    for (int i = 0; i < N(KNOW) && n < cap; i++, n++) {
        const knowledge *k = &KNOW[i];
        m[n] = (msg){k->channel, acme_day_index(k->y, k->m, k->d), k->sec, n, k->user, k->text,
                     k->reply_to};
    }
    acme_rng r;
    acme_rng_seed(&r, c->seed, "slack");
    for (int i = 0; i < 130 && n < cap; i++, n++) {
        int ch = (int)acme_rng_range(&r, 0, N(CHANNELS) - 1);
        m[n] = (msg){ch,
                     (int)acme_rng_range(&r, 300, ACME_LAST),
                     (int)acme_rng_range(&r, 28800, 64800),
                     n,
                     USERS[acme_rng_range(&r, 0, N(USERS) - 1)].id,
                     CHATTER[acme_rng_range(&r, 0, N(CHATTER) - 1)],
                     -1};
    }
    return n;
}

static json_t *message_json(const msg *all, int n, const msg *m)
{
    char ts[32], pts[32];
    ts_of(m->day, m->sec, m->order, ts);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "type", "message", "user", m->user, "text",
                          m->text, "ts", ts);
    if (!o) return NULL;
    if (m->parent >= 0) {
        const msg *p = &all[m->parent];
        ts_of(p->day, p->sec, p->order, pts);
        json_object_set_new(o, "thread_ts", json_string(pts));
        json_object_set_new(o, "parent_user_id", json_string(p->user));
        return o;
    }
    json_t *replies = json_array();
    for (int i = 0; replies && i < n; i++) {
        if (all[i].parent != m->order) continue;
        char rts[32];
        ts_of(all[i].day, all[i].sec, all[i].order, rts);
        json_array_append_new(replies, json_pack("{s:s, s:s}", "user", all[i].user, "ts", rts));
    }
    if (json_array_size(replies)) {
        json_object_set_new(o, "thread_ts", json_string(ts));
        json_object_set_new(o, "reply_count", json_integer((json_int_t)json_array_size(replies)));
        json_object_set_new(o, "replies", replies);
    } else {
        json_decref(replies);
    }
    return o;
}

scout_rc acme_write_slack(acme_ctx *c)
{
    scout_rc rc = write_directory(c);
    enum { CAP = 256 };
    msg *all = calloc(CAP, sizeof *all), *sorted = calloc(CAP, sizeof *sorted);
    if (!rc && (!all || !sorted)) rc = scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    int n = rc ? 0 : collect(c, all, CAP);
    if (sorted) memcpy(sorted, all, (size_t)n * sizeof *all);
    if (n) qsort(sorted, (size_t)n, sizeof *sorted, msg_cmp);
    for (int i = 0; !rc && i < n;) {
        json_t *day = json_array();
        int j = i;
        for (; j < n && sorted[j].channel == sorted[i].channel && sorted[j].day == sorted[i].day;
             j++)
            json_array_append_new(day, message_json(all, n, &sorted[j]));
        char rel[128], ds[11];
        acme_day_str(sorted[i].day, ds);
        snprintf(rel, sizeof rel, "slack/%s/%s.json", CHANNELS[sorted[i].channel].name, ds);
        rc = write_json(c, rel, day);
        i = j;
    }
    free(all);
    free(sorted);
    return rc;
}
