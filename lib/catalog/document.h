/* document — one knowledge document (Markdown with front matter, a Notion
 * Markdown export or a Google Docs HTML export) parsed into its metadata and
 * heading-aware chunks of about a given token budget. Pure text processing:
 * no catalog access, so the knowledge importer and its tests share it. */
#ifndef SCOUT_CATALOG_DOCUMENT_H
#define SCOUT_CATALOG_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

typedef enum {
    SCOUT_DOCUMENT_MARKDOWN, /* .md/.markdown, optional YAML front matter */
    SCOUT_DOCUMENT_NOTION,   /* .md named "Title <32 hex digits>.md" */
    SCOUT_DOCUMENT_GDOC      /* .html/.htm (Google Docs "Web page" export) */
} scout_document_kind;

typedef struct scout_document_chunk {
    char *heading; /* heading path "Plus subscribers › Finance definition", or the title */
    char *slug;    /* anchor of the deepest heading in the path ("" when the doc has none) */
    char *text;
    size_t tokens; /* scout_estimate_tokens(text) */
} scout_document_chunk;

/* A parsed document; every string is owned by it. */
typedef struct scout_document {
    scout_document_kind kind;
    char *title;
    char **owners; /* front matter owners (users or teams) */
    size_t n_owners;
    char **visibility; /* front matter visibility: "public" or group names; 0 = not stated */
    size_t n_visibility;
    char *created; /* front matter created/date, as written, or NULL */
    char *updated; /* front matter updated, as written, or NULL */
    scout_document_chunk *chunks;
    size_t n_chunks;
} scout_document;

/* True for file names this module reads (.md, .markdown, .html, .htm). */
bool scout_document_supported(const char *name);

/* The kind of a supported file name. */
scout_document_kind scout_document_kind_of(const char *name);

/* Parses the text of the file called name (the base name decides the kind and
 * is the title of last resort) into *out, chunked at about chunk_tokens.
 * Malformed input (broken front matter) fails with SCOUT_EUSER and a message
 * "line N: what". Caller frees *out with scout_document_free. */
scout_rc scout_document_parse(const char *name, const char *text, size_t len, size_t chunk_tokens,
                              scout_document **out, scout_err *err);

/* Frees a document; NULL is a no-op. */
void scout_document_free(scout_document *doc);

/* Converts HTML to Markdown-like text: h1-h6 become "#" headings, block
 * elements become paragraphs, list items "- " lines, entities are decoded and
 * script/style/comments dropped. *title (may be NULL) receives the <title>
 * text or NULL; caller frees it. Appends to out. */
scout_rc scout_document_html_to_text(const char *html, size_t len, scout_buf *out, char **title);

/* The page title a Notion export file name carries: the name without its
 * extension and its " <32 hex digits>" suffix. Caller frees. */
char *scout_document_notion_title(const char *name);

/* Appends the GitHub-style anchor of a heading (lowercase, spaces to '-',
 * punctuation dropped). */
scout_rc scout_document_slug(const char *heading, scout_buf *out);

#endif
