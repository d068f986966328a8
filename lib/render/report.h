/* report — a long-form answer written to a file: Markdown (.md) or a
 * self-contained HTML page (.html). The HTML inlines its CSS and the vega,
 * vega-lite and vega-embed scripts read from the installed npm packages, so
 * it opens offline and never fetches anything; when those scripts cannot be
 * found it still shows everything else plus a text chart and says why the
 * interactive chart is missing. All user and data text is escaped. */
#ifndef SCOUT_RENDER_REPORT_H
#define SCOUT_RENDER_REPORT_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "render/result.h"

/* A table the answer used and why it was chosen. Strings borrowed. */
typedef struct scout_report_table {
    const char *name;
    const char *why;
} scout_report_table;

/* A section the agent wrote (write_report_section): a heading and plain
 * text, shown after the answer. Strings borrowed. */
typedef struct scout_report_section {
    const char *title;
    const char *text;
} scout_report_section;

/* Everything a report shows. All pointers are borrowed and may be NULL
 * (a missing part is left out). */
typedef struct scout_report {
    const char *question;
    const char *answer; /* plain text, may hold several lines */
    const char *sql;
    const scout_report_table *tables;
    size_t n_tables;
    const char *const *assumptions;
    size_t n_assumptions;
    const scout_result *result;
    const json_t *chart_spec; /* Vega-Lite spec; NULL = chosen from result by scout_chart_choose */
    const char *result_id;    /* stable id of the stored result */
    const char *result_link;  /* where the stored result can be opened (path or URL) */
    const char *generated_at; /* e.g. "2026-10-01 12:00 UTC"; NULL = left out */
    const scout_report_section *sections; /* after the answer, in order */
    size_t n_sections;
} scout_report;

typedef struct scout_report_opts {
    /* Directory holding the npm packages (a node_modules directory, or a
     * directory that contains one). NULL = scout_report_find_assets. */
    const char *assets_dir;
} scout_report_opts;

/* Finds the npm assets for HTML reports, first match wins:
 *   1. $SCOUT_ASSETS (a node_modules directory, or one containing it);
 *   2. node_modules/ beside or above the running executable (build/scout and
 *      build/asan/scout live two and three levels below the source tree);
 *   3. ./node_modules in the current directory.
 * A candidate counts only when vega, vega-lite and vega-embed builds are all
 * there. Returns a heap path to the node_modules directory (caller frees) or
 * NULL when none was found. */
char *scout_report_find_assets(void);

/* Appends the Markdown report to out. */
scout_rc scout_report_markdown(scout_buf *out, const scout_report *rep, scout_err *err);

/* Appends the HTML report to out. assets_dir as in scout_report_opts (NULL =
 * search). *inlined (if not NULL) says whether the chart scripts were embedded. */
scout_rc scout_report_html(scout_buf *out, const scout_report *rep, const char *assets_dir,
                           bool *inlined, scout_err *err);

/* Writes the report to path atomically; the format follows the extension
 * (.md/.markdown or .html/.htm, case-insensitive; anything else is
 * SCOUT_EUSER). opts may be NULL. */
scout_rc scout_report_write(const char *path, const scout_report *rep,
                            const scout_report_opts *opts, scout_err *err);

#endif
