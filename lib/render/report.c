/* report — Markdown and self-contained HTML reports. */
#include "render/report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "render/chart.h"
#include "render/table.h"
#include "render/termchart.h"

#define ASSET_MAX     ((size_t)16 << 20) /* one minified script; vega is ~0.5 MiB */
#define REPORT_MAX    ((size_t)96 << 20)
#define TEXT_CHART_W  80
#define REPORT_ROWS   200 /* rows a report's table shows; the stored result has them all */
#define CELL_TEXT_MAX 1024

static const char *const asset_files[] = {"vega/build/vega.min.js",
                                          "vega-lite/build/vega-lite.min.js",
                                          "vega-embed/build/vega-embed.min.js"};
#define N_ASSETS (sizeof asset_files / sizeof asset_files[0])

/* ---- finding the npm assets ------------------------------------------ */

static bool assets_complete(const char *dir)
{
    for (size_t i = 0; i < N_ASSETS; i++) {
        char *p = scout_path_join(dir, asset_files[i]);
        bool ok = p && access(p, R_OK) == 0;
        free(p);
        if (!ok) return false;
    }
    return true;
}

/* dir itself when it is a complete node_modules, else dir/node_modules. */
static char *try_dir(const char *dir)
{
    if (!dir || !*dir) return NULL;
    if (assets_complete(dir)) return realpath(dir, NULL);
    char *nm = scout_path_join(dir, "node_modules");
    char *found = nm && assets_complete(nm) ? realpath(nm, NULL) : NULL;
    free(nm);
    return found;
}

char *scout_report_find_assets(void)
{
    char *found = try_dir(getenv("SCOUT_ASSETS"));
    if (found) return found;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        /* Walk up from the executable's directory: build/scout, build/asan/scout. */
        for (int up = 0; up < 4 && !found; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash || slash == exe) break;
            *slash = '\0';
            found = try_dir(exe);
        }
    }
    return found ? found : try_dir(".");
}

/* ---- shared pieces ---------------------------------------------------- */

/* The spec to show: the caller's, or one chosen from the result. New reference or NULL. */
static json_t *report_spec(const scout_report *rep, scout_chart_plan *plan)
{
    scout_chart_plan none = {SCOUT_CHART_NONE, -1, -1, -1, -1, -1, -1, -1, NULL};
    *plan = none;
    if (rep->result) scout_chart_choose(rep->result, plan);
    if (rep->chart_spec) return json_incref((json_t *)rep->chart_spec);
    json_t *spec = NULL;
    if (rep->result) scout_chart_spec(rep->result, plan, NULL, &spec, NULL);
    return spec;
}

/* The chart as text (no colour), for Markdown and as the HTML fallback. */
static void text_chart(const scout_report *rep, const scout_chart_plan *plan, scout_buf *out)
{
    scout_term_opts o = {TEXT_CHART_W, false};
    if (rep->result && plan->kind != SCOUT_CHART_NONE)
        scout_termchart_render(out, rep->result, plan, &o, NULL);
}

/* ---- Markdown ---------------------------------------------------------- */

/* Backslash-escapes the ASCII punctuation that Markdown (and the HTML it may
 * contain) would interpret; newlines become spaces when inline is set. */
static scout_rc md_text(scout_buf *out, const char *s, bool inline_only)
{
    static const char special[] = "\\`*_[]<>|#!~&";
    scout_rc rc = SCOUT_OK;
    for (const char *p = s ? s : ""; *p && rc == SCOUT_OK; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\n' && !inline_only)
            rc = scout_buf_puts(out, "  \n");
        else if (ch < 0x20 || ch == 0x7f)
            rc = scout_buf_putc(out, ' ');
        else if (strchr(special, *p))
            rc = scout_buf_printf(out, "\\%c", *p);
        else
            rc = scout_buf_putc(out, *p);
    }
    return rc;
}

