/* strmap — an open-addressing hash map from byte strings to 32-bit values,
 * with the keys copied into one growing arena. Used for the term dictionary
 * of the index and the vocabularies of synonyms.c. Never shrinks. */
#ifndef SCOUT_SEARCH_STRMAP_H
#define SCOUT_SEARCH_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct scout_strmap scout_strmap;

scout_strmap *scout_strmap_new(void);
void scout_strmap_free(scout_strmap *m);

/* The value stored for key, or UINT32_MAX when absent. */
uint32_t scout_strmap_get(const scout_strmap *m, const char *key, size_t len);

/* Stores key → value (replacing), returning 0, or -1 when out of memory. */
int scout_strmap_put(scout_strmap *m, const char *key, size_t len, uint32_t value);

/* A pointer to key's value slot, inserting it with value init when absent;
 * NULL when out of memory. Valid until the next insertion. */
uint32_t *scout_strmap_slot(scout_strmap *m, const char *key, size_t len, uint32_t init);

size_t scout_strmap_count(const scout_strmap *m);

/* Iteration: i from 0 while scout_strmap_at returns 1 or 0 (0 = empty slot);
 * -1 past the end. key is NUL-terminated and borrowed. */
int scout_strmap_at(const scout_strmap *m, size_t i, const char **key, uint32_t *value);

/* Bytes held by the map (table plus key arena). */
size_t scout_strmap_bytes(const scout_strmap *m);

#endif
