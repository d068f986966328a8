/* format — the one place numbers become text for people: thousands
 * separators, currency with K/M/B, percentages, milliseconds, signed deltas.
 * The terminal table, the terminal charts, the answer text and the reports all
 * call these, so "$1.2M" reads the same everywhere. Also the small terminal
 * facts every renderer needs: its width and whether colour is allowed. */
#ifndef SCOUT_RENDER_FORMAT_H
#define SCOUT_RENDER_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

/* What a number measures. Percentages are fractions (0.123 means 12.3 %),
 * the same convention as Vega-Lite's "%" format, so one value feeds both. */
typedef enum {
    SCOUT_UNIT_NONE = 0,  /* a plain quantity: 1,234,567 */
    SCOUT_UNIT_CURRENCY,  /* money in the warehouse's currency, shown as $ */
    SCOUT_UNIT_PCT,       /* a fraction shown as a percentage */
    SCOUT_UNIT_MS,        /* a duration in milliseconds */
    SCOUT_UNIT_PCT_POINTS /* already a percentage (12.3 means 12.3 %): a % change */
} scout_unit;

/* Parses a unit word as the planner or curated YAML writes it ("currency",
 * "usd", "$", "percent", "pct", "%", "ms", "milliseconds"); unknown or NULL
 * words give SCOUT_UNIT_NONE. */
scout_unit scout_unit_parse(const char *word);

/* The canonical word for a unit ("none", "currency", "pct", "ms"). Static. */
const char *scout_unit_name(scout_unit unit);

/* The buffer size that every formatter below fits in. */
#define SCOUT_FMT_MAX 48

/* Formats v for a person into dst (always NUL-terminated, truncated to n).
 * compact=false keeps full precision with separators ("$1,234,567.89",
 * "12.34%", "1,234 ms", "1,234,567"); compact=true abbreviates for narrow
 * places ("$1.2M", "12.3%", "1.2 s", "1.2M"). Non-finite values print "n/a".
 * Returns dst so it can be used inline. */
const char *scout_fmt_number(char *dst, size_t n, double v, scout_unit unit, bool compact);

/* Formats an integer with thousands separators ("-1,234,567"). Returns dst. */
const char *scout_fmt_int(char *dst, size_t n, long long v);

/* Formats a change with an explicit sign ("+12.3%", "-$1.2K", "+340 ms");
 * pct changes are fractions like every other percentage. Returns dst. */
const char *scout_fmt_delta(char *dst, size_t n, double v, scout_unit unit);

/* The d3-format string Vega-Lite uses for an axis (compact) or a tooltip
 * (full) of this unit: "$,.3~s" / "$,.2f", ".1%", ",.0f". Static. */
const char *scout_fmt_d3(scout_unit unit, bool compact);

/* Display width of UTF-8 text in terminal cells (one per code point; wide
 * East Asian characters are counted as one, an accepted approximation). */
size_t scout_fmt_width(const char *s, size_t len);

/* The byte length of the longest prefix of s (len bytes) that fits in width
 * cells without splitting a UTF-8 sequence. */
size_t scout_fmt_fit(const char *s, size_t len, size_t width);

/* Terminal width for output on fd: $COLUMNS when it is a sane number, else
 * the tty's size (ioctl), else 80. Clamped to 20..1000. */
int scout_term_width(int fd);

/* Whether ANSI colour may be written to fd: never when NO_COLOR is set (to
 * anything non-empty, per no-color.org), TERM=dumb, or fd is not a tty. */
bool scout_term_color(int fd);

#endif
