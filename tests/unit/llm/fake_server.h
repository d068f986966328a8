/* fake_server — test support: starts tests/fake_llm (the scripted
 * OpenAI-compatible server, built as fake-llm beside $SCOUT_BIN) on an
 * ephemeral loopback port, and reads back the requests it logged. Failures
 * abort the test through Criterion assertions. */
#ifndef SCOUT_TEST_FAKE_SERVER_H
#define SCOUT_TEST_FAKE_SERVER_H

#include <jansson.h>
#include <sys/types.h>

typedef struct fake_server {
    pid_t pid;
    char *dir;          /* throwaway directory holding script, port file and log */
    char base_url[64];  /* http://127.0.0.1:PORT/v1 */
    char log_path[512]; /* one JSON line per request */
} fake_server;

/* Starts the server with the script (JSON text) and waits until it listens. */
void fake_server_start(fake_server *f, const char *script_json);

/* Stops the server and removes its directory. */
void fake_server_stop(fake_server *f);

/* The logged requests as a JSON array of {path, authorization, body} (caller decrefs). */
json_t *fake_server_requests(const fake_server *f);

#endif
