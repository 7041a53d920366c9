/*
 * The CPU model from /proc/cpuinfo texts: x86's "model name", an Arm
 * kernel's implementer and part (Graviton, Grace), and texts that name
 * neither.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>

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
