/* hash — 64-bit FNV-1a, the one non-cryptographic hash scout uses for change
 * detection (fingerprints, content hashes), hash-table slots and seeding the
 * Acme generator. Nothing here resists a chosen-input attacker. */
#ifndef SCOUT_BASE_HASH_H
#define SCOUT_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The standard FNV-1a 64 offset basis. */
#define SCOUT_FNV64_INIT 0xcbf29ce484222325ULL

/* The standard basis with its last decimal digit dropped (1469598103934665603
 * instead of 14695981039346656037). The catalog and search modules were
 * written with it, and the hashes they store (context_files.hash, model file
 * hashes, "text:" query fingerprints, search_docs.hash) depend on it, so it is
 * kept rather than corrected: a new basis would mark every stored row changed. */
#define SCOUT_FNV64_CATALOG_INIT 1469598103934665603ULL

/* Folds n bytes at p into the running hash h (start from one of the bases
 * above) and returns the new hash. p may be NULL when n is 0. */
uint64_t scout_fnv64_update(uint64_t h, const void *p, size_t n);

/* Folds the bytes of the NUL-terminated s (not the NUL) into h; NULL folds
 * nothing. */
uint64_t scout_fnv64_update_str(uint64_t h, const char *s);

/* FNV-1a 64 of n bytes at p from the standard basis. */
uint64_t scout_fnv64(const void *p, size_t n);

#endif
