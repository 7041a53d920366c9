#include "interrupt.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* Who ends the process: decided once, by whoever gets there first. */
enum { OWNER_NONE, OWNER_MAIN, OWNER_SIGINT };
static atomic_int exit_owner = OWNER_NONE;

static bool claim_exit(int owner)
{
    int none = OWNER_NONE;
    return atomic_compare_exchange_strong(&exit_owner, &none, owner);
}

/* Only async-signal-safe calls here: it may interrupt any thread anywhere. */
static void on_sigint(int sig)
{
    (void)sig;
    if (!claim_exit(OWNER_SIGINT))
        return; /* main is writing the report */
    ssize_t written = write(STDERR_FILENO, PSUM_INTERRUPTED_LINE,
                            sizeof PSUM_INTERRUPTED_LINE - 1);
    (void)written; /* nothing more can be done about a failed write */
    _exit(130);
}

void psum_interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    /*
     * SA_RESTART: a SIGINT while main writes the report must not turn a
     * blocking write into EINTR, a write error.  SA_RESETHAND: a second
     * one then kills at once (a report stuck on a full pipe).
     */
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

void psum_interrupt_take_exit(void)
{
    if (claim_exit(OWNER_MAIN))
        return;
    /* The handler, on another thread, is writing its line and exiting. */
    for (;;)
        pause();
}
