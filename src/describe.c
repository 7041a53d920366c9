#include "describe.h"

#include <inttypes.h>
#include <stdbool.h>

#include "array.h"
#include "cli.h"
#include "config.h"
#include "offload/offload.h"
#include "parse.h"
#include "psum_build.h"
#include "sum.h"
#include "text.h"
#include "version.h"

static void names(FILE *out, const char *key, const psum_names *t, bool last)
{
    fprintf(out, "    \"%s\": [", key);
    for (size_t i = 0; i < t->count; i++) {
        fputs(i == 0 ? "" : ", ", out);
        psum_json_string(out, t->names[i]);
    }
    fprintf(out, "]%s\n", last ? "" : ",");
}

static void limits(FILE *out)
{
    fprintf(out,
            "  \"limits\": {\n"
            "    \"elements_max\": %" PRIu64 ",\n"
            "    \"chunks_max\": %" PRIu64 ",\n"
            "    \"threads_max\": %d,\n"
            "    \"repeat_max\": %" PRIu64 ",\n"
            "    \"count_max\": %" PRIu64 ",\n"
            "    \"exponent_cap\": %d,\n"
            "    \"bytes_per_element\": %zu,\n"
            "    \"array_align_bytes\": %" PRIu64 ",\n"
            "    \"memory_headroom_bytes\": %" PRIu64 ",\n"
            "    \"stream_lanes\": %d,\n"
            "    \"offload_simd_lanes\": %d\n"
            "  },\n",
            PSUM_MAX_ELEMENTS, PSUM_MAX_CHUNKS, PSUM_MAX_THREADS, PSUM_MAX_REPEAT,
            (uint64_t)UINT64_MAX, PSUM_PARSE_EXP_CAP, sizeof(int64_t), PSUM_ARRAY_ALIGN,
            PSUM_MEMORY_HEADROOM, psum_stream_lanes(), PSUM_OFFLOAD_SIMD);
}

static void defaults(FILE *out)
{
    psum_config d;
    psum_config_default(&d);
    fprintf(out, "  \"defaults\": {\n    \"elements\": %" PRIu64 ",\n    \"mode\": ", d.n);
    psum_json_string(out, psum_mode_name(d.mode));
    fputs(",\n    \"schedule\": ", out);
    psum_json_string(out, psum_schedule_name(d.schedule));
    fprintf(out, ",\n    \"chunks\": %" PRIu64 ",\n    \"threads\": ", d.chunks);
    if (d.threads > 0)
        fprintf(out, "%d", d.threads);
    else
        fputs("null", out);
    fprintf(out, ",\n    \"repeat\": %" PRIu64 ",\n    \"format\": ", d.repeat);
    psum_json_string(out, psum_format_name(d.format));
    fputs(",\n    \"device\": ", out);
    psum_json_string(out, psum_device_name(d.device));
    fprintf(out,
            ",\n    \"serial\": %s,\n    \"csv_header\": %s,\n    \"from_host\": %s\n  },\n",
            d.serial ? "true" : "false", d.csv_header ? "true" : "false",
            d.from_host ? "true" : "false");
}

void psum_describe(FILE *out, const char *program)
{
    fputs("{\n  \"program\": ", out);
    psum_json_string(out, program);
    fputs(",\n  \"version\": ", out);
    psum_json_string(out, psum_version());
    fprintf(out, ",\n  \"offload\": %s,\n", PSUM_OFFLOAD ? "true" : "false");
    limits(out);
    defaults(out);
    fputs("  \"names\": {\n", out);
    names(out, "modes", &psum_mode_names, false);
    names(out, "schedules", &psum_schedule_names, false);
    names(out, "devices", &psum_device_names, false);
    names(out, "formats", &psum_format_names, true);
    fprintf(out,
            "  },\n"
            "  \"exit_status\": {\n"
            "    \"ok\": %d,\n"
            "    \"failure\": %d,\n"
            "    \"usage\": %d,\n"
            "    \"no_device\": %d,\n"
            "    \"interrupted\": %d\n"
            "  }\n"
            "}\n",
            PSUM_EXIT_OK, PSUM_EXIT_FAILURE, PSUM_EXIT_USAGE, PSUM_EXIT_NO_DEVICE,
            PSUM_EXIT_INTERRUPTED);
}