/* A fenced code block whose fence is longer than any backtick run inside. */
static scout_rc md_code(scout_buf *out, const char *lang, const char *code)
{
    size_t run = 0, longest = 0;
    for (const char *p = code; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    size_t fence = longest >= 3 ? longest + 1 : 3;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < fence && rc == SCOUT_OK; i++) rc = scout_buf_putc(out, '`');
    if (rc == SCOUT_OK) rc = scout_buf_printf(out, "%s\n%s", lang, code);
    size_t len = strlen(code);
    if (rc == SCOUT_OK && (len == 0 || code[len - 1] != '\n')) rc = scout_buf_putc(out, '\n');
    for (size_t i = 0; i < fence && rc == SCOUT_OK; i++) rc = scout_buf_putc(out, '`');
    return rc == SCOUT_OK ? scout_buf_puts(out, "\n\n") : rc;
}

static size_t shown_rows(const scout_result *r)
{
    size_t n = scout_result_nrows(r);
    return n < REPORT_ROWS ? n : REPORT_ROWS;
}

static scout_rc md_result(scout_buf *out, const scout_result *r)
{
    size_t ncols = scout_result_ncols(r), rows = shown_rows(r);
    char cell[CELL_TEXT_MAX];
    scout_rc rc = scout_buf_puts(out, "## Result\n\n|");
    for (size_t c = 0; c < ncols && rc == SCOUT_OK; c++) {
        rc = scout_buf_putc(out, ' ');
        if (rc == SCOUT_OK) rc = md_text(out, scout_result_col_title(r, c), true);
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, " |");
    }
    if (rc == SCOUT_OK) rc = scout_buf_puts(out, "\n|");
    for (size_t c = 0; c < ncols && rc == SCOUT_OK; c++)
        rc = scout_buf_puts(out, scout_table_col_numeric(r, c) ? " ---: |" : " --- |");
    if (rc == SCOUT_OK) rc = scout_buf_putc(out, '\n');
    for (size_t i = 0; i < rows && rc == SCOUT_OK; i++) {
        rc = scout_buf_putc(out, '|');
        for (size_t c = 0; c < ncols && rc == SCOUT_OK; c++) {
            rc = scout_buf_putc(out, ' ');
            scout_table_cell_text(r, i, c, cell, sizeof cell);
            if (rc == SCOUT_OK) rc = md_text(out, cell, true);
            if (rc == SCOUT_OK) rc = scout_buf_puts(out, " |");
        }
        if (rc == SCOUT_OK) rc = scout_buf_putc(out, '\n');
    }
    char a[SCOUT_FMT_MAX], b[SCOUT_FMT_MAX];
    scout_fmt_int(b, sizeof b, (long long)scout_result_nrows(r));
    if (rc == SCOUT_OK && rows < scout_result_nrows(r))
        rc = scout_buf_printf(out, "\n_showing %s of %s rows_",
                              scout_fmt_int(a, sizeof a, (long long)rows), b);
    else if (rc == SCOUT_OK)
        rc = scout_buf_printf(out, "\n_%s row%s_", b, scout_result_nrows(r) == 1 ? "" : "s");
    if (rc == SCOUT_OK && scout_result_truncated(r))
        rc = scout_buf_puts(out, " _(stopped at the row/byte limit)_");
    return rc == SCOUT_OK ? scout_buf_puts(out, "\n\n") : rc;
}

static scout_rc md_lists(scout_buf *out, const scout_report *rep)
{
    scout_rc rc = SCOUT_OK;
    if (rep->n_assumptions) rc = scout_buf_puts(out, "## Assumptions\n\n");
    for (size_t i = 0; i < rep->n_assumptions && rc == SCOUT_OK; i++) {
        rc = scout_buf_puts(out, "- ");
        if (rc == SCOUT_OK) rc = md_text(out, rep->assumptions[i], true);
        if (rc == SCOUT_OK) rc = scout_buf_putc(out, '\n');
    }
    if (rc == SCOUT_OK && rep->n_assumptions) rc = scout_buf_putc(out, '\n');
    if (rc == SCOUT_OK && rep->n_tables) rc = scout_buf_puts(out, "## Tables used\n\n");
    for (size_t i = 0; i < rep->n_tables && rc == SCOUT_OK; i++) {
        rc = scout_buf_puts(out, "- **");
        if (rc == SCOUT_OK) rc = md_text(out, rep->tables[i].name, true);
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "**");
        if (rc == SCOUT_OK && rep->tables[i].why && *rep->tables[i].why) {
            rc = scout_buf_puts(out, " — ");
            if (rc == SCOUT_OK) rc = md_text(out, rep->tables[i].why, true);
        }
        if (rc == SCOUT_OK) rc = scout_buf_putc(out, '\n');
    }
    if (rc == SCOUT_OK && rep->n_tables) rc = scout_buf_putc(out, '\n');
    return rc;
}

