#include "config.h"

#include <stdio.h>
#include <string.h>

static const char *const mode_names[] = {
    [PSUM_MODE_MATERIALIZE] = "materialize",
    [PSUM_MODE_STREAM] = "stream",
};

static const char *const schedule_names[] = {
    [PSUM_SCHED_STATIC] = "static",
    [PSUM_SCHED_DYNAMIC] = "dynamic",
    [PSUM_SCHED_GUIDED] = "guided",
};

static const char *const format_names[] = {
    [PSUM_FORMAT_TEXT] = "text",
    [PSUM_FORMAT_CSV] = "csv",
    [PSUM_FORMAT_JSON] = "json",
};

static const char *const device_names[] = {
    [PSUM_DEVICE_CPU] = "cpu",
    [PSUM_DEVICE_GPU] = "gpu",
};

/* A value added to an enum without its name, or the reverse, stops the build here. */
_Static_assert(sizeof mode_names / sizeof mode_names[0] == PSUM_MODE_COUNT,
               "one name per psum_mode");
_Static_assert(sizeof schedule_names / sizeof schedule_names[0] == PSUM_SCHED_COUNT,
               "one name per psum_schedule");
_Static_assert(sizeof format_names / sizeof format_names[0] == PSUM_FORMAT_COUNT,
               "one name per psum_format");
_Static_assert(sizeof device_names / sizeof device_names[0] == PSUM_DEVICE_COUNT,
               "one name per psum_device");

const psum_names psum_mode_names = {mode_names, PSUM_MODE_COUNT};
const psum_names psum_schedule_names = {schedule_names, PSUM_SCHED_COUNT};
const psum_names psum_format_names = {format_names, PSUM_FORMAT_COUNT};
const psum_names psum_device_names = {device_names, PSUM_DEVICE_COUNT};

void psum_config_default(psum_config *cfg)
{
    cfg->n = 1000000000;
    cfg->mode = PSUM_MODE_MATERIALIZE;
    cfg->schedule = PSUM_SCHED_DYNAMIC;
    cfg->chunks = 100;
    cfg->threads = 0;
    cfg->repeat = 5;
    cfg->format = PSUM_FORMAT_TEXT;
    cfg->serial = true;
    cfg->csv_header = true;
    cfg->device = PSUM_DEVICE_CPU;
    cfg->from_host = false;
    cfg->action = PSUM_ACTION_RUN;
    cfg->count_text = NULL;
    cfg->count_max = UINT64_MAX;
}

int psum_names_find(const psum_names *t, const char *name)
{
    for (size_t i = 0; i < t->count; i++) {
        if (strcmp(name, t->names[i]) == 0)
            return (int)i;
    }
    return -1;
}

char *psum_names_list(const psum_names *t, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->count && used < len; i++) {
        const char *sep = i == 0 ? "" : i + 1 == t->count ? " or " : ", ";
        int w = snprintf(buf + used, len - used, "%s%s", sep, t->names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

const char *psum_mode_name(psum_mode m)
{
    return mode_names[m];
}

const char *psum_schedule_name(psum_schedule s)
{
    return schedule_names[s];
}

const char *psum_format_name(psum_format f)
{
    return format_names[f];
}

const char *psum_device_name(psum_device d)
{
    return device_names[d];
}
