/*
 * Runs the stream kernel once over [0, n) on one thread, for callgrind to
 * count its instructions (see kernel_linear.py).  Prints the sum so the
 * work cannot be dropped.
 */
#include <stdio.h>
#include <stdlib.h>

#include "exact.h"
#include "sum.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: stream_count N\n", stderr);
        return 2;
    }
    psum_source src = {.n = strtoull(argv[1], NULL, 10)};
    char buf[PSUM_U128_DEC_SIZE];
    psum_u128 got = psum_sum_range(&src, 0, src.n);
    printf("%s\n", psum_u128_to_dec(got, buf));
    return got == psum_expected_sum(src.n) ? 0 : 1;
}
