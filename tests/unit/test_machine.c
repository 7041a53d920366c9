/*
 * The CPU model from /proc/cpuinfo texts: x86's "model name", an Arm
 * kernel's implementer and part (Graviton, Grace), and texts that name
 * neither.  Caches and the frequency governor from fake sysfs trees.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine.h"

static void model_of(const char *cpuinfo, char *out, size_t len)
{
    FILE *f = fmemopen((void *)cpuinfo, strlen(cpuinfo), "r");
    cr_assert(not(eq(ptr, f, NULL)));
    psum_cpu_model_parse(f, out, len);
    fclose(f);
}

/* The model psum_cpu_model_parse reads from cpuinfo must be want. */
static void expect_model(const char *cpuinfo, const char *want)
{
    char out[128];
    model_of(cpuinfo, out, sizeof out);
    cr_assert(eq(str, out, (char *)want), "from: %s", cpuinfo);
}

Test(machine, x86_model_name)
{
    expect_model("processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                 "model name\t: AMD EPYC 9R14 96-Core Processor\nflags\t\t: fpu\n"
                 "processor\t: 1\nmodel name\t: a second line is not read\n",
                 "AMD EPYC 9R14 96-Core Processor");
}

Test(machine, arm_neoverse_is_named)
{
    expect_model("processor\t: 0\nBogoMIPS\t: 2000.00\nFeatures\t: fp asimd sve2\n"
                 "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\n"
                 "CPU part\t: 0xd4f\nCPU revision\t: 0\n\n"
                 "processor\t: 1\nCPU implementer\t: 0x42\nCPU part\t: 0x001\n",
                 "Arm Neoverse-V2 (implementer 0x41, part 0xd4f)");
}

Test(machine, other_arm_parts_keep_their_numbers)
{
    expect_model("CPU implementer\t: 0xc0\nCPU part\t: 0xac3\n",
                 "Arm CPU (implementer 0xc0, part 0xac3)");
    expect_model("CPU implementer\t: 0x41\nCPU part\t: 0xfff\n",
                 "Arm CPU (implementer 0x41, part 0xfff)");
}

Test(machine, neither_is_unknown)
{
    expect_model("", "unknown");
    expect_model("CPU implementer\t: 0x41\n", "unknown"); /* no part */
    expect_model("model name without a colon\nmodel names\t: not this key\n", "unknown");
}

Test(machine, a_long_name_is_cut_to_the_buffer)
{
    char out[8];
    model_of("model name\t: 0123456789abcdef\n", out, sizeof out);
    cr_assert(eq(str, out, "0123456"));
}

/* ---- fake sysfs trees for psum_machine_read_cpu ---- */

/* A fresh, empty directory for a fake CPU 0; removed with rm -r by the caller. */
static char *fake_cpu(void)
{
    static char dir[] = "/tmp/psum_test_cpuXXXXXX";
    strcpy(dir, "/tmp/psum_test_cpuXXXXXX");
    cr_assert(not(eq(ptr, mkdtemp(dir), NULL)));
    return dir;
}

/* Writes text to cpu/rel, making the directories on the way. */
static void put(const char *cpu, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", cpu, rel);
    for (char *p = path + strlen(cpu) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0700);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    cr_assert(not(eq(ptr, f, NULL)), "%s", path);
    fputs(text, f);
    fclose(f);
}

/* One cache/indexN with its three files. */
static void put_cache(const char *cpu, int index, const char *level, const char *type,
                      const char *size)
{
    char rel[64];
    snprintf(rel, sizeof rel, "cache/index%d/level", index);
    put(cpu, rel, level);
    snprintf(rel, sizeof rel, "cache/index%d/type", index);
    put(cpu, rel, type);
    snprintf(rel, sizeof rel, "cache/index%d/size", index);
    put(cpu, rel, size);
}

static void remove_tree(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert(eq(int, system(cmd), 0));
}

static void expect_cache(const psum_machine *m, size_t i, int level, const char *type,
                         uint64_t size)
{
    cr_assert(lt(sz, i, m->caches));
    cr_expect(eq(int, m->cache[i].level, level), "cache %zu", i);
    cr_expect(eq(str, (char *)m->cache[i].type, (char *)type), "cache %zu", i);
    cr_expect(eq(u64, m->cache[i].size, size), "cache %zu", i);
}

