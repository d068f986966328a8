/* synonyms.c — thesaurus, WordNet lookups and abbreviations. */
#include "search/synonyms.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/strmap.h"

/* Words people use interchangeably when asking about business data. Each
 * line is one group; the first word is the group's name in `why`. Written as
 * a general data-vocabulary thesaurus, not for any one catalog. */
static const char *const THESAURUS[] = {
    "revenue income sales earnings turnover proceeds",
    "customer client buyer account",
    "user member person people visitor",
    "subscriber subscription subs",
    "employee staff headcount worker personnel hire",
    "salary pay compensation payroll wage",
    "cost expense spend spending expenditure outlay",
    "refund chargeback reimbursement",
    "cancel cancellation churn attrition",
    "ticket case request incident",
    "signup registration onboarding",
    "country nation geography geo",
    "region territory geography geo area",
    "latency delay lag slowness duration",
    "error failure fault exception",
    "deploy deployment release rollout",
    "price pricing rate tariff",
    "product sku item article",
    "order purchase checkout",
    "shipment delivery shipping fulfilment fulfillment",
    "inventory stock",
    "vendor supplier provider",
    "campaign promotion promo",
    "advert ad advertisement ads",
    "session visit",
    "conversion convert converted",
    "retention retained returning",
    "opportunity deal",
    "lead prospect",
    "quota target goal",
    "forecast projection prediction estimate",
    "budget allocation",
    "invoice bill billing",
    "payment transaction txn charge",
    "discount coupon voucher rebate",
    "feature capability functionality",
    "usage adoption engagement",
    "daily day",
    "weekly week",
    "monthly month",
    "quarterly quarter",
    "yearly annual year",
    "count number total",
    "amount value sum",
    "growth increase",
    "profit margin",
    "satisfaction csat nps",
    "warehouse facility depot",
    "store shop outlet",
    "survey questionnaire poll",
    "contract agreement",
    "renewal renew",
    "trial evaluation",
    "device platform",
    "phone mobile",
    "downtime outage",
    "agent rep representative",
    "supplier vendor",
    "tax vat",
    "app application",
};

/* Abbreviations common enough in schemas to seed before any learning. */
static const char *const SEED_ABBREV[][2] = {
    {"amt", "amount"},      {"qty", "quantity"},     {"cnt", "count"},
    {"usr", "user"},        {"rev", "revenue"},      {"acct", "account"},
    {"txn", "transaction"}, {"trx", "transaction"},  {"avg", "average"},
    {"pct", "percent"},     {"num", "number"},       {"dt", "date"},
    {"ts", "timestamp"},    {"dept", "department"},  {"emp", "employee"},
    {"cust", "customer"},   {"prod", "product"},     {"mgr", "manager"},
    {"addr", "address"},    {"desc", "description"}, {"org", "organization"},
    {"tkt", "ticket"},      {"inv", "invoice"},      {"pmt", "payment"},
    {"yr", "year"},         {"mo", "month"},         {"wk", "week"},
    {"hr", "hour"},         {"ctry", "country"},     {"rgn", "region"},
    {"cat", "category"},    {"subs", "subscribers"}, {"sub", "subscription"},
    {"cnv", "conversion"},  {"opp", "opportunity"},  {"oppty", "opportunity"},
    {"eng", "engineering"}, {"fin", "finance"},      {"mktg", "marketing"},
    {"hc", "headcount"},    {"tx", "transaction"},   {"bal", "balance"},
    {"stg", "staging"},     {"impr", "impressions"},
};

#define MAX_GROUP_WORDS 8

typedef struct group {
    char stems[MAX_GROUP_WORDS][SCOUT_TERM_MAX + 8];
    char words[MAX_GROUP_WORDS][SCOUT_TERM_MAX + 8];
    int n;
} group;

typedef struct mapped {
    const char *data;
    size_t len;
} mapped;

struct scout_synonyms {
    scout_text *text;
    group *groups;
    size_t n_groups;
    scout_strmap *abbrev; /* abbr → index into abbr_full (+ high bit when learned) */
    char **abbr_full;
    size_t n_full, cap_full;
    scout_strmap *vocab;      /* identifier word → count, while learning */
    mapped index[2], data[2]; /* WordNet noun and verb files */
};

static int map_file(const char *dir, const char *name, mapped *m)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    struct stat st;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size > 0)
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return -1;
    m->data = p;
    m->len = (size_t)st.st_size;
    return 0;
}

static void unmap(mapped *m)
{
    if (m->data) munmap((void *)m->data, m->len);
    m->data = NULL;
}

