/* benchutil — shared bits of scout's benchmark programs: clocks, per-child
 * peak RSS, machine facts, and writing one JSON result file to bench/out/. */
#ifndef SCOUT_BENCHUTIL_H
#define SCOUT_BENCHUTIL_H

#include <jansson.h>
#include <stdint.h>

/* Wall-clock seconds from a monotonic clock. */
double bench_now_s(void);

/* Runs fn(arg) in a forked child and waits; returns the child's exit status
 * and fills its wall time and peak RSS (bytes). The child's memory does not
 * count towards the parent's, so phases are measured separately. */
int bench_run_child(int (*fn)(void *arg), void *arg, double *wall_s, int64_t *peak_rss_bytes);

/* {"cores":..,"memory_bytes":..,"cpu":"..","date":"YYYY-MM-DDTHH:MM:SSZ"} */
json_t *bench_machine_json(void);

/* Writes obj (adding "benchmark":name and "machine") to DIR/NAME.json and
 * prints it on stdout. Takes ownership of obj. Returns 0 on success. */
int bench_write(const char *dir, const char *name, json_t *obj);

#endif
