/* document.c — front matter, HTML-to-text and heading-aware chunking of one
 * knowledge document (see document.h). */
#include "catalog/document.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "base/fsutil.h"
#include "catalog/catalog.h"

#define DOC_MAX_BYTES ((size_t)32 << 20) /* a bigger document is refused, not chunked */
#define PATH_SEP      " \xe2\x80\xba "   /* " › " between heading levels */

/* ---------- names ---------- */

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

bool scout_document_supported(const char *name)
{
    return ends_with_ci(name, ".md") || ends_with_ci(name, ".markdown") ||
           ends_with_ci(name, ".html") || ends_with_ci(name, ".htm");
}

/* Length of name without its extension. */
static size_t stem_len(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name ? (size_t)(dot - name) : strlen(name);
}

/* True when the stem ends in " " + 32 hex digits, Notion's page id. */
static bool has_notion_id(const char *name, size_t stem)
{
    if (stem < 33 || name[stem - 33] != ' ') return false;
    for (size_t i = stem - 32; i < stem; i++)
        if (!isxdigit((unsigned char)name[i])) return false;
    return true;
}

scout_document_kind scout_document_kind_of(const char *name)
{
    if (ends_with_ci(name, ".html") || ends_with_ci(name, ".htm")) return SCOUT_DOCUMENT_GDOC;
    return has_notion_id(name, stem_len(name)) ? SCOUT_DOCUMENT_NOTION : SCOUT_DOCUMENT_MARKDOWN;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *scout_document_notion_title(const char *name)
{
    size_t n = stem_len(name);
    if (has_notion_id(name, n)) n -= 33;
    return dup_n(name, n);
}

scout_rc scout_document_slug(const char *heading, scout_buf *out)
{
    scout_rc rc = SCOUT_OK;
    for (const unsigned char *p = (const unsigned char *)heading; *p && !rc; p++) {
        if (*p >= 0x80 || isalnum(*p) || *p == '_' || *p == '-')
            rc = scout_buf_putc(out, (char)(*p >= 0x80 ? *p : tolower(*p)));
        else if (*p == ' ')
            rc = scout_buf_putc(out, '-');
    }
    return rc;
}

/* ---------- HTML to text ---------- */

typedef struct html_out {
    scout_buf *out;
    int pending_nl;     /* newlines owed before the next text */
    bool space_pending; /* collapsed whitespace owed before the next text */
    bool line_start;
    scout_rc rc;
} html_out;

static void ho_break(html_out *h, int n)
{
    if (n > h->pending_nl) h->pending_nl = n;
    h->space_pending = false;
}

static void ho_flush_breaks(html_out *h)
{
    if (h->pending_nl && h->out->len) {
        for (int i = 0; i < h->pending_nl && !h->rc; i++) h->rc = scout_buf_putc(h->out, '\n');
        h->line_start = true;
    }
    h->pending_nl = 0;
}

/* Text bytes: whitespace runs collapse to one space, never at a line start. */
static void ho_text(html_out *h, const char *p, size_t n)
{
    for (size_t i = 0; i < n && !h->rc; i++) {
        if (isspace((unsigned char)p[i])) {
            if (!h->line_start && !h->pending_nl) h->space_pending = true;
            continue;
        }
        ho_flush_breaks(h);
        if (h->space_pending && !h->line_start) h->rc = scout_buf_putc(h->out, ' ');
        h->space_pending = false;
        if (!h->rc) h->rc = scout_buf_putc(h->out, p[i]);
        h->line_start = false;
    }
}

/* Markup the converter itself writes ("## ", "- "): never collapsed. */
static void ho_raw(html_out *h, const char *s)
{
    ho_flush_breaks(h);
    if (!h->out->len || h->out->data[h->out->len - 1] != '\n') {
        if (!h->rc && h->out->len) h->rc = scout_buf_putc(h->out, '\n');
    }
    if (!h->rc) h->rc = scout_buf_puts(h->out, s);
    h->line_start = true;
    h->space_pending = false;
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF) cp = 0xFFFD;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static const struct {
    const char *name;
    uint32_t cp;
} ENTITIES[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", ' '},     {"mdash", 0x2014}, {"ndash", 0x2013}, {"hellip", 0x2026}, {"rsquo", 0x2019},
    {"lsquo", 0x2018}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"copy", 0xA9},     {"middot", 0xB7},
    {"bull", 0x2022},  {"rarr", 0x2192},  {"times", 0xD7},   {"eacute", 0xE9},   {"egrave", 0xE8},
    {"auml", 0xE4},    {"ouml", 0xF6},    {"uuml", 0xFC},    {"szlig", 0xDF},
};

