/* history.c — stub until the module lands (see history.h). */
#include "catalog/history.h"

#include "catalog/catalog_int.h"

/* Idempotent DDL for the tables this module adds; run by scout_catalog_open. */
const char scout_history_schema[] = "";

scout_rc scout_history_import(scout_catalog *cat, const scout_config *cfg, scout_layer_stats *st,
                              scout_err *err)
{
    return scout_err_set(err, SCOUT_EINTERNAL, "history import is not implemented yet");
}
