/* curated.c — stub until the module lands (see curated.h). */
#include "catalog/curated.h"

#include "catalog/catalog_int.h"

/* Idempotent DDL for the tables this module adds; run by scout_catalog_open. */
const char scout_curated_schema[] = "";

scout_rc scout_curated_import(scout_catalog *cat, const scout_config *cfg,
                              const char *home_context_dir, scout_layer_stats *st, scout_err *err)
{
    return scout_err_set(err, SCOUT_EINTERNAL, "curated import is not implemented yet");
}
