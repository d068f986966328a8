/* fixtures — test support shared by the unit tests: removing a test's
 * temporary tree and reading single values out of a SQLite file (usually a
 * catalog.db the code under test wrote). Failures abort the test through
 * Criterion assertions, so callers need no error handling. */
#ifndef SCOUT_TEST_FIXTURES_H
#define SCOUT_TEST_FIXTURES_H

/* Removes path and everything below it, not following symlinks. Refuses
 * (does nothing) unless path starts with "/tmp/", so a bad path in a test
 * can never remove anything else. */
void test_rm_rf(const char *path);

/* Opens the SQLite file db_path, runs sql and returns the first column of the
 * first row as text: "" when there is no row or the value is NULL. Heap
 * string; the caller frees. A prepare failure fails the test. */
char *test_db_text(const char *db_path, const char *sql);

/* SHA-256 of a file's bytes as 64 hex digits: "the warehouse is unchanged"
 * is the same sum before and after. A missing file fails the test. */
void test_file_sha256(const char *path, char out[65]);

#endif
