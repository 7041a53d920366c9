/*
 * A deliberate data race: threads add to a shared variable without a
 * reduction.  tsan_test.sh requires ThreadSanitizer with Archer to report
 * it, so "zero reports" on psum_omp means the detector was looking.
 */
#include <stdio.h>

int main(void)
{
    long racy = 0;
#pragma omp parallel for num_threads(2)
    for (long i = 0; i < 100000; i++)
        racy += i;
    printf("%ld\n", racy);
    return 0;
}
