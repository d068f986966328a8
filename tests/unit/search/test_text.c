/* Tokenizer and synonym unit tests: identifier splitting, Unicode
 * normalisation, stop words, stemming, abbreviations and learning. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/buf.h"
#include "search/synonyms.h"
#include "search/text.h"

static int collect(void *ud, const scout_term *t)
{
    scout_buf *b = ud;
    scout_buf_printf(b, "%s%s", b->len ? " " : "", t->stem);
    return 0;
}

static void assert_stems(scout_text *t, const char *in, const char *want)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_text_terms(t, in, strlen(in), 0, collect, &b);
    cr_assert_str_eq(scout_buf_cstr(&b), want, "'%s'", in);
    scout_buf_free(&b);
}

Test(text, splits_identifiers_folds_and_stems)
{
    scout_text *t;
    scout_err err;
    cr_assert_eq(scout_text_new(&t, &err), SCOUT_OK);
    assert_stems(t, "RevenueDaily", "revenu daili");
    assert_stems(t, "revenue_daily_v1", "revenu daili 1");
    assert_stems(t, "HTTPServer p95Latency", "http server 95 latenc");
    assert_stems(t, "How many Plus subscribers?", "plus subscrib");
    assert_stems(t, "Ｒｅｖｅｎｕｅ café", "revenu cafe"); /* NFKC + accents */
    assert_stems(t, "a\x01\x02 bad\xff byte", "bad byte"); /* control, invalid */
    assert_stems(t, "the of and what is", "");
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_stems(t, big, ""); /* an over-long token is skipped, not truncated */
    scout_text_free(t);
}

typedef struct seen {
    char stems[16][64];
    int n;
} seen;

static void on_syn(void *ud, const char *stem, double w, scout_syn_origin o, const char *via)
{
    seen *s = ud;
    if (s->n < 16) strncpy(s->stems[s->n++], stem, 63);
}

static bool has(const seen *s, const char *stem)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->stems[i], stem)) return true;
    return false;
}

Test(synonyms, thesaurus_abbreviations_and_learning)
{
    scout_text *t;
    scout_synonyms *syn;
    scout_err err;
    cr_assert_eq(scout_text_new(&t, &err), SCOUT_OK);
    cr_assert_eq(scout_synonyms_new(t, NULL, &syn, &err), SCOUT_OK);
    seen s = {0};
    scout_synonyms_expand(syn, "income", "incom", 0, on_syn, &s);
    cr_assert(has(&s, "revenu"), "income → revenue");
    cr_assert_str_eq(scout_synonyms_abbrev(syn, "amt"), "amount");
    cr_assert_str_eq(scout_synonyms_abbrev(syn, "usr"), "user");
    if (scout_synonyms_has_wordnet(syn)) {
        const char *words[] = {"shipment", "shipment", "shpt", "warehouse", "warehouse"};
        for (size_t i = 0; i < 5; i++) scout_synonyms_observe(syn, words[i], strlen(words[i]));
        cr_assert_geq(scout_synonyms_learn(syn), 1);
        cr_assert_str_eq(scout_synonyms_abbrev(syn, "shpt"), "shipment");
        cr_assert_null(scout_synonyms_abbrev(syn, "warehouse"));
    }
    scout_synonyms_free(syn);
    scout_text_free(t);
}
