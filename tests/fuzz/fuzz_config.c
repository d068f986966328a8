/* libFuzzer target for the scout.yaml loader: any bytes as YAML. It must never
 * crash or leak; a refusal carries a message naming the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scout_config *cfg = NULL;
    scout_err err = {0};
    scout_rc rc = scout_config_parse((const char *)data, size, "/fuzz/scout.yaml", &cfg, &err);
    if (rc != SCOUT_OK) {
        if (cfg || strncmp(err.msg, "/fuzz/scout.yaml", 16) != 0) abort();
        return 0;
    }
    scout_config_free(cfg);
    return 0;
}
