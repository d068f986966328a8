/* session — the agent's checkpoints in HOME/sessions.db (SQLite, WAL): one
 * row per question with its whole state (messages, tool calls and their
 * results, step, tokens and cost used) rewritten in one transaction after
 * every step, so a crash, a kill or a stop loses at most the step that was
 * running and `scout resume ID` continues from the last commit. Sessions
 * belong to their asker: listing and loading filter by user. */
#ifndef SCOUT_AGENT_SESSION_H
#define SCOUT_AGENT_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* "s" + 16 lower-case hex digits, plus the NUL. */
#define SCOUT_SESSION_ID_SIZE 18

typedef struct scout_session_store scout_session_store;

/* Opens (creating, mode 0600, WAL) the store at path. Close with
 * scout_session_store_close. */
scout_rc scout_session_store_open(const char *path, scout_session_store **out, scout_err *err);

/* Closes; NULL is a no-op. */
void scout_session_store_close(scout_session_store *s);

/* A fresh random id into id. */
scout_rc scout_session_new_id(char id[SCOUT_SESSION_ID_SIZE], scout_err *err);

/* One session's row. In a listing callback strings are borrowed for the
 * call; from scout_session_load they are owned by the caller (free with
 * scout_session_row_free). */
typedef struct scout_session_row {
    char *id, *user, *question;
    char *status; /* "running", "finished", "stopped", "interrupted", "error" */
    int64_t step;
    int64_t prompt_tokens, completion_tokens;
    double cost;
    char *grade; /* self-evaluation: "good", "low" or NULL before the end */
    char *created_at, *updated_at;
    json_t *state;  /* load only: the checkpointed state (owned) */
    json_t *answer; /* load only: the final answer JSON or NULL (owned) */
} scout_session_row;

/* Writes the row (insert or replace) in one durable transaction; state and
 * answer are borrowed (answer may be NULL). */
scout_rc scout_session_save(scout_session_store *s, const scout_session_row *row, scout_err *err);

/* Loads session id if user owns it (user NULL = any: admins). SCOUT_ENOTFOUND
 * otherwise (the same message either way, so ids of others do not leak). */
scout_rc scout_session_load(scout_session_store *s, const char *id, const char *user,
                            scout_session_row *out, scout_err *err);

void scout_session_row_free(scout_session_row *r);

typedef int (*scout_session_fn)(void *ud, const scout_session_row *r);

/* The user's sessions (NULL = everyone's), newest first, at most limit (0 = 50). */
scout_rc scout_session_list(scout_session_store *s, const char *user, size_t limit,
                            scout_session_fn fn, void *ud, scout_err *err);

/* Stores feedback on a session the user owns: verdict "good" or "wrong". */
scout_rc scout_session_feedback(scout_session_store *s, const char *id, const char *user,
                                const char *verdict, const char *note, scout_err *err);

typedef struct scout_session_feedback_row {
    const char *session, *user, *verdict, *note, *question, *created_at;
} scout_session_feedback_row;
typedef int (*scout_session_feedback_fn)(void *ud, const scout_session_feedback_row *r);

/* Feedback rows (user NULL = all), newest first. */
scout_rc scout_session_feedback_list(scout_session_store *s, const char *user,
                                     scout_session_feedback_fn fn, void *ud, scout_err *err);

#endif
