/*
 * The .preinit_array entry and the record of what it removed (env_early.h).
 */
#include "env_early.h"

/* Zeroed before .preinit_array runs: it is in .bss, set up by the loader. */
static psum_env_dropped dropped;

static void check_environment_early(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    psum_env_drop_invalid(envp, &dropped);
}

__attribute__((section(".preinit_array"), used))
static void (*const check_environment_early_entry)(int, char **, char **) =
    check_environment_early;

void psum_env_early_check(char **envp)
{
    psum_env_drop_invalid(envp, &dropped);
}

const psum_env_dropped *psum_env_early_dropped(void)
{
    return &dropped;
}
