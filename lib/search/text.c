/* text.c — normalisation, identifier splitting, stop words and stemming. */
#include "search/text.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/buf.h"

struct scout_text {
    struct sb_stemmer *stemmer;
    scout_buf norm; /* the NFKC-normalised input of the current call */
};

/* Sorted: English function words plus the filler people put around a
 * question ("show me", "how many", "what was our"). Words that can name data
 * (number, count, total, time, date, top) are deliberately absent. */
static const char *const STOP[] = {
    "a",     "about",   "above",    "after",  "again",     "against",  "ago",       "all",
    "also",  "am",      "an",       "and",    "any",       "anything", "are",       "as",
    "at",    "be",      "been",     "before", "being",     "both",     "but",       "by",
    "can",   "compare", "compared", "could",  "currently", "data",     "did",       "do",
    "does",  "doing",   "each",     "else",   "ever",      "few",      "find",      "for",
    "from",  "get",     "give",     "got",    "had",       "happen",   "happened",  "has",
    "have",  "having",  "he",       "her",    "here",      "him",      "his",       "how",
    "i",     "if",      "in",       "into",   "is",        "it",       "its",       "just",
    "know",  "last",    "let",      "like",   "list",      "look",     "looking",   "many",
    "me",    "might",   "more",     "most",   "much",      "must",     "my",        "need",
    "no",    "nor",     "not",      "now",    "of",        "off",      "on",        "once",
    "only",  "or",      "other",    "our",    "ours",      "out",      "over",      "own",
    "past",  "please",  "previous", "recent", "recently",  "same",     "see",       "shall",
    "she",   "should",  "show",     "since",  "so",        "some",     "something", "such",
    "tell",  "than",    "that",     "the",    "their",     "them",     "then",      "there",
    "these", "they",    "this",     "those",  "through",   "to",       "today",     "too",
    "under", "until",   "up",       "us",     "use",       "versus",   "very",      "vs",
    "want",  "was",     "we",       "were",   "what",      "when",     "where",     "which",
    "while", "who",     "whom",     "why",    "will",      "with",     "would",     "yesterday",
    "you",   "your",
};

static int cmp_stop(const void *k, const void *e)
{
    return strcmp((const char *)k, *(const char *const *)e);
}

bool scout_text_is_stop(const char *word, size_t len)
{
    char w[16];
    if (len == 0) return true;
    if (len >= sizeof w) return false;
    memcpy(w, word, len);
    w[len] = '\0';
    return bsearch(w, STOP, sizeof STOP / sizeof STOP[0], sizeof STOP[0], cmp_stop) != NULL;
}

scout_rc scout_text_new(scout_text **out, scout_err *err)
{
    *out = NULL;
    scout_text *t = calloc(1, sizeof *t);
    if (!t) return scout_err_set(err, SCOUT_ENOMEM, "out of memory creating a tokenizer");
    t->stemmer = sb_stemmer_new("english", NULL);
    if (!t->stemmer) {
        free(t);
        return scout_err_set(err, SCOUT_EINTERNAL, "snowball english stemmer unavailable");
    }
    scout_buf_init(&t->norm, (size_t)16 << 20);
    *out = t;
    return SCOUT_OK;
}

void scout_text_free(scout_text *t)
{
    if (!t) return;
    sb_stemmer_delete(t->stemmer);
    scout_buf_free(&t->norm);
    free(t);
}

bool scout_text_valid_utf8(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) return false;
        i += (size_t)n;
    }
    return true;
}

size_t scout_text_stem(scout_text *t, const char *word, size_t len, char *out, size_t cap)
{
    const sb_symbol *st = sb_stemmer_stem(t->stemmer, (const sb_symbol *)word, (int)len);
    int n = st ? sb_stemmer_length(t->stemmer) : 0;
    if (n <= 0 || (size_t)n >= cap) return 0;
    memcpy(out, st, (size_t)n);
    out[n] = '\0';
    return (size_t)n;
}

/* Copies s into t->norm with invalid bytes turned into spaces, then (only
 * when non-ASCII text is present) applies NFKC with accents and control
 * characters stripped. ASCII input, nearly all catalog text, skips utf8proc. */
