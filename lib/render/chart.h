/* chart — chooses a chart for a result from its column roles, and writes it
 * as a Vega-Lite v5 spec (data inline, titles, unit-aware axis formats,
 * sorted bars) that validates against the schema shipped in the vega-lite
 * npm package. The same plan drives the terminal chart (termchart.h). */
#ifndef SCOUT_RENDER_CHART_H
#define SCOUT_RENDER_CHART_H

#include <jansson.h>

#include "base/err.h"
#include "render/result.h"

typedef enum {
    SCOUT_CHART_NONE = 0,    /* table only (nothing numeric, too many categories, no rows) */
    SCOUT_CHART_KPI,         /* one number, with its delta when there is one */
    SCOUT_CHART_LINE,        /* a measure over time, one line per series */
    SCOUT_CHART_BAR,         /* a measure per category (<= SCOUT_CHART_MAX_CATEGORIES) */
    SCOUT_CHART_GROUPED_BAR, /* two dimensions, measure not additive (shares, rates) */
    SCOUT_CHART_STACKED_BAR, /* two dimensions, additive measure */
    SCOUT_CHART_COMPARISON   /* current vs previous: delta bars per category, or two bars */
} scout_chart_kind;

#define SCOUT_CHART_MAX_CATEGORIES 20

/* Which columns play which part; -1 when a part is absent. */
typedef struct scout_chart_plan {
    scout_chart_kind kind;
    int x;           /* time or category column (the first dimension) */
    int series;      /* second dimension: colour / stack / group */
    int y;           /* the measure drawn (for COMPARISON with a category: the delta) */
    int current;     /* COMPARISON / KPI: the current-period measure */
    int previous;    /* COMPARISON: the previous-period measure */
    int delta;       /* the delta column */
    int pct;         /* a relative-change or share column shown beside the value */
    const char *why; /* static one-line reason for the choice, for the trace */
} scout_chart_plan;

/* Chooses the chart from the result's roles (for raw SQL results call
 * scout_result_infer first). Rules, first match wins:
 *   no rows or no numeric column          → NONE
 *   a delta column and no time column     → COMPARISON (KPI when there is no
 *                                           previous-period measure to show)
 *   a time column                         → LINE (second dimension = series)
 *   one row, no dimension                 → KPI
 *   two dimensions, x has <= 20 values    → STACKED_BAR (GROUPED_BAR for pct)
 *   one dimension with <= 20 values       → BAR
 *   otherwise                             → NONE (the table says it better) */
void scout_chart_choose(const scout_result *r, scout_chart_plan *out);

/* "none", "kpi", "line", "bar", "grouped_bar", "stacked_bar", "comparison". */
const char *scout_chart_kind_name(scout_chart_kind kind);

/* Builds the Vega-Lite v5 spec for plan over r. title may be NULL (a title
 * is derived from the columns). Returns a new reference in *out (json_decref
 * it); *out is NULL for SCOUT_CHART_NONE. */
scout_rc scout_chart_spec(const scout_result *r, const scout_chart_plan *plan, const char *title,
                          json_t **out, scout_err *err);

/* The unit a column's numbers are shown in: its declared unit, else percent
 * for a pct role, else none. Shared with the table and the reports. */
scout_unit scout_chart_col_unit(const scout_result *r, int col);

#endif
