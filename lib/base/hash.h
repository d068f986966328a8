/* hash — 64-bit FNV-1a, the one non-cryptographic hash scout uses for change
 * detection (fingerprints, content hashes), hash-table slots and seeding the
 * Acme generator. Nothing here resists a chosen-input attacker. */
#ifndef SCOUT_BASE_HASH_H
#define SCOUT_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The standard FNV-1a 64 offset basis. */
#define SCOUT_FNV64_INIT 0xcbf29ce484222325ULL

/* Folds n bytes at p into the running hash h (start from SCOUT_FNV64_INIT)
 * and returns the new hash. p may be NULL when n is 0. */
uint64_t scout_fnv64_update(uint64_t h, const void *p, size_t n);

/* Folds the bytes of the NUL-terminated s (not the NUL) into h; NULL folds
 * nothing. */
uint64_t scout_fnv64_update_str(uint64_t h, const char *s);

/* FNV-1a 64 of n bytes at p from the standard basis. */
uint64_t scout_fnv64(const void *p, size_t n);

#endif