/* Decodes the entity at p ("&...;"); returns the bytes consumed (0 = not an
 * entity, emit '&' literally) and the UTF-8 bytes in out/n. */
static size_t decode_entity(const char *p, const char *end, char out[4], size_t *n)
{
    const char *semi = memchr(p, ';', (size_t)(end - p) < 12 ? (size_t)(end - p) : 12);
    if (!semi || semi - p < 3) return 0;
    uint32_t cp = 0;
    if (p[1] == '#') {
        bool hex = p[2] == 'x' || p[2] == 'X';
        const char *d = p + (hex ? 3 : 2);
        if (d == semi) return 0;
        for (; d < semi; d++) {
            int v = isdigit((unsigned char)*d)           ? *d - '0'
                    : hex && isxdigit((unsigned char)*d) ? (tolower((unsigned char)*d) - 'a' + 10)
                                                         : -1;
            if (v < 0 || cp > 0x10FFFF) return 0;
            cp = cp * (hex ? 16 : 10) + (uint32_t)v;
        }
    } else {
        size_t len = (size_t)(semi - p - 1);
        size_t i = 0, count = sizeof ENTITIES / sizeof ENTITIES[0];
        for (; i < count; i++)
            if (strlen(ENTITIES[i].name) == len && !memcmp(ENTITIES[i].name, p + 1, len)) break;
        if (i == count) return 0;
        cp = ENTITIES[i].cp;
    }
    *n = utf8_encode(cp ? cp : 0xFFFD, out);
    return (size_t)(semi - p + 1);
}

/* Appends text with entities decoded through emit. */
static void html_chars(html_out *h, const char *p, const char *end, scout_buf *title)
{
    while (p < end && !h->rc) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (title)
            h->rc = scout_buf_append(title, p, (size_t)(stop - p));
        else
            ho_text(h, p, (size_t)(stop - p));
        if (!amp) break;
        char u[4];
        size_t n = 0, used = decode_entity(amp, end, u, &n);
        if (!used) {
            u[0] = '&';
            n = 1;
            used = 1;
        }
        if (title)
            h->rc = scout_buf_append(title, u, n);
        else
            ho_text(h, u, n);
        p = amp + used;
    }
}

/* Finds "</name" case-insensitively from p; returns its start or end. */
static const char *find_close(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    for (; p + n + 2 <= end; p++)
        if (p[0] == '<' && p[1] == '/' && !strncasecmp(p + 2, name, n)) return p;
    return end;
}

/* End of the tag starting at p ('<'): one past its '>', quotes respected. */
static const char *tag_end(const char *p, const char *end)
{
    char quote = 0;
    for (p++; p < end; p++) {
        if (quote) {
            if (*p == quote) quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '>') {
            return p + 1;
        }
    }
    return end;
}

static bool name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list)) return true;
    return false;
}

static const char *const PARA_TAGS[] = {
    "p",      "div",    "ul",  "ol",      "table", "blockquote", "section", "article",
    "header", "footer", "pre", "hr",      "body",  "main",       "nav",     "aside",
    "dl",     "dd",     "dt",  "caption", "form",  "figure",     NULL};

/* Applies one tag's effect on the layout (headings, paragraphs, lists). */
static void html_tag(html_out *h, const char *name, bool closing)
{
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
        ho_break(h, 2);
        if (!closing) {
            static const char prefix[] = "###### ";
            ho_raw(h, prefix + ('6' - name[1]));
        }
    } else if (name_in(name, PARA_TAGS)) {
        ho_break(h, 2);
    } else if (!strcmp(name, "br") || !strcmp(name, "tr")) {
        ho_break(h, 1);
    } else if (!strcmp(name, "li") && !closing) {
        ho_break(h, 1);
        ho_raw(h, "- ");
    } else if ((!strcmp(name, "td") || !strcmp(name, "th")) && !closing) {
        if (!h->line_start) h->space_pending = true;
    }
}