static void open_wordnet(scout_synonyms *s, const char *dir)
{
    if (!dir) dir = getenv("SCOUT_WORDNET_DIR");
    if (!dir) dir = "/usr/share/wordnet";
    static const char *const files[2][2] = {{"index.noun", "data.noun"},
                                            {"index.verb", "data.verb"}};
    for (int i = 0; i < 2; i++) {
        if (map_file(dir, files[i][0], &s->index[i]) || map_file(dir, files[i][1], &s->data[i])) {
            for (int j = 0; j <= i; j++) unmap(&s->index[j]), unmap(&s->data[j]);
            return;
        }
    }
}

static size_t stem_of(scout_synonyms *s, const char *w, char *out, size_t cap)
{
    size_t n = scout_text_stem(s->text, w, strlen(w), out, cap);
    if (!n) {
        n = scout_strlcpy(out, w, cap);
        if (n >= cap) n = 0;
    }
    return n;
}

static scout_rc build_groups(scout_synonyms *s, scout_err *err)
{
    size_t n = sizeof THESAURUS / sizeof THESAURUS[0];
    s->groups = calloc(n, sizeof *s->groups);
    if (!s->groups) return scout_err_set(err, SCOUT_ENOMEM, "out of memory building synonyms");
    for (size_t i = 0; i < n; i++) {
        group *g = &s->groups[i];
        const char *p = THESAURUS[i];
        while (*p && g->n < MAX_GROUP_WORDS) {
            size_t len = strcspn(p, " ");
            if (len && len < sizeof g->words[0]) {
                memcpy(g->words[g->n], p, len);
                g->words[g->n][len] = '\0';
                if (stem_of(s, g->words[g->n], g->stems[g->n], sizeof g->stems[0])) g->n++;
            }
            p += len;
            while (*p == ' ') p++;
        }
    }
    s->n_groups = n;
    return SCOUT_OK;
}

scout_rc scout_synonyms_add_abbrev(scout_synonyms *s, const char *abbr, const char *full)
{
    size_t al = strlen(abbr);
    if (scout_strmap_get(s->abbrev, abbr, al) != UINT32_MAX) return SCOUT_OK;
    if (s->n_full == s->cap_full) {
        size_t nc = s->cap_full ? s->cap_full * 2 : 128;
        char **nf = realloc(s->abbr_full, nc * sizeof *nf);
        if (!nf) return SCOUT_ENOMEM;
        s->abbr_full = nf;
        s->cap_full = nc;
    }
    char *f = scout_strdup(full);
    if (!f) return SCOUT_ENOMEM;
    if (scout_strmap_put(s->abbrev, abbr, al, (uint32_t)s->n_full)) {
        free(f);
        return SCOUT_ENOMEM;
    }
    s->abbr_full[s->n_full++] = f;
    return SCOUT_OK;
}

/* Seeded entries occupy the first indexes; learned ones come after. */
#define N_SEED (sizeof SEED_ABBREV / sizeof SEED_ABBREV[0])

scout_rc scout_synonyms_new(scout_text *t, const char *wordnet_dir, scout_synonyms **out,
                            scout_err *err)
{
    *out = NULL;
    scout_synonyms *s = calloc(1, sizeof *s);
    if (!s) return scout_err_set(err, SCOUT_ENOMEM, "out of memory building synonyms");
    s->text = t;
    s->abbrev = scout_strmap_new();
    scout_rc rc = s->abbrev ? build_groups(s, err)
                            : scout_err_set(err, SCOUT_ENOMEM, "out of memory building synonyms");
    for (size_t i = 0; !rc && i < N_SEED; i++)
        if (scout_synonyms_add_abbrev(s, SEED_ABBREV[i][0], SEED_ABBREV[i][1]))
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory building synonyms");
    if (rc) {
        scout_synonyms_free(s);
        return rc;
    }
    open_wordnet(s, wordnet_dir);
    *out = s;
    return SCOUT_OK;
}

void scout_synonyms_free(scout_synonyms *s)
{
    if (!s) return;
    for (int i = 0; i < 2; i++) unmap(&s->index[i]), unmap(&s->data[i]);
    for (size_t i = 0; i < s->n_full; i++) free(s->abbr_full[i]);
    free(s->abbr_full);
    scout_strmap_free(s->abbrev);
    scout_strmap_free(s->vocab);
    free(s->groups);
    free(s);
}

int scout_synonyms_has_wordnet(const scout_synonyms *s)
{
    return s->index[0].data != NULL;
}

const char *scout_synonyms_abbrev(const scout_synonyms *s, const char *word)
{
    uint32_t i = scout_strmap_get(s->abbrev, word, strlen(word));
    return i == UINT32_MAX ? NULL : s->abbr_full[i];
}

