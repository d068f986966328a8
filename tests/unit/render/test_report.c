/* Reports: the HTML page is self-contained (scripts inlined from the npm
 * packages, no remote src/href), hostile text in the question, answer or
 * cells cannot inject markup, the page degrades clearly without the assets;
 * the Markdown report has every part; files are written whole. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "render/report.h"
#include "shapes.h"

static const char *const assumptions[] = {
    "last quarter = 2026-07-01..2026-09-30, the latest full quarter in the data",
    "revenue excludes refunds"};
static const scout_report_table tables[] = {
    {"finance.revenue_daily", "canonical revenue table (source of truth)"},
    {"dim.regions", "maps countries to regions"}};

static scout_report base_report(scout_result *r, const char *question, const char *answer)
{
    scout_report rep = {0};
    rep.question = question;
    rep.answer = answer;
    rep.sql = "SELECT region, SUM(amount) AS revenue\nFROM finance.revenue_daily\nGROUP BY 1";
    rep.tables = tables;
    rep.n_tables = 2;
    rep.assumptions = assumptions;
    rep.n_assumptions = 2;
    rep.result = r;
    rep.result_id = "r_20261001_abc123";
    rep.result_link = "results/r_20261001_abc123.json";
    return rep;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

static char *html(const scout_report *rep, const char *assets, bool *inlined)
{
    scout_buf out = SCOUT_BUF_INIT;
    cr_assert_eq(scout_report_html(&out, rep, assets, inlined, NULL), SCOUT_OK);
    return scout_buf_take(&out);
}

Test(render_report, html_is_self_contained_with_inlined_vega_embed)
{
    char *assets = repo_path("node_modules");
    cr_assert(access(assets, R_OK) == 0, "node_modules missing: run scripts/setup");
    scout_result *r = shape_bar();
    scout_report rep = base_report(r, "Revenue by region last quarter?", "EMEA made $1.2M.");
    bool inlined = false;
    char *h = html(&rep, assets, &inlined);
    cr_assert(inlined);
    cr_assert_null(strstr(h, "<script src"), "no external scripts");
    cr_assert_null(strstr(h, "src=\"http"));
    cr_assert_null(strstr(h, "href=\"http"));
    cr_assert_null(strstr(h, "<link"), "no external stylesheets");
    cr_assert_not_null(strstr(h, "vegaEmbed('#chart'"), "embeds the chart");
    cr_assert_not_null(strstr(h, ".vegaEmbed="), "vega-embed's own code is inlined");
    cr_assert_not_null(strstr(h, "vegaLite"), "vega-lite is inlined");
    cr_assert_not_null(strstr(h, "Content-Security-Policy"), "network fetches are forbidden");
    cr_assert_not_null(strstr(h, "$3,400,000.25"), "result table");
    cr_assert_not_null(strstr(h, "FROM finance.revenue_daily"), "sql");
    cr_assert_not_null(strstr(h, "latest full quarter"), "assumptions");
    cr_assert_not_null(strstr(h, "maps countries to regions"), "tables and why");
    cr_assert_not_null(strstr(h, "r_20261001_abc123"), "result id");
    free(h);
    free(assets);
    scout_result_free(r);
}

Test(render_report, hostile_text_cannot_inject_markup)
{
    char *assets = repo_path("node_modules");
    scout_result *r = shape_bar(); /* one region is named "... <script>)" */
    scout_report calm = base_report(r, "Revenue by region?", "fine");
    char *baseline = html(&calm, assets, NULL);
    scout_result_col c[] = {COL("region", DIMENSION, TEXT, NONE),
                            COL("revenue", MEASURE, REAL, CURRENCY)};
    scout_result *evil = shape_new(c, 2);
    ROW(evil, VS("<img src=x onerror=alert(2)>"), VD(1));
    ROW(evil, VS("</script><script>alert(3)</script>"), VD(2));
    ROW(evil, VS("<!--"), VD(3));
    ROW(evil, VS("EMEA"), VD(4));
    ROW(evil, VS("APAC"), VD(5));
    scout_report rep = base_report(evil, "</script><script>alert(1)</script>",
                                   "<b onclick=x>bold</b> & \"quoted\"");
    rep.sql = "SELECT '</script><script>alert(4)</script>'";
    const char *bad_assumption[] = {"<iframe src=javascript:alert(5)>"};
    rep.assumptions = bad_assumption;
    rep.n_assumptions = 1;
    scout_report_table bad_table = {"t<script>", "why <style>body{display:none}</style>"};
    rep.tables = &bad_table;
    rep.n_tables = 1;
    rep.result_link = "javascript:alert(6)";
    char *h = html(&rep, assets, NULL);
    cr_assert_null(strstr(h, "alert(1)</script>"));
    cr_assert_null(strstr(h, "<script>alert"));
    cr_assert_null(strstr(h, "<img src=x"));
    cr_assert_null(strstr(h, "<iframe src"));
    cr_assert_null(strstr(h, "<b onclick"));
    cr_assert_null(strstr(h, "<style>body{display"));
    cr_assert_null(strstr(h, "href=\"javascript:"), "unsafe links get no href");
    cr_assert_not_null(strstr(h, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    cr_assert_eq(count(h, "<script"), count(baseline, "<script"), "no extra script element");
    cr_assert_eq(count(h, "</script>"), count(baseline, "</script>"));
    cr_assert_eq(count(h, "<!--"), count(baseline, "<!--"));
    free(h);
    free(baseline);
    free(assets);
    scout_result_free(evil);
    scout_result_free(r);
}

Test(render_report, html_without_assets_still_shows_everything_and_says_why)
{
    scout_result *r = shape_line();
    scout_report rep = base_report(r, "Revenue by month?", "Up 12% over the year.");
    bool inlined = true;
    char *h = html(&rep, "/nonexistent/node_modules", &inlined);
    cr_assert_not(inlined);
    cr_assert_not_null(strstr(h, "not embedded"), "says the chart needs the assets");
    cr_assert_not_null(strstr(h, "SCOUT_ASSETS"), "says how to fix it");
    cr_assert_not_null(strstr(h, "┤"), "a text chart stands in");
    cr_assert_not_null(strstr(h, "2025-12-01"), "result table");
    cr_assert_not_null(strstr(h, "GROUP BY 1"), "sql");
    cr_assert_eq(count(h, "<script"), 1, "only the spec's data block");
    cr_assert_null(strstr(h, "vegaEmbed("));
    free(h);
    scout_result_free(r);
}

Test(render_report, markdown_has_every_part_and_escapes_text)
{
    scout_result *r = shape_bar();
    scout_report rep = base_report(r, "Revenue | by <b>region</b>?", "EMEA made *$1.2M*.");
    scout_buf out = SCOUT_BUF_INIT;
    cr_assert_eq(scout_report_markdown(&out, &rep, NULL), SCOUT_OK);
    const char *md = scout_buf_cstr(&out);
    const char *head = "# Revenue \\| by \\<b\\>region\\</b\\>?\n";
    cr_assert(strncmp(md, head, strlen(head)) == 0, "%s", md);
    cr_assert_not_null(strstr(md, "EMEA made \\*$1.2M\\*."), "%s", md);
    cr_assert_not_null(strstr(md, "```vega-lite\n{"), "%s", md);
    cr_assert_not_null(
        strstr(md, "\"$schema\": \"https://vega.github.io/schema/vega-lite/v5.json\""));
    cr_assert_not_null(strstr(md, "```text\n"), "a text chart");
    cr_assert_not_null(strstr(md, "█"), "the text chart draws bars");
    cr_assert_not_null(strstr(md, "```sql\nSELECT region"), "%s", md);
    cr_assert_not_null(strstr(md, "| region | revenue |\n| --- | ---: |"), "%s", md);
    cr_assert_not_null(strstr(md, "| EMEA | $1,200,000.50 |"), "%s", md);
    cr_assert_not_null(strstr(md, "(incl. \\<script\\>)"), "cells escaped: %s", md);
    cr_assert_not_null(strstr(md, "## Assumptions\n\n- last quarter"), "%s", md);
    cr_assert_not_null(strstr(md, "- **finance.revenue\\_daily** — canonical"), "%s", md);
    cr_assert_not_null(strstr(md, "r\\_20261001\\_abc123"), "%s", md);
    scout_buf_free(&out);
    scout_result_free(r);
}

Test(render_report, sql_with_backticks_gets_a_longer_fence)
{
    scout_report rep = {0};
    rep.question = "q";
    rep.sql = "SELECT `a` FROM t -- ``` not the end";
    scout_buf out = SCOUT_BUF_INIT;
    cr_assert_eq(scout_report_markdown(&out, &rep, NULL), SCOUT_OK);
    cr_assert_not_null(strstr(scout_buf_cstr(&out), "````sql\n"), "%s", scout_buf_cstr(&out));
    scout_buf_free(&out);
}

Test(render_report, write_picks_the_format_from_the_extension)
{
    char dir[] = "/tmp/scout-report-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    scout_result *r = shape_kpi();
    scout_report rep = base_report(r, "Total revenue?", "$1.2M");
    char path[256];
    scout_buf b = SCOUT_BUF_INIT;
    snprintf(path, sizeof path, "%s/out.md", dir);
    cr_assert_eq(scout_report_write(path, &rep, NULL, NULL), SCOUT_OK);
    cr_assert_eq(scout_buf_read_file(&b, path, NULL), SCOUT_OK);
    cr_assert(strncmp(scout_buf_cstr(&b), "# Total revenue?", 16) == 0);
    snprintf(path, sizeof path, "%s/out.HTML", dir);
    scout_report_opts o = {"/nonexistent"};
    cr_assert_eq(scout_report_write(path, &rep, &o, NULL), SCOUT_OK);
    cr_assert_eq(scout_buf_read_file(&b, path, NULL), SCOUT_OK);
    cr_assert(strncmp(scout_buf_cstr(&b), "<!DOCTYPE html>", 15) == 0);
    snprintf(path, sizeof path, "%s/out.pdf", dir);
    scout_err err = {0};
    cr_assert_eq(scout_report_write(path, &rep, NULL, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, ".md or .html") != NULL, "%s", err.msg);
    cr_assert_not(access(path, F_OK) == 0, "nothing written");
    scout_buf_free(&b);
    scout_result_free(r);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    cr_assert_eq(system(path), 0);
}

Test(render_report, assets_are_found_through_scout_assets)
{
    char *modules = repo_path("node_modules");
    char *parent = repo_path("");
    setenv("SCOUT_ASSETS", parent, 1); /* a directory that contains node_modules */
    char *found = scout_report_find_assets();
    cr_assert_not_null(found);
    cr_assert_not_null(strstr(found, "node_modules"), "%s", found);
    free(found);
    setenv("SCOUT_ASSETS", modules, 1); /* the node_modules directory itself */
    found = scout_report_find_assets();
    cr_assert_not_null(found);
    free(found);
    unsetenv("SCOUT_ASSETS");
    free(modules);
    free(parent);
}

Test(render_report, agent_sections_follow_the_answer_escaped_in_both_formats)
{
    scout_result *r = shape_bar();
    scout_report rep = base_report(r, "Revenue by region", "EMEA leads.");
    scout_report_section secs[] = {{"Why EMEA <leads>", "Two deals *closed* in March."},
                                   {"Caveats", "Refunds are net."}};
    rep.sections = secs;
    rep.n_sections = 2;
    scout_buf out = SCOUT_BUF_INIT;
    cr_assert_eq(scout_report_markdown(&out, &rep, NULL), SCOUT_OK);
    const char *md = scout_buf_cstr(&out);
    const char *s1 = strstr(md, "## Why EMEA \\<leads\\>\n\nTwo deals \\*closed\\* in March.");
    const char *s2 = strstr(md, "## Caveats\n\nRefunds are net.");
    cr_assert(s1 && s2 && s1 < s2, "both sections, in order: %s", md);
    cr_assert(strstr(md, "EMEA leads.") < s1 && s2 < strstr(md, "## SQL"), "after the answer");
    scout_buf_reset(&out);
    cr_assert_eq(scout_report_html(&out, &rep, "/nonexistent", NULL, NULL), SCOUT_OK);
    const char *html = scout_buf_cstr(&out);
    cr_assert_not_null(strstr(html, "<h2>Why EMEA &lt;leads&gt;</h2>"), "%s", html);
    cr_assert_null(strstr(html, "<leads>"), "no markup from the model");
    cr_assert_not_null(strstr(html, "Refunds are net."));
    scout_buf_free(&out);
    scout_result_free(r);
}
