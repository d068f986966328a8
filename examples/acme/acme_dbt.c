/* acme_dbt — the dbt project files and target/manifest.json. */
#include "acme/acme_int.h"

scout_rc acme_write_dbt(acme_ctx *c)
{
    (void)c;
    return SCOUT_OK;
}