scout_rc scout_document_html_to_text(const char *html, size_t len, scout_buf *out, char **title)
{
    if (title) *title = NULL;
    html_out h = {.out = out, .line_start = true};
    scout_buf tbuf = SCOUT_BUF_INIT;
    const char *p = html, *end = html + len;
    while (p < end && !h.rc) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        html_chars(&h, p, lt ? lt : end, NULL);
        if (!lt) break;
        if (end - lt >= 4 && !memcmp(lt, "<!--", 4)) {
            const char *c = NULL;
            for (const char *q = lt + 4; q + 3 <= end && !c; q++)
                if (!memcmp(q, "-->", 3)) c = q + 3;
            p = c ? c : end;
            continue;
        }
        const char *te = tag_end(lt, end);
        bool closing = lt + 1 < end && lt[1] == '/';
        const char *np = lt + (closing ? 2 : 1);
        char name[16];
        size_t n = 0;
        while (np < te && isalnum((unsigned char)*np) && n < sizeof name - 1)
            name[n++] = (char)tolower((unsigned char)*np++);
        name[n] = '\0';
        p = te;
        if (closing || !n) {
            if (n) html_tag(&h, name, true);
            continue;
        }
        if (!strcmp(name, "script") || !strcmp(name, "style") || !strcmp(name, "title")) {
            const char *close = find_close(p, end, name);
            if (!strcmp(name, "title") && !tbuf.len) {
                html_out th = {.out = &tbuf};
                html_chars(&th, p, close, &tbuf);
                h.rc = th.rc;
            }
            p = close < end ? tag_end(close, end) : end;
            continue;
        }
        html_tag(&h, name, false);
    }
    if (!h.rc && title && tbuf.len) {
        /* Titles collapse whitespace like the body text does. */
        scout_buf clean = SCOUT_BUF_INIT;
        html_out th = {.out = &clean, .line_start = true};
        ho_text(&th, tbuf.data, tbuf.len);
        h.rc = th.rc;
        if (!h.rc && clean.len) *title = scout_buf_take(&clean);
        scout_buf_free(&clean);
    }
    scout_buf_free(&tbuf);
    return h.rc;
}

/* ---------- front matter ---------- */

static scout_rc fm_fail(scout_err *err, size_t line, const char *what, const char *key)
{
    return scout_err_set(err, SCOUT_EUSER, "line %zu: %s%s%s%s", line, what, key ? " '" : "",
                         key ? key : "", key ? "'" : "");
}

/* A scalar or a list of scalars into a string array. */
static scout_rc fm_list(yaml_document_t *yd, yaml_node_t *v, size_t line0, const char *key,
                        char ***out, size_t *n, scout_err *err)
{
    size_t line = line0 + v->start_mark.line;
    if (v->type == YAML_SCALAR_NODE) {
        if (!v->data.scalar.length) return fm_fail(err, line, "empty value for", key);
        *out = calloc(1, sizeof **out);
        if (!*out || !((*out)[0] = dup_n((char *)v->data.scalar.value, v->data.scalar.length)))
            return scout_err_set(err, SCOUT_ENOMEM, "out of memory reading front matter");
        *n = 1;
        return SCOUT_OK;
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return fm_fail(err, line, "expected a name or a list of names for", key);
    size_t count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    *out = calloc(count ? count : 1, sizeof **out);
    if (!*out) return scout_err_set(err, SCOUT_ENOMEM, "out of memory reading front matter");
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *it = yaml_document_get_node(yd, v->data.sequence.items.start[i]);
        if (!it || it->type != YAML_SCALAR_NODE || !it->data.scalar.length)
            return fm_fail(err, line0 + (it ? it->start_mark.line : v->start_mark.line),
                           "expected a name in the list", key);
        (*out)[i] = dup_n((char *)it->data.scalar.value, it->data.scalar.length);
        if (!(*out)[i]) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
        *n = i + 1;
    }
    return SCOUT_OK;
}

static scout_rc fm_scalar(yaml_node_t *v, size_t line0, const char *key, char **out, scout_err *err)
{
    if (v->type != YAML_SCALAR_NODE)
        return fm_fail(err, line0 + v->start_mark.line, "expected text for", key);
    free(*out);
    *out = dup_n((char *)v->data.scalar.value, v->data.scalar.length);
    return *out ? SCOUT_OK : scout_err_set(err, SCOUT_ENOMEM, "out of memory");
}

