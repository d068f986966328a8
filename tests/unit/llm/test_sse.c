#include <criterion/criterion.h>
#include <string.h>

#include "base/buf.h"
#include "llm/sse.h"

/* Collects events as "event|data\n" lines. */
static scout_rc collect(void *ud, const char *event, const char *data, size_t n, scout_err *err)
{
    scout_buf *out = ud;
    scout_buf_printf(out, "%s|%.*s\n", event, (int)n, data);
    return SCOUT_OK;
}

static void parse_in_pieces(const char *text, size_t piece, scout_buf *out)
{
    scout_sse p;
    scout_sse_init(&p, collect, out);
    size_t n = strlen(text);
    for (size_t o = 0; o < n; o += piece) {
        size_t k = n - o < piece ? n - o : piece;
        scout_err err = {0};
        cr_assert_eq(scout_sse_feed(&p, text + o, k, &err), SCOUT_OK, "%s", err.msg);
    }
    scout_sse_free(&p);
}

Test(llm_sse, events_survive_every_chunk_boundary_and_line_ending)
{
    const char *stream = ": keep-alive\r\n"
                         "event: response.output_text.delta\r\n"
                         "data: {\"delta\":\"a\"}\r\n\r\n"
                         "data:no-space\n\n"
                         "data: line1\r"
                         "data: line2\r\r"
                         "id: 7\nretry: 10\n\n" /* no data: dispatches nothing */
                         "data: [DONE]\n\n";
    const char *want = "response.output_text.delta|{\"delta\":\"a\"}\n"
                       "|no-space\n"
                       "|line1\nline2\n"
                       "|[DONE]\n";
    for (size_t piece = 1; piece <= strlen(stream); piece++) {
        scout_buf out = SCOUT_BUF_INIT;
        parse_in_pieces(stream, piece, &out);
        cr_assert_str_eq(scout_buf_cstr(&out), want, "pieces of %zu bytes", piece);
        scout_buf_free(&out);
    }
}

Test(llm_sse, truncated_event_is_pending_and_not_dispatched)
{
    scout_buf out = SCOUT_BUF_INIT;
    scout_sse p;
    scout_sse_init(&p, collect, &out);
    scout_err err = {0};
    cr_assert_eq(scout_sse_feed(&p, "data: {\"half\":", 14, &err), SCOUT_OK);
    cr_assert(scout_sse_pending(&p));
    cr_assert_eq(out.len, 0);
    scout_sse_free(&p);
    scout_buf_free(&out);
}

Test(llm_sse, an_endless_line_fails_with_a_limit_instead_of_growing)
{
    scout_buf out = SCOUT_BUF_INIT;
    scout_sse p;
    scout_sse_init(&p, collect, &out);
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    scout_err err = {0};
    scout_rc rc = SCOUT_OK;
    for (int i = 0; i < 200 && !rc; i++) rc = scout_sse_feed(&p, chunk, sizeof chunk, &err);
    cr_assert_eq(rc, SCOUT_ELIMIT);
    cr_assert(strstr(err.msg, "stream event larger than") != NULL, "%s", err.msg);
    scout_sse_free(&p);
    scout_buf_free(&out);
}
