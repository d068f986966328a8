/* Opportunistic scratch gc: runs when due (never ran, or an interval ago),
 * not again within the interval, and never waits when another process is
 * collecting (holds the stamp's lock). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "guard/scratch.h"
#include "support/fixtures.h"

static char home[128], dir[192];

static void setup(void)
{
    snprintf(home, sizeof home, "/tmp/scout-gcmaybe-XXXXXX");
    cr_assert_not_null(mkdtemp(home));
    snprintf(dir, sizeof dir, "%s/scratch", home);
}

static void teardown(void)
{
    test_rm_rf(home);
}

TestSuite(scratch_gc_maybe, .init = setup, .fini = teardown);

static void expired(const char *name)
{
    char path[256];
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
    struct timeval tv[2] = {{time(NULL) - 7200, 0}, {time(NULL) - 7200, 0}};
    cr_assert_eq(utimes(path, tv), 0);
}

static bool exists(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

Test(scratch_gc_maybe, nothing_to_do_without_a_scratch_directory)
{
    bool ran = true;
    scout_err err = {0};
    cr_assert_eq(scout_scratch_gc_maybe(home, 1, 0, &ran, NULL, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_not(ran);
    cr_assert_not(exists(SCOUT_SCRATCH_GC_STAMP), "no stamp, no directory created");
}

Test(scratch_gc_maybe, runs_once_then_waits_for_the_interval)
{
    expired("a.db");
    bool ran = false;
    scout_scratch_gc_report rep;
    scout_err err = {0};
    cr_assert_eq(scout_scratch_gc_maybe(home, 1, 3600, &ran, &rep, &err), SCOUT_OK, "%s", err.msg);
    cr_assert(ran, "never ran on this home: due");
    cr_assert_eq(rep.removed, 1);
    cr_assert_not(exists("a.db"));
    expired("b.db");
    cr_assert_eq(scout_scratch_gc_maybe(home, 1, 3600, &ran, &rep, &err), SCOUT_OK);
    cr_assert_not(ran, "ran a moment ago");
    cr_assert(exists("b.db"));
    cr_assert_eq(scout_scratch_gc_maybe(home, 1, 1, &ran, &rep, &err), SCOUT_OK);
    if (!ran) { /* the stamp may be less than a second old */
        sleep(1);
        cr_assert_eq(scout_scratch_gc_maybe(home, 1, 1, &ran, &rep, &err), SCOUT_OK);
    }
    cr_assert(ran, "a one-second interval has passed");
    cr_assert_not(exists("b.db"));
}

Test(scratch_gc_maybe, never_waits_for_a_collector_holding_the_lock)
{
    expired("a.db");
    char stamp[256];
    snprintf(stamp, sizeof stamp, "%s/%s", dir, SCOUT_SCRATCH_GC_STAMP);
    /* A separate open file description: flock conflicts even within one process. */
    int fd = open(stamp, O_RDWR | O_CREAT, 0600);
    cr_assert_geq(fd, 0);
    cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
    struct timeval tv[2] = {{time(NULL) - 7200, 0}, {time(NULL) - 7200, 0}};
    cr_assert_eq(utimes(stamp, tv), 0, "due by its stamp");
    bool ran = true;
    scout_err err = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(scout_scratch_gc_maybe(home, 1, 3600, &ran, NULL, &err), SCOUT_OK, "%s", err.msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_not(ran, "someone else is collecting");
    cr_assert(exists("a.db"));
    cr_assert_lt((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000, 500,
                 "returned at once");
    close(fd);
    cr_assert_eq(scout_scratch_gc_maybe(home, 1, 3600, &ran, NULL, &err), SCOUT_OK);
    cr_assert(ran, "lock released: due, runs");
    cr_assert_not(exists("a.db"));
}
