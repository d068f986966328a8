/* table — a result as an aligned terminal table: numbers right-aligned with
 * thousands separators and units, long cells cut with "…", columns shrunk to
 * the terminal width, a row-count footer. Control characters in data never
 * reach the terminal (a cell cannot smuggle escape sequences). */
#ifndef SCOUT_RENDER_TABLE_H
#define SCOUT_RENDER_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "render/result.h"

typedef struct scout_table_opts {
    int width;       /* total width in terminal cells (<= 0: 80) */
    bool color;      /* bold header, dim footer; false = no ANSI escapes at all */
    size_t max_rows; /* rows shown before "showing N of M" (0: 50) */
    size_t max_cell; /* widest a column may be (0: 40) */
} scout_table_opts;

/* Appends the table for r to out (caller owns out). SCOUT_ELIMIT when out is
 * full. An empty result renders its header and "0 rows". */
scout_rc scout_table_render(scout_buf *out, const scout_result *r, const scout_table_opts *o,
                            scout_err *err);

/* Formats cell (row, col) for display into dst: measures with separators and
 * their unit, deltas signed, dimensions and time as written (a year stays
 * "2025"), NULL as "" and control characters as spaces. Returns dst. Shared
 * by the terminal table and the reports. */
const char *scout_table_cell_text(const scout_result *r, size_t row, size_t col, char *dst,
                                  size_t n);

/* True when the column holds numbers that are right-aligned. */
bool scout_table_col_numeric(const scout_result *r, size_t col);

#endif
