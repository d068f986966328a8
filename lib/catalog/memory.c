/* memory.c — stub until the module lands (see memory.h). */
#include "catalog/memory.h"

#include "catalog/catalog_int.h"

/* Idempotent DDL for the tables this module adds; run by scout_catalog_open. */
const char scout_memory_schema[] = "";
