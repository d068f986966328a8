/* strmap — an open-addressing hash map from byte strings to 32-bit values,
 * with the keys copied into one growing arena. Used wherever a module needs a
 * string → index map or a string set: the search term dictionary and
 * vocabularies, the query-history clusters and user sets, the lineage target
 * and pair sets. Never shrinks. */
#ifndef SCOUT_BASE_STRMAP_H
#define SCOUT_BASE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct scout_strmap scout_strmap;

/* A new empty map sized for large dictionaries (1024 slots, and a 64 KiB key
 * arena on first insertion); NULL when out of memory. Caller frees with
 * scout_strmap_free. */
scout_strmap *scout_strmap_new(void);

/* A new empty map sized for about expect keys, starting small (16 slots at
 * least) so that thousands of tiny sets stay cheap; it grows like any other.
 * NULL when out of memory. Caller frees with scout_strmap_free. */
scout_strmap *scout_strmap_new_sized(size_t expect);

/* Frees the map and its keys; NULL is a no-op. */
void scout_strmap_free(scout_strmap *m);

/* The value stored for key, or UINT32_MAX when absent. A NULL map is empty. */
uint32_t scout_strmap_get(const scout_strmap *m, const char *key, size_t len);

/* Stores key → value (replacing), returning 0, or -1 when out of memory. */
int scout_strmap_put(scout_strmap *m, const char *key, size_t len, uint32_t value);

/* A pointer to key's value slot, inserting it with value init when absent;
 * NULL when out of memory. Valid until the next insertion. */
uint32_t *scout_strmap_slot(scout_strmap *m, const char *key, size_t len, uint32_t init);

/* Set use: adds key (value 0) when absent. Returns 1 when added, 0 when it
 * was present (its value untouched), -1 when out of memory. */
int scout_strmap_add(scout_strmap *m, const char *key, size_t len);

/* The number of keys; a NULL map has none. */
size_t scout_strmap_count(const scout_strmap *m);

/* Iteration: i from 0 while scout_strmap_at returns 1 or 0 (0 = empty slot);
 * -1 past the end (at once for a NULL map). key is NUL-terminated and
 * borrowed: valid until the map is freed. The order is the table's. */
int scout_strmap_at(const scout_strmap *m, size_t i, const char **key, uint32_t *value);

/* Bytes held by the map (table plus key arena). */
size_t scout_strmap_bytes(const scout_strmap *m);

#endif