static scout_rc md_provenance(scout_buf *out, const scout_report *rep)
{
    scout_rc rc = SCOUT_OK;
    if (rep->result_id) {
        rc = scout_buf_puts(out, "Result id: ");
        if (rc == SCOUT_OK) rc = md_text(out, rep->result_id, true);
        if (rc == SCOUT_OK && rep->result_link) {
            rc = scout_buf_puts(out, " (");
            if (rc == SCOUT_OK) rc = md_text(out, rep->result_link, true);
            if (rc == SCOUT_OK) rc = scout_buf_putc(out, ')');
        }
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "  \n");
    }
    if (rc == SCOUT_OK && rep->generated_at) {
        rc = scout_buf_puts(out, "Generated by scout: ");
        if (rc == SCOUT_OK) rc = md_text(out, rep->generated_at, true);
        if (rc == SCOUT_OK) rc = scout_buf_putc(out, '\n');
    }
    return rc;
}

/* The agent's sections: "## title" and the text, escaped like the answer. */
static scout_rc md_sections(scout_buf *out, const scout_report *rep)
{
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; rc == SCOUT_OK && i < rep->n_sections; i++) {
        const scout_report_section *s = &rep->sections[i];
        rc = scout_buf_puts(out, "## ");
        if (rc == SCOUT_OK) rc = md_text(out, s->title ? s->title : "", true);
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "\n\n");
        if (rc == SCOUT_OK) rc = md_text(out, s->text ? s->text : "", false);
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "\n\n");
    }
    return rc;
}