Test(machine, caches_and_governor_from_sysfs)
{
    char *cpu = fake_cpu();
    put_cache(cpu, 0, "1\n", "Data\n", "48K\n");
    put_cache(cpu, 1, "1\n", "Instruction\n", "32K\n");
    put_cache(cpu, 2, "2\n", "Unified\n", "1024K\n");
    put_cache(cpu, 3, "3\n", "Unified\n", "32768K\n");
    put(cpu, "cpufreq/scaling_governor", "performance\n");
    psum_machine m;
    memset(&m, 0xff, sizeof m);
    psum_machine_read_cpu(cpu, &m);
    cr_expect(eq(sz, m.caches, 4));
    expect_cache(&m, 0, 1, "Data", 48 << 10);
    expect_cache(&m, 1, 1, "Instruction", 32 << 10);
    expect_cache(&m, 2, 2, "Unified", 1 << 20);
    expect_cache(&m, 3, 3, "Unified", 32 << 20);
    cr_expect(eq(str, m.governor, "performance"));
    remove_tree(cpu);
}

Test(machine, nothing_readable_is_none)
{
    char *cpu = fake_cpu();
    psum_machine m;
    memset(&m, 0xff, sizeof m);
    psum_machine_read_cpu(cpu, &m);
    cr_expect(eq(sz, m.caches, 0));
    cr_expect(eq(str, m.governor, ""));
    /* An empty governor file says nothing either. */
    put(cpu, "cpufreq/scaling_governor", "\n");
    psum_machine_read_cpu(cpu, &m);
    cr_expect(eq(str, m.governor, ""));
    remove_tree(cpu);
    psum_machine_read_cpu("/nonexistent/cpu0", &m);
    cr_expect(eq(sz, m.caches, 0));
}

Test(machine, cache_sizes_in_every_unit_and_malformed_ones_left_out)
{
    char *cpu = fake_cpu();
    const struct {
        const char *size;
        uint64_t bytes; /* 0: left out */
    } cases[] = {
        {"1M\n", 1 << 20}, {"2G\n", 2ULL << 30}, {"512\n", 512}, {"48K", 48 << 10},
        {"12Q\n", 0}, {"K\n", 0}, {"-1K\n", 0}, {"0K\n", 0}, {" 4K\n", 0}, {"4K 2\n", 0},
        {"99999999999999999999K\n", 0}, {"18014398509481984K\n", 0},
    };
    const size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        put_cache(cpu, 0, "2\n", "Unified\n", cases[i].size);
        psum_machine m;
        psum_machine_read_cpu(cpu, &m);
        if (cases[i].bytes == 0) {
            cr_expect(eq(sz, m.caches, 0), "size %s", cases[i].size);
        } else {
            cr_expect(eq(sz, m.caches, 1), "size %s", cases[i].size);
            cr_expect(eq(u64, m.cache[0].size, cases[i].bytes), "size %s", cases[i].size);
        }
    }
    remove_tree(cpu);
}

Test(machine, a_bad_index_is_skipped_and_a_gap_ends_the_list)
{
    char *cpu = fake_cpu();
    put_cache(cpu, 0, "1\n", "Data\n", "32K\n");
    put_cache(cpu, 1, "x\n", "Instruction\n", "32K\n"); /* bad level */
    put(cpu, "cache/index2/level", "2\n");                /* no type, no size */
    put_cache(cpu, 3, "0\n", "Unified\n", "1M\n");      /* level 0 */
    put_cache(cpu, 4, "3\n", "Unified\n", "8M\n");
    put_cache(cpu, 6, "4\n", "Unified\n", "64M\n");     /* after the gap at 5 */
    psum_machine m;
    psum_machine_read_cpu(cpu, &m);
    cr_expect(eq(sz, m.caches, 2));
    expect_cache(&m, 0, 1, "Data", 32 << 10);
    expect_cache(&m, 1, 3, "Unified", 8 << 20);
    remove_tree(cpu);
}

Test(machine, at_most_the_room_and_long_values_cut)
{
    char *cpu = fake_cpu();
    for (int i = 0; i < PSUM_MACHINE_MAX_CACHES + 3; i++)
        put_cache(cpu, i, "2\n", "Unified\n", "1M\n");
    put(cpu, "cpufreq/scaling_governor", "a-governor-with-a-very-long-name-indeed\n");
    psum_machine m;
    psum_machine_read_cpu(cpu, &m);
    cr_expect(eq(sz, m.caches, PSUM_MACHINE_MAX_CACHES));
    cr_expect(eq(sz, strlen(m.governor), sizeof m.governor - 1));
    cr_expect(eq(int, strncmp(m.governor, "a-governor-with", 15), 0));
    remove_tree(cpu);
}
