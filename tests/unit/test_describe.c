#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "config.h"
#include "describe.h"
#include "parse.h"
#include "sum.h"

static char *describe(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert(out != NULL);
    psum_describe(out, "psum_omp");
    cr_assert(eq(int, fclose(out), 0));
    return text;
}

/* `"key": value` appears in text, the value printed from the constant. */
static void expect_field(const char *text, const char *key, uint64_t value)
{
    char field[96];
    snprintf(field, sizeof field, "\"%s\": %" PRIu64 ",", key, value);
    cr_expect(strstr(text, field) != NULL, "%s missing from\n%s", field, text);
}

Test(describe, limits_come_from_the_constants)
{
    char *text = describe();
    expect_field(text, "elements_max", PSUM_MAX_ELEMENTS);
    expect_field(text, "chunks_max", PSUM_MAX_CHUNKS);
    expect_field(text, "threads_max", PSUM_MAX_THREADS);
    expect_field(text, "repeat_max", PSUM_MAX_REPEAT);
    expect_field(text, "count_max", UINT64_MAX);
    expect_field(text, "exponent_cap", PSUM_PARSE_EXP_CAP);
    expect_field(text, "memory_headroom_bytes", PSUM_MEMORY_HEADROOM);
    expect_field(text, "array_align_bytes", PSUM_ARRAY_ALIGN);
    expect_field(text, "stream_lanes", (uint64_t)psum_stream_lanes());
    free(text);
}

Test(describe, defaults_and_names_come_from_the_tables)
{
    char *text = describe();
    psum_config d;
    psum_config_default(&d);
    expect_field(text, "elements", d.n);
    expect_field(text, "chunks", d.chunks);
    expect_field(text, "repeat", d.repeat);
    char want[128];
    snprintf(want, sizeof want, "\"schedule\": \"%s\",", psum_schedule_name(d.schedule));
    cr_expect(strstr(text, want) != NULL, "%s", want);
    const psum_names *tables[] = {&psum_mode_names, &psum_schedule_names, &psum_device_names,
                                  &psum_format_names};
    const char *keys[] = {"modes", "schedules", "devices", "formats"};
    for (size_t t = 0; t < 4; t++) {
        int used = snprintf(want, sizeof want, "\"%s\": [", keys[t]);
        for (size_t i = 0; i < tables[t]->count; i++)
            used += snprintf(want + used, sizeof want - (size_t)used, "%s\"%s\"",
                             i ? ", " : "", tables[t]->names[i]);
        snprintf(want + used, sizeof want - (size_t)used, "]");
        cr_expect(strstr(text, want) != NULL, "%s missing from\n%s", want, text);
    }
    free(text);
}
