#include "interrupt.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static timer_t deadline;
static bool have_deadline;

/* Who ends the process: decided once, by whoever gets there first. */
enum { OWNER_NONE, OWNER_MAIN, OWNER_DEADLINE };
static atomic_int exit_owner = OWNER_NONE;

static bool claim_exit(int owner)
{
    int none = OWNER_NONE;
    return atomic_compare_exchange_strong(&exit_owner, &none, owner);
}

/* Only async-signal-safe calls here: it may interrupt any thread anywhere. */
static void on_deadline(int sig)
{
    (void)sig;
    if (!claim_exit(OWNER_DEADLINE))
        return;
    ssize_t written = write(STDERR_FILENO, PSUM_INTERRUPTED_LINE,
                            sizeof PSUM_INTERRUPTED_LINE - 1);
    (void)written; /* nothing more can be done about a failed write */
    _exit(130);
}

static void on_sigint(int sig)
{
    (void)sig;
    static const struct itimerspec once = {
        .it_value = {0, PSUM_INTERRUPT_DEADLINE_MS * 1000000L},
    };
    interrupted = 1;
    if (have_deadline)
        timer_settime(deadline, 0, &once, NULL);
}

static void handle(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

void psum_interrupt_install(void)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGALRM;
    /*
     * SA_RESTART: a signal that arrives while main writes the report must
     * not turn a blocking write into EINTR, a write error.
     */
    handle(SIGALRM, on_deadline, SA_RESTART);
    have_deadline = timer_create(CLOCK_MONOTONIC, &ev, &deadline) == 0;
    handle(SIGINT, on_sigint, SA_RESETHAND | SA_RESTART);
}

const volatile sig_atomic_t *psum_interrupt_flag(void)
{
    return &interrupted;
}

void psum_interrupt_take_exit(void)
{
    if (claim_exit(OWNER_MAIN)) {
        static const struct itimerspec off = {{0, 0}, {0, 0}};
        if (have_deadline)
            timer_settime(deadline, 0, &off, NULL);
        return;
    }
    /* The deadline handler, on another thread, is writing its line and exiting. */
    for (;;)
        pause();
}
