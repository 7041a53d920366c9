/*
 * The OMP_* validation against a table of values, the removal of the
 * invalid ones from an environment block, and their warnings.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "env.h"
#include "result.h"
#include "text.h"

typedef struct {
    char name[20];
    char value[40];
    int valid;
} env_case;

ParameterizedTestParameters(env, values)
{
    static env_case cases[] = {
        {"OMP_NUM_THREADS", "1", 1},
        {"OMP_NUM_THREADS", "16", 1},
        {"OMP_NUM_THREADS", "1024", 1},
        {"OMP_NUM_THREADS", "02", 1},
        {"OMP_NUM_THREADS", " 2,1 ", 1},
        {"OMP_NUM_THREADS", "8 , 4,2", 1},
        {"OMP_NUM_THREADS", "4294967296", 0}, /* crashed libgomp */
        {"OMP_NUM_THREADS", "1025", 0},
        {"OMP_NUM_THREADS", "100000", 0},
        {"OMP_NUM_THREADS", "99999999999999999999", 0},
        {"OMP_NUM_THREADS", "0", 0},
        {"OMP_NUM_THREADS", "00", 0},
        {"OMP_NUM_THREADS", "", 0},
        {"OMP_NUM_THREADS", " ", 0},
        {"OMP_NUM_THREADS", "abc", 0},
        {"OMP_NUM_THREADS", "3x", 0},
        {"OMP_NUM_THREADS", "-1", 0},
        {"OMP_NUM_THREADS", "+2", 0},
        {"OMP_NUM_THREADS", "1.5", 0},
        {"OMP_NUM_THREADS", "2,", 0},
        {"OMP_NUM_THREADS", ",2", 0},
        {"OMP_NUM_THREADS", "2,,1", 0},
        {"OMP_NUM_THREADS", "2,0", 0},
        {"OMP_NUM_THREADS", "2,1025", 0},
        {"OMP_NUM_THREADS", "2\n", 0},
        {"OMP_NUM_THREADS", "\t2", 0},
        {"OMP_PROC_BIND", "true", 1},
        {"OMP_PROC_BIND", "FALSE", 1},
        {"OMP_PROC_BIND", "close", 1},
        {"OMP_PROC_BIND", "Spread", 1},
        {"OMP_PROC_BIND", "master", 1},
        {"OMP_PROC_BIND", "primary", 1},
        {"OMP_PROC_BIND", " spread , close ", 1},
        {"OMP_PROC_BIND", "spread,spread,close", 1},
        {"OMP_PROC_BIND", "", 0},
        {"OMP_PROC_BIND", "bogus", 0},
        {"OMP_PROC_BIND", "closer", 0},
        {"OMP_PROC_BIND", "true,close", 0}, /* both runtimes refuse it */
        {"OMP_PROC_BIND", "close,", 0},
        {"OMP_PROC_BIND", "1", 0},
        {"OMP_PROC_BIND", "close\x01", 0},
        {"OMP_PLACES", "threads", 1},
        {"OMP_PLACES", "CORES", 1},
        {"OMP_PLACES", "sockets(2)", 1},
        {"OMP_PLACES", " threads ( 4 ) ", 1},
        {"OMP_PLACES", "ll_caches", 1},
        {"OMP_PLACES", "numa_domains(1)", 1},
        {"OMP_PLACES", "{0,1},{2,3}", 1},
        {"OMP_PLACES", "{0:2},{2:2}", 1},
        {"OMP_PLACES", "{0}:4:2", 1},
        {"OMP_PLACES", "{0:4:2}", 1},
        {"OMP_PLACES", "{0}:2:-1", 1},
        {"OMP_PLACES", "!{0},{1}", 1},
        {"OMP_PLACES", "{!0,1}", 1},
        {"OMP_PLACES", " { 0 , 1 } ", 1},
        {"OMP_PLACES", "{65536}", 1},
        {"OMP_PLACES", "", 0},
        {"OMP_PLACES", " ", 0},
        {"OMP_PLACES", "\xff", 0},
        {"OMP_PLACES", "threads\n", 0},
        {"OMP_PLACES", "threads()", 0},
        {"OMP_PLACES", "threads(0)", 0},
        {"OMP_PLACES", "threads(99999999999)", 0},
        {"OMP_PLACES", "threads(2)x", 0},
        {"OMP_PLACES", "thread", 0},
        {"OMP_PLACES", "threadsy", 0},
        {"OMP_PLACES", "{}", 0},
        {"OMP_PLACES", "{0", 0},
        {"OMP_PLACES", "{0-1}", 0},
        {"OMP_PLACES", "{{0}}", 0},
        {"OMP_PLACES", "{0},", 0},
        {"OMP_PLACES", "{0}:99999999999", 0},
        {"OMP_PLACES", "{65537}", 0},
        {"OMP_PLACES", "{0}:0", 0},
        {"OMP_DYNAMIC", "true", 1},
        {"OMP_DYNAMIC", "False", 1},
        {"OMP_DYNAMIC", "maybe", 0},
        {"OMP_DYNAMIC", "1", 0},
        {"OMP_DYNAMIC", "", 0},
        {"OMP_DYNAMIC", "truex", 0},
        {"OMP_TARGET_OFFLOAD", "mandatory", 1},
        {"OMP_TARGET_OFFLOAD", "DISABLED", 1},
        {"OMP_TARGET_OFFLOAD", " Default ", 1},
        {"OMP_TARGET_OFFLOAD", "", 0},
        {"OMP_TARGET_OFFLOAD", "mandatory,disabled", 0},
        {"OMP_TARGET_OFFLOAD", "enabled", 0},
        {"OMP_TARGET_OFFLOAD", "mandatoryx", 0},
        {"OMP_TARGET_OFFLOAD", "1", 0},
        {"OMP_DEFAULT_DEVICE", "0", 1},
        {"OMP_DEFAULT_DEVICE", "3", 1},
        {"OMP_DEFAULT_DEVICE", " 1 ", 1},
        {"OMP_DEFAULT_DEVICE", "2147483647", 1},
        {"OMP_DEFAULT_DEVICE", "2147483648", 0},
        {"OMP_DEFAULT_DEVICE", "-1", 0},
        {"OMP_DEFAULT_DEVICE", "+1", 0},
        {"OMP_DEFAULT_DEVICE", "", 0},
        {"OMP_DEFAULT_DEVICE", "gpu", 0},
        {"OMP_DEFAULT_DEVICE", "1,2", 0},
        {"OMP_DEFAULT_DEVICE", "1\n", 0},
        {"OMP_SCHEDULE", "anything: not checked", 1},
    };
    return cr_make_param_array(env_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(env_case *c, env, values)
{
    const char *why = psum_env_invalid(c->name, c->value);
    if (c->valid)
        cr_assert(eq(ptr, (void *)why, NULL), "%s='%s' refused: %s", c->name, c->value, why);
    else
        cr_assert(not(eq(ptr, (void *)why, NULL)), "%s='%s' accepted", c->name, c->value);
}

Test(env, unset_is_valid)
{
    cr_assert(eq(ptr, (void *)psum_env_invalid("OMP_NUM_THREADS", NULL), NULL));
}

Test(env, drop_compacts_the_block_and_lists_what_went)
{
    char *envp[] = {"HOME=/root", "OMP_NUM_THREADS=4294967296", "OMP_PROC_BIND=close",
                    "OMP_PLACES=\xff", "OMP_NUM_THREADS_X=1", "PATH=/bin", NULL};
    psum_env_dropped dropped = {0};
    psum_env_drop_invalid(envp, &dropped);
    const char *want[] = {"HOME=/root", "OMP_PROC_BIND=close", "OMP_NUM_THREADS_X=1",
                          "PATH=/bin", NULL};
    for (size_t i = 0; want[i] != NULL; i++)
        cr_expect(eq(str, envp[i], (char *)want[i]), "entry %zu", i);
    cr_expect(eq(ptr, envp[4], NULL), "the block ends after the kept entries");
    cr_assert(eq(sz, dropped.count, 2));
    cr_expect(eq(str, (char *)dropped.item[0].name, "OMP_NUM_THREADS"));
    cr_expect(eq(str, (char *)dropped.item[0].value, "4294967296"));
    cr_expect(eq(str, (char *)dropped.item[1].name, "OMP_PLACES"));

    /* A second pass finds nothing more. */
    psum_env_drop_invalid(envp, &dropped);
    cr_expect(eq(sz, dropped.count, 2));
}

Test(env, the_warning_is_one_line_with_the_value_escaped)
{
    psum_env_drop d = {"OMP_PLACES", "\xff\n{0}", "expected places"};
    char buf[256];
    psum_env_warning(&d, buf, sizeof buf);
    cr_expect(eq(str, buf,
                 "ignoring OMP_PLACES='\\xff\\n{0}': expected places; "
                 "the OpenMP runtime's default applies"));

    char long_value[300];
    memset(long_value, '9', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = '\0';
    d = (psum_env_drop){"OMP_NUM_THREADS", long_value, "expected numbers"};
    psum_env_warning(&d, buf, sizeof buf);
    cr_expect(not(eq(ptr, strstr(buf, "999...': expected numbers;"), NULL)), "%s", buf);
    cr_expect(psum_utf8_valid(buf, strlen(buf)));
}

Test(env, removals_become_warnings_after_the_earlier_ones)
{
    char bad_threads[] = "OMP_NUM_THREADS=0", good_bind[] = "OMP_PROC_BIND=close",
         other[] = "HOME=/root", bad_places[] = "OMP_PLACES=\xff";
    char *envp[] = {bad_threads, good_bind, other, bad_places, NULL};
    psum_env_dropped dropped = {0};
    psum_env_drop_invalid(envp, &dropped);
    cr_assert(eq(sz, dropped.count, 2));

    psum_warnings w = {0};
    psum_add_warning(&w, "earlier warning");
    psum_env_warnings(&dropped, &w);
    cr_assert(eq(sz, w.count, 3));
    cr_expect(eq(str, w.text[0], "earlier warning"));
    cr_expect(eq(str, w.text[1], "ignoring OMP_NUM_THREADS='0': expected whole numbers from 1 "
                                 "to 1024, separated by commas; the OpenMP runtime's default "
                                 "applies"));
    cr_expect(not(eq(ptr, strstr(w.text[2], "ignoring OMP_PLACES='\\xff'"), NULL)), "%s",
              w.text[2]);
    psum_warnings_free(&w);
}

Test(env, every_variable_is_recorded_once_so_the_record_never_fills)
{
    char *envp[] = {"OMP_NUM_THREADS=0", "OMP_PROC_BIND=x", "OMP_PLACES=x", "OMP_DYNAMIC=x",
                    "OMP_TARGET_OFFLOAD=x", "OMP_DEFAULT_DEVICE=x", "OMP_DYNAMIC=y",
                    "OMP_NUM_THREADS=1", "OMP_NUM_THREADS=-1", "HOME=/root", NULL};
    psum_env_dropped dropped = {0};
    psum_env_drop_invalid(envp, &dropped);
    cr_assert(eq(sz, dropped.count, PSUM_ENV_CHECKED), "one removal listed per variable");
    cr_expect(eq(str, (char *)dropped.item[3].name, "OMP_DYNAMIC"));
    cr_expect(eq(str, (char *)dropped.item[3].value, "x"), "the first value removed");
    cr_expect(eq(str, envp[0], "OMP_NUM_THREADS=1"), "each invalid copy is removed");
    cr_expect(eq(str, envp[1], "HOME=/root"));
    cr_expect(eq(ptr, envp[2], NULL));
    for (size_t i = 0; i < PSUM_ENV_CHECKED; i++) {
        cr_expect(not(eq(ptr, (void *)psum_env_invalid(dropped.item[i].name, "x\x01"), NULL)),
                  "%s is a checked variable", dropped.item[i].name);
    }
}

/* One explicit place list against a CPU mask, and libgomp's verdict on it. */
typedef struct {
    char value[40];
    unsigned char mask[16]; /* CPU n at bit n % 8 of byte n / 8 */
    char why[48];           /* a prefix of the reason; empty: kept */
} places_case;

ParameterizedTestParameters(env, places_against_the_allowed_cpus)
{
    /* {0,1}: a 2-CPU machine; {1}: bound to CPU 1; {0, 70}: bound 128. */
    static places_case cases[] = {
        {"{0},{1}", {0x03}, ""},
        {"{0:2}", {0x03}, ""},
        {"{0,5}", {0x03}, ""},       /* CPU 5 does not exist; {0} is usable */
        {"{0:3}", {0x03}, ""},
        {"{1}:2:-1", {0x03}, ""},
        {"{0},{1},!{1}", {0x03}, ""},
        {"{0,1,!1}", {0x03}, ""},
        {"{0}:2:0", {0x03}, ""},
        {"{0,63}", {0x03}, ""},      /* below libgomp's bound of 64 */
        {"threads(4)", {0x03}, ""},  /* names: the runtime's own places */
        {"cores", {0}, ""},          /* an empty mask checks nothing */
        {"{2}", {0x03}, "a place holds none of the CPUs"},
        {"{0},{2}", {0x03}, "a place holds none of the CPUs"},
        {"{0}:3", {0x03}, "a place holds none of the CPUs"},
        {"{1,!1}", {0x03}, "a place holds none of the CPUs"},
        {"{0}", {0x02}, "a place holds none of the CPUs"},
        {"{0,64}", {0x03}, "a CPU number is out of range"},
        {"{65535}", {0x03}, "a CPU number is out of range"},
        {"{0}:2:-1", {0x03}, "a CPU number is out of range"},
        {"{0:2:-1}", {0x03}, "a CPU number is out of range"},
        {"{!64,0}", {0x03}, "a CPU number is out of range"},
        {"{!0,1}", {0x03}, "removes a CPU that its place"},
        {"!{0}", {0x03}, "removes a place that the list"},
        {"{0},!{1}", {0x03}, "removes a place that the list"},
        {"{0},!{0}", {0x03}, "removes every place"},
        {"{0},!{0}:1", {0x03}, "a removed CPU or place takes"},
        {"{0,!1:2}", {0x03}, "a removed CPU or place takes"},
        {"{70},{0}", {0x01, 0, 0, 0, 0, 0, 0, 0, 0x40}, ""},
        {"{127}", {0x01, 0, 0, 0, 0, 0, 0, 0, 0x40}, "a place holds none"},
        {"{128}", {0x01, 0, 0, 0, 0, 0, 0, 0, 0x40}, "a CPU number is out of range"},
    };
    return cr_make_param_array(places_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(places_case *c, env, places_against_the_allowed_cpus)
{
    cr_assert(eq(ptr, (void *)psum_env_invalid("OMP_PLACES", c->value), NULL),
              "'%s' is not even valid syntax", c->value);
    const char *why = psum_env_places_unusable(c->value, c->mask, sizeof c->mask);
    if (c->why[0] == '\0') {
        cr_assert(eq(ptr, (void *)why, NULL), "'%s' refused: %s", c->value, why);
        return;
    }
    cr_assert(not(eq(ptr, (void *)why, NULL)), "'%s' kept", c->value);
    cr_assert(eq(int, strncmp(why, c->why, strlen(c->why)), 0), "'%s': %s", c->value, why);
}

Test(env, places_too_many_to_hold_are_left_to_the_runtime)
{
    unsigned char all[8192];
    memset(all, 0xff, sizeof all);
    /* 65536 CPUs: 8 KiB a place, more than eight places outgrow the room. */
    cr_assert(eq(ptr, (void *)psum_env_places_unusable("{0}:20", all, sizeof all), NULL));
    cr_assert(eq(str, (char *)psum_env_places_unusable("{0},!{1}", all, sizeof all),
                 "removes a place that the list does not hold"));
}
