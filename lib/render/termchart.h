/* termchart — the chart plan drawn in the terminal with Unicode blocks:
 * horizontal bars for categories and comparisons, a block-column chart (one
 * series) or sparklines (several) for time, a big number with a delta arrow
 * for a KPI. Colour only when asked for; never wider than the given width. */
#ifndef SCOUT_RENDER_TERMCHART_H
#define SCOUT_RENDER_TERMCHART_H

#include <stdbool.h>

#include "base/buf.h"
#include "render/chart.h"

typedef struct scout_term_opts {
    int width;  /* terminal cells per line (<= 0: 80); output never exceeds it */
    bool color; /* green/red deltas, bold numbers; false = no ANSI escapes at all */
} scout_term_opts;

/* Appends the chart for plan over r to out (caller owns out). Nothing is
 * written for SCOUT_CHART_NONE. Each line ends with '\n'. */
scout_rc scout_termchart_render(scout_buf *out, const scout_result *r, const scout_chart_plan *plan,
                                const scout_term_opts *o, scout_err *err);

#endif