/* One front-matter key; unknown keys (tags, aliases ...) are ignored. */
static scout_rc fm_pair(yaml_document_t *yd, yaml_node_t *k, yaml_node_t *v, size_t line0,
                        scout_document *doc, scout_err *err)
{
    if (!k || k->type != YAML_SCALAR_NODE || !v)
        return fm_fail(err, line0 + (k ? k->start_mark.line : 0), "expected a key", NULL);
    const char *key = (const char *)k->data.scalar.value;
    if (!strcmp(key, "title")) return fm_scalar(v, line0, key, &doc->title, err);
    if (!strcmp(key, "updated")) return fm_scalar(v, line0, key, &doc->updated, err);
    if (!strcmp(key, "created") || !strcmp(key, "date"))
        return fm_scalar(v, line0, key, &doc->created, err);
    if (!strcmp(key, "owners") || !strcmp(key, "owner") || !strcmp(key, "authors") ||
        !strcmp(key, "author")) {
        if (doc->owners) return SCOUT_OK; /* the first of these keys wins */
        return fm_list(yd, v, line0, key, &doc->owners, &doc->n_owners, err);
    }
    if (!strcmp(key, "visibility")) {
        if (doc->visibility) return fm_fail(err, line0 + k->start_mark.line, "duplicate key", key);
        return fm_list(yd, v, line0, key, &doc->visibility, &doc->n_visibility, err);
    }
    return SCOUT_OK;
}

/* Parses the YAML between the "---" lines; file line numbers start after the
 * opening "---" (line0 = 2 for the first front-matter line). */
static scout_rc fm_parse(const char *text, size_t len, scout_document *doc, scout_err *err)
{
    const size_t line0 = 2;
    yaml_parser_t parser;
    yaml_document_t yd;
    if (!yaml_parser_initialize(&parser)) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &yd)) {
        scout_rc rc = fm_fail(err, line0 + parser.problem_mark.line,
                              parser.problem ? parser.problem : "bad yaml", NULL);
        yaml_parser_delete(&parser);
        return rc;
    }
    scout_rc rc = SCOUT_OK;
    yaml_node_t *root = yaml_document_get_root_node(&yd);
    if (root && root->type != YAML_MAPPING_NODE) {
        rc = fm_fail(err, line0 + root->start_mark.line, "front matter is not a mapping", NULL);
    } else if (root) {
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
             pr < root->data.mapping.pairs.top && !rc; pr++)
            rc = fm_pair(&yd, yaml_document_get_node(&yd, pr->key),
                         yaml_document_get_node(&yd, pr->value), line0, doc, err);
    }
    yaml_document_delete(&yd);
    yaml_parser_delete(&parser);
    return rc;
}

/* True when [p, p+n) is a front-matter fence ("---" or "..."), trailing blanks allowed. */
static bool is_fence_line(const char *p, size_t n, bool closing)
{
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    return n == 3 && (!memcmp(p, "---", 3) || (closing && !memcmp(p, "...", 3)));
}

/* Splits off and parses front matter; *body receives where the Markdown
 * starts and *body_line its 1-based line number. */
