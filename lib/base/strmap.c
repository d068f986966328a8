/* strmap.c — linear probing over a power-of-two table, FNV-1a hashes. */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
    uint32_t hash;
    uint32_t key; /* offset into the arena + 1; 0 = empty */
    uint32_t value;
} slot;

struct scout_strmap {
    slot *tab;
    size_t cap, count;
    char *arena;
    size_t alen, acap;
    size_t acap0; /* the arena's first allocation */
};

static uint32_t hash_of(const char *k, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h ? h : 1;
}

static scout_strmap *new_map(size_t cap, size_t acap0)
{
    scout_strmap *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cap = cap;
    m->acap0 = acap0;
    m->tab = calloc(m->cap, sizeof *m->tab);
    if (!m->tab) {
        free(m);
        return NULL;
    }
    return m;
}

scout_strmap *scout_strmap_new(void)
{
    return new_map(1024, 65536);
}

scout_strmap *scout_strmap_new_sized(size_t expect)
{
    /* The table stays at most 3/4 full; keys average well under 16 bytes. */
    size_t cap = 16;
    while (cap < ((size_t)1 << 30) && expect * 4 >= cap * 3) cap *= 2;
    return new_map(cap, cap * 16);
}

void scout_strmap_free(scout_strmap *m)
{
    if (!m) return;
    free(m->tab);
    free(m->arena);
    free(m);
}

static int key_eq(const scout_strmap *m, const slot *s, const char *k, size_t n)
{
    const char *sk = m->arena + s->key - 1;
    return strncmp(sk, k, n) == 0 && sk[n] == '\0';
}

static size_t find(const scout_strmap *m, const char *k, size_t n, uint32_t h)
{
    size_t i = h & (m->cap - 1);
    while (m->tab[i].key && !(m->tab[i].hash == h && key_eq(m, &m->tab[i], k, n)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

uint32_t scout_strmap_get(const scout_strmap *m, const char *key, size_t len)
{
    if (!m) return UINT32_MAX;
    size_t i = find(m, key, len, hash_of(key, len));
    return m->tab[i].key ? m->tab[i].value : UINT32_MAX;
}

static int grow(scout_strmap *m)
{
    size_t ncap = m->cap * 2;
    slot *nt = calloc(ncap, sizeof *nt);
    if (!nt) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->tab[i].key) continue;
        size_t j = m->tab[i].hash & (ncap - 1);
        while (nt[j].key) j = (j + 1) & (ncap - 1);
        nt[j] = m->tab[i];
    }
    free(m->tab);
    m->tab = nt;
    m->cap = ncap;
    return 0;
}

static uint32_t arena_add(scout_strmap *m, const char *k, size_t n)
{
    if (m->alen + n + 1 > m->acap) {
        size_t ncap = m->acap ? m->acap * 2 : m->acap0;
        while (ncap < m->alen + n + 1) ncap *= 2;
        if (ncap > UINT32_MAX - 1) return 0;
        char *na = realloc(m->arena, ncap);
        if (!na) return 0;
        m->arena = na;
        m->acap = ncap;
    }
    memcpy(m->arena + m->alen, k, n);
    m->arena[m->alen + n] = '\0';
    uint32_t off = (uint32_t)m->alen + 1;
    m->alen += n + 1;
    return off;
}

uint32_t *scout_strmap_slot(scout_strmap *m, const char *key, size_t len, uint32_t init)
{
    uint32_t h = hash_of(key, len);
    size_t i = find(m, key, len, h);
    if (m->tab[i].key) return &m->tab[i].value;
    if ((m->count + 1) * 4 > m->cap * 3) {
        if (grow(m)) return NULL;
        i = find(m, key, len, h);
    }
    uint32_t off = arena_add(m, key, len);
    if (!off) return NULL;
    m->tab[i] = (slot){h, off, init};
    m->count++;
    return &m->tab[i].value;
}

int scout_strmap_add(scout_strmap *m, const char *key, size_t len)
{
    size_t before = m->count;
    if (!scout_strmap_slot(m, key, len, 0)) return -1;
    return m->count > before;
}

int scout_strmap_put(scout_strmap *m, const char *key, size_t len, uint32_t value)
{
    uint32_t *v = scout_strmap_slot(m, key, len, value);
    if (!v) return -1;
    *v = value;
    return 0;
}

size_t scout_strmap_count(const scout_strmap *m)
{
    return m ? m->count : 0;
}

int scout_strmap_at(const scout_strmap *m, size_t i, const char **key, uint32_t *value)
{
    if (!m || i >= m->cap) return -1;
    if (!m->tab[i].key) return 0;
    *key = m->arena + m->tab[i].key - 1;
    *value = m->tab[i].value;
    return 1;
}

size_t scout_strmap_bytes(const scout_strmap *m)
{
    return m->cap * sizeof(slot) + m->acap;
}