scout_rc scout_report_markdown(scout_buf *out, const scout_report *rep, scout_err *err)
{
    scout_chart_plan plan;
    json_t *spec = report_spec(rep, &plan);
    scout_buf chart = SCOUT_BUF_INIT;
    text_chart(rep, &plan, &chart);
    scout_rc rc = scout_buf_puts(out, "# ");
    if (rc == SCOUT_OK) rc = md_text(out, rep->question ? rep->question : "scout report", true);
    if (rc == SCOUT_OK) rc = scout_buf_puts(out, "\n\n");
    if (rc == SCOUT_OK && rep->answer) rc = md_text(out, rep->answer, false);
    if (rc == SCOUT_OK && rep->answer) rc = scout_buf_puts(out, "\n\n");
    if (rc == SCOUT_OK) rc = md_sections(out, rep);
    if (rc == SCOUT_OK && (spec || chart.len)) rc = scout_buf_puts(out, "## Chart\n\n");
    if (rc == SCOUT_OK && chart.len) rc = md_code(out, "text", scout_buf_cstr(&chart));
    char *js = spec ? json_dumps(spec, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    if (rc == SCOUT_OK && js) rc = md_code(out, "vega-lite", js);
    free(js);
    if (rc == SCOUT_OK && rep->sql) rc = scout_buf_puts(out, "## SQL\n\n");
    if (rc == SCOUT_OK && rep->sql) rc = md_code(out, "sql", rep->sql);
    if (rc == SCOUT_OK && rep->result) rc = md_result(out, rep->result);
    if (rc == SCOUT_OK) rc = md_lists(out, rep);
    if (rc == SCOUT_OK) rc = md_provenance(out, rep);
    scout_buf_free(&chart);
    json_decref(spec);
    if (rc != SCOUT_OK) return scout_err_set(err, rc, "markdown report is too large");
    return SCOUT_OK;
}

/* ---- HTML -------------------------------------------------------------- */

/* Escapes text for HTML element content and quoted attributes. Control
 * characters other than newline and tab become spaces. */
static scout_rc html_text(scout_buf *out, const char *s)
{
    scout_rc rc = SCOUT_OK;
    for (const char *p = s ? s : ""; *p && rc == SCOUT_OK; p++) {
        unsigned char ch = (unsigned char)*p;
        switch (*p) {
        case '&':
            rc = scout_buf_puts(out, "&amp;");
            break;
        case '<':
            rc = scout_buf_puts(out, "&lt;");
            break;
        case '>':
            rc = scout_buf_puts(out, "&gt;");
            break;
        case '"':
            rc = scout_buf_puts(out, "&quot;");
            break;
        case '\'':
            rc = scout_buf_puts(out, "&#39;");
            break;
        default:
            rc = scout_buf_putc(out,
                                (ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ? ' ' : *p);
        }
    }
    return rc;
}

/* JSON inside <script type="application/json">: '<', '>' and '&' become
 * \u escapes (they can only occur inside JSON strings), so no "</script>"
 * or "<!--" in the data can end or confuse the script element. */
static scout_rc html_json(scout_buf *out, const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    if (!s) return SCOUT_ENOMEM;
    scout_rc rc = SCOUT_OK;
    for (const char *p = s; *p && rc == SCOUT_OK; p++) {
        if (*p == '<')
            rc = scout_buf_puts(out, "\\u003c");
        else if (*p == '>')
            rc = scout_buf_puts(out, "\\u003e");
        else if (*p == '&')
            rc = scout_buf_puts(out, "\\u0026");
        else
            rc = scout_buf_putc(out, *p);
    }
    free(s);
    return rc;
}

static const char css[] =
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;"
    "max-width:980px;margin:2rem auto;padding:0 1rem;background:#fff}"
    "h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem;"
    "border-bottom:1px solid #e3e6ec;padding-bottom:.25rem}"
    ".answer{font-size:1.1rem;background:#f5f7fb;border-left:4px solid #3b6fd8;padding:.75rem 1rem}"
    ".meta,.note{color:#5b6475;font-size:.9rem}.note{background:#fff7e0;padding:.5rem .75rem}"
    "pre{background:#f6f8fa;padding:.75rem;overflow:auto;font:13px/1.4 ui-monospace,monospace}"
    "table{border-collapse:collapse;font-size:.9rem}th,td{padding:.3rem .7rem;"
    "border-bottom:1px solid #e3e6ec;text-align:left;vertical-align:top}"
    "th{background:#f5f7fb}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "#chart{min-height:40px}";

/* Reads the three minified scripts. false when any is missing, too large, or
 * holds a sequence that would end or confuse an inline script element. */
static bool read_assets(const char *dir, scout_buf *js, char *why, size_t why_n)
{
    scout_buf one = SCOUT_BUF_INIT;
    scout_buf_init(&one, ASSET_MAX);
    bool ok = dir != NULL;
    if (!ok) snprintf(why, why_n, "the vega, vega-lite and vega-embed packages were not found");
    for (size_t i = 0; ok && i < N_ASSETS; i++) {
        char *p = scout_path_join(dir, asset_files[i]);
        ok = p && scout_buf_read_file(&one, p, NULL) == SCOUT_OK;
        if (!ok) snprintf(why, why_n, "%s could not be read", asset_files[i]);
        const char *s = scout_buf_cstr(&one);
        for (const char *q = s; ok && (q = strchr(q, '<')) != NULL; q++)
            if (strncasecmp(q, "</script", 8) == 0 || strncmp(q, "<!--", 4) == 0) {
                ok = false;
                snprintf(why, why_n, "%s cannot be inlined safely", asset_files[i]);
            }
        if (ok) ok = scout_buf_printf(js, "<script>\n%s\n</script>\n", s) == SCOUT_OK;
        free(p);
    }
    scout_buf_free(&one);
    return ok;
}

/* Only links that cannot run code get an href. */
static bool safe_href(const char *link)
{
    if (strncasecmp(link, "https://", 8) == 0 || strncasecmp(link, "http://", 7) == 0 ||
        strncasecmp(link, "file:", 5) == 0)
        return true;
    size_t scheme = strcspn(link, ":/?#");
    return link[scheme] != ':'; /* a relative path or an absolute path */
}

static scout_rc html_result(scout_buf *out, const scout_result *r)
{
    size_t ncols = scout_result_ncols(r), rows = shown_rows(r);
    char cell[CELL_TEXT_MAX];
    scout_rc rc = scout_buf_puts(out, "<h2>Result</h2>\n<table>\n<thead><tr>");
    for (size_t c = 0; c < ncols && rc == SCOUT_OK; c++) {
        rc = scout_buf_puts(out, scout_table_col_numeric(r, c) ? "<th class=\"num\">" : "<th>");
        if (rc == SCOUT_OK) rc = html_text(out, scout_result_col_title(r, c));
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</th>");
    }
    if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < rows && rc == SCOUT_OK; i++) {
        rc = scout_buf_puts(out, "<tr>");
        for (size_t c = 0; c < ncols && rc == SCOUT_OK; c++) {
            rc = scout_buf_puts(out, scout_table_col_numeric(r, c) ? "<td class=\"num\">" : "<td>");
            scout_table_cell_text(r, i, c, cell, sizeof cell);
            if (rc == SCOUT_OK) rc = html_text(out, cell);
            if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</td>");
        }
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</tr>\n");
    }
    char a[SCOUT_FMT_MAX], b[SCOUT_FMT_MAX];
    scout_fmt_int(b, sizeof b, (long long)scout_result_nrows(r));
    if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</tbody>\n</table>\n<p class=\"meta\">");
    if (rc == SCOUT_OK && rows < scout_result_nrows(r))
        rc = scout_buf_printf(out, "showing %s of %s rows",
                              scout_fmt_int(a, sizeof a, (long long)rows), b);
    else if (rc == SCOUT_OK)
        rc = scout_buf_printf(out, "%s row%s", b, scout_result_nrows(r) == 1 ? "" : "s");
    if (rc == SCOUT_OK && scout_result_truncated(r))
        rc = scout_buf_puts(out, " (stopped at the row/byte limit)");
    return rc == SCOUT_OK ? scout_buf_puts(out, "</p>\n") : rc;
}