static scout_rc front_matter(const char *text, size_t len, scout_document *doc, size_t *body,
                             size_t *body_line, scout_err *err)
{
    *body = 0;
    *body_line = 1;
    const char *nl = memchr(text, '\n', len);
    if (!nl || !is_fence_line(text, (size_t)(nl - text), false)) return SCOUT_OK;
    size_t line = 2;
    for (const char *p = nl + 1; p < text + len; line++) {
        const char *e = memchr(p, '\n', (size_t)(text + len - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(text + len - p);
        if (is_fence_line(p, n, true)) {
            scout_rc rc = fm_parse(nl + 1, (size_t)(p - nl - 1), doc, err);
            *body = e ? (size_t)(e + 1 - text) : len;
            *body_line = line + 1;
            return rc;
        }
        if (!e) break;
        p = e + 1;
    }
    return fm_fail(err, 1, "front matter is not closed (no '---' line after it)", NULL);
}

/* ---------- Markdown lines ---------- */

/* An ATX heading line: level 1-6 and its trimmed text (closing #'s dropped). */
static int heading_of(const char *p, size_t n, const char **text, size_t *tlen)
{
    size_t i = 0;
    while (i < n && i < 3 && p[i] == ' ') i++;
    size_t h = 0;
    while (i + h < n && p[i + h] == '#') h++;
    if (h < 1 || h > 6 || (i + h < n && p[i + h] != ' ' && p[i + h] != '\t')) return 0;
    const char *s = p + i + h, *e = p + n;
    while (s < e && isspace((unsigned char)*s)) s++;
    while (e > s && isspace((unsigned char)e[-1])) e--;
    const char *t = e;
    while (t > s && t[-1] == '#') t--;
    if (t < e && (t == s || t[-1] == ' ')) {
        e = t;
        while (e > s && isspace((unsigned char)e[-1])) e--;
    }
    *text = s;
    *tlen = (size_t)(e - s);
    return (int)h;
}

static bool is_code_fence(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && i < 3 && p[i] == ' ') i++;
    return n - i >= 3 && (!memcmp(p + i, "```", 3) || !memcmp(p + i, "~~~", 3));
}

static bool is_list_item(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] == ' ') i++;
    if (i + 1 < n && (p[i] == '-' || p[i] == '*' || p[i] == '+') && p[i + 1] == ' ') return true;
    size_t d = i;
    while (d < n && isdigit((unsigned char)p[d])) d++;
    return d > i && d + 1 < n && (p[d] == '.' || p[d] == ')') && p[d + 1] == ' ';
}

static bool is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)p[i])) return false;
    return true;
}

/* Copies without Markdown's "**" strong markers (they only add noise to
 * chunk text and token counts; backticks stay, they mark identifiers). */
static char *strip_strong(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
            i++;
            continue;
        }
        d[j++] = s[i];
    }
    d[j] = '\0';
    return d;
}

/* ---------- chunking ---------- */

typedef struct chunker {
    scout_document *doc;
    size_t target;     /* tokens per chunk */
    int section_level; /* headings at this level or above always start a chunk */
    char *path[7];     /* heading text by level (1..6) */
    scout_buf body;
    size_t body_tokens;
    bool last_list;
    char *heading; /* heading path captured when the chunk got its first text */
    char *slug;
    scout_buf block; /* the paragraph / list item / code block being read */
    bool block_list;
    scout_rc rc;
    scout_err *err;
} chunker;

static void ck_nomem(chunker *c)
{
    if (!c->rc) c->rc = scout_err_set(c->err, SCOUT_ENOMEM, "out of memory chunking a document");
}

/* The current heading path, joined with " › ", and the deepest heading's slug. */
static void ck_capture_heading(chunker *c)
{
    scout_buf h = SCOUT_BUF_INIT, s = SCOUT_BUF_INIT;
    const char *deepest = NULL;
    for (int l = 1; l <= 6; l++) {
        if (!c->path[l]) continue;
        if (h.len) scout_buf_puts(&h, PATH_SEP);
        scout_buf_puts(&h, c->path[l]);
        deepest = c->path[l];
    }
    if (!h.len && c->doc->title) scout_buf_puts(&h, c->doc->title);
    if (deepest) scout_document_slug(deepest, &s);
    c->heading = scout_buf_take(&h);
    c->slug = scout_buf_take(&s);
    if (!c->heading || !c->slug) ck_nomem(c);
    scout_buf_free(&h);
    scout_buf_free(&s);
}

static void ck_flush(chunker *c)
{
    if (c->rc || !c->body.len) return;
    scout_document *d = c->doc;
    scout_document_chunk *grown = realloc(d->chunks, (d->n_chunks + 1) * sizeof *grown);
    if (!grown) return ck_nomem(c);
    d->chunks = grown;
    scout_document_chunk *ch = &d->chunks[d->n_chunks++];
    ch->heading = c->heading;
    ch->slug = c->slug;
    ch->text = scout_buf_take(&c->body);
    ch->tokens = scout_estimate_tokens(ch->text);
    c->heading = c->slug = NULL;
    c->body_tokens = 0;
    if (!ch->text) ck_nomem(c);
}

static void ck_append(chunker *c, const char *text, size_t n, bool list)
{
    if (c->rc) return;
    if (!c->body.len) {
        ck_capture_heading(c);
    } else if (scout_buf_puts(&c->body, list && c->last_list ? "\n" : "\n\n")) {
        return ck_nomem(c);
    }
    if (scout_buf_append(&c->body, text, n)) {
        c->rc = scout_err_set(c->err, SCOUT_ELIMIT, "document section too large");
        return;
    }
    c->last_list = list;
}

