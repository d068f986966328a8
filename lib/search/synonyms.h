/* synonyms — query and index term expansion: a built-in thesaurus of data
 * vocabulary (income ~ revenue, client ~ customer), WordNet synsets when the
 * wordnet-base data is installed, and abbreviations (amt → amount, usr →
 * user), seeded with common ones and learned from the catalog's identifiers.
 * Curated synonyms from the catalog's `synonyms` table are folded into the
 * cards at index time by index.c, not here. */
#ifndef SCOUT_SEARCH_SYNONYMS_H
#define SCOUT_SEARCH_SYNONYMS_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "search/text.h"

typedef struct scout_synonyms scout_synonyms;

/* Builds the thesaurus (stemmed with t) and opens WordNet from wordnet_dir
 * (NULL = $SCOUT_WORDNET_DIR or /usr/share/wordnet; missing data is fine:
 * WordNet expansion is then off). t is borrowed and must outlive s. */
scout_rc scout_synonyms_new(scout_text *t, const char *wordnet_dir, scout_synonyms **out,
                            scout_err *err);
void scout_synonyms_free(scout_synonyms *s);

/* Where an expansion came from, for the `why` of a hit. */
typedef enum scout_syn_origin {
    SCOUT_SYN_ABBREV,    /* abbreviation, seeded or learned from the catalog */
    SCOUT_SYN_THESAURUS, /* built-in data thesaurus */
    SCOUT_SYN_WORDNET    /* WordNet synset */
} scout_syn_origin;

/* Expansion callback: a related *stem* and the weight (0..1) its matches get
 * relative to the word itself. Strings are borrowed for the call. */
typedef void (*scout_syn_fn)(void *ud, const char *stem, double weight, scout_syn_origin origin,
                             const char *via);

/* Calls fn for the stems related to a folded word (word) and its stem.
 * WordNet is consulted only when use_wordnet is set: callers ask for it
 * when the word itself is unknown to the index, since WordNet's senses are
 * too broad for words the catalog already uses. */
void scout_synonyms_expand(scout_synonyms *s, const char *word, const char *stem, int use_wordnet,
                           scout_syn_fn fn, void *ud);

/* The full word an abbreviation stands for ("amt" → "amount"), or NULL. */
const char *scout_synonyms_abbrev(const scout_synonyms *s, const char *word);

/* True when WordNet data was found. */
int scout_synonyms_has_wordnet(const scout_synonyms *s);

/* True when word is an English word WordNet knows (false without WordNet). */
int scout_synonyms_is_word(scout_synonyms *s, const char *word);

/* Learning abbreviations from the catalog: feed every identifier word
 * (folded) with scout_synonyms_observe, then scout_synonyms_learn adds
 * "short → long" for short non-words whose letters appear in order in a
 * frequent longer word of the same catalog (amt → amount, usr → user).
 * Returns the number of abbreviations learned. */
void scout_synonyms_observe(scout_synonyms *s, const char *word, size_t len);
size_t scout_synonyms_learn(scout_synonyms *s);

/* Adds one abbreviation (copied); an existing entry is kept. */
scout_rc scout_synonyms_add_abbrev(scout_synonyms *s, const char *abbr, const char *full);

/* Appends "abbr=full\n" for every learned (not seeded) abbreviation, for
 * persisting beside the index; scout_synonyms_load_learned reads it back. */
scout_rc scout_synonyms_dump_learned(const scout_synonyms *s, scout_buf *out);
scout_rc scout_synonyms_load_learned(scout_synonyms *s, const char *text);

#endif
