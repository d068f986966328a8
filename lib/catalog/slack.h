/* slack — reads a Slack export in the standard layout (users.json,
 * channels.json, groups.json for private channels, <channel>/<YYYY-MM-DD>.json)
 * into thread-aware chunks, each channel with the scout users allowed to read
 * it. Catalog-free: the knowledge importer stores what the sink receives. */
#ifndef SCOUT_CATALOG_SLACK_H
#define SCOUT_CATALOG_SLACK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "base/err.h"

/* Readers of a private channel that map to no scout user keep this prefix
 * and their Slack id ("slack:U123"), so an unmapped member widens nothing. */
#define SCOUT_SLACK_UNMAPPED_PREFIX "slack:"

/* One channel, reported before its chunks. Strings are borrowed for the call. */
typedef struct scout_slack_channel {
    const char *name;
    bool is_private;            /* from groups.json, or is_private in channels.json */
    const char *const *readers; /* private only: members as scout user names (by email, then
                                   name) or SCOUT_SLACK_UNMAPPED_PREFIX + Slack id */
    size_t n_readers;
    const char *purpose;
    const char *created; /* ISO time of its first exported message */
    const char *updated; /* ISO time of its last exported message */
} scout_slack_channel;

/* One chunk: a thread (parent + replies, split only when long) or a run of
 * consecutive unthreaded messages of one day. Borrowed for the call. */
typedef struct scout_slack_chunk {
    const char *uri;     /* slack://<channel>/<ts of the thread or of the first message> */
    const char *heading; /* "#channel › 2026-02-09 · thread" */
    const char *text;    /* one "Author: message" line per message */
    const char *authors; /* distinct author names, comma-separated */
    const char *created;
    const char *updated;
    size_t tokens;
} scout_slack_chunk;

/* Where the reader delivers what it finds. Each callback returns SCOUT_OK or
 * an error that stops the read (a catalog failure); ud is passed through. */
typedef struct scout_slack_sink {
    void *ud;
    /* Every input file (or skipped channel folder), with its bytes when they
     * were read and error "file:line:col: what" when it failed (else NULL). */
    scout_rc (*file)(void *ud, const char *path, const char *data, size_t len, const char *error,
                     scout_err *err);
    scout_rc (*channel)(void *ud, const scout_slack_channel *ch, scout_err *err);
    scout_rc (*chunk)(void *ud, const scout_slack_chunk *c, scout_err *err);
} scout_slack_sink;

/* Reads the export under dir, chunked at about chunk_tokens. A malformed
 * file is reported through sink->file and skipped; channels listed in
 * neither channels.json nor groups.json are skipped (their readers are
 * unknown). Fails only when a callback fails or memory runs out. */
scout_rc scout_slack_read(const char *dir, const scout_config *cfg, size_t chunk_tokens,
                          const scout_slack_sink *sink, scout_err *err);

#endif
