#include "result.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

psum_u128 psum_result_sum(const psum_result *res)
{
    return res->serial.count > 0 && !res->serial.verified ? res->serial.sum
                                                          : res->parallel.sum;
}

void psum_result_free(psum_result *res)
{
    psum_phase_free(&res->serial);
    psum_phase_free(&res->parallel);
}

int psum_add_warning(psum_warnings *w, const char *text)
{
    char line[PSUM_WARNING_SIZE];
    char *copy = strdup(psum_escape(text, line, sizeof line));
    char **grown = copy != NULL ? realloc(w->text, (w->count + 1) * sizeof *w->text) : NULL;
    if (grown == NULL) {
        free(copy);
        w->out_of_memory = true;
        errno = ENOMEM;
        return -1;
    }
    w->text = grown;
    w->text[w->count++] = copy;
    return 0;
}

void psum_warnings_free(psum_warnings *w)
{
    for (size_t i = 0; i < w->count; i++)
        free(w->text[i]);
    free(w->text);
    *w = (psum_warnings){0};
}
