/* dbt.c — stub until the loader lands (see dbt.h). */
#include "catalog/dbt.h"

#include <stdlib.h>

scout_rc scout_dbt_load(const char *dir, scout_dbt_project **out, scout_err *err)
{
    *out = NULL;
    return scout_err_set(err, SCOUT_EINTERNAL, "%s: dbt loader is not implemented yet", dir);
}

const scout_dbt_node *scout_dbt_find(const scout_dbt_project *p, const char *id_or_name)
{
    return NULL;
}

const scout_dbt_node *scout_dbt_find_source(const scout_dbt_project *p, const char *source_name,
                                            const char *table)
{
    return NULL;
}

void scout_dbt_free(scout_dbt_project *p)
{
    free(p);
}
