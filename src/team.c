#include "team.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *skip(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\v' || *s == '\f' || *s == '\r')
        s++;
    return s;
}

bool psum_team_stacksize(const char *value, uint64_t *bytes)
{
    const char *s = skip(value);
    if (*s < '0' || *s > '9')
        return false;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    s = skip(s);
    int shift = 10;
    if (*s != '\0') {
        switch (*s | 0x20) {
        case 'b': shift = 0; break;
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        default: return false;
        }
        s = skip(s + 1);
    }
    if (*s != '\0' || ((v << shift) >> shift) != v)
        return false;
    *bytes = v << shift;
    return true;
}

/* The started threads wait here until the last has started or one failed. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t go;
    bool released;
} gate;

static void *wait_at_gate(void *arg)
{
    gate *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->released)
        pthread_cond_wait(&g->go, &g->lock);
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

/* The variable that sets the stack size, as the runtime picks it, or NULL. */
static const char *stack_variable(uint64_t *bytes)
{
    static const char *const names[] = {"OMP_STACKSIZE", "GOMP_STACKSIZE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v != NULL && psum_team_stacksize(v, bytes))
            return names[i];
    }
    return NULL;
}

int psum_team_probe(int threads, char *err, size_t errlen)
{
    if (threads <= 1)
        return 0;
    pthread_t *ids = malloc((size_t)(threads - 1) * sizeof *ids);
    if (ids == NULL) {
        snprintf(err, errlen, "cannot allocate memory to start a team of %d threads", threads);
        return -1;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    uint64_t stack = 0;
    const char *variable = stack_variable(&stack);
    int rc = variable != NULL && stack <= SIZE_MAX
                 ? pthread_attr_setstacksize(&attr, (size_t)stack) : 0;
    /* A size the attribute refuses the runtime refuses too, with its default. */
    if (rc != 0)
        variable = NULL;
    gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
    int started = 0;
    rc = 0;
    while (started < threads - 1 && rc == 0) {
        rc = pthread_create(&ids[started], &attr, wait_at_gate, &g);
        started += rc == 0;
    }
    pthread_mutex_lock(&g.lock);
    g.released = true;
    pthread_cond_broadcast(&g.go);
    pthread_mutex_unlock(&g.lock);
    for (int i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    pthread_attr_destroy(&attr);
    free(ids);
    if (rc == 0)
        return 0;
    char quoted[64], asks[128] = "";
    if (variable != NULL)
        snprintf(asks, sizeof asks, " (each asks %s='%s' of stack)", variable,
                 psum_escape(getenv(variable), quoted, sizeof quoted));
    snprintf(err, errlen, "cannot start a team of %d threads: thread %d was refused: %s%s",
             threads, started + 2, strerror(rc), asks);
    return -1;
}