static scout_rc html_lists(scout_buf *out, const scout_report *rep)
{
    scout_rc rc = SCOUT_OK;
    if (rep->n_assumptions) rc = scout_buf_puts(out, "<h2>Assumptions</h2>\n<ul>\n");
    for (size_t i = 0; i < rep->n_assumptions && rc == SCOUT_OK; i++) {
        rc = scout_buf_puts(out, "<li>");
        if (rc == SCOUT_OK) rc = html_text(out, rep->assumptions[i]);
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</li>\n");
    }
    if (rc == SCOUT_OK && rep->n_assumptions) rc = scout_buf_puts(out, "</ul>\n");
    if (rc == SCOUT_OK && rep->n_tables) rc = scout_buf_puts(out, "<h2>Tables used</h2>\n<ul>\n");
    for (size_t i = 0; i < rep->n_tables && rc == SCOUT_OK; i++) {
        rc = scout_buf_puts(out, "<li><code>");
        if (rc == SCOUT_OK) rc = html_text(out, rep->tables[i].name);
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</code>");
        if (rc == SCOUT_OK && rep->tables[i].why && *rep->tables[i].why) {
            rc = scout_buf_puts(out, " — ");
            if (rc == SCOUT_OK) rc = html_text(out, rep->tables[i].why);
        }
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</li>\n");
    }
    if (rc == SCOUT_OK && rep->n_tables) rc = scout_buf_puts(out, "</ul>\n");
    return rc;
}