/* ---- WordNet: index.<pos> lines are sorted "lemma pos ... offsets"; the
 * data.<pos> line at an offset lists the synset's lemmas. ---- */

/* Finds the line of index file m that starts with "word ", or NULL. */
static const char *wn_index_line(const mapped *m, const char *word)
{
    size_t wl = strlen(word), lo = 0, hi = m->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t ls = mid;
        while (ls > 0 && m->data[ls - 1] != '\n') ls--;
        const char *line = m->data + ls;
        size_t rest = m->len - ls;
        if (rest > 0 && line[0] == ' ') { /* license header: sorts before all lemmas */
            lo = mid + 1;
            while (lo < hi && m->data[lo - 1] != '\n') lo++;
            continue;
        }
        size_t ll = 0;
        while (ll < rest && line[ll] != ' ' && line[ll] != '\n') ll++;
        int c = memcmp(word, line, wl < ll ? wl : ll);
        if (c == 0) c = wl < ll ? -1 : wl > ll ? 1 : 0;
        if (c == 0) return line;
        if (c < 0) {
            hi = ls;
        } else {
            lo = ls + ll;
            while (lo < m->len && m->data[lo] != '\n') lo++;
            lo++;
        }
    }
    return NULL;
}

int scout_synonyms_is_word(scout_synonyms *s, const char *word)
{
    for (int i = 0; i < 2; i++)
        if (s->index[i].data && wn_index_line(&s->index[i], word)) return 1;
    return 0;
}

/* Splits buf in place on spaces into at most max fields. */
static int split_fields(char *buf, char **f, int max)
{
    int nf = 0;
    char *p = buf;
    while (*p && nf < max) {
        while (*p == ' ') *p++ = '\0';
        if (!*p) break;
        f[nf++] = p;
        while (*p && *p != ' ') p++;
    }
    return nf;
}

/* Parses the synset offsets of an index line (the last synset_cnt fields). */
static int wn_offsets(const char *line, const char *end, long *offs, int max)
{
    /* lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offsets... */
    char buf[1024];
    size_t n = (size_t)(end - line) < sizeof buf - 1 ? (size_t)(end - line) : sizeof buf - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    char *f[128];
    int nf = split_fields(buf, f, 128);
    if (nf < 4) return 0;
    int synsets = atoi(f[2]), ptrs = atoi(f[3]);
    int first = 4 + ptrs + 2, got = 0;
    for (int i = first; i < nf && got < max && got < synsets; i++) offs[got++] = atol(f[i]);
    return got;
}