/* Where to cut a too-long block: the last sentence or line end inside the
 * window, else the last space, else a UTF-8 boundary. */
static size_t cut_point(const char *s, size_t n, size_t window)
{
    if (n <= window) return n;
    for (size_t i = window; i > window / 2; i--)
        if (s[i - 1] == '\n' || (i >= 2 && s[i - 1] == ' ' && strchr(".!?", s[i - 2]))) return i;
    for (size_t i = window; i > window / 4; i--)
        if (s[i - 1] == ' ') return i;
    size_t i = window;
    while (i > 1 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    return i;
}

/* Adds one block; a block bigger than the budget is split across chunks. */
static void ck_block(chunker *c, const char *text, size_t n, bool list)
{
    size_t t = scout_estimate_tokens(text);
    if (c->body.len && c->body_tokens + t > c->target) ck_flush(c);
    if (t <= c->target) {
        ck_append(c, text, n, list);
        c->body_tokens += t;
        return;
    }
    size_t window = c->target * 4; /* scout_estimate_tokens counts ~4 bytes a token */
    while (n && !c->rc) {
        size_t k = cut_point(text, n, window);
        size_t e = k;
        while (e && isspace((unsigned char)text[e - 1])) e--;
        if (c->body.len) ck_flush(c);
        ck_append(c, text, e, list);
        text += k;
        n -= k;
        while (n && isspace((unsigned char)*text)) text++, n--;
        c->body_tokens = c->target; /* a piece fills its chunk */
    }
}

static void ck_end_block(chunker *c)
{
    if (!c->block.len || c->rc) {
        scout_buf_reset(&c->block);
        return;
    }
    char *clean = strip_strong(c->block.data, c->block.len);
    if (!clean) return ck_nomem(c);
    ck_block(c, clean, strlen(clean), c->block_list);
    free(clean);
    scout_buf_reset(&c->block);
}

static void ck_heading(chunker *c, int level, const char *text, size_t n)
{
    char *h = strip_strong(text, n);
    if (!h) return ck_nomem(c);
    /* Sections never share a chunk; sub-sections may, unless the chunk is
     * already half full (then the sub-heading is the better cut). */
    if (level <= c->section_level || c->body_tokens >= c->target / 2) ck_flush(c);
    for (int l = level; l <= 6; l++) {
        free(c->path[l]);
        c->path[l] = NULL;
    }
    if (c->body.len) {
        ck_append(c, h, strlen(h), false);
        c->body_tokens += scout_estimate_tokens(h);
    }
    c->path[level] = h;
}

static void ck_line(chunker *c, const char *p, size_t n, bool *in_code)
{
    while (n && p[n - 1] == '\r') n--;
    if (*in_code || is_code_fence(p, n)) {
        bool closes = *in_code && is_code_fence(p, n);
        if (!*in_code) {
            ck_end_block(c);
            c->block_list = false;
        }
        if (c->block.len) scout_buf_putc(&c->block, '\n');
        if (scout_buf_append(&c->block, p, n)) return ck_nomem(c);
        *in_code = !closes;
        if (closes) ck_end_block(c);
        return;
    }
    const char *ht;
    size_t hn;
    int level = heading_of(p, n, &ht, &hn);
    if (level) {
        ck_end_block(c);
        return ck_heading(c, level, ht, hn);
    }
    if (is_blank(p, n)) return ck_end_block(c);
    if (is_list_item(p, n)) {
        ck_end_block(c);
        c->block_list = true;
    } else if (!c->block.len) {
        c->block_list = false;
    }
    if (c->block.len && scout_buf_putc(&c->block, '\n')) return ck_nomem(c);
    while (n && isspace((unsigned char)p[n - 1])) n--;
    if (scout_buf_append(&c->block, p, n)) c->rc = scout_err_set(c->err, SCOUT_ELIMIT, "too long");
}

typedef void (*line_fn)(void *ud, const char *p, size_t n, bool *in_code);

static void each_line(const char *text, size_t len, line_fn fn, void *ud)
{
    bool in_code = false;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
        fn(ud, p, n, &in_code);
        p += n + 1;
    }
}

/* Pass 1: heading counts per level and the first heading's text. */
typedef struct heading_census {
    size_t count[7];
    int first_level;
    char *first;
} heading_census;