static scout_rc html_provenance(scout_buf *out, const scout_report *rep)
{
    if (!rep->result_id && !rep->generated_at) return SCOUT_OK;
    scout_rc rc = scout_buf_puts(out, "<p class=\"meta\">");
    if (rc == SCOUT_OK && rep->result_id) {
        rc = scout_buf_puts(out, "Result id: <code>");
        if (rc == SCOUT_OK) rc = html_text(out, rep->result_id);
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</code>");
        if (rc == SCOUT_OK && rep->result_link && safe_href(rep->result_link)) {
            rc = scout_buf_puts(out, " · <a href=\"");
            if (rc == SCOUT_OK) rc = html_text(out, rep->result_link);
            if (rc == SCOUT_OK) rc = scout_buf_puts(out, "\">stored result</a>");
        }
        if (rc == SCOUT_OK && rep->generated_at) rc = scout_buf_puts(out, " · ");
    }
    if (rc == SCOUT_OK && rep->generated_at) {
        rc = scout_buf_puts(out, "generated by scout ");
        if (rc == SCOUT_OK) rc = html_text(out, rep->generated_at);
    }
    return rc == SCOUT_OK ? scout_buf_puts(out, "</p>\n") : rc;
}

/* The chart section: a mount point for vega-embed plus the text chart,
 * which is the only chart when the scripts are missing. */
static scout_rc html_chart(scout_buf *out, const json_t *spec, const scout_buf *chart, bool inlined,
                           const char *why)
{
    scout_rc rc = scout_buf_puts(out, "<h2>Chart</h2>\n");
    if (rc == SCOUT_OK && inlined) rc = scout_buf_puts(out, "<div id=\"chart\"></div>\n");
    if (rc == SCOUT_OK && !inlined) {
        rc = scout_buf_puts(out, "<p class=\"note\">The interactive chart is not embedded: ");
        if (rc == SCOUT_OK) rc = html_text(out, why);
        if (rc == SCOUT_OK)
            rc = scout_buf_puts(out, ". Run scripts/setup (it installs them with npm) or set "
                                     "SCOUT_ASSETS to a node_modules directory, then write the "
                                     "report again. A text chart and the Vega-Lite spec follow."
                                     "</p>\n");
    }
    if (rc == SCOUT_OK && chart->len) {
        rc = scout_buf_puts(out,
                            inlined ? "<details><summary>Text chart</summary>\n<pre>" : "<pre>");
        if (rc == SCOUT_OK) rc = html_text(out, scout_buf_cstr(chart));
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, inlined ? "</pre></details>\n" : "</pre>\n");
    }
    char *pretty = json_dumps(spec, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (rc == SCOUT_OK && pretty)
        rc = scout_buf_puts(out, "<details><summary>Vega-Lite spec</summary>\n<pre>");
    if (rc == SCOUT_OK && pretty) rc = html_text(out, pretty);
    if (rc == SCOUT_OK && pretty) rc = scout_buf_puts(out, "</pre></details>\n");
    free(pretty);
    return rc;
}

static const char embed_js[] =
    "<script>\n(function () {\n"
    "  var spec = JSON.parse(document.getElementById('scout-spec').textContent);\n"
    "  vegaEmbed('#chart', spec, {actions: false, renderer: 'svg'}).catch(function (e) {\n"
    "    document.getElementById('chart').textContent = 'chart failed: ' + e.message;\n"
    "  });\n})();\n</script>\n";

