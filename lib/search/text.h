/* text — turns catalog text and questions into search terms: Unicode NFKC
 * normalisation with control characters dropped (utf8proc), identifier
 * splitting (snake_case, camelCase, letters/digits), case folding, English
 * stop words and Snowball stemming (libstemmer). Index and query go through
 * the same code, so "RevenueDaily", "revenue_daily" and "revenues" meet. */
#ifndef SCOUT_SEARCH_TEXT_H
#define SCOUT_SEARCH_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* Longest term kept, in bytes; longer tokens (hashes, base64) are skipped. */
#define SCOUT_TERM_MAX 48

typedef struct scout_text scout_text;

/* A stemmer plus scratch space. Not thread-safe: one per thread. */
scout_rc scout_text_new(scout_text **out, scout_err *err);
void scout_text_free(scout_text *t);

/* One term: the folded word as written ("revenues") and its stem ("revenu").
 * Both are borrowed for the callback's duration. stop is true for stop words
 * (they are only reported when SCOUT_TEXT_KEEP_STOP is given). */
typedef struct scout_term {
    const char *word;
    size_t word_len;
    const char *stem;
    size_t stem_len;
    bool stop;
    bool numeric; /* all digits */
} scout_term;

typedef int (*scout_term_fn)(void *ud, const scout_term *term);

#define SCOUT_TEXT_KEEP_STOP 1u

/* Calls fn for each term of s[0..len) in order; fn returning non-zero stops.
 * Invalid UTF-8 bytes and control characters act as separators. */
void scout_text_terms(scout_text *t, const char *s, size_t len, unsigned flags, scout_term_fn fn,
                      void *ud);

/* Stems one already folded word into out (cap bytes, NUL-terminated);
 * returns the stem length (0 when it does not fit). */
size_t scout_text_stem(scout_text *t, const char *word, size_t len, char *out, size_t cap);

/* True for an English stop word or question filler ("how", "many", "show"). */
bool scout_text_is_stop(const char *word, size_t len);

/* True when s is valid UTF-8. */
bool scout_text_valid_utf8(const char *s, size_t len);

#endif
