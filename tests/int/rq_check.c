/*
 * rq_check.c - the generated integer helpers (tc_rq, tc_q8, tc_dq, taken from
 * a generated file into helpers.c by tests/int/run.sh; tc_q8f both through the FPU
 * and with -DTC_Q8_INT) against the reference
 * interpreter's (interp_int.c) on edge cases and a fixed pseudo-random sweep.
 * Prints "rq_check: N cases, M mismatches"; exit 1 on any mismatch.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ticketc.h"

#include "helpers.c"

static uint32_t seed = 12345u;
static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed ^ (seed >> 15);
}

static long cases, bad;

static void check_rq(int32_t acc, int32_t m, int s)
{
    int32_t want = interp_int_requant(acc, m, s), got = tc_rq(acc, m, s);
    cases++;
    if (want != got && bad++ < 10)
        printf("rq(%ld, %ld, %d): interp %ld, generated %ld\n", (long)acc, (long)m, s, (long)want, (long)got);
}

static void check_q8(float x, QParam q)
{
    int32_t want = interp_int_quantize(x, q), got = tc_q8(x, q.inv_m, q.inv_s, q.zp);
    uint32_t u;
    memcpy(&u, &x, 4);
    cases++;
    if (want != got && bad++ < 10)
        printf("q8(0x%08lx, scale %g): interp %ld, generated %ld\n", (unsigned long)u, (double)q.scale, (long)want,
               (long)got);
    /* the FPU's form (where TC_Q8_FP), with 1 / scale as emit_int.c prints it */
    got = tc_q8f(x, (float)ldexp((double)q.inv_m, q.inv_s - 31), q.inv_m, q.inv_s, q.zp);
    cases++;
    if (want != got && bad++ < 10)
        printf("q8f(0x%08lx, scale %g): interp %ld, generated %ld\n", (unsigned long)u, (double)q.scale, (long)want,
               (long)got);
}

static void check_dq(int32_t d, float scale)
{
    float want = (float)d * scale, got;
    uint32_t u, a, b;
    memcpy(&u, &scale, 4);
    got = tc_dq(d, (u & 0x7fffffu) | 0x800000u, (int)(u >> 23 & 0xff));
    memcpy(&a, &want, 4);
    memcpy(&b, &got, 4);
    cases++;
    if (a != b && bad++ < 10)
        printf("dq(%ld, %g): float %g, generated %g\n", (long)d, (double)scale, (double)want, (double)got);
}

/* 1 / scale as quant.c writes it: inv_m * 2^(inv_s - 31), inv_m in [2^30, 2^31) */
static QParam param(float scale, int32_t zp)
{
    QParam q;
    int e;
    double f = frexp(1.0 / (double)scale, &e);
    long long r = (long long)floor(f * 2147483648.0 + 0.5);
    if (r == 1LL << 31) {
        r /= 2;
        e++;
    }
    q.scale = scale;
    q.zp = zp;
    q.inv_m = (int32_t)r;
    q.inv_s = e;
    return q;
}

int main(void)
{
    static const int32_t edge[] = {0, 1, -1, 2, -2, 127, -128, 32767, -32768, 65535, -65536, 1 << 20, -(1 << 20),
                                   0x3fffffff, -0x40000000, 0x7fffffff, -0x7fffffff - 1, 0x40000000, 12345678};
    int i, j, s;
    long k;
    for (i = 0; i < (int)(sizeof edge / sizeof *edge); i++)
        for (j = 0; j < (int)(sizeof edge / sizeof *edge); j++)
            for (s = -31; s <= 30; s++)
                if (edge[j] >= 0)
                    check_rq(edge[i], edge[j], s);
    for (k = 0; k < 2000000; k++) {
        int32_t acc = (int32_t)rnd() >> (rnd() % 31);
        int32_t m = (int32_t)(0x40000000u | (rnd() & 0x3fffffffu));
        check_rq(acc, k % 17 ? m : (int32_t)(rnd() >> 1), (int)(rnd() % 62) - 31);
    }
    for (k = 0; k < 2000000; k++) {
        float scale = (float)ldexp(1.0 + (rnd() % 1000000) / 1e6, (int)(rnd() % 41) - 20);
        QParam q = param(scale, (int32_t)(rnd() % 256) - 128);
        uint32_t u = rnd();
        float x;
        if (k % 3 == 0) /* values near the grid: x = scale * (n + fraction) */
            x = (float)((double)scale * ((double)((int)(rnd() % 600) - 300) + (rnd() % 5) * 0.25));
        else if (k % 3 == 1) /* within about 2^-10 of a half: where tc_q8f must leave the FPU */
            x = (float)((double)scale * ((double)((int)(rnd() % 2400) - 1200) + 0.5 +
                                         ((double)(rnd() % 2001) - 1000.0) * 1e-6));
        else
            memcpy(&x, &u, 4); /* any bits: NaN, infinities, subnormals included */
        check_q8(x, q);
        check_dq((int32_t)(rnd() % 511) - 255, scale);
    }
    check_q8(1.0f / 255.0f * 37.0f, param(1.0f / 255.0f, -128));
    printf("rq_check: %ld cases, %ld mismatches\n", cases, bad);
    return bad ? 1 : 0;
}
