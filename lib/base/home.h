/* home — the state directory (`.scout/` by default, --home or SCOUT_HOME):
 * scout.yaml, catalog.db, sessions.db, audit log, results/ and scratch/.
 * Every front-end finds its files through here, so the layout is in one place. */
#ifndef SCOUT_BASE_HOME_H
#define SCOUT_BASE_HOME_H

#include <stdbool.h>

#include "base/err.h"

typedef struct scout_home {
    char *dir;      /* absolute */
    char *config;   /* dir/scout.yaml */
    char *catalog;  /* dir/catalog.db */
    char *sessions; /* dir/sessions.db */
    char *results;  /* dir/results */
    char *scratch;  /* dir/scratch */
    char *context;  /* dir/context: scout's own curated YAML */
} scout_home;

/* Picks the home: `flag` (from --home) if set, else $SCOUT_HOME, else
 * ./.scout; made absolute. Fills every path. Free with scout_home_free. */
scout_rc scout_home_resolve(const char *flag, scout_home *out, scout_err *err);

/* Creates the home and its subdirectories. Writes the commented config
 * template unless a scout.yaml exists already (never overwrites one).
 * *created_config tells whether the template was written (may be NULL). */
scout_rc scout_home_init(const scout_home *home, bool *created_config, scout_err *err);

void scout_home_free(scout_home *home);

#endif
