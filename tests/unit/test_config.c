/*
 * The configuration's name tables: every enum value has a name, lookups
 * are exact, and the lists in messages and help come from the tables.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "config.h"

Test(config, defaults)
{
    psum_config c;
    psum_config_default(&c);
    cr_assert(eq(u64, c.n, 1000000000));
    cr_assert(eq(int, c.mode, PSUM_MODE_MATERIALIZE));
    cr_assert(eq(int, c.schedule, PSUM_SCHED_DYNAMIC));
    cr_assert(eq(u64, c.chunks, 100));
    cr_assert(eq(int, c.threads, 0));
    cr_assert(eq(u64, c.repeat, 5));
    cr_assert(eq(int, c.format, PSUM_FORMAT_TEXT));
    cr_assert(c.serial);
    cr_assert(eq(int, c.device, PSUM_DEVICE_CPU));
    cr_assert(not(c.from_host));
}

Test(config, every_value_has_a_name_that_finds_it)
{
    const psum_names *tables[] = {&psum_mode_names, &psum_schedule_names, &psum_format_names,
                                  &psum_device_names};
    const size_t counts[] = {PSUM_MODE_COUNT, PSUM_SCHED_COUNT, PSUM_FORMAT_COUNT,
                             PSUM_DEVICE_COUNT};
    for (size_t t = 0; t < 4; t++) {
        cr_assert(eq(sz, tables[t]->count, counts[t]));
        for (size_t i = 0; i < tables[t]->count; i++) {
            const char *name = tables[t]->names[i];
            cr_assert(not(eq(ptr, (void *)name, NULL)), "table %zu value %zu", t, i);
            cr_expect(eq(int, psum_names_find(tables[t], name), (int)i), "%s", name);
        }
    }
    cr_expect(eq(str, (char *)psum_schedule_name(PSUM_SCHED_GUIDED), "guided"));
    cr_expect(eq(str, (char *)psum_mode_name(PSUM_MODE_STREAM), "stream"));
    cr_expect(eq(str, (char *)psum_format_name(PSUM_FORMAT_CSV), "csv"));
    cr_expect(eq(str, (char *)psum_device_name(PSUM_DEVICE_GPU), "gpu"));
}

Test(config, lookups_are_exact)
{
    cr_expect(eq(int, psum_names_find(&psum_schedule_names, "Static"), -1));
    cr_expect(eq(int, psum_names_find(&psum_schedule_names, "stat"), -1));
    cr_expect(eq(int, psum_names_find(&psum_schedule_names, ""), -1));
    cr_expect(eq(int, psum_names_find(&psum_format_names, "json "), -1));
}

Test(config, lists_come_from_the_tables)
{
    char buf[128];
    cr_expect(eq(str, psum_names_list(&psum_schedule_names, buf, sizeof buf),
                 "static, dynamic or guided"));
    cr_expect(eq(str, psum_names_list(&psum_mode_names, buf, sizeof buf),
                 "materialize or stream"));
    cr_expect(eq(str, psum_names_list(&psum_format_names, buf, sizeof buf),
                 "text, csv or json"));
    cr_expect(eq(str, psum_names_list(&psum_device_names, buf, sizeof buf), "cpu or gpu"));

    static const char *const one[] = {"only"};
    static const char *const four[] = {"a", "b", "c", "d"};
    const psum_names t1 = {one, 1}, t4 = {four, 4};
    cr_expect(eq(str, psum_names_list(&t1, buf, sizeof buf), "only"));
    cr_expect(eq(str, psum_names_list(&t4, buf, sizeof buf), "a, b, c or d"));
    /* Too small a buffer: cut, still terminated. */
    cr_expect(eq(str, psum_names_list(&t4, buf, 5), "a, b"));
}