static void wn_synset(scout_synonyms *s, int pos, long off, const char *word, scout_syn_fn fn,
                      void *ud)
{
    const mapped *d = &s->data[pos];
    if (off < 0 || (size_t)off >= d->len) return;
    const char *p = d->data + off, *end = memchr(p, '\n', d->len - (size_t)off);
    if (!end) return;
    /* offset lex_filenum ss_type w_cnt(hex) word lex_id ... */
    char buf[512];
    size_t n = (size_t)(end - p) < sizeof buf - 1 ? (size_t)(end - p) : sizeof buf - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    char *f[64];
    int nf = split_fields(buf, f, 64);
    if (nf < 4) return;
    int wc = (int)strtol(f[3], NULL, 16);
    for (int i = 0; i < wc && 4 + 2 * i < nf; i++) {
        char *lemma = f[4 + 2 * i];
        if (strchr(lemma, '_') || strchr(lemma, '(') || !strcmp(lemma, word)) continue;
        for (char *c = lemma; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
        char stem[SCOUT_TERM_MAX + 8];
        if (stem_of(s, lemma, stem, sizeof stem)) fn(ud, stem, 0.5, SCOUT_SYN_WORDNET, lemma);
    }
}

static void wordnet_expand(scout_synonyms *s, const char *word, scout_syn_fn fn, void *ud)
{
    for (int pos = 0; pos < 2; pos++) {
        if (!s->index[pos].data) continue;
        const char *line = wn_index_line(&s->index[pos], word);
        if (!line) continue;
        const char *end =
            memchr(line, '\n', s->index[pos].len - (size_t)(line - s->index[pos].data));
        if (!end) continue;
        long offs[2];
        int n = wn_offsets(line, end, offs, 2); /* the two most common senses */
        for (int i = 0; i < n; i++) wn_synset(s, pos, offs[i], word, fn, ud);
    }
}

void scout_synonyms_expand(scout_synonyms *s, const char *word, const char *stem, int use_wordnet,
                           scout_syn_fn fn, void *ud)
{
    const char *full = scout_synonyms_abbrev(s, word);
    if (full) {
        char fs[SCOUT_TERM_MAX + 8];
        if (stem_of(s, full, fs, sizeof fs)) fn(ud, fs, 0.9, SCOUT_SYN_ABBREV, full);
    }
    for (size_t g = 0; g < s->n_groups; g++) {
        const group *gr = &s->groups[g];
        int hit = 0;
        for (int i = 0; i < gr->n && !hit; i++) hit = !strcmp(gr->stems[i], stem);
        if (!hit) continue;
        for (int i = 0; i < gr->n; i++)
            if (strcmp(gr->stems[i], stem))
                fn(ud, gr->stems[i], 0.7, SCOUT_SYN_THESAURUS, gr->words[i]);
    }
    if (use_wordnet && strlen(word) >= 3) wordnet_expand(s, word, fn, ud);
}

/* ---- learning abbreviations from the catalog's identifiers ---- */

void scout_synonyms_observe(scout_synonyms *s, const char *word, size_t len)
{
    if (!s->vocab) s->vocab = scout_strmap_new();
    if (!s->vocab || len < 2 || len > SCOUT_TERM_MAX) return;
    uint32_t *c = scout_strmap_slot(s->vocab, word, len, 0);
    if (c) (*c)++;
}

/* True when the letters of a appear in order in w, starting with w's first. */
static int is_subsequence(const char *a, const char *w)
{
    if (a[0] != w[0]) return 0;
    for (; *a && *w; w++)
        if (*a == *w) a++;
    return *a == '\0';
}

static int all_letters(const char *w)
{
    for (; *w; w++)
        if (*w < 'a' || *w > 'z') return 0;
    return 1;
}

size_t scout_synonyms_learn(scout_synonyms *s)
{
    if (!s->vocab) return 0;
    size_t learned = 0, cap = 0, n = 0;
    /* Long words that occur at least twice are the candidates' targets. */
    const char **longw = NULL;
    uint32_t *longc = NULL;
    const char *k;
    uint32_t v;
    int r;
    for (size_t i = 0; (r = scout_strmap_at(s->vocab, i, &k, &v)) >= 0; i++) {
        if (r == 0 || v < 2 || strlen(k) < 4 || !all_letters(k)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            const char **nl = realloc(longw, cap * sizeof *nl);
            uint32_t *nc = realloc(longc, cap * sizeof *nc);
            if (nl) longw = nl;
            if (nc) longc = nc;
            if (!nl || !nc) goto done;
        }
        longw[n] = k;
        longc[n++] = v;
    }
    for (size_t i = 0; (r = scout_strmap_at(s->vocab, i, &k, &v)) >= 0; i++) {
        size_t kl;
        if (r == 0 || (kl = strlen(k)) < 2 || kl > 5 || !all_letters(k)) continue;
        if (scout_synonyms_abbrev(s, k) || scout_synonyms_is_word(s, k)) continue;
        if (!scout_synonyms_has_wordnet(s)) continue; /* cannot tell words from abbreviations */
        const char *best = NULL;
        uint32_t bc = 0;
        for (size_t j = 0; j < n; j++) {
            if (strlen(longw[j]) < kl + 2 || longc[j] <= bc) continue;
            if (is_subsequence(k, longw[j]) && scout_synonyms_is_word(s, longw[j]))
                best = longw[j], bc = longc[j];
        }
        if (best && !scout_synonyms_add_abbrev(s, k, best)) learned++;
    }
done:
    free(longw);
    free(longc);
    return learned;
}

scout_rc scout_synonyms_dump_learned(const scout_synonyms *s, scout_buf *out)
{
    const char *k;
    uint32_t v;
    int r;
    for (size_t i = 0; (r = scout_strmap_at(s->abbrev, i, &k, &v)) >= 0; i++) {
        if (r == 0 || v < N_SEED) continue;
        scout_rc rc = scout_buf_printf(out, "%s=%s\n", k, s->abbr_full[v]);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

scout_rc scout_synonyms_load_learned(scout_synonyms *s, const char *text)
{
    while (text && *text) {
        size_t ll = strcspn(text, "\n");
        const char *eq = memchr(text, '=', ll);
        if (eq && eq > text && (size_t)(eq - text) < SCOUT_TERM_MAX &&
            ll - (size_t)(eq - text) - 1 < SCOUT_TERM_MAX) {
            char a[SCOUT_TERM_MAX + 1], f[SCOUT_TERM_MAX + 1];
            memcpy(a, text, (size_t)(eq - text));
            a[eq - text] = '\0';
            size_t fl = ll - (size_t)(eq - text) - 1;
            memcpy(f, eq + 1, fl);
            f[fl] = '\0';
            scout_rc rc = scout_synonyms_add_abbrev(s, a, f);
            if (rc) return rc;
        }
        text += ll;
        if (*text) text++;
    }
    return SCOUT_OK;
}
