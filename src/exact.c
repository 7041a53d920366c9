#include "exact.h"

#include <string.h>

psum_u128 psum_expected_sum(uint64_t n)
{
    if (n == 0)
        return 0;
    /* One of n, n-1 is even: halve it first so the product stays exact. */
    psum_u128 a = n, b = n - 1;
    if (n % 2 == 0)
        a /= 2;
    else
        b /= 2;
    return a * b;
}

char *psum_u128_to_dec(psum_u128 v, char *buf)
{
    char tmp[PSUM_U128_DEC_SIZE];
    size_t len = 0;
    do {
        tmp[len++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < len; i++)
        buf[i] = tmp[len - 1 - i];
    buf[len] = '\0';
    return buf;
}