static void census_line(void *ud, const char *p, size_t n, bool *in_code)
{
    heading_census *hc = ud;
    if (is_code_fence(p, n)) {
        *in_code = !*in_code;
        return;
    }
    if (*in_code) return;
    const char *t;
    size_t tn;
    int level = heading_of(p, n, &t, &tn);
    if (!level) return;
    hc->count[level]++;
    if (!hc->first_level) {
        hc->first_level = level;
        hc->first = strip_strong(t, tn);
    }
}

/* The level whose headings split a document into sections: below a lone
 * title heading, the next level down; otherwise the top level used. */
static int section_level(const heading_census *hc)
{
    int top = 0;
    for (int l = 1; l <= 6 && !top; l++)
        if (hc->count[l]) top = l;
    if (!top) return 1;
    if (hc->count[top] == 1 && hc->first_level == top)
        for (int l = top + 1; l <= 6; l++)
            if (hc->count[l]) return l;
    return top;
}

static void chunk_line(void *ud, const char *p, size_t n, bool *in_code)
{
    chunker *c = ud;
    if (!c->rc) ck_line(c, p, n, in_code);
}

static scout_rc chunk_markdown(scout_document *doc, const char *text, size_t len, size_t target,
                               const heading_census *hc, scout_err *err)
{
    chunker c = {.doc = doc, .target = target ? target : 300, .err = err};
    c.section_level = section_level(hc);
    each_line(text, len, chunk_line, &c);
    ck_end_block(&c);
    ck_flush(&c);
    for (int l = 0; l <= 6; l++) free(c.path[l]);
    free(c.heading);
    free(c.slug);
    scout_buf_free(&c.body);
    scout_buf_free(&c.block);
    return c.rc;
}

/* ---------- parse ---------- */

static char *default_title(const char *name, scout_document_kind kind)
{
    if (kind == SCOUT_DOCUMENT_NOTION) return scout_document_notion_title(name);
    return dup_n(name, stem_len(name));
}

scout_rc scout_document_parse(const char *name, const char *text, size_t len, size_t chunk_tokens,
                              scout_document **out, scout_err *err)
{
    *out = NULL;
    if (len > DOC_MAX_BYTES)
        return scout_err_set(err, SCOUT_ELIMIT, "document larger than %zu bytes", DOC_MAX_BYTES);
    scout_document *doc = calloc(1, sizeof *doc);
    if (!doc) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    doc->kind = scout_document_kind_of(name);
    scout_buf html = SCOUT_BUF_INIT;
    char *html_title = NULL;
    size_t body = 0, body_line = 1;
    scout_rc rc = SCOUT_OK;
    if (doc->kind == SCOUT_DOCUMENT_GDOC) {
        scout_buf_init(&html, DOC_MAX_BYTES);
        rc = scout_document_html_to_text(text, len, &html, &html_title);
        if (rc) rc = scout_err_set(err, rc, "cannot convert html to text");
        text = scout_buf_cstr(&html);
        len = html.len;
    } else {
        rc = front_matter(text, len, doc, &body, &body_line, err);
    }
    heading_census hc = {{0}, 0, NULL};
    if (!rc) each_line(text + body, len - body, census_line, &hc);
    if (!rc && !doc->title) {
        doc->title = html_title ? html_title : hc.first ? hc.first : default_title(name, doc->kind);
        if (doc->title == html_title) html_title = NULL;
        if (doc->title == hc.first) hc.first = NULL;
        if (!doc->title) rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    if (!rc) rc = chunk_markdown(doc, text + body, len - body, chunk_tokens, &hc, err);
    free(hc.first);
    free(html_title);
    scout_buf_free(&html);
    if (rc) {
        scout_document_free(doc);
        return rc;
    }
    *out = doc;
    return SCOUT_OK;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

void scout_document_free(scout_document *doc)
{
    if (!doc) return;
    free(doc->title);
    free_strings(doc->owners, doc->n_owners);
    free_strings(doc->visibility, doc->n_visibility);
    free(doc->created);
    free(doc->updated);
    for (size_t i = 0; i < doc->n_chunks; i++) {
        free(doc->chunks[i].heading);
        free(doc->chunks[i].slug);
        free(doc->chunks[i].text);
    }
    free(doc->chunks);
    free(doc);
}