static scout_rc html_head(scout_buf *out, const scout_report *rep)
{
    /* The policy forbids every network fetch: the page works offline or not at all.
     * Vega compiles expressions with Function(), hence 'unsafe-eval'. */
    scout_rc rc = scout_buf_puts(
        out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
             "img-src data:; font-src data:\">\n<title>");
    if (rc == SCOUT_OK) rc = html_text(out, rep->question ? rep->question : "scout report");
    if (rc == SCOUT_OK)
        rc = scout_buf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    if (rc == SCOUT_OK) rc = html_text(out, rep->question ? rep->question : "scout report");
    if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</h1>\n");
    if (rc == SCOUT_OK && rep->answer) {
        rc = scout_buf_puts(out, "<div class=\"answer\">");
        /* Line breaks in the answer are kept: pre-line styling, not <br> injection. */
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "<p style=\"white-space:pre-line;margin:0\">");
        if (rc == SCOUT_OK) rc = html_text(out, rep->answer);
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</p></div>\n");
    }
    for (size_t i = 0; rc == SCOUT_OK && i < rep->n_sections; i++) {
        const scout_report_section *s = &rep->sections[i];
        rc = scout_buf_puts(out, "<h2>");
        if (rc == SCOUT_OK) rc = html_text(out, s->title ? s->title : "");
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</h2>\n<p style=\"white-space:pre-line\">");
        if (rc == SCOUT_OK) rc = html_text(out, s->text ? s->text : "");
        if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</p>\n");
    }
    return rc;
}

scout_rc scout_report_html(scout_buf *out, const scout_report *rep, const char *assets_dir,
                           bool *inlined, scout_err *err)
{
    scout_chart_plan plan;
    json_t *spec = report_spec(rep, &plan);
    scout_buf chart = SCOUT_BUF_INIT, js = SCOUT_BUF_INIT;
    scout_buf_init(&js, 4 * ASSET_MAX);
    text_chart(rep, &plan, &chart);
    char *found = assets_dir ? NULL : scout_report_find_assets();
    char why[256] = "";
    bool have_js = spec && read_assets(assets_dir ? assets_dir : found, &js, why, sizeof why);
    free(found);
    scout_rc rc = html_head(out, rep);
    if (rc == SCOUT_OK && spec) rc = html_chart(out, spec, &chart, have_js, why);
    if (rc == SCOUT_OK && rep->result) rc = html_result(out, rep->result);
    if (rc == SCOUT_OK && rep->sql) rc = scout_buf_puts(out, "<h2>SQL</h2>\n<pre><code>");
    if (rc == SCOUT_OK && rep->sql) rc = html_text(out, rep->sql);
    if (rc == SCOUT_OK && rep->sql) rc = scout_buf_puts(out, "</code></pre>\n");
    if (rc == SCOUT_OK) rc = html_lists(out, rep);
    if (rc == SCOUT_OK) rc = html_provenance(out, rep);
    if (rc == SCOUT_OK && spec)
        rc = scout_buf_puts(out, "<script type=\"application/json\" id=\"scout-spec\">");
    if (rc == SCOUT_OK && spec) rc = html_json(out, spec);
    if (rc == SCOUT_OK && spec) rc = scout_buf_puts(out, "</script>\n");
    if (rc == SCOUT_OK && have_js) rc = scout_buf_append(out, js.data, js.len);
    if (rc == SCOUT_OK && have_js) rc = scout_buf_puts(out, embed_js);
    if (rc == SCOUT_OK) rc = scout_buf_puts(out, "</body>\n</html>\n");
    if (inlined) *inlined = have_js;
    scout_buf_free(&chart);
    scout_buf_free(&js);
    json_decref(spec);
    if (rc != SCOUT_OK) return scout_err_set(err, rc, "html report is too large");
    return SCOUT_OK;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

scout_rc scout_report_write(const char *path, const scout_report *rep,
                            const scout_report_opts *opts, scout_err *err)
{
    bool md = ends_with_ci(path, ".md") || ends_with_ci(path, ".markdown");
    bool html = ends_with_ci(path, ".html") || ends_with_ci(path, ".htm");
    if (!md && !html)
        return scout_err_set(err, SCOUT_EUSER, "report path must end in .md or .html: %s", path);
    scout_buf out;
    scout_buf_init(&out, REPORT_MAX);
    scout_rc rc = md ? scout_report_markdown(&out, rep, err)
                     : scout_report_html(&out, rep, opts ? opts->assets_dir : NULL, NULL, err);
    if (rc == SCOUT_OK) rc = scout_write_file_atomic(path, out.data ? out.data : "", out.len, err);
    scout_buf_free(&out);
    return rc;
}
