/* libFuzzer target for the dbt manifest importer: any bytes written as a
 * project's target/manifest.json. Loading must never crash or leak; a
 * refusal names the manifest; a loaded project's nodes all have names. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/dbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch_dir[64];

/* Removes the scratch project when the fuzzer exits. */
static void remove_project(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/target/manifest.json", scratch_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/target", scratch_dir);
    rmdir(p);
    rmdir(scratch_dir);
}

/* One scratch project per fuzzing process, rewritten for every input. */
static const char *project_dir(void)
{
    char *dir = scratch_dir;
    if (!dir[0]) {
        snprintf(dir, sizeof scratch_dir, "/tmp/scout-fuzz-dbt-%ld", (long)getpid());
        atexit(remove_project);
        char target[96];
        snprintf(target, sizeof target, "%s/target", dir);
        mkdir(dir, 0700);
        mkdir(target, 0700);
    }
    return dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/target/manifest.json", project_dir());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    scout_dbt_project *p = NULL;
    scout_err err = {0};
    if (scout_dbt_load(project_dir(), &p, &err) != SCOUT_OK) {
        if (p || !strstr(err.msg, "manifest")) abort();
        return 0;
    }
    for (size_t i = 0; i < p->n_nodes; i++)
        if (!p->nodes[i].unique_id || !p->nodes[i].name) abort();
    scout_dbt_free(p);
    return 0;
}
