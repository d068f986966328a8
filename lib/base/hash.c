#include "base/hash.h"

#define FNV64_PRIME 0x100000001b3ULL

uint64_t scout_fnv64_update(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * FNV64_PRIME;
    return h;
}

uint64_t scout_fnv64_update_str(uint64_t h, const char *s)
{
    for (; s && *s; s++) h = (h ^ (unsigned char)*s) * FNV64_PRIME;
    return h;
}

uint64_t scout_fnv64(const void *p, size_t n)
{
    return scout_fnv64_update(SCOUT_FNV64_INIT, p, n);
}