static const char *normalise(scout_text *t, const char *s, size_t len, size_t *out_len)
{
    bool ascii = true;
    scout_buf_reset(&t->norm);
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            scout_buf_putc(&t->norm, c < 0x20 || c == 0x7f ? ' ' : (char)c);
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            scout_buf_putc(&t->norm, ' ');
            i++;
            continue;
        }
        ascii = false;
        scout_buf_append(&t->norm, s + i, (size_t)n);
        i += (size_t)n;
    }
    if (ascii || t->norm.len == 0) {
        *out_len = t->norm.len;
        return scout_buf_cstr(&t->norm);
    }
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)t->norm.data, (utf8proc_ssize_t)t->norm.len, &dst,
                     UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_STRIPCC);
    if (n >= 0) {
        scout_buf_reset(&t->norm);
        scout_buf_append(&t->norm, dst, (size_t)n);
    }
    free(dst);
    *out_len = t->norm.len;
    return scout_buf_cstr(&t->norm);
}

enum { CL_SEP, CL_LOWER, CL_UPPER, CL_DIGIT };

static int classify(utf8proc_int32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'a' && cp <= 'z') return CL_LOWER;
        if (cp >= 'A' && cp <= 'Z') return CL_UPPER;
        if (cp >= '0' && cp <= '9') return CL_DIGIT;
        return CL_SEP;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        return CL_UPPER;
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return CL_LOWER;
    case UTF8PROC_CATEGORY_ND:
        return CL_DIGIT;
    default:
        return CL_SEP;
    }
}

typedef struct emitter {
    scout_text *t;
    unsigned flags;
    scout_term_fn fn;
    void *ud;
    char word[SCOUT_TERM_MAX + 8];
    size_t len;
    bool overflow, digits_only;
    int stop; /* set once fn asked to stop */
} emitter;

static void emit(emitter *e)
{
    if (e->len == 0 || e->overflow || e->stop) goto reset;
    e->word[e->len] = '\0';
    char stem[SCOUT_TERM_MAX + 8];
    size_t sl = e->digits_only ? 0 : scout_text_stem(e->t, e->word, e->len, stem, sizeof stem);
    if (sl == 0) {
        memcpy(stem, e->word, e->len + 1);
        sl = e->len;
    }
    /* A lone letter (the "s" of "user's", the "v" of "v1") carries nothing. */
    bool stop = (e->len == 1 && !e->digits_only) || scout_text_is_stop(e->word, e->len);
    if (!stop || (e->flags & SCOUT_TEXT_KEEP_STOP)) {
        scout_term term = {e->word, e->len, stem, sl, stop, e->digits_only};
        e->stop = e->fn(e->ud, &term);
    }
reset:
    e->len = 0;
    e->overflow = false;
    e->digits_only = true;
}

static void push_cp(emitter *e, utf8proc_int32_t cp)
{
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char(utf8proc_tolower(cp), enc);
    if (n <= 0 || e->len + (size_t)n > SCOUT_TERM_MAX) {
        e->overflow = true;
        return;
    }
    memcpy(e->word + e->len, enc, (size_t)n);
    e->len += (size_t)n;
    if (classify(cp) != CL_DIGIT) e->digits_only = false;
}

void scout_text_terms(scout_text *t, const char *s, size_t len, unsigned flags, scout_term_fn fn,
                      void *ud)
{
    size_t n;
    const char *p = normalise(t, s, len, &n);
    emitter e = {.t = t, .flags = flags, .fn = fn, .ud = ud, .digits_only = true};
    int prev = CL_SEP;
    size_t i = 0;
    while (i < n && !e.stop) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) k = 1, cp = ' ';
        int cl = classify(cp);
        int next = CL_SEP;
        if (cl == CL_UPPER && prev == CL_UPPER && i + (size_t)k < n) {
            utf8proc_int32_t nc;
            if (utf8proc_iterate((const utf8proc_uint8_t *)p + i + k,
                                 (utf8proc_ssize_t)(n - i - (size_t)k), &nc) > 0)
                next = classify(nc);
        }
        /* Boundaries: separators, lower→Upper (camelCase), the last capital
         * of an acronym before a lower-case letter (HTTPServer), letter↔digit. */
        bool boundary = cl == CL_SEP || (cl == CL_UPPER && prev == CL_LOWER) ||
                        (cl == CL_UPPER && prev == CL_UPPER && next == CL_LOWER) ||
                        ((cl == CL_DIGIT) != (prev == CL_DIGIT) && prev != CL_SEP);
        if (boundary) emit(&e);
        if (cl != CL_SEP) push_cp(&e, cp);
        prev = cl;
        i += (size_t)k;
    }
    emit(&e);
}
