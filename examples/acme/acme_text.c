/* acme_text — docs, Slack export, dashboards and the query log. */
#include "acme/acme_int.h"

scout_rc acme_write_docs(acme_ctx *c)
{
    (void)c;
    return SCOUT_OK;
}

scout_rc acme_write_slack(acme_ctx *c)
{
    (void)c;
    return SCOUT_OK;
}

scout_rc acme_write_dashboards(acme_ctx *c)
{
    (void)c;
    return SCOUT_OK;
}

scout_rc acme_write_query_log(acme_ctx *c)
{
    (void)c;
    return SCOUT_OK;
}
