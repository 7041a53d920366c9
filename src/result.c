#include "result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

void psum_add_warning(psum_warnings *w, const char *text)
{
    if (w->count >= PSUM_MAX_WARNINGS) {
        char line[sizeof w->text[0]];
        fprintf(stderr, "%s: internal error: more than PSUM_MAX_WARNINGS (%d) warnings, "
                "the next: %s\n", program_invocation_short_name, PSUM_MAX_WARNINGS,
                psum_escape(text, line, sizeof line));
        exit(1);
    }
    psum_escape(text, w->text[w->count++], sizeof w->text[0]);
}
